"""Figures out of news text, normalised so that equal things compare equal.

`extract(text)` finds the figures a passage states, each with its offsets into the original
text and a normalised, JSON-serialisable value; `same_thing(a, b)` says whether two figures
measure the same kind of quantity (so that their values may be compared) and `same_value(a, b)`
whether they agree. Fact-check mode uses them to set a claim's figures against an article's.

Kinds and their values:

* ``count``: a number and the noun it counts. "25,000 members" -> 25000, unit "member";
  "1.5 million people" -> 1500000, "peopl"; "two sides" -> 2, "side". The unit is the stemmed
  noun after the number (Snowball); a noun compound ending in a plural is kept whole, so
  "1,500 staff members" -> "staff member" and "65,000 Counterfeit N95 Masks" ->
  "counterfeit n95 mask"; a compound stops at a verb ("5 staff receive vaccines" -> "staff").
  A number with no noun after it ("Queen Redd, 38,") is a count with unit None. Number words
  count only before a noun, and never "one" (as often a determiner: "one issue", "no one").
* ``percent``: "75%", "75 percent", "per cent" -> 75.0 (float).
* ``money``: "$1.5 million", "40 dollars" -> 1500000.0, 40.0 (float), unit "USD".
* ``duration``: a number of seconds, minutes, hours, days, weeks, months or years:
  "45 minutes" -> 45, unit "minute"; "one week" -> 1, "week"; "a 45-minute drive" too.
  Ages ("38 years old", "38-year-old") are not durations and give no figure at all.
* ``date``: "Feb. 22", "February 22", "3/1" (US order, month first) -> "02-22", "03-01";
  with a year, "February 7, 2021" and "3/1/21" -> "2021-02-07", "2021-03-01". Lowercase month
  names count ("march 8"), except "may", which is the verb unless it is written "May". A
  fraction before "of" or "majority" ("2/3 of members") is no date, and neither is "24/7".
* ``weekday``: "Thursday", "Mondays" -> "thursday", "monday".
* ``grades``: a school grade or range of grades, canonically "PK", "K", "1".."12", "K-5",
  "6-8", "PK-8": "K-5", "K–5", "6-8th", "K-8th grade", "pre-K", "pre-kindergarten",
  "kindergarten through fifth grade", "Grades 6 through 8", "Kindergartners through eighth
  graders", "eighth grader" -> "8". A bare digit range ("6-8") is a grade range only with a
  grade word around it ("grades 6-8", "6-8 graders") or an ordinal suffix ("6-8th"); "K-9" is
  the police dog, not a range.
* ``ordinal``: "fifth", "5th" -> 5. Not when the ordinal names a street ("119th Street",
  "3rd Ave."), nor a ward, district, precinct or amendment written with a capital.
* ``year``: a bare four-digit number 1900..2099, written without a comma, read as a year
  (AP style writes 2,000 with one) -> 2021 (int). It is a count instead when a plural noun
  follows and no "in/since/by..." precedes it ("2000 members", but "in 2020 teachers").

Rules:

* Matching runs on `analysis.normalize(text)`, which makes curly quotes, dashes and odd spaces
  (NBSP) plain one character for one, so offsets index the original: `text[f.start:f.end] ==
  f.text`. An em dash separates; an en dash joins like a hyphen ("K–5").
* A qualifier before a number ("more than", "at least", "nearly", ...) is kept in `text`; the
  value is the number itself ("more than 70%" -> 70.0).
* Figures never overlap: where readings compete, the leftmost wins, then the longest, then the
  more specific kind (date, grades, money, percent, duration, weekday, ordinal, count, year).
* Not figures: digits glued to letters or to a hyphen ("N95", "COVID-19", "I-57",
  "@DanaCBS2", "2020-21"), a number after a station or label ("CBS 2", "Channel 7", "Route
  66", "Phase 2"), clock times ("9:30", "9 a.m."). A comma joins digits only as a thousands
  separator: "1, Killed" is the count 1 and then a word, "1,50" is nothing.
* Comparing (details in `same_thing` and `same_value`): values are compared only between the
  same thing. Count units match when equal, when one is the head of the other ("member" and
  "staff member"), or when one is the modifier of a person noun ("staff" and "staff member");
  a unit-less count matches only another unit-less count. Durations convert (a week is 7
  days, a year 12 months, but months and days never meet). A date without a year equals the
  same month and day in any year; two dates with years must agree on the year too. Numbers
  are equal within a relative tolerance of 1e-9.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer

from index.models import Figure, Value
from index.text import vocab
from index.text.analysis import grade_of, normalize

KINDS = ("count", "percent", "money", "duration", "date", "weekday", "grades", "ordinal", "year")


# ---------------------------------------------------------------- vocabulary

ONES, TEENS, TENS = vocab.ONES, vocab.TEENS, vocab.TENS
ORDINAL_ONES, ORDINAL_TEENS, ORDINAL_TENS = (
    vocab.ORDINAL_ONES,
    vocab.ORDINAL_TEENS,
    vocab.ORDINAL_TENS,
)
_NUMBER_WORDS = vocab.NUMBER_WORDS
_ORDINAL_WORDS = vocab.ORDINAL_WORDS
_MONTHS = vocab.MONTH_ABBREVIATIONS
_DAYS_IN_MONTH = vocab.DAYS_IN_MONTH
_WEEKDAYS = vocab.WEEKDAYS
_SCALES = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_DURATION_UNITS = ("second", "minute", "hour", "day", "week", "month", "year")
_SECONDS = {"second": 1, "minute": 60, "hour": 3_600, "day": 86_400, "week": 604_800}
_MONTHS_IN = {"month": 1, "year": 12}
_DURATION_WORDS = frozenset(_DURATION_UNITS) | frozenset(f"{u}s" for u in _DURATION_UNITS)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that are no unit noun (or show there is none): function words, and words that are
# figures of their own.
_NOT_UNITS = (
    _word_set("""
    a an the and or but nor of to in on at by for from with without into onto over under
    than then as per via about above after against along among around before behind below
    between beyond during except inside near off out past since through toward towards until
    up upon within this that these those it its their his her our your my who whom whose
    which what when where why how there here is are was were be been being am has have had
    do does did will would shall should can could may might must not no so if each every
    all any both either neither few many more most much other some such only own same too
    very just also still again even percent dollar dollars cent cents am pm th st nd rd
    say says said tell tells told
