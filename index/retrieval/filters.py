"""Filters typed into a question: which articles may answer it, and in what order.

    after:2021-02-01    published on or after that day (after:2021-02, after:2021: the month, year)
    before:2021-03-01   published before that day (before:2021-03: before March 2021)
    source:CBS          the article's source names it ("CBS" matches "CBS Chicago");
                        a name with spaces in quotes: source:"Lakeshore Ledger"
    section:Education   the article's section or one of its tags is that (tag: is the same)
    newest              (first or last word, or sort:newest) newer articles first among
                        the passages that answer well

Filters of one kind widen each other (source:CBS source:WTTW: either); of different
kinds they narrow (both). An article without a date never passes a date filter. The
filters restrict which passages the engine may rank, before the top k is taken; a
filter that can't be read, or that no article passes, is said in one sentence.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from datetime import date

import numpy as np

from index.errors import NewsbotError
from index.storage.catalog import Catalog, catalog_of, folded_words, url_hash, url_key

KEYS = {"after": "after", "since": "after", "before": "before", "until": "before"}
KEYS |= {"source": "source", "section": "section", "tag": "section", "sort": "sort"}
# key:value or key:"a quoted value"; bounded, and linear: each alternative consumes input
_FILTER = re.compile(
    r"(?<!\S)(after|since|before|until|source|section|tag|sort):"
    r"(?:\"([^\"]{0,200})\"|“([^”]{0,200})”|(\S{0,200}))",
    re.IGNORECASE,
)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
MAX_CHARS = 4000  # filters are looked for in a question's start only
NEWEST_SHARE = 0.5  # `newest` reorders passages scoring at least this share of the best


class FilterError(NewsbotError):
    """A filter in a question can't be read; the message says how to write it."""


@dataclass(frozen=True, slots=True)
class Filters:
    after: int | None = None  # YYYYMMDD, inclusive
    before: int | None = None  # YYYYMMDD, exclusive
    sources: tuple[str, ...] = ()  # folded names
    sections: tuple[str, ...] = ()
    newest: bool = False
    typed: tuple[str, ...] = ()  # the filters as typed, for messages

    @property
    def restricts(self) -> bool:
        return bool(self.after or self.before or self.sources or self.sections)


def split(question: str) -> tuple[str, Filters]:
    """(the question without its filters, the filters). Raises FilterError."""
    found: dict[str, list[str]] = {"after": [], "before": [], "source": [], "section": []}
    typed: list[str] = []
    newest = False
    for m in _FILTER.finditer(question):
        key = KEYS[m.group(1).lower()]
        value = next((g for g in m.groups()[1:] if g is not None), "").strip()
        typed.append(m.group(0))
        if not value:
            example = {"after": "2021-02-01", "before": "2021-03-01", "source": "CBS"}
            raise FilterError(
                f"{m.group(1)}: needs a value, like {m.group(1)}:{example.get(key, 'Education')}."
            )
        if key == "sort":
            if value.lower() not in ("newest", "new", "date"):
                raise FilterError(f"sort:{value} is not an order newsbot knows; use sort:newest.")
            newest = True
        else:
            found[key].append(value)
    rest = _FILTER.sub(" ", question)
    words = rest.split()
    if words and words[-1].lower().strip(".?!") == "newest":
        newest, words = True, words[:-1]
    if words and words[0].lower() == "newest":
        newest, words = True, words[1:]
    filters = Filters(
        after=_one_date(found["after"], "after"),
        before=_one_date(found["before"], "before"),
        sources=tuple(folded_words(v) for v in found["source"]),
        sections=tuple(folded_words(v) for v in found["section"]),
        newest=newest,
        typed=tuple(typed),
    )
    if filters.after and filters.before and filters.after >= filters.before:
        raise FilterError(
            f"after:{found['after'][-1]} is not earlier than before:{found['before'][-1]}, "
            "so no article could match; swap them?"
        )
    return " ".join(words), filters


