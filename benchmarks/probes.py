"""The measuring processes `run.py` starts; each prints one JSON object on stdout.

    probes.py serve  CORPUS INDEX QUESTIONS WARMUP   # serving process: RSS and ask latency
    probes.py phases CORPUS INDEX QUESTION           # where a cold start's time goes
    probes.py bm25   CORPUS INDEX QUESTIONS [--limit N]  # rank-bm25 vs the sparse engine
    probes.py exhaustive INDEX QUESTIONS [N]         # pruned vs every passage scored (10M)
    probes.py filtered CORPUS INDEX QUESTIONS [N]    # filtered top k: pruned vs all allowed

Each runs in a fresh process so that its peak RSS (getrusage ru_maxrss) is its own.
They import only newsbot and numpy (and rank-bm25 for `bm25`), never the generator.
"""

from __future__ import annotations

import json
import resource
import sys
import time

T0 = time.perf_counter()  # as early as this process can take it


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _smaps_mb() -> dict[str, float]:
    """Resident memory now, split: anonymous (heap, numpy buffers) vs file-backed (mmaps)."""
    out: dict[str, float] = {}
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss", "Anonymous", "Shared_Clean", "Private_Clean"):
                    out[key.lower()] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    if "rss" in out and "anonymous" in out:
        out["file_backed"] = out["rss"] - out["anonymous"]
    return out


