"""RSS 2.0, RSS 1.0 and Atom feeds, read with feedparser: one article per item.

An item's full content (`content:encoded`, Atom `<content>`) is its text where present,
else its summary (`<description>`, `<summary>`). Dates are the item's published date
(else its updated date); the updated date is kept when it differs. Categories become
the section (the first) and the tags. The feed's title is the source. feedparser is
lenient (it reads a feed that is not quite well-formed, and says so); an item without
text is skipped with a warning naming it; a document that isn't a feed is skipped.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator

import feedparser

from index.ingest.formats import Emit, item_lines
from index.ingest.formats.fields import html_text, one_line, tag_list
from index.ingest.formats.xmlsafe import UnsafeXML, check
from index.models import ArticleText, Problem


def parse(data: bytes, rel: str, emit: Emit) -> feedparser.FeedParserDict | None:
    """The parsed feed, or None (reported) when it is unsafe or not a feed at all."""
    try:
        check(data)  # entity declarations are refused before feedparser sees them
    except UnsafeXML as err:
        emit(Problem(rel, f"{err}; skipped"))
        return None
    # a stream, never a str: feedparser would take a str for a URL or a file name
    feed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    if not feed.entries:
        if feed.get("bozo"):
            why = type(feed.get("bozo_exception")).__name__
            emit(Problem(rel, f"not a readable feed ({why}); skipped"))
        elif feed.get("version"):
            emit(Problem(rel, "a feed with no items; skipped"))
        else:
            emit(Problem(rel, "not an RSS or Atom feed; skipped"))
        return None
    return feed


def read(data: bytes, rel: str, emit: Emit) -> Iterator[ArticleText]:
    feed = parse(data, rel, emit)
    if feed is None:
        return
    source = one_line(feed.feed.get("title"))
    lines = item_lines(data, b"entry" if "atom" in feed.get("version", "") else b"item")
    stem = rel.rsplit(".", 1)[0]
    for number, entry in enumerate(feed.entries):
        line = lines[number] if number < len(lines) else None
        article = entry_article(entry, f"{stem}:{entry_key(entry, number)}", rel, source, line)
        if article is None:
            title = one_line(entry.get("title")) or "(untitled)"
            emit(Problem(rel, f"item “{title}” has no text; item skipped", line))
            continue
        yield article


def entry_key(entry: dict, number: int) -> str:
    """A stable name for an item: its link or guid (hashed short), else its position."""
    key = entry.get("id") or entry.get("link")
    if not key:
        return str(number + 1)
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:12]


def entry_article(
    entry: dict, article_id: str, rel: str, source: str | None, line: int | None = None
) -> ArticleText | None:
    contents = [c.get("value", "") for c in entry.get("content", ()) if c.get("value")]
    body = html_text(max(contents, key=len)) if contents else ""
    if not body.strip():
        body = html_text(entry.get("summary", ""))
    if not body.strip():
        return None
    # dict.get: feedparser's own get() maps a missing updated date to the published one
    updated = _date(dict.get(entry, "updated_parsed"))
    published = _date(dict.get(entry, "published_parsed")) or updated
    terms = [t.get("term") or t.get("label") for t in entry.get("tags", ())]
    tags = tag_list([t for t in terms if isinstance(t, str)])
    return ArticleText(
        id=article_id,
        text=body,
        path=rel,
        title=one_line(entry.get("title")),
        url=one_line(entry.get("link")),
        published=published,
        updated=updated if updated != published else None,
        source=source,
        byline=one_line(entry.get("author")),
        section=tags[0] if tags else None,
        tags=tags,
        line=line,
    )


def _date(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
