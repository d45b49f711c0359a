"""Analysed chunks -> one generation: global term ids, inverted lists, the arrays.

The parent gives terms their global ids in first-seen order, writes passage texts and
article metadata into segments as chunks arrive, and inverts the postings with numpy
at the end (a large corpus in sorted runs spilled to disk and merged, so memory stays
bounded). On an `add`, new postings are merged after the base generation's (a new
passage's number is above every old one) and the base's segments are hard-linked.
Besides the lists, each term's highest BM25 weight is written (the engine's bound).
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np

from index.bm25 import length_norm, okapi_idf, tf_weight
from index.models import Problem
from index.storage.analyse import Chunk
from index.storage.arrays import TF_BIG, view
from index.storage.catalog import CatalogBuilder
from index.storage.store import Index, Postings
from index.storage.writer import GenerationWriter

RUN_POSTINGS = 1 << 26  # buffered postings per side before a sorted run goes to disk


class Side:
    """New postings for one field (passages or article contexts), global term ids."""

    def __init__(self, spill_dir: Path | None = None, run: int | None = None) -> None:
        self.terms = array("I")
        self.docs = array("I")
        self.tfs = array("H")
        self.lengths = array("I")
        # above `run` buffered postings, they are sorted and written to `spill_dir` as a
        # run, so that memory stays bounded however large the corpus
        self.spill_dir, self.run = spill_dir, run or RUN_POSTINGS
        self.runs: list[Path] = []

    def extend(
        self,
        remap: np.ndarray,
        terms: array,
        tfs: array,
        counts: array,
        lengths: array,
        first_doc: int,
        keep: np.ndarray | None,
    ) -> None:
        ids = remap[np.frombuffer(terms, dtype=np.uint32)] if len(terms) else np.zeros(0, np.uint32)
        counts_np = np.frombuffer(counts, dtype=np.uint32)
        tf_np = np.frombuffer(tfs, dtype=np.uint16) if len(tfs) else np.zeros(0, np.uint16)
        len_np = np.frombuffer(lengths, dtype=np.uint32)
        if keep is not None:  # drop documents of skipped (duplicate-id) articles
            per_posting = np.repeat(keep, counts_np)
            ids, tf_np = ids[per_posting], tf_np[per_posting]
            counts_np, len_np = counts_np[keep], len_np[keep]
        docs = np.repeat(
            np.arange(first_doc, first_doc + len(counts_np), dtype=np.uint32), counts_np
        )
        self.terms.frombytes(ids.astype(np.uint32).tobytes())
        self.docs.frombytes(docs.tobytes())
        self.tfs.frombytes(tf_np.astype(np.uint16).tobytes())
        self.lengths.frombytes(len_np.astype(np.uint32).tobytes())
        if self.spill_dir is not None and len(self.docs) >= self.run:
            self._spill()

    def _sorted(self, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The buffered postings by term (documents stay ascending within a term):
        counts per term, documents, counts in them, and their terms."""
        terms = view(self.terms, np.uint32)
        order = np.argsort(terms, kind="stable")
        counts = np.bincount(terms, minlength=n_terms).astype(np.int64)
        docs = view(self.docs, np.uint32)[order].astype(np.int32)
        return counts, docs, view(self.tfs, np.uint16)[order], terms[order]

    def _spill(self) -> None:
        assert self.spill_dir is not None
        counts, docs, tfs, _ = self._sorted(0)
        stem = self.spill_dir / f"spill-{id(self):x}-{len(self.runs)}"
        for name, values in (("counts", counts), ("doc", docs), ("tf", tfs)):
            np.save(f"{stem}-{name}.npy", values, allow_pickle=False)
        self.runs.append(stem)
        self.terms, self.docs, self.tfs = array("I"), array("I"), array("H")

    def invert(self, n_terms: int, base: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
        """CSC arrays (term -> passages, counts), merged after `base`'s when given: a new
        passage's number is above every old one, so it goes at the end of its term's list."""
        lengths = view(self.lengths, np.uint32).astype(np.int32)
        if base is not None:
            lengths = np.concatenate([np.asarray(base["len"]), lengths])
        if self.runs:
            return {**self._merge_runs(n_terms, base), "len": lengths}
        new_counts, new_doc, new_tf, sorted_terms = self._sorted(n_terms)
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(new_counts, out=ptr[1:])
        if base is None:
            return {"ptr": ptr, "doc": new_doc, "tf": new_tf, "len": lengths}
        old_ptr = np.asarray(base["ptr"])
        full = np.full(n_terms + 1, old_ptr[-1], dtype=np.int64)
        full[: len(old_ptr)] = old_ptr
        # the new postings go at the end of each term's old list: the caller inserts them
        # into the base's arrays as stored (`write_added`), without decoding those
        return {
            "ptr": full + ptr,
            "at": full[sorted_terms.astype(np.int64) + 1],
            "new_terms": sorted_terms,
            "new_doc": new_doc,
            "new_tf": new_tf,
            "len": lengths,
        }

    def _merge_runs(self, n_terms: int, base: dict[str, np.ndarray] | None) -> dict:
        """The spilled runs (and the base's postings before them) merged term by term,
        a bounded slice at a time; the run files are removed."""
        self._spill()
        parts = []
        if base is not None:
            parts.append((np.diff(np.asarray(base["ptr"])), base["doc"], base["tf"]))
        for stem in self.runs:
            c, d, f = (np.load(f"{stem}-{n}.npy", mmap_mode="r") for n in ("counts", "doc", "tf"))
            parts.append((np.asarray(c), d, f))
        counts = np.zeros(n_terms, dtype=np.int64)
        for c, _, _ in parts:
            counts[: len(c)] += c
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        doc = np.empty(int(ptr[-1]), dtype=np.int32)
        tf = np.empty(int(ptr[-1]), dtype=np.uint16)
        filled = ptr[:-1].copy()  # where each term's next posting goes
        for c, part_doc, part_tf in parts:
            _place(doc, tf, filled, c, part_doc, part_tf, self.run)
        for stem in self.runs:
            for name in ("counts", "doc", "tf"):
                Path(f"{stem}-{name}.npy").unlink()
        self.runs = []
        return {"ptr": ptr, "doc": doc, "tf": tf}


def _place(
    doc: np.ndarray,
    tf: np.ndarray,
    filled: np.ndarray,
    counts: np.ndarray,
    part_doc: np.ndarray,
    part_tf: np.ndarray,
    step: int,
) -> None:
    """Copy one part's postings (by term, counts per term) after what each term already
    holds in `doc`/`tf`, whole terms about `step` postings at a time."""
    start = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    t = 0
    while t < len(counts):
        end = max(t + 1, int(np.searchsorted(start, start[t] + step, side="right")) - 1)
        end = min(end, len(counts))
        s, e = int(start[t]), int(start[end])
        if e > s:
            # posting i of term u goes to filled[u] + (i - start[u])
            dest = np.repeat(filled[t:end] - start[t:end], counts[t:end]) + np.arange(s, e)
            doc[dest] = part_doc[s:e]
            tf[dest] = part_tf[s:e]
        t = end
    filled[: len(counts)] += counts


def max_weights(
    ptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray, step: int = 1 << 22
) -> np.ndarray:
    """Per term, the highest BM25 weight before idf among its postings (0 for a term
    without any), computed as the engine computes each weight: what bounds the term's
    part of a score when the engine prunes. It depends on the average length: a build
    computes it (a pass over the postings, `step` at a time), an add scales it
    (`added_bounds`)."""
    norm = length_norm(lengths)
    out = np.zeros(len(ptr) - 1, dtype=np.float64)
    t = 0
    while t < len(out):
        # whole terms, about `step` postings (one term alone when it has more)
        end = max(t + 1, int(np.searchsorted(ptr, ptr[t] + step, side="right")) - 1)
        end = min(end, len(out))
        s, e = int(ptr[t]), int(ptr[end])
        held = np.flatnonzero(ptr[t + 1 : end + 1] > ptr[t:end]) + t
        if len(held):
            w = tf_weight(tfs[s:e], norm[docs[s:e]])
            out[held] = np.maximum.reduceat(w, ptr[held] - s)
        t = end
    return out


def added_bounds(old: Postings, inv: dict[str, np.ndarray]) -> np.ndarray:
    """Each term's bound after an add, from the base's bounds and the new postings only.

    A weight tf (k1 + 1) / (tf + k1 (1 - b + b |d| / avgdl)) grows with avgdl, by at
    most the factor avgdl_new / avgdl_old (the part of the denominator that shrinks is
    at most all of it), so the base's bounds times that factor (when above 1) still
    bound the old postings; the new ones are weighed exactly. After a build the bound is
    each term's highest weight; after adds it may be a little above it, which costs the
    engine a little pruning and changes no score."""
    lengths = np.asarray(inv["len"])
    old_len = np.asarray(old.doc_len)
    growth = 1.0
    if len(old_len) and old.max_w is not None:
        avg_old = int(old_len.sum(dtype=np.int64)) / len(old_len)
        avg_new = int(lengths.sum(dtype=np.int64)) / len(lengths)
        growth = max(1.0, avg_new / avg_old) * (1 + 1e-12)  # and a margin for rounding
    out = np.zeros(len(inv["ptr"]) - 1, dtype=np.float64)
    if old.max_w is None:  # an index from before bounds: no pruning on its terms
        out[: len(old.post_ptr) - 1] = np.inf
    else:
        out[: len(old.max_w)] = np.asarray(old.max_w) * growth
    terms, docs = inv["new_terms"], inv["new_doc"]
    if len(terms):
        w = tf_weight(inv["new_tf"], length_norm(lengths[docs], lengths))
        starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])  # terms ascending
        held = terms[starts].astype(np.int64)
        out[held] = np.maximum(out[held], np.maximum.reduceat(w, starts))
    return out


