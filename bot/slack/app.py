"""The Slack app: `build_app(settings, searcher, state) -> App`.

Listeners are module-level functions, one per trigger, registered below in a few
lines: messages in `bot.slack.messages`, slash commands in `bot.slack.commands`
(`/newsbot stats` in `bot.slack.admin`), buttons in `bot.slack.actions`, the message
shortcut in `bot.slack.shortcuts`, the Home tab in `bot.slack.home`, link previews in
`bot.slack.unfurl`; what they share (replies, failures, retries) in
`bot.slack.answering`. Slack's rules kept:
- commands and buttons are acknowledged first, always; the search comes after;
- a retried event, or one message delivered twice, is answered once;
- the bot's own messages, other bots' and message subtypes are ignored;
- Web API calls retry on rate limits (honouring Retry-After), 5xx and connection
  errors (slack_sdk's retry handlers); a failure to answer is logged with the
  question, and the asker is told when Slack lets us.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App

from bot.config import Settings
from bot.slack import actions, blocks, commands, home, messages, shortcuts, unfurl
from bot.slack.answering import HELP, Newsbot, make_client, retry_handlers
from bot.slack.feedback import State
from index.retrieval.search import Searcher

__all__ = [
    "COMMANDS",
    "EVENTS",
    "HELP",
    "SCOPES",
    "SHORTCUTS",
    "build_app",
    "make_client",
    "retry_handlers",
]

# What the bot uses, and so exactly what manifest.yml asks for (tests/test_manifest.py).
COMMANDS = ("/ask", "/factcheck", "/newsbot")
EVENTS = ("app_home_opened", "app_mention", "link_shared", "message.im")
SCOPES = (
    "app_mentions:read",
    "chat:write",
    "commands",
    "im:history",
    "links:read",
    "links:write",
    "reactions:write",
)
SHORTCUTS = (shortcuts.FACTCHECK_MESSAGE,)  # message shortcuts, by callback_id

log = logging.getLogger("newsbot.slack")


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
    app.use(_attach(Newsbot(settings, searcher, state)))

    app.event("app_mention")(messages.on_app_mention)
    app.event("message")(messages.on_message)
    app.event("app_home_opened")(home.on_app_home_opened)
    app.event("link_shared")(unfurl.on_link_shared)

    app.command("/ask")(commands.on_ask)
    app.command("/factcheck")(commands.on_factcheck)
    app.command("/newsbot")(commands.on_newsbot)

    app.message_shortcut(shortcuts.FACTCHECK_MESSAGE)(shortcuts.on_factcheck_message)

    app.action(blocks.ACTION_MORE)(actions.on_more)
    app.action(blocks.ACTION_SHARE)(actions.on_share)
    app.action(blocks.ACTION_VOTE_UP)(actions.on_vote_up)
    app.action(blocks.ACTION_VOTE_DOWN)(actions.on_vote_down)

    app.error(on_error)
    return app


def _attach(bot: Newsbot) -> Callable:
    """Middleware putting this app's `Newsbot` in every listener's context."""

    def attach(context: dict, next: Callable) -> None:  # noqa: A002 (Bolt's argument name)
        context["newsbot"] = bot
        next()

    return attach


def on_error(error: Exception, body: dict) -> None:
    log.error(
        "unhandled error in a listener (%s: %s); request type %s",
        type(error).__name__,
        error,
        (body or {}).get("type"),
    )
