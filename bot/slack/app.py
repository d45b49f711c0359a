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
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.slack import blocks
from bot.slack.feedback import State
from bot.slack.mrkdwn import clean_incoming
from index.factcheck.check import factcheck
from index.retrieval.search import Searcher

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
    "• `/newsbot sources`: the articles I can quote\n"
    "• Filters in any question: `after:2021-02-01`, `before:2021-03`, `source:CBS`, "
    "`section:Education`, and `newest` to put newer articles first"
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
            while self._seen and (
                next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.limit
            ):
                self._seen.popitem(last=False)
            if any(k in self._seen for k in keys):
                return False
            for k in keys:
                self._seen[k] = now
            return True


def retry_handlers() -> list:
    """What is worth retrying: rate limits (after Retry-After), 5xx, lost connections and
    timeouts. A call Slack carried out but didn't confirm in time is retried too: a rare
    duplicate beats a lost answer."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=5),
        ServerErrorRetryHandler(max_retry_count=3),
        ConnectionErrorRetryHandler(
            max_retry_count=3,
            error_types=[URLError, ConnectionResetError, RemoteDisconnected, TimeoutError],
        ),
    ]


def make_client(settings: Settings) -> WebClient:
    """A Web API client for SLACK_API_URL, retried (see retry_handlers)."""
    return WebClient(
        token=settings.bot_token.reveal() if settings.bot_token else None,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,
        retry_handlers=retry_handlers(),
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

    def answer_message(
        event: dict, body: dict, client: WebClient, surface: str, thread: bool
    ) -> None:
        channel, ts = event.get("channel"), event.get("ts")
        if event.get("subtype") or event.get("bot_id") or not channel or not ts:
            return
        keys = [f"msg:{channel}:{ts}"] + (
            [f"event:{body['event_id']}"] if body.get("event_id") else []
        )
        if not recent.first_time(*keys):
            log.info("duplicate delivery of %s:%s ignored", channel, ts)
            return
        question = clean_incoming(event.get("text", ""))
        # a mention is answered in its thread; a DM in the thread it was asked in, if any
        thread_ts = event.get("thread_ts") or (ts if thread else None)
        reply_to = {"thread_ts": thread_ts} if thread_ts else {}
        reacted = _react(client, channel, ts)
        try:
            if not question:
                message = blocks.text_message(HELP)
            else:
                qid = state.remember(question, event.get("user"), channel, surface)
                message = blocks.answer_message(searcher.ask(question, top=TOP), qid)
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

    @app.event("app_mention")
    def on_app_mention(event, body, client):
        answer_message(event, body, client, "mention", thread=True)

    @app.event("message")
    def on_message(event, body, client):
        if event.get("channel_type") == "im":
            answer_message(event, body, client, "dm", thread=False)

    # ---------------------------------------------------------------- commands

    def reply(body: dict, **message) -> None:
        """Post to the request's response_url, retried like the Web API; raise when Slack
        still refuses it."""
        url = body.get("response_url")
        if not url:
            raise RuntimeError("the request has no response_url")
        response = WebhookClient(
            url, timeout=settings.slack_timeout, retry_handlers=retry_handlers()
        ).send_dict(message)
        if response.status_code != 200:
            raise RuntimeError(f"response_url answered {response.status_code}")

    def answering(body: dict, what: str, text: str | None, work) -> None:
        """Run `work`; if it fails, log it with the question and tell the asker."""
        try:
            work()
        except Exception:
            log.exception(
                "failed to answer %s from %s: question %r",
                what,
                (body.get("user") or {}).get("id") or body.get("user_id"),
                text,
            )
            try:
                reply(
                    body,
                    response_type="ephemeral",
                    replace_original=False,
                    **blocks.text_message(
                        "Sorry, I couldn't answer that just now. Please try again in a minute."
                    ),
                )
            except Exception:
                log.exception("could not tell the asker that %s failed", what)

    def private(body: dict, message: dict) -> None:
        reply(body, response_type="ephemeral", replace_original=False, **message)

    def answer_privately(body: dict, surface: str, usage: str, render) -> None:
        """A command's answer only its asker sees: usage help when the text is empty,
        else `render(text, question_id)`; failures logged with the text and told."""
        text = clean_incoming(body.get("text", ""))

        def work():
            if not text:
                return private(body, blocks.text_message(usage))
            qid = state.remember(text, body.get("user_id"), body.get("channel_id"), surface)
            private(body, render(text, qid))

        answering(body, f"/{surface}", text, work)

    def render_answer(question: str, qid: int) -> dict:
        answer = searcher.ask(question, top=TOP)
        return blocks.answer_message(
            answer,
            qid,
            shareable=not answer.no_answer,
            heading=f"You asked {blocks.echo(question)} · only you can see this",
        )

    def render_factcheck(claim: str, qid: int) -> dict:
        return blocks.factcheck_message(
            factcheck(searcher, claim, top=TOP),
            qid,
            shareable=True,
            heading=f"Fact-check of {blocks.echo(claim)} · only you can see this",
        )

    @app.command("/ask")
    def on_ask(ack, body):
        ack()
        answer_privately(
            body,
            "ask",
            "Type your question after the command: `/ask when do K-5 students return?`",
            render_answer,
        )

    @app.command("/factcheck")
    def on_factcheck(ack, body):
        ack()
        answer_privately(
            body,
            "factcheck",
            "Paste the sentence to check after the command: "
            "`/factcheck The union has 30,000 members`",
            render_factcheck,
        )

    @app.command("/newsbot")
    def on_newsbot(ack, body):
        ack()
        word = clean_incoming(body.get("text", "")).lower()
        message = _sources(searcher) if word == "sources" else blocks.text_message(HELP)
        answering(body, "/newsbot", word, lambda: private(body, message))

    # ---------------------------------------------------------------- buttons

    def asked(body: dict, value: dict):
        """The question a button refers to, or None (and the clicker told) if it's gone."""
        try:
            found = state.question(int(value.get("q", 0)))
        except (TypeError, ValueError):
            found = None
        if found is None:
            private(body, blocks.text_message("That question is no longer on file; ask it again."))
        return found

    @app.action(blocks.ACTION_MORE)
    def on_more(ack, action, body):
        ack()
        value = _value(action)

        def work():
            if (found := asked(body, value)) is None:
                return
            answer = searcher.ask(found.text, top=TOP, offset=int(value.get("o", 0)))
            private(
                body,
                blocks.answer_message(
                    answer,
                    int(value.get("q", 0)),
                    shareable=bool(value.get("s")),
                    heading=f"More passages for {blocks.echo(found.text)}",
                ),
            )

        answering(body, "More results", str(value), work)

    @app.action(blocks.ACTION_SHARE)
    def on_share(ack, action, body):
        ack()
        value = _value(action)

        def work():
            if (found := asked(body, value)) is None:
                return
            qid, user = int(value.get("q", 0)), body.get("user", {}).get("id", "")
            who = f"<@{user}>" if user.isalnum() else "Someone"
            if found.surface == "factcheck":
                message = blocks.factcheck_message(
                    factcheck(searcher, found.text, top=TOP),
                    qid,
                    heading=f"{who} fact-checked {blocks.echo(found.text)}",
                )
            else:
                answer = searcher.ask(found.text, top=TOP, offset=int(value.get("o", 0)))
                message = blocks.answer_message(
                    answer, qid, heading=f"{who} asked {blocks.echo(found.text)}"
                )
            reply(body, response_type="in_channel", replace_original=False, **message)
            reply(body, delete_original=True)

        answering(body, "Post to channel", str(value), work)

    def on_vote(ack, action, body, vote: int):
        value = _value(action)
        user = body.get("user", {}).get("id")
        try:  # committed before the click is acknowledged: an acked vote is never lost
            state.vote(
                int(value.get("q", 0)),
                str(value.get("p", ""))[:400],
                _rank(value.get("r")),
                vote,
                user,
            )
        except Exception:
            log.exception("could not record a vote (%s)", value)
            ack()
            answering(
                body,
                "a vote",
                str(value),
                lambda: private(
                    body, blocks.text_message("Sorry, your vote couldn't be recorded.")
                ),
            )
            return
        ack()
        mark = "👍" if vote > 0 else "👎"
        answering(
            body,
            "a vote",
            str(value),
            lambda: private(
                body,
                blocks.text_message(
                    f"Thanks: your {mark} on passage {_rank(value.get('r')) or '?'} is recorded."
                ),
            ),
        )

    @app.action(blocks.ACTION_VOTE_UP)
    def on_vote_up(ack, action, body):
        on_vote(ack, action, body, +1)

    @app.action(blocks.ACTION_VOTE_DOWN)
    def on_vote_down(ack, action, body):
        on_vote(ack, action, body, -1)

    @app.error
    def on_error(error, body):
        log.error(
            "unhandled error in a listener (%s: %s); request type %s",
            type(error).__name__,
            error,
            (body or {}).get("type"),
        )

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

    searcher = getattr(searcher, "current", searcher)  # one index throughout, even mid-swap
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
        client.chat_postMessage(
            channel=channel,
            **reply_to,
            **blocks.text_message(
                "Sorry, I couldn't answer that just now. Please try again in a minute."
            ),
        )
    except Exception:
        log.exception("could not tell %s that answering failed", channel)
