"""Who a passage puts its statement in the mouth of.

`attribute(paragraph)` returns the speaker or source a paragraph attributes its statement to,
as written and trimmed to a noun phrase ("The union", "CTU President Jesse Sharkey", "CPS
officials", "A source"), or None when the paragraph speaks in the reporter's own voice.
Fact-check mode uses it to say "according to X" rather than present a claim as the paper's.

Rules:

* An attribution is an attribution verb (`ATTRIBUTION_VERBS`: said, says, told, claimed,
  insisted, announced, disputed, argued, ...; extend the table to add one) or the phrase
  "according to", outside quotation marks: a verb inside a quote is the speaker's own words
  ("I truly believe ...," Jackson said -> "Jackson"). `QUOTE_VERBS` (added, recalled,
  asked, ...) attribute only right after a closing quote ("...," he added.).
* The speaker is the noun phrase next to the verb:
  - the subject before it, past auxiliaries and adverbs ("CPS officials also have said",
    "CTU has been saying"), back to a comma, quote, sentence end, function word or time word
    ("However, Sunday morning CTU said" -> "CTU"; "..., Mayor Lori Lightfoot announced
    Sunday." -> "Mayor Lori Lightfoot"); a determiner is kept ("The union", "A source");
  - after it when it follows a closing quote or a comma ("...," said Kenyatta Land, the
    father of ..." -> "Kenyatta Land");
  - a noun phrase may hold "of" ("The president of the union", "CTU House of Delegates");
  - the name before an appositive ("Alyssa Rodriguez, a social worker at ..., said" ->
    "Alyssa Rodriguez") and before ", who said";
  - the noun phrase after "according to", and after "by" in the passive ("The findings were
    disputed by the union" -> "the union").
* Not attributions: the passive without an agent ("was told to report", "is said to"), the
  noun ("the union's claims", "a warning"), the infinitive ("plans to announce"), and verbs of
  action that merely look like speech ("reported to school"), which is why "report" is not
  in the table and "add" is a quote verb.
* In a title-case headline a capitalised past form is a passive participle, not an
  attribution ("First Case ... Confirmed In Illinois"); "Lightfoot Says ..." still counts.
* When a paragraph has several attributions, the first in reading order is returned. A
  coordinated subject gives its first conjunct: "Lightfoot and CPS announced" -> "Lightfoot".
* A pronoun is returned as written ("she", "they"): the paragraph is still someone's
  statement, and resolving the pronoun needs the paragraphs before it.
* The result is a slice of the paragraph as given (curly apostrophes and all); matching runs
  on `analysis.normalize(paragraph)`, which keeps offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from index.text import vocab
from index.text.analysis import normalize

# lemma -> the forms that attribute; add a row to extend. Forms that are mostly nouns or
# actions are left out ("report", "deny"; "state" only as "stated"; "add" is a quote verb).
ATTRIBUTION_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "claim": ("claim", "claims", "claimed", "claiming"),
    "insist": ("insist", "insists", "insisted", "insisting"),
    "announce": ("announce", "announces", "announced", "announcing"),
    "dispute": ("dispute", "disputes", "disputed", "disputing"),
    "argue": ("argue", "argues", "argued", "arguing"),
    "state": ("stated",),
    "explain": ("explain", "explains", "explained", "explaining"),
    "note": ("noted",),
    "write": ("wrote", "writes"),
    "confirm": ("confirm", "confirms", "confirmed", "confirming"),
    "warn": ("warn", "warns", "warned", "warning"),
    "acknowledge": ("acknowledge", "acknowledges", "acknowledged", "acknowledging"),
    "contend": ("contend", "contends", "contended", "contending"),
    "allege": ("allege", "alleges", "alleged", "alleging"),
    "accuse": ("accuse", "accuses", "accused", "accusing"),
    "criticize": (
        "criticize",
        "criticizes",
        "criticized",
        "criticizing",
        "criticise",
        "criticises",
        "criticised",
        "criticising",
    ),
    "believe": ("believe", "believes", "believed"),
}
# Verbs that attribute only next to a quotation ("...," he added.), being verbs of action
# elsewhere ("CPS added 500 seats").
QUOTE_VERBS: dict[str, tuple[str, ...]] = {
    "add": ("add", "adds", "added"),
    "recall": ("recalls", "recalled"),
    "reply": ("replies", "replied"),
    "ask": ("asks", "asked"),
    "continue": ("continues", "continued"),
}
ACCORDING_TO = ("according", "to")

_VERB_FORMS = frozenset(form for forms in ATTRIBUTION_VERBS.values() for form in forms)
_QUOTE_VERB_FORMS = frozenset(form for forms in QUOTE_VERBS.values() for form in forms)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Between a subject and its verb: "has also been", "repeatedly".
_AUXILIARIES = _words("""
    has have had is are was were be been being will would could can should may might must
    shall do does did also now still again already long often always never not repeatedly
    previously publicly recently later earlier then first reportedly
