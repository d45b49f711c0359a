"""BM25 scoring engines behind one small interface.

Both score exactly as rank-bm25's `BM25Okapi` (k1=1.5, b=0.75, epsilon=0.25: a term
in more than half the passages has its idf floored at epsilon x the mean idf):

- `OkapiEngine` is rank-bm25 itself: the engine for small corpora and the reference.
- `SparseEngine` reads the same formula off the index's inverted lists with numpy,
  touching only the passages that contain a question's terms: the engine for archives.

Both return the best `k` passages with a positive score, best first, ties broken by
passage order, so they can be compared result for result (`tests/test_engines.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from index.bm25 import EPSILON, K1, B, length_norm, okapi_idf, tf_weight

OKAPI_LIMIT = 20_000  # passages; above this "auto" picks the sparse engine


class Postings(Protocol):
    """What an engine needs from an index (see `index.storage.store.IndexData`)."""

    post_ptr: np.ndarray  # int64 [V+1]: term t's postings are [ptr[t], ptr[t+1])
    post_doc: np.ndarray  # int32 [nnz]: passage numbers, ascending within a term
    post_tf: np.ndarray  # uint16 [nnz]: the term's count in that passage
    post_w: np.ndarray | None  # float64 [nnz]: tf*(k1+1)/(tf+norm), or None to compute
    doc_len: np.ndarray  # int32 [N]: terms in each passage
    vocab: Sequence[str]


class Engine(Protocol):
    name: str

    def top(self, term_ids: Sequence[int], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage numbers, scores), best first; only passages scoring above zero."""
        ...

    def score(self, term_ids: Sequence[int], docs: np.ndarray) -> np.ndarray:
        """The BM25 scores of just these passages."""
        ...


