"""What a citation says, the same on the terminal and in Slack."""

from __future__ import annotations

from index.models import Article


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
