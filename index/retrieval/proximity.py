"""Term proximity: question words close together, and in the question's order.

The index keeps no positions, so the best candidates are tokenised again (10 a
question, ranking.PROXIMITY_DEPTH) and each is scored twice:

- its best window: the most idf weight of distinct question terms within WINDOW
  consecutive tokens ("the Rhine flows through Basel" for "Where does the Rhine flow
  through Basel?");
- its ordered pairs: for each pair of terms next to each other in the question, the
  smaller idf of the two when the passage has them in that order at most GAP tokens
  apart.

Both were measured on the seed dev set and SQuAD's Rhine article (README, "Answer
quality"), and helped both only at these small sizes.
"""

from __future__ import annotations

import numpy as np

from index.text.analysis import Analyzer

WINDOW = 5  # tokens (stopwords count as positions)
GAP = 2  # an ordered pair: the second term at most this many tokens after the first


def best_window(hits: list[tuple[int, str]], weights: dict[str, float]) -> float:
    """The most weight of distinct terms within WINDOW consecutive tokens, from the
    (position, term) matches of one passage in position order."""
    counts: dict[str, int] = {}
    best = current = 0.0
    lo = 0
    for pos, term in hits:
        counts[term] = counts.get(term, 0) + 1
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


def ordered_pairs(
    hits: list[tuple[int, str]], order: list[str], weights: dict[str, float]
) -> float:
    """The weight of the question's neighbouring term pairs found in order, close."""
    positions: dict[str, list[int]] = {}
    for pos, term in hits:
        positions.setdefault(term, []).append(pos)
    total = 0.0
    for a, b in zip(order, order[1:], strict=False):
        pa, pb = positions.get(a), positions.get(b)
        if pa and pb and _follows(pa, pb):
            total += min(weights[a], weights[b])
    return total


def _follows(first: list[int], second: list[int]) -> bool:
    """Is some position in `second` 1..GAP after one in `first`? (both ascending;
    linear in their lengths, whatever the passage)"""
    j = 0
    for p in first:
        while j < len(second) and second[j] <= p:
            j += 1
        if j == len(second):
            return False
        if second[j] - p <= GAP:
            return True
    return False


def proximity_scores(
    analyzer: Analyzer, texts: list[str], order: list[str], weights: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """(best window, ordered pairs) for each text; `order` is the question's terms in
    the order asked, `weights` each term's idf."""
    windows, pairs = np.zeros(len(texts)), np.zeros(len(texts))
    for i, text in enumerate(texts):
        hits = [
            (pos, term)
            for pos, terms in enumerate(analyzer.term_sequence(text))
            for term in terms
            if term in weights
        ]
        windows[i] = best_window(hits, weights)
        pairs[i] = ordered_pairs(hits, order, weights)
    return windows, pairs
