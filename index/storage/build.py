"""Corpus folder -> saved index: find the files, analyse them, invert, publish.

The stages are `index.storage.analyse` (files -> analysed chunks, in worker processes)
and `index.storage.invert` (chunks -> one generation's arrays). This module decides
what to read: `build()` indexes the whole corpus from scratch, `add()` analyses only
new files and merges their postings into a copy of the current generation.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import CorpusError
from index.ingest.corpus import SourceFile, find_files
from index.ingest.paragraphs import Boilerplate
from index.models import Problem
from index.storage import store
from index.storage.analyse import analysed
from index.storage.files import access_error
from index.storage.invert import Builder
from index.storage.settings import IndexSettings
from index.storage.store import Index
from index.storage.writer import GenerationWriter
from index.text.analysis import Analyzer


def fingerprints(settings: IndexSettings) -> dict[str, str]:
    """What a saved index must have been built with to be reused."""
    rules = settings.boilerplate
    try:
        stamp = (rules.stat().st_mtime_ns, rules.stat().st_size) if rules else None
    except OSError:
        stamp = None  # Boilerplate.load names the problem
    return {
        "format": str(store.VERSION),
        "analyzer": _analyzer_fingerprint(),
        "boilerplate": _boilerplate_fingerprint(rules, stamp),
    }


@functools.cache
def _analyzer_fingerprint() -> str:
    return Analyzer().fingerprint


@functools.lru_cache(maxsize=8)
def _boilerplate_fingerprint(rules: Path | None, _stamp: tuple[int, int] | None) -> str:
    """Read again only when the rules file changed (its mtime and size are the key)."""
    return Boilerplate.load(rules).fingerprint


Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


@dataclass
class Report:
    """What a build or an add did, for the summary line."""

    mode: str  # "build" | "add"
    articles: int = 0  # articles indexed by this run
    passages: int = 0
    files: int = 0  # files read by this run
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    total_articles: int = 0
    total_passages: int = 0

    @property
    def skipped_files(self) -> int:
        return len({p.path for p in self.problems if p.skipped and p.line is None})

    @property
    def skipped_lines(self) -> int:
        return sum(1 for p in self.problems if p.skipped and p.line is not None)


# ------------------------------------------------------------------ entry points


def file_key(source: SourceFile, corpus: Path) -> str:
    """How the index remembers a file: relative inside the corpus, absolute outside it."""
    try:
        return source.path.resolve().relative_to(Path(corpus).resolve()).as_posix()
    except ValueError:
        return str(source.path.resolve())


# Files added with `newsbot index add` from outside the corpus, one absolute path a line,
# kept beside the generations so that a rebuild from scratch keeps them.
ADDED = "ADDED"


def added_paths(index_dir: Path) -> list[Path]:
    try:
        text = (Path(index_dir) / ADDED).read_text("utf-8")
    except OSError:
        return []
    return [Path(line) for line in text.splitlines() if line.strip()]


def remember_added(index_dir: Path, paths: Iterable[Path]) -> None:
    """Record `paths` (absolute, outside the corpus) as added, atomically."""
    known = list(dict.fromkeys([*map(str, added_paths(index_dir)), *map(str, paths)]))
    tmp = Path(index_dir) / f"{ADDED}.tmp"
    tmp.write_text("".join(f"{p}\n" for p in known), "utf-8")
    os.replace(tmp, Path(index_dir) / ADDED)


def sources(
    settings: IndexSettings, paths: Iterable[Path], problems: list[Problem]
) -> list[SourceFile]:
    """The article files under `paths`, each once, named as the index remembers them
    (relative inside the corpus, absolute outside it), so their article ids are unique."""
    found: dict[str, SourceFile] = {}
    for path in paths:
        for f in find_files(Path(path), problems):
            key = file_key(f, settings.corpus)
            found.setdefault(key, replace(f, rel=key))
    return list(found.values())


def build(
    settings: IndexSettings, progress: Progress | None = None, analyzer: Analyzer | None = None
) -> Report:
    """Index the whole corpus from scratch into a new generation and make it current, with
    the files added from outside it that still exist.
    (`analyzer`: a non-default one, for experiments; the index won't match the settings.)"""
    problems: list[Problem] = []
    files = find_files(settings.corpus, problems)
    if not files:
        raise CorpusError(
            f"The corpus at {settings.corpus} has no article files (.txt, .md, .jsonl, .html)."
        )
    kept = []
    for path in added_paths(settings.index_dir):
        if path.exists():
            kept.append(path)
        else:
            problems.append(
                Problem(str(path), "added with `newsbot index add`, but gone; no longer indexed")
            )
    files += sources(settings, kept, problems)
    report = _run("build", settings, files, None, progress, problems, {}, analyzer)
    if kept or added_paths(settings.index_dir):
        (Path(settings.index_dir) / ADDED).unlink(missing_ok=True)
        remember_added(settings.index_dir, kept)
    return report


def add(
    settings: IndexSettings, base: Index, files: list[SourceFile], progress: Progress | None = None
) -> Report:
    """Index `files` on top of `base` without re-analysing what it holds."""
    return _run("add", settings, files, base, progress, [], base.meta["files"])


def _run(
    mode: str,
    settings: IndexSettings,
    files: list[SourceFile],
    base: Index | None,
    progress: Progress | None,
    problems: list[Problem],
    previous: dict,
    analyzer: Analyzer | None = None,
) -> Report:
    start = time.perf_counter()
    report = Report(mode, files=len(files), problems=problems)
    writer = GenerationWriter(settings.index_dir)
    builder = None
    try:
        builder = Builder(writer, base)
        total = sum(f.size for f in files) or 1
        done = 0
        for chunk in analysed(files, settings, analyzer):
            articles, passages = builder.add(chunk, report.problems)
            report.articles += articles
            report.passages += passages
            done += chunk.bytes
            if progress is not None:
                progress(done, total)
        if builder.n_passages == 0:
            raise CorpusError(
                f"Nothing in {settings.corpus} could be indexed ({len(report.problems)} problems).",
                report.problems,
            )
        recorded = dict(previous)
        for f in files:
            recorded[file_key(f, settings.corpus)] = [f.size, f.mtime_ns]
        meta = {
            "corpus": str(Path(settings.corpus).resolve()),
            "settings": fingerprints(settings),
            "files": recorded,
            "counts": {
                "articles": builder.n_articles,
                "passages": builder.n_passages,
                "terms": len(builder.vocab),
            },
            "problems": [str(p) for p in report.problems][:1000],
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        builder.finish(meta)
    except BaseException as err:
        if builder is not None:
            with contextlib.suppress(OSError):  # flushing onto a full disk fails again
                builder.close()
        writer.abandon()
        if (named := access_error(err, writer.path)) is not None:
            raise named from err  # "disk full while writing …", not "unexpected error"
        raise
    report.total_articles, report.total_passages = builder.n_articles, builder.n_passages
    report.seconds = time.perf_counter() - start
    return report
