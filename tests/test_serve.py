"""`newsbot serve` as an admin runs it: a real process, in HTTP mode and in Socket Mode,
answering through the loopback Slack stand-ins; it stops cleanly and logs no secret."""

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import ROOT
from tests.slack_fixtures import APP_TOKEN, BOT_TOKEN, SECRET, slack_env
from tests.slack_standin import FakeSocketMode, SignedClient, event_body, mention


class Served:
    """A `newsbot serve` subprocess whose stderr is collected line by line."""

    def __init__(self, args, env, cwd=ROOT):
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", *args],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if m := re.search(pattern, line):
                    return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r}; output: {self.lines}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        finally:
            self.reader.join(5)
            self.proc.stdout.close()


def test_serve_http_answers_a_mention_and_stops_cleanly(fake_slack, tmp_path):
    served = Served(
        ["--http", "--port", "0", "--host", "127.0.0.1"], slack_env(fake_slack, tmp_path)
    )
    try:
        port = served.wait_line(r"listening on http://127\.0\.0\.1:(\d+)/slack/events").group(1)
        client = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        status, _, _ = client.event(mention("when do K-5 students return?"))
        assert status == 200
        [call] = fake_slack.wait_for("chat.postMessage")
        assert (
            "3/1" in call.body["blocks"][0]["text"]["text"]
            or "March 1" in call.body["blocks"][0]["text"]["text"]
        )
    finally:
        code = served.stop()
    assert code == 0
    output = "\n".join(served.lines)
    assert BOT_TOKEN not in output and SECRET not in output


def test_serve_socket_mode_answers_a_mention(fake_slack, tmp_path):
    ws = FakeSocketMode()
    fake_slack.ws_url = ws.url
    served = Served([], slack_env(fake_slack, tmp_path))
    try:
        assert ws.connected.wait(60), served.lines
        [opened] = fake_slack.wait_for("apps.connections.open")
        assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
        envelope = ws.send(
            "events_api", event_body(mention("how many members does the union have?"))
        )
        assert ws.wait_ack(envelope)["envelope_id"] == envelope
        [call] = fake_slack.wait_for("chat.postMessage")
        assert "25,000" in call.body["blocks"][0]["text"]["text"]
    finally:
        served.stop()
        ws.close()
    output = "\n".join(served.lines)
    assert APP_TOKEN not in output and BOT_TOKEN not in output


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({}, [], "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, [], "SLACK_APP_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, ["--http"], "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, [], "SLACK_BOT_TOKEN should start with 'xoxb-'"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": "slack"},
            [],
            "SLACK_API_URL must be an http(s) URL",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "PORT": "eighty"},
            ["--http"],
            "PORT must be a whole number",
        ),
    ],
)
def test_serve_refuses_bad_settings_in_one_sentence(tmp_path, env, args, message):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_serve_says_when_slack_rejects_the_token(fake_slack, tmp_path):
    fake_slack.plan("auth.test", (200, {}, {"ok": False, "error": "invalid_auth"}))
    served = Served([], slack_env(fake_slack, tmp_path))
    assert served.proc.wait(60) == 1
    served.stop()
    assert any(
        "Slack did not accept SLACK_BOT_TOKEN" in line and "invalid_auth" in line
        for line in served.lines
    ), served.lines
    assert not any("Traceback" in line for line in served.lines)