def write_added(writer: GenerationWriter, prefix: str, old: Postings, inv: dict) -> None:
    """The base's lists with the new postings inserted, written in the stored form: the
    one-byte counts and the overflow list are shifted, not decoded and encoded again."""
    at, new_tf = inv["at"], inv["new_tf"]
    landed = at + np.arange(len(at))  # where each new posting ends up
    old_big = np.asarray(old.big_at, dtype=np.int64)
    new_big = np.flatnonzero(new_tf >= TF_BIG)
    big_at = np.concatenate([old_big + np.searchsorted(at, old_big, side="right"), landed[new_big]])
    big_tf = np.concatenate([np.asarray(old.big_tf, dtype=np.uint16), new_tf[new_big]])
    order = np.argsort(big_at, kind="stable")
    writer.save_array(f"{prefix}_big_at", big_at[order].astype(np.int64))
    writer.save_array(f"{prefix}_big_tf", big_tf[order].astype(np.uint16))
    small = np.minimum(new_tf, TF_BIG).astype(np.uint8)
    writer.save_array(f"{prefix}_tf", np.insert(np.asarray(old.post_tf), at, small))
    writer.save_array(f"{prefix}_max_w", added_bounds(old, inv))
    writer.save_array(f"{prefix}_ptr", inv["ptr"])
    writer.save_array(f"{prefix}_doc", np.insert(np.asarray(old.post_doc), at, inv["new_doc"]))


