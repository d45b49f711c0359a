"""Archive formats beyond plain text: which one a file is (by its content), and its reader.

| kind      | read with                               | module    |
| --------- | --------------------------------------- | --------- |
| `wxr`     | defusedxml (WordPress export, WXR)      | wxr.py    |
| `feed`    | feedparser (RSS 2.0, RSS 1.0, Atom)     | feeds.py  |
| `nitf`    | defusedxml (IPTC NITF wire copy)        | nitf.py   |
| `html`    | trafilatura + JSON-LD/Open Graph/meta   | pages.py  |
| `sitemap` | defusedxml (only `newsbot index add URL` follows one) | sitemaps.py |

Any XML passes through `xmlsafe` first: entity declarations and external entities are
refused without expansion. A reader never raises for bad content: a bad item is
reported (file and item) and skipped, and the rest of the file is still read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element

from index.models import ArticleText, Problem

Emit = Callable[[Problem], None]

_START = re.compile(rb"\s*(?:<\?xml[^>]{0,200}\?>\s*)?")
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]{0,60})")
# comments, a DOCTYPE (with its internal subset) and processing instructions before the root
_SKIP = re.compile(
    rb"\s*(?:<!--.{0,2000}?-->|<!DOCTYPE[^\[>]{0,500}(?:\[.{0,20000}?\]\s*)?>|<\?[^>]{0,500}\?>)",
    re.S | re.I,
)
XML_SUFFIXES = (".xml", ".rss", ".atom", ".nitf")
SNIFF_BYTES = 32768


def sniff(data: bytes, suffix: str = "") -> str | None:
    """ "wxr", "feed", "nitf", "sitemap", "html", "xml" (of another kind), or None (not
    markup: read as text). Decided by the root element, not the file name."""
    head = data[:SNIFF_BYTES]
    head = head.removeprefix(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    m = _START.match(head)
    declared = head.lstrip().startswith(b"<?xml")
    pos = m.end() if m else 0
    while (skip := _SKIP.match(head, pos)) is not None and skip.end() > pos:
        pos = skip.end()
    if b"<!entity" in head[:pos].lower():
        return "xml"  # entity declarations: refused by xmlsafe, whatever the root (XHTML too)
    root = _ROOT.match(head, pos)
    if root is None:
        return "xml" if declared or suffix in XML_SUFFIXES else None
    name = root.group(1).lower().split(b":")[-1]
    if name in (b"rss", b"rdf"):
        return "wxr" if b"wordpress.org/export/" in head else "feed"
    if name == b"feed":
        return "feed"
    if name == b"nitf":
        return "nitf"
    if name in (b"urlset", b"sitemapindex"):
        return "sitemap"
    if name in (b"html", b"head", b"body") or b"<!doctype html" in head[:pos].lower():
        return "html"
    return "xml" if declared or suffix in XML_SUFFIXES else "html"


def read(kind: str, data: bytes, rel: str, emit: Emit) -> Iterator[ArticleText]:
    """The articles in `data` (a file's bytes) of the sniffed `kind`."""
    if kind == "wxr":
        from index.ingest.formats import wxr

        yield from wxr.read(data, rel, emit)
    elif kind == "feed":
        from index.ingest.formats import feeds

        yield from feeds.read(data, rel, emit)
    elif kind == "nitf":
        from index.ingest.formats import nitf

        yield from nitf.read(data, rel, emit)
    elif kind == "html":
        from index.ingest.formats import pages

        yield from pages.read(data, rel, emit)
    elif kind == "sitemap":
        emit(Problem(rel, "a sitemap lists pages; add them with `newsbot index add URL`; skipped"))
    else:
        from index.ingest.formats.xmlsafe import BadXML, UnsafeXML, parse

        try:
            parse(data)
            why = "XML of a kind newsbot does not read (not WXR, RSS, Atom or NITF)"
        except (UnsafeXML, BadXML) as err:
            why = str(err)
        emit(Problem(rel, f"{why}; skipped"))


def parsed(data: bytes, rel: str, emit: Emit) -> Element | None:
    """The file's XML tree through `xmlsafe`, or None with the reason emitted (the file
    is skipped: entities refused, or not well-formed)."""
    from index.ingest.formats.xmlsafe import BadXML, UnsafeXML, parse

    try:
        return parse(data)
    except (UnsafeXML, BadXML) as err:
        emit(Problem(rel, f"{err}; skipped"))
        return None


def item_lines(text: bytes, tag: bytes) -> list[int]:
    """The line each `<tag` element starts on, in document order (for warnings)."""
    lines, count, last = [], 1, 0
    for m in re.finditer(rb"<" + tag + rb"[\s>]", text):
        count += text.count(b"\n", last, m.start())
        last = m.start()
        lines.append(count)
    return lines
