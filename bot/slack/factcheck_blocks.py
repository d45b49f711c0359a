"""Fact-checks as Slack messages: the verdict lines first, then the passages that decide.

The verdict lines are the terminal's (`bot.verdicts`), escaped, with Slack's marks; they
are also the notification text, so a shared fact-check reads "⚠️ The archive says 25,000
members, not 30,000 members — passage 1: CBS, paragraph 1 of 12" in the channel list. A
draft of several sentences is one section per checked sentence, each with its verdicts and
the passage that decides it best.
"""

from __future__ import annotations

from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_TEXT,
    _context,
    _section,
    _vote_buttons,
    citation,
    echo,
    fallback,
    quoted,
    share_button,
    shorten,
)
from bot.slack.mrkdwn import escape
from bot.verdicts import lines as verdict_lines
from index.models import CheckedHit, Draft, FactCheck

MARKS = {"match": "✅", "conflict": "⚠️", "absent": "➖"}  # per passage and figure
VERDICT_MARKS = {
    "match": "✅",
    "conflict": "⚠️",
    "disputed": "↔️",
    "absent": "➖",
    "other_speaker": "⚠️",
}
LEGEND = "Per passage: ✅ same  ⚠️ differs  ➖ not stated"
NO_PASSAGE = "No passage in the archive speaks to this claim."


def check_line(checked: CheckedHit) -> str:
    """ "✅ 1,500 staff members   ⚠️ 30,000 members → passage: *25,000 members*" (mrkdwn)."""
    parts = []
    for check in checked.checks:
        claim = escape(shorten(check.claim_figure.text, 80))
        mark = MARKS[check.status]
        if check.status == "conflict":
            passage = escape(shorten(check.passage_figure.text, 80))
            parts.append(f"{mark} {claim} → passage: *{passage}*")
        elif check.status == "match":
            parts.append(f"{mark} {claim}")
        else:
            parts.append(f"{mark} {claim}: not in this passage")
    return "   ".join(parts)


def verdicts_text(fact: FactCheck, mrkdwn: bool = True) -> str:
    """One line per claim figure and quote, each with its mark; "" when there are none."""
    out = []
    for status, line in verdict_lines(fact):
        text = shorten(line, 600)
        out.append(f"{VERDICT_MARKS[status]} {escape(text) if mrkdwn else text}")
    return "\n".join(out)


def factcheck_message(
    fact: FactCheck | Draft,
    question_id: int,
    *,
    shareable: bool = False,
    heading: str | None = None,
) -> dict:
    """The verdicts, then the passages that speak to the claim, each with its figures
    checked and its speaker; a draft sentence by sentence."""
    if isinstance(fact, Draft):
        if len(fact.claims) != 1 or fact.unchecked:
            return draft_message(fact, question_id, shareable=shareable, heading=heading)
        fact = fact.claims[0]
    blocks: list[dict] = [_context(heading or f"Fact-check of {echo(fact.claim)}")]
    summary = verdicts_text(fact)
    if summary:
        blocks.append(_section(summary))
    else:
        blocks.append(
            _context("No figures in the claim: these are the passages that best match it.")
        )
    if not fact.passages:
        blocks.append(_section(f":mag: {NO_PASSAGE}"))
        return {"blocks": blocks, "text": _notification(fact) or NO_PASSAGE}
    if fact.figures:
        blocks.append(_context(LEGEND))
    for checked in fact.passages:
        if len(blocks) + 5 > MAX_BLOCKS:
            break
        blocks.extend(_passage_blocks(checked, question_id))
    if shareable:
        blocks.append(_share(question_id, (fact,)))
    return {
        "blocks": blocks,
        "text": _notification(fact) or fallback([c.hit for c in fact.passages]),
    }


def draft_message(
    draft: Draft, question_id: int, *, shareable: bool = False, heading: str | None = None
) -> dict:
    """Each checked sentence: its verdicts and the passage that decides it best."""
    count = len(draft.claims)
    blocks: list[dict] = [
        _context(heading or f"Fact-check of a draft: {count} sentence{'s' * (count != 1)} checked")
    ]
    shown = 0
    for i, fact in enumerate(draft.claims, 1):
        if len(blocks) + 6 > MAX_BLOCKS:
            break
        summary = verdicts_text(fact) or "No figures: the passage that best matches it."
        blocks.append(_section(f"*Sentence {i} of {count}:* {echo(fact.claim)}\n{summary}"))
        if fact.passages:
            blocks.extend(_passage_blocks(fact.passages[0], question_id))
        else:
            blocks.append(_context(NO_PASSAGE))
        shown += 1
    left = count - shown + draft.more
    if left:
        blocks.append(_context(f"{left} more sentences to check: send them separately."))
    if draft.unchecked:
        skipped = "; ".join(echo(s) for s in draft.unchecked[:10])
        blocks.append(_context(f"Nothing to check (no figure, date or quote) in: {skipped}"))
    if shareable:
        blocks.append(_share(question_id, draft.claims))
    text = "\n".join(t for t in (_notification(f) for f in draft.claims) if t)
    return {"blocks": blocks[:MAX_BLOCKS], "text": shorten(text, MAX_TEXT) or NO_PASSAGE}


def _passage_blocks(checked: CheckedHit, question_id: int) -> list[dict]:
    hit = checked.hit
    out = [
        _section(quoted(hit)),
        _context(citation(hit.article, hit.passage.number, checked.attribution)),
    ]
    if checked.checks:
        out.append(_context(check_line(checked)))
    out.append(_vote_buttons(hit, question_id))
    return out


def _share(question_id: int, claims: tuple[FactCheck, ...]) -> dict:
    """ "Post to channel", the passages shown frozen in its value (bot.slack.frozen)."""
    hits = [p.hit for claim in claims for p in claim.passages]
    return {
        "type": "actions",
        "block_id": "answer-controls",
        "elements": [share_button(question_id, hits)],
    }


def _notification(fact: FactCheck) -> str:
    """The verdict lines as plain text (Slack escapes notifications itself only for <>&)."""
    return escape(shorten(verdicts_text(fact, mrkdwn=False), MAX_TEXT))
