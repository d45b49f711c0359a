"""The article out of an HTML page: its main text as paragraphs, and its metadata.

Page chrome is left out: scripts, styles, navigation, headers and footers, asides,
forms, and blocks whose class or id says they are related links, sharing tools,
newsletters, comments or ads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "template",
    "figure",
    "select",
    "dialog",
)
_CHROME_WORDS = {
    "related",
    "share",
    "sharing",
    "social",
    "promo",
    "newsletter",
    "subscribe",
    "comment",
    "comments",
    "sidebar",
    "nav",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "advert",
    "advertisement",
    "footer",
    "header",
    "cookie",
    "cookies",
    "popup",
    "modal",
    "recirc",
    "recommended",
    "trending",
    "outbrain",
    "taboola",
}
_WHOLE_ONLY = {"ad", "ads", "ad-slot", "ad-container", "advertising"}
_SPLIT_WORDS = re.compile(r"[^a-z]+")
_BLOCKS = ("p", "li", "blockquote", "pre")
_META = {
    "title": (("property", "og:title"), ("name", "twitter:title")),
    "url": (("property", "og:url"),),
    "published": (
        ("property", "article:published_time"),
        ("name", "date"),
        ("name", "pubdate"),
        ("itemprop", "datePublished"),
    ),
    "source": (("property", "og:site_name"),),
    "byline": (("name", "author"), ("property", "article:author")),
}


@dataclass
class Page:
    text: str
    meta: dict[str, str] = field(default_factory=dict)


def extract(html: str) -> Page:
    soup = BeautifulSoup(html, "html.parser")
    meta = _metadata(soup)
    if "title" not in meta:  # before the chrome goes: an article's h1 often sits in a <header>
        heading = soup.select_one("article h1") or soup.find("h1") or soup.title
        if heading is not None and _text(heading):
            meta["title"] = _text(heading)
    for tag in soup.find_all(("script", "style", "noscript", "template")):
        tag.decompose()
    main = _main(soup)  # chosen first: a wrapper classed "layout-with-sidebar" stays
    if main is None:
        return Page("", meta)
    for tag in main.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in main.find_all(_is_chrome):
        if not tag.decomposed:
            tag.decompose()
    blocks = [b for b in main.find_all(_BLOCKS) if not b.find_parent(_BLOCKS)]
    if blocks:
        paragraphs = [_text(b) for b in blocks]
    else:
        paragraphs = [p.strip() for p in main.get_text("\n").split("\n")]
    return Page("\n\n".join(p for p in paragraphs if p), meta)


def _is_chrome(tag: Tag) -> bool:
    """Classed or id'd as page chrome: "related-links", "social-share", "sidebar", "ad"
    ("ad" and "ads" only as whole names: "ad-free-content" is content)."""
    if tag.name in ("html", "body", "main", "article"):
        return False
    names = [*(tag.get("class") or ()), *(tag.get("id") or "").split()]
    for name in (n.lower() for n in names):
        words = [w for w in _SPLIT_WORDS.split(name) if w]
        if name in _WHOLE_ONLY or any(w in _CHROME_WORDS for w in (words[:1] + words[-1:])):
            return True
    return tag.get("role") in ("navigation", "complementary")


def _main(soup: BeautifulSoup) -> Tag | None:
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    for finder in ({"name": "main"}, {"attrs": {"itemprop": "articleBody"}}, {"name": "body"}):
        found = soup.find(**finder)
        if found is not None:
            return found
    return soup


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    for name, selectors in _META.items():
        for attr, value in selectors:
            tag = soup.find("meta", attrs={attr: value})
            if tag is not None and tag.get("content", "").strip():
                meta[name] = tag["content"].strip()
                break
    canonical = soup.find("link", rel="canonical")
    if canonical is not None and canonical.get("href"):
        meta["url"] = canonical["href"].strip()
    if "published" not in meta and (time := soup.find("time", datetime=True)) is not None:
        meta["published"] = time["datetime"]
    return meta


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())
