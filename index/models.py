"""The values that travel along the data path, defined once.

files ──► ArticleText ──► Article + Passage ──► (index) ──► Hit ──► Answer
"""

from __future__ import annotations

from dataclasses import dataclass, field

Value = int | float | str


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as written in a text, with its normalised value and where it is."""

    text: str  # as written, with its qualifier and unit noun: "25,000 members", "more than 70%"
    kind: str  # one of index.factcheck.figures.KINDS
    value: Value  # int/float for numbers, "MM-DD"/"YYYY-MM-DD" for dates, "K-5" for grades...
    unit: str | None  # counts: stemmed noun; durations: "minute"...; money: "USD"; else None
    start: int  # offsets into the original text
    end: int


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article as read from a file, before it is split into paragraphs."""

    id: str
    text: str
    path: str  # where it came from, relative to the corpus when possible
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    source: str | None = None
    byline: str | None = None
    line: int | None = None  # for .jsonl: the line it was on (feeds, exports: the item's)
    updated: str | None = None  # ISO date the article was last updated, when it says so
    section: str | None = None  # the desk or category ("Education"), when the source says
    tags: tuple[str, ...] = ()  # categories, tags, keywords


@dataclass(frozen=True, slots=True)
class Article:
    """An article's metadata, as cited."""

    id: str
    title: str
    path: str
    paragraphs: int  # content paragraphs as published (boilerplate excluded)
    url: str | None = None
    published: str | None = None
    source: str | None = None
    byline: str | None = None
    updated: str | None = None  # ISO date of the last update, when it differs from published
    section: str | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.tags, tuple):  # read back from JSON as a list
            object.__setattr__(self, "tags", tuple(self.tags or ()))


@dataclass(frozen=True, slots=True)
class Passage:
    """One indexed paragraph: its exact published text and where it sits."""

    article_id: str
    number: int  # 1-based position among the article's content paragraphs
    text: str

    @property
    def id(self) -> str:
        return f"{self.article_id}#{self.number}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the corpus that could not be read (fully), said in one line."""

    path: str
    reason: str
    line: int | None = None
    skipped: bool = True  # False: indexed, with a field left out

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage that answers a question, with its citation and the words that matched."""

    rank: int
    score: float
    passage: Passage
    article: Article
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) offsets of matched words

    @property
    def passage_id(self) -> str:
        return self.passage.id


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    no_answer: bool
    hits: tuple[Hit, ...] = ()
    offset: int = 0  # how many better hits came before these ("More results")
    more: bool = False  # whether further hits exist after these
    terms: tuple[str, ...] = field(default=())  # the analysed question
    # the question's words, as typed, that no quoted passage holds (no article, when
    # nothing is quoted)
    missing: tuple[str, ...] = ()
    # "high": a quoted passage holds most of the question's weight; "low": only part of
    # it (index/retrieval/noanswer.py); None when no_answer
    confidence: str | None = None
    # instead of an answer: a filter that can't be read or matches nothing
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One claim figure against one passage: match, conflict (with the passage's own
    figure for the same thing), or absent."""

    claim_figure: Figure
    status: str  # "match" | "conflict" | "absent"
    passage_figure: Figure | None = None
    hedged: bool = False  # the passage states it as a proposal or possibility ("offered")
    shared: int = 0  # how many of the claim's words the passage figure's sentence holds


