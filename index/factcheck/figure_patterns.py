"""The vocabulary and regular expressions that find figures in news text (see
`index.factcheck.figures` for what each kind reads). Every pattern is linear on untrusted
text: runs of spaces are atomic and digit runs are bounded."""

from __future__ import annotations

import re

from index.text import vocab

ONES, TEENS, TENS = vocab.ONES, vocab.TEENS, vocab.TENS
ORDINAL_ONES, ORDINAL_TEENS, ORDINAL_TENS = (
    vocab.ORDINAL_ONES,
    vocab.ORDINAL_TEENS,
    vocab.ORDINAL_TENS,
)
NUMBER_WORDS = vocab.NUMBER_WORDS
ORDINAL_WORDS = vocab.ORDINAL_WORDS
MONTHS = vocab.MONTH_ABBREVIATIONS
DAYS_IN_MONTH = vocab.DAYS_IN_MONTH
_WEEKDAYS = vocab.WEEKDAYS
SCALES = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_DURATION_UNITS = ("second", "minute", "hour", "day", "week", "month", "year")
SECONDS = {"second": 1, "minute": 60, "hour": 3_600, "day": 86_400, "week": 604_800}
MONTHS_IN = {"month": 1, "year": 12}
DURATION_WORDS = frozenset(_DURATION_UNITS) | frozenset(f"{u}s" for u in _DURATION_UNITS)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that are no unit noun (or show there is none): function words, and words that are
# figures of their own.
NOT_UNITS = (
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
    | DURATION_WORDS
    | frozenset(NUMBER_WORDS)
    | frozenset(SCALES)
)
# Verbs that often follow a count's noun: they end a compound ("2,000 staff receive vaccines")
# but may still be the noun itself ("1 win").
VERBS = _word_set("""
    get got need want receive take took make made lose lost face join attend return teach
    work use pay earn hold win show test die died
""")
MONTH_NAMES = frozenset(
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
    + MONTHS
)
# A count of these is the same thing as a count of its modifier: "1,500 staff members" ~ "staff"
PERSON_NOUNS = frozenset(("member", "worker", "employe", "personnel", "peopl", "person"))
YEAR_PREPOSITIONS = frozenset(
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
_SCALE = rf"(?:{_S}(?P<scale>{_words(*SCALES)})\b)?"
_NUM_START = r"(?<![\w@#$/.,:-])"  # not glued to a word, a handle, a price, a date...
_NUM_END = r"(?![\w%/-]|[.,:]\d)"  # ...nor to what follows ("1,50", "9:30", "N95-", "3-0")
_ORD_SUFFIX = r"(?:st|nd|rd|th)"
_ORD_WORD = (
    rf"(?:(?:{_words(*TENS)})-{_words(*ORDINAL_ONES)}"
    rf"|{_words(*ORDINAL_WORDS)})\b"
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

COUNT = re.compile(
    rf"""
    {_QUAL} {_NUM_START} (?: (?P<num>{_NUM}) | (?P<word>{_NUM_WORD}) ) {_SCALE} {_NUM_END}
""",
    _FLAGS,
)
PERCENT = re.compile(
    rf"""
    {_QUAL} {_NUM_START} (?: (?P<num>{_NUM}) | (?P<word>{_NUM_WORD}) )
    (?: [ ]?% | {_S}(?:percent|per{_S}cent)\b )
""",
    _FLAGS,
)
MONEY = re.compile(
    rf"""
    {_QUAL} {_NUM_START}
    (?: \$[ ]?(?P<num>{_NUM}) {_SCALE} {_NUM_END}
      | (?P<num2>{_NUM}) (?:{_S}(?P<scale2>{_words(*SCALES)}))? {_S}dollars?\b )
""",
    _FLAGS,
)
DURATION = re.compile(
    rf"""
    {_QUAL} {_NUM_START} (?: (?P<num>{_NUM}) | (?P<word>{_NUM_WORD}) )
    (?:{_S}|-) (?P<unit>{_words(*_DURATION_UNITS)})s?\b
    (?! (?:{_S}|-)old\b )
""",
    _FLAGS,
)
DATE_WORDS = re.compile(
    rf"""
    (?<![\w.-]) (?P<month>{_MONTH}) \.? {_S} (?P<day>\d{{1,2}}) (?:{_ORD_SUFFIX})? \b
    (?! \d | [.:/-]\d )
    (?: ,?{_S} (?P<year>\d{{4}}) \b (?![.,:/-]?\d) )?
""",
    _FLAGS,
)
DATE_DIGITS = re.compile(
    rf"""
    {_NUM_START} (?P<month>\d{{1,2}}) / (?P<day>\d{{1,2}}) (?: / (?P<year>\d{{4}}|\d{{2}}) )?
    (?! [\w/] | [.,:-]\d | {_S}(?:of|majority)\b )
""",
    _FLAGS,
)
WEEKDAY = re.compile(rf"(?<![\w-])(?P<day>{_words(*_WEEKDAYS)})s?\b", _FLAGS)
GRADE_SPAN = re.compile(
    rf"""
    (?: (?<![\w-])(?P<pre>grades?){_S} )?
    (?<![\w-]) (?P<lo>{_PRE_K}|{_KINDERGARTEN}|k\b|{_GRADE_ORD}|\d{{1,2}}\b)
    {_S} (?:through|thru|to) {_S} (?P<hi>{_GRADE_ORD}|\d{{1,2}}\b)
    (?: (?:{_S}|-)(?P<post>{_GRADE_WORD}) )?
""",
    _FLAGS,
)
GRADE_DASH = re.compile(
    rf"""
    (?: (?<![\w-])(?P<pre>grades?){_S} )?
    (?<![\w-]) (?P<lo>pre-?k|pk|k|\d{{1,2}}(?P<losuf>{_ORD_SUFFIX})?) - (?P<hi>\d{{1,2}})
    (?P<suf>{_ORD_SUFFIX})? \b (?! -\w | [.,/]\d )
    (?: (?:{_S}|-)(?P<post>{_GRADE_WORD}) )?
""",
    _FLAGS,
)
GRADE_ONE = re.compile(
    rf"""
    (?<![\w@#$/.,:-]) (?P<lo>{_GRADE_ORD}) (?:{_S}|-) (?P<post>{_GRADE_WORD})
    | (?<![\w-]) grade{_S} (?P<num>\d{{1,2}}) {_NUM_END}
    | (?<![\w-]) (?P<pk>{_PRE_K}) (?!-\d)
    | (?<![\w-]) (?P<k>{_KINDERGARTEN})
""",
    _FLAGS,
)
ORDINAL = re.compile(
    rf"""
    {_NUM_START} (?: (?P<num>\d{{1,6}}){_ORD_SUFFIX}\b | (?P<word>{_ORD_WORD}) )
""",
    _FLAGS,
)

STREET_AFTER = re.compile(
    rf"""
    {_S} (?: street | st\b\.? | avenue | ave\b\.? | boulevard | blvd\b | road | rd\b
           | parkway | pkwy\b | lane | ln\b | terrace | expressway | highway | hwy\b )
""",
    _FLAGS,
)
NAME_AFTER = re.compile(rf"{_S}(?:Ward|District|Precinct|Amendment)\b")
LABEL_BEFORE = re.compile(
    r"""
    (?: \b[A-Z]{2,5} | (?i:\b(?:channel|route|highway|interstate|room|phase|ward|district
        |local|section|title|article|chapter|proposition|prop|no|number|station|gate|terminal
        |unit|building|floor|suite|apt|platform|line|level|tier|stage|step|game|episode
        |season|volume|vol|part|page|figure|table)\.?) ) [ ]$
""",
    re.VERBOSE,
)
CLOCK_AFTER = re.compile(rf"{_S}(?:a\.?m\b\.?|p\.?m\b\.?)", _FLAGS)
UNIT_WORD = re.compile(rf"{_S}(?P<w>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*)(?![\w-])")
LAST_WORD = re.compile(r"([A-Za-z]+)\W*$")
