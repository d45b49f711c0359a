"""What the bot posts is safe and valid whatever the articles or the question hold:
no mention, broadcast or link that wasn't ours, and always inside Block Kit's limits."""

import logging

import pytest

from bot.slack.blocks import answer_message, trim
from bot.slack.mrkdwn import clean_incoming, escape
from index.archive import open_searcher
from index.storage.settings import IndexSettings
from tests.slack_fixtures import (
    BOT_TOKEN,
    SECRET,
    HttpBot,
    assert_valid_message,
    message_text,
    serving,
)
from tests.slack_standin import command, mention

HOSTILE = (
    "The memo told <!channel> and <!here> and <!everyone> and <@U123> and "
    "<!subteam^S0EDITORS|@editors> to read <https://evil.example|the district's plan> "
    "about ventilation & masks > 2 per classroom."
)
LONG = " ".join(f"Sentence {i} about school ventilation budgets and filters." for i in range(200))


@pytest.fixture(scope="module")
def hostile_searcher(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile")
    (corpus / "memo.txt").write_text(f"title: Memo <!channel>\n---\n{HOSTILE}\n")
    (corpus / "long.txt").write_text(
        "title: Long\nurl: https://news.example/long|<x>\n---\n"
        f"{LONG}\n\nA short closing paragraph about filters.\n"
    )
    (corpus / "other.txt").write_text("Unrelated paragraph about weather in Springfield.\n")
    return open_searcher(IndexSettings(corpus=corpus, index_dir=corpus.parent / "hostile-i"))


@pytest.fixture
def hostile_bot(fake_slack, bot_settings, hostile_searcher):
    with serving(HttpBot, fake_slack, bot_settings, hostile_searcher) as running:
        yield running


def raw_markup(text: str) -> list[str]:
    """Slack control sequences present in mrkdwn (a real `<` starts one)."""
    return [part for part in text.split("<")[1:]]


def test_article_markup_is_quoted_harmlessly(hostile_bot):
    hostile_bot.event(mention("memo about ventilation and masks"))
    [call] = hostile_bot.fake.wait_for("chat.postMessage")
    text = message_text(call.body)
    assert "&lt;!channel&gt;" in text and "&lt;@U123&gt;" in text
    assert "&lt;https://evil.example|the district's plan&gt;" in text
    assert "&amp; *masks* &gt; 2" in text
    assert raw_markup(text) == []  # no <…> of any kind: the citation has no url here
    assert_valid_message(call.body)


def test_long_paragraph_is_trimmed_around_the_match_and_valid(hostile_bot):
    hostile_bot.event(mention("Sentence 150 ventilation budgets"))
    [call] = hostile_bot.fake.wait_for("chat.postMessage")
    first = call.body["blocks"][0]["text"]["text"]
    assert "*150*" in first and first.startswith("*1.* …") and len(first) <= 3000
    assert "…" in first[-3:]
    assert_valid_message(call.body)
    # the url with "|<x>" in it can't be made into a link: shown unlinked
    assert "news.example" not in message_text(call.body)


def test_huge_question_is_valid_and_echo_trimmed(hostile_bot):
    question = ("ventilation " * 400)[:4000]
    hostile_bot.command(command("/ask", question, hostile_bot.fake.response_url("q")))
    [call] = hostile_bot.fake.wait_for("respond")
    assert_valid_message(call.body)
    heading = call.body["blocks"][0]["elements"][0]["text"]
    assert len(heading) < 300 and "…" in heading


def test_ten_thousand_character_paragraph_in_every_message(tmp_path):
    paragraph = ("Ventilation & filters <b>matter</b> in every classroom. " * 200)[:10_000]
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(paragraph + "\n")
    searcher = open_searcher(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))
    answer = searcher.ask("ventilation filters classroom", top=3)
    assert len(answer.hits[0].passage.text) == 10_000
    message = answer_message(answer, 1, shareable=True, heading="x" * 5000)
    assert_valid_message(message)


def test_trim_never_cuts_a_word():
    text = "alpha " * 50 + "K-5 return March 1 " + "omega " * 400
    spans = ((text.index("K-5"), text.index("K-5") + 3),)
    out, moved = trim(text, spans, 200)
    assert out.startswith("…alpha") and out.endswith("…")
    words = out.strip("…").split()
    assert set(words) <= {"alpha", "K-5", "return", "March", "1", "omega"}
    assert [out[a:b] for a, b in moved] == ["K-5"]


def test_clean_incoming_strips_slack_markup():
    assert clean_incoming(
        "<@UBOT> when do <https://cps.edu|K-5> students return? <!here> "
        "<#C1|desk> &amp; <https://x.example> <!date^1|Feb 1>"
    ) == ("when do K-5 students return? & https://x.example Feb 1")


def test_escape():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_tokens_and_secret_never_reach_the_logs(fake_slack, bot_settings, seed_searcher, caplog):
    from bot.logs import RedactingFormatter

    caplog.set_level(logging.DEBUG)
    with serving(HttpBot, fake_slack, bot_settings, seed_searcher) as running:
        fake_slack.plan("chat.postMessage", *[(500, {}, {"ok": False, "error": "x"})] * 8)
        running.event(mention(f"leak {BOT_TOKEN} {SECRET}?"))
        fake_slack.wait_for("chat.postMessage", 8)
        fake_slack.settle()
    formatter = RedactingFormatter(bot_settings.secrets, "%(name)s %(message)s")
    lines = "\n".join(formatter.format(r) for r in caplog.records)
    assert "failed to answer" in lines
    assert BOT_TOKEN not in lines and SECRET not in lines and "xoxb-" not in lines
