"""Text -> terms. One analyzer for passages and questions alike.

The steps, all offline (no NLTK data files are needed or downloaded):

1. normalise: curly quotes to straight, dashes and odd spaces to plain ones, one
   character for one so offsets still point into the published text;
2. tokenise with nltk's `RegexpTokenizer`, keeping news tokens whole: dates
   ("Feb. 22", "March 1", "3/1"), grade ranges ("K-5", "6-8th", "pre-K"), numbers
   ("25,000", "2.5%", "75 percent"), and words with digits ("COVID-19", "N95");
3. turn each token into terms: case folded, accents dropped from Latin words
   ("café" finds "cafe"), stopwords (shipped in
   `index/data/stopwords.txt`) dropped, words stemmed with nltk's Snowball
   stemmer, numbers and dates put in one canonical form so that "25,000" finds
   "25000", "75 percent" finds "75%", "March 1" finds "3/1", "fifth" finds "5th".

Token -> terms is memoised, so analysing a large archive costs little more than
running the tokeniser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from nltk.stem.snowball import SnowballStemmer

from index.text import vocab

# ---------------------------------------------------------------- normalising

_ONE_FOR_ONE = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc`\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"),
    **dict.fromkeys("\u2014\u2015", " "),  # an em dash separates, it never joins
    **dict.fromkeys(
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff",
        " ",
    ),
    "\u2026": ".",
    "\uff05": "%",
}
_ODD = re.compile("[" + re.escape("".join(_ONE_FOR_ONE)) + "]")


def normalize(text: str) -> str:
    """Quotes, dashes and spaces made plain, one character for one (offsets survive)."""
    if text.isascii():  # most text, and the check is nearly free
        return text
    return _ODD.sub(lambda m: _ONE_FOR_ONE[m.group()], text)


def fold(text: str) -> str:
    """The form two texts are compared in: normalised, case folded, whitespace collapsed."""
    return " ".join(normalize(text).casefold().split())


# ---------------------------------------------------------------- sentences

# Linear on any input: a match can only start where a run of end marks starts (the
# lookbehind), and the possessive quantifiers never give back what they took, so a run
# of 50,000 dots is one attempt, not 50,000 attempts of 50,000 steps each.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s++[\"“‘(\[]?[A-Z0-9])")
_SPACES = re.compile(r"\s*")
_WORD_REACH = 16  # an abbreviation or an initial is shorter than this
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof gov sen rep gen lt col sgt capt st ave blvd rd jr sr no vs etc inc "
        "corp co ltd dept jan feb mar apr jun jul aug sep sept oct nov dec u.s a.m p.m"
    ).split()
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, not split after "Dr.", "Feb.", "U.S." or initials.
    Linear in the length of `text`: each end mark looks back a bounded distance."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith(".") and _abbreviation(text, m.start()):
            continue
        end = m.end()
        spans.append((start, end))
        start = _SPACES.match(text, end).end()
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return spans


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the word before the dot at `dot` is an abbreviation or an initial."""
    head = text[max(0, dot - _WORD_REACH) : dot]
    words = head.rsplit(None, 1)
    if not words or (len(words[-1]) == len(head) and dot > _WORD_REACH):
        return False  # nothing before it, or a word too long to be an abbreviation
    word = words[-1].lstrip('"“‘(')
    return word.casefold() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


# ---------------------------------------------------------------- tokenising

_MONTH_NAMES = vocab.MONTHS
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)"
_TOKEN = rf"""
      {_MONTH}\.?[ ]\d{{1,2}}{_ORD}?\b(?:,?[ ]\d{{4}}\b)?          # Feb. 22 | February 7, 2021
    | \d{{1,2}}/\d{{1,2}}(?:/\d{{4}}|/\d{{2}})?\b                  # 3/1 | 3/1/2021
    | (?:pre-?k|k|\d{{1,2}}{_ORD}?)-\d{{1,2}}{_ORD}?(?![\w.,]\d)\b  # K-5 | 6-8th | pre-K-8
    | \$?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?                 # 25,000 | 2.5 | $40
      (?:[ ]?%|[ ]percent\b|{_ORD}\b)?                           # ...% | ... percent | 5th
    | [^\W_]+(?:['-][^\W_]+)*                                    # words, COVID-19, N95, CTU's
"""
# The tokenizer is nltk's RegexpTokenizer with this pattern. nltk runs every match
# through the `regex` engine under a ReDoS timeout, which doubles the cost; the pattern
# has no nested quantifiers, so the hot paths run the same pattern with stdlib `re`
# (tests/test_analysis.py checks they find exactly the tokens nltk's tokenizer finds).


def reference_tokenizer():
    """nltk's RegexpTokenizer with the same pattern: what the fast paths must agree with
    (imported here, not at module level, so searching never loads nltk's tokenizers)."""
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(_TOKEN, flags=re.UNICODE | re.IGNORECASE | re.VERBOSE)


