"""The values that travel along the data path, defined once.

files ──► ArticleText ──► Article + Passage ──► (index) ──► Hit ──► Answer
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


def article_dict(article: Article) -> dict:
    return {"id": article.id, "title": article.title, "source": article.source,
            "url": article.url, "published": article.published, "path": article.path}


def answer_dict(answer: Answer) -> dict:
    """The `--json` shape of an answer (documented in the README; scripts rely on it)."""
    return {
        "question": answer.question,
        "no_answer": answer.no_answer,
        "answers": [
            {"rank": hit.rank, "score": hit.score, "text": hit.passage.text,
             "paragraph": hit.passage.number, "paragraphs": hit.article.paragraphs,
             "article": article_dict(hit.article)}
            for hit in answer.hits
        ],
    }
