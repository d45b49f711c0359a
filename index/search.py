"""The one entry point everything else calls: `Searcher.ask(question) -> Answer`.

1. The question goes through the same analyzer as the passages.
2. The engine (rank-bm25, or the sparse engine on large corpora) scores passages.
3. No-answer rule: a passage answers only if it holds enough of the question's
   *distinctive* weight. Each question term weighs its idf; a term no passage uses
   weighs UNKNOWN_WEIGHT times the idf of the rarest possible term, because a word
   the archive never printed is the strongest sign the question is about something
   else. A passage's coverage is the share of the question's weight it contains;
   when no candidate covers MIN_COVERAGE, the answer is `no_answer`. "What is the
   best pizza in Chicago?" finds "best" and "Chicago" in one paragraph, but "pizza"
   nowhere, so nothing is quoted. A passage must also share enough information with
   the question: the idf it holds must reach that of a term found in one passage in
   ten (log 9, whatever the corpus size), so a question that overlaps the archive
   only in common words ("Chicago", "schools") gets `no_answer` too.
4. Passages with the same text (folded) are quoted once; matched words are located
   in each passage for highlighting.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .analysis import Analyzer, fold
from .engines import Engine, choose
from .freshness import open_index
from .models import Answer, Article, Hit
from .settings import IndexSettings
from .store import Index

TINY_CORPUS = 3  # fewer passages than this: rank by terms held (see _tiny)
MAX_QUESTION_CHARS = 2000  # a question longer than this is searched on its start
CANDIDATES = 50  # passages scored closely after the engine's first pass
MIN_COVERAGE = 0.4  # share of the question's idf weight the best passage must hold
UNKNOWN_WEIGHT = 2.0  # a term no passage contains, in units of the largest possible idf
MIN_SHARE = 0.1  # the idf a passage holds must reach that of a term in this share of passages


class Searcher:
    """Built once per process around a loaded index; safe to share between threads."""

    def __init__(self, index: Index, engine: str = "auto", analyzer: Analyzer | None = None):
        self.index = index
        self.analyzer = analyzer or Analyzer()
        self.engine: Engine = choose(engine, index.passages, np.asarray(index.passages.idf))
        n = max(index.n_passages, 1)
        self._unknown_weight = UNKNOWN_WEIGHT * (math.log(n + 0.5) - math.log(0.5))
        common = MIN_SHARE * n
        self._min_weight = math.log(n - common + 0.5) - math.log(common + 0.5)

    @classmethod
    def open(cls, settings: IndexSettings, notify: Callable[[str], None] = lambda _: None,
             **kwargs) -> Searcher:
        index = open_index(settings, notify, **kwargs)
        return cls(index, settings.engine)

    # ---------------------------------------------------------------- asking

    def ask(self, question: str, top: int = 3, offset: int = 0) -> Answer:
        top = max(1, top)
        offset = max(0, offset)
        terms = tuple(dict.fromkeys(self.analyzer.terms(question[:MAX_QUESTION_CHARS])))
        postings = self.index.passages
        ids = postings.ids(list(terms))
        if not ids:
            return Answer(question, True, terms=terms)
        if self.index.n_passages < TINY_CORPUS:
            docs, scores = self._tiny(terms, ids)
        else:
            docs, scores = self.engine.top(ids, max(CANDIDATES, offset + top + 10))
            if len(docs) and not self._answers(terms, ids, docs[:10]):
                docs = docs[:0]
        if len(docs) == 0:
            return Answer(question, True, terms=terms)
        chosen: list[tuple[int, float]] = []
        seen: set[str] = set()
        for d, s in zip(docs.tolist(), scores.tolist(), strict=True):
            key = fold(self.index.text(d))
            if key in seen:
                continue
            seen.add(key)
            chosen.append((d, s))
            if len(chosen) > offset + top:
                break
        window = chosen[offset:offset + top]
        wanted = set(terms)
        hits = tuple(self._hit(offset + rank, d, s, wanted) for rank, (d, s) in
                     enumerate(window, 1))
        return Answer(question, not hits, hits, offset, len(chosen) > offset + top, terms)

    def _tiny(self, terms: tuple[str, ...], ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """One or two passages: BM25's idf is meaningless (every term is in half the corpus
        or more), so rank by how many question terms a passage holds, and answer only
        when it holds at least half of them."""
        postings = self.index.passages
        docs = np.arange(self.index.n_passages)
        held = sum(postings.contains(t, docs).astype(np.float64) for t in ids)
        order = np.lexsort((docs, -held))
        keep = order[held[order] >= max(1, len(terms) / 2)]
        return docs[keep], held[keep]

    def _answers(self, terms: tuple[str, ...], ids: list[int], docs: np.ndarray) -> bool:
        """Does any of `docs` hold enough of the question's weight (the no-answer rule)?"""
        postings = self.index.passages
        idf = postings.idf
        total = 0.0
        for t in terms:
            tid = postings.term_id.get(t)
            used = tid is not None and postings.post_ptr[tid + 1] > postings.post_ptr[tid]
            total += float(idf[tid]) if used else self._unknown_weight
        held = np.zeros(len(docs))
        for t in ids:
            held += postings.contains(t, docs) * float(idf[t])
        enough = (held >= self._min_weight) & (held >= MIN_COVERAGE * total)
        return bool(enough.any())

    def _hit(self, rank: int, doc: int, score: float, wanted: set[str]) -> Hit:
        passage = self.index.passage(doc)
        highlights = tuple((tok.start, tok.end) for tok in self.analyzer.tokens(passage.text)
                           if wanted.intersection(tok.terms))
        article = self.index.article(int(self.index.passage_article[doc]))
        return Hit(rank, round(score, 6), passage, article, highlights)

    # ---------------------------------------------------------------- browsing

    def sources(self) -> list[Article]:
        return list(self.index.iter_articles())
