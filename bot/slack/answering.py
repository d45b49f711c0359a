"""What every Slack listener shares: the app's dependencies (`Newsbot`), replying through a
request's response_url, failures told to the asker, and the Web API client's retries.

Listeners reach their `Newsbot` as `context["newsbot"]` (set by a middleware in
`bot.slack.app.build_app`), so they stay plain module-level functions.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.slack import blocks, frozen
from bot.slack.feedback import State
from index.models import Answer, Draft
from index.retrieval.search import Searcher

TOP = 3  # passages per answer
SORRY = "Sorry, I couldn't answer that just now. Please try again in a minute."
HELP = (
    (
        "*Ask newsbot about our own reporting.* It answers with passages quoted from our "
        "articles, each with its citation, and never writes text of its own.\n"
        "• Mention me in a channel: `@newsbot when do K-5 students return?` (I answer in a "
        "thread)\n"
        "• Send me a direct message with your question\n"
        "• `/ask <question>`: an answer only you see, with a button to post it\n"
        "• `/factcheck <claim or draft>`: what the archive says of each figure and quote "
        "(✅ same, ⚠️ differs, ↔️ disputed, ➖ not stated), and the passages that decide it\n"
        "• *Fact-check this message* (a message's ⋯ menu): the same, for any message\n"
        "• `/newsbot sources`: the articles I can quote; `/newsbot stats`: questions and "
        "votes by day (for the bot's admins)\n"
        "• Paste a link to one of our articles and I'll preview it\n"
        "• Filters in any question: `after:2021-02-01`, `before:2021-03`, `source:CBS`, "
        "`section:Education`, and `newest` to put newer articles first"
    )
    .replace("<question>", "&lt;question&gt;")
    .replace("<claim or draft>", "&lt;claim or draft&gt;")
)
# "hi", "hello newsbot!", "help", "thanks": answered with HELP, not searched
_GREETING = re.compile(
    r"(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening)|help|"
    r"help me|what can you do|thanks|thank you)(?: there| newsbot| all)?[\s!.?,:)]*",
    re.IGNORECASE,
)


def is_greeting(text: str) -> bool:
    """True for a greeting or a call for help, which get the help instead of a search."""
    return len(text) <= 40 and _GREETING.fullmatch(text.strip()) is not None


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


class RateLimit:
    """At most `per_minute` questions per person in any 60 seconds (0: no limit)."""

    def __init__(self, per_minute: int, users: int = 50_000) -> None:
        self.per_minute, self.users = per_minute, users
        self._asked: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, user: str | None) -> float:
        """0 if `user` may ask now (and count it), else the seconds until they may."""
        if not self.per_minute or not user:
            return 0.0
        now = time.monotonic()
        with self._lock:
            times = [t for t in self._asked.pop(user, []) if t > now - 60]
            if len(times) >= self.per_minute:
                self._asked[user] = times
                return max(1.0, 60 - (now - times[0]))
            self._asked[user] = [*times, now]
            while len(self._asked) > self.users:
                self._asked.popitem(last=False)
            return 0.0


def slow_down(seconds: float) -> dict:
    """The friendly answer to someone asking faster than the rate limit."""
    return blocks.text_message(
        f"You're asking faster than I can look things up. Please try again in "
        f"{math.ceil(seconds)} seconds."
    )


@dataclass
class Newsbot:
    """One app's dependencies and the replies every listener uses."""

    settings: Settings
    searcher: Searcher
    state: State
    recent: Recent = field(default_factory=Recent)
    limit: RateLimit = field(init=False)

    def __post_init__(self) -> None:
        self.limit = RateLimit(self.settings.rate_limit)

    def reply(self, body: dict, **message) -> None:
        """Post to the request's response_url, retried like the Web API; raise when Slack
        still refuses it."""
        url = body.get("response_url")
        if not url:
            raise RuntimeError("the request has no response_url")
        response = WebhookClient(
            url, timeout=self.settings.slack_timeout, retry_handlers=retry_handlers()
        ).send_dict(message)
        if response.status_code != 200:
            raise RuntimeError(f"response_url answered {response.status_code}")

    def private(self, body: dict, message: dict) -> None:
        """A message only the requester sees, beside (not replacing) the one clicked."""
        self.reply(body, response_type="ephemeral", replace_original=False, **message)

    def keep_preview(self, question_id: int, shown: frozen.Shown) -> None:
        """Store a shareable answer as shown, for its "Post to channel" button."""
        if isinstance(shown, Answer):
            hits = list(shown.hits)
        else:
            claims = shown.claims if isinstance(shown, Draft) else (shown,)
            hits = [p.hit for claim in claims for p in claim.passages]
        if hits:
            self.state.keep_preview(question_id, hits[0].rank, frozen.freeze(shown))

    def answering(self, body: dict, what: str, text: str | None, work: Callable) -> None:
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
                self.private(body, blocks.text_message(SORRY))
            except Exception:
                log.exception("could not tell the asker that %s failed", what)


def newsbot(context: dict) -> Newsbot:
    """The listener's `Newsbot`, as the app's middleware put it in Bolt's context."""
    return context["newsbot"]
