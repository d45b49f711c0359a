"""The BM25 formula as rank-bm25's `BM25Okapi` computes it, written once.

The engines compute each posting's weight with `tf_weight` from its count and its
passage's `length_norm`, and add up idf x weight. Keeping both on these functions is
what makes the sparse engine's scores equal rank-bm25's to the last bit
(tests/test_engines.py).
"""

from __future__ import annotations

import math

import numpy as np

K1 = 1.5
B = 0.75
EPSILON = 0.25  # a term in more than half the passages: idf floored at epsilon x mean idf


def okapi_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """rank-bm25's idf, computed as it does (math.log, mean over the terms it has seen).

    Terms no passage contains (df 0: words only in a title) get 0 and don't count."""
    log = math.log
    raw = [log(n_docs - f + 0.5) - log(f + 0.5) if f else None for f in df.tolist()]
    seen = [v for v in raw if v is not None]
    # summed left to right as rank-bm25's loop adds them: cumsum accumulates in order
    # (Python 3.12's sum() compensates and np.sum adds pairwise: other last bits)
    floor = EPSILON * (float(np.cumsum(seen)[-1]) / len(seen)) if seen else 0.0
    return np.array([0.0 if v is None else floor if v < 0 else v for v in raw], dtype=np.float64)


def length_norm(lengths: np.ndarray, doc_len: np.ndarray | None = None) -> np.ndarray:
    """k1 * (1 - b + b * |d| / avgdl) for each length, as rank-bm25 computes it; avgdl is
    the mean of `doc_len` (every passage's length), by default of `lengths` themselves."""
    corpus = np.asarray(lengths if doc_len is None else doc_len)
    avgdl = int(corpus.sum(dtype=np.int64)) / len(corpus)
    return K1 * (1 - B + B * np.asarray(lengths).astype(np.float64) / avgdl)


def tf_weight(tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """tf * (k1 + 1) / (tf + norm): a posting's BM25 weight before its idf factor."""
    tf = np.asarray(tf, dtype=np.float64)
    return tf * (K1 + 1) / (tf + norm)
