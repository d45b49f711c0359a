"""HTTP mode under hostile traffic: bad bodies, oversized bodies, replays, idle sockets,
and a SIGTERM while a request is stuck (issue 12)."""

from __future__ import annotations

import contextlib
import json
import signal
import time


def test_bad_bodies_get_4xx_and_log_no_traceback(http_bot, caplog):
    from tests.slack_fixtures import SECRET
    from tests.slack_standin import post, sign

    url = http_bot.client.url
    for kind, body in [
        ("application/json", "not json"),
        ("application/x-www-form-urlencoded", "payload=notjson"),
        ("application/json", "[1, 2]"),
    ]:
        assert post(url, body, {"Content-Type": kind})[:2] == (401, "invalid request signature")
        signed = {"Content-Type": kind, **sign(SECRET, body)}  # from someone with the secret
        assert post(url, body, signed)[:2] == (400, "malformed request body")
    assert (
        post(url, "{}", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=1"})[0]
        == 401
    )
    big = json.dumps({"type": "event_callback", "pad": "x" * (2 << 20)})
    status, text, _ = post(url, big, {"Content-Type": "application/json", **sign(SECRET, big)})
    assert (status, text) == (413, "request body too large")  # refused before it is parsed
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_a_replayed_command_is_answered_once(http_bot):
    from urllib.parse import urlencode

    from tests.slack_fixtures import SECRET
    from tests.slack_standin import command, post, sign

    body = urlencode(
        command("/ask", "when do K-5 students return?", http_bot.fake.response_url("r"))
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    statuses = [post(http_bot.client.url, body, headers)[0] for _ in range(3)]
    assert statuses == [200, 200, 200]  # a replay is acknowledged, not answered
    http_bot.fake.wait_for("respond")
    http_bot.fake.settle()
    assert len(http_bot.fake.of("respond")) == 1


def _healthy(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def _served(fake_slack, bot_settings, seed_searcher, **limits):
    import threading

    from bot.slack.app import build_app
    from bot.slack.feedback import State
    from bot.slack.server import http_server, run_http, wsgi_app

    state = State(bot_settings.state_path)
    app = build_app(bot_settings, seed_searcher, state)
    server = http_server(wsgi_app(app, seed_searcher), "127.0.0.1", 0, 4, **limits)
    stop = threading.Event()
    thread = threading.Thread(target=run_http, args=(server, stop), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(10)
        state.close()


def test_idle_connections_cannot_starve_health_checks_or_acks(
    fake_slack, bot_settings, seed_searcher
):
    import socket

    from tests.slack_fixtures import SECRET
    from tests.slack_standin import SignedClient, command

    with _served(fake_slack, bot_settings, seed_searcher) as base:
        idle = [
            socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) for _ in range(150)
        ]
        try:  # waitress's default limit was 100 connections: this was a denial of service
            assert _healthy(base)
            client = SignedClient(f"{base}/slack/events", SECRET)
            status, _, _ = client.command(
                command("/ask", "K-5 return", fake_slack.response_url("i"))
            )
            assert status == 200
        finally:
            for sock in idle:
                sock.close()
    # past the connection limit, idle connections are closed after the idle timeout
    with _served(
        fake_slack,
        bot_settings,
        seed_searcher,
        connection_limit=20,
        channel_timeout=1,
        cleanup_interval=1,
    ) as base:
        port = int(base.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
        try:
            deadline = time.monotonic() + 60
            while not _healthy(base):
                assert time.monotonic() < deadline, "idle connections were never closed"
        finally:
            for sock in idle:
                sock.close()


def test_sigterm_stops_the_server_while_a_request_is_stuck(fake_slack, tmp_path):
    from tests.slack_fixtures import SECRET, slack_env
    from tests.slack_standin import SignedClient, mention
    from tests.test_serve import Served

    fake_slack.plan("chat.postMessage", (200, {}, {"ok": True}, 120.0))  # Slack hangs
    env = {**slack_env(fake_slack, tmp_path), "NEWSBOT_SLACK_TIMEOUT": "300"}
    served = Served(["--http", "--port", "0", "--host", "127.0.0.1"], env)
    try:
        port = served.wait_line(r"listening on http://127\.0\.0\.1:(\d+)/slack/events").group(1)
        client = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        assert client.event(mention("when do K-5 students return?"))[0] == 200
        fake_slack.wait_for("chat.postMessage")  # the answer is now stuck in that call
        served.proc.send_signal(signal.SIGTERM)
        code = served.proc.wait(60)  # (the call would hold it for 120 s)
    finally:
        served.stop()
    assert code == 0
    assert "work still running after 5 s was abandoned" in "\n".join(served.lines)
