"""The Slack bot, for real: the Bolt app over HTTP and Socket Mode, Slack played by the
loopback stand-ins. Every assertion is on what reached the stand-in."""

import json
import time

import pytest

from bot.slack.blocks import ACTION_MORE, ACTION_SHARE, ACTION_VOTE_DOWN, ACTION_VOTE_UP
from tests.slack_fixtures import assert_valid_message
from tests.slack_standin import BOT_ID, BOT_USER, block_action, command, dm, mention


def texts(body: dict) -> str:
    """All the text of a message's blocks, one string."""
    out = []
    for block in body.get("blocks", []):
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return "\n".join(out)


def sections(body: dict) -> list[str]:
    return [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]


def plain(mrkdwn: str) -> str:
    """Text without our bold markers."""
    return mrkdwn.replace("*", "")


def test_mention_is_answered_in_a_thread_with_the_march_1_passage_first(bot):
    bot.event(mention("when do K-5 students return?", ts="1700000001.000100"))
    [call] = bot.fake.wait_for("chat.postMessage")
    body = call.body
    assert body["channel"] == "C0NEWS" and body["thread_ts"] == "1700000001.000100"
    first = sections(body)[0]
    assert first.startswith("*1.* ")
    assert "3/1" in first or "March 1" in first
    citation = next(b for b in body["blocks"] if b["type"] == "context")["elements"][0]["text"]
    assert citation.startswith("_Chicago Public Schools students will soon return to in-person")
    assert "CBS" in citation and (
        "paragraph 5 of 20" in citation or "paragraph 4 of 20" in citation
    )
    assert "*K-5*" in first or "*Kindergarten*" in first  # matched words in bold
    assert call.headers["Authorization"] == "Bearer xoxb-1111-2222-NEWSBOTTESTTOKEN"
    assert_valid_message(body)
    # same passages as `newsbot ask`
    ask = bot.searcher.ask("when do K-5 students return?", top=3)
    assert passage_ids(body) == [h.passage_id for h in ask.hits]


def passage_ids(body: dict) -> list[str]:
    """The passages a message quotes, read off its vote buttons."""
    return [
        json.loads(b["elements"][0]["value"])["p"]
        for b in body["blocks"]
        if b.get("block_id", "").startswith("vote-")
    ]


def test_mention_inside_a_thread_answers_in_that_thread(bot):
    bot.event(
        mention(
            "how many members does the union have?",
            ts="1700000009.000200",
            thread_ts="1700000005.000100",
        )
    )
    [call] = bot.fake.wait_for("chat.postMessage")
    assert call.body["thread_ts"] == "1700000005.000100"
    assert "25,000" in plain(sections(call.body)[0])


def test_working_reaction_is_added_and_removed(bot):
    bot.event(mention("who assessed the school buildings?", ts="1700000003.000300"))
    bot.fake.wait_for("chat.postMessage")
    [added] = bot.fake.wait_for("reactions.add")
    [removed] = bot.fake.wait_for("reactions.remove")
    expected = {"channel": "C0NEWS", "timestamp": "1700000003.000300", "name": "eyes"}
    assert expected.items() <= added.body.items()
    assert expected.items() <= removed.body.items()


def test_direct_message_is_answered_in_the_dm(bot):
    bot.event(dm("Where are CPS employees being vaccinated?"))
    [call] = bot.fake.wait_for("chat.postMessage")
    assert call.body["channel"] == "D0NEWS" and "thread_ts" not in call.body
    assert "own vaccination sites" in plain(sections(call.body)[0])


def test_mention_markup_is_cleaned_before_searching(bot):
    bot.event(
        mention(
            "<@U0OTHER> when do <https://cps.edu|K-5> students return? <!here> <#C0DESK|newsdesk>"
        )
    )
    [call] = bot.fake.wait_for("chat.postMessage")
    first = sections(call.body)[0]
    assert "3/1" in first or "March 1" in first


def test_empty_question_gets_usage_help(bot):
    bot.event(mention("   "))
    [call] = bot.fake.wait_for("chat.postMessage")
    assert "Ask newsbot about our own reporting" in texts(call.body)
    assert "`/ask &lt;question&gt;`" in texts(call.body)


def test_no_match_says_so_with_a_tip(bot):
    bot.event(mention("What is the best pizza in Chicago?"))
    [call] = bot.fake.wait_for("chat.postMessage")
    assert sections(call.body) == [":mag: No passage in the archive answers this."]
    assert "Tip:" in texts(call.body)
    assert not any(b["type"] == "actions" for b in call.body["blocks"])


def test_retried_event_and_double_delivery_get_one_reply(bot):
    event = mention("when do K-5 students return?", ts="1700000004.000400")
    bot.event(event, event_id="EvSAME01")
    bot.event(event, event_id="EvSAME01", retry=1)  # Slack's retry of the same event
    same_message = dm(
        "<@UBOTNEWS> when do K-5 students return?", ts="1700000004.000400", channel="C0NEWS"
    )
    bot.event(same_message, event_id="EvOTHER2")  # the same message as a message event
    bot.fake.wait_for("chat.postMessage")
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage")) == 1


