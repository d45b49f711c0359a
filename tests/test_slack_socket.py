"""Socket Mode after the server dies: the bot reconnects soon after it is back, says so
once, and answers again; its close is quick."""

import logging
import time

from bot.slack.app import build_app
from bot.slack.feedback import State
from bot.slack.socket_mode import MAX_BACKOFF, PING_SECONDS, Handler
from tests.slack_fixtures import APP_TOKEN
from tests.slack_standin import Blackhole, FakeSocketMode, event_body, mention


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_reconnects_within_seconds_of_the_server_coming_back(
    fake_slack, bot_settings, seed_searcher, caplog
):
    caplog.set_level(logging.INFO)
    start = time.monotonic()
    first = FakeSocketMode()
    fake_slack.ws_url = first.url
    state = State(bot_settings.state_path)
    handler = Handler(build_app(bot_settings, seed_searcher, state), APP_TOKEN)
    handler.connect()
    second = None
    try:
        assert first.connected.wait(15)
        first.kill()
        # the bot notices the loss (and can't reach the dead server)
        assert wait_until(lambda: "lost the Socket Mode" in caplog.text, 4 * PING_SECONDS)
        second = FakeSocketMode()  # Slack is back, at a new address
        fake_slack.ws_url = second.url
        back = time.monotonic()
        assert second.connected.wait(PING_SECONDS + MAX_BACKOFF + 2)  # about 8 s at most
        reconnect = time.monotonic() - back
        envelope = second.send(
            "events_api", event_body(mention("how many members does the union have?"))
        )
        assert second.wait_ack(envelope)["envelope_id"] == envelope
        [call] = fake_slack.wait_for("chat.postMessage")
        fake_slack.wait_for("reactions.remove")  # the bot is done with it
        assert "25,000" in call.body["blocks"][0]["text"]["text"]
        start = time.monotonic()
    finally:
        handler.close()
        closed = time.monotonic() - start
        state.close()
        first.close()
        if second:
            second.close()
    print(f"reconnected {reconnect:.1f} s after the server came back; closed in {closed:.2f} s")
    socket_logs = [r for r in caplog.records if r.name.startswith("newsbot.socket")]
    errors = [r for r in socket_logs if r.levelno >= logging.ERROR]
    assert len(errors) <= 1, [r.getMessage() for r in errors]  # no flood of BrokenPipes
    said = [r.getMessage() for r in socket_logs if r.levelno == logging.WARNING]
    assert said[0] == "lost the Socket Mode connection to Slack; reconnecting"
    assert said[-1].startswith("reconnected to Slack after")


def test_a_silent_half_open_link_is_dropped_and_replaced(
    fake_slack, bot_settings, seed_searcher, caplog
):
    caplog.set_level(logging.INFO)
    first = FakeSocketMode()
    relay = Blackhole(first.port)
    fake_slack.ws_url = relay.url
    state = State(bot_settings.state_path)
    handler = Handler(build_app(bot_settings, seed_searcher, state), APP_TOKEN)
    handler.connect()
    second = FakeSocketMode()
    try:
        assert first.connected.wait(15)
        fake_slack.ws_url = second.url  # where Slack sends the bot next
        relay.drop()  # no pong, no close, nothing
        silent = time.monotonic()
        assert second.connected.wait(5 * PING_SECONDS + MAX_BACKOFF)  # 4 missed pongs + a try
        replaced = time.monotonic() - silent
        envelope = second.send("events_api", event_body(mention("how many members?")))
        assert second.wait_ack(envelope)["envelope_id"] == envelope
        fake_slack.wait_for("chat.postMessage")
        fake_slack.wait_for("reactions.remove")
    finally:
        handler.close()
        state.close()
        relay.close()
        first.close()
        second.close()
    print(f"half-open link replaced {replaced:.1f} s after it went silent")
    errors = [r for r in caplog.records if r.name.startswith("newsbot") and r.levelno >= 40]
    assert len(errors) <= 1, [r.getMessage() for r in errors]
