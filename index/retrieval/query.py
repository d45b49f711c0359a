"""A question made into a query: its terms, the ones the archive has, and what stands in
for the rest.

The question goes through the same analyzer as the passages. Aliases widen it
(index/text/aliases.py: "CPS" also looks for "Chicago Public Schools"), and a word the
archive never printed looks for its nearest printed form (one typo away, or the same
first letters: "studnets" -> "student"); the ranker weighs both less than the
question's own words. A word nothing stands in for is `missing`, kept as typed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from index.storage.store import Index, Postings
from index.text.aliases import Aliases
from index.text.analysis import Analyzer
from index.text.features import question_kind

MAX_QUESTION_CHARS = 2000  # a question longer than this is searched on its start


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
    guessed: frozenset[str] = frozenset()  # question terms only a near form stands in for
    kind: int = 0
    focus_missing: bool = False  # "What is the <focus> …" and the archive lacks <focus>
    names_missing: bool = False  # it names something ("New York") and the archive never did
    allowed: np.ndarray | None = None  # passages the question's filters allow (None: all)


def df(postings: Postings, tid: int | None) -> int:
    """How many passages hold term `tid` (0 for an unknown term)."""
    if tid is None:
        return 0
    return postings.df(tid)


class QueryBuilder:
    """Turns questions into `Query`s against one index."""

    def __init__(
        self,
        index: Index,
        analyzer: Analyzer,
        aliases: Aliases,
        weak: frozenset[str],
        near_forms: bool = True,
    ) -> None:
        self.index = index
        self.analyzer = analyzer
        self.aliases = aliases
        self.weak = weak
        self.near_forms = near_forms
        self._sorted_terms = index.sorted_terms()

    def build(self, question: str, optional: frozenset[str] = frozenset()) -> Query:
        text = question[:MAX_QUESTION_CHARS]
        terms = tuple(dict.fromkeys(self.analyzer.terms(text)))
        postings = self.index.passages
        known = {
            t: tid
            for t in terms
            if (tid := postings.term_id.get(t)) is not None and df(postings, tid)
        }
        query = Query(question, terms, list(known.values()), kind=question_kind(text))
        extra: dict[int, None] = {}
        for member, other in self.aliases.expand(terms):
            ids = tuple(postings.term_id.get(t, -1) for t in other)
            if -1 in ids or not all(df(postings, i) for i in ids):
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
            near = self.near(t) if self.near_forms else None
            if near is not None:
                query.guessed |= {t}
                query.alternatives[t] = [(near,)]
                extra[near] = None
                query.stand_ins.append(((), (near,)))
            else:
                missing.append(t)
        query.extra = list(extra)
        query.missing = self.surface(text, set(missing))
        focus = self.focus(text)
        query.focus_missing = bool(focus) and set(focus) <= set(missing)
        names = self.names(text)
        query.names_missing = bool(names) and all(set(n) <= set(missing) for n in names)
        return query

    def names(self, text: str) -> list[tuple[str, ...]]:
        """The terms of each capitalised word after the first (a name: "York", "CTU",
        "K-5"), weak words left out; none when the question is all capitals."""
        if not any(c.islower() for c in text):
            return []
        out = []
        for tok in self.analyzer.tokens(text)[1:]:
            if tok.terms and text[tok.start].isupper() and not set(tok.terms) <= self.weak:
                out.append(tuple(tok.terms))
        return out

    def focus(self, text: str) -> list[str]:
        """The terms of the noun a "What is the <focus> of …" question asks about, or a
        "The <focus> in …" claim is about."""
        m = _FOCUS.match(text)
        if m is None:
            return []
        for word in m.group(1).split():
            terms = self.analyzer.terms(word)
            if terms and not set(terms) <= self.weak:
                return terms
        return []

    def near(self, term: str) -> int | None:
        """The printed term nearest an unprinted one: one edit away with the same first
        letter (a typo), else the longest shared start of five letters or more and all
        but three of the word's (a derived form: "vaccinations" -> "vaccine", not
        "lighthouse" -> "Lightfoot"). Short words have too many neighbours: none under
        five letters."""
        if len(term) < 5 or not term.isalpha():
            return None
        postings = self.index.passages
        ids = postings.term_id

        def count(t: str) -> int:
            return df(postings, ids[t])

        typos = [t for t in _edits(term) if t[:1] == term[:1] and t in ids and count(t) > 0]
        if typos:
            return ids[max(typos, key=count)]
        if len(term) < 6:
            return None
        vocab = self._sorted_terms
        for length in range(len(term) - 1, max(4, len(term) - 4), -1):
            prefix = term[:length]
            lo = bisect.bisect_left(vocab, prefix)
            hi = bisect.bisect_left(vocab, prefix + "\uffff")
            found = [vocab[i] for i in range(lo, min(hi, lo + 50))]
            found = [t for t in found if t.isalpha() and count(t) > 0]
            if found:
                return ids[max(found, key=count)]
        return None

    def surface(self, text: str, missing: set[str]) -> tuple[str, ...]:
        """The words of `text` whose terms are all in `missing`, as typed."""
        if not missing:
            return ()
        words = [
            text[t.start : t.end]
            for t in self.analyzer.tokens(text)
            if t.terms and set(t.terms) <= missing
        ]
        return tuple(dict.fromkeys(words))


# "What is the <focus> of …", "What's the best <focus> in …", and a claim's subject:
# "The best <focus> in …"
_FOCUS = re.compile(
    r"\s*(?:(?:what|which)(?:'s|’s| is| was| are| were)\s+)?(?:the|a|an)\s+"
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


def data_words(name: str) -> list[str]:
    """The words of a shipped list in index/data/ (comments left out)."""
    text = resources.files("index.data").joinpath(name).read_text("utf-8")
    return [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
