"""The one entry point everything else calls: `Searcher.ask(question) -> Answer`.

The work is done by stage, each in its own module:

1. `query.py`: the question as a `Query` (analysed terms, aliases, near forms, the
   words the archive never printed, what kind of answer it wants, its focus).
2. `ranking.py`: the engine's candidates re-scored (aliases, article context,
   question type, newer first in ties).
3. `noanswer.py`: the no-answer rule (does any candidate hold enough of the question's
   distinctive weight?). And when the question names its focus ("What is the <focus>
   …", "What's the best <focus> …") and the archive never printed it, the answer is
   `no_answer` whatever else matches. "What is the best pizza in Chicago?" finds
   "best" and "Chicago" in one paragraph but "pizza" nowhere: nothing is quoted.
4. Here: passages with the same text (folded) are quoted once; matched words are
   located in each passage for highlighting.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.models import Answer, Article, Hit
from index.retrieval.engines import Engine, choose
from index.retrieval.noanswer import Coverage
from index.retrieval.query import MAX_QUESTION_CHARS, Query, QueryBuilder, data_words
from index.retrieval.ranking import CANDIDATES, TINY_CORPUS, Ranker, Tuning
from index.storage.store import Index
from index.text.aliases import Aliases
from index.text.analysis import Analyzer, fold

__all__ = ["MAX_QUESTION_CHARS", "Query", "Searcher", "Tuning"]


class Searcher:
    """Built once per process around a loaded index; safe to share between threads."""

    def __init__(
        self,
        index: Index,
        engine: str = "auto",
        analyzer: Analyzer | None = None,
        aliases: Path | None = None,
        tuning: Tuning | None = None,
    ) -> None:
        self.index = index
        self.tuning = tuning or Tuning()
        self.analyzer = analyzer or Analyzer()
        self.engine: Engine = choose(engine, index.passages, np.asarray(index.passages.idf))
        self.aliases = Aliases.load(
            self.analyzer, aliases, learned=[(a, p) for a, p, _ in index.aliases]
        )
        weak = (
            frozenset(self.analyzer.terms(" ".join(data_words("weakwords.txt"))))
            if self.tuning.weak_words
            else frozenset()
        )
        self.queries = QueryBuilder(
            index, self.analyzer, self.aliases, weak, near_forms=self.tuning.near_forms
        )
        self.ranker = Ranker(index, self.engine, self.tuning)
        self.coverage = Coverage(index, weak)

    # ---------------------------------------------------------------- asking

    def ask(
        self, question: str, top: int = 3, offset: int = 0, optional: frozenset[str] = frozenset()
    ) -> Answer:
        """The best `top` passages after the first `offset`. Terms in `optional` help
        when the corpus has them and cost nothing when it doesn't (a fact-check claim's
        own figures, which the archive may well state differently)."""
        top, offset = max(1, top), max(0, offset)
        query = self._query(question, optional)
        if not query.ids and not query.extra:
            return Answer(question, True, terms=query.terms, missing=query.missing)
        if query.focus_missing and self.tuning.focus_rule:
            docs, scores = np.zeros(0, np.int64), np.zeros(0)
        elif self.index.n_passages < TINY_CORPUS:
            docs, scores = self.ranker.tiny(query)
        else:
            docs, scores = self.ranker.ranked(query, max(CANDIDATES, offset + top + 10))
            weighed = tuple(
                t for t in query.terms if t not in optional or t in self.index.passages.term_id
            )
            if len(docs) and not self.coverage.answers(query, weighed, docs[:10]):
                docs = docs[:0]
        if len(docs) == 0:
            return Answer(question, True, terms=query.terms, missing=query.missing)
        chosen = self._distinct(docs, scores, offset + top)
        window = chosen[offset : offset + top]
        wanted = set(query.terms) | {self.index.passages.vocab[t] for t in query.extra}
        hits = tuple(
            self._hit(offset + rank, d, s, wanted) for rank, (d, s) in enumerate(window, 1)
        )
        return Answer(
            question, not hits, hits, offset, len(chosen) > offset + top, query.terms, query.missing
        )

    def _query(self, question: str, optional: frozenset[str] = frozenset()) -> Query:
        return self.queries.build(question, optional)

    # ---------------------------------------------------------------- results

    def _distinct(self, docs: np.ndarray, scores: np.ndarray, upto: int) -> list[tuple[int, float]]:
        """The first `upto` + 1 passages whose folded texts differ (one more than asked:
        it says whether there are more)."""
        chosen: list[tuple[int, float]] = []
        seen: set[str] = set()
        for d, s in zip(docs.tolist(), scores.tolist(), strict=True):
            key = fold(self.index.text(d))
            if key in seen:
                continue
            seen.add(key)
            chosen.append((d, s))
            if len(chosen) > upto:
                break
        return chosen

    def _hit(self, rank: int, doc: int, score: float, wanted: set[str]) -> Hit:
        passage = self.index.passage(doc)
        highlights = tuple(
            (tok.start, tok.end)
            for tok in self.analyzer.tokens(passage.text)
            if wanted.intersection(tok.terms)
        )
        article = self.index.article(int(self.index.passage_article[doc]))
        return Hit(rank, round(score, 6), passage, article, highlights)

    def sources(self) -> list[Article]:
        return list(self.index.iter_articles())