@pytest.mark.parametrize(
    "event",
    [
        dm("when do K-5 students return?", user=BOT_USER, bot_id=BOT_ID),
        dm("when do K-5 students return?", bot_id="BOTHER", subtype="bot_message"),
        dm("when do K-5 students return?", subtype="message_changed"),
        dm("when do K-5 students return?", subtype="channel_join"),
        {
            "type": "message",
            "channel_type": "channel",
            "user": "U1",
            "text": "K-5?",
            "ts": "1.2",
            "channel": "C0NEWS",
        },
    ],
)
def test_own_bot_and_subtype_messages_are_ignored(bot, event):
    delivery = bot.event(event)
    assert delivery.ok
    bot.fake.settle()
    assert bot.fake.of("chat.postMessage") == []


def test_ask_command_answers_only_the_asker_with_a_share_button(bot):
    delivery = bot.command(
        command("/ask", "when do K-5 students return?", bot.fake.response_url("ask1"))
    )
    assert delivery.ok
    [call] = bot.fake.wait_for("respond")
    assert call.path == "/respond/ask1"
    body = call.body
    assert body["response_type"] == "ephemeral"
    assert "You asked “when do K-5 students return?” · only you can see this" in texts(body)
    controls = [
        e["action_id"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert ACTION_SHARE in controls and ACTION_MORE in controls
    assert_valid_message(body)


def test_commands_are_acknowledged_fast(http_bot):
    delivery = http_bot.command(
        command("/ask", "when do K-5 students return?", http_bot.fake.response_url("fast"))
    )
    assert delivery.ok and delivery.seconds < 3
    http_bot.fake.wait_for("respond")


def click(bot, message: dict, action_id: str, name: str):
    delivery = bot.action(block_action(message, action_id, bot.fake.response_url(name)))
    assert delivery.ok
    return delivery


def test_more_results_shows_the_next_passages(bot):
    bot.command(command("/ask", "teachers return to classrooms", bot.fake.response_url("a")))
    [first] = bot.fake.wait_for("respond")
    click(bot, first.body, ACTION_MORE, "more")
    more = [c for c in bot.fake.wait_for("respond", 2) if c.path == "/respond/more"][0]
    assert more.body["replace_original"] is False
    ranks = [s.split(".*")[0].strip("*") for s in sections(more.body)]
    assert ranks == ["4", "5", "6"]
    firsts = set(sections(first.body))
    assert not firsts & set(sections(more.body))
    assert_valid_message(more.body)


def test_votes_are_stored_with_question_and_passage(bot):
    bot.event(mention("when do K-5 students return?"))
    [answer] = bot.fake.wait_for("chat.postMessage")
    click(bot, answer.body, ACTION_VOTE_UP, "up")
    click(bot, answer.body, ACTION_VOTE_DOWN, "down")
    bot.fake.wait_for("respond", 2)
    bot.action(
        block_action(answer.body, ACTION_VOTE_UP, bot.fake.response_url("other"), user="UEDITOR")
    )
    bot.fake.wait_for("respond", 3)
    votes = bot.state.votes()  # one per person: the second click changed the first vote
    assert [(v.question, v.rank, v.vote, v.user_id) for v in votes] == [
        ("when do K-5 students return?", 1, -1, "UREPORTER"),
        ("when do K-5 students return?", 1, 1, "UEDITOR"),
    ]
    assert votes[0].passage_id.startswith("002_25dad21185c46e56#")
    thanks = [c for c in bot.fake.of("respond") if c.path == "/respond/up"][0]
    assert "is recorded" in texts(thanks.body)


def test_share_posts_to_the_channel_and_removes_the_private_copy(bot):
    bot.command(
        command("/ask", "how many members does the union have?", bot.fake.response_url("private"))
    )
    [private] = bot.fake.wait_for("respond")
    click(bot, private.body, ACTION_SHARE, "share")
    shared = [c.body for c in bot.fake.wait_for("respond", 3) if c.path == "/respond/share"]
    public = next(b for b in shared if b.get("response_type") == "in_channel")
    assert "<@UREPORTER> asked “how many members does the union have?”" in texts(public)
    assert sections(public)[0] == sections(private.body)[0]
    assert any(b.get("delete_original") is True for b in shared)
    assert_valid_message(public)


def test_newsbot_help_and_sources(bot):
    bot.command(command("/newsbot", "help", bot.fake.response_url("help")))
    bot.command(command("/newsbot", "sources", bot.fake.response_url("sources")))
    calls = {c.path: c.body for c in bot.fake.wait_for("respond", 2)}
    assert "`/ask &lt;question&gt;`" in texts(calls["/respond/help"])
    listing = texts(calls["/respond/sources"])
    assert "The archive holds 3 articles." in listing
    assert "Chicago Teachers Union leadership could soon ask its 25,000 members" in listing
    assert "(date unknown, 19 passages)" in listing
    for body in calls.values():
        assert_valid_message(body)


def test_empty_ask_gets_usage(bot):
    bot.command(command("/ask", "  ", bot.fake.response_url("empty")))
    [call] = bot.fake.wait_for("respond")
    assert "Type your question after the command" in texts(call.body)


def test_question_echo_is_escaped(bot):
    bot.command(
        command(
            "/ask",
            "K-5 return <!channel> & <@U123> <!subteam^S1|@eds>",
            bot.fake.response_url("esc"),
        )
    )
    [call] = bot.fake.wait_for("respond")
    heading = texts(call.body).splitlines()[0]
    assert "<!" not in heading and "<@" not in heading
    assert "K-5 return &amp;" in heading  # markup stripped before searching, & escaped


def test_rate_limited_and_failing_web_api_still_delivers_once(bot):
    bot.fake.plan(
        "chat.postMessage",
        (429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}),
        (500, {}, {"ok": False, "error": "internal_error"}),
    )
    start = time.monotonic()
    bot.event(mention("when do K-5 students return?", ts="1700000007.000700"))
    calls = bot.fake.wait_for("chat.postMessage", 3)
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage")) == 3  # 429, 500, then the delivery
    assert calls[1].at - calls[0].at >= 0.9  # Retry-After honoured
    assert time.monotonic() - start < 15
    assert calls[2].body == calls[0].body


def test_unanswerable_because_slack_is_down_is_logged_with_the_question(bot, caplog):
    failure = (500, {}, {"ok": False, "error": "internal_error"})
    bot.fake.plan("chat.postMessage", *[failure] * 10)
    bot.event(mention("who assessed the school buildings?", ts="1700000008.000800"))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(
        "failed to answer" in r.getMessage() for r in caplog.records
    ):
        time.sleep(0.05)
    messages = [r.getMessage() for r in caplog.records if "failed to answer" in r.getMessage()]
    assert messages and "who assessed the school buildings?" in messages[0]
    bot.fake.wait_for("chat.postMessage", 8)  # 4 tries to answer, 4 to say it failed
    bot.fake.settle()


def test_healthz_and_404(http_bot):
    import urllib.request

    with urllib.request.urlopen(f"{http_bot.base}/healthz") as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True, "articles": 3, "passages": 45}
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{http_bot.base}/elsewhere")
    with err.value:
        assert err.value.code == 404


