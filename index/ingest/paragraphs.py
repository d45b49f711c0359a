"""An article's text -> its `Article` (metadata, title) and its `Passage`s.

Paragraphs are split on blank lines. Boilerplate (promo lines, section headers over
related links, staff bylines; see `index/data/boilerplate.txt`) is not content and
never becomes a passage; a staff byline becomes the article's byline. A paragraph
printed twice in one article is kept once. Passages are numbered by their place
among the article's content paragraphs as published, so "paragraph 4 of 20" is
where a reader finds it on the page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from index.errors import ConfigError
from index.models import Article, ArticleText, Passage
from index.text.analysis import fold, normalize

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
# control characters (terminal escapes, bells, NULs…): never part of a story
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# "CHICAGO (CBS) — " / "WASHINGTON (AP) -- " / "NEW YORK — "
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ ,-]{1,40}?)\s*(?:\((?P<source>[^)]{1,30})\))?\s*(?:[—–]|--?)\s+"
)
# an embedded post's credit line, "— Dana Kozlov (@DanaCBS2) February 7, 2021", with the
# post's trailing @handles and pic.twitter.com links before it (bounded: linear)
_EMBED_CREDIT = re.compile(
    r"(?:\s*(?:@\w{1,30}|pic\.twitter\.com/\w{1,40}|https?://t\.co/\w{1,40}))*"
    r"\s*(?:[—–]|--?)\s*[^()\n—–]{1,80}?\s*\(@\w{1,30}\)\s*"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2},\s+\d{4}\s*$"
)
_PIC_LINK = re.compile(r"\s*pic\.twitter\.com/\w{1,40}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"“‘A-Z0-9])")
TITLE_LENGTH = 120


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # "drop" | "byline"
    pattern: re.Pattern[str]


class Boilerplate:
    """The list of boilerplate rules: the shipped file plus a newsroom's own."""

    def __init__(self, rules: list[Rule], source_text: str) -> None:
        self.rules = rules
        # the embed-residue rule is part of what "boilerplate" means: an index built
        # before it (or with another version of it) is rebuilt
        rules_text = source_text + "\n" + _EMBED_CREDIT.pattern
        self.fingerprint = hashlib.sha256(rules_text.encode()).hexdigest()[:12]

    @classmethod
    def load(cls, extra: Path | None = None) -> Boilerplate:
        shipped = resources.files("index.data").joinpath("boilerplate.txt").read_text("utf-8")
        texts = [("index/data/boilerplate.txt", shipped)]
        if extra is not None:
            try:
                texts.append((str(extra), Path(extra).read_text("utf-8")))
            except (OSError, UnicodeDecodeError) as err:
                raise ConfigError(f"NEWSBOT_BOILERPLATE: can't read {extra} ({err}).") from err
        rules = [rule for name, text in texts for rule in parse_rules(text, name)]
        return cls(rules, "\n".join(text for _, text in texts))

    def match(self, paragraph: str) -> Rule | None:
        plain = " ".join(normalize(paragraph).split())
        for rule in self.rules:
            if rule.pattern.fullmatch(plain):
                return rule
        return None

    @staticmethod
    def byline(rule: Rule, paragraph: str) -> str:
        plain = " ".join(normalize(paragraph).split())
        m = rule.pattern.fullmatch(plain)
        if m is not None and "byline" in rule.pattern.groupindex and m.group("byline"):
            return m.group("byline").strip()
        return plain


def parse_rules(text: str, name: str) -> list[Rule]:
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, pattern = line.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in ("drop", "byline"):
            raise ConfigError(f"{name}:{number}: a rule starts with 'drop:' or 'byline:'.")
        try:
            rules.append(Rule(kind, re.compile(pattern.strip())))
        except re.error as err:
            raise ConfigError(f"{name}:{number}: not a valid regex ({err}).") from err
    return rules


