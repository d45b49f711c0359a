"""Fact-checks in Slack: the verdict first (also in the notification), a legend that reads
right, drafts sentence by sentence. Every assertion is on what reached the stand-in, or on
the message exactly as it would be sent."""

from bot.slack.factcheck_blocks import LEGEND, factcheck_message
from index.factcheck.draft import check_draft
from tests.slack_fixtures import assert_valid_message, message_text
from tests.slack_standin import command

VERDICT_30K = "⚠️ The archive says 25,000 members, not 30,000 members — passage 1: CBS, paragraph 1"


def sections(body: dict) -> list[str]:
    return [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]


def test_factcheck_answer_starts_with_its_verdict(bot):
    bot.command(command("/factcheck", "The CTU has 30,000 members", bot.fake.response_url("v")))
    [call] = bot.fake.wait_for("respond")
    body = call.body
    assert body["text"].startswith(VERDICT_30K)  # what the notification shows
    first, passage = sections(body)[:2]
    assert first.startswith(VERDICT_30K)
    assert passage.startswith("*1.* CHICAGO (CBS) — Chicago Teachers Union leadership")
    text = message_text(body)
    assert LEGEND in text and "· ·" not in text
    assert "attributed to CTU members" not in text  # that passage decides nothing
    assert_valid_message(body)


def test_quote_verdict_in_slack(bot):
    claim = "Jackson said the plan is not safe"
    bot.command(command("/factcheck", claim, bot.fake.response_url("q")))
    [call] = bot.fake.wait_for("respond")
    assert call.body["text"].startswith("⚠️ The archive has this from CTU, not Jackson — passage 1")
    assert LEGEND not in message_text(call.body)  # no figures, no per-passage marks
    assert_valid_message(call.body)


def test_a_draft_is_one_group_per_sentence(seed_searcher):
    draft = check_draft(
        seed_searcher,
        "The CTU has 30,000 members. K-5 students return Feb. 22. The talks went on. "
        "Jackson said the plan is safe.",
    )
    message = factcheck_message(draft, 7, shareable=True)
    groups = [s for s in sections(message) if s.startswith("*Sentence ")]
    assert [g.split("\n")[0] for g in groups] == [
        "*Sentence 1 of 3:* “The CTU has 30,000 members.”",
        "*Sentence 2 of 3:* “K-5 students return Feb. 22.”",
        "*Sentence 3 of 3:* “Jackson said the plan is safe.”",
    ]
    assert VERDICT_30K in groups[0]
    assert "⚠️ The archive says March 1, not Feb. 22" in groups[1]
    assert "✅ The archive has Jackson saying this" in groups[2]
    assert message["text"].splitlines()[0].startswith(VERDICT_30K)
    assert "Nothing to check (no figure, date or quote) in: “The talks went on.”" in (
        message_text(message)
    )
    assert message["blocks"][-1]["elements"][0]["text"]["text"] == "Post to channel"
    assert_valid_message(message)


def test_a_long_draft_stays_inside_block_kit_limits(seed_searcher):
    draft = check_draft(seed_searcher, "The union has 30,000 members. " * 40)
    message = factcheck_message(draft, 1)
    assert_valid_message(message)
    assert "more sentences to check: send them separately." in message_text(message)
