"""Follow-ups, edits and the messages Slack sends in other shapes: a follow-up in a
thread is read with the thread's question, an edited DM updates the bot's reply, a DM
with a file and a thread reply sent to the channel are answered."""

from tests.slack_standin import dm, edited, mention
from tests.test_slack import sections, texts

K5 = "when do K-5 students return?"


def answered(bot, count: int = 1) -> list:
    """The bot's replies once it has finished with `count` messages (its 👀 removed, which
    comes after the reply is recorded)."""
    bot.fake.wait_for("reactions.remove", count)
    return bot.fake.wait_for("chat.postMessage", count)


def test_a_follow_up_in_the_thread_is_read_with_the_thread_question(bot):
    bot.event(mention(K5, ts="1700000201.000100"))
    answered(bot)
    bot.event(mention("and high school?", ts="1700000202.000100", thread_ts="1700000201.000100"))
    follow = answered(bot, 2)[1].body
    assert follow["thread_ts"] == "1700000201.000100"
    assert f"Read with the thread's question “{K5}”" in texts(follow)
    assert "high school" in sections(follow)[0].replace("*", "")
    # the same words outside that thread are searched on their own: they find "high"
    # and "school" somewhere else, not the high-school plan the thread's question found
    bot.event(mention("and high school?", ts="1700000203.000100"))
    alone = answered(bot, 3)[2].body
    assert "Read with" not in texts(alone)
    assert "high school" not in sections(alone)[0].replace("*", "")


def test_a_reply_under_the_bots_dm_answer_is_a_follow_up(bot):
    bot.event(dm(K5, ts="1700000211.000100"))
    answered(bot)  # the stand-in gave the bot's reply the ts 1700000000.000001
    bot.event(dm("and high school?", ts="1700000212.000100", thread_ts="1700000000.000001"))
    follow = answered(bot, 2)[1].body
    assert follow["thread_ts"] == "1700000000.000001"
    assert f"Read with the thread's question “{K5}”" in texts(follow)


def test_a_full_question_in_the_thread_is_searched_on_its_own(bot):
    bot.event(mention(K5, ts="1700000221.000100"))
    answered(bot)
    bot.event(
        mention(
            "how many members does the union have?",
            ts="1700000222.000100",
            thread_ts="1700000221.000100",
        )
    )
    follow = answered(bot, 2)[1].body
    assert "Read with" not in texts(follow)
    assert "25,000" in sections(follow)[0].replace("*", "")


def test_an_edited_dm_updates_the_bots_reply(bot):
    bot.event(dm("how many members does the union have?", ts="1700000231.000100"))
    [first] = answered(bot)
    bot.event(edited(K5, before="how many members does the union have?", ts="1700000231.000100"))
    [update] = bot.fake.wait_for("chat.update")
    assert update.body["channel"] == "D0NEWS"
    assert update.body["ts"] == "1700000000.000001"  # the reply the stand-in gave a ts to
    assert "3/1" in sections(update.body)[0] or "March 1" in sections(update.body)[0]
    assert "25,000" not in texts(update.body)
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage")) == 1 and first.body["channel"] == "D0NEWS"


def test_an_unfurl_or_a_bot_edit_is_not_an_edit(bot):
    bot.event(dm(K5, ts="1700000241.000100"))
    answered(bot)
    bot.event(edited(K5, before=K5, ts="1700000241.000100"))  # same words: an unfurl
    bot.event(edited("other words", before=K5, ts="1700000241.000100", user="UBOTNEWS"))
    bot.fake.settle()
    assert bot.fake.of("chat.update") == [] and len(bot.fake.of("chat.postMessage")) == 1


def test_a_dm_with_a_file_and_a_thread_broadcast_are_answered(bot):
    bot.event(
        dm(K5, ts="1700000251.000100", subtype="file_share", files=[{"id": "F1", "name": "a.pdf"}])
    )
    broadcast = mention("how many members does the union have?", ts="1700000252.000100")
    broadcast.update(subtype="thread_broadcast", thread_ts="1700000250.000100")
    bot.event(broadcast)
    calls = answered(bot, 2)
    by_channel = {c.body["channel"]: c.body for c in calls}
    assert "3/1" in sections(by_channel["D0NEWS"])[0] or "March 1" in texts(by_channel["D0NEWS"])
    assert "25,000" in sections(by_channel["C0NEWS"])[0].replace("*", "")
    assert by_channel["C0NEWS"]["thread_ts"] == "1700000250.000100"


def test_a_greeting_edited_into_a_question_replaces_the_help(bot):
    bot.event(dm("hi", ts="1700000261.000100"))
    [hello] = answered(bot)
    assert "Ask newsbot about our own reporting" in texts(hello.body)
    bot.event(edited(K5, before="hi", ts="1700000261.000100"))
    [update] = bot.fake.wait_for("chat.update")
    assert update.body["ts"] == "1700000000.000001"
    assert "3/1" in sections(update.body)[0] or "March 1" in sections(update.body)[0]


def test_ask_help_gets_the_help(bot):
    from tests.slack_standin import command

    bot.command(command("/ask", "help", bot.fake.response_url("h")))
    [call] = bot.fake.wait_for("respond")
    assert "Ask newsbot about our own reporting" in texts(call.body)
