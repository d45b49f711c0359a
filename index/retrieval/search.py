"""The one entry point everything else calls: `Searcher.ask(question) -> Answer`.

1. The question goes through the same analyzer as the passages. Aliases widen it
   (index/text/aliases.py: "CPS" also looks for "Chicago Public Schools"), and a word the
   archive never printed looks for its nearest printed form (one typo away, or the
   same first letters: "studnets" -> "student"); both weigh less than the question's
   own words.
2. The engine (rank-bm25, or the sparse engine on large corpora) picks CANDIDATES
   passages; each is then scored as

       BM25(question) + ALIAS_WEIGHT x BM25(aliases, near forms)
                      + CONTEXT_WEIGHT x BM25 of its article's title and lead,

   times (1 + TYPE_BONUS) when it holds what the question asks for (a date for
   "when", a number for "how many", a name for "who", a quote for "what did X say";
   index/text/features.py). Scores within TIE of each other are a tie: the newer article
   comes first.
3. No-answer rule: a passage answers only if it holds enough of the question's
   *distinctive* weight. Each question term weighs its idf; a term no passage uses
   weighs as much as the rarest term (one found in a single passage), because a word
   the archive never printed is a strong sign the question is about something else
   (unless a near form or an alias of it is found). A weak word
   (index/data/weakwords.txt: "best", "new", "lack", …) weighs no more than a common
   term (one in one passage in ten), whatever its idf in a small archive, and a
   passage holding it gets only half of that. A passage's coverage is the share of
   the question's weight it holds; when no candidate covers MIN_COVERAGE and holds at
   least a common term's weight, the answer is `no_answer`. And when the question
   names its focus ("What is the <focus> …", "What's the best <focus> …") and the
   archive never printed it, the answer is `no_answer` whatever else matches. "What
   is the best pizza in Chicago?" finds "best" and "Chicago" in one paragraph but
   "pizza" nowhere: nothing is quoted.
4. Passages with the same text (folded) are quoted once; matched words are located
   in each passage for highlighting.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from index.models import Answer, Article, Hit
from index.retrieval.engines import Engine, SparseEngine, choose
from index.retrieval.filters import newest_first, restrict, top_within
from index.storage.store import Index
from index.text.aliases import Aliases
from index.text.analysis import Analyzer, fold
from index.text.features import question_kind

TINY_CORPUS = 3  # fewer passages than this: rank by terms held (see _tiny)
MAX_QUESTION_CHARS = 2000  # a question longer than this is searched on its start
CANDIDATES = 50  # passages re-scored after the engine's first pass
ALIAS_WEIGHT = 0.5  # an alias's or a near form's terms, against the question's own
CONTEXT_WEIGHT = 0.3  # the article's title and lead, against the passage's own words
TYPE_BONUS = 0.2  # a passage holding what the question asks for (a date for "when"...)
TIE = 0.01  # relative score difference under which the newer article comes first
MIN_COVERAGE = 0.5  # share of the question's weight the best passage must hold
UNKNOWN_WEIGHT = 1.0  # a word no passage has, in units of a word in one passage
WEAK_HELD = 0.5  # a weak word a passage holds counts for half its weight
COMMON_SHARE = 0.1  # a term in this share of passages is "common" (idf log 9)


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


@dataclass
class Query:
    question: str
    terms: tuple[str, ...]  # analysed, each once
    ids: list[int]  # the terms the archive has
    extra: list[int] = field(default_factory=list)  # alias and near-form terms
    # (term ids of what the question said, term ids that stand in for it)
    stand_ins: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    # question term -> term-id tuples that stand in for it (all of a tuple must be held)
    alternatives: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # the question's words the archive never printed
    kind: int = 0
    focus_missing: bool = False  # "What is the <focus> …" and the archive lacks <focus>
    allowed: np.ndarray | None = None  # passages the question's filters allow (None: all)


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
        self.contexts = SparseEngine(index.contexts, np.asarray(index.contexts.idf))
        self.aliases = Aliases.load(
            self.analyzer, aliases, learned=[(a, p) for a, p, _ in index.aliases]
        )
        n = max(index.n_passages, 1)
        # a word no passage has: the weight of a word in a single passage
        self._unknown_weight = UNKNOWN_WEIGHT * (math.log(n - 1 + 0.5) - math.log(1.5))
        common = COMMON_SHARE * n
        self._common_weight = math.log(n - common + 0.5) - math.log(common + 0.5)
        self._weak = (
            frozenset(self.analyzer.terms(" ".join(_data_words("weakwords.txt"))))
            if self.tuning.weak_words
            else frozenset()
        )
        self._sorted_terms = index.sorted_terms()

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
        if not query.ids and not query.extra:
            return Answer(question, True, terms=query.terms, missing=query.missing)
        if query.focus_missing and self.tuning.focus_rule:
            docs, scores = np.zeros(0, np.int64), np.zeros(0)
        elif self.index.n_passages < TINY_CORPUS:
            docs, scores = self._tiny(query)
        else:
            docs, scores = self._ranked(query, max(CANDIDATES, offset + top + 10))
            weighed = tuple(
                t for t in query.terms if t not in optional or t in self.index.passages.term_id
            )
            if len(docs) and not self._answers(query, weighed, docs[:10]):
                docs = docs[:0]
        if len(docs) == 0:
            return Answer(question, True, terms=query.terms, missing=query.missing)
        if filters.newest:
            docs, scores = newest_first(self.index, docs, scores)
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
        window = chosen[offset : offset + top]
        wanted = set(query.terms) | {self.index.passages.vocab[t] for t in query.extra}
        hits = tuple(
            self._hit(offset + rank, d, s, wanted) for rank, (d, s) in enumerate(window, 1)
        )
        return Answer(
            question, not hits, hits, offset, len(chosen) > offset + top, query.terms, query.missing
        )

    def _query(self, question: str, optional: frozenset[str]) -> Query:
        text = question[:MAX_QUESTION_CHARS]
        terms = tuple(dict.fromkeys(self.analyzer.terms(text)))
        postings = self.index.passages
        known = {
            t: tid
            for t in terms
            if (tid := postings.term_id.get(t)) is not None
            and postings.post_ptr[tid + 1] > postings.post_ptr[tid]
        }
        query = Query(question, terms, list(known.values()), kind=question_kind(text))
        extra: dict[int, None] = {}
        for member, other in self.aliases.expand(terms):
            ids = tuple(postings.term_id.get(t, -1) for t in other)
            if -1 in ids or not all(postings.post_ptr[i + 1] > postings.post_ptr[i] for i in ids):
                continue
            for t in member:
                query.alternatives.setdefault(t, []).append(ids)
            extra.update(dict.fromkeys(i for i in ids if i not in known.values()))
            said = tuple(known[t] for t in member if t in known)
            query.stand_ins.append((said, ids))
        missing = []
        for t in terms:
            if t in known or t in optional or t in query.alternatives:
                continue
            near = self._near(t) if self.tuning.near_forms else None
            if near is not None:
                query.alternatives[t] = [(near,)]
                extra[near] = None
                query.stand_ins.append(((), (near,)))
            else:
                missing.append(t)
        query.extra = list(extra)
        query.missing = self._surface(text, set(missing))
        focus = self._focus(text)
        query.focus_missing = bool(focus) and set(focus) <= set(missing)
        return query

    def _focus(self, text: str) -> list[str]:
        """The terms of the noun a "What is the <focus> of …" question asks about."""
        m = _FOCUS.match(text)
        if m is None:
            return []
        for word in m.group(1).split():
            terms = self.analyzer.terms(word)
            if terms and not set(terms) <= self._weak:
                return terms
        return []

    def _ranked(self, query: Query, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidates from the engine, re-scored (see the module docstring), best first."""
        docs, bm25 = top_within(
            self.engine, self.index.passages, query.ids + query.extra, k, query.allowed
        )
        if len(docs) == 0:
            return docs, np.zeros(0)
        if not query.extra:  # the engine's scores are the question's own
            scores = bm25.copy()
        else:
            scores = self.engine.score(query.ids, docs) if query.ids else np.zeros(len(docs))
        postings = self.index.passages
        for said, ids in query.stand_ins:
            # only where the passage lacks what was said, and never worth more than
            # saying it ("CPS" everywhere makes "Chicago Public Schools" worth little)
            extra = self.tuning.alias_weight * self.engine.score(list(ids), docs)
            if said:
                lacks = ~np.logical_and.reduce([postings.contains(t, docs) for t in said])
                cap = float(sum(postings.idf[t] for t in said))
                extra = np.minimum(extra, cap) * lacks
            scores += extra
        # the article's title and lead; not for the lead itself, which is its own context
        articles = np.asarray(self.index.passage_article)[docs]
        not_lead = np.asarray(self.index.passage_number)[docs] != 1
        if self.tuning.context_weight:
            scores += (
                self.tuning.context_weight
                * not_lead
                * self.contexts.score(query.ids + query.extra, articles)
            )
        if query.kind and self.tuning.type_bonus:
            wanted = (np.asarray(self.index.passage_flags)[docs] & query.kind) != 0
            scores *= np.where(wanted, 1 + self.tuning.type_bonus, 1.0)
        order = np.lexsort((docs, -scores))
        docs, scores = docs[order], scores[order]
        return self._newer_first_in_ties(docs, scores)

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

    def _tiny(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
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

    def _answers(self, query: Query, terms: tuple[str, ...], docs: np.ndarray) -> bool:
        """Does any of `docs` hold enough of the question's weight (the no-answer rule)?"""
        postings = self.index.passages
        total = 0.0
        held = np.zeros(len(docs))
        for t in terms:
            tid = postings.term_id.get(t)
            used = tid is not None and postings.post_ptr[tid + 1] > postings.post_ptr[tid]
            weight = float(postings.idf[tid]) if used else self._unknown_weight
            if t in self._weak:
                weight = min(weight, self._common_weight)
            total += weight
            has = postings.contains(tid, docs) if used else np.zeros(len(docs), np.bool_)
            for ids in query.alternatives.get(t, ()):
                has = has | np.logical_and.reduce([postings.contains(i, docs) for i in ids])
            held += has * (weight * WEAK_HELD if t in self._weak else weight)
        enough = (held >= self._common_weight) & (held >= MIN_COVERAGE * total)
        return bool(enough.any())

    # ---------------------------------------------------------------- near forms

    def _near(self, term: str) -> int | None:
        """The printed term nearest an unprinted one: one edit away with the same first
        letter (a typo), else the longest shared start of five letters or more (a
        derived form). Short words have too many neighbours: none under five letters."""
        if len(term) < 5 or not term.isalpha():
            return None
        postings = self.index.passages
        ids = postings.term_id

        def df(t: str) -> int:
            i = ids[t]
            return int(postings.post_ptr[i + 1] - postings.post_ptr[i])

        typos = [t for t in _edits(term) if t[:1] == term[:1] and t in ids and df(t) > 0]
        if typos:
            return ids[max(typos, key=df)]
        if len(term) < 6:
            return None
        vocab = self._sorted_terms
        for length in range(len(term) - 1, 4, -1):
            prefix = term[:length]
            lo = bisect.bisect_left(vocab, prefix)
            hi = bisect.bisect_left(vocab, prefix + "\uffff")
            found = [vocab[i] for i in range(lo, min(hi, lo + 50))]
            found = [t for t in found if t.isalpha() and df(t) > 0]
            if found:
                return ids[max(found, key=df)]
        return None

    def _surface(self, text: str, missing: set[str]) -> tuple[str, ...]:
        """The words of `text` whose terms are all in `missing`, as typed."""
        if not missing:
            return ()
        words = [
            text[t.start : t.end]
            for t in self.analyzer.tokens(text)
            if t.terms and set(t.terms) <= missing
        ]
        return tuple(dict.fromkeys(words))

    # ---------------------------------------------------------------- results

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


_FOCUS = re.compile(
    r"\s*(?:what|which)(?:'s|’s| is| was| are| were)\s+(?:the|a|an)\s+"
    r"((?:[A-Za-z-]+\s+){0,2}?[A-Za-z-]+)\s+(?:of|for|in|at|on|to)\b",
    re.IGNORECASE,
)


def _edits(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word}


def _data_words(name: str) -> list[str]:
    text = resources.files("index.data").joinpath(name).read_text("utf-8")
    return [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
