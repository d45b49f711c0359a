"""What a citation says, the same on the terminal and in Slack."""

from __future__ import annotations

import re

from index.models import Article

LABEL_CHARS = 90  # a title longer than this is cut at a word in Slack citations
_DATELINE = re.compile(r"[A-Z][A-Z.'’ ,-]{1,40}?\s*(?:\([^)]{1,30}\))?\s*(?:[—–]|--?)\s+")


def citation_parts(article: Article, paragraph: int, attribution: str | None = None) -> list[str]:
    """["Title", "Source", "2021-02-07", "paragraph 4 of 20", "attributed to The union"],
    the date as "2021-02-07 (updated 2021-02-08)" when the article says it was updated;
    each part only when it is known; the title always first."""
    parts = [article.title]
    if article.source:
        parts.append(article.source)
    if article.published:
        updated = article.updated
        parts.append(f"{article.published} (updated {updated})" if updated else article.published)
    parts.append(f"paragraph {paragraph} of {article.paragraphs}")
    if attribution:
        parts.append(f"attributed to {attribution}")
    return parts


def label(article: Article, quoted: str) -> str:
    """The article's headline, unless it only repeats the quoted passage (an article
    without a headline is titled by its lead sentence): then a short label naming the
    file, which says where to find it without echoing the quote."""
    title = article.title.strip()
    stem = title.rstrip("…").strip()
    lead = _DATELINE.sub("", quoted[:400], count=1).strip()
    if stem and _plain(lead).startswith(_plain(stem)):
        name = article.path.rsplit("/", 1)[-1]
        return f"Untitled story, {name}"
    if len(title) <= LABEL_CHARS:
        return title
    cut = title[: LABEL_CHARS + 1]
    return (cut[: cut.rfind(" ")] if " " in cut else cut[:LABEL_CHARS]).rstrip(" ,;:—–-") + "…"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.casefold()).split())
