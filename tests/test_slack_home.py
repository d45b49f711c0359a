"""The App Home tab, `/newsbot stats`, the per-person rate limit and link previews of the
archive's own articles, each asserted on what reached the loopback Slack."""

import time

import pytest

from bot.config import load_settings
from bot.slack.blocks import ACTION_VOTE_DOWN
from index.archive import open_searcher
from index.storage.settings import IndexSettings
from tests.slack_fixtures import HttpBot, SocketBot, assert_valid_message, serving, slack_env
from tests.slack_standin import block_action, command, mention
from tests.test_slack import passage_ids, sections, texts

ARTICLE = """title: Council passes the school budget
url: https://www.news.example/2024/budget/
published: 2024-05-02
source: The Example Times
byline: Ana Ruiz
---
The council approved the school budget on Tuesday by a vote of 7 to 2.

Parents had asked the council to fund more buses for the district.
"""


@pytest.fixture(scope="module")
def url_searcher(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("urls")
    (corpus / "budget.txt").write_text(ARTICLE)
    (corpus / "other.txt").write_text("title: Weather\n---\nRain is expected on Friday.\n")
    return open_searcher(IndexSettings(corpus=corpus, index_dir=corpus.parent / "urls-i"))


def running(request, kind, fake, searcher, tmp_path, **env):
    settings = load_settings({**slack_env(fake, tmp_path), **env}, dotenv=None)
    extra = {"link": request.getfixturevalue("socket_link")} if kind is SocketBot else {}
    return serving(kind, fake, settings, searcher, **extra)


@pytest.fixture(params=[HttpBot, SocketBot], ids=["http", "socket"])
def mode(request):
    return request.param


def test_app_home_shows_help_sources_and_your_questions(
    request, mode, fake_slack, url_searcher, tmp_path
):
    with running(request, mode, fake_slack, url_searcher, tmp_path) as bot:
        bot.command(
            command("/ask", "who approved the school budget?", fake_slack.response_url("a"))
        )
        fake_slack.wait_for("respond")
        bot.event({"type": "app_home_opened", "user": "UREPORTER", "tab": "home", "channel": "D1"})
        [call] = fake_slack.wait_for("views.publish")
    view = call.body["view"]
    assert call.body["user_id"] == "UREPORTER" and view["type"] == "home"
    shown = "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "Ask newsbot about our own reporting" in shown
    assert "*The archive holds 2 articles.*" in shown
    assert (
        "<https://www.news.example/2024/budget/|Council passes the school budget> (2024-05-02)"
        in shown
    )
    assert "“who approved the school budget?”" in shown


def test_messages_tab_opened_publishes_nothing(http_bot):
    http_bot.event({"type": "app_home_opened", "user": "UREPORTER", "tab": "messages"})
    http_bot.fake.settle(0.3)
    assert http_bot.fake.of("views.publish") == []


def test_stats_for_an_admin_and_a_refusal_for_others(fake_slack, seed_searcher, tmp_path, request):
    with running(
        request, HttpBot, fake_slack, seed_searcher, tmp_path, NEWSBOT_ADMINS="UEDITOR"
    ) as bot:
        bot.event(mention("when do K-5 students return?", ts="1700000401.000100"))
        bot.event(mention("What is the best pizza in Chicago?", ts="1700000402.000100"))
        answers = fake_slack.wait_for("chat.postMessage", 2)
        k5 = next(c.body for c in answers if "Tip:" not in texts(c.body))
        k5_passage = passage_ids(k5)[0]
        bot.action(block_action(k5, ACTION_VOTE_DOWN, fake_slack.response_url("down")))
        fake_slack.wait_for("respond")
        bot.command(command("/newsbot", "stats", fake_slack.response_url("admin"), user="UEDITOR"))
        bot.command(command("/newsbot", "stats", fake_slack.response_url("other")))
        calls = {c.path: c.body for c in fake_slack.wait_for("respond", 3)}
    stats, refusal = calls["/respond/admin"], calls["/respond/other"]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    text = texts(stats)
    assert "2 questions, 1 without an answer" in text
    table = next(s for s in sections(stats) if s.startswith("```"))
    row = next(line for line in table.splitlines() if today in line)
    assert row.split()[1:] == ["2", "1", "0", "1"]  # asked, no answer, 👍, 👎
    assert "*Worst-rated answers*" in text and "“when do K-5 students return?”" in text
    assert f"`{k5_passage}` (👎 1, 👍 0)" in text  # the id as it is in the state database
    assert_valid_message(stats)
    assert "for the bot's admins" in texts(refusal) and "```" not in texts(refusal)


def test_rate_limit_answers_with_a_friendly_wait(fake_slack, seed_searcher, tmp_path, request):
    with running(
        request, HttpBot, fake_slack, seed_searcher, tmp_path, NEWSBOT_RATE_LIMIT="2"
    ) as bot:
        for i in range(3):
            bot.command(command("/ask", "how many members", fake_slack.response_url(f"q{i}")))
            fake_slack.wait_for("respond", i + 1)
        bot.command(
            command("/ask", "how many members", fake_slack.response_url("x"), user="UOTHER")
        )
        calls = {c.path: c.body for c in fake_slack.wait_for("respond", 4)}
    assert "asking faster than I can look things up" in texts(calls["/respond/q2"])
    assert "Please try again in" in texts(calls["/respond/q2"])
    for name in ("q0", "q1", "x"):  # the first two, and someone else, are answered
        assert "asking faster" not in texts(calls[f"/respond/{name}"])


def link_shared(url: str, channel: str = "C0NEWS") -> dict:
    return {
        "type": "link_shared",
        "channel": channel,
        "is_bot_user_member": True,
        "user": "UREPORTER",
        "message_ts": "1700000501.000100",
        "unfurl_id": "C0NEWS.1700000501.000100.7c9d",
        "source": "conversations_history",
        "links": [
            {"domain": "news.example", "url": url},
            {"domain": "news.example", "url": "https://news.example/not-in-the-archive"},
        ],
    }


def test_archive_links_are_unfurled_with_headline_date_and_byline(
    request, mode, fake_slack, url_searcher, tmp_path
):
    pasted = "https://news.example/2024/budget?utm_source=slack"
    with running(request, mode, fake_slack, url_searcher, tmp_path) as bot:
        bot.event(link_shared(pasted))
        [call] = fake_slack.wait_for("chat.unfurl")
    body = call.body
    assert body["channel"] == "C0NEWS" and body["ts"] == "1700000501.000100"
    unfurls = (
        body["unfurls"]
        if isinstance(body["unfurls"], dict)
        else __import__("json").loads(body["unfurls"])
    )
    assert list(unfurls) == [pasted]  # the url the archive doesn't hold is left alone
    blocks = unfurls[pasted]["blocks"]
    assert blocks[0]["text"]["text"] == (
        "*<https://www.news.example/2024/budget/|Council passes the school budget>*"
    )
    facts = blocks[1]["elements"][0]["text"]
    assert (
        facts == "The Example Times · 2024-05-02 · by Ana Ruiz · 2 paragraphs in newsbot's archive"
    )


def test_links_the_archive_does_not_hold_are_not_unfurled(http_bot):
    http_bot.event(link_shared("https://elsewhere.example/story"))
    http_bot.fake.settle(0.3)
    assert http_bot.fake.of("chat.unfurl") == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSBOT_ADMINS": "bob"}, "NEWSBOT_ADMINS must list Slack user ids"),
        ({"NEWSBOT_RATE_LIMIT": "fast"}, "NEWSBOT_RATE_LIMIT must be a whole number"),
    ],
)
def test_bad_admin_and_rate_settings_are_one_sentence(env, message):
    from index.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        load_settings(env, dotenv=None)
    settings = load_settings({"NEWSBOT_ADMINS": "U012AB3CD, W0X9"}, dotenv=None)
    assert settings.admins == ("U012AB3CD", "W0X9") and settings.rate_limit == 20
