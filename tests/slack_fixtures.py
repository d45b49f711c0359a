"""Fixtures that run the real Bolt app against the loopback Slack stand-ins, in HTTP mode
(waitress on a loopback port, signed requests) and in Socket Mode (websocket)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk.models.blocks import Block

from bot.config import load_settings
from bot.slack.app import build_app
from bot.slack.feedback import State
from bot.slack.server import run_http, wsgi_app
from tests.slack_standin import FakeSlack, FakeSocketMode, SignedClient, event_body

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1111-2222-NEWSBOTTESTTOKEN"
APP_TOKEN = "xapp-1-A0NEWS-3333-NEWSBOTAPPTOKEN"


def slack_env(fake: FakeSlack, tmp: Path) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "NEWSBOT_STATE": str(tmp / "state.sqlite3"),
        "NEWSBOT_INDEX": str(tmp / "index"),
        # the tests drive many questions from one user; tests/test_slack_home.py sets a limit
        "NEWSBOT_RATE_LIMIT": "0",
    }


def assert_valid_message(body: dict) -> None:
    """What Slack would accept: Block Kit limits checked offline by slack_sdk.models."""
    blocks = body.get("blocks") or []
    assert len(blocks) <= 50
    for block in blocks:
        Block.parse(block).validate_json()
    assert isinstance(body.get("text"), str) and body["text"]


def message_text(body: dict) -> str:
    """All the text a message shows: the fallback, sections and context lines."""
    parts = [body["text"]]
    for block in body["blocks"]:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts.extend(e["text"] for e in block["elements"])
    return "\n".join(parts)


@dataclass
class Delivery:
    """What the bot sent back to Slack's request: HTTP status or Socket Mode ack."""

    ok: bool
    seconds: float | None = None
    ack: dict | None = None


class HttpBot:
    mode = "http"

    def __init__(self, fake, settings, searcher, state, threads: int = 4):
        import waitress

        self.fake, self.state, self.searcher = fake, state, searcher
        self.app = build_app(settings, searcher, state)
        self.server = waitress.create_server(
            wsgi_app(self.app, searcher), host="127.0.0.1", port=0, threads=threads
        )
        self.base = f"http://127.0.0.1:{self.server.effective_port}"
        self.client = SignedClient(f"{self.base}/slack/events", SECRET)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=run_http, args=(self.server, self.stop), daemon=True)
        self.thread.start()

    def event(self, event, event_id=None, retry=None) -> Delivery:
        status, _, seconds = self.client.event(event, event_id, retry)
        return Delivery(status == 200, seconds)

    def command(self, payload) -> Delivery:
        status, _, seconds = self.client.command(payload)
        return Delivery(status == 200, seconds)

    def action(self, payload) -> Delivery:
        status, _, seconds = self.client.action(payload)
        return Delivery(status == 200, seconds)

    def close(self):
        self.stop.set()
        self.thread.join(10)


class SocketLink:
    """One Socket Mode connection (the bot's own `bot.slack.socket_mode.Handler`), shared by
    a test module's tests; the app behind it is swapped for each test's own
    (`handler.app`), so every test still gets a fresh app and state."""

    def __init__(self) -> None:
        from slack_bolt import App
        from slack_sdk import WebClient

        from bot.slack.socket_mode import Handler

        self.fake = FakeSlack()  # answers apps.connections.open for this link
        self.ws = FakeSocketMode()
        self.fake.ws_url = self.ws.url
        idle = App(client=WebClient(token=BOT_TOKEN, base_url=self.fake.api_url))
        self.handler = Handler(idle, APP_TOKEN)
        self.handler.connect()
        assert self.ws.connected.wait(15)

    def close(self) -> None:
        self.handler.close()
        self.ws.close()
        self.fake.close()


class SocketBot:
    mode = "socket"

    def __init__(self, fake, settings, searcher, state, link: SocketLink | None = None):
        self.fake, self.state, self.searcher = fake, state, searcher
        self.own_link = link is None
        self.link = link or SocketLink()
        self.ws = self.link.ws
        self.app = build_app(settings, searcher, state)
        self.link.handler.app = self.app  # envelopes from now on reach this test's app

    def _send(self, kind, payload, **kw) -> Delivery:
        envelope_id = self.ws.send(kind, payload, **kw)
        ack = self.ws.wait_ack(envelope_id)
        return Delivery(True, None, ack)

    def event(self, event, event_id=None, retry=None) -> Delivery:
        return self._send("events_api", event_body(event, event_id), retry_attempt=retry or 0)

    def command(self, payload) -> Delivery:
        return self._send("slash_commands", payload, accepts_response_payload=True)

    def action(self, payload) -> Delivery:
        return self._send("interactive", payload)

    def close(self):
        if self.own_link:
            self.link.close()


@contextmanager
def serving(kind, fake, settings, searcher, **kwargs):
    """The bot running in `kind` (HttpBot or SocketBot) with its own state database."""
    state = State(settings.state_path)
    running = kind(fake, settings, searcher, state, **kwargs)
    try:
        yield running
    finally:
        running.close()
        state.close()


@pytest.fixture
def fake_slack():
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def bot_settings(fake_slack, tmp_path):
    return load_settings(slack_env(fake_slack, tmp_path), dotenv=None)


@pytest.fixture(scope="module")
def socket_link():
    """The module's one Socket Mode connection (see SocketLink)."""
    link = SocketLink()
    yield link
    link.close()


@pytest.fixture(params=["http", "socket"])
def bot(request, fake_slack, bot_settings, seed_searcher):
    """The bot running in each mode in turn, over the seed corpus."""
    if request.param == "http":
        with serving(HttpBot, fake_slack, bot_settings, seed_searcher) as running:
            yield running
        return
    link = request.getfixturevalue("socket_link")
    with serving(SocketBot, fake_slack, bot_settings, seed_searcher, link=link) as running:
        yield running


@pytest.fixture
def http_bot(fake_slack, bot_settings, seed_searcher):
    with serving(HttpBot, fake_slack, bot_settings, seed_searcher) as running:
        yield running
