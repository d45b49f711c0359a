"""`newsbot serve`: the Slack app over Socket Mode (default) or HTTP (`--http`).

HTTP mode serves, with waitress (a production WSGI server):
  POST /slack/events   Events API, slash commands and interactivity (signatures checked)
  GET  /healthz        200 and what the index holds, for load balancers
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import logs
from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.feedback import State
from index.archive import open_searcher
from index.errors import ConfigError
from index.live import LiveSearcher
from index.retrieval.search import Searcher

log = logging.getLogger("newsbot.server")


def wsgi_app(app: App, searcher: Searcher) -> Callable:
    """Bolt on /slack/events, a health check on /healthz, 404 elsewhere."""
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            index = searcher.index
            body = json.dumps(
                {"ok": True, "articles": index.n_articles, "passages": index.n_passages}
            ).encode()
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if path == "/slack/events":
            return slack(environ, start_response)
        body = b"Not Found"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return application


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
        settings.index, open_searcher(settings.index, notify), interval=settings.watch_seconds
    )
    state = State(settings.state_path)
    app = start_app(settings, searcher, state)
    searcher.start()  # follows the corpus in the background
    if http:
        import waitress

        server = waitress.create_server(
            wsgi_app(app, searcher), host=host, port=port, threads=threads, ident="newsbot"
        )
        notify(
            f"newsbot is listening on http://{host}:{server.effective_port}/slack/events "
            f"({searcher.index.n_passages:,} passages). Ctrl-C stops it."
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        run_http(server, stop)
    else:
        from bot.slack.socket_mode import Handler

        handler = Handler(app, settings.app_token.reveal())
        notify(
            f"newsbot is connecting to Slack in Socket Mode "
            f"({searcher.index.n_passages:,} passages). Ctrl-C stops it."
        )
        handler.start()
