"""Writing a generation: a new folder written in full and fsynced, then `CURRENT`
replaced atomically (write, fsync, rename), one writer at a time per index folder.
The layout it writes is `index.storage.store`'s; reading is there too."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from index.errors import NewsbotError
from index.storage import files
from index.storage.store import CURRENT, FORMAT, VERSION, Index, _crc32, _sha256, read_current


class GenerationWriter:
    """Writes one new generation; `publish()` makes it current atomically."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        self.name = f"gen-{stamp}-{secrets.token_hex(3)}"
        self.path = self.index_dir / self.name
        with files.named_errors(self.index_dir):
            self.index_dir.mkdir(parents=True, exist_ok=True)
            self._collect_garbage()  # what a killed writer left (a full disk stays full)
            self.path.mkdir()
            try:
                files.mark(self.path, FORMAT)
            except OSError:
                self.abandon()
                raise
        self.written: dict[str, dict] = {}

    def link_segments(self, base: Index, kind: str) -> list[str]:
        """The base generation's segments of `kind`, hard-linked here (copied where the
        file system can't link); their checksums carry over."""
        names = base.segment_files(kind)
        for name in names:
            try:
                os.link(base.path / name, self.path / name)
            except OSError:
                shutil.copyfile(base.path / name, self.path / name)
            self.written[name] = base.meta["files_written"][name]
        return names

    def new_segment(self, kind: str, names: list[str]):
        """A new segment file of `kind` to stream into (appended to `names`)."""
        suffix = "bin" if kind == "texts" else "jsonl"
        name = f"{kind}-{len(names):04d}.{suffix}"
        names.append(name)
        return open(self.path / name, "wb")

    def save_array(self, name: str, array: np.ndarray) -> None:
        np.save(self.path / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)

    def open_array(self, name: str, dtype, length: int) -> np.ndarray:
        """A new .npy file mapped for writing (for arrays too big to build in memory)."""
        path = self.path / f"{name}.npy"
        array = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(length,))
        files.preallocate(path)  # a full disk is an OSError now, not a SIGBUS later
        return array

    def save_json(self, name: str, obj) -> None:
        (self.path / name).write_text(json.dumps(obj, ensure_ascii=False), "utf-8")

    def publish(self, meta: dict) -> Path:
        for path in sorted(self.path.iterdir()):
            if path.name not in self.written:  # linked segments keep their checksums
                self.written[path.name] = {"size": path.stat().st_size, "crc32": _crc32(path)}
                _fsync(path)
        meta = {**meta, "format": FORMAT, "version": VERSION, "files_written": self.written}
        raw = json.dumps(meta, ensure_ascii=False, indent=1).encode()
        (self.path / "meta.json").write_bytes(raw)
        _fsync(self.path / "meta.json")
        _fsync_dir(self.path)
        current = {
            "format": FORMAT,
            "version": VERSION,
            "generation": self.name,
            "meta_sha256": _sha256(raw),
        }
        tmp = self.index_dir / f"{CURRENT}.{self.name}.tmp"
        tmp.write_text(json.dumps(current), "utf-8")
        _fsync(tmp)
        os.replace(tmp, self.index_dir / CURRENT)
        _fsync_dir(self.index_dir)
        self._collect_garbage()
        return self.path

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _collect_garbage(self) -> None:
        """Remove other generations and stray temp files newsbot wrote (see files.py);
        nothing while CURRENT can't be read (a newer newsbot's index is not debris)."""
        try:
            current = (read_current(self.index_dir) or {}).get("generation")
        except NewsbotError:
            return
        files.collect_garbage(self.index_dir, {self.name, current}, CURRENT, FORMAT)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        _fsync(path)


@contextlib.contextmanager
def locked(index_dir: Path) -> Iterator[None]:
    """One writer at a time per index folder (other writers wait)."""
    index_dir = Path(index_dir)
    with files.named_errors(index_dir):
        index_dir.mkdir(parents=True, exist_ok=True)
        f = open(index_dir / "LOCK", "a+b")  # noqa: SIM115 (closed below)
    with f:
        if os.name == "posix":
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if os.name == "posix":
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
