"""The message shortcut "Fact-check this message" (callback `factcheck_message`).

It runs on any message the user can see (a draft posted in a channel, a colleague's
summary): acknowledged first, then the message's text is checked sentence by sentence,
like `/factcheck`, and the answer goes privately to whoever asked, through the request's
response_url, with a button to post it to the channel.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.slack import blocks, factcheck_blocks
from bot.slack.answering import TOP, newsbot
from bot.slack.mrkdwn import clean_incoming
from index.factcheck.draft import check_draft

FACTCHECK_MESSAGE = "factcheck_message"  # the callback_id in manifest.yml
NO_TEXT = "That message has no text to check (only files or attachments)."


def on_factcheck_message(ack: Callable, body: dict, context: dict) -> None:
    ack()
    bot = newsbot(context)
    message = body.get("message") or {}
    text = clean_incoming(message.get("text", ""))
    user = (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id")
    author = message.get("user") or ""
    whose = f"a message by <@{author}>" if author.isalnum() else "a message"

    def work():
        if not text:
            return bot.private(body, blocks.text_message(NO_TEXT))
        qid = bot.state.remember(text, user, channel, "factcheck")
        draft = check_draft(bot.searcher, text, top=TOP)
        bot.state.outcome(qid, not any(c.passages for c in draft.claims))
        bot.keep_preview(qid, draft)
        bot.private(
            body,
            factcheck_blocks.factcheck_message(
                draft, qid, shareable=True, heading=f"Fact-check of {whose} · only you can see this"
            ),
        )

    bot.answering(body, "Fact-check this message", text, work)
