"""What kind of answer a question wants, and what kind of facts a passage holds.

A "when" question wants a passage with a date or a day in it, "how many" / "what
percentage" one with a number, "who" one that names someone, "what did X say" one
with a quote. The searcher uses this to re-rank its best candidates (a bonus, never a
filter). Passage flags are computed once, at build time, and stored as one byte each.
"""

from __future__ import annotations

import re

from index.text import vocab

DATE, NUMBER, PERSON, QUOTE = 1, 2, 4, 8

_MONTHS = frozenset(vocab.MONTHS)
_DAYS = frozenset(vocab.WEEKDAYS) | {"today", "tomorrow", "yesterday", "tonight"}
_SAY = frozenset(["say", "tell", "ad", "note", "insist", "claim", "announc", "explain"])
_ROLES = frozenset(
    [
        "offici",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "presid",
        "ceo",
        "director",
        "mayor",
        "governor",
        "superintend",
        "chief",
        "leader",
        "chair",
        "secretari",
        "commission",
        "alderman",
        "senat",
        "teacher",
        "parent",
        "worker",
        "hygienist",
        "expert",
        "sourc",
    ]
)
_NAME = re.compile(r"(?<![.!?“\"]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+")

_WHEN = re.compile(
    r"^\s*(?:when|what (?:date|day|time|week|month)|how soon|by when|until "
    r"when)\b|\bwhen (?:do|does|did|will|is|are|was|were)\b",
    re.I,
)
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|far|long|big|large|often)\b|\bwhat (?:percentage|"
    r"percent|share|proportion|fraction|rate|number|portion)\b|\bwhat %",
    re.I,
)
_WHO = re.compile(r"^\s*(?:who|whom|whose)\b|\bwho (?:is|are|was|were|did|does|has)\b", re.I)
_SAID = re.compile(r"\bwhat (?:did|does|do|has|have) .{1,80}\b(?:say|said|tell|told|claim)", re.I)


def passage_flags(text: str, terms: set[str]) -> int:
    """What a passage holds, from its text and its set of terms."""
    flags = 0
    if not terms.isdisjoint(_MONTHS) or not terms.isdisjoint(_DAYS):
        flags |= DATE | NUMBER
    for term in terms:
        if term[0].isdigit():
            flags |= (DATE | NUMBER) if "/" in term else NUMBER
            if flags & DATE:
                break
    if not terms.isdisjoint(_SAY):  # quoted or reported: "…,” Jackson said" / "has said"
        flags |= QUOTE
    if not terms.isdisjoint(_ROLES) or _NAME.search(text):
        flags |= PERSON
    return flags


def question_kind(question: str) -> int:
    kind = 0
    if _WHEN.search(question):
        kind |= DATE
    if _HOW_MANY.search(question):
        kind |= NUMBER
    if _WHO.search(question):
        kind |= PERSON
    if _SAID.search(question):
        kind |= QUOTE
    return kind
