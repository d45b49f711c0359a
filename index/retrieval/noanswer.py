"""The no-answer rule and the answer's grade: how much of the question's distinctive
weight do the best candidates hold?

Each question term weighs its idf; a term no passage uses weighs as much as the rarest
term (one found in a single passage), because a word the archive never printed is a
strong sign the question is about something else (unless a near form or an alias of
it is found). A weak word (index/data/weakwords.txt: "best", "new", "lack", …) weighs
no more than a common term (one in one passage in ten), whatever its idf in a small
archive, and a passage holding it gets only half of that; so does a word only a near
form of which it holds. A passage's coverage is the share of the question's weight it
holds.

No answer: no candidate among the first ten covers REFUSE_LINE: nothing in the archive
speaks to the question. (A stricter floor, also refusing when the question has words
printed nowhere and no candidate holds a common term's weight in words that aren't
weak, is a knob, off: it refused on-topic questions for 1% more off-topic refusals.)
Otherwise the answer is quoted, with confidence "high" when one of the first three
passages covers HIGH_LINE, else "low". Measured on the seed dev set and SQuAD's Rhine
article, each asked of its own archive and of the other (README, "Answer quality").
"""

from __future__ import annotations

import math

import numpy as np

from index.retrieval.query import Query, df
from index.storage.store import Index

REFUSE_LINE = 0.25  # below this share of the question's weight: no_answer
HIGH_LINE = 0.5  # at or above it, in one of the first three passages: "high" confidence
UNKNOWN_WEIGHT = 1.0  # a word no passage has, in units of a word in one passage
WEAK_HELD = 0.5  # a weak word a passage holds counts for half its weight
NEAR_HELD = 0.5  # so does a word only a near form of which it holds (a guess)
COMMON_SHARE = 0.1  # a term in this share of passages is "common" (idf log 9)


class Coverage:
    """How much of a question's weight passages hold, against one index."""

    def __init__(self, index: Index, weak: frozenset[str], common_floor: bool = True) -> None:
        self.index = index
        self.weak = weak
        self.common_floor = common_floor
        n = max(index.n_passages, 1)
        # a word no passage has: the weight of a word in a single passage
        self.unknown_weight = UNKNOWN_WEIGHT * (math.log(n - 1 + 0.5) - math.log(1.5))
        common = COMMON_SHARE * n
        self.common_weight = math.log(n - common + 0.5) - math.log(common + 0.5)

    def held(self, query: Query, terms: tuple[str, ...], docs: np.ndarray):
        """(weight each of `docs` holds, the question's whole weight, the weight each
        holds in words that aren't weak)."""
        postings = self.index.passages
        total = 0.0
        held = np.zeros(len(docs))
        strong = np.zeros(len(docs))
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
            if t in self.weak:
                weight *= WEAK_HELD
            elif t in query.guessed:
                weight *= NEAR_HELD
            held += has * weight
            if t not in self.weak:
                strong += has * weight
        return held, total, strong

    def grade(self, query: Query, terms: tuple[str, ...], docs: np.ndarray) -> str | None:
        """ "high" or "low" for candidates `docs` (best first), None when none of the first
        ten speaks to the question."""
        held, total, strong = self.held(query, terms, docs[:10])
        if total <= 0:
            return "high"
        share = held / total
        if not len(share) or share.max() < REFUSE_LINE:
            return None
        if self.common_floor and query.missing and strong.max() < self.common_weight:
            return None  # only words found everywhere (or weak), others printed nowhere
        return "high" if share[:3].max() >= HIGH_LINE else "low"

    def unheld(self, query: Query, terms: tuple[str, ...], docs: np.ndarray) -> set[str]:
        """The terms (with what stands in for them) that none of `docs` holds."""
        postings = self.index.passages
        out = set()
        for t in terms:
            tid = postings.term_id.get(t)
            has = df(postings, tid) > 0 and bool(postings.contains(tid, docs).any())
            for ids in query.alternatives.get(t, ()):
                has = has or bool(
                    np.logical_and.reduce([postings.contains(i, docs) for i in ids]).any()
                )
            if not has:
                out.add(t)
        return out
