"""Files -> analysed chunks: segment, analyse and count terms, in worker processes.

Each chunk of files becomes a `Chunk` of passages with chunk-local term ids, counted in
first-seen order as rank-bm25 builds its vocabulary. A passage that quotes a pronoun
("…,” she said.") also gets the terms of the speaker named in the paragraph before.
`index.storage.invert` gives the terms global ids and inverts them.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from array import array
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from index.ingest.corpus import SourceFile, read_file, split_jsonl
from index.ingest.paragraphs import Boilerplate, segment
from index.models import Article, Problem
from index.storage.arrays import pack_text
from index.storage.settings import IndexSettings
from index.storage.workers import die_with_parent
from index.text import aliases as alias_learning
from index.text.analysis import Analyzer
from index.text.attribution import attribute
from index.text.features import passage_flags

PARALLEL_BYTES = 2 * 1024 * 1024  # analyse in worker processes above this much text
CHUNK_BYTES = 4 * 1024 * 1024
CHUNK_FILES = 256


@dataclass
class Chunk:
    """One chunk of files, analysed; term ids are local to the chunk."""

    articles: list[Article] = field(default_factory=list)
    lines: list[tuple[str, int | None]] = field(default_factory=list)  # (path, line) per article
    texts: list[bytes] = field(default_factory=list)  # each passage, arrays.pack_text()ed
    passage_article: array = field(default_factory=lambda: array("i"))  # index into articles
    passage_number: array = field(default_factory=lambda: array("i"))
    vocab: list[str] = field(default_factory=list)
    terms: array = field(default_factory=lambda: array("I"))  # local ids, per passage
    tfs: array = field(default_factory=lambda: array("H"))
    counts: array = field(default_factory=lambda: array("I"))  # distinct terms per passage
    lengths: array = field(default_factory=lambda: array("I"))  # terms per passage
    ctx_terms: array = field(default_factory=lambda: array("I"))  # the same, per article
    ctx_tfs: array = field(default_factory=lambda: array("H"))
    ctx_counts: array = field(default_factory=lambda: array("I"))
    ctx_lengths: array = field(default_factory=lambda: array("I"))
    flags: array = field(default_factory=lambda: array("B"))  # index.text.features, per passage
    aliases: Counter = field(default_factory=Counter)  # (acronym, phrase) -> articles
    problems: list[Problem] = field(default_factory=list)
    bytes: int = 0


_analyzer: Analyzer | None = None  # one per process: its token memo is worth keeping


def analyse_chunk(
    files: list[SourceFile], boilerplate_path: Path | None, analyzer: Analyzer | None = None
) -> Chunk:
    global _analyzer
    if analyzer is None:
        analyzer = _analyzer = _analyzer or Analyzer()
    boilerplate = Boilerplate.load(boilerplate_path)
    chunk = Chunk()
    local: dict[str, int] = {}

    def count(terms: list[str], ids: array, tfs: array, counts: array, lengths: array) -> None:
        freq = Counter(terms)  # first-seen order, as rank-bm25 builds its vocabulary
        for term, n in freq.items():
            tid = local.get(term)
            if tid is None:
                tid = local[term] = len(chunk.vocab)
                chunk.vocab.append(term)
            ids.append(tid)
            tfs.append(min(n, 65535))
        counts.append(len(freq))
        lengths.append(len(terms))

    for source in files:
        chunk.bytes += source.part[1] - source.part[0] if source.part else source.size
        for doc in read_file(source, chunk.problems.append):
            article, passages = segment(doc, boilerplate)
            if not passages:
                chunk.problems.append(
                    Problem(doc.path, "no content paragraphs (only boilerplate); skipped", doc.line)
                )
                continue
            a = len(chunk.articles)
            chunk.articles.append(article)
            chunk.lines.append((doc.path, doc.line))
            lead = passages[0].text if passages[0].number == 1 else ""
            count(
                analyzer.terms(f"{article.title}\n{lead}"),
                chunk.ctx_terms,
                chunk.ctx_tfs,
                chunk.ctx_counts,
                chunk.ctx_lengths,
            )
            chunk.aliases.update(alias_learning.learn(doc.text).keys())
            previous = None
            for p in passages:
                chunk.texts.append(pack_text(p.text))  # compressed here, in the worker
                chunk.passage_article.append(a)
                chunk.passage_number.append(p.number)
                terms = analyzer.terms(p.text)
                chunk.flags.append(passage_flags(p.text, set(terms)))
                if previous is not None and _PRONOUN_QUOTE.search(p.text):
                    terms += speaker_terms(analyzer, previous.text)
                count(terms, chunk.terms, chunk.tfs, chunk.counts, chunk.lengths)
                previous = p
    return chunk


# "…,” she said." — the speaker is named in the paragraph before: keep them together
_PRONOUN_QUOTE = re.compile(
    r"[”\"'’],?\s+(?:she|he|they)\s+(?:said|says|added|told|"
    r"explained|continued)\b",
    re.IGNORECASE,
)


def speaker_terms(analyzer: Analyzer, previous: str) -> list[str]:
    speaker = attribute(previous)
    if not speaker or not speaker[:1].isupper() or speaker.lower() in ("she", "he", "they"):
        return []
    return analyzer.terms(speaker)


def work_units(files: list[SourceFile], target: int) -> list[list[SourceFile]]:
    """Work units of about `target` bytes (large .jsonl files are sliced)."""
    chunks: list[list[SourceFile]] = [[]]
    size = 0
    for piece in (p for f in files for p in split_jsonl(f, target)):
        length = piece.part[1] - piece.part[0] if piece.part else piece.size
        if chunks[-1] and (size + length > target or len(chunks[-1]) >= CHUNK_FILES):
            chunks.append([])
            size = 0
        chunks[-1].append(piece)
        size += length
    return [c for c in chunks if c]


def analysed(
    files: list[SourceFile], settings: IndexSettings, analyzer: Analyzer | None
) -> Iterable[Chunk]:
    total = sum(f.size for f in files)
    workers = settings.workers or min(os.cpu_count() or 1, 4)
    # small enough that every worker gets several, large enough to be worth sending
    pieces = work_units(files, min(CHUNK_BYTES, max(256 * 1024, total // (4 * workers))))
    if analyzer is not None or workers <= 1 or total < PARALLEL_BYTES or len(pieces) < 2:
        for c in pieces:
            yield analyse_chunk(c, settings.boilerplate, analyzer)
        return
    # fork is fastest, but forking a process that runs other threads (a serving bot
    # rebuilding in the background) can deadlock a child: use forkserver there
    methods = multiprocessing.get_all_start_methods()
    threaded = threading.active_count() > 1
    method = (
        "fork"
        if "fork" in methods and not threaded
        else "forkserver"
        if "forkserver" in methods
        else "spawn"
    )
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=die_with_parent) as pool:
        yield from pool.map(
            analyse_chunk, pieces, [settings.boilerplate] * len(pieces), chunksize=1
        )
