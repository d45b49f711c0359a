"""A draft, not just a sentence: each sentence that carries a figure, a date or a quote is
checked on its own (`index.factcheck.check.factcheck`), in the draft's order.

A one-sentence input is checked whole, whatever it carries (a claim without figures still
gets the passages that best match it), and so is a draft none of whose sentences carries
anything to check. The work is bounded: the first `MAX_CHARS` characters, and the first
`MAX_SENTENCES` sentences to check (`Draft.more` says how many were left).
"""

from __future__ import annotations

from index.factcheck import quotes
from index.factcheck.check import factcheck
from index.factcheck.figures import extract
from index.models import Draft
from index.retrieval.search import Searcher
from index.text.analysis import normalize, sentences

MAX_CHARS = 6_000
MAX_SENTENCES = 10


def check_draft(searcher: Searcher, text: str, top: int = 3) -> Draft:
    """Each checkable sentence of `text` against the archive (see the module docstring)."""
    text = text[:MAX_CHARS]
    parts = [text[a:b].strip() for a, b in sentences(text)]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return Draft(text, (factcheck(searcher, text.strip(), top),))
    checkable = [p for p in parts if carries(p)]
    if not checkable:
        return Draft(text, (factcheck(searcher, text.strip(), top),))
    claims = tuple(factcheck(searcher, p, top) for p in checkable[:MAX_SENTENCES])
    unchecked = tuple(p for p in parts if p not in checkable)
    return Draft(text, claims, unchecked, max(0, len(checkable) - MAX_SENTENCES))


def carries(sentence: str) -> bool:
    """Whether a sentence states a figure or a date, quotes someone or reports what they said."""
    return (
        bool(extract(sentence)) or '"' in normalize(sentence) or quotes.parse(sentence) is not None
    )
