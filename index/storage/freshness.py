"""Is the saved index still the corpus? Open it, and bring it up to date when not.

- no index, or a damaged one          -> build from scratch (with a message)
- built with other settings or corpus -> build from scratch
- only new files in the corpus        -> add them (no re-analysis of the rest)
- files changed or removed            -> build from scratch
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import CorpusError, IndexAccessError, IndexMissing, IndexStoreError
from index.ingest.corpus import ARTICLE_SUFFIXES, SourceFile, find_files, scan
from index.models import Problem
from index.storage import build as builder
from index.storage.settings import IndexSettings
from index.storage.store import Index, load
from index.storage.writer import locked

Notify = Callable[[str], None]


@dataclass
class Staleness:
    rebuild: str | None = None  # why the whole index must be rebuilt
    added: list[SourceFile] = field(default_factory=list)

    @property
    def fresh(self) -> bool:
        return self.rebuild is None and not self.added


def check(index: Index, settings: IndexSettings) -> Staleness:
    meta = index.meta
    if meta.get("settings") != builder.fingerprints(settings):
        return Staleness("it was built with other analysis or boilerplate settings")
    corpus = Path(settings.corpus).resolve()
    if meta.get("corpus") != str(corpus):
        return Staleness(f"it was built from another corpus ({meta.get('corpus')})")
    recorded: dict[str, list[int]] = meta.get("files", {})
    seen: set[str] = set()
    added = []
    scanned = (
        scan(corpus, [], ARTICLE_SUFFIXES)
        if corpus.is_dir()  # a corpus of one file: named as file_key() names it
        else [(str(f.path), f.rel, f.size, f.mtime_ns, True) for f in find_files(corpus, [])]
    )
    for path, rel, size, mtime_ns, linked in scanned:
        # a file reached without a link is named by its path under the (resolved) corpus,
        # which is what file_key() would find, without resolving each path (costly at
        # 100,000 files: this scan is a stat per file and runs before every `ask`)
        f = None
        if linked:
            f = SourceFile(Path(path), rel, size, mtime_ns, linked=True)
            rel = builder.file_key(f, corpus)
        seen.add(rel)
        before = recorded.get(rel)
        if before is None:
            added.append(f or SourceFile(Path(path), rel, size, mtime_ns))
        elif before[0] != size or before[1] != mtime_ns:
            return Staleness(f"{rel} changed")
    for key, before in recorded.items():
        if key in seen:
            continue
        path = Path(key)
        if not path.is_absolute():
            return Staleness(f"{key} was removed")
        try:  # added with `newsbot index add` from outside the corpus
            stat = path.stat()
        except OSError:
            return Staleness(f"{key} was removed")
        if [stat.st_size, stat.st_mtime_ns] != before:
            return Staleness(f"{key} changed")
    return Staleness(added=added)


def _state(settings: IndexSettings) -> tuple[Index | None, Staleness]:
    try:
        index = load(settings.index_dir)
    except IndexMissing:
        return None, Staleness(rebuild="")
    except IndexAccessError:
        raise  # unreadable is not damaged: rebuilding would only fail the same way
    except IndexStoreError as err:
        return None, Staleness(rebuild=str(err))
    return index, check(index, settings)


def open_index(
    settings: IndexSettings,
    notify: Notify = lambda _: None,
    progress: builder.Progress | None = None,
    on_problems: Callable[[list[Problem]], None] | None = None,
) -> Index:
    """The current index for `settings`, built or updated first when it is out of date.
    When it can't be written (disk full, permission denied), the last good index is
    returned, and `notify` hears why."""
    if not Path(settings.corpus).exists():
        raise CorpusError(f"The corpus path {settings.corpus} does not exist.")
    index, staleness = _state(settings)
    if index is not None and staleness.fresh:
        return index
    try:
        with locked(settings.index_dir):
            index, staleness = _state(settings)  # another process may have done it meanwhile
            if index is not None and staleness.fresh:
                return index
            report = _update(settings, index, staleness, notify, progress)
    except IndexAccessError as err:
        if index is None:
            raise
        notify(  # the corpus changed but the index can't be written: answer anyway
            f"Could not update the index: {err} Answering from the last good index "
            f"(built {index.meta.get('built', '?')})."
        )
        return index
    if on_problems is not None and report.problems:
        on_problems(report.problems)
    return load(settings.index_dir)


def _update(
    settings: IndexSettings,
    index: Index | None,
    staleness: Staleness,
    notify: Notify,
    progress: builder.Progress | None,
) -> builder.Report:
    if index is None or staleness.rebuild is not None:
        if staleness.rebuild:
            notify(f"Rebuilding the index: {_sentence(staleness.rebuild)}")
        else:
            notify(f"Indexing {settings.corpus} (first run)…")
        return builder.build(settings, progress)
    notify(f"Adding {len(staleness.added)} new file(s) to the index…")
    return builder.add(settings, index, staleness.added, progress)


def _sentence(reason: str) -> str:
    reason = reason.rstrip(".")
    return reason[:1].lower() + reason[1:] + "."
