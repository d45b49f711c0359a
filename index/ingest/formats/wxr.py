"""WordPress exports (WXR: RSS 2.0 with the `wp:`, `content:` and `dc:` namespaces).

Only published posts and pages are articles. Drafts, scheduled, pending, private and
password-protected posts, revisions, attachments, menu items and trashed posts are
skipped (silently: an export is full of them). Categories become the section (the
first one) and, with tags, the article's tags. The author is the login's display name
from the export's `wp:author` list. A published item without text is skipped with a
warning naming it.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from index.ingest.formats import Emit, item_lines, parsed
from index.ingest.formats.fields import html_text, iso_date, one_line, tag_list
from index.ingest.formats.xmlsafe import local, namespace, text_of
from index.models import ArticleText, Problem

ARTICLE_TYPES = ("post", "page")
WP = "wordpress.org/export/"
CONTENT = "purl.org/rss/1.0/modules/content/"
DC = "purl.org/dc/elements/1.1/"


def _child(element: Element, name: str, ns: str = "") -> Element | None:
    for child in element:
        if local(child.tag) == name and (ns in namespace(child.tag) if ns else True):
            return child
    return None


def _value(element: Element, name: str, ns: str = "") -> str:
    found = _child(element, name, ns)
    return (found.text or "").strip() if found is not None else ""


def read(data: bytes, rel: str, emit: Emit) -> Iterator[ArticleText]:
    root = parsed(data, rel, emit)
    if root is None:
        return
    channel = _child(root, "channel")
    if channel is None:
        emit(Problem(rel, "a WordPress export without a <channel>; skipped"))
        return
    site = one_line(_value(channel, "title"))
    authors = {
        _value(a, "author_login", WP): _value(a, "author_display_name", WP)
        for a in channel
        if local(a.tag) == "author" and WP in namespace(a.tag)
    }
    lines = item_lines(data, b"item")
    stem = rel.rsplit(".", 1)[0]
    items = [e for e in channel if local(e.tag) == "item"]
    for number, item in enumerate(items):
        if _value(item, "status", WP) != "publish":
            continue
        if _value(item, "post_type", WP) not in ARTICLE_TYPES:
            continue
        if _value(item, "post_password", WP):
            continue  # password-protected: published to a few readers, not to the archive
        line = lines[number] if number < len(lines) else None
        article = _article(item, stem, rel, site, authors, line)
        if article is None:
            title = one_line(_value(item, "title")) or "(untitled)"
            post = _value(item, "post_id", WP) or "?"
            emit(Problem(rel, f"post {post} “{title}” has no text; item skipped", line))
            continue
        yield article


def _article(
    item: Element, stem: str, rel: str, site: str | None, authors: dict, line: int | None
) -> ArticleText | None:
    text = html_text(_value(item, "encoded", CONTENT))
    if not text.strip():
        return None
    post_id = _value(item, "post_id", WP) or str(line)
    login = _value(item, "creator", DC)
    categories = [
        text_of(c) for c in item if local(c.tag) == "category" and c.get("domain") == "category"
    ]
    tags = [
        text_of(c) for c in item if local(c.tag) == "category" and c.get("domain") != "category"
    ]
    published = iso_date(_value(item, "post_date_gmt", WP)) or iso_date(_value(item, "pubDate"))
    published = published or iso_date(_value(item, "post_date", WP))
    updated = iso_date(_value(item, "post_modified_gmt", WP)) or iso_date(
        _value(item, "post_modified", WP)
    )
    return ArticleText(
        id=f"{stem}:{post_id}",
        text=text,
        path=rel,
        title=one_line(_value(item, "title")),
        url=one_line(_value(item, "link")),
        published=published,
        updated=updated if updated and updated != published else None,
        source=site,
        byline=one_line(authors.get(login) or login),
        section=categories[0] if categories else None,
        tags=tag_list(categories + tags),
        line=line,
    )
