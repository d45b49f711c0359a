"""Listeners for buttons: "More results", "Post to channel", 👍 / 👎.

A button's value holds the question's short id (never the question); each click is
acknowledged first (a vote only once it is committed, so an acked vote is never lost).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from bot.slack import blocks, factcheck_blocks, frozen
from bot.slack.answering import TOP, Newsbot, log, newsbot
from bot.slack.feedback import Asked
from index.models import Answer, Draft, FactCheck

GONE = "That preview is no longer on file, so it can't be posted; ask the question again."


def on_more(ack: Callable, action: dict, body: dict, context: dict) -> None:
    ack()
    bot, value = newsbot(context), _value(action)

    def work():
        if (found := asked(bot, body, value)) is None:
            return
        qid, shareable = int(value.get("q", 0)), bool(value.get("s"))
        answer = bot.searcher.ask(found.text, top=TOP, offset=int(value.get("o", 0)))
        if shareable and not answer.no_answer:
            bot.keep_preview(qid, answer)
        heading = f"More passages for {blocks.echo(found.text)}"
        bot.private(body, blocks.answer_message(answer, qid, shareable=shareable, heading=heading))

    bot.answering(body, "More results", str(value), work)


def on_share(ack: Callable, action: dict, body: dict, context: dict) -> None:
    ack()
    bot, value = newsbot(context), _value(action)

    def work():
        if (found := asked(bot, body, value)) is None:
            return
        if (shown := previewed(bot, value)) is None:
            bot.private(body, blocks.text_message(GONE))
            return
        qid, user = int(value.get("q", 0)), body.get("user", {}).get("id", "")
        who = f"<@{user}>" if user.isalnum() else "Someone"
        if isinstance(shown, FactCheck | Draft):
            heading = f"{who} fact-checked {blocks.echo(found.text)}"
            message = factcheck_blocks.factcheck_message(shown, qid, heading=heading)
        else:
            heading = f"{who} asked {blocks.echo(found.text)}"
            message = blocks.answer_message(shown, qid, heading=heading)
        bot.reply(body, response_type="in_channel", replace_original=False, **message)
        bot.reply(body, delete_original=True)

    bot.answering(body, "Post to channel", str(value), work)


def previewed(bot: Newsbot, value: dict) -> Answer | FactCheck | Draft | None:
    """The preview a share button froze: its passages, as shown, or None if it's gone or
    the button's ids don't match it."""
    try:
        kept = bot.state.preview(int(value.get("q", 0)), int(value.get("n", 0)))
    except (TypeError, ValueError):
        return None
    if kept is None or frozen.ids(kept)[: len(value.get("p") or ())] != value.get("p"):
        return None
    return frozen.thaw(kept)


def on_vote_up(ack: Callable, action: dict, body: dict, context: dict) -> None:
    vote(newsbot(context), ack, action, body, +1)


def on_vote_down(ack: Callable, action: dict, body: dict, context: dict) -> None:
    vote(newsbot(context), ack, action, body, -1)


def vote(bot: Newsbot, ack: Callable, action: dict, body: dict, vote: int) -> None:
    """Record the vote, then acknowledge, then thank the voter (or say it failed)."""
    value = _value(action)
    rank = _rank(value.get("r"))
    try:  # committed before the click is acknowledged: an acked vote is never lost
        bot.state.vote(
            int(value.get("q", 0)),
            str(value.get("p", ""))[:400],
            rank,
            vote,
            body.get("user", {}).get("id"),
        )
    except Exception:
        log.exception("could not record a vote (%s)", value)
        ack()
        said = blocks.text_message("Sorry, your vote couldn't be recorded.")
    else:
        ack()
        mark = "👍" if vote > 0 else "👎"
        said = blocks.text_message(f"Thanks: your {mark} on passage {rank or '?'} is recorded.")
    bot.answering(body, "a vote", str(value), lambda: bot.private(body, said))


def asked(bot: Newsbot, body: dict, value: dict) -> Asked | None:
    """The question a button refers to, or None (and the clicker told) if it's gone."""
    try:
        found = bot.state.question(int(value.get("q", 0)))
    except (TypeError, ValueError):
        found = None
    if found is None:
        bot.private(body, blocks.text_message("That question is no longer on file; ask it again."))
    return found


def _rank(value) -> int | None:
    return value if isinstance(value, int) and 0 < value < 1000 else None


def _value(action: dict) -> dict:
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
