"""The no-answer rule: does any candidate hold enough of the question's distinctive
weight?

Each question term weighs its idf; a term no passage uses weighs as much as the rarest
term (one found in a single passage), because a word the archive never printed is a
strong sign the question is about something else (unless a near form or an alias of
it is found). A weak word (index/data/weakwords.txt: "best", "new", "lack", …) weighs
no more than a common term (one in one passage in ten), whatever its idf in a small
archive, and a passage holding it gets only half of that. A passage's coverage is the
share of the question's weight it holds; when no candidate covers MIN_COVERAGE and
holds at least a common term's weight, the answer is `no_answer`.
"""

from __future__ import annotations

import math

import numpy as np

from index.retrieval.query import Query, df
from index.storage.store import Index

MIN_COVERAGE = 0.5  # share of the question's weight the best passage must hold
UNKNOWN_WEIGHT = 1.0  # a word no passage has, in units of a word in one passage
WEAK_HELD = 0.5  # a weak word a passage holds counts for half its weight
COMMON_SHARE = 0.1  # a term in this share of passages is "common" (idf log 9)


class Coverage:
    """How much of a question's weight passages hold, against one index."""

    def __init__(self, index: Index, weak: frozenset[str]) -> None:
        self.index = index
        self.weak = weak
        n = max(index.n_passages, 1)
        # a word no passage has: the weight of a word in a single passage
        self.unknown_weight = UNKNOWN_WEIGHT * (math.log(n - 1 + 0.5) - math.log(1.5))
        common = COMMON_SHARE * n
        self.common_weight = math.log(n - common + 0.5) - math.log(common + 0.5)

    def held(self, query: Query, terms: tuple[str, ...], docs: np.ndarray):
        """(weight each of `docs` holds, the question's whole weight)."""
        postings = self.index.passages
        total = 0.0
        held = np.zeros(len(docs))
        for t in terms:
            tid = postings.term_id.get(t)
            used = df(postings, tid) > 0
            weight = float(postings.idf[tid]) if used else self.unknown_weight
            if t in self.weak:
                weight = min(weight, self.common_weight)
            total += weight
            has = postings.contains(tid, docs) if used else np.zeros(len(docs), np.bool_)
            for ids in query.alternatives.get(t, ()):
                has = has | np.logical_and.reduce([postings.contains(i, docs) for i in ids])
            held += has * (weight * WEAK_HELD if t in self.weak else weight)
        return held, total

    def answers(self, query: Query, terms: tuple[str, ...], docs: np.ndarray) -> bool:
        """Does any of `docs` hold enough of the question's weight?"""
        held, total = self.held(query, terms, docs)
        enough = (held >= self.common_weight) & (held >= MIN_COVERAGE * total)
        return bool(enough.any())