_FAST_TOKENS = re.compile(_TOKEN, re.UNICODE | re.VERBOSE).findall  # on lower-cased text
_FAST_SPANS = re.compile(_TOKEN, re.UNICODE | re.IGNORECASE | re.VERBOSE).finditer

_DATE_WORDS = re.compile(rf"({_MONTH})\.? (\d{{1,2}}){_ORD}?(?:,? (\d{{4}}))?")
_DATE_NUM = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?")
_GRADES = re.compile(rf"(pre-?k|k|\d{{1,2}}){_ORD}?-(\d{{1,2}}){_ORD}?")
_NUMBER = re.compile(rf"\$?([\d,]+(?:\.\d+)?)( ?%| percent|{_ORD})?")

# Spelled-out numbers and ordinals up to twelve (grades, small counts) are indexed as digits.
NUMBER_WORDS = {w: str(n) for w, n in vocab.NUMBER_WORDS.items() if n <= 12}
ORDINAL_WORDS = {w: vocab.ordinal_suffix(n) for w, n in vocab.ORDINAL_WORDS.items() if n <= 12}
_PRE_K = {"pre-k", "prek", "pre-kindergarten", "prekindergarten", "pre-kindergartners"}

# Grade ranges spelled out: "kindergarten through fifth grade", "sixth through eighth
# grade", "grades 6 through 8", "Kindergartners through eighth graders" -> "k-5", "6-8"...
_GRADE_WORD = (
    r"(?:kindergart(?:en|ners?)|pre-?k(?:indergarten)?|\d{1,2}(?:st|nd|rd|th)?|"
    + "|".join(ORDINAL_WORDS)
    + ")"
)
_GRADE_PHRASE = re.compile(
    rf"\b(?:grades?\s+)?({_GRADE_WORD})(?:\s+grade(?:rs?)?)?\s+(?:through|to|thru)\s+"
    rf"({_GRADE_WORD})(?:\s+grade(?:rs?|s)?)\b|\bgrades\s+(k|\d{{1,2}})\s+(?:through|to|thru)"
    rf"\s+(\d{{1,2}})\b",
    re.IGNORECASE,
)


def month_number(name: str) -> int:
    name = name.lower()[:3]
    return next(i for i, full in enumerate(_MONTH_NAMES, 1) if full.startswith(name))


