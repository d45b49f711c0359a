"""Failures while answering in Slack: a reply Slack refuses is retried, then delivered; an
exception while answering is logged with the question and the user is told."""

from bot.slack.feedback import State
from index.archive import open_searcher
from index.retrieval.search import Searcher
from index.storage.settings import IndexSettings
from tests.conftest import SEEDS
from tests.slack_fixtures import HttpBot, message_text, serving
from tests.slack_standin import command


def test_a_failing_reply_is_retried_then_logged_and_told(
    fake_slack, bot_settings, seed_searcher, caplog
):
    with serving(HttpBot, fake_slack, bot_settings, seed_searcher) as bot:
        fake_slack.plan("respond", (500, {}, {"ok": False}), (503, {}, {"ok": False}))
        bot.command(command("/ask", "when do K-5 students return?", fake_slack.response_url("ask")))
        calls = fake_slack.wait_for("respond", 3)
        assert [c.status for c in calls] == [500, 503, 200]  # retried, then delivered
        assert "You asked" in message_text(calls[2].body)


def test_an_exception_while_answering_is_logged_with_the_question_and_told(
    fake_slack, bot_settings, tmp_path, caplog
):
    class Broken(Searcher):
        def ask(self, *args, **kwargs):
            raise RuntimeError("disk on fire")

    searcher = Broken(open_searcher(IndexSettings(corpus=SEEDS, index_dir=tmp_path / "i")).index)
    state = State(bot_settings.state_path)
    bot = HttpBot(fake_slack, bot_settings, searcher, state)
    try:
        bot.command(command("/ask", "when do K-5 students return?", fake_slack.response_url("x")))
        [call] = fake_slack.wait_for("respond")
        assert "Sorry, I couldn't answer that just now." in message_text(call.body)
    finally:
        bot.close()
        state.close()
    logged = [r.getMessage() for r in caplog.records if "failed to answer /ask" in r.getMessage()]
    assert logged and "when do K-5 students return?" in logged[0]
