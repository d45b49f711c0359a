"""Whether a loaded generation's arrays fit together, so that a search can't index out
of range however the files were altered (checksums only show that files are as
written, and whoever rewrote an array can rewrite its checksum too).

Shapes, pointer ends and the small arrays are always checked (cheap); the values of the
postings arrays are checked when every file is read anyway (`values`: indexes under the
full-check size, and `newsbot index verify`).
"""

from __future__ import annotations

import numpy as np


def _in_range(a: np.ndarray, low: int, high: int) -> bool:
    return len(a) == 0 or (int(a.min()) >= low and int(a.max()) < high)


def _pointers(ptr: np.ndarray, length: int, end: int) -> bool:
    """An offsets array: `length` long, from 0, never decreasing, ending at `end`."""
    return (
        len(ptr) == length
        and int(ptr[0]) == 0
        and int(ptr[-1]) == end
        and bool(np.all(ptr[1:] >= ptr[:-1]))
    )


def validate(arrays: dict, n_terms: int, texts, articles, values: bool = True) -> str | None:
    """What is wrong with the arrays of a generation (None when they fit together).
    `texts` and `articles` are the Segments the offsets point into."""
    n = len(arrays["passage_article"])
    n_articles = len(arrays["article_ptr"]) - 1
    for name in ("passage_number", "passage_flags", "doc_len"):
        if len(arrays[name]) != n:
            return f"{name}: {len(arrays[name])} entries for {n} passages"
    if n_articles < 0 or len(arrays["ctx_len"]) != n_articles:
        return "article arrays of different lengths"
    for name in ("idf", "ctx_idf", "vocab_order"):
        if len(arrays[name]) != n_terms:
            return f"{name}: {len(arrays[name])} entries for {n_terms} terms"
    if not _pointers(arrays["text_ptr"], n + 1, texts.starts[-1]):
        return "text_ptr: offsets don't fit the passage texts"
    if not _pointers(arrays["article_ptr"], n_articles + 1, articles.starts[-1]):
        return "article_ptr: offsets don't fit the article records"
    if not _in_range(arrays["passage_article"], 0, n_articles):
        return "passage_article: article numbers out of range"
    if not _in_range(arrays["vocab_order"], 0, n_terms):
        return "vocab_order: term ids out of range"
    for prefix, docs, n_docs in (("post", "post_doc", n), ("ctx", "ctx_doc", n_articles)):
        nnz = len(arrays[docs])
        ptr = arrays[f"{prefix}_ptr"]
        if not _pointers(ptr, n_terms + 1, nnz) or len(arrays[f"{prefix}_tf"]) != nnz:
            return f"{prefix}_ptr: postings lists don't fit the postings"
        if values and not _in_range(arrays[docs], 0, n_docs):
            return f"{docs}: document numbers out of range"
        big_at, big_tf = arrays[f"{prefix}_big_at"], arrays[f"{prefix}_big_tf"]
        if len(big_at) != len(big_tf) or not _in_range(big_at, 0, nnz):
            return f"{prefix}_big_at: the large counts don't fit the postings"
        if values and not bool(np.all(big_at[1:] > big_at[:-1])):
            return f"{prefix}_big_at: the large counts are out of order"
        if len(arrays[f"{prefix}_max_w"]) != n_terms:
            return f"{prefix}_max_w: {len(arrays[f'{prefix}_max_w'])} entries for {n_terms} terms"
    return None
