"""What a reporter reads in Slack: sharing posts exactly the preview, greetings get the
help, citations are short and honest, bold is sparing, article text stays literal, and a
low-confidence answer says so. Asserted on what reached the loopback Slack."""

import json

import pytest

from bot.slack.blocks import ACTION_MORE, ACTION_SHARE, answer_message
from bot.slack.mrkdwn import ZWSP, escape
from index.archive import open_searcher
from index.ingest.paragraphs import without_embed_residue
from index.live import LiveSearcher
from index.models import Answer, Article, Hit, Passage
from index.storage.settings import IndexSettings
from tests.slack_fixtures import HttpBot, SocketBot, assert_valid_message, serving
from tests.slack_standin import block_action, command, dm, mention
from tests.test_slack import passage_ids, sections, texts


def share_value(body: dict) -> dict:
    button = next(
        e
        for b in body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ACTION_SHARE
    )
    return json.loads(button["value"])


def posted(bot, name: str) -> dict:
    calls = [c.body for c in bot.fake.wait_for("respond", 3) if c.path == f"/respond/{name}"]
    return next(b for b in calls if b.get("response_type") == "in_channel")


@pytest.fixture(params=[HttpBot, SocketBot], ids=["http", "socket"])
def live_bot(request, fake_slack, bot_settings, tmp_path):
    """The bot over a corpus of its own that the test can change (LiveSearcher)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "title: Budget vote\n---\nThe council approved the school budget on Tuesday.\n\n"
        "Parents asked about the school budget for buses.\n"
    )
    others = [
        "Rain is expected on Friday.",
        "The mayor opened a park.",
        "Police closed a bridge.",
        "A fire damaged a warehouse overnight.",
        "The team won its third game.",
    ]
    for i, text in enumerate(others):
        (corpus / f"other{i}.txt").write_text(f"title: Other {i}\n---\n{text}\n")
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "live-index")
    searcher = LiveSearcher(settings, open_searcher(settings), interval=0)
    kwargs = {}
    if request.param is SocketBot:
        kwargs["link"] = request.getfixturevalue("socket_link")
    with serving(request.param, fake_slack, bot_settings, searcher, **kwargs) as running:
        running.corpus = corpus
        yield running


def test_share_posts_the_previewed_passages_even_after_the_archive_changed(live_bot):
    bot = live_bot
    question = "who approved the school budget?"
    bot.command(command("/ask", question, bot.fake.response_url("preview")))
    [preview] = bot.fake.wait_for("respond")
    value = share_value(preview.body)
    assert value["p"] == passage_ids(preview.body) and value["n"] == 1
    (bot.corpus / "c.txt").write_text(
        "title: Again\n---\nWho approved the school budget? The board approved it.\n"
    )
    assert bot.searcher.refresh()  # the new article now comes first for the same question
    assert bot.searcher.ask(question).hits[0].passage.article_id == "c"
    bot.action(block_action(preview.body, ACTION_SHARE, bot.fake.response_url("share")))
    public = posted(bot, "share")
    assert passage_ids(public) == passage_ids(preview.body)
    assert sections(public) == sections(preview.body)
    assert not any(b.get("block_id") == "answer-controls" for b in public["blocks"])
    assert_valid_message(public)


def test_sharing_a_more_page_keeps_its_numbers(bot):
    bot.command(command("/ask", "teachers return to classrooms", bot.fake.response_url("a")))
    [first] = bot.fake.wait_for("respond")
    bot.action(block_action(first.body, ACTION_MORE, bot.fake.response_url("more")))
    more = [c for c in bot.fake.wait_for("respond", 2) if c.path == "/respond/more"][0]
    bot.action(block_action(more.body, ACTION_SHARE, bot.fake.response_url("share")))
    public = posted(bot, "share")
    assert [s.split(".*")[0].strip("*") for s in sections(public)] == ["4", "5", "6"]
    assert passage_ids(public) == passage_ids(more.body)


def test_a_forged_or_forgotten_share_button_posts_nothing(http_bot):
    bot = http_bot
    bot.command(command("/ask", "how many members", bot.fake.response_url("p")))
    [preview] = bot.fake.wait_for("respond")
    payload = block_action(preview.body, ACTION_SHARE, bot.fake.response_url("s"))
    value = json.loads(payload["actions"][0]["value"])
    payload["actions"][0]["value"] = json.dumps({**value, "p": ["other#1"]})
    bot.action(payload)
    [said] = [c.body for c in bot.fake.wait_for("respond", 2) if c.path == "/respond/s"]
    assert "no longer on file" in texts(said) and said["response_type"] == "ephemeral"


@pytest.mark.parametrize("greeting", ["hi", "Hello!", "hey newsbot", "help", "thanks"])
def test_greetings_and_help_get_the_help_in_dms_and_mentions(bot, greeting):
    bot.event(dm(greeting, ts="1700000101.000100"))
    bot.event(mention(greeting, ts="1700000102.000100"))
    calls = bot.fake.wait_for("chat.postMessage", 2)
    for call in calls:
        assert "Ask newsbot about our own reporting" in texts(call.body)
        assert "No passage" not in texts(call.body)
    assert "`/ask &lt;question&gt;`" in texts(calls[0].body)  # Slack would parse <question>


def citations(body: dict) -> list[str]:
    return [
        b["elements"][0]["text"]
        for b in body["blocks"]
        if b["type"] == "context" and "paragraph" in b["elements"][0]["text"]
    ]


def test_citation_of_a_lead_without_a_headline_does_not_repeat_it(bot):
    bot.event(mention("Lightfoot push to reopen schools for in-person learning"))
    [call] = bot.fake.wait_for("chat.postMessage")
    first, cite = sections(call.body)[0], citations(call.body)[0]
    assert "paragraph 1 of" in cite
    assert cite.replace(ZWSP, "").startswith("_Untitled story, 000_9dd04cc3a62a7577.txt_ · CBS")
    assert "Chicago Teachers Union wants" in first.replace("*", "")
    assert "Chicago Teachers Union wants" not in cite
    assert len(call.body["text"]) < 500  # the notification carries a short title


def test_bold_is_sparing_never_the_dateline_and_the_asked_figure_is_bold(bot):
    bot.event(mention("when do K-5 students return?"))
    [call] = bot.fake.wait_for("chat.postMessage")
    first = sections(call.body)[0]
    assert "*3/1*" in first  # the date asked for ("when")
    assert first.count("*return*") <= 2 and first.count("*") // 2 <= 10
    for section in sections(call.body):
        assert "*CHICAGO*" not in section
    assert "DanaCBS2" not in first and "@cbschicago" not in first  # embed residue cut


def test_embed_residue_rule():
    assert (
        without_embed_residue("Staff return first. @cbschicago — Dana Kozlov (@DanaCBS2) Feb")
        == "Staff return first. @cbschicago — Dana Kozlov (@DanaCBS2) Feb"
    )  # not a credit line: left alone
    assert without_embed_residue("Wow pic.twitter.com/Ab12 — Jo (@jo) May 2, 2020") == "Wow"
    assert without_embed_residue("— Jo Doe (@jo) May 2, 2020") == ""


def test_sources_say_1_passage(tmp_path, fake_slack, bot_settings):
    corpus = tmp_path / "one"
    corpus.mkdir()
    (corpus / "a.txt").write_text("title: Short\n---\nOnly one paragraph about buses.\n")
    searcher = open_searcher(IndexSettings(corpus=corpus, index_dir=tmp_path / "one-i"))
    with serving(HttpBot, fake_slack, bot_settings, searcher) as bot:
        bot.command(command("/newsbot", "sources", fake_slack.response_url("s")))
        [call] = fake_slack.wait_for("respond")
    assert "(date unknown, 1 passage)" in texts(call.body)


def test_formatting_characters_and_urls_in_articles_stay_literal(
    tmp_path, fake_slack, bot_settings
):
    corpus = tmp_path / "fmt"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "title: The *big* _budget_ story\nurl: https://news.example/a?id=1&page=2\n---\n"
        "The *budget* vote was ~close~ and `final` said the _town_ clerk.\n"
    )
    searcher = open_searcher(IndexSettings(corpus=corpus, index_dir=tmp_path / "fmt-i"))
    with serving(HttpBot, fake_slack, bot_settings, searcher) as bot:
        bot.event(mention("budget vote clerk"))
        [call] = fake_slack.wait_for("chat.postMessage")
    first, cite = sections(call.body)[0], citations(call.body)[0]
    for marker in ("*", "_", "~", "`"):
        assert f"{ZWSP}{marker}{ZWSP}" in first.replace("*1.*", "")
    assert "~close~" not in first and "`final`" not in first
    assert cite.startswith("<https://news.example/a?id=1&amp;page=2|The ")
    assert f"{ZWSP}*{ZWSP}big{ZWSP}*{ZWSP}" in cite
    assert escape("a*b") == f"a{ZWSP}*{ZWSP}b"


def low_answer(confidence):
    article = Article(id="a", title="Budget vote", path="a.txt", paragraphs=2)
    hit = Hit(1, 2.0, Passage("a", 1, "The council approved the school budget."), article)
    return Answer(
        "school budget for hovercraft <x>",
        False,
        (hit,),
        missing=("hovercraft", "<x>"),
        confidence=confidence,
    )


def test_low_confidence_answer_says_so_and_names_the_missing_words():
    message = answer_message(low_answer("low"), 1)
    lines = texts(message)
    assert "Low confidence" in lines and "Missing: hovercraft, &lt;x&gt;" in lines
    assert_valid_message(message)
    for confidence in ("high", None):
        assert "Low confidence" not in texts(answer_message(low_answer(confidence), 1))
