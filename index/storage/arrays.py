"""The loaded index's arrays: inverted lists (memory maps, by `index.storage.store.load`),
passage texts and article records in segments (read with `pread`), the sorted vocabulary."""

from __future__ import annotations

import bisect
import contextlib
import os
import threading
import weakref
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TF_BIG = 255  # counts from here on are kept in the overflow list


@dataclass
class Postings:
    """An inverted index over some documents (passages, or article contexts)."""

    vocab: list[str]
    post_ptr: np.ndarray  # int64 [V+1]: term t's postings are [ptr[t], ptr[t+1])
    post_doc: np.ndarray  # int32 [nnz]: document numbers, ascending within a term
    post_tf: np.ndarray  # uint8 [nnz]: counts, TF_BIG standing for "see big_tf"
    doc_len: np.ndarray  # int32 [N]: terms per document
    idf: np.ndarray
    term_id: dict[str, int] = field(default_factory=dict)
    big_at: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    big_tf: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint16))
    max_w: np.ndarray | None = None  # float64 [V]: a term's highest weight before idf

    def __post_init__(self) -> None:
        if not self.term_id:
            self.term_id = {term: i for i, term in enumerate(self.vocab)}

    def tfs(self, s: int, e: int) -> np.ndarray:
        """The exact counts of postings s..e."""
        tf = self.post_tf[s:e]
        i, j = np.searchsorted(self.big_at, (s, e)) if len(self.big_at) else (0, 0)
        if i == j:
            return tf
        tf = tf.astype(np.uint16)
        tf[self.big_at[i:j] - s] = self.big_tf[i:j]
        return tf

    def tf_at(self, positions: np.ndarray) -> np.ndarray:
        """The exact counts of the postings at these positions."""
        tf = self.post_tf[positions]
        if not len(self.big_at) or not (tf == TF_BIG).any():
            return tf
        tf = tf.astype(np.uint16)
        at = np.minimum(np.searchsorted(self.big_at, positions), len(self.big_at) - 1)
        hit = self.big_at[at] == positions
        tf[hit] = self.big_tf[at[hit]]
        return tf

    def ids(self, terms: list[str]) -> list[int]:
        return [i for t in terms if (i := self.term_id.get(t)) is not None]

    def df(self, term: int) -> int:
        """How many documents hold `term` (its document frequency)."""
        return int(self.post_ptr[term + 1] - self.post_ptr[term])

    def contains(self, term: int, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` contain `term` (the postings are sorted by passage)."""
        s, e = int(self.post_ptr[term]), int(self.post_ptr[term + 1])
        plist = self.post_doc[s:e]
        if len(plist) == 0:
            return np.zeros(len(docs), dtype=np.bool_)
        docs = np.asarray(docs)
        # search with the list's own type: a wider one would copy the whole list first
        pos = np.searchsorted(plist, docs.astype(plist.dtype, copy=False))
        pos = np.minimum(pos, len(plist) - 1)
        return plist[pos] == docs


def pack_text(text: str) -> bytes:
    """A passage's text as the texts segments hold it (fast zlib: a few microseconds)."""
    return zlib.compress(text.encode("utf-8"), 1)


def view(buffer, dtype) -> np.ndarray:
    """A numpy view of an `array.array` (or other buffer) built up in memory; an empty
    one gives an empty array."""
    return np.frombuffer(buffer, dtype=dtype) if len(buffer) else np.zeros(0, dtype)


def unpack_text(raw: bytes) -> str:
    return zlib.decompress(raw).decode("utf-8")


class Segments:
    """Byte strings stored across segment files, addressed by global offsets.

    Read with `os.pread`, not through a memory map: reading one passage through a map
    made the kernel map the 64 KB around it as well (fault-around), which was 115 MB of
    a 1M-paragraph serving process's RSS for the few thousand passages it had quoted.
    A positional read shares nothing between threads, so needs no lock."""

    def __init__(self, paths: list[Path]) -> None:
        self.fds: list[int] = []
        # closed with the Segments (a reload drops the old index), or here if one fails
        self._closer = weakref.finalize(self, _close_all, self.fds)
        for p in paths:
            self.fds.append(os.open(p, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))
        self.starts = [0]
        for fd in self.fds:
            self.starts.append(self.starts[-1] + os.fstat(fd).st_size)

    def read(self, start: int, end: int) -> bytes:
        seg = bisect.bisect_right(self.starts, start) - 1
        offset = self.starts[seg]
        return _pread(self.fds[seg], end - start, start - offset)


class SortedTerms:
    """The vocabulary in alphabetical order, as a sequence `bisect` can search."""

    def __init__(self, vocab: list[str], order: np.ndarray) -> None:
        self.vocab, self.order = vocab, order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, i: int) -> str:
        return self.vocab[int(self.order[i])]


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    with _SEEK_LOCK:  # no pread (Windows): seek and read, one thread at a time
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, size)


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


_SEEK_LOCK = threading.Lock()
