"""What is looked up per article without reading its record, saved with each generation.

    catalog.json          {"version", "sources": [folded names], "labels": [folded names]}
    article_day.npy       int32 [A]  publication day as YYYYMMDD, 0 when undated
    article_source.npy    int32 [A]  the article's source, a position in "sources"
    label_owner.npy       int64 [L]  \\ (article, label) pairs: an article's section
    label.npy             int32 [L]  /  and its tags, each a position in "labels"
    url_hash.npy          uint64 [A] a hash of the article's url key (0: no url), to
                                     find the article a shared link points to

Question filters and `newest` (`index/retrieval/filters.py`), and through them
`/newsbot sources`, the Home tab and link previews, used to decode every article's
JSON for these: 0.9 s at a million passages and 9 to 14 s at ten million, paid by
whoever asked first (and, for `/newsbot sources`, on every call). A build or an add
writes them instead, and an add appends to the base's. An index written before them
has none: its catalog is built from the articles when first needed, as before, and its
next add writes one.
"""

from __future__ import annotations

import hashlib
import json
import re
from array import array
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from index.models import Article
from index.storage.arrays import view
from index.text.analysis import fold

VERSION = 2  # bump when names, days or url keys change: an older catalog is then rebuilt
FILES = (
    "catalog.json",
    "article_day.npy",
    "article_source.npy",
    "label_owner.npy",
    "label.npy",
    "url_hash.npy",
)
_NOT_WORD = re.compile(r"[\W_]+")


def folded_words(value: str) -> str:
    """A source or section name as filters compare it: folded, punctuation as spaces."""
    return " ".join(_NOT_WORD.sub(" ", fold(value)).split())


def url_key(url: str) -> str:
    """What two spellings of one article url share: host in lower case without "www.",
    no scheme, fragment, tracking parameters (utm_…) or trailing slash."""
    parts = urlsplit(url.strip()[:2000])
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("utm_"))
    path = parts.path.rstrip("/")
    return f"{parts.netloc.lower().removeprefix('www.')}{path}" + (f"?{query}" if query else "")


def url_hash(url: str | None) -> int:
    """A url key's 64-bit hash, the same in every process; 0 for no url."""
    if not url:
        return 0
    digest = hashlib.blake2b(url_key(url).encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little") or 1


def day_number(value: str | None) -> int:
    """An ISO date (or timestamp) as YYYYMMDD; 0 when there is none to read."""
    if not value or len(value) < 10:
        return 0
    try:
        return int(value[:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:10])
    except ValueError:
        return 0


@dataclass
class Catalog:
    """The arrays filters test, one entry per article (labels as pairs)."""

    dates: np.ndarray
    source: np.ndarray
    source_names: list[str]
    label_owner: np.ndarray
    label: np.ndarray
    label_names: list[str]
    url_hash: np.ndarray


@dataclass
class CatalogBuilder:
    """Articles' catalog entries, in article order, as a build or an add writes them."""

    days: array = field(default_factory=lambda: array("i"))
    sources: array = field(default_factory=lambda: array("i"))
    owners: array = field(default_factory=lambda: array("q"))
    labels: array = field(default_factory=lambda: array("i"))
    urls: array = field(default_factory=lambda: array("Q"))
    source_ids: dict[str, int] = field(default_factory=dict)
    label_ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, index) -> CatalogBuilder:
        """Started from an index's catalog (read, or built from its articles)."""
        cat = catalog_of(index)
        return cls(
            array("i", cat.dates.astype(np.int32).tobytes()),
            array("i", cat.source.astype(np.int32).tobytes()),
            array("q", cat.label_owner.astype(np.int64).tobytes()),
            array("i", cat.label.astype(np.int32).tobytes()),
            array("Q", cat.url_hash.astype(np.uint64).tobytes()),
            {name: i for i, name in enumerate(cat.source_names)},
            {name: i for i, name in enumerate(cat.label_names)},
        )

    def add(self, article: Article) -> None:
        j = len(self.days)
        self.days.append(day_number(article.published))
        self.urls.append(url_hash(article.url))
        source = folded_words(article.source or "")
        self.sources.append(self.source_ids.setdefault(source, len(self.source_ids)))
        for name in sorted({folded_words(n) for n in (article.section, *article.tags) if n}):
            self.owners.append(j)
            self.labels.append(self.label_ids.setdefault(name, len(self.label_ids)))

    def catalog(self) -> Catalog:
        return Catalog(
            view(self.days, np.int32),
            view(self.sources, np.int32),
            list(self.source_ids),
            view(self.owners, np.int64),
            view(self.labels, np.int32),
            list(self.label_ids),
            view(self.urls, np.uint64),
        )

    def save(self, writer) -> None:
        cat = self.catalog()
        writer.save_json(
            "catalog.json",
            {"version": VERSION, "sources": cat.source_names, "labels": cat.label_names},
        )
        writer.save_array("article_day", cat.dates)
        writer.save_array("article_source", cat.source)
        writer.save_array("label_owner", cat.label_owner)
        writer.save_array("label", cat.label)
        writer.save_array("url_hash", cat.url_hash)


def catalog_of(index) -> Catalog:
    """The generation's saved catalog when it has a sound one, else one built from its
    articles (an index from before catalogs, or one whose names were folded otherwise)."""
    return _saved(index) or _from_articles(index)


def _saved(index) -> Catalog | None:
    if not all(name in index.meta.get("files_written", {}) for name in FILES):
        return None
    try:
        names = json.loads((index.path / "catalog.json").read_bytes())
        if names.get("version") != VERSION:
            return None
        sources, labels = [str(n) for n in names["sources"]], [str(n) for n in names["labels"]]
        days, source, owner, label, urls = (
            np.asarray(np.load(index.path / name, mmap_mode="r", allow_pickle=False))
            for name in FILES[1:]
        )
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None  # unreadable: built from the records instead, as for an older index
    cat = Catalog(days, source, sources, owner, label, labels, urls)
    return cat if _fits(cat, index.n_articles) else None


def _fits(cat: Catalog, n_articles: int) -> bool:
    """Whether the arrays fit the generation, so no filter can index out of range."""

    def within(a: np.ndarray, high: int) -> bool:
        return len(a) == 0 or (int(a.min()) >= 0 and int(a.max()) < high)

    return (
        len(cat.dates) == n_articles
        and len(cat.source) == n_articles
        and len(cat.url_hash) == n_articles
        and len(cat.label_owner) == len(cat.label)
        and within(cat.source, len(cat.source_names))
        and within(cat.label_owner, n_articles)
        and within(cat.label, len(cat.label_names))
    )


def _from_articles(index) -> Catalog:
    builder = CatalogBuilder()
    for article in index.iter_articles():
        builder.add(article)
    return builder.catalog()
