"""Which words of a quoted passage are bold: few, and the ones that matter.

The Searcher marks every word the question shares with the passage. Bolding all of
them buries the answer ("*return*" eight times in one paragraph, the dateline
"*CHICAGO*"), so only the weighty ones stay: never the dateline, never a short or
stopword-like word, each word at most MAX_PER_WORD times and MAX_SPANS words in all
(every distinct word once before any twice); and the figure the question asks for (a
date for "when", a number for "how many") is bold first, whether or not the question
spelled it.
"""

from __future__ import annotations

import re

from index.factcheck.figures import extract
from index.text.features import DATE, NUMBER, question_kind

Spans = tuple[tuple[int, int], ...]

MAX_SPANS = 6
MAX_PER_WORD = 2
MAX_FIGURES = 3
FIGURE_SCAN = 5000  # characters of a passage searched for the asked-for figure
# "CHICAGO (CBS) — ", "WASHINGTON (AP) -- ", "NEW YORK — " (bounded: linear)
DATELINE = re.compile(r"[A-Z][A-Z.'’ ,-]{1,40}?\s*(?:\([^)]{1,30}\))?\s*(?:[—–]|--?)\s+")
LIGHT = frozenset(
    "a an and are as at be but by can could did do does for from had has have he her his "
    "how i if in into is it its may might of on or our said says she should so than that "
    "the their them then there they this to was we were what when where which who whom "
    "why will with would you".split()
)
ASKED_KINDS = {DATE: ("date", "weekday"), NUMBER: ("count", "percent", "money", "duration")}


def weighty(text: str, spans: Spans, question: str = "") -> Spans:
    """The spans worth bolding in `text`, in order: the asked-for figures, then each
    distinct word's first occurrence, then its second, up to MAX_SPANS words."""
    m = DATELINE.match(text)
    skip_to = m.end() if m else 0
    figures = _asked_figures(text, question)
    occurrences: dict[str, list[tuple[int, int]]] = {}
    for a, b in sorted(spans):
        word = text[a:b].casefold()
        if a < skip_to or _overlaps(figures, a, b) or word in LIGHT:
            continue
        if len(word) < 3 and not any(ch.isdigit() for ch in word):
            continue
        occurrences.setdefault(word, []).append((a, b))
    words: list[tuple[int, int]] = []
    for nth in range(MAX_PER_WORD):
        for found in occurrences.values():
            if nth < len(found) and len(words) < MAX_SPANS:
                words.append(found[nth])
    return tuple(sorted(figures + words))


def _asked_figures(text: str, question: str) -> list[tuple[int, int]]:
    kind = question_kind(question) if question else 0
    wanted = {k for flag, kinds in ASKED_KINDS.items() if kind & flag for k in kinds}
    if not wanted:
        return []
    found = [(f.start, f.end) for f in extract(text[:FIGURE_SCAN]) if f.kind in wanted]
    m = DATELINE.match(text)
    return [(a, b) for a, b in found if not m or a >= m.end()][:MAX_FIGURES]


def _overlaps(chosen: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(a < y and x < b for x, y in chosen)
