"""Fact-checks in Slack: the verdict first (also in the notification), a legend that reads
right, drafts sentence by sentence. Every assertion is on what reached the stand-in, or on
the message exactly as it would be sent."""

import itertools
import json
import re

from bot.slack import app as slack_app
from bot.slack.blocks import ACTION_SHARE
from bot.slack.factcheck_blocks import LEGEND, factcheck_message
from bot.slack.shortcuts import FACTCHECK_MESSAGE, NO_TEXT
from index.factcheck.draft import check_draft
from tests.conftest import ROOT
from tests.slack_fixtures import assert_valid_message, message_text
from tests.slack_standin import block_action, command

_ts = itertools.count(200)

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


# ---------------------------------------------------------------- "Fact-check this message"

DRAFT = (
    "Big news: the CTU has 30,000 members. K-5 students return "
    "Feb. 22. Jackson said the plan is safe."
)


def message_action(text: str, response_url: str, author: str = "UEDITOR") -> dict:
    """What Slack sends when someone picks "Fact-check this message" on a message."""
    ts = f"1700000000.{next(_ts):06d}"
    return {
        "type": "message_action",
        "token": "legacy",
        "action_ts": ts,
        "team": {"id": "T0NEWS", "domain": "newsroom"},
        "user": {"id": "UREPORTER", "username": "reporter", "team_id": "T0NEWS"},
        "channel": {"id": "C0NEWS", "name": "newsdesk"},
        "is_enterprise_install": False,
        "callback_id": FACTCHECK_MESSAGE,
        "trigger_id": f"{ts}.trigger",
        "message_ts": ts,
        "message": {"type": "message", "user": author, "text": text, "ts": ts},
        "response_url": response_url,
        "api_app_id": "A0NEWS",
    }


def test_fact_check_this_message_answers_privately_with_a_share_button(bot):
    delivery = bot.action(message_action(DRAFT, bot.fake.response_url("sc")))
    assert delivery.ok
    [call] = bot.fake.wait_for("respond")
    body = call.body
    assert call.path == "/respond/sc"
    assert body["response_type"] == "ephemeral" and body["replace_original"] is False
    text = message_text(body)
    assert "Fact-check of a message by <@UEDITOR> · only you can see this" in text
    groups = [s for s in sections(body) if s.startswith("*Sentence ")]
    assert [g.split("\n")[0] for g in groups] == [
        "*Sentence 1 of 3:* “Big news: the CTU has 30,000 members.”",
        "*Sentence 2 of 3:* “K-5 students return Feb. 22.”",
        "*Sentence 3 of 3:* “Jackson said the plan is safe.”",
    ]
    assert VERDICT_30K in groups[0]
    assert "⚠️ The archive says March 1, not Feb. 22" in groups[1]
    assert "✅ The archive has Jackson saying this" in groups[2]
    assert body["text"].startswith(VERDICT_30K)
    assert_valid_message(body)
    # shared: posted to the channel for everyone, the private copy removed
    bot.action(block_action(body, ACTION_SHARE, bot.fake.response_url("scshare")))
    shared = [c.body for c in bot.fake.wait_for("respond", 3) if c.path == "/respond/scshare"]
    public = next(b for b in shared if b.get("response_type") == "in_channel")
    assert "<@UREPORTER> fact-checked “Big news: the CTU" in message_text(public)
    assert public["text"].startswith(VERDICT_30K)
    assert {"delete_original": True} in shared


def test_fact_check_of_a_message_without_text(bot):
    bot.action(message_action("", bot.fake.response_url("empty")))
    [call] = bot.fake.wait_for("respond")
    assert call.body["response_type"] == "ephemeral"
    assert call.body["text"] == NO_TEXT


def test_the_shortcut_is_in_the_manifest_as_the_app_registers_it():
    manifest = (ROOT / "manifest.yml").read_text()
    callbacks = re.findall(r"callback_id: (\S+)", manifest)
    assert callbacks == list(slack_app.SHORTCUTS) == [FACTCHECK_MESSAGE]
    assert "name: Fact-check this message" in manifest and "type: message" in manifest
    source = (ROOT / "bot" / "slack" / "app.py").read_text()
    assert "app.message_shortcut(shortcuts.FACTCHECK_MESSAGE)" in source
    json.dumps(manifest)  # plain text, no tabs or odd bytes
    assert "\t" not in manifest
