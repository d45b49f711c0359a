"""Small conversions every format reader needs: dates, HTML fragments, names."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup

_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T\d{2,6})?(?:[+-]\d{4}|Z)?")
_BLOCK_TAG = re.compile(r"<(?:p|div|li|blockquote|h[1-6]|pre|br)\b", re.IGNORECASE)
MAX_TAGS = 64


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD from an ISO 8601, RFC 822 (RSS), compact (NITF `20210214T0630-0600`) or
    WordPress (`2021-02-10 15:04:00`) date; None for anything else, or the zero date."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()[:64]
    if value.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    m = _COMPACT.fullmatch(value)
    if m is not None:
        try:
            return datetime(*map(int, m.groups())).date().isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value[:10]).date().isoformat()
    except ValueError:
        return None


def html_text(fragment: str) -> str:
    """An HTML fragment (a feed item's content, a WordPress post) as blank-line separated
    paragraphs. WordPress stores paragraphs as blank lines without `<p>` (wpautop), so a
    fragment without block tags keeps its own blank lines."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return fragment
    if _BLOCK_TAG.search(fragment) is None:
        return BeautifulSoup(fragment, "html.parser").get_text()
    from index.ingest.html import extract

    return extract(fragment).text


def one_line(value: object) -> str | None:
    """A short field (title, byline) as one clean line, or None."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def tag_list(values: object) -> tuple[str, ...]:
    """Tags/keywords as a tuple of distinct names: from a list, or a comma-separated string."""
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, list | tuple):
        return ()
    names = (one_line(v) for v in values[: MAX_TAGS * 2] if isinstance(v, str))
    return tuple(dict.fromkeys(n for n in names if n))[:MAX_TAGS]