@pytest.mark.parametrize("how", ["no-signature", "wrong-signature", "stale", "other-secret"])
def test_bad_signatures_are_rejected(http_bot, how):
    from tests.slack_standin import event_body, post, sign

    body = json.dumps(event_body(mention("when do K-5 students return?")))
    headers = {"Content-Type": "application/json"}
    if how == "wrong-signature":
        headers.update(sign("8f742231b10e8888abcd99yyyzzz85a5", body))
        headers["X-Slack-Signature"] = headers["X-Slack-Signature"][:-4] + "0000"
    elif how == "stale":
        headers.update(sign("8f742231b10e8888abcd99yyyzzz85a5", body, int(time.time()) - 600))
    elif how == "other-secret":
        headers.update(sign("not-the-secret", body))
    status, _, _ = post(http_bot.client.url, body, headers)
    assert status == 401
    http_bot.fake.settle(0.3)
    assert http_bot.fake.of("chat.postMessage") == []


def test_factcheck_command_shows_figures_and_speaker_privately(bot):
    bot.command(
        command(
            "/factcheck",
            "The Chicago Teachers Union has 30,000 members",
            bot.fake.response_url("fc"),
        )
    )
    [call] = bot.fake.wait_for("respond")
    body = call.body
    assert body["response_type"] == "ephemeral"
    text = texts(body)
    assert (
        "Fact-check of “The Chicago Teachers Union has 30,000 members” · only you can see" in text
    )
    verdict = "⚠️ The archive says 25,000 members, not 30,000 members — passage 1: CBS"
    assert body["text"].startswith(verdict) and verdict in sections(body)[0]
    assert "⚠️ 30,000 members → passage: *25,000 members*" in text
    assert "*25,000 members*" in sections(body)[1]  # the passage's figure, emphasised
    assert_valid_message(body)
    click(bot, body, ACTION_SHARE, "fcshare")
    shared = [c.body for c in bot.fake.wait_for("respond", 3) if c.path == "/respond/fcshare"]
    public = next(b for b in shared if b.get("response_type") == "in_channel")
    assert "<@UREPORTER> fact-checked “The Chicago Teachers Union has 30,000 members”" in texts(
        public
    )
    assert "⚠️ 30,000 members → passage: *25,000 members*" in texts(public)


def test_factcheck_attribution_on_the_citation_line(bot):
    bot.command(
        command(
            "/factcheck",
            "CPS rejected 75% of requests to work from home",
            bot.fake.response_url("fc75"),
        )
    )
    [call] = bot.fake.wait_for("respond")
    citation = [b for b in call.body["blocks"] if b["type"] == "context"][2]
    assert "attributed to The union" in citation["elements"][0]["text"]
    assert "✅ 75%" in texts(call.body)