def _one_date(values: list[str], key: str) -> int | None:
    if not values:
        return None
    if len(values) > 1:
        raise FilterError(f"{key}: is given {len(values)} times; give it once.")
    value = values[0]
    m = _DATE.fullmatch(value)
    try:
        if m is None:
            raise ValueError
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        day_ = date(year, month, day)
    except ValueError:
        raise FilterError(
            f"{key}:{value} is not a date; write it as {key}:2021-02-01 (or 2021-02, or 2021)."
        ) from None
    return day_.year * 10000 + day_.month * 100 + day_.day


# ------------------------------------------------------------------ applying


_catalogs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def catalog(index) -> Catalog:
    """The index's catalog (index/storage/catalog.py), read once per loaded index."""
    with _lock:
        found = _catalogs.get(index)
        if found is None:
            found = _catalogs[index] = catalog_of(index)
        return found


def allowed_articles(index, filters: Filters) -> np.ndarray:
    """A boolean per article: may it answer?"""
    cat = catalog(index)
    keep = np.ones(len(cat.dates), dtype=np.bool_)
    if filters.after:
        keep &= cat.dates >= filters.after
    if filters.before:
        keep &= (cat.dates < filters.before) & (cat.dates > 0)
    if filters.sources:
        wanted = [
            i
            for i, name in enumerate(cat.source_names)
            if name and any(f" {s} " in f" {name} " for s in filters.sources)
        ]
        keep &= np.isin(cat.source, wanted)
    if filters.sections:
        wanted = [i for i, name in enumerate(cat.label_names) if name in filters.sections]
        labelled = np.zeros(len(cat.dates), dtype=np.bool_)
        labelled[cat.label_owner[np.isin(cat.label, wanted)]] = True
        keep &= labelled
    return keep


def restrict(index, question: str) -> tuple[str, Filters, np.ndarray | None, str | None]:
    """(question without filters, filters, allowed passages or None for all, a notice to
    show instead of an answer or None). The one call `Searcher.ask` makes."""
    try:
        text, filters = split(question[:MAX_CHARS])
    except FilterError as err:
        return question, Filters(), None, str(err)
    if not filters.restricts:
        return text, filters, None, None
    articles = allowed_articles(index, filters)
    if not articles.any():
        return text, filters, None, f"No article in the archive matches {' '.join(filters.typed)}."
    return text, filters, articles[np.asarray(index.passage_article)], None


def newest_articles(index, n: int) -> list[int]:
    """The numbers of the `n` most recently published articles, newest first, undated
    last, ties in article order: what sorting every article by its `published` date
    gives (ingest keeps dates as YYYY-MM-DD, so the catalog's days order them the same),
    read from the catalog instead of every article record."""
    dates = catalog(index).dates
    order = np.lexsort((np.arange(len(dates)), -dates.astype(np.int64)))
    return [int(j) for j in order[: max(0, n)]]


def article_with_url(index, url: str) -> int | None:
    """The number of the article whose url has the same key as `url` (the last indexed
    when several have), or None: the catalog's hashes pick the candidates, and only
    their records are read to confirm."""
    wanted = url_hash(url)
    if wanted == 0:
        return None
    key = url_key(url)
    for j in np.flatnonzero(catalog(index).url_hash == np.uint64(wanted))[::-1].tolist():
        if url_key(index.article(j).url or "") == key:
            return j
    return None


def newest_first(index, docs: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Passages scoring at least NEWEST_SHARE of the best, newer articles first (best
    score first within a day); the rest after them, as ranked."""
    if len(docs) == 0:
        return docs, scores
    dates = catalog(index).dates[np.asarray(index.passage_article)[docs]]
    strong = scores >= NEWEST_SHARE * scores.max()
    position = np.arange(len(docs))
    order = np.lexsort((position, -np.where(strong, dates, -1), ~strong))
    return docs[order], scores[order]
