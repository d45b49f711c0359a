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
    line: int | None = None  # for .jsonl: the line it was on


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


@dataclass(frozen=True, slots=True)
class Check:
    """One claim figure against one passage: match, conflict (with the passage's own
    figure for the same thing), or absent."""

    claim_figure: Figure
    status: str  # "match" | "conflict" | "absent"
    passage_figure: Figure | None = None


@dataclass(frozen=True, slots=True)
class CheckedHit:
    hit: Hit
    checks: tuple[Check, ...]
    attribution: str | None  # who the passage puts its statement in the mouth of


@dataclass(frozen=True, slots=True)
class FactCheck:
    claim: str
    figures: tuple[Figure, ...]
    passages: tuple[CheckedHit, ...]


def article_dict(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
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
    }


def figure_dict(figure: Figure) -> dict:
    return {"text": figure.text, "kind": figure.kind, "value": figure.value, "unit": figure.unit}


def factcheck_dict(check: FactCheck) -> dict:
    """The `factcheck --json` shape (documented in the README)."""
    return {
        "claim": check.claim,
        "figures": [figure_dict(f) for f in check.figures],
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
