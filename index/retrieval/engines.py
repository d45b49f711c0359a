"""BM25 scoring engines behind one small interface.

Both score exactly as rank-bm25's `BM25Okapi` (k1=1.5, b=0.75, epsilon=0.25: a term
in more than half the passages has its idf floored at epsilon x the mean idf):

- `OkapiEngine` is rank-bm25 itself: the engine for small corpora and the reference.
- `SparseEngine` reads the same formula off the index's inverted lists with numpy,
  computing each weight from the count and the passage's length, and skips the
  passages that can't reach the top k (exact pruning): the engine for archives.

Both return the best `k` passages with a positive score, best first, ties broken by
passage order, so they can be compared result for result (`tests/test_engines.py`).
"""

from __future__ import annotations

import math
import os
import queue
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import numpy as np

from index.bm25 import EPSILON, K1, B, length_norm, okapi_idf, tf_weight

OKAPI_LIMIT = 20_000  # passages; above this "auto" picks the sparse engine


class Postings(Protocol):
    """What an engine needs from an index (see `index.storage.store.Postings`)."""

    post_ptr: np.ndarray  # int64 [V+1]: term t's postings are [ptr[t], ptr[t+1])
    post_doc: np.ndarray  # int32 [nnz]: passage numbers, ascending within a term
    doc_len: np.ndarray  # int32 [N]: terms in each passage
    max_w: np.ndarray | None  # float64 [V]: each term's highest weight (None: not known)
    vocab: Sequence[str]

    def tfs(self, s: int, e: int) -> np.ndarray:
        """The term counts of postings s..e."""
        ...

    def tf_at(self, positions: np.ndarray) -> np.ndarray:
        """The term counts of the postings at these positions."""
        ...


