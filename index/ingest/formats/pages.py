"""Web pages: the article's text and its metadata.

Metadata, first found wins: JSON-LD (`NewsArticle`, `Article`, `BlogPosting`…, also
inside `@graph`), then Open Graph / `article:` properties and `<meta>` tags, then what
trafilatura finds. The URL is the page's `<link rel="canonical">` first. Main text:
trafilatura (page chrome, bylines and related links left out); when it finds nothing,
newsbot's own reader (index/ingest/html.py) tries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from bs4 import BeautifulSoup

from index.ingest.formats import Emit
from index.ingest.formats.fields import iso_date, one_line, tag_list
from index.models import ArticleText, Problem

MAX_JSONLD = 200_000  # characters of one JSON-LD block
MAX_NODES = 2_000  # JSON-LD objects looked at per page
ARTICLE_TYPES = ("Article", "BlogPosting", "Report")  # NewsArticle, ReportageNewsArticle…
_PROPERTIES = {
    "title": ("og:title", "twitter:title"),
    "url": ("og:url",),
    "published": ("article:published_time", "date", "pubdate", "datePublished", "dc.date"),
    "updated": ("article:modified_time", "og:updated_time", "dateModified", "last-modified"),
    "source": ("og:site_name", "application-name"),
    "byline": ("author", "article:author", "byl", "dc.creator"),
    "section": ("article:section",),
}
logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it logs every page it can't read


def read(data: bytes, rel: str, emit: Emit) -> Iterator[ArticleText]:
    from index.ingest.corpus import decode

    try:
        html = decode(data)
    except ValueError as err:  # binary data
        emit(Problem(rel, str(err)))
        return
    try:
        page = extract(html)
    except Exception as err:  # a parser bug on hostile markup must not stop the build
        emit(Problem(rel, f"could not parse HTML ({type(err).__name__}); skipped"))
        return
    if page is None:
        emit(Problem(rel, "no article text found in the HTML; skipped"))
        return
    yield ArticleText(id=rel.rsplit(".", 1)[0], path=rel, **page)


def extract(html: str) -> dict | None:
    """ArticleText fields (text, title, url, dates, byline, source, section, tags) of a
    page, or None when it holds no article text."""
    soup = BeautifulSoup(html, "html.parser")
    found = _jsonld(soup)
    meta = _meta(soup)
    if "canonical" in meta:
        found["url"] = meta.pop("canonical")
    for name, value in meta.items():
        found.setdefault(name, value)
    text, extra = _main_text(html, soup)
    for name, value in extra.items():
        found.setdefault(name, value)
    byline = one_line(found.get("byline"))
    text = _without_byline(text, byline)
    if not text.strip():
        return None
    published = iso_date(found.get("published"))
    updated = iso_date(found.get("updated"))
    tags = tag_list(found.get("tags", ()))
    return {
        "text": text,
        "title": one_line(found.get("title")),
        "url": one_line(found.get("url")),
        "published": published,
        "updated": updated if updated != published else None,
        "source": one_line(found.get("source")),
        "byline": byline,
        "section": one_line(found.get("section")) or (tags[0] if tags else None),
        "tags": tags,
    }


def _without_byline(text: str, byline: str | None) -> str:
    """The text without a leading "By <byline>" paragraph: the byline is metadata."""
    first, _, rest = text.partition("\n\n")
    words = " ".join(first.split()).lower()
    if byline and words.startswith("by ") and words[3:] == " ".join(byline.split()).lower():
        return rest
    return text


def _main_text(html: str, soup: BeautifulSoup) -> tuple[str, dict]:
    """The page's paragraphs, and trafilatura's metadata to fill gaps.

    A page that marks its story (`<article>`, `itemprop="articleBody"`) is read by
    newsbot's own rules (index/ingest/html.py), which keep exactly that element minus
    its chrome; trafilatura's heuristics reorder and keep ads on such small, marked-up
    pages (tests/test_corpus.py). Any other page is read by trafilatura, and by
    the own rules when trafilatura finds nothing."""
    import trafilatura

    from index.ingest.html import extract as own_rules

    marked = soup.find("article") is not None or soup.find(itemprop="articleBody") is not None
    own = own_rules(html) if marked else None
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        only_with_metadata=False,
    )
    extra: dict = {}
    if doc is not None:
        extra = {
            "title": doc.title,
            "byline": doc.author,
            "published": doc.date,
            "source": doc.sitename,
            "url": doc.url,
            "tags": list(doc.categories or ()) + list(doc.tags or ()),
        }
        extra = {k: v for k, v in extra.items() if v}
    if own is not None and own.text.strip():
        return own.text, {**own.meta, **extra}
    paragraphs: list[str] = []
    if doc is not None and doc.body is not None:
        for block in doc.body.iter("p", "item", "quote"):
            parent = block.getparent()
            if parent is not None and parent.tag in ("item", "quote"):
                continue
            words = " ".join("".join(block.itertext()).split())
            if words:
                paragraphs.append(words)
    if paragraphs:
        return "\n\n".join(paragraphs), extra
    own = own or own_rules(html)
    return own.text, {**own.meta, **extra}


def _meta(soup: BeautifulSoup) -> dict:
    found: dict = {}
    metas = soup.find_all("meta", limit=500)
    for name, keys in _PROPERTIES.items():
        for key in keys:
            tag = next(
                (m for m in metas if key in (m.get("property"), m.get("name"), m.get("itemprop"))),
                None,
            )
            if tag is not None and (tag.get("content") or "").strip():
                found[name] = tag["content"].strip()
                break
    tags = [m.get("content", "") for m in metas if m.get("property") == "article:tag"]
    if tags:
        found["tags"] = tags
    canonical = soup.find("link", rel="canonical")
    if canonical is not None and (canonical.get("href") or "").startswith(("http://", "https://")):
        found["canonical"] = canonical["href"].strip()
    if "published" not in found and (time := soup.find("time", datetime=True)) is not None:
        found["published"] = time["datetime"]
    if "title" not in found:
        heading = soup.select_one("article h1") or soup.find("h1") or soup.title
        if heading is not None and heading.get_text(strip=True):
            found["title"] = heading.get_text(" ", strip=True)
    return found


def _jsonld(soup: BeautifulSoup) -> dict:
    """The first article object in the page's JSON-LD, as ArticleText field names."""
    for script in soup.find_all("script", type="application/ld+json", limit=20):
        raw = script.string or ""
        if len(raw) > MAX_JSONLD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # a broken block is ignored; the page's other metadata still counts
        node = _article_node(data)
        if node is not None:
            return _jsonld_fields(node)
    return {}


def _article_node(data: object) -> dict | None:
    stack, seen = [data], 0
    while stack and seen < MAX_NODES:
        node = stack.pop(0)
        seen += 1
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.endswith(ARTICLE_TYPES) for k in kinds):
                return node
            stack.extend(v for k, v in node.items() if k == "@graph" or isinstance(v, list))
    return None


def _jsonld_fields(node: dict) -> dict:
    def name(value: object) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return name(value.get("name") or value.get("@id"))
        if isinstance(value, list):
            names = [n for n in (name(v) for v in value[:10]) if n]
            return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        return None

    section = node.get("articleSection")
    found = {
        "title": node.get("headline") or node.get("name"),
        "published": node.get("datePublished") or node.get("dateCreated"),
        "updated": node.get("dateModified"),
        "byline": name(node.get("author")),
        "source": name(node.get("publisher")),
        "section": section[0] if isinstance(section, list) and section else section,
        "url": name(node.get("url")) or name(node.get("mainEntityOfPage")),
        "tags": node.get("keywords"),
    }
    return {k: v for k, v in found.items() if isinstance(v, str | list) and v}
