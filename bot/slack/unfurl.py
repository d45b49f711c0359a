"""Link previews for the archive's own articles (`link_shared` -> `chat.unfurl`): when
someone pastes the url of an indexed article, Slack shows its headline, date and byline.

Slack sends `link_shared` only for the domains listed under `unfurl_domains` in the app's
manifest; a url the archive doesn't hold is left to Slack's own preview.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from slack_sdk import WebClient

from bot.slack import blocks
from bot.slack.answering import log, newsbot
from bot.slack.mrkdwn import escape, link
from index.models import Article

MAX_LINKS = 5  # Slack sends at most five links per event
_lock = threading.Lock()
_cache: list = [None, {}]  # [the index, its url key -> article]


def on_link_shared(event: dict, client: WebClient, context: dict) -> None:
    bot = newsbot(context)
    searcher = getattr(bot.searcher, "current", bot.searcher)
    known = _articles(searcher)
    unfurls = {}
    for shared in (event.get("links") or [])[:MAX_LINKS]:
        url = str(shared.get("url", ""))
        if (article := known.get(url_key(url))) is not None:
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


def url_key(url: str) -> str:
    """What two spellings of one article url share: host in lower case without "www.",
    no scheme, fragment, tracking parameters (utm_…) or trailing slash."""
    parts = urlsplit(url.strip()[:2000])
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("utm_"))
    path = parts.path.rstrip("/")
    return f"{parts.netloc.lower().removeprefix('www.')}{path}" + (f"?{query}" if query else "")


def _articles(searcher) -> dict[str, Article]:
    """url key -> article for the searcher's index (built once per index generation)."""
    index = searcher.index
    with _lock:
        if _cache[0] is not index:  # only the current generation is worth keeping
            _cache[:] = [index, {url_key(a.url): a for a in searcher.sources() if a.url}]
        return _cache[1]
