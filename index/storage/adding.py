"""Adding article files to a saved index without a rebuild: find the files given, hold the
index lock, load the current generation, index only the files it doesn't know yet, and
remember the ones added from outside the corpus so `newsbot index build` keeps them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from index.models import Problem
from index.storage import build, store, writer
from index.storage.settings import IndexSettings

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


@dataclass(frozen=True)
class AddResult:
    """What adding did: `report` is None when every file given was already indexed;
    `problems` are the files skipped (and why), those found while reading them included;
    `changed` counts files given that were indexed but have changed since."""

    report: build.Report | None
    problems: tuple[Problem, ...]
    changed: int


def add_files(
    settings: IndexSettings, paths: Iterable[str | Path], progress: Progress | None = None
) -> AddResult:
    """Index the article files under `paths` that the index doesn't hold yet, on top of it."""
    problems: list[Problem] = []
    files = build.sources(settings, map(Path, paths), problems)
    with writer.locked(settings.index_dir):
        base = store.load(settings.index_dir)
        known = base.meta["files"]
        new = [f for f in files if f.rel not in known]
        changed = [f for f in files if f.rel in known and known[f.rel] != [f.size, f.mtime_ns]]
        if not new:
            return AddResult(None, tuple(problems), len(changed))
        report = build.add(settings, base, new, progress)
        build.remember_added(
            settings.index_dir, [f.path.resolve() for f in new if Path(f.rel).is_absolute()]
        )
    report.problems[:0] = problems
    return AddResult(report, tuple(report.problems), len(changed))
