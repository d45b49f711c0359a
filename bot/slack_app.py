"""The Slack app: `build_app(settings, searcher, state) -> App`.

Listeners stay thin: acknowledge, clean the Slack text, call the Searcher, render,
send. Slack's rules kept here:
- commands and buttons are acknowledged first, always; the search comes after;
- a retried event, or one message delivered as both `app_mention` and `message.im`,
  is answered once (remembered by event id and by channel + message ts);
- the bot's own messages, other bots' and message subtypes (edits, joins,
  deletions) are ignored, so two bots can never loop;
- Web API calls retry on rate limits (honouring Retry-After), 5xx and connection
  errors (slack_sdk's retry handlers); a failure to answer is logged with the
  question, and the asker is told when Slack lets us.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from index.factcheck import factcheck
from index.search import Searcher

from . import blocks
from .config import Settings
from .feedback import State
from .mrkdwn import clean_incoming

# What the bot uses, and so exactly what manifest.yml asks for (tests/test_manifest.py).
COMMANDS = ("/ask", "/factcheck", "/newsbot")
EVENTS = ("app_mention", "message.im")
SCOPES = ("app_mentions:read", "chat:write", "commands", "im:history", "reactions:write")

TOP = 3  # passages per answer
WORKING_REACTION = "eyes"
HELP = (
    "*Ask newsbot about our own reporting.* It answers with passages quoted from our "
    "articles, each with its citation, and never writes text of its own.\n"
    "• Mention me in a channel: `@newsbot when do K-5 students return?` (I answer in a "
    "thread)\n"
    "• Send me a direct message with your question\n"
    "• `/ask <question>`: an answer only you see, with a button to post it\n"
    "• `/factcheck <claim>`: the passages that speak to a claim, its figures checked "
    "against theirs (✅ same, ⚠️ differs, · not stated) and who said it\n"
    "• `/newsbot sources`: the articles I can quote"
)
log = logging.getLogger("newsbot.slack")


class Recent:
    """Keys seen in the last `ttl` seconds (thread-safe): event ids, channel + ts."""

    def __init__(self, ttl: float = 3600, limit: int = 100_000) -> None:
        self.ttl, self.limit = ttl, limit
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, *keys: str) -> bool:
        """True (and remember them) if none of `keys` was seen; False for a repeat."""
        now = time.monotonic()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl
                                  or len(self._seen) > self.limit):
                self._seen.popitem(last=False)
            if any(k in self._seen for k in keys):
                return False
            for k in keys:
                self._seen[k] = now
            return True


def make_client(settings: Settings) -> WebClient:
    """A Web API client for SLACK_API_URL that retries what is worth retrying: rate limits
    (after Retry-After), 5xx, lost connections and timeouts. A call Slack carried out but
    didn't confirm in time is retried too: a rare duplicate beats a lost answer."""
    return WebClient(
        token=settings.bot_token.reveal() if settings.bot_token else None,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=3, error_types=[
                URLError, ConnectionResetError, RemoteDisconnected, TimeoutError]),
        ],
    )