""")
    | frozenset(_WEEKDAYS)
    | _DURATION_WORDS
    | frozenset(_NUMBER_WORDS)
    | frozenset(_SCALES)
)
# Verbs that often follow a count's noun: they end a compound ("2,000 staff receive vaccines")
# but may still be the noun itself ("1 win").
_VERBS = _word_set("""
    get got need want receive take took make made lose lost face join attend return teach
    work use pay earn hold win show test die died
""")
_MONTH_NAMES = frozenset(
    (
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "sept",
        "october",
        "november",
        "december",
    )
    + _MONTHS
)
# A count of these is the same thing as a count of its modifier: "1,500 staff members" ~ "staff"
_PERSON_NOUNS = frozenset(("member", "worker", "employe", "personnel", "peopl", "person"))
_YEAR_PREPOSITIONS = frozenset(
    (
        "in",
        "since",
        "by",
        "until",
        "till",
        "of",
        "from",
        "before",
        "after",
        "during",
        "through",
        "to",
        "and",
        "or",
        "between",
    )
)

# ---------------------------------------------------------------- patterns

_FLAGS = re.ASCII | re.IGNORECASE | re.VERBOSE
# A run of spaces, across at most one line break; atomic, so long runs cost no backtracking.
_S = r"(?=[ \t\r\n])(?>[ \t]*+(?:\r?\n[ \t]*+)?)"


def _words(*words: str) -> str:
    """An alternation of words, longest first, with spaces matching any `_S`."""
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", _S) for w in ordered) + ")"


_QUALIFIER = _words(
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "close to",
    "as many as",
    "as few as",
    "upwards of",
    "just over",
    "just under",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "over",
    "under",
    "some",
)
_QUAL = rf"(?:(?<![\w-])(?P<q>{_QUALIFIER}){_S})?"
_NUM = r"(?:\d{1,3}(?:,\d{3}){1,5}|\d{1,15})(?:\.\d{1,12})?"  # longer digit runs are codes
_NUM_WORD = (
    rf"(?:(?:{_words(*TENS)})(?:-{_words(*ONES)})?|{_words(*TEENS)}"
    rf"|{_words(*ONES)})\b"
)
_SCALE = rf"(?:{_S}(?P<scale>{_words(*_SCALES)})\b)?"
_NUM_START = r"(?<![\w@#$/.,:-])"  # not glued to a word, a handle, a price, a date...
_NUM_END = r"(?![\w%/-]|[.,:]\d)"  # ...nor to what follows ("1,50", "9:30", "N95-", "3-0")
_ORD_SUFFIX = r"(?:st|nd|rd|th)"
_ORD_WORD = (
    rf"(?:(?:{_words(*TENS)})-{_words(*ORDINAL_ONES)}"
    rf"|{_words(*_ORDINAL_WORDS)})\b"
)
_GRADE_ORD = rf"(?:{_words(*ORDINAL_ONES, *ORDINAL_TEENS[:3])}|\d{{1,2}}{_ORD_SUFFIX})"
_GRADE_WORD = r"grade(?:s|rs?)?\b"
_K_FORMS = r"indergart(?:en|ens|ener|eners|ner|ners)\b"
_PRE_K = rf"pre-?(?:{_S})?k(?:{_K_FORMS}|\b)"
_KINDERGARTEN = rf"k{_K_FORMS}"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)

_COUNT = re.compile(
    rf"""
    {_QUAL} {_NUM_START} (?: (?P<num>{_NUM}) | (?P<word>{_NUM_WORD}) ) {_SCALE} {_NUM_END}