@dataclass(frozen=True, slots=True)
class CheckedHit:
    hit: Hit
    checks: tuple[Check, ...]
    attribution: str | None  # who the passage puts its statement in the mouth of


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one of the passages shown states for a claim figure."""

    rank: int  # the passage's rank in FactCheck.passages
    figure: Figure  # the passage's figure for the same thing
    hedged: bool = False  # a proposal or possibility ("would go back on Feb. 22")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the archive says about one claim figure, all passages shown taken together.

    `match`/`conflict`: the passages that decide agree on one value, equal to the claim's
    or not (hedged passages count only when no firm one decides); `disputed`: they state
    different values, `deciding` the newest when dates are known; `absent`: none states a
    comparable figure. `others` are the passages stating a value other than `deciding`'s."""

    claim_figure: Figure
    status: str  # "match" | "conflict" | "disputed" | "absent"
    deciding: Evidence | None = None
    others: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """A claim that someone said something, against the passages attributed to them.

    `match`: a passage attributed to the speaker has the claim's words (a direct quote
    word for word); `conflict`: the archive quotes the speaker with different words
    (`passage_words`); `other_speaker`: the words are in the archive, attributed to
    `passage_speaker`; `absent`: no passage shown attributes such words to anyone."""

    speaker: str  # as the claim names them
    words: str  # what the claim says they said
    direct: bool  # the claim puts the words in quotation marks
    status: str  # "match" | "conflict" | "other_speaker" | "absent"
    rank: int | None = None
    passage_words: str | None = None  # the archive's sentence
    passage_speaker: str | None = None


@dataclass(frozen=True, slots=True)
class FactCheck:
    claim: str
    figures: tuple[Figure, ...]
    passages: tuple[CheckedHit, ...]
    verdicts: tuple[Verdict, ...] = ()  # one per claim figure, in the claim's order
    quotes: tuple[QuoteCheck, ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    """Several sentences checked one by one: each that carries a figure, a date or a quote."""

    text: str
    claims: tuple[FactCheck, ...]
    unchecked: tuple[str, ...] = ()  # sentences with nothing to check
    more: int = 0  # sentences left unchecked past the limit


def article_dict(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "updated": article.updated,
        "byline": article.byline,
        "section": article.section,
        "tags": list(article.tags),
        "path": article.path,
    }


def hit_dict(hit: Hit) -> dict:
    return {
        "rank": hit.rank,
        "score": hit.score,
        "text": hit.passage.text,
        "paragraph": hit.passage.number,
        "paragraphs": hit.article.paragraphs,
        "article": article_dict(hit.article),
    }


def answer_dict(answer: Answer) -> dict:
    """The `--json` shape of an answer (documented in the README; scripts rely on it)."""
    return {
        "question": answer.question,
        "no_answer": answer.no_answer,
        "confidence": None if answer.no_answer else answer.confidence,
        "missing": list(answer.missing),
        "answers": [hit_dict(hit) for hit in answer.hits],
        **({"notice": answer.notice} if answer.notice else {}),  # a filter's problem
    }


def figure_dict(figure: Figure) -> dict:
    return {"text": figure.text, "kind": figure.kind, "value": figure.value, "unit": figure.unit}


def evidence_dict(e: Evidence | None) -> dict | None:
    if e is None:
        return None
    return {"rank": e.rank, "passage_figure": e.figure.text, "hedged": e.hedged}


def factcheck_dict(check: FactCheck) -> dict:
    """The `factcheck --json` shape (documented in the README)."""
    return {
        "claim": check.claim,
        "figures": [figure_dict(f) for f in check.figures],
        "verdicts": [
            {
                "claim_figure": v.claim_figure.text,
                "status": v.status,
                **(
                    evidence_dict(v.deciding)
                    or {"rank": None, "passage_figure": None, "hedged": False}
                ),
                "others": [evidence_dict(e) for e in v.others],
            }
            for v in check.verdicts
        ],
        "quotes": [
            {
                "speaker": q.speaker,
                "words": q.words,
                "direct": q.direct,
                "status": q.status,
                "rank": q.rank,
                "passage_words": q.passage_words,
                "passage_speaker": q.passage_speaker,
            }
            for q in check.quotes
        ],
        "passages": [
            {
                **hit_dict(p.hit),
                "checks": [
                    {
                        "claim_figure": c.claim_figure.text,
                        "status": c.status,
                        "passage_figure": c.passage_figure.text if c.passage_figure else None,
                    }
                    for c in p.checks
                ],
                "attribution": p.attribution,
            }
            for p in check.passages
        ],
    }


def draft_dict(draft: Draft) -> dict:
    """The `factcheck --json` shape for several sentences: one factcheck per sentence."""
    return {
        "draft": draft.text,
        "claims": [factcheck_dict(c) for c in draft.claims],
        "unchecked": list(draft.unchecked),
        "more": draft.more,
    }
