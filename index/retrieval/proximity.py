"""Term proximity: question words close together in a passage.

For each candidate, the passage is tokenised again (the index keeps no positions) and
the best window of WINDOW consecutive tokens is found: the one holding the most idf
weight of distinct question terms. A passage whose matches sit in one sentence-sized
stretch answers more often than one that scatters them (measured on the seed dev set
and SQuAD's Rhine article: README "Answer quality").
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from index.text.analysis import Analyzer

WINDOW = 5  # tokens (stopwords count as positions)


def best_window(analyzer: Analyzer, text: str, weights: dict[str, float]) -> float:
    """The most weight of distinct `weights` terms within WINDOW consecutive tokens."""
    hits = [
        (pos, term)
        for pos, tok in enumerate(analyzer.tokens(text))
        for term in tok.terms
        if term in weights
    ]
    counts: dict[str, int] = defaultdict(int)
    best = current = 0.0
    lo = 0
    for pos, term in hits:
        counts[term] += 1
        if counts[term] == 1:
            current += weights[term]
        while hits[lo][0] <= pos - WINDOW:
            old = hits[lo][1]
            counts[old] -= 1
            if counts[old] == 0:
                current -= weights[old]
            lo += 1
        best = max(best, current)
    return best


def window_scores(analyzer: Analyzer, texts: list[str], weights: dict[str, float]) -> np.ndarray:
    return np.array([best_window(analyzer, t, weights) for t in texts], dtype=np.float64)
