"""The file system under a saved index: errors named for what they are, space claimed
before it is written through a memory map, and clean-up that touches only what
newsbot wrote.

- A full disk, a quota, a file-size limit, a permission or a read-only file system
  becomes an `IndexAccessError` whose message says so ("disk full while writing …",
  "cannot write …: permission denied"), never "corrupt" or "unexpected error".
- A memory-mapped array is preallocated (`posix_fallocate`) before it is written: a
  write through a map into a sparse file on a full disk is a SIGBUS ("Bus error"),
  which no `except` can catch and which would leave the partial generation behind.
- Each generation folder holds a marker (`MARKER`: the format and the writing process's
  id). Clean-up removes only folders holding it (or a newsbot `meta.json`), never one
  whose writer is still alive, and only `CURRENT.*.tmp` files that are newsbot pointers,
  so an `NEWSBOT_INDEX` that points at a folder holding other things loses nothing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from index.errors import IndexAccessError

MARKER = "NEWSBOT-GENERATION"
GENERATION_NAME = re.compile(r"gen-\d{8}T\d{6}-[0-9a-f]{6}")
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM}


def access_error(err: BaseException, where: Path, writing: bool = True) -> IndexAccessError | None:
    """`err` named as the file-system refusal it is, or None when it is something else."""
    if not isinstance(err, OSError) or err.errno not in _FULL | _DENIED | {errno.EROFS}:
        return None
    path = err.filename or where
    if err.errno in _FULL:
        detail = "" if err.errno == errno.ENOSPC else f" ({err.strerror.lower()})"
        return IndexAccessError(
            f"disk full while writing {path}{detail}; the last good index is kept."
        )
    verb = "write" if writing else "read"
    why = "read-only file system" if err.errno == errno.EROFS else "permission denied"
    return IndexAccessError(f"cannot {verb} {path}: {why}.")


@contextlib.contextmanager
def named_errors(where: Path, writing: bool = True) -> Iterator[None]:
    """File-system refusals inside the block raised as `IndexAccessError`s."""
    try:
        yield
    except OSError as err:
        named = access_error(err, where, writing)
        if named is None:
            raise
        raise named from err


def preallocate(path: Path) -> None:
    """Claim the disk space of `path`'s current length now (OSError ENOSPC if there is
    none), so writing it through a memory map can't fault."""
    fd = os.open(path, os.O_RDWR)
    try:
        size = os.fstat(fd).st_size
        if size and hasattr(os, "posix_fallocate"):
            os.posix_fallocate(fd, 0, size)
    finally:
        os.close(fd)


def mark(generation: Path, format_name: str) -> None:
    (generation / MARKER).write_text(
        json.dumps({"format": format_name, "pid": os.getpid()}), "utf-8"
    )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def _ours(folder: Path, format_name: str) -> bool:
    """A generation newsbot wrote and no living writer is still writing."""
    try:
        marker = json.loads((folder / MARKER).read_bytes()[:4096])
        return marker.get("format") == format_name and not _alive(int(marker.get("pid", 0)))
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    try:  # written before generations were marked
        with open(folder / "meta.json", "rb") as f:
            head = f.read(1 << 20)
        return json.loads(head).get("format") == format_name
    except (OSError, ValueError, AttributeError):
        return False


def _pointer(path: Path, format_name: str) -> bool:
    try:
        return json.loads(path.read_bytes()[:4096]).get("format") == format_name
    except (OSError, ValueError, AttributeError):
        return False


def collect_garbage(index_dir: Path, keep: set[str], pointer: str, format_name: str) -> None:
    """Remove the generations not in `keep`, and the stray `<pointer>.<generation>.tmp`
    files, that newsbot can show it wrote. Processes still serving from an old
    generation keep their memory maps (POSIX keeps unlinked files alive)."""
    for entry in Path(index_dir).iterdir():
        name = entry.name
        if GENERATION_NAME.fullmatch(name):
            mine = name not in keep and entry.is_dir() and not entry.is_symlink()
            if mine and _ours(entry, format_name):
                shutil.rmtree(entry, ignore_errors=True)
            continue
        gen = name[len(pointer) + 1 : -4]
        if (
            name.startswith(f"{pointer}.")
            and name.endswith(".tmp")
            and GENERATION_NAME.fullmatch(gen)
            and gen not in keep
            and _pointer(entry, format_name)
        ):
            with contextlib.suppress(OSError):
                entry.unlink()