def _year(text: str) -> str:
    return text if len(text) == 4 else f"20{text}"


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the original text: its terms and where it is."""

    start: int
    end: int
    terms: tuple[str, ...]


class Analyzer:
    """Text -> terms. Build one per process; it is cheap to call and memoises tokens."""

    VERSION = 3  # bump when the terms a text produces change: saved indexes are rebuilt

    def __init__(
        self,
        stopwords: Iterable[str] | None = None,
        wordforms: dict[str, str] | None = None,
        grade_phrases: bool = True,
    ) -> None:
        self.stopwords = frozenset(stopwords) if stopwords is not None else load_stopwords()
        self.wordforms = wordforms if wordforms is not None else load_wordforms()
        self.grade_phrases = grade_phrases
        self._stemmer = SnowballStemmer("english")
        self._cache: dict[str, tuple[str, ...]] = {}

    @cached_property
    def fingerprint(self) -> str:
        """What a saved index must match to be reused with this analyzer."""
        import hashlib

        data = (
            "\n".join(sorted(self.stopwords))
            + "\n--\n"
            + "\n".join(f"{k} {v}" for k, v in sorted(self.wordforms.items()))
        )
        return f"analyzer-v{self.VERSION}-{hashlib.sha256(data.encode()).hexdigest()[:12]}"

    # The hot path: called once per paragraph when indexing.
    def terms(self, text: str) -> list[str]:
        out: list[str] = []
        cache = self._cache
        normal = normalize(text).lower()
        for token in _FAST_TOKENS(normal):
            terms = cache.get(token)
            if terms is None:
                terms = self._remember(token)
            out.extend(terms)
        if self.grade_phrases and "grade" in normal:  # every spelled-out range says grade(s)
            out.extend(grade_ranges(normal))
        return out

    def term_sequence(self, text: str) -> list[tuple[str, ...]]:
        """Each token's terms, in order (a stopword's are empty): what `terms` indexes,
        position by position, for proximity. No offsets, so no match objects: on a
        warm cache this costs the tokenizer's C loop and one dict look-up a token."""
        tokens = _FAST_TOKENS(normalize(text).lower())
        get = self._cache.get
        out = [get(token) for token in tokens]
        if None in out:
            out = [self._remember(t) if s is None else s for t, s in zip(tokens, out, strict=True)]
        return out

    def tokens(self, text: str) -> list[Token]:
        """Each token with its offsets into `text`, for highlighting and figures."""
        normal = normalize(text)
        cache = self._cache
        result = []
        for m in _FAST_SPANS(normal):
            start, end = m.span()
            token = m.group().lower()
            terms = cache.get(token)
            if terms is None:
                terms = self._remember(token)
            result.append(Token(start, end, terms))
        return result

    def spans(self, text: str, wanted: set[str] | frozenset[str]) -> list[tuple[int, int]]:
        """The (start, end) offsets of the tokens holding one of the `wanted` terms: the
        same as filtering `tokens`, without building a Token for every word."""
        get = self._cache.get
        out = []
        for m in _FAST_SPANS(normalize(text)):
            token = m.group().lower()
            terms = get(token)
            if terms is None:
                terms = self._remember(token)
            if terms and not wanted.isdisjoint(terms):
                out.append(m.span())
        return out

    def _remember(self, token: str) -> tuple[str, ...]:
        terms = self._token_terms(token)
        if len(self._cache) > 1_000_000:  # a bound for adversarial input; Zipf keeps it small
            self._cache.clear()
        self._cache[token] = terms
        return terms

    def _token_terms(self, token: str) -> tuple[str, ...]:
        t = token.casefold()
        first = t[0]
        if first.isdigit() or first == "$":
            return self._numeric_terms(t)
        if (m := _DATE_WORDS.fullmatch(t)) is not None:
            month = month_number(m.group(1))
            terms = [_MONTH_NAMES[month - 1], f"{month}/{int(m.group(2))}"]
            if m.group(3):
                terms.append(m.group(3))
            return tuple(terms)
        if (m := _GRADES.fullmatch(t)) is not None:
            return (self._grades(m),)
        return self._word_terms(t)

    def _numeric_terms(self, t: str) -> tuple[str, ...]:
        if (m := _DATE_NUM.fullmatch(t)) is not None:
            month, day = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and 1 <= day <= 31:
                terms = [_MONTH_NAMES[month - 1], f"{month}/{day}"]
                if m.group(3):
                    terms.append(_year(m.group(3)))
                return tuple(terms)
            return (t,)
        if (m := _GRADES.fullmatch(t)) is not None:
            return (self._grades(m),)
        if (m := _NUMBER.fullmatch(t)) is not None:
            number = m.group(1).replace(",", "")
            suffix = (m.group(2) or "").strip()
            if suffix in ("%", "percent"):
                return (f"{number}%",)
            return (number + suffix,)
        return (t,)

    @staticmethod
    def _grades(m: re.Match[str]) -> str:
        low = m.group(1)
        low = "pre-k" if low.startswith("pre") else low
        return f"{low}-{m.group(2)}"

    def _word_terms(self, t: str) -> tuple[str, ...]:
        if not t.isascii():  # café -> cafe, naïve -> naive; other scripts keep their marks
            bare = "".join(
                c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c)
            )
            if bare.isascii():
                t = bare
        if t in _PRE_K:
            return ("pre-k",)
        if "'" in t:
            t = t[:-2] if t.endswith("'s") else t
            t = t.replace("'", "")
        if "-" in t:
            parts = t.split("-")
            if any(len(p) == 1 or p.isdigit() for p in parts):
                return (t,)  # covid-19, i-57, x-ray stay whole
            # in-person -> in, person; state-certified -> state, certified
            return tuple(term for p in parts for term in self._word_terms(p))
        if not t or t in self.stopwords:
            return ()
        t = self.wordforms.get(t, t)
        if t in ORDINAL_WORDS:
            return (ORDINAL_WORDS[t],)
        if t in NUMBER_WORDS:
            return (NUMBER_WORDS[t],)
        if t.isalpha():
            return (self._stemmer.stem(t),)
        return (t,)


def grade_of(word: str) -> str:
    """One end of a grade range as written ("pre-K", "Kindergartners", "fifth", "5th",
    "5") in its canonical form: "PK", "K", "5"."""
    w = word.casefold()
    if w.startswith("pre") or w == "pk":
        return "PK"
    if w.startswith("k"):
        return "K"
    if w in ORDINAL_WORDS:
        return ORDINAL_WORDS[w][:-2]
    digits = w.rstrip("stndrh")
    return str(int(digits)) if digits.isdigit() else w


def _grade_term(word: str) -> str:
    grade = grade_of(word)
    return "pre-k" if grade == "PK" else grade.lower()


def grade_ranges(normal: str) -> list[str]:
    """Grade-range terms for ranges spelled out in words ("sixth through eighth grade")."""
    out = []
    for m in _GRADE_PHRASE.finditer(normal):
        low, high = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.append(f"{_grade_term(low)}-{_grade_term(high)}")
    return out


def _data_lines(name: str) -> list[str]:
    text = resources.files("index.data").joinpath(name).read_text("utf-8")
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def load_stopwords() -> frozenset[str]:
    return frozenset(line.casefold() for line in _data_lines("stopwords.txt"))


def load_wordforms() -> dict[str, str]:
    pairs = (line.casefold().split() for line in _data_lines("wordforms.txt"))
    return {p[0]: p[1] for p in pairs if len(p) == 2}
