"""Corpus folder -> saved index: read, split, analyse, invert, write a generation.

Large corpora are analysed in worker processes (one chunk of files each); the parent
gives terms their global ids in first-seen order, writes passage texts as it goes,
and inverts the postings with numpy at the end. `add()` analyses only new files and
merges their postings into a copy of the current generation.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import re
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from index.bm25 import length_norm, okapi_idf, tf_weight
from index.errors import CorpusError
from index.ingest.corpus import SourceFile, find_files, read_file, split_jsonl
from index.ingest.paragraphs import Boilerplate, segment
from index.models import Article, Problem
from index.storage import store
from index.storage.files import access_error
from index.storage.settings import IndexSettings
from index.storage.store import GenerationWriter, Index
from index.storage.workers import die_with_parent
from index.text import aliases as alias_learning
from index.text.analysis import Analyzer
from index.text.attribution import attribute
from index.text.features import passage_flags


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


PARALLEL_BYTES = 2 * 1024 * 1024  # analyse in worker processes above this much text
CHUNK_BYTES = 4 * 1024 * 1024
CHUNK_FILES = 256

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


# ------------------------------------------------------------------ analysing (workers)


@dataclass
class Chunk:
    """One chunk of files, analysed; term ids are local to the chunk."""

    articles: list[Article] = field(default_factory=list)
    lines: list[tuple[str, int | None]] = field(default_factory=list)  # (path, line) per article
    texts: list[str] = field(default_factory=list)
    passage_article: array = field(default_factory=lambda: array("i"))  # index into articles
    passage_number: array = field(default_factory=lambda: array("i"))
    vocab: list[str] = field(default_factory=list)
    terms: array = field(default_factory=lambda: array("I"))  # local ids, per passage
    tfs: array = field(default_factory=lambda: array("H"))
    counts: array = field(default_factory=lambda: array("I"))  # distinct terms per passage
    lengths: array = field(default_factory=lambda: array("I"))  # terms per passage
    ctx_terms: array = field(default_factory=lambda: array("I"))  # the same, per article
    ctx_tfs: array = field(default_factory=lambda: array("H"))
    ctx_counts: array = field(default_factory=lambda: array("I"))
    ctx_lengths: array = field(default_factory=lambda: array("I"))
    flags: array = field(default_factory=lambda: array("B"))  # index.text.features, per passage
    aliases: Counter = field(default_factory=Counter)  # (acronym, phrase) -> articles
    problems: list[Problem] = field(default_factory=list)
    bytes: int = 0


_analyzer: Analyzer | None = None  # one per process: its token memo is worth keeping


def analyse_chunk(
    files: list[SourceFile], boilerplate_path: Path | None, analyzer: Analyzer | None = None
) -> Chunk:
    global _analyzer
    if analyzer is None:
        analyzer = _analyzer = _analyzer or Analyzer()
    boilerplate = Boilerplate.load(boilerplate_path)
    chunk = Chunk()
    local: dict[str, int] = {}

    def count(terms: list[str], ids: array, tfs: array, counts: array, lengths: array) -> None:
        freq = Counter(terms)  # first-seen order, as rank-bm25 builds its vocabulary
        for term, n in freq.items():
            tid = local.get(term)
            if tid is None:
                tid = local[term] = len(chunk.vocab)
                chunk.vocab.append(term)
            ids.append(tid)
            tfs.append(min(n, 65535))
        counts.append(len(freq))
        lengths.append(len(terms))

    for source in files:
        chunk.bytes += source.part[1] - source.part[0] if source.part else source.size
        for doc in read_file(source, chunk.problems.append):
            article, passages = segment(doc, boilerplate)
            if not passages:
                chunk.problems.append(
                    Problem(doc.path, "no content paragraphs (only boilerplate); skipped", doc.line)
                )
                continue
            a = len(chunk.articles)
            chunk.articles.append(article)
            chunk.lines.append((doc.path, doc.line))
            lead = passages[0].text if passages[0].number == 1 else ""
            count(
                analyzer.terms(f"{article.title}\n{lead}"),
                chunk.ctx_terms,
                chunk.ctx_tfs,
                chunk.ctx_counts,
                chunk.ctx_lengths,
            )
            chunk.aliases.update(alias_learning.learn(doc.text).keys())
            previous = None
            for p in passages:
                chunk.texts.append(p.text)
                chunk.passage_article.append(a)
                chunk.passage_number.append(p.number)
                terms = analyzer.terms(p.text)
                chunk.flags.append(passage_flags(p.text, set(terms)))
                if previous is not None and _PRONOUN_QUOTE.search(p.text):
                    terms += speaker_terms(analyzer, previous.text)
                count(terms, chunk.terms, chunk.tfs, chunk.counts, chunk.lengths)
                previous = p
    return chunk


# "…,” she said." — the speaker is named in the paragraph before: keep them together
_PRONOUN_QUOTE = re.compile(
    r"[”\"'’],?\s+(?:she|he|they)\s+(?:said|says|added|told|"
    r"explained|continued)\b",
    re.IGNORECASE,
)


def speaker_terms(analyzer: Analyzer, previous: str) -> list[str]:
    speaker = attribute(previous)
    if not speaker or not speaker[:1].isupper() or speaker.lower() in ("she", "he", "they"):
        return []
    return analyzer.terms(speaker)


def _chunks(files: list[SourceFile], target: int) -> list[list[SourceFile]]:
    """Work units of about `target` bytes (large .jsonl files are sliced)."""
    chunks: list[list[SourceFile]] = [[]]
    size = 0
    for piece in (p for f in files for p in split_jsonl(f, target)):
        length = piece.part[1] - piece.part[0] if piece.part else piece.size
        if chunks[-1] and (size + length > target or len(chunks[-1]) >= CHUNK_FILES):
            chunks.append([])
            size = 0
        chunks[-1].append(piece)
        size += length
    return [c for c in chunks if c]


def _analysed(
    files: list[SourceFile], settings: IndexSettings, analyzer: Analyzer | None
) -> Iterable[Chunk]:
    total = sum(f.size for f in files)
    workers = settings.workers or min(os.cpu_count() or 1, 4)
    # small enough that every worker gets several, large enough to be worth sending
    chunks = _chunks(files, min(CHUNK_BYTES, max(256 * 1024, total // (4 * workers))))
    if analyzer is not None or workers <= 1 or total < PARALLEL_BYTES or len(chunks) < 2:
        for c in chunks:
            yield analyse_chunk(c, settings.boilerplate, analyzer)
        return
    # fork is fastest, but forking a process that runs other threads (a serving bot
    # rebuilding in the background) can deadlock a child: use forkserver there
    methods = multiprocessing.get_all_start_methods()
    threaded = threading.active_count() > 1
    method = (
        "fork"
        if "fork" in methods and not threaded
        else "forkserver"
        if "forkserver" in methods
        else "spawn"
    )
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=die_with_parent) as pool:
        yield from pool.map(
            analyse_chunk, chunks, [settings.boilerplate] * len(chunks), chunksize=1
        )


# ------------------------------------------------------------------ inverting (parent)


class _Side:
    """New postings for one field (passages or article contexts), global term ids."""

    def __init__(self) -> None:
        self.terms = array("I")
        self.docs = array("I")
        self.tfs = array("H")
        self.lengths = array("I")

    def extend(
        self,
        remap: np.ndarray,
        terms: array,
        tfs: array,
        counts: array,
        lengths: array,
        first_doc: int,
        keep: np.ndarray | None,
    ) -> None:
        ids = remap[np.frombuffer(terms, dtype=np.uint32)] if len(terms) else np.zeros(0, np.uint32)
        counts_np = np.frombuffer(counts, dtype=np.uint32)
        tf_np = np.frombuffer(tfs, dtype=np.uint16) if len(tfs) else np.zeros(0, np.uint16)
        len_np = np.frombuffer(lengths, dtype=np.uint32)
        if keep is not None:  # drop documents of skipped (duplicate-id) articles
            per_posting = np.repeat(keep, counts_np)
            ids, tf_np = ids[per_posting], tf_np[per_posting]
            counts_np, len_np = counts_np[keep], len_np[keep]
        docs = np.repeat(
            np.arange(first_doc, first_doc + len(counts_np), dtype=np.uint32), counts_np
        )
        self.terms.frombytes(ids.astype(np.uint32).tobytes())
        self.docs.frombytes(docs.tobytes())
        self.tfs.frombytes(tf_np.astype(np.uint16).tobytes())
        self.lengths.frombytes(len_np.astype(np.uint32).tobytes())

    def invert(self, n_terms: int, base: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
        """CSC arrays (term -> passages, counts), merged after `base`'s when given: a new
        passage's number is above every old one, so it goes at the end of its term's list."""
        terms = (
            np.frombuffer(self.terms, dtype=np.uint32)
            if len(self.terms)
            else np.zeros(0, np.uint32)
        )
        docs = (
            np.frombuffer(self.docs, dtype=np.uint32) if len(self.docs) else np.zeros(0, np.uint32)
        )
        tfs = np.frombuffer(self.tfs, dtype=np.uint16) if len(self.tfs) else np.zeros(0, np.uint16)
        lengths = (
            np.frombuffer(self.lengths, dtype=np.uint32).astype(np.int32)
            if len(self.lengths)
            else np.zeros(0, np.int32)
        )
        order = np.argsort(terms, kind="stable")  # documents stay ascending within a term
        new_counts = np.bincount(terms, minlength=n_terms).astype(np.int64)
        new_doc, new_tf, sorted_terms = docs[order].astype(np.int32), tfs[order], terms[order]
        del order
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(new_counts, out=ptr[1:])
        if base is None:
            return {"ptr": ptr, "doc": new_doc, "tf": new_tf, "len": lengths}
        old_ptr = np.asarray(base["ptr"])
        full = np.full(n_terms + 1, old_ptr[-1], dtype=np.int64)
        full[: len(old_ptr)] = old_ptr
        at = full[sorted_terms.astype(np.int64) + 1]  # the end of each term's old list
        return {
            "ptr": full + ptr,
            "doc": np.insert(np.asarray(base["doc"]), at, new_doc),
            "tf": np.insert(np.asarray(base["tf"]), at, new_tf),
            "len": np.concatenate([np.asarray(base["len"]), lengths]),
        }


class _Builder:
    """Merges analysed chunks into one generation, on top of an optional base index."""

    def __init__(self, writer: GenerationWriter, base: Index | None) -> None:
        self.writer = writer
        self.base = base
        self.vocab: list[str] = list(base.passages.vocab) if base else []
        self.term_id: dict[str, int] = dict(base.passages.term_id) if base else {}
        self.article_ids: dict[str, str] = (
            dict.fromkeys(base.article_ids(), "the index") if base else {}
        )
        n_passages = base.n_passages if base else 0
        self.n_articles = base.n_articles if base else 0
        self.passages = _Side()
        self.contexts = _Side()
        self.passage_article = array("i")
        self.passage_number = array("i")
        self.passage_flags = array("B")
        self.aliases: Counter = Counter({tuple(k): n for *k, n in base.aliases} if base else {})
        self.text_ptr = array("q", [int(base.text_ptr[-1])] if base else [0])
        self.article_ptr = array("q", [int(base.article_ptr[-1])] if base else [0])
        self.n_passages = n_passages
        # the base's text and metadata segments are shared (hard links); ours go in new ones
        self.segments = {
            kind: writer.link_segments(base, kind) if base else [] for kind in ("texts", "articles")
        }
        self.texts = writer.new_segment("texts", self.segments["texts"])
        self.articles = writer.new_segment("articles", self.segments["articles"])

    def add(self, chunk: Chunk, report: Report) -> None:
        report.problems.extend(chunk.problems)
        self.aliases.update(chunk.aliases)
        keep_article = np.ones(len(chunk.articles), dtype=np.bool_)
        for a, article in enumerate(chunk.articles):
            earlier = self.article_ids.get(article.id)
            if earlier is not None:
                path, line = chunk.lines[a]
                report.problems.append(
                    Problem(
                        path,
                        f"article id {article.id!r} is already used by {earlier}; skipped",
                        line,
                    )
                )
                keep_article[a] = False
                continue
            self.article_ids[article.id] = article.path
        remap = np.empty(len(chunk.vocab), dtype=np.uint32)
        for local, term in enumerate(chunk.vocab):
            tid = self.term_id.get(term)
            if tid is None:
                tid = self.term_id[term] = len(self.vocab)
                self.vocab.append(term)
            remap[local] = tid
        new_index = np.cumsum(keep_article) - 1 + self.n_articles  # article -> global
        pa = (
            np.frombuffer(chunk.passage_article, dtype=np.int32)
            if chunk.texts
            else np.zeros(0, np.int32)
        )
        keep_passage = keep_article[pa] if len(pa) else np.zeros(0, np.bool_)
        all_kept = bool(keep_article.all())
        self.contexts.extend(
            remap,
            chunk.ctx_terms,
            chunk.ctx_tfs,
            chunk.ctx_counts,
            chunk.ctx_lengths,
            self.n_articles,
            None if all_kept else keep_article,
        )
        self.passages.extend(
            remap,
            chunk.terms,
            chunk.tfs,
            chunk.counts,
            chunk.lengths,
            self.n_passages,
            None if all_kept else keep_passage,
        )
        for a, article in enumerate(chunk.articles):
            if keep_article[a]:
                raw = json.dumps(asdict(article), ensure_ascii=False).encode() + b"\n"
                self.articles.write(raw)
                self.article_ptr.append(self.article_ptr[-1] + len(raw))
                report.articles += 1
        pos = self.text_ptr[-1]
        for p, text in enumerate(chunk.texts):
            if not keep_passage[p]:
                continue
            raw = text.encode("utf-8")
            self.texts.write(raw)
            pos += len(raw)
            self.text_ptr.append(pos)
            self.passage_article.append(int(new_index[pa[p]]))
            self.passage_number.append(chunk.passage_number[p])
            self.passage_flags.append(chunk.flags[p])
            report.passages += 1
        self.n_passages += int(keep_passage.sum())
        self.n_articles += int(keep_article.sum())

    def close(self) -> None:
        self.texts.close()
        self.articles.close()

    def finish(self, meta: dict) -> None:
        self.close()
        base = self.base
        v = len(self.vocab)
        w = self.writer
        sides = (
            ("post", "doc_len", "idf", self.passages, base.passages if base else None),
            ("ctx", "ctx_len", "ctx_idf", self.contexts, base.contexts if base else None),
        )
        for prefix, len_name, idf_name, side, old in sides:
            old_arrays = (
                None
                if old is None
                else {
                    "ptr": old.post_ptr,
                    "doc": old.post_doc,
                    "tf": old.post_tf,
                    "len": old.doc_len,
                }
            )
            inv = side.invert(v, old_arrays)
            w.save_array(f"{prefix}_ptr", inv["ptr"])
            w.save_array(f"{prefix}_doc", inv["doc"])
            w.save_array(f"{prefix}_tf", inv["tf"])
            w.save_array(len_name, inv["len"])
            w.save_array(idf_name, okapi_idf(np.diff(inv["ptr"]), len(inv["len"])))
            if prefix == "post":  # each posting's BM25 weight before idf, for the engine
                out = w.open_array("post_w", np.float64, len(inv["doc"]))
                posting_weights(inv["doc"], inv["tf"], inv["len"], out)
                out.flush()
                del out
            del inv
        w.save_json("vocab.json", self.vocab)
        w.save_json("article_ids.json", list(self.article_ids))
        vocab = self.vocab
        w.save_array(
            "vocab_order", np.array(sorted(range(v), key=vocab.__getitem__), dtype=np.int32)
        )
        w.save_json("aliases.json", sorted([a, p, n] for (a, p), n in self.aliases.items()))
        for name, new, dtype in (
            ("passage_article", self.passage_article, np.int32),
            ("passage_number", self.passage_number, np.int32),
            ("passage_flags", self.passage_flags, np.uint8),
            ("text_ptr", self.text_ptr, np.int64),
            ("article_ptr", self.article_ptr, np.int64),
        ):
            new_np = np.array(new, dtype=dtype)
            if base is not None:
                old_np = np.asarray(getattr(base, name))
                # offsets arrays start with the base's last offset: don't repeat it
                new_np = np.concatenate([old_np, new_np[1:] if name.endswith("_ptr") else new_np])
            w.save_array(name, new_np)
        meta["segments"] = {
            kind: [s for s in names if (w.path / s).stat().st_size]
            for kind, names in self.segments.items()
        }
        for kind, names in self.segments.items():
            for name in set(names) - set(meta["segments"][kind]):
                (w.path / name).unlink()  # an empty new segment
        w.publish(meta)


def posting_weights(
    docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray, out: np.ndarray, step: int = 1 << 22
) -> None:
    """tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl)) for every posting: rank-bm25's
    expression without its idf factor, computed the same way (so idf x this is exact)."""
    norm = length_norm(lengths)
    for start in range(0, len(out), step):
        out[start : start + step] = tf_weight(
            tfs[start : start + step], norm[docs[start : start + step]]
        )


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
        builder = _Builder(writer, base)
        total = sum(f.size for f in files) or 1
        done = 0
        for chunk in _analysed(files, settings, analyzer):
            builder.add(chunk, report)
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
