"""IPTC NITF wire stories (News Industry Text Format), parsed with defusedxml.

headline: `body.head/hedline/hl1` (else `head/title`); byline: the `<person>` in
`<byline>` (else the byline's text without "By"); dateline: the `<location>` (city)
in `<dateline>`, printed before the lead as wire copy does ("CHICAGO — ..."); date:
`docdata/date.issue` (else `story.date`, `date.release`); source: `pubdata` name or a
`<meta name="source">`; section: `pubdata position.section`; body: the `<p>` elements
of `body.content`, in order. NITF has no standard NewsML-style item list: one story
per file.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from index.ingest.formats import Emit, parsed
from index.ingest.formats.fields import iso_date, one_line
from index.ingest.formats.xmlsafe import local, text_of
from index.models import ArticleText, Problem


def _find(element: Element | None, *path: str) -> Element | None:
    """The first descendant along `path` (local names; each step searched in depth)."""
    for name in path:
        if element is None:
            return None
        element = next((e for e in element.iter() if local(e.tag) == name), None)
    return element


def read(data: bytes, rel: str, emit: Emit) -> Iterator[ArticleText]:
    root = parsed(data, rel, emit)
    if root is None:
        return
    head, body = _find(root, "head"), _find(root, "body")
    content = _find(body, "body.content")
    paragraphs = [text_of(p) for p in content.iter() if local(p.tag) == "p"] if content else []
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        emit(Problem(rel, "an NITF story without body paragraphs; skipped"))
        return
    city = text_of(_find(body, "dateline", "location")) or text_of(_find(body, "dateline", "city"))
    if city and not paragraphs[0].upper().startswith(city.upper()):
        paragraphs[0] = f"{city.upper()} — {paragraphs[0]}"
    title = text_of(_find(body, "hedline", "hl1")) or text_of(_find(head, "title"))
    docdata = _find(head, "docdata")
    published = None
    for node in (
        _find(docdata, "date.issue"),
        _find(body, "story.date"),
        _find(docdata, "date.release"),
    ):
        published = published or (iso_date(node.get("norm")) if node is not None else None)
    pubdata = _find(head, "pubdata")
    yield ArticleText(
        id=rel.rsplit(".", 1)[0],
        text="\n\n".join(paragraphs),
        path=rel,
        title=one_line(title),
        published=published,
        source=one_line(pubdata.get("name") if pubdata is not None else None)
        or _meta(head, "source"),
        byline=_byline(_find(body, "byline")),
        section=one_line(pubdata.get("position.section") if pubdata is not None else None),
        url=one_line(pubdata.get("ex-ref") if pubdata is not None else None),
    )


def _byline(byline: Element | None) -> str | None:
    if byline is None:
        return None
    person = _find(byline, "person")
    if person is not None and text_of(person):
        return text_of(person)
    text = text_of(byline)
    return one_line(text[3:] if text.lower().startswith("by ") else text)


def _meta(head: Element | None, name: str) -> str | None:
    for meta in head.iter() if head is not None else ():
        if local(meta.tag) == "meta" and meta.get("name") == name:
            return one_line(meta.get("content"))
    return None
