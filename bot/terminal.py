"""Answers rendered for a terminal: the passage as published, matched words in bold
(when the output is a terminal), and its citation underneath."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import TextIO

from bot.citation import citation_parts
from bot.verdicts import lines as verdict_lines
from index.models import Answer, Article, Draft, FactCheck, Hit

BOLD, RESET = "\033[1m", "\033[0m"


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def citation(article: Article, paragraph: int, attribution: str | None = None) -> str:
    """ "Title · Source · 2021-02-07 · paragraph 4 of 20" (parts only when known)."""
    return " · ".join(citation_parts(article, paragraph, attribution))


def emphasised(text: str, spans: tuple[tuple[int, int], ...], color: bool) -> str:
    if not color or not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(BOLD + text[start:end] + RESET)
        last = end
    out.append(text[last:])
    return "".join(out)


def render_hit(hit: Hit, color: bool, width: int, attribution: str | None = None) -> str:
    wrap_width = max(40, min(width, 100)) - 5
    # wrap first (on plain text), then embolden: escape codes must not count as width
    lines = textwrap.wrap(hit.passage.text, wrap_width)
    body = emphasised("\n".join(lines), _shift(hit.passage.text, lines, hit.highlights), color)
    quoted = textwrap.indent(body, "   ")
    cite = textwrap.fill(
        f"— {citation(hit.article, hit.passage.number, attribution)}",
        wrap_width,
        initial_indent="   ",
        subsequent_indent="     ",
    )
    if hit.article.url:
        cite += f"\n     {hit.article.url}"
    return f"{hit.rank:>2}. {quoted.lstrip()}\n{cite}"


def _shift(text: str, lines: list[str], spans: tuple[tuple[int, int], ...]):
    """Map spans in `text` onto the wrapped text (wrapping turns runs of spaces into one)."""
    wrapped = "\n".join(lines)
    mapping: dict[int, int] = {}
    i = j = 0
    while i < len(text) and j < len(wrapped):
        if text[i] == wrapped[j] or (text[i].isspace() and wrapped[j] in " \n"):
            mapping[i] = j
            i += 1
            j += 1
        elif text[i].isspace():
            i += 1
        else:
            j += 1
    shifted = []
    for start, end in spans:
        if start in mapping and end - 1 in mapping:
            shifted.append((mapping[start], mapping[end - 1] + 1))
    return tuple(shifted)


def render_answer(answer: Answer, stream: TextIO | None = None) -> str:
    stream = stream or sys.stdout  # at call time: a default bound at import goes stale
    width = shutil.get_terminal_size((100, 24)).columns
    color = use_color(stream)
    if answer.notice:  # a filter that can't be read or matches nothing
        return answer.notice
    missing = f"Missing: {', '.join(answer.missing)}\n" if answer.missing else ""
    if answer.no_answer:
        return (
            f"No passage in the archive answers this.\n{missing}"
            "Tip: try the words a story would use (names, places, figures), "
            "or see what is indexed with `newsbot sources`."
        )
    head = ""
    if answer.confidence == "low":
        head = "Low confidence: these passages hold only part of the question.\n"
    if head or missing:
        head = f"{head}{missing}\n"
    return head + "\n\n".join(render_hit(hit, color, width) for hit in answer.hits)


MARKS = {"match": "✓ same", "conflict": "✗ differs", "absent": "· not stated"}
VERDICT_MARKS = {
    "match": "✓",
    "conflict": "✗",
    "disputed": "?",
    "absent": "·",
    "other_speaker": "✗",
}


def render_factcheck(fact: FactCheck, stream: TextIO | None = None) -> str:
    """The verdict per figure (and quote) first, then the passages that decide it."""
    stream = stream or sys.stdout
    width = shutil.get_terminal_size((100, 24)).columns
    color = use_color(stream)
    lines = [f"Claim: “{fact.claim.strip()}”"]
    if not fact.figures and not fact.quotes:
        lines.append("No figures in the claim: these are the passages that best match it.")
    wrap = max(40, min(width, 100)) - 2
    for status, line in verdict_lines(fact):
        lines.append(
            textwrap.fill(
                line, wrap, initial_indent=f"{VERDICT_MARKS[status]} ", subsequent_indent="  "
            )
        )
    if not fact.passages:
        lines.append("\nNo passage in the archive speaks to this claim.")
        return "\n".join(lines)
    for checked in fact.passages:
        lines.append("")
        lines.append(render_hit(checked.hit, color, width, checked.attribution))
        for check in checked.checks:
            said = (
                f" (passage: {check.passage_figure.text})"
                if check.passage_figure is not None and check.status == "conflict"
                else ""
            )
            lines.append(f"     {MARKS[check.status]}: {check.claim_figure.text}{said}")
    return "\n".join(lines)


def render_draft(draft: Draft, stream: TextIO | None = None) -> str:
    """Each checked sentence of a draft, in order, as `render_factcheck` shows one claim."""
    stream = stream or sys.stdout
    if len(draft.claims) == 1 and not draft.unchecked:
        return render_factcheck(draft.claims[0], stream)
    rule = "─" * 40
    parts = [
        f"{rule}\n[{i}/{len(draft.claims)}] {render_factcheck(claim, stream)}"
        for i, claim in enumerate(draft.claims, 1)
    ]
    if draft.more:
        parts.append(f"{rule}\n{draft.more} more sentences to check: paste them separately.")
    if draft.unchecked:
        skipped = "; ".join(f"“{_short(s)}”" for s in draft.unchecked)
        parts.append(f"{rule}\nNothing to check (no figure, date or quote) in: {skipped}")
    return "\n\n".join(parts)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
