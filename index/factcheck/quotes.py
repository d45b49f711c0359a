"""Who said what: a claim that quotes someone, against the passages attributed to them.

A claim quotes someone when `index.text.attribution.attribute` finds a speaker in it:
"Jackson said the plan is safe" (indirect: the words after the verb, or before it in
"The plan is safe, Jackson said"), or 'Jackson said "we could do so safely"' (direct: the
words in quotation marks). Of the passages searched for the claim, those whose speaker is
the claim's (the same last name or noun: "Jackson" is "CPS CEO Dr. Janice Jackson", "the
union" is "The union") are read first:

- `match`: a passage of the speaker's holds the direct quote word for word, or at least
  `SHARE` of the indirect claim's terms with the same negation ("not safe" is not "safe");
  an indirect claim's figures are left to the verdicts;
- `conflict` (direct quotes only): the speaker is quoted in the archive with at least
  `SIMILAR` of the claim's words but not word for word; the archive's sentence is shown;
- `other_speaker`: the words are there, attributed to someone else;
- `absent`: no passage searched has them.

A pronoun speaker in a passage ("she said") is nobody's: resolving it needs the
paragraphs before. All matching is on `analysis.normalize`d text with linear patterns.
"""

from __future__ import annotations

import re

from index.factcheck.figures import extract
from index.models import CheckedHit, QuoteCheck
from index.text.analysis import Analyzer, normalize, sentences
from index.text.attribution import ATTRIBUTION_VERBS, attribute

SHARE = 0.6  # of an indirect claim's terms a passage must hold
SIMILAR = 0.5  # of a direct quote's words the archive's must hold to be "the same quote"
MAX_WORDS = 60  # a quote longer than this is cut to it
_VERBS = frozenset(form for forms in ATTRIBUTION_VERBS.values() for form in forms)
_NEGATORS = frozenset("not no never none nor cannot".split())
_QUOTED = re.compile(r'"([^"]{1,2000})"')
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_TITLES = frozenset("the a an mr mrs ms dr ceo president mayor".split())


def parse(claim: str) -> tuple[str, str, bool] | None:
    """(speaker, words, direct) when `claim` says someone said something, else None."""
    speaker = attribute(claim)
    if speaker is None or speaker.lower() in ("he", "she", "they", "it", "we", "i", "you"):
        return None
    normal = normalize(claim)
    quoted = _QUOTED.search(normal)
    if quoted is not None:
        return speaker, claim[quoted.start(1) : quoted.end(1)].strip(" ,."), True
    at = claim.find(speaker)
    after = list(_TOKEN.finditer(normal, at + len(speaker)))
    verb = next((i for i, m in enumerate(after[:4]) if m.group().lower() in _VERBS), None)
    if at <= 1 and verb is not None:  # "Jackson said (that) the plan is safe"
        rest = after[verb + 1 :]
        if rest and rest[0].group().lower() == "that":
            rest = rest[1:]
        words = claim[rest[0].start() :].strip(" .") if rest else ""
    else:  # "The plan is safe, Jackson said."
        words = claim[:at].strip(" ,.")
    return (speaker, words, False) if words else None


def check(
    claim: str, passages: list[CheckedHit], analyzer: Analyzer
) -> tuple[QuoteCheck | None, int | None]:
    """The claim's quote checked against `passages` (and the index of the deciding one)."""
    parsed = parse(claim)
    if parsed is None:
        return None, None
    speaker, words, direct = parsed
    theirs = [(i, p) for i, p in enumerate(passages) if _same_speaker(speaker, p.attribution)]
    others = [(i, p) for i, p in enumerate(passages) if (i, p) not in theirs and p.attribution]
    quote = QuoteCheck(speaker, words, direct, "absent")
    for i, p in theirs:
        found = _holds(words, direct, p.hit.passage.text, analyzer)
        if found is not None and found[0]:
            return QuoteCheck(speaker, words, direct, "match", None, found[1], p.attribution), i
    if direct:
        for i, p in theirs:
            found = _similar(words, p.hit.passage.text)
            if found is not None:
                return QuoteCheck(speaker, words, True, "conflict", None, found, p.attribution), i
    for i, p in others:
        found = _holds(words, direct, p.hit.passage.text, analyzer)
        if found is not None and found[0]:
            return (
                QuoteCheck(speaker, words, direct, "other_speaker", None, found[1], p.attribution),
                i,
            )
    return quote, None


def _same_speaker(claim_speaker: str, passage_speaker: str | None) -> bool:
    if not passage_speaker:
        return False
    a = [w for w in _TOKEN.findall(normalize(claim_speaker).lower()) if w not in _TITLES]
    b = [w for w in _TOKEN.findall(normalize(passage_speaker).lower()) if w not in _TITLES]
    if not a or not b or b[-1] in ("he", "she", "they", "it", "we", "i", "you"):
        return False
    return a[-1] in b or b[-1] in a


def _holds(words: str, direct: bool, text: str, analyzer: Analyzer) -> tuple[bool, str] | None:
    """(whether `text` holds the claim's words, the sentence that holds most of them)."""
    sentence = _best_sentence(words, text, analyzer)
    if direct:
        return _plain(words) in _plain(text), sentence
    figures = {t for f in extract(words) for t in analyzer.terms(f.text)}  # the verdicts' job
    wanted = set(analyzer.terms(words)) - {"say"} - figures
    if not wanted:
        return None
    held = wanted & set(analyzer.terms(text))
    same_negation = _negated(words, analyzer) == (_negated(text, analyzer) & wanted)
    return len(held) >= SHARE * len(wanted) and same_negation, sentence


def _similar(words: str, text: str) -> str | None:
    """The archive's quoted sentence sharing at least `SIMILAR` of the quote's words."""
    claim_tokens = [t.lower() for t in _TOKEN.findall(normalize(words))][:MAX_WORDS]
    if not claim_tokens:
        return None
    best, share = None, 0.0
    normal = normalize(text)
    for m in _QUOTED.finditer(normal):
        for a, b in sentences(m.group(1)) or [(0, len(m.group(1)))]:
            said = {t.lower() for t in _TOKEN.findall(m.group(1)[a:b])}
            got = sum(1 for t in claim_tokens if t in said) / len(claim_tokens)
            if got > share:
                best, share = text[m.start(1) + a : m.start(1) + b], got
    return best.strip().rstrip(",") if best is not None and share >= SIMILAR else None


def _best_sentence(words: str, text: str, analyzer: Analyzer) -> str:
    wanted = set(analyzer.terms(words))
    spans = sentences(text) or [(0, len(text))]
    a, b = max(spans, key=lambda s: len(wanted.intersection(analyzer.terms(text[s[0] : s[1]]))))
    return text[a:b].strip()


def _plain(text: str) -> str:
    return " ".join(t.lower() for t in _TOKEN.findall(normalize(text)))


def _negated(text: str, analyzer: Analyzer) -> set[str]:
    """The terms that follow a negation within two words ("not safe", "isn't safe")."""
    tokens = [t.lower() for t in _TOKEN.findall(normalize(text))]
    out: set[str] = set()
    for i, token in enumerate(tokens):
        before = tokens[max(0, i - 2) : i]
        if any(w in _NEGATORS or w.endswith("n't") for w in before):
            out.update(analyzer.terms(token))
    return out
