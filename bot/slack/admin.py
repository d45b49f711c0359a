"""`/newsbot stats`: how the bot is doing, for the people named in NEWSBOT_ADMINS.

Questions and no-answers per day, 👍/👎 per day, and the passages voted down most with
the question they answered: what the newsroom should look at first. Anyone else is
told who may see it (the list is the bot's own setting; Slack's admin flag would need
the `users:read` scope, which the bot doesn't ask for).
"""

from __future__ import annotations

from bot.slack import blocks
from bot.slack.answering import Newsbot
from bot.slack.mrkdwn import code

DAYS = 7
WORST = 5


def stats(bot: Newsbot, user: str | None) -> dict:
    """The stats message, or a one-line refusal for someone not in NEWSBOT_ADMINS."""
    if not user or user not in bot.settings.admins:
        return blocks.text_message(
            "`/newsbot stats` is for the bot's admins (NEWSBOT_ADMINS in its settings); "
            "ask whoever runs newsbot to add your Slack user id."
        )
    days = bot.state.daily(DAYS)
    rows = [f"{'day':<10}  {'asked':>5}  {'no answer':>9}  {'👍':>3}  {'👎':>3}"]
    rows += [
        f"{d.day:<10}  {d.questions:>5}  {d.no_answers:>9}  {d.up:>3}  {d.down:>3}" for d in days
    ]
    total = sum(d.questions for d in days)
    missed = sum(d.no_answers for d in days)
    sections = [
        f"*newsbot, the last {DAYS} days:* {total:,} questions, {missed:,} without an answer",
        "```\n" + "\n".join(rows) + "\n```" if days else "No questions yet.",
    ]
    worst = bot.state.worst_rated(WORST)
    if worst:
        lines = [
            f"• {blocks.echo(r.question)} → {code(r.passage_id[:80])} (👎 {r.down}, 👍 {r.up})"
            for r in worst
        ]
        sections.append("*Worst-rated answers*\n" + "\n".join(lines))
    message = blocks.text_message(sections[0])
    message["blocks"] += [blocks.section(text) for text in sections[1:]]
    return message
