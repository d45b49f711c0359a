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

When a claim names *who* with a grade range ("K-5 students …"), its other figures are
compared where the passage speaks of the same grades: first in the sentences that
state that range, then anywhere. "K-5 students return March 1" against
"Kindergarten through 5th grade students would go back on Feb. 22 … Grades 6
through 8 would return March 1" is a conflict (Feb. 22), not a match on the other
grades' date.

Figures come from `index.figures`, speakers from `index.attribution`.
"""

from __future__ import annotations

from dataclasses import replace

from .analysis import sentences
from .attribution import attribute
from .figures import Figure, extract, same_thing, same_value
from .models import Check, CheckedHit, FactCheck, Hit
from .search import Searcher


def _compare(figure: Figure, found: list[Figure]) -> Check:
    same = [f for f in found if same_thing(figure, f)]
    equal = next((f for f in same if same_value(figure, f)), None)
    if equal is not None:
        return Check(figure, "match", equal)
    if same:
        return Check(figure, "conflict", same[0])
    return Check(figure, "absent", None)


ANCHOR_KINDS = ("grades",)  # figures that say who a claim is about


def check_figures(claim_figures: tuple[Figure, ...], passage_text: str) -> tuple[Check, ...]:
    found = extract(passage_text)
    spans = sentences(passage_text)

    def sentence_of(f: Figure) -> int:
        return next((i for i, (a, b) in enumerate(spans) if a <= f.start < b), len(spans))

    anchors = {sentence_of(f) for f in found for c in claim_figures
               if c.kind in ANCHOR_KINDS and same_thing(c, f) and same_value(c, f)}
    near = [f for f in found if sentence_of(f) in anchors]
    checks = []
    for figure in claim_figures:
        check = Check(figure, "absent", None)
        if figure.kind not in ANCHOR_KINDS and near:
            check = _compare(figure, near)
        if check.status == "absent":
            check = _compare(figure, found)
        checks.append(check)
    return tuple(checks)


def factcheck(searcher: Searcher, claim: str, top: int = 3) -> FactCheck:
    figures = tuple(extract(claim))
    optional = frozenset(term for f in figures for term in searcher.analyzer.terms(f.text)
                         if any(ch.isdigit() for ch in term))
    answer = searcher.ask(claim, top=top, optional=optional)
    return FactCheck(claim, figures, tuple(_checked(hit, figures) for hit in answer.hits))


def _checked(hit: Hit, figures: tuple[Figure, ...]) -> CheckedHit:
    checks = check_figures(figures, hit.passage.text)
    spans = tuple(sorted({(c.passage_figure.start, c.passage_figure.end) for c in checks
                          if c.passage_figure is not None}))
    if spans:  # emphasise the passage's figures that meet the claim's, not its words
        hit = replace(hit, highlights=spans)
    return CheckedHit(hit, checks, attribute(hit.passage.text))