""")
_BE = _words("is are was were be been being")
_DETERMINERS = _words("""
    the a an some many most both several all other another its their his her our each every
    few those these this no
""")
# Before a verb form, these make it a noun; "some say", "many claim" stay verbs.
_NOUN_MARKERS = _words("the a an its their his her our your my this that these those no each every")
_PRONOUNS = _words("he she they we i you it")
_QUANTIFIERS = _words("some many most several few all both")  # standing alone, a subject
# Words that end a noun phrase: function words, time words, sentence adverbs.
_STOP = (
    _words("""
    in on at to for from with by of about after before during since until over under into
    through than as like upon within without against between among near off out across
    but or nor so yet because while although though if when whether that which who whom
    whose where what why how however meanwhile also still now then there here not only
    just even again already instead too very
    today yesterday tomorrow tonight morning afternoon evening night week weekend month year
    having is are was were be been being has have had will would could can should might must
    do does did shall them us him me themselves himself herself itself ourselves
""")
    | frozenset(vocab.WEEKDAYS)
    | frozenset(vocab.MONTHS)
)
_SENTENCE_END = frozenset(".!?:;")
_APPOSITIVE_REACH = 60  # tokens from a ", said" back to the subject it may belong to

_TOKEN = re.compile(
    r"""
      (?:Dr|Mr|Mrs|Ms|Mx|Sen|Rep|Gov|Lt|Sgt|Capt|Col|Gen|Rev|Prof|Ald|Supt|Atty|Det|Jr|Sr|St)
      \.(?=\s+[A-Z])                        # a title keeps its dot: Dr. Janice Jackson
    | (?:[A-Z]\.){2,}                       # U.S.
    | [A-Z]\.(?=\s+[A-Z])                   # an initial: Jesse L. Jackson
    | [^\W_]+(?:['-][^\W_]+)*               # words: CTU's, rank-and-file, COVID-19
    | \S                                    # punctuation, one character at a time
""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # normalised
    start: int
    end: int
    quoted: bool  # inside quotation marks, or a quotation mark

    @property
    def low(self) -> str:
        return self.text.lower()


def attribute(paragraph: str) -> str | None:
    """The speaker or source `paragraph` attributes its statement to, or None (see module)."""
    tokens = _tokenize(normalize(paragraph))
    for i, token in enumerate(tokens):
        if token.quoted:
            continue
        span = None
        if token.low in _VERB_FORMS and not _headline_participle(tokens, i):
            span = _speaker(tokens, i)
        elif token.low in _QUOTE_VERB_FORMS:
            span = _speaker(tokens, i)
            span = span if span is not None and _next_to_quote(tokens, i, span) else None
        elif token.low == ACCORDING_TO[0] and _next_is(tokens, i, ACCORDING_TO[1]):
            span = _phrase_after(tokens, i + 2)
        if span is not None:
            return paragraph[tokens[span[0]].start : tokens[span[1]].end]
    return None


# ---------------------------------------------------------------- tokens


def _tokenize(text: str) -> list[_Token]:
    marks = [i for i, c in enumerate(text) if c == '"']
    return [
        _Token(m.group(), m.start(), m.end(), _quoted(marks, m.start()))
        for m in _TOKEN.finditer(text)
    ]


def _quoted(marks: list[int], position: int) -> bool:
    """Between an opening quotation mark and its closing one, marks included (an unclosed
    quote runs to the end)."""
    before = bisect_right(marks, position)  # marks at or before `position`
    return before % 2 == 1 or (before > 0 and marks[before - 1] == position)


def _next_is(tokens: list[_Token], i: int, word: str) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1].low == word and not tokens[i + 1].quoted


# ---------------------------------------------------------------- speakers

Span = tuple[int, int]  # first and last token of a noun phrase


def _speaker(tokens: list[_Token], verb: int) -> Span | None:
    """The noun phrase that says the verb at `verb`, if it is an attribution."""
    if verb > 0 and _is_noun_use(tokens[verb - 1]):
        return None
    before, passive = _skip_auxiliaries(tokens, verb)
    if passive and not tokens[verb].low.endswith("ing"):
        # "was disputed by the union": the agent is the source; "was told to" has none
        return _phrase_after(tokens, verb + 2) if _next_is(tokens, verb, "by") else None
    if before < 0 or tokens[before].text in _SENTENCE_END:
        return _phrase_after(tokens, verb + 1)
    mark = tokens[before].text
    if mark == '"':
        return _phrase_after(tokens, verb + 1)
    if mark == ",":
        return _appositive_subject(tokens, before) or _phrase_after(tokens, verb + 1)
    if tokens[before].low == "who" and before > 0 and tokens[before - 1].text == ",":
        return _phrase_before(tokens, before - 2)
    return _phrase_before(tokens, before)


def _next_to_quote(tokens: list[_Token], verb: int, span: Span) -> bool:
    """'"...," he added' or '"...," added Jackson': a closing quote just before."""
    first = min(verb, span[0])
    return first > 0 and tokens[first - 1].text == '"'


def _headline_participle(tokens: list[_Token], verb: int) -> bool:
    """ "First Case Of ... Confirmed In Illinois": in title case a past form is a passive."""
    word = tokens[verb]
    sentence_start = verb == 0 or tokens[verb - 1].text in _SENTENCE_END
    return (
        word.text[0].isupper()
        and not sentence_start
        and (word.low.endswith("ed") or word.low in ("said", "told", "wrote"))
    )


def _is_noun_use(previous: _Token) -> bool:
    """ "the union's claims", "a warning", "those claims": the verb form is a noun."""
    return previous.low in _NOUN_MARKERS or previous.low.endswith("'s")


def _skip_auxiliaries(tokens: list[_Token], verb: int) -> tuple[int, bool]:
    """The index before the verb's auxiliaries and adverbs, and whether one was a form of be."""
    i, passive = verb - 1, False
    while (
        i >= 0
        and not tokens[i].quoted
        and (tokens[i].low in _AUXILIARIES or _is_adverb(tokens[i].text))
    ):
        passive = passive or tokens[i].low in _BE
        i -= 1
    return i, passive


def _is_adverb(word: str) -> bool:
    return word.islower() and word.endswith("ly") and len(word) > 4


def _phrase_before(tokens: list[_Token], last: int) -> Span | None:
    """The noun phrase ending at `last`, read leftwards; its first conjunct."""
    if last < 0 or tokens[last].quoted:
        return None
    if (
        tokens[last].low in ("all", "both")
        and last > 0
        and (tokens[last - 1].low in _PRONOUNS or _role(tokens[last - 1]) in ("name", "noun"))
    ):
        last -= 1  # "They all said", "The unions both said"
    if tokens[last].low in _PRONOUNS or tokens[last].low in _QUANTIFIERS:
        return last, last  # "she said", "Some say"
    words: list[int] = []
    i = last
    while i >= 0 and len(words) < 12 and not tokens[i].quoted:
        role = _role(tokens[i])
        left = _role(tokens[i - 1]) if i > 0 else "stop"
        if role in ("name", "noun", "and") or (
            role == "of" and words and left in ("name", "noun", "determiner")
        ):
            words.append(i)
        elif role == "determiner":
            words.append(i)
            if left not in ("and", "of"):
                break
        else:
            break
        i -= 1
    return _first_conjunct(tokens, sorted(words))


def _phrase_after(tokens: list[_Token], first: int) -> Span | None:
    """The noun phrase starting at `first`, read rightwards; its first conjunct."""
    if first >= len(tokens) or tokens[first].quoted:
        return None
    if tokens[first].low in _PRONOUNS:
        return first, first
    words: list[int] = []
    i = first
    while i < len(tokens) and len(words) < 12 and not tokens[i].quoted:
        role = _role(tokens[i])
        right = _role(tokens[i + 1]) if i + 1 < len(tokens) else "stop"
        after = _role(tokens[i - 1]) if words else "and"
        if (
            role in ("name", "noun", "and")
            or (role == "determiner" and after in ("and", "of"))
            or (role == "of" and words and right in ("name", "noun", "determiner"))
        ):
            words.append(i)
            i += 1
        else:
            break
    return _first_conjunct(tokens, words)


def _appositive_subject(tokens: list[_Token], comma: int) -> Span | None:
    """ "Alyssa Rodriguez, a social worker at ..., said": the name that opens the sentence."""
    start = comma
    while start > max(0, comma - _APPOSITIVE_REACH) and tokens[start - 1].text not in _SENTENCE_END:
        start -= 1
    end = start
    while end < comma and _role(tokens[end]) in ("name", "noun", "determiner", "of"):
        end += 1
    if end == start or end >= comma or tokens[end].text != ",":
        return None
    return _first_conjunct(tokens, list(range(start, end)))


def _first_conjunct(tokens: list[_Token], words: list[int]) -> Span | None:
    """Of "Lightfoot and CPS", "Lightfoot"; None unless it has a word besides determiners."""
    conjunct: list[int] = []
    for i in words:
        if _role(tokens[i]) == "and":
            if conjunct:
                break
            continue
        conjunct.append(i)
    while conjunct and _role(tokens[conjunct[-1]]) not in ("name", "noun"):
        conjunct.pop()  # "the president of" -> "the president"
    if not conjunct or _role(tokens[conjunct[0]]) == "of":
        return None
    return conjunct[0], conjunct[-1]


def _role(token: _Token) -> str:
    """name | noun | determiner | and | of | stop: a token's part in a speaker's noun phrase."""
    text, low = token.text, token.low
    if low in ("and", "&"):
        return "and"
    if low == "of":
        return "of"
    if low in _DETERMINERS:
        return "determiner"
    if low in _STOP or low in _PRONOUNS or low in _VERB_FORMS or not text[0].isalpha():
        return "stop"
    if text[0].isupper():
        return "name"
    if low.endswith(("ed", "ing")) or _is_adverb(text) or any(c.isdigit() for c in text):
        return "stop"
    return "noun"
