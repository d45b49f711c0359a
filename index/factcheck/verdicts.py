"""What the archive says about each of a claim's figures, the passages shown taken together.

Every passage that states a comparable figure (a `match` or `conflict` check) is evidence,
if its sentence shares at least half as many of the claim's words as the best one does
("The city would close schools again if a 5% rate is detected" is decided by "The city's
offer would close schools again only if a 2.5% rate is detected", not by a passage that
shares only "school"), and, when some state the figure in the claim's own unit ("1,500
staff members"), only those (not "25,000 members").

Firm evidence decides; hedged evidence (a proposal, a possibility: "would go back on
Feb. 22" in a passage about CPS's offer) decides only when no firm passage does, and is
otherwise listed beside the verdict.

- `match`/`conflict`: the deciding passages state one value, the claim's or another. The
  deciding passage is the best ranked of them.
- `disputed`: they state different values ("25,000 members" in one article, "27,000" in
  another). The deciding passage is the newest when the articles' dates are known (then
  the best ranked), and the others follow, newest first.
- `absent`: no passage shown states a comparable figure.
"""

from __future__ import annotations

from index.factcheck.figures import same_value
from index.models import CheckedHit, Evidence, Figure, Verdict


def decide(figures: tuple[Figure, ...], passages: tuple[CheckedHit, ...]) -> tuple[Verdict, ...]:
    """One verdict per claim figure, in the claim's order."""
    return tuple(_verdict(i, figure, passages) for i, figure in enumerate(figures))


def _verdict(i: int, figure: Figure, passages: tuple[CheckedHit, ...]) -> Verdict:
    found = [
        (p, p.checks[i])
        for p in passages
        if i < len(p.checks) and p.checks[i].status in ("match", "conflict")
    ]
    if not found:
        return Verdict(figure, "absent")
    best = max(c.shared for _, c in found)
    found = [(p, c) for p, c in found if 2 * c.shared >= best]
    exact = [(p, c) for p, c in found if c.passage_figure.unit == figure.unit]
    evidence = [  # with the article's date, "" when unknown
        (Evidence(p.hit.rank, c.passage_figure, c.hedged), p.hit.article.published or "")
        for p, c in (exact or found)
    ]
    firm = [(e, d) for e, d in evidence if not e.hedged]
    pool = firm or evidence
    values = _groups([e for e, _ in pool])
    if len(values) == 1:
        deciding = pool[0][0]
        status = "match" if same_value(figure, deciding.figure) else "conflict"
    else:
        newest = sorted(pool, key=lambda ed: (newest_first(ed[1]), ed[0].rank))
        deciding = newest[0][0]
        status = "disputed"
    by_date = sorted(evidence, key=lambda ed: (newest_first(ed[1]), ed[0].rank))
    others = tuple(
        e for e, _ in by_date if e is not deciding and not same_value(e.figure, deciding.figure)
    )
    return Verdict(figure, status, deciding, others)


def _groups(evidence: list[Evidence]) -> list[list[Evidence]]:
    """The evidence grouped by value: equal figures together ("3/1" with "March 1")."""
    groups: list[list[Evidence]] = []
    for e in evidence:
        group = next((g for g in groups if same_value(g[0].figure, e.figure)), None)
        if group is None:
            groups.append([e])
        else:
            group.append(e)
    return groups


def newest_first(date: str | None) -> tuple[bool, tuple[int, ...]]:
    """A sort key that puts later ISO dates first, unknown dates last."""
    return (not date, tuple(-ord(c) for c in date or ""))
