"""The one entry point everything else calls: `Searcher.ask(question) -> Answer`.

The work is done by stage, each in its own module:

1. `query.py`: the question as a `Query` (analysed terms, aliases, near forms, the
   words the archive never printed, what kind of answer it wants, its focus).
2. `ranking.py`: the engine's candidates re-scored (aliases, article context,
   question type, newer first in ties).
3. `noanswer.py`: the no-answer rule and the grade (how much of the question's
   distinctive weight the best candidates hold: none of it worth quoting is
   `no_answer`; enough of it is "high" confidence, less is "low"). And when nothing in
   the archive speaks to the question, the answer is `no_answer` whatever else
   matches: when it names its focus ("What is the <focus> …", "What's the best <focus>
   …") or names things ("New York") and the archive never printed them. "What is the
   best pizza in Chicago?" finds "best" and "Chicago" in one paragraph but "pizza"
   nowhere: nothing is quoted, and `missing` says "pizza".
4. Here: passages with the same text (folded) are quoted once; matched words are
   located in each passage for highlighting; `missing` names the question's words (as
   typed) that no quoted passage holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.models import Answer, Article, Hit
from index.retrieval.engines import Engine, choose
from index.retrieval.filters import article_with_url, newest_articles, newest_first, restrict
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
        self.ranker = Ranker(index, self.engine, self.tuning, self.analyzer)
        self.coverage = Coverage(index, weak, self.tuning.common_floor)

    # ---------------------------------------------------------------- asking

    def ask(
        self, question: str, top: int = 3, offset: int = 0, optional: frozenset[str] = frozenset()
    ) -> Answer:
        """The best `top` passages after the first `offset`. Terms in `optional` help
        when the corpus has them and cost nothing when it doesn't (a fact-check claim's
        own figures, which the archive may well state differently)."""
        top, offset = max(1, top), max(0, offset)
        text, filters, allowed, notice = restrict(self.index, question)  # index/retrieval/filters
        if notice is not None:
            return Answer(question, True, notice=notice)
        query = self._query(text, optional)
        query.allowed = allowed
        refused = Answer(question, True, terms=query.terms, missing=query.missing)
        if not query.ids and not query.extra:
            return refused
        if (query.focus_missing and self.tuning.focus_rule) or (
            query.names_missing and self.tuning.names_rule
        ):
            return refused
        weighed = tuple(
            t for t in query.terms if t not in optional or t in self.index.passages.term_id
        )
        docs, scores, confidence = self._ranked(query, weighed, max(CANDIDATES, offset + top + 10))
        if confidence is None:
            return refused
        if filters.newest:
            docs, scores = newest_first(self.index, docs, scores)
        chosen = self._distinct(docs, scores, offset + top)
        window = chosen[offset : offset + top]
        if not window:
            return refused
        wanted = set(query.terms) | {self.index.passages.vocab[t] for t in query.extra}
        hits = tuple(
            self._hit(offset + rank, d, s, wanted) for rank, (d, s) in enumerate(window, 1)
        )
        unheld = self.coverage.unheld(
            query, tuple(t for t in weighed if t not in optional), np.array([d for d, _ in window])
        )
        return Answer(
            question,
            False,
            hits,
            offset,
            len(chosen) > offset + top,
            query.terms,
            self.queries.surface(text[:MAX_QUESTION_CHARS], unheld),
            confidence,
        )

    def _query(self, question: str, optional: frozenset[str] = frozenset()) -> Query:
        return self.queries.build(question, optional)

    def _ranked(
        self, query: Query, weighed: tuple[str, ...], k: int
    ) -> tuple[np.ndarray, np.ndarray, str | None]:
        """The candidates best first and the answer's confidence ("high", "low", or
        None: nothing here speaks to the question)."""
        if self.index.n_passages < TINY_CORPUS:
            docs, scores = self.ranker.tiny(query)
            confidence = "high" if len(docs) and scores[0] >= len(weighed) else "low"
        else:
            docs, scores = self.ranker.ranked(query, k)
            confidence = self.coverage.grade(query, weighed, docs) if len(docs) else None
        return docs, scores, confidence if len(docs) else None

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
        highlights = tuple(self.analyzer.spans(passage.text, wanted))
        article = self.index.article(int(self.index.passage_article[doc]))
        return Hit(rank, round(score, 6), passage, article, highlights)

    def sources(self) -> list[Article]:
        return list(self.index.iter_articles())

    def article_at(self, url: str) -> Article | None:
        """The indexed article `url` points to (however its host, tracking parameters or
        trailing slash are written), or None."""
        j = article_with_url(self.index, url)
        return None if j is None else self.index.article(j)

    def newest(self, n: int) -> list[tuple[Article, int]]:
        """The `n` most recently published articles, newest first (undated last), each with
        how many passages it has in the index, without reading the others' records."""
        numbers = newest_articles(self.index, n)
        counts = self.index.passage_counts()
        return [(self.index.article(j), int(counts[j])) for j in numbers]
