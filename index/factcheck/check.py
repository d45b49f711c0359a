"""Fact-check mode: a claim set against the archive, figure by figure.

newsbot writes no verdict. It retrieves the passages that best match the claim (the
same search as `ask`; the claim's own figures help retrieval but never make it a
no-answer), puts the claim's figures next to each passage's, and says who the passage
attributes its statement to:

- `match`: the passage states the same figure for the same thing
  (25,000 members = 25000 members; 75 percent = 75%; 3/1 = March 1; fifth = 5th);
- `conflict`: it states a different figure of the same kind for the same thing
  (the claim says 30,000 members, the passage 25,000 members), shown side by side;
- `absent`: it doesn't mention that kind of figure for that thing.

When a passage states several figures of the same kind for the same thing, the one
in the clause that shares the most words with the claim is the one compared: "K-5
students return Feb. 22" against "Kindergarten through fifth grade staff will return
to work Feb. 22, and those students will return March 1" is a conflict (the students'
clause says March 1), not a match on the staff's date.

When a claim names *who* with a grade range ("K-5 students …"), its other figures are
compared where the passage speaks of the same grades: first in the sentences that
state that range, then anywhere. "K-5 students return March 1" against
"Kindergarten through 5th grade students would go back on Feb. 22 … Grades 6
through 8 would return March 1" is a conflict (Feb. 22), not a match on the other
grades' date.

Figures come from `index.factcheck.figures`, speakers from `index.text.attribution`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.factcheck.figures import Figure, extract, same_thing, same_value
from index.models import Check, CheckedHit, FactCheck, Hit
from index.retrieval.search import Searcher
from index.text.analysis import Analyzer, sentences
from index.text.attribution import attribute

_CLAUSE_END = re.compile(r";|,(?!\s*\d)|\s(?:and|but|while|whereas)\s")


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: sentences cut at ";", "," (not in a number) and
    "and"/"but"/"while"."""
    spans = []
    for first, last in sentences(text) or [(0, len(text))]:
        start = first
        for m in _CLAUSE_END.finditer(text, first, last):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, last))
    return spans


def _compare(
    figure: Figure,
    found: list[Figure],
    text: str = "",
    claim_words: frozenset[str] = frozenset(),
    analyzer: Analyzer | None = None,
) -> Check:
    same = [f for f in found if same_thing(figure, f)]
    several = len({_value_key(f) for f in same}) > 1
    if several and figure.kind not in ANCHOR_KINDS and claim_words and analyzer is not None:
        same = _nearest_clause(same, text, claim_words, analyzer)
    equal = next((f for f in same if same_value(figure, f)), None)
    if equal is not None:
        return Check(figure, "match", equal)
    if same:
        return Check(figure, "conflict", same[0])
    return Check(figure, "absent", None)


def _value_key(f: Figure) -> str:
    return f"{f.value}|{f.unit}"


def _nearest_clause(
    same: list[Figure], text: str, claim_words: frozenset[str], analyzer: Analyzer
) -> list[Figure]:
    """Of several figures for the same thing, those in the clause that shares the most
    words with the claim ("… staff will return Feb. 22, and those students will return
    March 1" against "students return …": the students' clause). All of them on a tie."""
    spans = _clauses(text)
    scored = []
    for f in same:
        a, b = next(((a, b) for a, b in spans if a <= f.start < b), (0, len(text)))
        scored.append((len(claim_words.intersection(analyzer.terms(text[a:b]))), f))
    best = max(score for score, _ in scored)
    chosen = [f for score, f in scored if score == best]
    return chosen if len(chosen) < len(same) else same


ANCHOR_KINDS = ("grades",)  # figures that say who a claim is about


def check_figures(
    claim_figures: tuple[Figure, ...],
    passage_text: str,
    claim: str = "",
    analyzer: Analyzer | None = None,
) -> tuple[Check, ...]:
    found = extract(passage_text)
    claim_words = frozenset()
    if claim and analyzer is not None:  # the claim's words, its figures left out
        figure_words = {t for f in claim_figures for t in analyzer.terms(f.text)}
        claim_words = frozenset(set(analyzer.terms(claim)) - figure_words)
    spans = sentences(passage_text)

    def sentence_of(f: Figure) -> int:
        return next((i for i, (a, b) in enumerate(spans) if a <= f.start < b), len(spans))

    anchors = {
        sentence_of(f)
        for f in found
        for c in claim_figures
        if c.kind in ANCHOR_KINDS and same_thing(c, f) and same_value(c, f)
    }
    near = [f for f in found if sentence_of(f) in anchors]
    checks = []
    for figure in claim_figures:
        check = Check(figure, "absent", None)
        if figure.kind not in ANCHOR_KINDS and near:
            check = _compare(figure, near, passage_text, claim_words, analyzer)
        if check.status == "absent":
            check = _compare(figure, found, passage_text, claim_words, analyzer)
        checks.append(check)
    return tuple(checks)


def factcheck(searcher: Searcher, claim: str, top: int = 3) -> FactCheck:
    figures = tuple(extract(claim))
    optional = frozenset(
        term
        for f in figures
        for term in searcher.analyzer.terms(f.text)
        if any(ch.isdigit() for ch in term)
    )
    answer = searcher.ask(claim, top=top, optional=optional)
    return FactCheck(
        claim,
        figures,
        tuple(_checked(hit, figures, claim, searcher.analyzer) for hit in answer.hits),
    )


def _checked(hit: Hit, figures: tuple[Figure, ...], claim: str, analyzer: Analyzer) -> CheckedHit:
    checks = check_figures(figures, hit.passage.text, claim, analyzer)
    spans = tuple(
        sorted(
            {
                (c.passage_figure.start, c.passage_figure.end)
                for c in checks
                if c.passage_figure is not None
            }
        )
    )
    if spans:  # emphasise the passage's figures that meet the claim's, not its words
        hit = replace(hit, highlights=spans)
    return CheckedHit(hit, checks, attribute(hit.passage.text))
