"""The saved index: a folder of generations, one of them current.

    <index>/
      CURRENT            {"format", "version", "generation", "meta_sha256"}; replaced atomically
      LOCK               held while a build or an add runs
      gen-<time>-<rand>/ one complete index, never modified once CURRENT points at it
        meta.json        format version, analyzer/rules fingerprints, corpus files, counts,
                         and the size and CRC-32 of every other file here
        vocab.json       the terms, in id order
        vocab_order.npy  int32 [V]    term ids in alphabetical order (prefix look-ups)
        post_ptr.npy     int64 [V+1]  \
        post_doc.npy     int32 [nnz]   } inverted lists (term -> passages, counts)
        post_tf.npy      uint8 [nnz]  /  (a count of 255 or more reads 255 here ...
        post_big_at.npy  int64 [m]       ... and its true count is in post_big_tf
        post_big_tf.npy  uint16 [m]      at the same rank of post_big_at)
        post_max_w.npy   float64 [V]  per term: its highest BM25 weight before idf, at
                                      this generation's average length (pruning; after
                                      an add, a bound a little above it)
        idf.npy          float64 [V]  rank-bm25's idf, floored as it floors it
        doc_len.npy      int32 [N]    terms per passage
        ctx_*.npy        the same over each article's title and lead (same term ids)

No posting's BM25 weight is stored: the engines compute it from the count and the
passage length at query time, so an `add` (which moves the average length) rewrites
only the per-term maxima.
        passage_article.npy int32 [N], passage_number.npy int32 [N]
        passage_flags.npy uint8 [N]   what a passage holds: date, number, person, quote
        aliases.json     acronyms the corpus spells out: [acronym, phrase, articles]
        text_ptr.npy     int64 [N+1]  byte offsets of each passage in the texts segments
        texts-NNNN.bin   the passages' published text, UTF-8, each zlib-compressed on
                         its own (about 1.5x smaller), in segments
        article_ptr.npy  int64 [A+1]  byte offsets of each article in the articles segments
        articles-NNNN.jsonl  one JSON object of metadata per article, in segments
        article_ids.json the articles' ids, in order
        catalog.json, article_day.npy, article_source.npy, label_owner.npy, label.npy,
        url_hash.npy     what question filters test per article (day, source, section
                         and tags) and its url's hash, for link previews
                         (index/storage/catalog.py; optional: an index from before them
                         builds its catalog from the articles)

An `add` hard-links the previous generation's segments (they never change) and writes
new ones, so adding a day's stories doesn't copy the archive's text.

Nothing is a pickle: loading never runs code. Arrays are memory-mapped, so a serving
process holds little of the archive in memory and several processes share one copy
in the page cache. A generation is written completely and fsynced before CURRENT is
replaced (write, fsync, rename), so a crash at any moment leaves the previous index.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.errors import IndexMissing, IndexStoreError
from index.models import Article, Passage
from index.storage import files
from index.storage.arrays import Postings, Segments, SortedTerms, unpack_text
from index.storage.integrity import validate

FORMAT = "newsbot-index"
VERSION = 4  # 4: uint8 counts with an overflow list, no stored weights, compressed texts
CURRENT = "CURRENT"
POSTINGS = ("ptr", "doc", "tf", "big_at", "big_tf", "max_w")  # per side
ARRAYS = (
    *(f"post_{name}" for name in POSTINGS),
    "idf",
    "doc_len",
    *(f"ctx_{name}" for name in POSTINGS),
    "ctx_idf",
    "ctx_len",
    "passage_article",
    "passage_number",
    "passage_flags",
    "text_ptr",
    "article_ptr",
    "vocab_order",
)
FULL_CHECK_BYTES = 256 * 1024 * 1024  # verify every CRC at load below this size


class Index:
    """A loaded generation: postings, passages and articles, read from memory maps."""

    def __init__(
        self,
        path: Path,
        meta: dict,
        arrays: dict[str, np.ndarray],
        vocab: list[str],
        texts: Segments,
        articles: Segments,
        aliases: list[list],
    ) -> None:
        self.path = path
        self.meta = meta
        self.aliases = aliases
        self.arrays = arrays
        self.passages = _postings(vocab, arrays, "post", "doc_len", "idf")
        # each article's title and lead, over the same vocabulary
        self.contexts = _postings(vocab, arrays, "ctx", "ctx_len", "ctx_idf", self.passages.term_id)
        self.passage_article = arrays["passage_article"]
        self.passage_number = arrays["passage_number"]
        self.passage_flags = arrays["passage_flags"]
        self.vocab_order = arrays["vocab_order"]
        self.text_ptr = arrays["text_ptr"]
        self.article_ptr = arrays["article_ptr"]
        self._texts = texts
        self._articles = articles
        self.article = lru_cache(maxsize=4096)(self._article)

    @property
    def n_passages(self) -> int:
        return len(self.passage_article)

    @property
    def n_articles(self) -> int:
        return len(self.article_ptr) - 1

    def text(self, i: int) -> str:
        return unpack_text(self._texts.read(int(self.text_ptr[i]), int(self.text_ptr[i + 1])))

    def passage(self, i: int) -> Passage:
        article = self.article(int(self.passage_article[i]))
        return Passage(article.id, int(self.passage_number[i]), self.text(i))

    def _article(self, j: int) -> Article:
        raw = self._articles.read(int(self.article_ptr[j]), int(self.article_ptr[j + 1]))
        return Article(**json.loads(raw))

    def article_ids(self) -> list[str]:
        return json.loads((self.path / "article_ids.json").read_bytes())

    def segment_files(self, kind: str) -> list[str]:
        return list(self.meta["segments"][kind])

    def sorted_terms(self) -> SortedTerms:
        return SortedTerms(self.passages.vocab, self.vocab_order)

    def passage_counts(self) -> np.ndarray:
        """How many passages each article has in the index, in article order."""
        return np.bincount(np.asarray(self.passage_article), minlength=self.n_articles)

    def passages_per_article(self) -> list[int]:
        """`passage_counts` as Python ints (for listing and JSON)."""
        return [int(n) for n in self.passage_counts()]

    def iter_articles(self) -> Iterator[Article]:
        for j in range(self.n_articles):
            yield self.article(j)


def _postings(
    vocab: list[str],
    arrays: dict[str, np.ndarray],
    side: str,
    lengths: str,
    idf: str,
    term_id: dict[str, int] | None = None,
) -> Postings:
    return Postings(
        vocab,
        arrays[f"{side}_ptr"],
        arrays[f"{side}_doc"],
        arrays[f"{side}_tf"],
        arrays[lengths],
        arrays[idf],
        term_id or {},
        big_at=arrays[f"{side}_big_at"],
        big_tf=arrays[f"{side}_big_tf"],
        max_w=arrays[f"{side}_max_w"],
    )


# ------------------------------------------------------------------ reading


def read_current(index_dir: Path) -> dict | None:
    """The CURRENT pointer, or None when there is no index yet."""
    path = Path(index_dir) / CURRENT
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        named = files.access_error(err, path, writing=False)
        raise named or IndexStoreError(
            f"The index at {index_dir} can't be read ({err.strerror})."
        ) from err
    try:
        current = json.loads(raw)
        if not isinstance(current, dict):
            raise ValueError
    except ValueError:
        raise IndexStoreError(
            f"The index at {index_dir} is corrupt (unreadable {CURRENT})."
        ) from None
    if current.get("format") != FORMAT:
        raise IndexStoreError(f"{index_dir} does not hold a newsbot index.")
    if not isinstance(current.get("version"), int) or current["version"] > VERSION:
        raise IndexStoreError(
            f"The index at {index_dir} was written by a newer newsbot "
            f"(format {current.get('version')}, this one reads {VERSION})."
        )
    if current["version"] < VERSION:
        raise IndexStoreError(
            f"The index at {index_dir} has an older format "
            f"({current['version']}, this newsbot writes {VERSION})."
        )
    return current


def load(index_dir: Path, verify: str = "auto") -> Index:
    """Open the current generation; IndexStoreError when it is missing or damaged.

    verify: "full" checks every file's CRC-32, "size" only sizes and headers, "auto" is
    full below FULL_CHECK_BYTES and size otherwise (`newsbot index verify` does full).
    """
    index_dir = Path(index_dir)
    current = read_current(index_dir)
    if current is None:
        raise IndexMissing(f"There is no index at {index_dir} yet.")
    gen = index_dir / str(current.get("generation", ""))
    try:
        meta_raw = (gen / "meta.json").read_bytes()
    except OSError as err:
        raise files.access_error(err, gen / "meta.json", writing=False) or IndexStoreError(
            f"The index at {index_dir} is incomplete (missing {gen.name}/meta.json)."
        ) from None
    if _sha256(meta_raw) != current.get("meta_sha256"):
        raise IndexStoreError(f"The index at {index_dir} is corrupt (meta.json checksum).")
    meta = json.loads(meta_raw)
    written: dict[str, dict] = meta["files_written"]
    total = sum(f["size"] for f in written.values())
    full = verify == "full" or (verify == "auto" and total <= FULL_CHECK_BYTES)
    for name, expect in written.items():
        path = gen / name
        try:
            size = path.stat().st_size
        except OSError as err:
            raise files.access_error(err, path, writing=False) or IndexStoreError(
                f"The index at {index_dir} is incomplete (missing {name})."
            ) from None
        if size != expect["size"]:
            raise IndexStoreError(f"The index at {index_dir} is truncated or damaged ({name}).")
        if full and _crc32(path) != expect["crc32"]:
            raise IndexStoreError(f"The index at {index_dir} is corrupt ({name} checksum).")
    meta["verified_at_load"] = full
    try:
        with files.named_errors(gen, writing=False):
            arrays = {
                # plain views of the maps: slicing an np.memmap costs a Python call each time
                name: np.asarray(np.load(gen / f"{name}.npy", mmap_mode="r", allow_pickle=False))
                for name in ARRAYS
            }
            vocab = json.loads((gen / "vocab.json").read_bytes())
            aliases = json.loads((gen / "aliases.json").read_bytes())
            texts = Segments([gen / name for name in meta["segments"]["texts"]])
            articles = Segments([gen / name for name in meta["segments"]["articles"]])
    except (OSError, ValueError) as err:
        raise IndexStoreError(f"The index at {index_dir} is corrupt ({err}).") from err
    problem = validate(arrays, len(vocab), texts, articles, values=full)
    if problem:
        raise IndexStoreError(f"The index at {index_dir} is corrupt ({problem}).")
    return Index(gen, meta, arrays, vocab, texts, articles, aliases)


def verify_all(index: Index) -> list[str]:
    """Names of the files whose CRC-32 doesn't match, and what doesn't fit together in the
    arrays (empty when the index is sound)."""
    bad = [
        name
        for name, expect in index.meta["files_written"].items()
        if _crc32(index.path / name) != expect["crc32"]
    ]
    if not bad:
        problem = validate(index.arrays, len(index.passages.vocab), index._texts, index._articles)
        bad += [problem] if problem else []
    return bad


def _crc32(path: Path) -> int:
    crc = 0
    with files.named_errors(path, writing=False), open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
