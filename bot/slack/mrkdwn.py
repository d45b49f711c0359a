"""Slack's text syntax, both ways.

In: a message as Slack sends it ("<@U123> when do <https://cps.edu|K-5> students return?
<#C1|newsdesk> &amp; …") becomes the question a person meant: mentions, channel links
and broadcasts dropped, links replaced by their label, entities decoded.

Out: any article or user text becomes mrkdwn that renders as itself: `&`, `<`, `>` are
escaped, so "<!channel>", "<@U…>" or "<https://x|y>" inside a passage or a question can
never notify anyone or turn into a link; and `*`, `_`, `~` and backticks get a zero-width
space on each side, so a "*" in an article can't open bold (mrkdwn has no backslash
escape; Slack formats a marker only when it touches the word it wraps). A URL inside
`<url|label>` has its `&` written `&amp;`, which Slack decodes back.
"""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"<([^<>]*)>")
_FORMATTING = re.compile(r"[*_~`]")
ZWSP = "\u200b"


def _unwrap(m: re.Match[str]) -> str:
    inner = m.group(1)
    target, _, label = inner.partition("|")
    if target.startswith(("@", "#")):  # user mentions (the bot's own too), channel links
        return ""
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^…>; a date keeps its text
        return label if target.startswith("!date") else ""
    return label or target  # a link: its label, else the URL


def clean_incoming(text: str) -> str:
    """The question as typed: mentions stripped, links unwrapped, entities decoded."""
    text = _SPECIAL.sub(_unwrap, text or "")
    text = html.unescape(text)
    return " ".join(text.replace("\x00", " ").split())


def escape(text: str) -> str:
    """Text that Slack renders literally: never a mention, a link, a broadcast, bold,
    italics, strike-through or code."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _FORMATTING.sub(lambda m: f"{ZWSP}{m.group()}{ZWSP}", text)


def code(text: str) -> str:
    """`text` as inline code: nothing formats inside backticks, so only `&`, `<`, `>` are
    escaped (an id stays copyable) and backticks, which would end the span, dropped."""
    text = text.replace("`", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"`{text}`" if text else ""


def link(url: str, label: str) -> str:
    """`<url|label>`: `url` already checked (http(s), no spaces, `<`, `>` or `|`), its `&`
    escaped as Slack asks; `label` is mrkdwn (escaped by the caller)."""
    return f"<{url.replace('&', '&amp;')}|{label}>"