def _since_process_start() -> float | None:
    """Seconds since the kernel started this process (10 ms resolution), via /proc."""
    import os

    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
    except OSError:
        return None
    return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _questions(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [q["question"] for q in json.load(f)]


def serve(
    corpus: str, index_dir: str, questions_path: str, warmup_path: str, passes: int = 3
) -> dict:
    """Open the index as the bot does (sparse engine), warm up, then time every ask."""
    from pathlib import Path

    from index.archive import open_searcher
    from index.storage.settings import IndexSettings

    questions, warmup = _questions(questions_path), _questions(warmup_path)
    t_import = time.perf_counter()
    settings = IndexSettings(corpus=Path(corpus), index_dir=Path(index_dir), engine="sparse")
    searcher = open_searcher(settings)
    t_open = time.perf_counter()
    rss_after_open = _smaps_mb()
    for q in warmup:
        searcher.ask(q)
    times = [[0.0] * len(questions) for _ in range(passes)]
    answers = []
    clock = time.perf_counter
    for p in range(passes):
        for i, q in enumerate(questions):
            start = clock()
            answer = searcher.ask(q)
            times[p][i] = clock() - start
            if p == 0:
                answers.append(
                    {
                        "no_answer": answer.no_answer,
                        "hits": [h.passage_id for h in answer.hits],
                        "terms": len(answer.terms),
                    }
                )
    return {
        "engine": searcher.engine.name,
        "passages": searcher.index.n_passages,
        "terms": len(searcher.index.passages.vocab),
        "import_s": t_import - T0,
        "open_s": t_open - t_import,
        "times_s": times,
        "answers": answers,
        "maxrss_mb": _maxrss_mb(),
        "smaps_after_open_mb": rss_after_open,
        "smaps_end_mb": _smaps_mb(),
    }


def phases(corpus: str, index_dir: str, question: str) -> dict:
    """The steps of `newsbot ask` after the interpreter is up, timed one by one."""
    from pathlib import Path

    marks: dict = {"process_start_to_probe_s": _since_process_start()}
    t = time.perf_counter()
    from index.retrieval.search import Searcher
    from index.storage import freshness, store
    from index.storage.settings import IndexSettings

    marks["import_s"] = time.perf_counter() - t
    settings = IndexSettings(corpus=Path(corpus), index_dir=Path(index_dir), engine="sparse")
    t = time.perf_counter()
    index = store.load(settings.index_dir)
    marks["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    stale = freshness.check(index, settings)
    marks["freshness_check_s"] = time.perf_counter() - t
    t = time.perf_counter()
    searcher = Searcher(index, "sparse")
    marks["searcher_init_s"] = time.perf_counter() - t
    t = time.perf_counter()
    answer = searcher.ask(question)
    marks["first_ask_s"] = time.perf_counter() - t
    marks["total_in_probe_s"] = time.perf_counter() - T0
    marks["fresh"] = stale.fresh
    marks["no_answer"] = answer.no_answer
    marks["maxrss_mb"] = _maxrss_mb()
    return marks


def bm25(
    corpus: str, index_dir: str, questions_path: str, limit: int | None = None, repeat: int = 3
) -> dict:
    """rank-bm25's BM25Okapi on the index's own analysed tokens vs SparseEngine.top."""
    import numpy as np

    from index.retrieval.engines import SparseEngine
    from index.retrieval.search import MAX_QUESTION_CHARS
    from index.storage import store
    from index.text.analysis import Analyzer

    index = store.load(index_dir)
    postings = index.passages
    analyzer = Analyzer()
    sparse = SparseEngine(postings, np.asarray(postings.idf))  # as Searcher builds it
    okapi, stats = _okapi(index, analyzer)
    questions = _questions(questions_path)
    if limit is not None:
        questions = questions[:limit]
    rows = []
    clock = time.perf_counter
    for i, q in enumerate(questions):
        terms = tuple(dict.fromkeys(analyzer.terms(q[:MAX_QUESTION_CHARS])))  # as ask does
        ids = postings.ids(list(terms))
        row: dict = {"id": i, "terms": len(terms), "known_terms": len(ids)}
        rows.append(row)
        if not ids:
            row["skipped"] = "no question term is in the index"
            continue
        query = [postings.vocab[t] for t in ids]
        sparse_times = []
        for _ in range(repeat):
            start = clock()
            ours, our_scores = sparse.top(ids, 10)
            sparse_times.append(clock() - start)
        start = clock()
        scores = okapi.get_scores(query)
        ref = np.argsort(scores)[::-1][:10]
        row["bm25_s"] = clock() - start
        row["sparse_top_s"] = float(np.median(sparse_times))
        row.update(_agreement(ours, our_scores, scores, ref))
    return {**stats, "questions": len(questions), "rows": rows, "maxrss_mb": _maxrss_mb()}


def _okapi(index, analyzer):
    """BM25Okapi over every passage's analysed terms, read back from the postings (as
    OkapiEngine does); a sample is re-analysed from the text to check the postings."""
    from collections import Counter

    import numpy as np
    from rank_bm25 import BM25Okapi

    from index.retrieval.engines import EPSILON, K1, B, passage_terms

    n = index.n_passages
    t = time.perf_counter()
    docs = passage_terms(index.passages)
    corpus_s = time.perf_counter() - t
    sample = np.linspace(0, n - 1, min(n, 1000)).astype(int).tolist()
    mismatch = sum(Counter(analyzer.terms(index.text(d))) != Counter(docs[d]) for d in sample)
    tokens = sum(len(d) for d in docs)
    t = time.perf_counter()
    okapi = BM25Okapi(docs, k1=K1, b=B, epsilon=EPSILON)
    stats = {
        "passages": n,
        "tokens": tokens,
        "corpus_from_postings_s": corpus_s,
        "bm25_init_s": time.perf_counter() - t,
        "postings_checked": len(sample),
        "postings_mismatch": int(mismatch),
    }
    return okapi, stats


def _agreement(ours, our_scores, scores, ref) -> dict:
    """Our top 10 against rank-bm25's scores of every passage (`ref`: its top 10)."""
    import numpy as np

    ref = ref[scores[ref] > 0]  # our engines return only passages that score above 0
    stable = np.lexsort((np.arange(len(scores)), -scores))[:10]  # rank-bm25, our tie-break
    stable = stable[scores[stable] > 0]
    same_len = len(ours) == len(ref)
    diff = float(np.max(np.abs(our_scores - scores[ref]))) if same_len and len(ref) else 0.0
    ties_only = same_len and all(
        o == r or scores[o] == scores[r] for o, r in zip(ours.tolist(), ref.tolist(), strict=True)
    )
    distinct = len(set(ours.tolist())) == len(ours)
    return {
        "agree": bool(same_len and ties_only and diff <= 1e-6 and distinct),
        "identical": ours.tolist() == stable.tolist(),
        "max_score_diff": diff,
        "top_len": int(len(ours)),
        "tied_at_cut": bool(len(ref) == 10 and np.sum(scores == scores[ref[-1]]) > 1),
    }


def exhaustive(index_dir: str, questions_path: str, limit: int | None = None) -> dict:
    """SparseEngine.top(ids, k) against every passage scored, with no pruning: each
    term's part added over a dense array in the question's order, as
    BM25Okapi.get_scores adds them (index/bm25.py's formula, which tests/test_engines.py
    holds equal to rank-bm25's bit for bit). For sizes where rank-bm25 itself does not
    fit in memory (10M: ~20 GB)."""
    import numpy as np

    from index.bm25 import length_norm, tf_weight
    from index.retrieval.engines import SparseEngine, _best
    from index.retrieval.search import MAX_QUESTION_CHARS
    from index.storage import store
    from index.text.analysis import Analyzer

    postings = store.load(index_dir).passages
    sparse = SparseEngine(postings, np.asarray(postings.idf))
    analyzer = Analyzer()
    norm = length_norm(postings.doc_len)
    questions = _questions(questions_path)[:limit]
    rows = []
    for q in questions:
        terms = tuple(dict.fromkeys(analyzer.terms(q[:MAX_QUESTION_CHARS])))
        ids = postings.ids(list(terms))
        if not ids:
            continue
        scores = np.zeros(len(postings.doc_len))
        for t in ids:
            s, e = int(postings.post_ptr[t]), int(postings.post_ptr[t + 1])
            docs = postings.post_doc[s:e]
            scores[docs] += postings.idf[t] * tf_weight(postings.tfs(s, e), norm[docs])
        row = {"question": q}
        for k in (10, 50):
            want = _best(np.arange(len(scores)), scores, k)
            got = sparse.top(ids, k)
            row[f"same_{k}"] = bool(
                np.array_equal(want[0], got[0]) and np.array_equal(want[1], got[1])
            )
        rows.append(row)
    return {
        "questions": len(rows),
        "identical_top10": sum(r["same_10"] for r in rows),
        "identical_top50": sum(r["same_50"] for r in rows),
        "differing": [r["question"] for r in rows if not (r["same_10"] and r["same_50"])],
    }


# filters on the generator's corpus (its sources and its 2015-2024 dates): most, some,
# one source, two kinds at once, and few articles
FILTERS = (
    "after:2020-01-01",
    "before:2016-06-01",
    'source:"harbor times"',
    "source:ledger after:2023-01-01",
    "after:2024-12-01",
)


def filtered(corpus: str, index_dir: str, questions_path: str, limit: int | None = None) -> dict:
    """The engine's top 10 and 50 under each of FILTERS with the allowed mask inside the
    engine (pruned), against scoring every allowed passage that holds a question term
    and sorting (how filtered questions were ranked before), timed in the same loop."""
    from pathlib import Path

    import numpy as np

    from index.archive import open_searcher
    from index.retrieval.filters import restrict
    from index.storage.settings import IndexSettings

    searcher = open_searcher(
        IndexSettings(corpus=Path(corpus), index_dir=Path(index_dir), engine="sparse")
    )
    postings, engine = searcher.index.passages, searcher.engine

    def every_allowed(ids, k, allowed):
        ptr, pdoc = postings.post_ptr, postings.post_doc
        docs = np.unique(np.concatenate([pdoc[int(ptr[t]) : int(ptr[t + 1])] for t in ids]))
        docs = docs[allowed[docs]].astype(np.int64)
        scores = engine.score(ids, docs) if len(docs) else np.zeros(0)
        keep = scores > 0
        docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:k]
        return docs[order], scores[order]

    times: dict[str, list[float]] = {"pruned": [], "every_allowed": []}
    compared = same = 0
    for question in _questions(questions_path)[:limit]:
        for typed in FILTERS:
            text, _, allowed, notice = restrict(searcher.index, f"{question} {typed}")
            query = searcher.queries.build(text)
            ids = query.ids + query.extra
            if notice is not None or allowed is None or not ids:
                continue
            for k in (10, 50):
                start = time.perf_counter()
                want = every_allowed(ids, k, allowed)
                middle = time.perf_counter()
                got = engine.top(ids, k, allowed)
                end = time.perf_counter()
                compared += 1
                same += bool(np.array_equal(want[0], got[0]) and np.array_equal(want[1], got[1]))
                if k == 50:
                    times["every_allowed"].append(middle - start)
                    times["pruned"].append(end - middle)
    out: dict = {"filters": list(FILTERS), "compared": compared, "identical": same}
    for name, values in times.items():
        ms = np.array(values) * 1000
        if len(ms):
            out[f"{name}_top50_ms"] = {
                "p50": float(np.percentile(ms, 50)),
                "p95": float(np.percentile(ms, 95)),
            }
    return out


def main(argv: list[str]) -> int:
    cmd, args = argv[0], argv[1:]
    if cmd == "serve":
        result = serve(*args[:4], passes=int(args[4]) if len(args) > 4 else 3)
    elif cmd == "phases":
        result = phases(*args[:3])
    elif cmd == "exhaustive":
        result = exhaustive(args[0], args[1], int(args[2]) if len(args) > 2 else None)
    elif cmd == "filtered":
        result = filtered(*args[:3], int(args[3]) if len(args) > 3 else None)
    elif cmd == "bm25":
        limit = int(args[4]) if len(args) > 4 and args[3] == "--limit" else None
        result = bm25(*args[:3], limit=limit)
    else:
        raise SystemExit(f"unknown probe {cmd!r}")
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
