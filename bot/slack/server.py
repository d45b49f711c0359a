"""`newsbot serve`: the Slack app over Socket Mode (default) or HTTP (`--http`).

HTTP mode serves, with waitress (a production WSGI server):
  POST /slack/events   Events API, slash commands and interactivity (signatures checked)
  GET  /healthz        200 and what the index holds, for load balancers

What reaches Bolt has been checked first (`RequestGuard`): a body over MAX_BODY_BYTES
gets 413, a missing or bad signature 401, a signed body Bolt can't parse 400 (one log
line, no traceback), and a request whose signature was already seen (a replay inside
Slack's five-minute window) a bare 200 without being answered again. waitress keeps at
most CONNECTION_LIMIT connections and closes one idle for IDLE_SECONDS, so idle sockets
can't starve health checks and acks. On SIGTERM the server stops accepting at once and
the process exits within STOP_GRACE_SECONDS even if a request is still running.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot import logs
from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.feedback import State
from index.archive import open_searcher
from index.errors import ConfigError
from index.live import LiveSearcher
from index.retrieval.search import Searcher

log = logging.getLogger("newsbot.server")


MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few KB; nothing it sends comes near 1 MB
REPLAY_SECONDS = 6 * 60  # Bolt refuses timestamps older than 5 minutes; a minute's margin
REPLAY_KEYS = 200_000  # at most this many recent signatures remembered (about 20 MB)
CONNECTION_LIMIT = 1000
IDLE_SECONDS = 30  # an idle connection is closed after this long (checked every 2 s)
STOP_GRACE_SECONDS = 5.0


def _reply(start_response: Callable, status: str, body: bytes, kind: str = "text/plain"):
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


class RequestGuard:
    """The checks a request to /slack/events passes before Bolt sees it (see module)."""

    def __init__(self, signing_secret: str, max_body: int = MAX_BODY_BYTES) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.max_body = max_body
        self.seen: OrderedDict[str, float] = OrderedDict()
        self.lock = threading.Lock()

    def check(self, environ: dict) -> tuple[str, bytes] | None:
        """An HTTP status and body to refuse the request with, or None to pass it on (its
        body then buffered in environ["wsgi.input"])."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return "400 Bad Request", b"bad Content-Length"
        if length > self.max_body:
            return "413 Payload Too Large", b"request body too large"
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        headers = {"x-slack-signature": signature, "x-slack-request-timestamp": timestamp}
        try:
            valid = self.verifier.is_valid_request(body, headers)
        except (ValueError, TypeError, OverflowError):  # a timestamp that isn't a number
            valid = False
        if not valid:
            return "401 Unauthorized", b"invalid request signature"
        if self._replayed(signature):
            log.info("a replayed request was ignored (its signature was already answered)")
            return "200 OK", b""
        return None

    def _replayed(self, signature: str) -> bool:
        """Whether this signature was seen in the last REPLAY_SECONDS (and remember it).
        A signature covers the timestamp and the body, so Slack's own retries (a new
        timestamp) differ, and a copy replayed by anyone else is the same."""
        now = time.monotonic()
        with self.lock:
            while self.seen and (
                len(self.seen) >= REPLAY_KEYS
                or next(iter(self.seen.values())) < now - REPLAY_SECONDS
            ):
                self.seen.popitem(last=False)
            if signature in self.seen:
                return True
            self.seen[signature] = now
            return False


def wsgi_app(app: App, searcher: Searcher, signing_secret: str | None = None) -> Callable:
    """Bolt on /slack/events behind a RequestGuard, a health check on /healthz, 404
    elsewhere (`signing_secret`: the app's own when not given)."""
    slack = SlackRequestHandler(app, path="/slack/events")
    guard = RequestGuard(signing_secret or getattr(app, "_signing_secret", "") or "")

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            index = searcher.index
            body = json.dumps(
                {"ok": True, "articles": index.n_articles, "passages": index.n_passages}
            ).encode()
            return _reply(start_response, "200 OK", body, "application/json")
        if path == "/slack/events":
            refused = guard.check(environ)
            if refused is not None:
                return _reply(start_response, *refused)
            try:
                return slack(environ, start_response)
            except Exception as err:  # a signed body Bolt can't parse: one line, no traceback
                log.warning("a signed request could not be parsed (%s)", type(err).__name__)
                return _reply(start_response, "400 Bad Request", b"malformed request body")
        return _reply(start_response, "404 Not Found", b"Not Found")

    return application


