"""Re-ranking the engine's candidates.

The engine (rank-bm25, or the sparse engine on large corpora) picks CANDIDATES
passages; each is then scored as

    BM25(question) + ALIAS_WEIGHT x BM25(aliases, near forms)
                   + CONTEXT_WEIGHT x BM25 of its article's title and lead
                   + PROXIMITY_WEIGHT x the idf of the question terms in its best
                     window of a few words (off by default)
                   + ORDER_WEIGHT x the idf of question term pairs it has in the
                     question's order, close together (index/retrieval/proximity.py),

times (1 + TYPE_BONUS) when it holds what the question asks for (a date for "when", a
number for "how many", a name for "who", a quote for "what did X say";
index/text/features.py; off by default, kept as a knob for experiments). Scores within
TIE of each other are a tie: the newer article comes first. Each weight was measured on
the seed dev set and SQuAD's Rhine article alone on and off (benchmarks/quality.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.retrieval.engines import Engine, SparseEngine
from index.retrieval.proximity import proximity_scores
from index.retrieval.query import Query
from index.storage.store import Index
from index.text.analysis import Analyzer

TINY_CORPUS = 3  # fewer passages than this: rank by terms held (see Ranker.tiny)
CANDIDATES = 50  # passages re-scored after the engine's first pass
ALIAS_WEIGHT = 0.5  # an alias's or a near form's terms, against the question's own
CONTEXT_WEIGHT = 0.3  # the article's title and lead, against the passage's own words
# a passage holding what the question asks for (a date for "when"...): off, as it changed
# nothing on the seed dev set and nothing (or worse) on the Rhine set (README table)
TYPE_BONUS = 0.0
TIE = 0.01  # relative score difference under which the newer article comes first
# the best window's idf weight, added (index/retrieval/proximity.py): off, as with the
# ordered pairs on it changed nothing on either set (alone it helped Rhine: README)
PROXIMITY_WEIGHT = 0.0
ORDER_WEIGHT = 0.2  # the idf weight of question term pairs found in order, added
PROXIMITY_DEPTH = 10  # candidates (best so far) that proximity and order look at


@dataclass(frozen=True)
class Tuning:
    """The re-ranking knobs (module constants are the defaults); experiments turn them
    off one by one (benchmarks/quality.py)."""

    alias_weight: float = ALIAS_WEIGHT
    context_weight: float = CONTEXT_WEIGHT
    type_bonus: float = TYPE_BONUS
    tie: float = TIE
    near_forms: bool = True
    weak_words: bool = True
    focus_rule: bool = True
    names_rule: bool = True
    common_floor: bool = False
    proximity: float = PROXIMITY_WEIGHT
    order: float = ORDER_WEIGHT


class Ranker:
    """The engine's first pass, re-scored with the features above."""

    def __init__(self, index: Index, engine: Engine, tuning: Tuning, analyzer: Analyzer) -> None:
        self.index = index
        self.analyzer = analyzer
        self.engine = engine
        self.tuning = tuning
        self.contexts = SparseEngine(index.contexts, np.asarray(index.contexts.idf))

    def ranked(self, query: Query, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidates from the engine, re-scored (see the module docstring), best first."""
        # a filter restricts the engine itself: the top k among the allowed passages
        docs, bm25 = self.engine.top(query.ids + query.extra, k, query.allowed)
        if len(docs) == 0:
            return docs, np.zeros(0)
        if not query.extra:  # the engine's scores are the question's own
            scores = bm25.copy()
        else:
            scores = self.engine.score(query.ids, docs) if query.ids else np.zeros(len(docs))
        scores += self._stand_ins(query, docs)
        # the article's title and lead; not for the lead itself, which is its own context
        articles = np.asarray(self.index.passage_article)[docs]
        not_lead = np.asarray(self.index.passage_number)[docs] != 1
        if self.tuning.context_weight:
            scores += (
                self.tuning.context_weight
                * not_lead
                * self.contexts.score(query.ids + query.extra, articles)
            )
        if self.tuning.proximity or self.tuning.order:
            # only the best PROXIMITY_DEPTH so far: each is tokenised again
            best = np.argsort(-scores, kind="stable")[:PROXIMITY_DEPTH]
            windows, pairs = self._proximity(query, docs[best])
            scores[best] += self.tuning.proximity * windows + self.tuning.order * pairs
        if query.kind and self.tuning.type_bonus:
            wanted = (np.asarray(self.index.passage_flags)[docs] & query.kind) != 0
            scores *= np.where(wanted, 1 + self.tuning.type_bonus, 1.0)
        order = np.lexsort((docs, -scores))
        docs, scores = docs[order], scores[order]
        return self._newer_first_in_ties(docs, scores)

    def _stand_ins(self, query: Query, docs: np.ndarray) -> np.ndarray:
        """What aliases and near forms add: only where the passage lacks what was said,
        and never worth more than saying it ("CPS" everywhere makes "Chicago Public
        Schools" worth little)."""
        postings = self.index.passages
        total = np.zeros(len(docs))
        for said, ids in query.stand_ins:
            extra = self.tuning.alias_weight * self.engine.score(list(ids), docs)
            if said:
                lacks = ~np.logical_and.reduce([postings.contains(t, docs) for t in said])
                cap = float(sum(postings.idf[t] for t in said))
                extra = np.minimum(extra, cap) * lacks
            total += extra
        return total

    def _proximity(self, query: Query, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        postings = self.index.passages
        weights = {postings.vocab[t]: float(postings.idf[t]) for t in query.ids + query.extra}
        order = [t for t in query.terms if t in weights]
        texts = [self.index.text(int(d)) for d in docs]
        return proximity_scores(self.analyzer, texts, order, weights)

    def _newer_first_in_ties(self, docs: np.ndarray, scores: np.ndarray):
        docs, scores = docs.copy(), scores.copy()

        def date(d: int) -> str:
            return self.index.article(int(self.index.passage_article[d])).published or ""

        for _ in range(3):  # a few passes of neighbour swaps settle any run of ties
            swapped = False
            for i in range(min(len(docs), 20) - 1):
                close = scores[i + 1] >= scores[i] * (1 - self.tuning.tie)
                if close and date(int(docs[i + 1])) > date(int(docs[i])):
                    docs[i], docs[i + 1] = docs[i + 1], docs[i]
                    scores[i], scores[i + 1] = scores[i + 1], scores[i]
                    swapped = True
            if not swapped:
                break
        return docs, scores

    def tiny(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """One or two passages: BM25's idf is meaningless (every term is in half the corpus
        or more), so rank by how many question terms a passage holds, and answer only
        when it holds at least half of them."""
        postings = self.index.passages
        docs = np.arange(self.index.n_passages)
        docs = docs if query.allowed is None else docs[query.allowed]
        held = sum(postings.contains(t, docs).astype(np.float64) for t in query.ids)
        held = held if isinstance(held, np.ndarray) else np.zeros(len(docs))
        order = np.lexsort((docs, -held))
        keep = order[held[order] >= max(1, len(query.terms) / 2)]
        return docs[keep], held[keep]
