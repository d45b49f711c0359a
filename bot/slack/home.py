"""The App Home tab (`app_home_opened` -> `views.publish`): how to ask, what the archive
holds, and the person's own recent questions."""

from __future__ import annotations

import threading

from slack_sdk import WebClient

from bot.slack import blocks
from bot.slack.answering import HELP, Newsbot, log, newsbot
from bot.slack.mrkdwn import escape, link
from index.models import Article

NEWEST = 5  # articles listed
RECENT = 5  # of the person's questions


def on_app_home_opened(event: dict, client: WebClient, context: dict) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    bot = newsbot(context)
    try:
        client.views_publish(user_id=event["user"], view=home_view(bot, event["user"]))
    except Exception:
        log.exception("could not publish the App Home for %s", event.get("user"))


def home_view(bot: Newsbot, user: str) -> dict:
    """The Home tab: the help, the archive's newest articles, the person's questions."""
    total, articles = _newest(getattr(bot.searcher, "current", bot.searcher))
    newest = []
    for article in articles:
        title = escape(blocks.shorten(article.title, 100))
        url = blocks.safe_url(article.url)
        name = link(url, title) if url else title
        newest.append(f"• {name} ({article.published or 'date unknown'})")
    asked = bot.state.recent_questions(user, RECENT)
    view_blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "newsbot"}},
        blocks.section(HELP),
        {"type": "divider"},
        blocks.section(f"*The archive holds {total:,} articles.* The newest:"),
        blocks.section("\n".join(newest) or "Nothing is indexed yet."),
        {"type": "divider"},
        blocks.section(
            "*Your recent questions*\n" + "\n".join(f"• {blocks.echo(q)}" for q in asked)
            if asked
            else "*Your recent questions* will show here once you've asked one."
        ),
    ]
    return {"type": "home", "blocks": view_blocks}


_lock = threading.Lock()
_cache: list = [None, (0, [])]  # [the index, (article count, its newest articles)]


def _newest(searcher) -> tuple[int, list[Article]]:
    """How many articles the index holds and its NEWEST newest, read once per index
    generation (opening the Home tab must not read a large archive's metadata each time)."""
    with _lock:
        if _cache[0] is not searcher.index:
            newest = [article for article, _ in searcher.newest(NEWEST)]
            _cache[:] = [searcher.index, (searcher.index.n_articles, newest)]
        return _cache[1]