def _best(docs: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    keep = scores > 0
    docs, scores = docs[keep], scores[keep]
    if len(docs) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        # equal scores at the cut: take every passage tied with the k-th, then sort
        cut = scores[part].min()
        part = np.flatnonzero(scores >= cut)
        docs, scores = docs[part], scores[part]
    order = np.lexsort((docs, -scores))[:k]
    return docs[order], scores[order]


class OkapiEngine:
    """rank-bm25's BM25Okapi over the index's passages (rebuilt from the postings)."""

    name = "okapi"

    def __init__(self, data: Postings) -> None:
        from rank_bm25 import BM25Okapi

        n_docs = len(data.doc_len)
        self.vocab = list(data.vocab)
        docs: list[list[str]] = [[] for _ in range(n_docs)]
        ptr, pdoc, ptf = data.post_ptr, data.post_doc, data.post_tf
        for t, term in enumerate(self.vocab):
            for d, tf in zip(
                pdoc[ptr[t] : ptr[t + 1]].tolist(), ptf[ptr[t] : ptr[t + 1]].tolist(), strict=True
            ):
                docs[d].extend([term] * tf)
        self.bm25 = BM25Okapi(docs, k1=K1, b=B, epsilon=EPSILON)
        self._lock = threading.Lock()

    def top(self, term_ids: Sequence[int], k: int) -> tuple[np.ndarray, np.ndarray]:
        query = [self.vocab[t] for t in term_ids]
        with self._lock:  # get_scores is plain numpy, but keep one caller at a time
            scores = self.bm25.get_scores(query)
        return _best(np.arange(len(scores), dtype=np.int64), scores, k)

    def score(self, term_ids: Sequence[int], docs: np.ndarray) -> np.ndarray:
        query = [self.vocab[t] for t in term_ids]
        with self._lock:
            return np.asarray(
                self.bm25.get_batch_scores(query, [int(d) for d in docs]), dtype=np.float64
            )


class SparseEngine:
    """The same scores from the inverted lists: cost follows the postings, not the corpus."""

    name = "sparse"

    def __init__(self, data: Postings, idf: np.ndarray | None = None) -> None:
        self.data = data
        self.n_docs = len(data.doc_len)
        df = np.diff(data.post_ptr)
        self.idf = idf if idf is not None else okapi_idf(df, self.n_docs)
        self.norm = length_norm(data.doc_len)
        self.weights = data.post_w
        self._local = threading.local()

    def _weights(self, s: int, e: int, docs: np.ndarray) -> np.ndarray:
        """tf*(k1+1)/(tf+norm) for postings s..e: read when the index stores it (computed
        the same way at build time), else computed."""
        if self.weights is not None:
            return self.weights[s:e]
        return tf_weight(self.data.post_tf[s:e], self.norm[docs])

    def _scratch(self) -> np.ndarray:
        """A per-thread score accumulator, all zero between questions."""
        acc = getattr(self._local, "acc", None)
        if acc is None or len(acc) != self.n_docs:
            acc = self._local.acc = np.zeros(self.n_docs, dtype=np.float64)
        return acc

    def top(self, term_ids: Sequence[int], k: int) -> tuple[np.ndarray, np.ndarray]:
        ptr, pdoc = self.data.post_ptr, self.data.post_doc
        acc = self._scratch()
        touched: list[np.ndarray] = []
        try:
            for t in term_ids:
                s, e = int(ptr[t]), int(ptr[t + 1])
                if s == e:
                    continue
                docs = pdoc[s:e]
                # the same expression, in the same order, as BM25Okapi.get_scores
                acc[docs] += self.idf[t] * self._weights(s, e, docs)
                touched.append(docs)
            if not touched:
                return np.empty(0, np.int64), np.empty(0, np.float64)
            # A lower bound on the k-th best score: the k-th best among the passages of
            # the rarest term (real passages, fully scored). Only passages at or above
            # it can be in the top k, and there are few of them.
            rarest = min(touched, key=len)
            floor = -np.inf
            if len(rarest) >= k:
                values = acc[rarest]
                floor = np.partition(values, len(values) - k)[len(values) - k]
            parts = [docs[acc[docs] >= floor] for docs in touched]
            cand = np.concatenate(parts) if len(parts) > 1 else parts[0]
            many = k * len(touched)  # entries that hold at least k distinct passages
            if len(cand) > 4 * many:  # a weak floor: select the best entries instead
                values = acc[cand]
                best = np.unique(np.partition(values, len(values) - many)[-many:])
                kth = best[max(0, len(best) - k)]  # <= the k-th best passage's score
                cand = cand[values >= kth]
            cand = np.unique(cand)
            return _best(cand.astype(np.int64), acc[cand], k)
        finally:
            for docs in touched:
                acc[docs] = 0.0

    def score(self, term_ids: Sequence[int], docs: np.ndarray) -> np.ndarray:
        ptr, pdoc, ptf = self.data.post_ptr, self.data.post_doc, self.data.post_tf
        docs = np.asarray(docs, dtype=np.int64)
        out = np.zeros(len(docs), dtype=np.float64)
        for t in term_ids:
            s, e = int(ptr[t]), int(ptr[t + 1])
            if s == e or len(docs) == 0:
                continue
            plist = pdoc[s:e]
            pos = np.minimum(np.searchsorted(plist, docs), e - s - 1)
            found = plist[pos] == docs
            if self.weights is not None:
                weight = np.where(found, self.weights[s + pos], 0.0)
            else:
                weight = tf_weight(np.where(found, ptf[s:e][pos], 0), self.norm[docs])
            out += self.idf[t] * weight
        return out


def choose(name: str, data: Postings, idf: np.ndarray | None = None) -> Engine:
    """ "okapi", "sparse", or "auto" (okapi up to OKAPI_LIMIT passages)."""
    if name == "auto":
        name = "okapi" if len(data.doc_len) <= OKAPI_LIMIT else "sparse"
    if name == "okapi":
        return OkapiEngine(data)
    if name == "sparse":
        return SparseEngine(data, idf)
    raise ValueError(f"unknown engine {name!r}: use auto, okapi or sparse")