class Engine(Protocol):
    name: str

    def top(
        self, term_ids: Sequence[int], k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(passage numbers, scores), best first; only passages scoring above zero, and
        only those `allowed` (a boolean per passage; None: all)."""
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


def passage_terms(data: Postings) -> list[list[str]]:
    """Every passage's analysed terms, read back from the inverted lists (each term as
    often as it occurs, in term-id order): what rank-bm25 is built on."""
    docs: list[list[str]] = [[] for _ in range(len(data.doc_len))]
    ptr, pdoc = data.post_ptr, data.post_doc
    for t, term in enumerate(data.vocab):
        s, e = int(ptr[t]), int(ptr[t + 1])
        for d, tf in zip(pdoc[s:e].tolist(), data.tfs(s, e).tolist(), strict=True):
            docs[d].extend([term] * tf)
    return docs


class OkapiEngine:
    """rank-bm25's BM25Okapi over the index's passages (rebuilt from the postings)."""

    name = "okapi"

    def __init__(self, data: Postings) -> None:
        from rank_bm25 import BM25Okapi

        self.vocab = list(data.vocab)
        self.bm25 = BM25Okapi(passage_terms(data), k1=K1, b=B, epsilon=EPSILON)
        self._lock = threading.Lock()

    def top(
        self, term_ids: Sequence[int], k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        query = [self.vocab[t] for t in term_ids]
        with self._lock:  # get_scores is plain numpy, but keep one caller at a time
            scores = self.bm25.get_scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        return _best(np.arange(len(scores), dtype=np.int64), scores, k)

    def score(self, term_ids: Sequence[int], docs: np.ndarray) -> np.ndarray:
        query = [self.vocab[t] for t in term_ids]
        with self._lock:
            return np.asarray(
                self.bm25.get_batch_scores(query, [int(d) for d in docs]), dtype=np.float64
            )


SLACK = 1e-9  # relative: summing in another order moves a score far less than this


class SparseEngine:
    """The same scores from the inverted lists, pruned without changing a result (MaxScore).

    The index keeps each term's highest weight, so each term has an upper bound on what
    it adds. Fully scoring the passages where the strongest terms weigh most gives
    `theta`, a lower bound on the k-th best score. The weakest terms,
    whose bounds together stay below `theta`, can't bring a passage into the top k on
    their own: only the other terms' passages are candidates, and a candidate whose partial
    score plus those bounds stays below `theta` is dropped. The survivors are scored
    exactly, term by term in the question's order, as `BM25Okapi.get_scores` adds them.
    """

    name = "sparse"

    def __init__(self, data: Postings, idf: np.ndarray | None = None) -> None:
        self.data = data
        self.n_docs = len(data.doc_len)
        self.df = np.diff(np.asarray(data.post_ptr))
        self.idf = idf if idf is not None else okapi_idf(self.df, self.n_docs)
        self.norm = length_norm(data.doc_len) if self.n_docs else np.zeros(0)
        self.bound = self._bounds()
        self._pool = ScratchPool(self.n_docs)

    def _bounds(self) -> np.ndarray:
        """Per term, a weight before idf that none of its postings exceeds: the highest
        one, which a build computes as `_postings` computes each (so it is exact), or
        after an add that bound scaled by the growth of the average length."""
        if self.data.max_w is None:
            return np.full(len(self.df), np.inf)
        return np.asarray(self.data.max_w)

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """The two arrays over the passages this call holds (see ScratchPool)."""
        return self._pool.held()

    def _postings(self, t: int, cache: Lists) -> tuple[np.ndarray, np.ndarray]:
        """Term t's passages and what it adds to each (idf x weight), computed once;
        with a filter, only its allowed passages."""
        hit = cache.get(t)
        if hit is None:
            s, e = int(self.data.post_ptr[t]), int(self.data.post_ptr[t + 1])
            docs = self.data.post_doc[s:e].astype(np.intp)  # what fancy indexing uses
            tfs = self.data.tfs(s, e)
            if cache.allowed is not None:
                keep = cache.allowed[docs]
                docs, tfs = docs[keep], tfs[keep]
            hit = cache[t] = (docs, self.idf[t] * tf_weight(tfs, self.norm[docs]))
        return hit

    def top(
        self, term_ids: Sequence[int], k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        with self._pool.borrowed():
            return self._top(term_ids, k, Lists(allowed))

    def _top(self, term_ids: Sequence[int], k: int, cache: Lists) -> tuple[np.ndarray, np.ndarray]:
        empty = np.empty(0, np.int64), np.empty(0, np.float64)
        mult = Counter(int(t) for t in term_ids)  # a repeated term adds as often as asked
        # only terms with a positive idf can lift a passage; the rest still count in
        # the exact scores
        terms = [t for t in mult if self.df[t] > 0 and self.idf[t] > 0]
        if k <= 0 or not terms:
            return empty
        ub = {t: mult[t] * float(self.idf[t] * self.bound[t]) for t in terms}
        order = sorted(terms, key=lambda t: (ub[t], -self.df[t]))
        theta = self._seed_floor(term_ids, order, k, cache)
        weak = _weak_terms(order, ub, self.df, theta)
        essential = [t for t in order if t not in weak]
        rest = sum(ub[t] for t in weak)
        cand, partial, theta = self._candidates(term_ids, essential, mult, rest, theta, k, cache)
        # look the survivors up in the weak terms, strongest first, dropping those that
        # can no longer reach theta
        while weak and len(cand) > 4 * k:
            t = weak.pop()
            partial += mult[t] * self._part(t, cand, cache)
            rest = sum(ub[t] for t in weak)
            keep = partial >= theta - SLACK * abs(theta) - rest * (1 + SLACK)
            cand, partial = cand[keep], partial[keep]
        if not len(cand):
            return empty
        return _best(cand.astype(np.int64), self._exact(term_ids, cand, cache), k)

    def _seed_floor(self, term_ids: Sequence[int], order: list[int], k: int, cache) -> float:
        """A lower bound on the k-th best score: the k-th best exact score among the
        passages where the strongest terms add most (-inf when fewer than k of them
        score). Terms are taken strongest first until there are enough seeds."""
        m = 8 * k
        picked: list[np.ndarray] = []
        count = 0
        for t in reversed(order):
            docs, contrib = self._postings(t, cache)
            picked.append(docs if len(docs) <= m else docs[np.argpartition(-contrib, m - 1)[:m]])
            count += len(picked[-1])
            if count >= m:
                break
        seeds = np.unique(np.concatenate(picked)) if len(picked) > 1 else picked[0]
        return _kth(self._exact(term_ids, seeds, cache), k)

    def _candidates(
        self,
        term_ids: Sequence[int],
        essential: list[int],
        mult: Counter,
        rest: float,
        theta: float,
        k: int,
        cache: Lists,
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """The passages of the essential terms whose partial score plus `rest` (the
        other terms' bounds) can still reach theta, their partial scores, and theta
        raised by scoring the best of them exactly."""
        acc, _ = self._scratch()
        touched = []
        try:
            for t in essential:
                docs, contrib = self._postings(t, cache)
                acc[docs] += mult[t] * contrib if mult[t] > 1 else contrib
                touched.append(docs)
            cut = theta - SLACK * abs(theta) - rest * (1 + SLACK)
            picked, values = [], []
            for docs in touched:  # each passage once: a taken one is marked NaN
                got = acc[docs]
                keep = got >= cut  # False for NaN, even when cut is -inf
                picked.append(docs[keep])
                values.append(got[keep])
                acc[picked[-1]] = np.nan
            cand = np.concatenate(picked) if len(picked) > 1 else picked[0]
            partial = np.concatenate(values) if len(values) > 1 else values[0]
        finally:
            for docs in touched:
                acc[docs] = 0.0
        m = 2 * k
        if len(cand) > 2 * m:  # raise the floor: score the best partial ones exactly
            best = cand[np.argpartition(-partial, m - 1)[:m]]
            theta = max(theta, _kth(self._exact(term_ids, best, cache), k))
            cut = theta - SLACK * abs(theta) - rest * (1 + SLACK)
            keep = partial >= cut
            cand, partial = cand[keep], partial[keep]
        return cand, partial, theta

    def _exact(self, term_ids: Sequence[int], docs: np.ndarray, cache: Lists) -> np.ndarray:
        """rank-bm25's scores of `docs`: each term's part, added in the question's order."""
        docs = np.asarray(docs)
        parts = {t: self._part(t, docs, cache) for t in dict.fromkeys(int(t) for t in term_ids)}
        out = np.zeros(len(docs), dtype=np.float64)
        for t in term_ids:
            if parts[int(t)] is not None:
                out += parts[int(t)]
        return out

    def _part(self, t: int, docs: np.ndarray, cache: Lists) -> np.ndarray | None:
        """What term t adds to each of `docs` (0 where it is absent), by looking the
        passages up in its list or, when the list is short next to them, by spreading
        the list over a scratch array."""
        df = int(self.df[t])
        if df == 0 or len(docs) == 0:
            return None
        lookup = len(docs) * (math.log2(df) + 4)
        if df * (4 if t in cache else 14) <= lookup:  # measured: ns per posting vs look-up
            plist, contrib = self._postings(t, cache)
            _, one = self._scratch()
            try:
                one[plist] = contrib
                return one[docs]
            finally:
                one[plist] = 0.0
        s, e = int(self.data.post_ptr[t]), int(self.data.post_ptr[t + 1])
        plist = self.data.post_doc[s:e]
        pos = np.minimum(np.searchsorted(plist, docs.astype(plist.dtype, copy=False)), df - 1)
        hit = np.flatnonzero(plist[pos] == docs)  # weigh only the passages that hold t
        out = np.zeros(len(docs), dtype=np.float64)
        out[hit] = self.idf[t] * tf_weight(self.data.tf_at(s + pos[hit]), self.norm[docs[hit]])
        return out

    def score(self, term_ids: Sequence[int], docs: np.ndarray) -> np.ndarray:
        with self._pool.borrowed():
            return self._exact(term_ids, np.asarray(docs, dtype=np.int64), Lists())


class Lists(dict):
    """Term -> (its passages, what it adds to each), filled once per engine call. With
    `allowed` (a filter: a boolean per passage), each list holds only allowed passages,
    so the floor, the candidates and the top k are all the allowed ones; the bounds stay
    bounds (a list's highest weight is at least its allowed part's), so the top k is
    the exact top k among the allowed passages."""

    def __init__(self, allowed: np.ndarray | None = None) -> None:
        super().__init__()
        self.allowed = allowed


class ScratchPool:
    """Pairs of float64 arrays over the passages, all zero between uses, lent to one
    engine call at a time: at most `limit` pairs are ever made (16 bytes a passage
    each, 160 MB at ten million), however many threads serve; a call finding none
    free waits for one. More pairs than cores would only let more calls share them."""

    def __init__(self, n_docs: int, limit: int | None = None) -> None:
        self.n_docs = n_docs
        self.limit = limit or max(2, os.cpu_count() or 1)
        self.made = 0
        self._free: queue.LifoQueue = queue.LifoQueue()
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def borrowed(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        pair = getattr(self._local, "pair", None)
        if pair is not None:  # a call inside a call (score within top): the same pair
            yield pair
            return
        pair = self._take()
        self._local.pair = pair
        try:
            yield pair
        finally:  # the engine zeroes what it touched, also when it fails
            self._local.pair = None
            self._free.put(pair)

    def held(self) -> tuple[np.ndarray, np.ndarray]:
        pair = getattr(self._local, "pair", None)
        assert pair is not None, "the engine uses its scratch arrays only while it holds them"
        return pair

    def _take(self) -> tuple[np.ndarray, np.ndarray]:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self.made < self.limit:
                self.made += 1
                return np.zeros(self.n_docs), np.zeros(self.n_docs)
        return self._free.get()


EXHAUSTIVE = 12  # terms: up to this many, every way of choosing the weak ones is tried
_SUBSETS: dict[int, np.ndarray] = {}


def _weak_terms(order: list[int], ub: dict, df: np.ndarray, theta: float) -> list[int]:
    """The terms no passage can reach `theta` on alone (their bounds sum below it),
    chosen to leave the fewest postings to the others, weakest first.

    Any such set keeps the result exact: a passage reaching theta holds some other
    term, so it is among the others' passages. Taking the weakest terms (MaxScore's
    usual choice) can leave a term in most passages ("say", the stem of every "said")
    among them, and every one of its postings would be added up; leaving it out instead
    and looking the candidates up in its list costs a fraction of that."""
    n = len(order)
    if n == 0 or not np.isfinite(theta):
        return []
    bounds = np.array([ub[t] for t in order])
    sizes = np.array([float(df[t]) for t in order])
    if n <= EXHAUSTIVE:
        subsets = _SUBSETS.get(n)
        if subsets is None:
            subsets = _SUBSETS[n] = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1).astype(
                np.float64
            )
        fits = (subsets @ bounds) * (1 + SLACK) < theta
        best = subsets[int(np.argmax(np.where(fits, subsets @ sizes, -1.0)))]
        return [t for t, chosen in zip(order, best, strict=True) if chosen]
    weak, rest = [], 0.0  # many terms (a long claim): the largest lists that still fit
    for i in np.argsort(-sizes, kind="stable").tolist():
        if (rest + bounds[i]) * (1 + SLACK) < theta:
            weak.append(order[i])
            rest += bounds[i]
    return sorted(weak, key=order.index)


def _kth(scores: np.ndarray, k: int) -> float:
    """The k-th best positive score, or -inf when fewer than k are positive."""
    scores = scores[scores > 0]
    if len(scores) < k:
        return -np.inf
    return float(np.partition(scores, len(scores) - k)[len(scores) - k])


def choose(name: str, data: Postings, idf: np.ndarray | None = None) -> Engine:
    """ "okapi", "sparse", or "auto" (okapi up to OKAPI_LIMIT passages)."""
    if name == "auto":
        name = "okapi" if len(data.doc_len) <= OKAPI_LIMIT else "sparse"
    if name == "okapi":
        return OkapiEngine(data)
    if name == "sparse":
        return SparseEngine(data, idf)
    raise ValueError(f"unknown engine {name!r}: use auto, okapi or sparse")