class Builder:
    """Merges analysed chunks into one generation, on top of an optional base index."""

    def __init__(self, writer: GenerationWriter, base: Index | None) -> None:
        self.writer = writer
        self.base = base
        self.vocab: list[str] = list(base.passages.vocab) if base else []
        self.term_id: dict[str, int] = dict(base.passages.term_id) if base else {}
        self.article_ids: dict[str, str] = (
            dict.fromkeys(base.article_ids(), "the index") if base else {}
        )
        self.n_passages = base.n_passages if base else 0
        self.n_articles = base.n_articles if base else 0
        self.passages = Side(writer.path)
        self.contexts = Side(writer.path)
        self.passage_article = array("i")
        self.passage_number = array("i")
        self.passage_flags = array("B")
        self.aliases: Counter = Counter({tuple(k): n for *k, n in base.aliases} if base else {})
        self.text_ptr = array("q", [int(base.text_ptr[-1])] if base else [0])
        self.article_ptr = array("q", [int(base.article_ptr[-1])] if base else [0])
        # the base's text and metadata segments are shared (hard links); ours go in new ones
        self.segments = {
            kind: writer.link_segments(base, kind) if base else [] for kind in ("texts", "articles")
        }
        self.texts = writer.new_segment("texts", self.segments["texts"])
        self.articles = writer.new_segment("articles", self.segments["articles"])
        self.catalog = CatalogBuilder.of(base) if base else CatalogBuilder()

    def add(self, chunk: Chunk, problems: list[Problem]) -> tuple[int, int]:
        """Take in one analysed chunk; (articles, passages) it added. An article whose id
        is already used is skipped, with a problem saying so."""
        problems.extend(chunk.problems)
        self.aliases.update(chunk.aliases)
        keep_article = self._unique_articles(chunk, problems)
        remap = self._global_ids(chunk.vocab)
        pa = (
            np.frombuffer(chunk.passage_article, dtype=np.int32)
            if chunk.texts
            else np.zeros(0, np.int32)
        )
        keep_passage = keep_article[pa] if len(pa) else np.zeros(0, np.bool_)
        all_kept = bool(keep_article.all())
        self.contexts.extend(
            remap,
            chunk.ctx_terms,
            chunk.ctx_tfs,
            chunk.ctx_counts,
            chunk.ctx_lengths,
            self.n_articles,
            None if all_kept else keep_article,
        )
        self.passages.extend(
            remap,
            chunk.terms,
            chunk.tfs,
            chunk.counts,
            chunk.lengths,
            self.n_passages,
            None if all_kept else keep_passage,
        )
        articles = self._write_articles(chunk, keep_article)
        passages = self._write_passages(chunk, keep_article, keep_passage, pa)
        self.n_passages += passages
        self.n_articles += articles
        return articles, passages

    def _unique_articles(self, chunk: Chunk, problems: list[Problem]) -> np.ndarray:
        keep = np.ones(len(chunk.articles), dtype=np.bool_)
        for a, article in enumerate(chunk.articles):
            earlier = self.article_ids.get(article.id)
            if earlier is not None:
                path, line = chunk.lines[a]
                problems.append(
                    Problem(
                        path,
                        f"article id {article.id!r} is already used by {earlier}; skipped",
                        line,
                    )
                )
                keep[a] = False
                continue
            self.article_ids[article.id] = article.path
        return keep

    def _global_ids(self, chunk_vocab: list[str]) -> np.ndarray:
        """Chunk-local term id -> global id (new terms appended in first-seen order)."""
        remap = np.empty(len(chunk_vocab), dtype=np.uint32)
        for local, term in enumerate(chunk_vocab):
            tid = self.term_id.get(term)
            if tid is None:
                tid = self.term_id[term] = len(self.vocab)
                self.vocab.append(term)
            remap[local] = tid
        return remap

    def _write_articles(self, chunk: Chunk, keep: np.ndarray) -> int:
        written = 0
        for a, article in enumerate(chunk.articles):
            if keep[a]:
                raw = json.dumps(asdict(article), ensure_ascii=False).encode() + b"\n"
                self.articles.write(raw)
                self.article_ptr.append(self.article_ptr[-1] + len(raw))
                self.catalog.add(article)
                written += 1
        return written

    def _write_passages(
        self, chunk: Chunk, keep_article: np.ndarray, keep: np.ndarray, pa: np.ndarray
    ) -> int:
        new_index = np.cumsum(keep_article) - 1 + self.n_articles  # article -> global
        pos = self.text_ptr[-1]
        written = 0
        for p, text in enumerate(chunk.texts):
            if not keep[p]:
                continue
            self.texts.write(text)
            pos += len(text)
            self.text_ptr.append(pos)
            self.passage_article.append(int(new_index[pa[p]]))
            self.passage_number.append(chunk.passage_number[p])
            self.passage_flags.append(chunk.flags[p])
            written += 1
        return written

    def close(self) -> None:
        self.texts.close()
        self.articles.close()

    def finish(self, meta: dict) -> None:
        """Invert, write every array and publish the generation."""
        self.close()
        base = self.base
        self._write_postings("post", "doc_len", "idf", self.passages, base and base.passages)
        self._write_postings("ctx", "ctx_len", "ctx_idf", self.contexts, base and base.contexts)
        w = self.writer
        w.save_json("vocab.json", self.vocab)
        w.save_json("article_ids.json", list(self.article_ids))
        vocab = self.vocab
        w.save_array(
            "vocab_order",
            np.array(sorted(range(len(vocab)), key=vocab.__getitem__), dtype=np.int32),
        )
        w.save_json("aliases.json", sorted([a, p, n] for (a, p), n in self.aliases.items()))
        self._write_passage_arrays()
        self.catalog.save(w)
        meta["segments"] = {
            kind: [s for s in names if (w.path / s).stat().st_size]
            for kind, names in self.segments.items()
        }
        for kind, names in self.segments.items():
            for name in set(names) - set(meta["segments"][kind]):
                (w.path / name).unlink()  # an empty new segment
        w.publish(meta)

    def _write_postings(
        self, prefix: str, len_name: str, idf_name: str, side: Side, old: Postings | None
    ) -> None:
        w = self.writer
        old_arrays = None
        if old is not None:
            old_arrays = {"ptr": old.post_ptr, "doc": old.post_doc, "len": old.doc_len}
            if side.runs:  # a large add is merged run by run, on decoded counts
                old_arrays["tf"] = old.tfs(0, len(old.post_tf))
        inv = side.invert(len(self.vocab), old_arrays)
        if "at" in inv:
            assert old is not None
            write_added(w, prefix, old, inv)
        else:
            tf = inv.pop("tf")
            big_at = np.flatnonzero(tf >= TF_BIG)
            w.save_array(f"{prefix}_big_at", big_at.astype(np.int64))
            w.save_array(f"{prefix}_big_tf", tf[big_at].astype(np.uint16))
            w.save_array(f"{prefix}_tf", np.minimum(tf, TF_BIG).astype(np.uint8))
            w.save_array(f"{prefix}_max_w", max_weights(inv["ptr"], inv["doc"], tf, inv["len"]))
            del tf
            for name in ("ptr", "doc"):
                w.save_array(f"{prefix}_{name}", inv[name])
        w.save_array(len_name, inv["len"])
        w.save_array(idf_name, okapi_idf(np.diff(inv["ptr"]), len(inv["len"])))

    def _write_passage_arrays(self) -> None:
        base = self.base
        for name, new, dtype in (
            ("passage_article", self.passage_article, np.int32),
            ("passage_number", self.passage_number, np.int32),
            ("passage_flags", self.passage_flags, np.uint8),
            ("text_ptr", self.text_ptr, np.int64),
            ("article_ptr", self.article_ptr, np.int64),
        ):
            new_np = np.array(new, dtype=dtype)
            if base is not None:
                old_np = np.asarray(getattr(base, name))
                # offsets arrays start with the base's last offset: don't repeat it
                new_np = np.concatenate([old_np, new_np[1:] if name.endswith("_ptr") else new_np])
            self.writer.save_array(name, new_np)