""",
    _FLAGS,
)
_PERCENT = re.compile(
    rf"""
    {_QUAL} {_NUM_START} (?: (?P<num>{_NUM}) | (?P<word>{_NUM_WORD}) )
    (?: [ ]?% | {_S}(?:percent|per{_S}cent)\b )
""",
    _FLAGS,
)
_MONEY = re.compile(
    rf"""
    {_QUAL} {_NUM_START}
    (?: \$[ ]?(?P<num>{_NUM}) {_SCALE} {_NUM_END}
      | (?P<num2>{_NUM}) (?:{_S}(?P<scale2>{_words(*_SCALES)}))? {_S}dollars?\b )
""",
    _FLAGS,
)
_DURATION = re.compile(
    rf"""
    {_QUAL} {_NUM_START} (?: (?P<num>{_NUM}) | (?P<word>{_NUM_WORD}) )
    (?:{_S}|-) (?P<unit>{_words(*_DURATION_UNITS)})s?\b
    (?! (?:{_S}|-)old\b )
""",
    _FLAGS,
)
_DATE_WORDS = re.compile(
    rf"""
    (?<![\w.-]) (?P<month>{_MONTH}) \.? {_S} (?P<day>\d{{1,2}}) (?:{_ORD_SUFFIX})? \b
    (?! \d | [.:/-]\d )
    (?: ,?{_S} (?P<year>\d{{4}}) \b (?![.,:/-]?\d) )?
""",
    _FLAGS,
)
_DATE_DIGITS = re.compile(
    rf"""
    {_NUM_START} (?P<month>\d{{1,2}}) / (?P<day>\d{{1,2}}) (?: / (?P<year>\d{{4}}|\d{{2}}) )?
    (?! [\w/] | [.,:-]\d | {_S}(?:of|majority)\b )
""",
    _FLAGS,
)
_WEEKDAY = re.compile(rf"(?<![\w-])(?P<day>{_words(*_WEEKDAYS)})s?\b", _FLAGS)
_GRADE_SPAN = re.compile(
    rf"""
    (?: (?<![\w-])(?P<pre>grades?){_S} )?
    (?<![\w-]) (?P<lo>{_PRE_K}|{_KINDERGARTEN}|k\b|{_GRADE_ORD}|\d{{1,2}}\b)
    {_S} (?:through|thru|to) {_S} (?P<hi>{_GRADE_ORD}|\d{{1,2}}\b)
    (?: (?:{_S}|-)(?P<post>{_GRADE_WORD}) )?
""",
    _FLAGS,
)
_GRADE_DASH = re.compile(
    rf"""
    (?: (?<![\w-])(?P<pre>grades?){_S} )?
    (?<![\w-]) (?P<lo>pre-?k|pk|k|\d{{1,2}}(?P<losuf>{_ORD_SUFFIX})?) - (?P<hi>\d{{1,2}})
    (?P<suf>{_ORD_SUFFIX})? \b (?! -\w | [.,/]\d )
    (?: (?:{_S}|-)(?P<post>{_GRADE_WORD}) )?