def printable(text: str) -> str:
    """`text` without control characters (a terminal escape in an article must not reach
    a reader's terminal)."""
    return _CONTROLS.sub("", text)


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each with its lines joined by single spaces."""
    text = printable(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [line.strip() for line in block.split("\n")]
        joined = " ".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return paragraphs


def without_embed_residue(paragraph: str) -> str:
    """`paragraph` without an embedded post's credit line and picture links (what a pasted
    tweet leaves: "… @cbschicago — Dana Kozlov (@DanaCBS2) February 7, 2021")."""
    if "pic.twitter.com/" in paragraph:
        paragraph = _PIC_LINK.sub("", paragraph)
    if "(@" in paragraph[-120:]:
        tail = len(paragraph) - 200
        m = _EMBED_CREDIT.search(paragraph, max(0, tail))
        if m:
            paragraph = paragraph[: m.start()]
    return paragraph.strip()


def segment(doc: ArticleText, boilerplate: Boilerplate) -> tuple[Article, list[Passage]]:
    """The article's metadata and its unique content paragraphs (embedded posts' credit
    lines cut; a paragraph that was only that is dropped)."""
    byline = doc.byline
    content: list[str] = []
    for paragraph in filter(None, map(without_embed_residue, split_paragraphs(doc.text))):
        rule = boilerplate.match(paragraph)
        if rule is None:
            content.append(paragraph)
        elif rule.kind == "byline" and byline is None:
            byline = boilerplate.byline(rule, paragraph)
    seen: set[str] = set()
    passages = []
    for number, paragraph in enumerate(content, 1):
        for part in bounded(paragraph):
            key = fold(part)
            if key in seen:
                continue
            seen.add(key)
            passages.append(Passage(doc.id, number, part))
    source = doc.source
    if source is None and content and (m := _DATELINE.match(content[0])) and m.group("source"):
        source = m.group("source").strip()
    article = Article(
        id=doc.id,
        title=" ".join(printable(doc.title or "").split()) or derive_title(content),
        path=doc.path,
        paragraphs=len(content),
        url=_clean(doc.url),
        published=doc.published,
        source=_clean(source),
        byline=_clean(byline),
        updated=doc.updated,
        section=_clean(doc.section),
        tags=tuple(t for t in map(_clean, doc.tags) if t),
    )
    return article, passages


PASSAGE_CHARS = 20_000  # longer than any real paragraph; a longer one is quoted in parts
_ENDS = (". ", "! ", "? ", '." ', ".” ", '?" ', "; ")


def bounded(paragraph: str, limit: int = PASSAGE_CHARS) -> list[str]:
    """`paragraph` as it is, or, when longer than `limit`, in parts of at most `limit`
    characters, each cut after the last sentence end (else the last space) in its second
    half; every part is cited as the paragraph it comes from. Linear in its length: a
    200 MB single-line file becomes passages a search can quote, not one it prints."""
    if len(paragraph) <= limit:
        return [paragraph]
    parts, start, n = [], 0, len(paragraph)
    while n - start > limit:
        low, high = start + limit // 2, start + limit
        cut = max(paragraph.rfind(end, low, high) for end in _ENDS)
        if cut >= 0:
            cut += paragraph.find(" ", cut, high + 1) - cut  # after the mark (and quote)
        else:
            cut = paragraph.rfind(" ", low, high)
        cut = high if cut <= start else cut
        if part := paragraph[start:cut].strip():
            parts.append(part)
        start = cut
    if tail := paragraph[start:].strip():
        parts.append(tail)
    return parts


def _clean(value: str | None) -> str | None:
    return (" ".join(printable(value).split()) or None) if value else None  # one line


def derive_title(content: list[str]) -> str:
    """A readable title from the lead: dateline removed, first sentence, trimmed at a word."""
    if not content:
        return "(untitled)"
    lead = _DATELINE.sub("", content[0], count=1).strip()
    sentence = _SENTENCE_END.split(lead, maxsplit=1)[0].strip()
    if len(sentence) > TITLE_LENGTH:
        cut = sentence[: TITLE_LENGTH + 1]
        cut = cut[: cut.rfind(" ")] if " " in cut else cut[:TITLE_LENGTH]
        return cut.rstrip(" ,;:—–-") + "…"
    return sentence.rstrip(".") or "(untitled)"
