"""Fact-check mode: a claim set against the archive, figure by figure.

newsbot writes no text of its own. It retrieves the passages that best match the claim
(the same search as `ask`; the claim's own figures help retrieval but never make it a
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

A passage figure is compared only when its sentence shares a word with the claim (its
figures left out; "CTU" also stands for "Chicago Teachers Union"): "there are plans to
vaccinate 1,500 staff members" does not decide "The CTU has 30,000 members". When a claim's
grades are not the passage's ("K-5" against a passage about "K-8"), the passage speaks of
other students and decides none of the claim's figures. A date right after a speech verb
("Lightfoot announced Sunday") is when something was said, and is not compared. A figure
in a passage that proposes or offers, or in a clause that supposes ("if", "might"), is
`hedged`.

When the claim uses words the archive never does ("Big news: the CTU has 30,000 members"),
they are made optional, and the passages so found are kept only if one of them decides a
figure or the quote ("The best pizza in Chicago costs $40" still finds nothing).

Passages are searched for more widely than shown (`POOL`) and ranked: those that decide
more of the claim (its figures, its quote) first, in the claim's own unit, then by the
words their deciding sentences share with the claim, firm before hedged, newer before
older, then by the search's own order. A
passage that decides nothing is not said to be "attributed to" anyone when the claim has
figures. `index.factcheck.verdicts` sums the passages up per figure, and
`index.factcheck.quotes` checks who said what.

Figures come from `index.factcheck.figures`, speakers from `index.text.attribution`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from index.factcheck import quotes, verdicts
from index.factcheck.figures import Figure, extract, same_thing, same_value
from index.models import Check, CheckedHit, FactCheck, Hit
from index.retrieval.search import Searcher
from index.text.aliases import Aliases
from index.text.analysis import Analyzer, sentences
from index.text.attribution import ATTRIBUTION_VERBS, attribute

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
    claim_words: ClaimWords | None = None,
    analyzer: Analyzer | None = None,
) -> Check:
    same = [f for f in found if same_thing(figure, f)]
    same = [f for f in same if f.unit == figure.unit] or same  # "staff members" over "staff"
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
    same: list[Figure], text: str, claim_words: ClaimWords, analyzer: Analyzer
) -> list[Figure]:
    """Of several figures for the same thing, those in the clause that shares the most
    words with the claim ("… staff will return Feb. 22, and those students will return
    March 1" against "students return …": the students' clause). All of them on a tie."""
    spans = _clauses(text)
    scored = []
    for f in same:
        a, b = next(((a, b) for a, b in spans if a <= f.start < b), (0, len(text)))
        scored.append((claim_words.count(analyzer.terms(text[a:b])), f))
    best = max(score for score, _ in scored)
    chosen = [f for score, f in scored if score == best]
    return chosen if len(chosen) < len(same) else same


ANCHOR_KINDS = ("grades",)  # figures that say who a claim is about
POOL = 12  # passages searched for, at least, before ranking the evidence
# A passage that proposes or offers states its figures as a proposal; a clause that
# supposes ("if", "might") states its figure as a possibility.
PROPOSALS = frozenset(
    "proposal proposals proposed proposes propose proposing offer offers offered offering".split()
)
HEDGES = frozenset("might possible possibly if unless".split())
_WORD = re.compile(r"[A-Za-z]+")
DECIDES = ("match", "conflict")
SPEECH_VERBS = frozenset(form for forms in ATTRIBUTION_VERBS.values() for form in forms)


@dataclass(frozen=True, slots=True)
class ClaimWords:
    """The claim's terms (its figures' left out), and the aliases they stand for: a
    sentence shares "CTU" when it says "CTU" or, whole, "Chicago Teachers Union"."""

    own: frozenset[str] = frozenset()
    aliases: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.own)

    def count(self, terms: Iterable[str]) -> int:
        """How many of the claim's words `terms` holds."""
        have = set(terms)
        stood_for = {said for said, other in self.aliases if set(other) <= have}
        return len(self.own & have) + sum(1 for said in stood_for if not set(said) & have)


def claim_words(
    claim: str, figures: tuple[Figure, ...], analyzer: Analyzer, aliases: Aliases | None = None
) -> ClaimWords:
    figure_terms = {t for f in figures for t in analyzer.terms(f.text)}
    terms = [t for t in analyzer.terms(claim) if t not in figure_terms]
    pairs = tuple(aliases.expand(terms)) if aliases is not None else ()
    return ClaimWords(frozenset(terms), pairs)


def _reported_when(f: Figure, text: str) -> bool:
    """ "Lightfoot announced Sunday", "the district said Friday": when it was said."""
    if f.kind not in ("date", "weekday"):
        return False
    before = _WORD.findall(text, max(0, f.start - 40), f.start)[-3:]
    return any(w.lower() in SPEECH_VERBS for w in before)


