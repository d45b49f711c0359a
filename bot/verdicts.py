"""The verdict lines of a fact-check, the same words on the terminal and in Slack.

"The archive says 25,000 members, not 30,000 members — passage 1: CBS, paragraph 1 of 12".
Plain text: each surface adds its own marks and escaping.
"""

from __future__ import annotations

from index.models import CheckedHit, Evidence, FactCheck, QuoteCheck, Verdict

CITE_TITLE = 60  # a title standing in for an unknown source is cut to this


def where(fact: FactCheck, rank: int | None) -> str:
    """ "passage 1: CBS, 2021-02-07, paragraph 1 of 12" for the passage ranked `rank`."""
    checked = _passage(fact, rank)
    if checked is None:
        return "a passage not shown"
    article, number = checked.hit.article, checked.hit.passage.number
    name = article.source or _cut(article.title, CITE_TITLE)
    parts = [name, *([article.published] if article.published else [])]
    return f"passage {rank}: {', '.join(parts)}, paragraph {number} of {article.paragraphs}"


def verdict_line(fact: FactCheck, verdict: Verdict) -> str:
    claim = verdict.claim_figure.text
    deciding = verdict.deciding
    if verdict.status == "absent" or deciding is None:
        return f"The archive states nothing comparable to {claim}."
    said = _said(deciding)
    if verdict.status == "match":
        as_written = "" if said == claim else f" (“{said}”)"
        line = f"The archive says {claim} too{as_written} — {where(fact, deciding.rank)}"
    elif verdict.status == "conflict":
        line = f"The archive says {said}, not {claim} — {where(fact, deciding.rank)}"
    else:
        stated = "; ".join(
            f"{_said(e)} ({where(fact, e.rank)})" for e in (deciding, *verdict.others)
        )
        return f"The archive disagrees with itself on {claim}: {stated}."
    if verdict.others:
        line += "; " + "; ".join(f"{_said(e)} in {where(fact, e.rank)}" for e in verdict.others)
    return line


def quote_line(fact: FactCheck, quote: QuoteCheck) -> str:
    speaker = quote.speaker
    if quote.status == "match":
        how = "word for word" if quote.direct else "saying this"
        return f"The archive has {speaker} {how} — {where(fact, quote.rank)}"
    if quote.status == "conflict":
        return (
            f"The archive quotes {speaker} in other words: “{quote.passage_words}” — "
            f"{where(fact, quote.rank)}"
        )
    if quote.status == "other_speaker":
        return (
            f"The archive has this from {quote.passage_speaker}, not {speaker} — "
            f"{where(fact, quote.rank)}"
        )
    return f"No passage found has {speaker} saying this."


def lines(fact: FactCheck) -> list[tuple[str, str]]:
    """(status, line) for each verdict, then for the quote."""
    out = [(v.status, verdict_line(fact, v)) for v in fact.verdicts]
    out += [(q.status, quote_line(fact, q)) for q in fact.quotes]
    return out


def _said(e: Evidence) -> str:
    return f"{e.figure.text} (proposed or conditional)" if e.hedged else e.figure.text


def _passage(fact: FactCheck, rank: int | None) -> CheckedHit | None:
    return next((p for p in fact.passages if p.hit.rank == rank), None)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
