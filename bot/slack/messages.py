"""Listeners for messages: a mention is answered in its thread, a DM in the DM.

Each one: clean the Slack text, call the Searcher, render, send. A retried event, or one
message delivered as both `app_mention` and `message.im`, is answered once (remembered
by event id and by channel + message ts); the bot's own messages, other bots' and
message subtypes (edits, joins, deletions) are ignored, so two bots can never loop.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import blocks
from bot.slack.answering import HELP, SORRY, TOP, Newsbot, is_greeting, log, newsbot
from bot.slack.mrkdwn import clean_incoming

WORKING_REACTION = "eyes"


def on_app_mention(event: dict, body: dict, client: WebClient, context: dict) -> None:
    answer_message(newsbot(context), event, body, client, "mention", thread=True)


def on_message(event: dict, body: dict, client: WebClient, context: dict) -> None:
    if event.get("channel_type") == "im":
        answer_message(newsbot(context), event, body, client, "dm", thread=False)


def answer_message(
    bot: Newsbot, event: dict, body: dict, client: WebClient, surface: str, thread: bool
) -> None:
    """Answer one message event once, in its thread when `thread` (or when it has one)."""
    channel, ts = event.get("channel"), event.get("ts")
    if event.get("subtype") or event.get("bot_id") or not channel or not ts:
        return
    keys = [f"msg:{channel}:{ts}"] + ([f"event:{body['event_id']}"] if body.get("event_id") else [])
    if not bot.recent.first_time(*keys):
        log.info("duplicate delivery of %s:%s ignored", channel, ts)
        return
    question = clean_incoming(event.get("text", ""))
    # a mention is answered in its thread; a DM in the thread it was asked in, if any
    thread_ts = event.get("thread_ts") or (ts if thread else None)
    reply_to = {"thread_ts": thread_ts} if thread_ts else {}
    reacted = _react(client, channel, ts)
    try:
        if not question or is_greeting(question):
            message = blocks.text_message(HELP)
        else:
            qid = bot.state.remember(question, event.get("user"), channel, surface)
            message = blocks.answer_message(bot.searcher.ask(question, top=TOP), qid)
        client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **reply_to, **message
        )
    except Exception:
        log.exception(
            "failed to answer %s in %s (ts %s): question %r", surface, channel, ts, question
        )
        _tell_failure(client, channel, reply_to)
    finally:
        if reacted:
            _unreact(client, channel, ts)


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