def http_server(application: Callable, host: str, port: int, threads: int, **limits):
    """waitress serving `application` with newsbot's limits (`limits` override them)."""
    import waitress

    options = {
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": IDLE_SECONDS,
        "cleanup_interval": 2,
        "max_request_body_size": MAX_BODY_BYTES,
        "max_request_header_size": 64 * 1024,
        **limits,
    }
    return waitress.create_server(
        application, host=host, port=port, threads=threads, ident="newsbot", **options
    )


def exit_within(seconds: float, notify: Callable[[str], None]) -> None:
    """Make sure the process ends within `seconds`: a request still running (a Slack call
    waiting on a dead network) must not hold a stopped server."""

    def force() -> None:
        notify(f"newsbot stopped: work still running after {seconds:g} s was abandoned.")
        sys.stderr.flush()
        os._exit(0)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()


def run_http(server, stop: threading.Event) -> None:
    """Serve until `stop` is set, then close: a clean stop from any thread (waitress's own
    run() can only be interrupted from the thread running it)."""
    from waitress import wasyncore

    try:
        while not stop.is_set():
            wasyncore.loop(timeout=0.2, map=server._map, use_poll=True, count=1)
    finally:
        server.close()


def check_settings(settings: Settings, http: bool) -> None:
    if settings.bot_token is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) "
            "from your Slack app's OAuth & Permissions page into .env."
        )
    if http and settings.signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode refuses to start without "
            "it (Basic Information → App Credentials → Signing Secret)."
        )
    if not http and settings.app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token "
            "(xapp-…, Basic Information → App-Level Tokens, scope "
            "connections:write); or run `newsbot serve --http`."
        )


def start_app(settings: Settings, searcher: Searcher, state: State) -> App:
    """Build the app; Slack refusing the token or being unreachable is one sentence."""
    try:
        return build_app(settings, searcher, state)
    except Exception as err:  # BoltError on auth.test failure, URLError/OSError when offline
        raise ConfigError(
            f"Slack did not accept SLACK_BOT_TOKEN at {settings.slack_api_url} "
            f"({_reason(err)}); check the token and SLACK_API_URL."
        ) from err


def _reason(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:200]


def serve(
    settings: Settings,
    *,
    http: bool,
    host: str,
    port: int,
    threads: int,
    notify: Callable[[str], None],
) -> None:
    check_settings(settings, http)
    logs.configure(settings.log_level, settings.secrets)
    searcher = LiveSearcher(
        settings.index,
        open_searcher(settings.index, notify),
        interval=settings.watch_seconds,
        feeds=settings.feeds,
        feed_interval=settings.feed_seconds,
        limits=settings.fetch_limits,
    )
    state = State(settings.state_path)
    app = start_app(settings, searcher, state)
    searcher.start()  # follows the corpus in the background
    if http:
        server = http_server(wsgi_app(app, searcher), host, port, threads)
        notify(
            f"newsbot is listening on http://{host}:{server.effective_port}/slack/events "
            f"({searcher.index.n_passages:,} passages). Ctrl-C stops it."
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            run_http(server, stop)
        finally:
            exit_within(STOP_GRACE_SECONDS, notify)
    else:
        from bot.slack.socket_mode import Handler

        handler = Handler(app, settings.app_token.reveal())
        notify(
            f"newsbot is connecting to Slack in Socket Mode "
            f"({searcher.index.n_passages:,} passages). Ctrl-C stops it."
        )
        handler.start()