def check_figures(
    claim_figures: tuple[Figure, ...],
    passage_text: str,
    claim: str = "",
    analyzer: Analyzer | None = None,
    words: ClaimWords | None = None,
) -> tuple[Check, ...]:
    """Each claim figure against `passage_text` (see the module docstring). With an
    analyzer, only figures in sentences sharing the claim's `words` are compared."""
    found = [f for f in extract(passage_text) if not _reported_when(f, passage_text)]
    if words is None:
        words = claim_words(claim, claim_figures, analyzer) if claim and analyzer else ClaimWords()
    spans = sentences(passage_text) or [(0, len(passage_text))]

    def sentence_of(f: Figure) -> int:
        return next((i for i, (a, b) in enumerate(spans) if a <= f.start < b), len(spans) - 1)

    shared = [0] * len(spans)
    if words and analyzer is not None:
        shared = [words.count(analyzer.terms(passage_text[a:b])) for a, b in spans]
        found = [f for f in found if shared[sentence_of(f)]]
    anchors = [c for c in claim_figures if c.kind in ANCHOR_KINDS]
    stated = [f for f in found if f.kind in ANCHOR_KINDS]
    met = {sentence_of(f) for f in stated for c in anchors if same_value(c, f)}
    if anchors and stated and not met:
        return tuple(Check(c, "absent", None) for c in claim_figures)  # other students
    near = [f for f in found if sentence_of(f) in met]
    checks = []
    for figure in claim_figures:
        check = Check(figure, "absent", None)
        if figure.kind not in ANCHOR_KINDS and near:
            check = _compare(figure, near, passage_text, words, analyzer)
        if check.status == "absent":
            check = _compare(figure, found, passage_text, words, analyzer)
        if figure.kind in ANCHOR_KINDS and check.status == "conflict":
            check = Check(figure, "absent", None)  # other grades: another group, no contradiction
        if check.passage_figure is not None:
            f = check.passage_figure
            check = replace(check, hedged=_hedged(f, passage_text), shared=shared[sentence_of(f)])
        checks.append(check)
    return tuple(checks)


def _hedged(figure: Figure, text: str) -> bool:
    """Stated in a passage that proposes or offers, or in a clause that supposes."""
    if any(w.lower() in PROPOSALS for w in _WORD.findall(text)):
        return True
    a, b = next(((a, b) for a, b in _clauses(text) if a <= figure.start < b), (0, len(text)))
    return any(w.lower() in HEDGES for w in _WORD.findall(text, a, b))


def factcheck(searcher: Searcher, claim: str, top: int = 3) -> FactCheck:
    """The passages that speak to `claim`, the deciding ones first, with a verdict per
    claim figure and a check of what the claim says someone said."""
    figures = tuple(extract(claim))
    pool, relaxed = _search(searcher, claim, figures, max(POOL, 3 * top))
    words = claim_words(claim, figures, searcher.analyzer, searcher.aliases)
    checked = [_checked(hit, figures, searcher.analyzer, words) for hit in pool]
    quote, quote_hit = quotes.check(claim, checked, searcher.analyzer)
    decided = any(c.status in DECIDES for p in checked for c in p.checks)
    if relaxed and not decided and (quote is None or quote.status == "absent"):
        checked, quote, quote_hit = [], quote, None  # the relaxed search found nothing to say
    keys = [_key(i, c, i == quote_hit) for i, c in enumerate(checked)]
    order = sorted(range(len(checked)), key=keys.__getitem__)[:top]
    shown = tuple(
        _shown(checked[i], rank, bool(figures) and quote is None) for rank, i in enumerate(order, 1)
    )
    if quote is not None:
        where = order.index(quote_hit) + 1 if quote_hit in order else None
        quote = replace(quote, rank=where)
    return FactCheck(
        claim,
        figures,
        shown,
        verdicts.decide(figures, shown),
        (quote,) if quote is not None else (),
    )


def _search(
    searcher: Searcher, claim: str, figures: tuple[Figure, ...], k: int
) -> tuple[tuple[Hit, ...], bool]:
    """The claim's passages, and whether the search had to be relaxed to find them: its
    figures help but never make it a no-answer, and words the archive never uses ("must",
    "big news") are then made optional too, provided it uses one of the others."""
    analyzer = searcher.analyzer
    figure_terms = {t for f in figures for t in analyzer.terms(f.text)}
    optional = frozenset(t for t in figure_terms if any(ch.isdigit() for ch in t))
    answer = searcher.ask(claim, top=k, optional=optional)
    if answer.hits:
        return answer.hits, False
    known = searcher.index.passages.term_id
    words = [t for t in dict.fromkeys(analyzer.terms(claim)) if t not in optional]
    unknown = frozenset(t for t in words if t not in known)
    if unknown and len(unknown) < len(words):
        return searcher.ask(claim, top=k, optional=optional | unknown).hits, True
    return (), False


def _checked(
    hit: Hit, figures: tuple[Figure, ...], analyzer: Analyzer, words: ClaimWords
) -> CheckedHit:
    checks = check_figures(figures, hit.passage.text, analyzer=analyzer, words=words)
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


def _key(i: int, checked: CheckedHit, quoted: bool) -> tuple:
    """Deciding passages first (more of the claim decided, in the claim's own unit), then
    by the words their deciding sentences share with the claim, firm before hedged, newer
    before older, then the search's order."""
    deciding = [c for c in checked.checks if c.status in DECIDES]
    exact = sum(1 for c in deciding if c.passage_figure.unit == c.claim_figure.unit)
    firm = sum(1 for c in deciding if not c.hedged)
    shared = max((c.shared for c in deciding), default=0)
    newest = verdicts.newest_first(checked.hit.article.published if deciding else None)
    return (-(len(deciding) + quoted), -exact, -shared, -firm, newest, i)


def _shown(checked: CheckedHit, rank: int, has_claims: bool) -> CheckedHit:
    """Ranked anew; a passage that decides none of the claim's figures speaks for no one."""
    decides = any(c.status in DECIDES for c in checked.checks)
    attribution = checked.attribution if decides or not has_claims else None
    return replace(checked, hit=replace(checked.hit, rank=rank), attribution=attribution)
