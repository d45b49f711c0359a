"""Walking a corpus folder: what lies under it, at any depth, and nothing outside it.

The walk is a stack of `os.scandir` calls, not recursion, so 1,500 nested folders are
walked like 15. A symbolic link is followed only when it resolves to something under
the corpus root (unless `outside_links`); one that resolves outside is skipped with a
warning naming it and its target, so a link to /etc/passwd dropped into a shared
corpus folder is never indexed or quoted. A folder reached twice (a loop) is reported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from index.models import Problem

Scanned = tuple[str, str, int, int, bool]  # path, rel, size, mtime_ns, reached through a link


def scan(
    root: Path, problems: list[Problem], suffixes: tuple[str, ...], outside_links: bool = False
) -> Iterator[Scanned]:
    """The files under the folder `root` whose names end with one of `suffixes`, as
    `corpus.find_files` finds them, without making a Path of each (the freshness check
    before every `ask` runs this)."""
    real_root = os.path.realpath(root)
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str, bool]] = [(str(root), "", False)]  # (folder, rel/, via link)
    while stack:
        folder, prefix, linked = stack.pop()
        try:
            st = os.stat(folder)
            with os.scandir(folder) as listing:  # closed even if reading it fails midway
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as err:
            problems.append(Problem(prefix.rstrip("/") or ".", _why(err)))
            continue
        if (st.st_dev, st.st_ino) in seen:
            problems.append(Problem(prefix.rstrip("/"), "symlink loop; folder skipped"))
            continue
        seen.add((st.st_dev, st.st_ino))
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = prefix + name
            is_link = entry.is_symlink()
            if is_link and not _link_allowed(
                entry.path, rel, real_root, suffixes, outside_links, problems
            ):
                continue
            try:
                if entry.is_dir():
                    folders.append((entry.path, rel + "/", linked or is_link))
                    continue
                if not name.lower().endswith(suffixes):
                    continue
                stat = entry.stat()
            except OSError as err:
                problems.append(Problem(rel, _why(err)))
                continue
            yield entry.path, rel, stat.st_size, stat.st_mtime_ns, linked or is_link
        stack.extend(reversed(folders))


def _link_allowed(
    path: str,
    rel: str,
    real_root: str,
    suffixes: tuple[str, ...],
    outside: bool,
    problems: list[Problem],
) -> bool:
    """Whether to follow the link at `path`: it must resolve to something that exists and
    (unless `outside`) lies under the corpus root; otherwise it is reported."""
    target = os.path.realpath(path)
    if not os.path.exists(target):
        if rel.lower().endswith(suffixes):
            problems.append(Problem(rel, _why(FileNotFoundError())))
        return False
    if outside or target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep):
        return True
    problems.append(Problem(rel, f"a link to {target}, outside the corpus; skipped"))
    return False


def _why(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied; skipped"
    if isinstance(err, FileNotFoundError):
        return "file vanished or is a dangling link; skipped"
    return f"could not be read ({err.strerror or err}); skipped"