""",
    _FLAGS,
)
_GRADE_ONE = re.compile(
    rf"""
    (?<![\w@#$/.,:-]) (?P<lo>{_GRADE_ORD}) (?:{_S}|-) (?P<post>{_GRADE_WORD})
    | (?<![\w-]) grade{_S} (?P<num>\d{{1,2}}) {_NUM_END}
    | (?<![\w-]) (?P<pk>{_PRE_K}) (?!-\d)
    | (?<![\w-]) (?P<k>{_KINDERGARTEN})
""",
    _FLAGS,
)
_ORDINAL = re.compile(
    rf"""
    {_NUM_START} (?: (?P<num>\d{{1,6}}){_ORD_SUFFIX}\b | (?P<word>{_ORD_WORD}) )
""",
    _FLAGS,
)

_STREET_AFTER = re.compile(
    rf"""
    {_S} (?: street | st\b\.? | avenue | ave\b\.? | boulevard | blvd\b | road | rd\b
           | parkway | pkwy\b | lane | ln\b | terrace | expressway | highway | hwy\b )
""",
    _FLAGS,
)
_NAME_AFTER = re.compile(rf"{_S}(?:Ward|District|Precinct|Amendment)\b")
_LABEL_BEFORE = re.compile(
    r"""
    (?: \b[A-Z]{2,5} | (?i:\b(?:channel|route|highway|interstate|room|phase|ward|district
        |local|section|title|article|chapter|proposition|prop|no|number|station|gate|terminal
        |unit|building|floor|suite|apt|platform|line|level|tier|stage|step|game|episode
        |season|volume|vol|part|page|figure|table)\.?) ) [ ]$
""",
    re.VERBOSE,
)
_CLOCK_AFTER = re.compile(rf"{_S}(?:a\.?m\b\.?|p\.?m\b\.?)", _FLAGS)
_UNIT_WORD = re.compile(rf"{_S}(?P<w>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*)(?![\w-])")
_LAST_WORD = re.compile(r"([A-Za-z]+)\W*$")

_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        ("date", "grades", "money", "percent", "duration", "weekday", "ordinal", "count", "year")
    )
}


# ---------------------------------------------------------------- extracting


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
    for m in _COUNT.finditer(s):
        bare = m["num"] is not None and m["num"].isdigit() and not (m["q"] or m["scale"])
        if bare and (
            _LABEL_BEFORE.search(s, max(0, m.start() - 16), m.start())
            or _CLOCK_AFTER.match(s, m.end())
        ):
            continue
        after = _UNIT_WORD.match(s, m.end())
        if after is not None and after["w"].lower() in _DURATION_WORDS:
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
        m = _UNIT_WORD.match(s, end)
        if m is None or not _could_be_unit(m["w"].lower()):
            break
        word = m["w"].lower()
        if words and (_plural(words[-1]) or word in _VERBS or word.endswith(("ed", "ing", "ly"))):
            break
        words.append(word)
        ends.append(m.end())
        end = m.end()
    while len(words) > 1 and not _plural(words[-1]):
        words.pop()
        ends.pop()
    return words, (ends[-1] if ends else pos)


def _could_be_unit(word: str) -> bool:
    return len(word) > 1 and word not in _NOT_UNITS and word not in _MONTH_NAMES


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _looks_like_year(s: str, m: re.Match[str], words: list[str]) -> bool:
    if not 1900 <= int(m["num"]) <= 2099:
        return False
    before = _LAST_WORD.search(s, max(0, m.start() - 12), m.start())
    after_preposition = before is not None and before[1].lower() in _YEAR_PREPOSITIONS
    return not words or after_preposition or not _plural(words[0])


def _percents(s: str) -> Iterator[Figure]:
    for m in _PERCENT.finditer(s):
        yield _figure(s, m, "percent", float(_number(m["num"], m["word"], None)))


def _money(s: str) -> Iterator[Figure]:
    for m in _MONEY.finditer(s):
        num, scale = (m["num"], m["scale"]) if m["num"] else (m["num2"], m["scale2"])
        yield _figure(s, m, "money", float(_number(num, None, scale)), "USD")


def _durations(s: str) -> Iterator[Figure]:
    for m in _DURATION.finditer(s):
        value = _number(m["num"], m["word"], None)
        yield _figure(s, m, "duration", value, m["unit"].lower())


def _dates(s: str) -> Iterator[Figure]:
    for m in _DATE_WORDS.finditer(s):
        if m["month"].lower() == "may" and m["month"] not in ("May", "MAY"):
            continue  # "teachers may 5..." is the verb
        month = _MONTHS.index(m["month"][:3].lower()) + 1
        value = _date_value(month, int(m["day"]), m["year"])
        if value is not None:
            yield _figure(s, m, "date", value)
    for m in _DATE_DIGITS.finditer(s):
        year = m["year"] and (m["year"] if len(m["year"]) == 4 else f"20{m['year']}")
        value = _date_value(int(m["month"]), int(m["day"]), year)
        if value is not None:
            yield _figure(s, m, "date", value)


def _date_value(month: int, day: int, year: str | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]):
        return None
    if year is None:
        return f"{month:02d}-{day:02d}"
    try:
        return date(int(year), month, day).isoformat()
    except ValueError:
        return None


def _weekdays(s: str) -> Iterator[Figure]:
    for m in _WEEKDAY.finditer(s):
        yield _figure(s, m, "weekday", m["day"].lower())


def _grades(s: str) -> Iterator[Figure]:
    for m in _GRADE_SPAN.finditer(s):
        lo = _grade(m["lo"])
        if (lo in ("PK", "K") and len(m["lo"]) > 1) or m["pre"] or m["post"]:
            yield from _grade_range(s, m, lo, _grade(m["hi"]))
    for m in _GRADE_DASH.finditer(s):
        lo = _grade(m["lo"])
        if lo in ("PK", "K") or m["losuf"] or m["suf"] or m["pre"] or m["post"]:
            yield from _grade_range(s, m, lo, _grade(m["hi"]))
    for m in _GRADE_ONE.finditer(s):
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
    for m in _ORDINAL.finditer(s):
        if _STREET_AFTER.match(s, m.end()) or _NAME_AFTER.match(s, m.end()):
            continue
        value = int(m["num"]) if m["num"] else _ordinal_word(m["word"].lower())
        yield _figure(s, m, "ordinal", value)


def _ordinal_word(word: str) -> int:
    tens, _, ones = word.rpartition("-")
    return (_NUMBER_WORDS[tens] if tens else 0) + _ORDINAL_WORDS[ones]


def _number(digits: str | None, word: str | None, scale: str | None) -> int | float:
    """ "25,000" -> 25000, "2.5" -> 2.5, "twenty-five" -> 25, ("1.5", "million") -> 1500000."""
    if digits is not None:
        value: int | float = (
            float(digits.replace(",", "")) if "." in digits else int(digits.replace(",", ""))
        )
    else:
        tens, _, ones = (word or "").lower().rpartition("-")
        value = (_NUMBER_WORDS[tens] if tens else 0) + _NUMBER_WORDS[ones]
    if scale:
        value = value * _SCALES[scale.lower()]
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


# ---------------------------------------------------------------- comparing


def same_thing(a: Figure, b: Figure) -> bool:
    """Whether `a` and `b` measure the same kind of quantity, so their values may be compared.

    Same kind, and for counts units that match: equal, or one the head of the other ("member"
    and "staff member"), or one the modifier of a person noun ("staff" and "staff member"). A
    count with no unit matches only another count with no unit. Durations match within
    seconds..weeks or within months..years (a month is not a whole number of days). Money
    needs the same currency. Any two dates, weekdays, grades, ordinals, percents or years are
    the same thing.
    """
    if a.kind != b.kind:
        return False
    if a.kind == "count":
        return _units_match(a.unit, b.unit)
    if a.kind == "duration":
        return _duration_scale(a.unit) is not None and _duration_family(a.unit) == _duration_family(
            b.unit
        )
    if a.kind == "money":
        return a.unit == b.unit
    return True


def same_value(a: Figure, b: Figure) -> bool:
    """Whether `a` and `b` are the same thing (see `same_thing`) with equal normalised values.

    Numbers are compared with a relative tolerance of 1e-9 (so 25000 == 25,000 and 75% ==
    75 percent); durations after conversion ("one week" == "7 days"); dates by month and day,
    and by year too only when both have one ("February 7, 2021" == "Feb. 7", but
    "2021-02-07" != "2020-02-07").
    """
    if not same_thing(a, b):
        return False
    if a.kind == "duration":
        return _close(a.value, b.value, _duration_scale(a.unit), _duration_scale(b.unit))
    if a.kind == "date":
        return _same_date(str(a.value), str(b.value))
    if isinstance(a.value, int | float) and isinstance(b.value, int | float):
        return _close(a.value, b.value)
    return a.value == b.value


def _units_match(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    short, long = sorted((tuple(a.split()), tuple(b.split())), key=len)
    if short == long[len(long) - len(short) :]:
        return True
    return len(short) == 1 and long[-1] in _PERSON_NOUNS and long[:-1] == short


def _duration_family(unit: str | None) -> str | None:
    if unit in _SECONDS:
        return "seconds"
    return "months" if unit in _MONTHS_IN else None


def _duration_scale(unit: str | None) -> int | None:
    if unit is None:
        return None
    return _SECONDS.get(unit, _MONTHS_IN.get(unit))


def _close(a: Value, b: Value, scale_a: int | None = 1, scale_b: int | None = 1) -> bool:
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return a == b
    return math.isclose(a * (scale_a or 1), b * (scale_b or 1), rel_tol=1e-9, abs_tol=1e-9)


def _same_date(a: str, b: str) -> bool:
    if a[-5:] != b[-5:]:
        return False
    return len(a) == 5 or len(b) == 5 or a[:4] == b[:4]
