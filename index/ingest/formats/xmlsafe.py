"""XML from untrusted files, parsed without entity expansion or network access.

Every XML reader goes through `parse` (defusedxml over the standard library's expat):
a document that declares entities (an "XML bomb" such as billion laughs) or refers to
an external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) is refused before any
entity is expanded. A DOCTYPE that only names a DTD (`<!DOCTYPE nitf SYSTEM "...">`)
is fine: expat never fetches it.
"""

from __future__ import annotations

import contextlib
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class UnsafeXML(ValueError):
    """The document declares entities or refers to external ones; it was not expanded."""


class BadXML(ValueError):
    """The document is not well-formed XML."""


def parse(data: bytes) -> Element:
    """The root element of `data`. Raises UnsafeXML or BadXML with a reason to show."""
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise UnsafeXML(unsafe_reason(err)) from None
    except ParseError as err:
        raise BadXML(f"not well-formed XML ({err})") from None


def check(data: bytes) -> None:
    """Raise UnsafeXML if `data` declares or references entities; malformed XML passes
    (a lenient parser such as feedparser may still read it, and never expands them)."""
    with contextlib.suppress(BadXML):
        parse(data)


def unsafe_reason(err: DefusedXmlException) -> str:
    system_id = getattr(err, "sysid", None) or getattr(err, "pubid", None)
    if system_id:
        return "refers to an external entity; refused without reading it"
    return "declares XML entities (a possible XML bomb); refused without expanding them"


def local(tag: object) -> str:
    """`{namespace}name` -> `name` (comments and processing instructions -> "")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: object) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def text_of(element: Element | None) -> str:
    """All the text inside `element`, with runs of whitespace as one space."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
