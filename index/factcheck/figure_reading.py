"""Reading figures out of news text: each kind's recogniser runs its pattern, checks what
surrounds a match, and normalises the value; `extract` keeps the leftmost, longest, most
specific reading where they compete. What each kind reads is in `index.factcheck.figures`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer

from index.factcheck.figure_patterns import (
    CLOCK_AFTER,
    COUNT,
    DATE_DIGITS,
    DATE_WORDS,
    DAYS_IN_MONTH,
    DURATION,
    DURATION_WORDS,
    GRADE_DASH,
    GRADE_ONE,
    GRADE_SPAN,
    LABEL_BEFORE,
    LAST_WORD,
    MONEY,
    MONTH_NAMES,
    MONTHS,
    NAME_AFTER,
    NOT_UNITS,
    NUMBER_WORDS,
    ORDINAL,
    ORDINAL_WORDS,
    PERCENT,
    SCALES,
    STREET_AFTER,
    UNIT_WORD,
    VERBS,
    WEEKDAY,
    YEAR_PREPOSITIONS,
)
from index.models import Figure, Value
from index.text.analysis import grade_of, normalize

_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        ("date", "grades", "money", "percent", "duration", "weekday", "ordinal", "count", "year")
    )
}


def extract(text: str) -> list[Figure]:
    """The figures in `text`, in order of appearance, none overlapping another."""
    normal = normalize(text)
    found = [
        f
        for recognise in _RECOGNISERS
        for f in recognise(normal)
        if _isolated(normal, f.start, f.end)
    ]
    return [replace(f, text=text[f.start : f.end]) for f in _without_overlaps(found)]


def _without_overlaps(found: list[Figure]) -> list[Figure]:
    """Leftmost first, then longest, then the more specific kind."""
    kept: list[Figure] = []
    end = 0
    for f in sorted(found, key=lambda f: (f.start, -f.end, _PRIORITY[f.kind])):
        if f.start >= end:
            kept.append(f)
            end = f.end
    return kept


def _isolated(s: str, start: int, end: int) -> bool:
    """Not glued to a letter or digit (of any script) on either side."""
    before = s[start - 1] if start > 0 else " "
    after = s[end] if end < len(s) else " "
    return not (before.isalnum() or before in "_@#" or after.isalnum() or after == "_")


def _figure(
    s: str,
    m: re.Match[str],
    kind: str,
    value: Value,
    unit: str | None = None,
    end: int | None = None,
) -> Figure:
    stop = m.end() if end is None else end
    return Figure(s[m.start() : stop], kind, value, unit, m.start(), stop)


def _counts(s: str) -> Iterator[Figure]:
    for m in COUNT.finditer(s):
        bare = m["num"] is not None and m["num"].isdigit() and not (m["q"] or m["scale"])
        if bare and (
            LABEL_BEFORE.search(s, max(0, m.start() - 16), m.start())
            or CLOCK_AFTER.match(s, m.end())
        ):
            continue
        after = UNIT_WORD.match(s, m.end())
        if after is not None and after["w"].lower() in DURATION_WORDS:
            continue  # a duration (read by `_durations`) or an age ("38 years old"): not a count
        words, end = _unit_words(s, m.end())
        if m["word"] and (not words or m["word"].lower() == "one"):
            continue
        if bare and len(m["num"]) == 4 and _looks_like_year(s, m, words):
            yield _figure(s, m, "year", int(m["num"]))
            continue
        unit = " ".join(_stem(w) for w in words) if words else None
        yield _figure(s, m, "count", _number(m["num"], m["word"], m["scale"]), unit, end)


def _unit_words(s: str, pos: int) -> tuple[list[str], int]:
    """The noun a number counts: one word, or a compound of up to three ending in a plural."""
    words: list[str] = []
    ends: list[int] = []
    end = pos
    while len(words) < 3:
        m = UNIT_WORD.match(s, end)
        if m is None or not _could_be_unit(m["w"].lower()):
            break
        word = m["w"].lower()
        if words and (_plural(words[-1]) or word in VERBS or word.endswith(("ed", "ing", "ly"))):
            break
        words.append(word)
        ends.append(m.end())
        end = m.end()
    while len(words) > 1 and not _plural(words[-1]):
        words.pop()
        ends.pop()
    return words, (ends[-1] if ends else pos)


def _could_be_unit(word: str) -> bool:
    return len(word) > 1 and word not in NOT_UNITS and word not in MONTH_NAMES


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _looks_like_year(s: str, m: re.Match[str], words: list[str]) -> bool:
    if not 1900 <= int(m["num"]) <= 2099:
        return False
    before = LAST_WORD.search(s, max(0, m.start() - 12), m.start())
    after_preposition = before is not None and before[1].lower() in YEAR_PREPOSITIONS
    return not words or after_preposition or not _plural(words[0])


def _percents(s: str) -> Iterator[Figure]:
    for m in PERCENT.finditer(s):
        yield _figure(s, m, "percent", float(_number(m["num"], m["word"], None)))


def _money(s: str) -> Iterator[Figure]:
    for m in MONEY.finditer(s):
        num, scale = (m["num"], m["scale"]) if m["num"] else (m["num2"], m["scale2"])
        yield _figure(s, m, "money", float(_number(num, None, scale)), "USD")


def _durations(s: str) -> Iterator[Figure]:
    for m in DURATION.finditer(s):
        value = _number(m["num"], m["word"], None)
        yield _figure(s, m, "duration", value, m["unit"].lower())


def _dates(s: str) -> Iterator[Figure]:
    for m in DATE_WORDS.finditer(s):
        if m["month"].lower() == "may" and m["month"] not in ("May", "MAY"):
            continue  # "teachers may 5..." is the verb
        month = MONTHS.index(m["month"][:3].lower()) + 1
        value = _date_value(month, int(m["day"]), m["year"])
        if value is not None:
            yield _figure(s, m, "date", value)
    for m in DATE_DIGITS.finditer(s):
        year = m["year"] and (m["year"] if len(m["year"]) == 4 else f"20{m['year']}")
        value = _date_value(int(m["month"]), int(m["day"]), year)
        if value is not None:
            yield _figure(s, m, "date", value)


def _date_value(month: int, day: int, year: str | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month - 1]):
        return None
    if year is None:
        return f"{month:02d}-{day:02d}"
    try:
        return date(int(year), month, day).isoformat()
    except ValueError:
        return None


def _weekdays(s: str) -> Iterator[Figure]:
    for m in WEEKDAY.finditer(s):
        yield _figure(s, m, "weekday", m["day"].lower())


def _grades(s: str) -> Iterator[Figure]:
    for m in GRADE_SPAN.finditer(s):
        lo = _grade(m["lo"])
        if (lo in ("PK", "K") and len(m["lo"]) > 1) or m["pre"] or m["post"]:
            yield from _grade_range(s, m, lo, _grade(m["hi"]))
    for m in GRADE_DASH.finditer(s):
        lo = _grade(m["lo"])
        if lo in ("PK", "K") or m["losuf"] or m["suf"] or m["pre"] or m["post"]:
            yield from _grade_range(s, m, lo, _grade(m["hi"]))
    for m in GRADE_ONE.finditer(s):
        grade = _grade(m["lo"] or m["num"] or m["pk"] or m["k"])
        if grade in ("PK", "K") or 1 <= int(grade) <= 12:
            yield _figure(s, m, "grades", grade)


def _grade_range(s: str, m: re.Match[str], lo: str, hi: str) -> Iterator[Figure]:
    """Only a real span of school grades: "K-5", "6-8"; never "8-6", "5-14" nor "K-9" (dogs)."""
    low = {"PK": -1, "K": 0}[lo] if lo in ("PK", "K") else int(lo)
    if (low != 0 or lo == "K") and low < int(hi) <= 12 and (lo, hi) != ("K", "9"):
        yield _figure(s, m, "grades", f"{lo}-{hi}")


def _grade(written: str) -> str:
    """ "pre-K" -> "PK", "Kindergartners" -> "K", "fifth"/"5th"/"5" -> "5"."""
    return grade_of(written)


def _ordinals(s: str) -> Iterator[Figure]:
    for m in ORDINAL.finditer(s):
        if STREET_AFTER.match(s, m.end()) or NAME_AFTER.match(s, m.end()):
            continue
        value = int(m["num"]) if m["num"] else _ordinal_word(m["word"].lower())
        yield _figure(s, m, "ordinal", value)


def _ordinal_word(word: str) -> int:
    tens, _, ones = word.rpartition("-")
    return (NUMBER_WORDS[tens] if tens else 0) + ORDINAL_WORDS[ones]


def _number(digits: str | None, word: str | None, scale: str | None) -> int | float:
    """ "25,000" -> 25000, "2.5" -> 2.5, "twenty-five" -> 25, ("1.5", "million") -> 1500000."""
    if digits is not None:
        value: int | float = (
            float(digits.replace(",", "")) if "." in digits else int(digits.replace(",", ""))
        )
    else:
        tens, _, ones = (word or "").lower().rpartition("-")
        value = (NUMBER_WORDS[tens] if tens else 0) + NUMBER_WORDS[ones]
    if scale:
        value = value * SCALES[scale.lower()]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    return value


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _STEMMER.stem(word)


_STEMMER = SnowballStemmer("english")
_RECOGNISERS: tuple[Callable[[str], Iterator[Figure]], ...] = (
    _dates,
    _grades,
    _money,
    _percents,
    _durations,
    _weekdays,
    _ordinals,
    _counts,
)
