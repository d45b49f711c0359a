"""Slack under pressure, and secrets: timeouts are retried and the answer still arrives
once; votes survive a kill; signatures can't be bypassed; DEBUG logs leak nothing."""

import json
import os
import sqlite3
import time

import pytest

from bot.config import load_settings
from tests.slack_fixtures import BOT_TOKEN, SECRET, HttpBot, serving, slack_env
from tests.slack_standin import block_action, event_body, mention, post, sign
from tests.test_serve import Served


def test_timeout_is_retried_and_the_answer_arrives_once(fake_slack, tmp_path, seed_searcher):
    settings = load_settings(
        {**slack_env(fake_slack, tmp_path), "NEWSBOT_SLACK_TIMEOUT": "0.5"}, dotenv=None
    )
    with serving(HttpBot, fake_slack, settings, seed_searcher) as bot:
        fake_slack.plan("chat.postMessage", (500, {}, {"ok": False, "error": "slow"}, 1.5))
        bot.event(mention("when do K-5 students return?", ts="1700000011.000100"))
        calls = fake_slack.wait_for("chat.postMessage", 2)
        fake_slack.settle(2)
        calls = fake_slack.of("chat.postMessage")
        assert [c.status for c in calls] == [500, 200]  # timed out once, delivered once
        assert calls[0].body == calls[1].body


def test_stale_and_replayed_requests(http_bot):
    body = json.dumps(
        event_body(mention("when do K-5 students return?", ts="1700000012.000100"), "EvREPLAY1")
    )
    old = sign(SECRET, body, int(time.time()) - 6 * 60)
    status, _, _ = post(http_bot.client.url, body, {"Content-Type": "application/json", **old})
    assert status == 401  # a replay of a request older than five minutes
    fresh = sign(SECRET, body)
    for _ in range(3):  # the same valid request replayed within the window
        status, _, _ = post(
            http_bot.client.url, body, {"Content-Type": "application/json", **fresh}
        )
        assert status == 200
    http_bot.fake.wait_for("chat.postMessage")
    http_bot.fake.settle()
    assert len(http_bot.fake.of("chat.postMessage")) == 1


@pytest.mark.parametrize("header", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_each_signature_header_is_required(http_bot, header):
    body = json.dumps(event_body(mention("hello")))
    headers = {"Content-Type": "application/json", **sign(SECRET, body)}
    del headers[header]
    status, _, _ = post(http_bot.client.url, body, headers)
    assert status == 401


def test_a_vote_survives_a_kill(fake_slack, tmp_path):
    env = {**slack_env(fake_slack, tmp_path), "NEWSBOT_LOG_LEVEL": "DEBUG"}
    served = Served(["--http", "--port", "0", "--host", "127.0.0.1"], env)
    try:
        port = served.wait_line(r"listening on http://127\.0\.0\.1:(\d+)/slack/events").group(1)
        from tests.slack_standin import SignedClient

        client = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        client.event(mention(f"when do K-5 students return? {BOT_TOKEN}"))
        [answer] = fake_slack.wait_for("chat.postMessage")
        status, _, _ = client.action(
            block_action(answer.body, "vote_up", fake_slack.response_url("v"))
        )
        assert status == 200
        served.proc.kill()  # SIGKILL: no cleanup, no flush
        served.proc.wait(10)
    finally:
        served.stop()
    db = sqlite3.connect(tmp_path / "state.sqlite3")
    votes = db.execute("SELECT passage_id, vote FROM votes").fetchall()
    db.close()
    assert len(votes) == 1 and votes[0][1] == 1 and votes[0][0].startswith("002_")
    output = "\n".join(served.lines)
    assert "DEBUG" in output  # the Web API calls were logged, with their headers...
    assert BOT_TOKEN not in output and SECRET not in output  # ...but no secret
    assert "xoxb-" not in output


def test_env_file_is_read_but_never_logged(fake_slack, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SECRET}\n")
    env = {
        k: v
        for k, v in slack_env(fake_slack, tmp_path).items()
        if k not in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    }
    served = Served(
        ["--http", "--port", "0", "--host", "127.0.0.1"],
        {**env, "NEWSBOT_LOG_LEVEL": "DEBUG"},
        cwd=tmp_path,
    )
    try:
        served.wait_line(r"listening on")
    finally:
        served.stop()
    [auth] = fake_slack.of("auth.test")
    assert auth.headers["Authorization"] == f"Bearer {BOT_TOKEN}"  # read from .env
    assert BOT_TOKEN not in "\n".join(served.lines)
    assert os.path.exists(env_file)