def build_app(settings: Settings, searcher: Searcher, state: State) -> App:
    """The Bolt app, its listeners bound to `searcher` and `state` (no globals)."""
    secret = settings.signing_secret.reveal() if settings.signing_secret else None
    app = App(
        client=make_client(settings),
        signing_secret=secret,
        request_verification_enabled=secret is not None,
        process_before_response=False,
        logger=logging.getLogger("newsbot.bolt"),
    )
    recent = Recent()

    # ---------------------------------------------------------------- messages

    def answer_message(event: dict, body: dict, client: WebClient, surface: str,
                       thread: bool) -> None:
        channel, ts = event.get("channel"), event.get("ts")
        if event.get("subtype") or event.get("bot_id") or not channel or not ts:
            return
        if not recent.first_time(f"event:{body.get('event_id')}", f"msg:{channel}:{ts}"):
            log.info("duplicate delivery of %s:%s ignored", channel, ts)
            return
        question = clean_incoming(event.get("text", ""))
        reply_to = {"thread_ts": event.get("thread_ts") or ts} if thread else {}
        reacted = _react(client, channel, ts)
        try:
            if not question:
                message = blocks.text_message(HELP)
            else:
                qid = state.remember(question, event.get("user"), channel, surface)
                message = blocks.answer_message(searcher.ask(question, top=TOP), qid)
            client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False,
                                    **reply_to, **message)
        except Exception:
            log.exception("failed to answer %s in %s (ts %s): question %r", surface, channel,
                          ts, question)
            _tell_failure(client, channel, reply_to)
        finally:
            if reacted:
                _unreact(client, channel, ts)

    @app.event("app_mention")
    def on_app_mention(event, body, client):
        answer_message(event, body, client, "mention", thread=True)

    @app.event("message")
    def on_message(event, body, client):
        if event.get("channel_type") == "im":
            answer_message(event, body, client, "dm", thread=False)

    # ---------------------------------------------------------------- commands

    @app.command("/ask")
    def on_ask(ack, command, respond):
        ack()
        question = clean_incoming(command.get("text", ""))
        if not question:
            respond(response_type="ephemeral", **blocks.text_message(
                "Type your question after the command: `/ask when do K-5 students return?`"))
            return
        qid = state.remember(question, command.get("user_id"), command.get("channel_id"), "ask")
        answer = searcher.ask(question, top=TOP)
        respond(response_type="ephemeral", **blocks.answer_message(
            answer, qid, shareable=not answer.no_answer,
            heading=f"You asked {blocks.echo(question)} · only you can see this"))

    @app.command("/factcheck")
    def on_factcheck(ack, command, respond):
        ack()
        claim = clean_incoming(command.get("text", ""))
        if not claim:
            respond(response_type="ephemeral", **blocks.text_message(
                "Paste the sentence to check after the command: `/factcheck The union has "
                "30,000 members`"))
            return
        qid = state.remember(claim, command.get("user_id"), command.get("channel_id"),
                             "factcheck")
        respond(response_type="ephemeral", **blocks.factcheck_message(
            factcheck(searcher, claim, top=TOP), qid, shareable=True,
            heading=f"Fact-check of {blocks.echo(claim)} · only you can see this"))

    @app.command("/newsbot")
    def on_newsbot(ack, command, respond):
        ack()
        word = clean_incoming(command.get("text", "")).lower()
        if word == "sources":
            respond(response_type="ephemeral", **_sources(searcher))
        else:
            respond(response_type="ephemeral", **blocks.text_message(HELP))

    # ---------------------------------------------------------------- buttons

    def asked(value: dict, respond):
        """The question a button refers to, or None (and the clicker told) if it's gone."""
        try:
            found = state.question(int(value.get("q", 0)))
        except (TypeError, ValueError):
            found = None
        if found is None:
            respond(response_type="ephemeral", replace_original=False,
                    **blocks.text_message("That question is no longer on file; ask it again."))
        return found

    @app.action(blocks.ACTION_MORE)
    def on_more(ack, action, respond):
        ack()
        value = _value(action)
        if (found := asked(value, respond)) is None:
            return
        question = found.text
        answer = searcher.ask(question, top=TOP, offset=int(value.get("o", 0)))
        respond(response_type="ephemeral", replace_original=False, **blocks.answer_message(
            answer, int(value.get("q", 0)), shareable=bool(value.get("s")),
            heading=f"More passages for {blocks.echo(question)}"))

    @app.action(blocks.ACTION_SHARE)
    def on_share(ack, action, body, respond):
        ack()
        value = _value(action)
        if (found := asked(value, respond)) is None:
            return
        qid, user = int(value.get("q", 0)), body.get("user", {}).get("id", "")
        who = f"<@{user}>" if user.isalnum() else "Someone"
        if found.surface == "factcheck":
            message = blocks.factcheck_message(
                factcheck(searcher, found.text, top=TOP), qid,
                heading=f"{who} fact-checked {blocks.echo(found.text)}")
        else:
            answer = searcher.ask(found.text, top=TOP, offset=int(value.get("o", 0)))
            message = blocks.answer_message(answer, qid,
                                            heading=f"{who} asked {blocks.echo(found.text)}")
        respond(response_type="in_channel", replace_original=False, **message)
        respond(delete_original=True)

    def on_vote(ack, action, body, respond, vote: int):
        value = _value(action)
        user = body.get("user", {}).get("id")
        try:  # committed before the click is acknowledged: an acked vote is never lost
            state.vote(int(value.get("q", 0)), str(value.get("p", ""))[:400],
                       _rank(value.get("r")), vote, user)
        except Exception:
            log.exception("could not record a vote (%s)", value)
            ack()
            respond(response_type="ephemeral", replace_original=False,
                    **blocks.text_message("Sorry, your vote couldn't be recorded."))
            return
        ack()
        mark = "👍" if vote > 0 else "👎"
        respond(response_type="ephemeral", replace_original=False, **blocks.text_message(
            f"Thanks: your {mark} on passage {_rank(value.get('r')) or '?'} is recorded."))

    @app.action(blocks.ACTION_VOTE_UP)
    def on_vote_up(ack, action, body, respond):
        on_vote(ack, action, body, respond, +1)

    @app.action(blocks.ACTION_VOTE_DOWN)
    def on_vote_down(ack, action, body, respond):
        on_vote(ack, action, body, respond, -1)

    @app.error
    def on_error(error, body):
        log.error("unhandled error in a listener (%s: %s); request type %s",
                  type(error).__name__, error, (body or {}).get("type"))

    return app


def _rank(value) -> int | None:
    return value if isinstance(value, int) and 0 < value < 1000 else None


def _value(action: dict) -> dict:
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _sources(searcher: Searcher) -> dict:
    import numpy as np

    index = searcher.index
    counts = np.bincount(np.asarray(index.passage_article), minlength=index.n_articles)
    articles = [(a, int(n)) for a, n in zip(searcher.sources(), counts, strict=True)]
    articles.sort(key=lambda item: item[0].published or "", reverse=True)
    return blocks.sources_message(articles[:200], len(articles))


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
        client.chat_postMessage(channel=channel, **reply_to, **blocks.text_message(
            "Sorry, I couldn't answer that just now. Please try again in a minute."))
    except Exception:
        log.exception("could not tell %s that answering failed", channel)
