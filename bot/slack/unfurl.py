"""Link previews for the archive's own articles (`link_shared` -> `chat.unfurl`): when
someone pastes the url of an indexed article, Slack shows its headline, date and byline.

Slack sends `link_shared` only for the domains listed under `unfurl_domains` in the app's
manifest; a url the archive doesn't hold is left to Slack's own preview.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import blocks
from bot.slack.answering import log, newsbot
from bot.slack.mrkdwn import escape, link
from index.models import Article

MAX_LINKS = 5  # Slack sends at most five links per event


def on_link_shared(event: dict, client: WebClient, context: dict) -> None:
    bot = newsbot(context)
    searcher = getattr(bot.searcher, "current", bot.searcher)
    unfurls = {}
    for shared in (event.get("links") or [])[:MAX_LINKS]:
        url = str(shared.get("url", ""))
        if (article := searcher.article_at(url)) is not None:
            unfurls[url] = {"blocks": preview(article)}
    if not unfurls:
        return
    where = (
        {"channel": event["channel"], "ts": event["message_ts"]}
        if event.get("channel") and event.get("message_ts")
        else {"unfurl_id": event.get("unfurl_id"), "source": event.get("source")}
    )
    try:
        client.chat_unfurl(unfurls=unfurls, **where)
    except Exception:
        log.exception("could not unfurl %d archive link(s)", len(unfurls))


def preview(article: Article) -> list[dict]:
    """The unfurl: headline (linked), then source, date and byline when known."""
    title = escape(blocks.shorten(article.title, 150))
    url = blocks.safe_url(article.url)
    facts = [article.source, article.published or "date unknown"]
    if article.byline:
        facts.append(f"by {article.byline}")
    facts.append(f"{article.paragraphs} paragraphs in newsbot's archive")
    return [
        blocks.section(f"*{link(url, title) if url else title}*"),
        blocks.context(" · ".join(escape(blocks.shorten(f, 100)) for f in facts if f)),
    ]
