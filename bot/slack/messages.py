"""Listeners for messages: a mention is answered in its thread, a DM in the DM.

Each one: clean the Slack text, call the Searcher, render, send. Rules kept:
- a retried event, or one message delivered as both `app_mention` and `message.im`, is
  answered once (remembered by event id and by channel + message ts);
- the bot's own messages, other bots' and message subtypes other than a file share and
  a thread reply sent to the channel (joins, deletions…) are ignored, so two bots can
  never loop;
- an edited question (`message_changed` in a DM) is answered again by updating the
  bot's earlier reply (a changed unfurl, same words, is not an edit);
- a short follow-up in a thread the bot answered ("and sixth graders?") is searched
  together with the thread's question, and the answer says so.
"""

from __future__ import annotations

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import blocks
from bot.slack.answering import (
    HELP,
    SORRY,
    TOP,
    Newsbot,
    is_greeting,
    log,
    newsbot,
    slow_down,
)
from bot.slack.mrkdwn import clean_incoming

WORKING_REACTION = "eyes"
ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast")
FOLLOW_UP_WORDS = 4  # a question this short in an answered thread is a follow-up
_FOLLOW_UP = re.compile(
    r"(?:and|also|but|or|plus|what about|how about|same for|what of)\b", re.IGNORECASE
)


def on_app_mention(event: dict, body: dict, client: WebClient, context: dict) -> None:
    answer_message(newsbot(context), event, body, client, "mention", thread=True)


def on_message(event: dict, body: dict, client: WebClient, context: dict) -> None:
    if event.get("channel_type") != "im":
        return
    if event.get("subtype") == "message_changed":
        answer_edit(newsbot(context), event, body, client, context.get("bot_user_id"))
    else:
        answer_message(newsbot(context), event, body, client, "dm", thread=False)


def answer_message(
    bot: Newsbot,
    event: dict,
    body: dict,
    client: WebClient,
    surface: str,
    thread: bool,
    edit: bool = False,
) -> None:
    """Answer one message event once, in its thread when `thread` (or when it has one);
    `edit`: an edited message the bot never answered (already checked for repeats)."""
    channel, ts = event.get("channel"), event.get("ts")
    if event.get("subtype") not in ANSWERED_SUBTYPES or event.get("bot_id"):
        return
    if not channel or not ts:
        return
    keys = [f"msg:{channel}:{ts}"] + ([f"event:{body['event_id']}"] if body.get("event_id") else [])
    if not bot.recent.first_time(*keys) and not edit:
        log.info("duplicate delivery of %s:%s ignored", channel, ts)
        return
    # a mention is answered in its thread; a DM in the thread it was asked in, if any
    thread_ts = event.get("thread_ts") or (ts if thread else None)
    reply_to = {"thread_ts": thread_ts} if thread_ts else {}
    question = clean_incoming(event.get("text", ""))
    reacted = _react(client, channel, ts)
    try:
        message, topic = compose(bot, event, question, surface)
        sent = client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **reply_to, **message
        )
        if sent.get("ts"):  # for an edit to update, and a follow-up to read with
            bot.state.keep_reply(channel, ts, thread_ts, sent["ts"], topic or "")
    except Exception:
        log.exception(
            "failed to answer %s in %s (ts %s): question %r", surface, channel, ts, question
        )
        _tell_failure(client, channel, reply_to)
    finally:
        if reacted:
            _unreact(client, channel, ts)


def answer_edit(
    bot: Newsbot, event: dict, body: dict, client: WebClient, bot_user: str | None
) -> None:
    """An edited question: the bot's earlier reply is updated with the new answer (or,
    if it never answered that message, a new one is posted)."""
    message, previous = event.get("message") or {}, event.get("previous_message") or {}
    channel, ts = event.get("channel"), message.get("ts")
    if not channel or not ts or message.get("bot_id") or message.get("subtype"):
        return
    if message.get("user") == bot_user or message.get("text") == previous.get("text"):
        return  # the bot's own message, or an unfurl added: the words didn't change
    edited = (message.get("edited") or {}).get("ts") or event.get("ts") or ""
    if not bot.recent.first_time(f"edit:{channel}:{ts}:{edited}"):
        return
    earlier = bot.state.reply(channel, ts)
    if earlier is None:
        retyped = {**message, "channel": channel, "ts": ts, "channel_type": "im"}
        return answer_message(bot, retyped, {}, client, "dm", thread=False, edit=True)
    question = clean_incoming(message.get("text", ""))
    try:
        answer, topic = compose(bot, {**message, "channel": channel}, question, "dm")
        client.chat_update(channel=channel, ts=earlier.reply_ts, **answer)
        bot.state.keep_reply(channel, ts, earlier.thread_ts, earlier.reply_ts, topic or "")
    except Exception:
        log.exception("failed to answer the edit of %s:%s: question %r", channel, ts, question)


def compose(bot: Newsbot, event: dict, question: str, surface: str) -> tuple[dict, str | None]:
    """The reply to `question` and the thread's question it was read with (None for help)."""
    if not question or is_greeting(question):
        return blocks.text_message(HELP), None
    channel, thread_ts = event.get("channel"), event.get("thread_ts")
    topic = bot.state.thread_topic(channel, thread_ts) if thread_ts else None
    searched, heading = question, None
    if topic and topic != question and follows_up(question):
        searched = f"{topic} {question}"
        heading = f"Read with the thread's question {blocks.echo(topic)}"
    if wait := bot.limit.wait(event.get("user")):
        return slow_down(wait), None
    qid = bot.state.remember(searched, event.get("user"), channel, surface)
    answer = bot.searcher.ask(searched, top=TOP)
    bot.state.outcome(qid, answer.no_answer)
    return blocks.answer_message(answer, qid, heading=heading), (topic if heading else question)


def follows_up(question: str) -> bool:
    """ "and sixth graders?", "what about high school?": read with the thread's question."""
    return _FOLLOW_UP.match(question) is not None or len(question.split()) <= FOLLOW_UP_WORDS


def _react(client: WebClient, channel: str, ts: str) -> bool:
    """The :eyes: reaction while working: nice to have, never worth failing over."""
    try:
        client.reactions_add(channel=channel, timestamp=ts, name=WORKING_REACTION)
        return True
    except Exception as err:  # missing scope, already reacted, Slack unreachable
        log.debug("no working reaction: %s", _api_error(err))
        return False


def _unreact(client: WebClient, channel: str, ts: str) -> None:
    try:
        client.reactions_remove(channel=channel, timestamp=ts, name=WORKING_REACTION)
    except Exception as err:
        log.debug("working reaction not removed: %s", _api_error(err))


def _api_error(err: Exception) -> str:
    if isinstance(err, SlackApiError):
        return str(err.response.get("error"))
    return type(err).__name__


def _tell_failure(client: WebClient, channel: str, reply_to: dict) -> None:
    try:
        client.chat_postMessage(channel=channel, **reply_to, **blocks.text_message(SORRY))
    except Exception:
        log.exception("could not tell %s that answering failed", channel)
