"""Listeners for slash commands: `/ask`, `/factcheck`, `/newsbot help | sources`.

Each acknowledges first, then answers privately through the response_url; an empty
command gets its usage, a failure is logged with the text and told to the asker.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.slack import admin, blocks, factcheck_blocks
from bot.slack.answering import HELP, TOP, Newsbot, is_greeting, newsbot, slow_down
from bot.slack.mrkdwn import clean_incoming
from index.factcheck.draft import check_draft

ASK_USAGE = "Type your question after the command: `/ask when do K-5 students return?`"
FACTCHECK_USAGE = (
    "Paste the sentence (or the sentences of a draft) to check after the command: "
    "`/factcheck The union has 30,000 members`"
)


def on_ask(ack: Callable, body: dict, context: dict) -> None:
    ack()
    answer_privately(newsbot(context), body, "ask", ASK_USAGE, render_answer)


def on_factcheck(ack: Callable, body: dict, context: dict) -> None:
    ack()
    answer_privately(newsbot(context), body, "factcheck", FACTCHECK_USAGE, render_factcheck)


def on_newsbot(ack: Callable, body: dict, context: dict) -> None:
    ack()
    bot = newsbot(context)
    word = clean_incoming(body.get("text", "")).lower()

    def work():
        if word == "sources":
            message = sources(bot)
        elif word == "stats":
            message = admin.stats(bot, body.get("user_id"))
        else:
            message = blocks.text_message(HELP)
        bot.private(body, message)

    bot.answering(body, "/newsbot", word, work)


def answer_privately(bot: Newsbot, body: dict, surface: str, usage: str, render) -> None:
    """A command's answer only its asker sees: usage help when the text is empty, else
    `render(bot, text, question_id)`; failures logged with the text and told."""
    text = clean_incoming(body.get("text", ""))

    def work():
        if not text:
            return bot.private(body, blocks.text_message(usage))
        if is_greeting(text):
            return bot.private(body, blocks.text_message(HELP))
        if wait := bot.limit.wait(body.get("user_id")):
            return bot.private(body, slow_down(wait))
        qid = bot.state.remember(text, body.get("user_id"), body.get("channel_id"), surface)
        bot.private(body, render(bot, text, qid))

    bot.answering(body, f"/{surface}", text, work)


def render_answer(bot: Newsbot, question: str, qid: int) -> dict:
    answer = bot.searcher.ask(question, top=TOP)
    bot.state.outcome(qid, answer.no_answer)
    if not answer.no_answer:
        bot.keep_preview(qid, answer)
    return blocks.answer_message(
        answer,
        qid,
        shareable=not answer.no_answer,
        heading=f"You asked {blocks.echo(question)} · only you can see this",
    )


def render_factcheck(bot: Newsbot, claim: str, qid: int) -> dict:
    draft = check_draft(bot.searcher, claim, top=TOP)
    bot.state.outcome(qid, not any(c.passages for c in draft.claims))
    bot.keep_preview(qid, draft)
    return factcheck_blocks.factcheck_message(
        draft,
        qid,
        shareable=True,
        heading=f"Fact-check of {blocks.echo(claim)} · only you can see this",
    )


SOURCES_SHOWN = 200  # articles /sources lists (a message holds about that many)


def sources(bot: Newsbot) -> dict:
    """The indexed articles, newest first, with their passage counts."""
    searcher = getattr(bot.searcher, "current", bot.searcher)  # one index, even mid-swap
    # the newest only: reading every record of a large archive takes seconds
    return blocks.sources_message(searcher.newest(SOURCES_SHOWN), searcher.index.n_articles)
