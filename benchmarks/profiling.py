"""Where the time goes, for the targets the benchmark misses.

    python benchmarks/profiling.py ask   CORPUS INDEX QUESTIONS  # Searcher.ask, step by step
    python benchmarks/profiling.py stacks RAW [RAW ...]          # summarise py-spy --format raw

`ask` times each step of `Searcher.ask` separately for every question (analysis, the
sparse engine, the no-answer rule, the rest: dedup, highlights, citations) and, inside
`SparseEngine.top`, each of its steps, by running a copy of its code with clocks in
between (checked against the real method's output, question by question). It also
relates the engine's time to the postings it has to read (sum of the terms' df).

`stacks` reads py-spy's collapsed stacks (`py-spy record --format raw --subprocesses`)
and prints, per process, the inclusive share of the samples of the newsbot functions
and numpy calls that take the most time. Record them with e.g.

    .venv/bin/py-spy record --subprocesses --rate 50 --format raw -o build.txt -- \\
        .venv/bin/newsbot index build --corpus benchmarks/out/corpus-1M --index /tmp/i
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np


def _top_timed(engine, term_ids, k: int, clock) -> tuple[np.ndarray, np.ndarray, dict]:
    """SparseEngine.top, the same statements, with a clock between the steps."""
    from index.engines import K1, _best

    t: dict[str, float] = defaultdict(float)
    ptr, pdoc, ptf = engine.data.post_ptr, engine.data.post_doc, engine.data.post_tf
    acc, seen = engine._scratch()
    fresh: list[np.ndarray] = []
    try:
        for term in term_ids:
            a = clock()
            s, e = int(ptr[term]), int(ptr[term + 1])
            if s == e:
                continue
            docs = pdoc[s:e]
            tf = ptf[s:e].astype(np.float64)
            b = clock()
            contrib = engine.idf[term] * (tf * (K1 + 1) / (tf + engine.norm[docs]))
            c = clock()
            acc[docs] += contrib
            d = clock()
            new = docs[~seen[docs]]
            seen[new] = True
            fresh.append(new)
            f = clock()
            t["read postings (slice mmap, tf to float)"] += b - a
            t["score: idf*tf*(k1+1)/(tf+norm[docs])"] += c - b
            t["accumulate: acc[docs] += ..."] += d - c
            t["candidates: docs[~seen[docs]], seen[new]=True"] += f - d
        a = clock()
        if not fresh:
            return np.empty(0, np.int64), np.empty(0, np.float64), t
        cand = np.concatenate(fresh).astype(np.int64)
        scores = acc[cand]
        b = clock()
        result = _best(cand, scores, k)
        c = clock()
        t["gather: concatenate candidates, acc[cand]"] += b - a
        t["_best: filter > 0, argpartition, lexsort"] += c - b
        return result[0], result[1], t
    finally:
        a = clock()
        for docs in fresh:
            acc[docs] = 0.0
            seen[docs] = False
        t["reset scratch (acc, seen)"] += clock() - a


def _ask_timed(searcher, question: str, clock) -> tuple[dict[str, float], dict[str, float]]:
    """Searcher.ask(question) (top 3, offset 0), the same statements as search.py, with a
    clock between the steps; returns the step times and SparseEngine.top's inner times."""
    from index.analysis import fold
    from index.search import CANDIDATES, MAX_QUESTION_CHARS

    steps: dict[str, float] = {}
    inner: dict[str, float] = {}
    top, offset = 3, 0
    a = clock()
    terms = tuple(dict.fromkeys(searcher.analyzer.terms(question[:MAX_QUESTION_CHARS])))
    ids = searcher.index.passages.ids(list(terms))
    steps["analyse question"] = clock() - a
    if not ids:
        return steps, inner
    a = clock()
    docs, scores, inner = _top_timed(searcher.engine, ids, max(CANDIDATES, offset + top + 10),
                                     clock)
    steps["SparseEngine.top"] = clock() - a
    a = clock()
    answers = len(docs) > 0 and searcher._answers(terms, ids, docs[:10])
    steps["no-answer rule (_answers)"] = clock() - a
    if not answers:
        return steps, inner
    a = clock()
    chosen, seen = [], set()
    for d, sc in zip(docs.tolist(), scores.tolist(), strict=True):
        key = fold(searcher.index.text(d))
        if key in seen:
            continue
        seen.add(key)
        chosen.append((d, sc))
        if len(chosen) > offset + top:
            break
    steps["dedup (fold texts of the best)"] = clock() - a
    a = clock()
    wanted = set(terms)
    for rank, (d, sc) in enumerate(chosen[offset:offset + top], 1):
        searcher._hit(offset + rank, d, sc, wanted)
    steps["hits (passage, article, highlights)"] = clock() - a
    return steps, inner


def ask_profile(corpus: str, index_dir: str, questions_path: str, passes: int = 3) -> dict:
    from index.search import CANDIDATES, Searcher
    from index.settings import IndexSettings

    questions = [q["question"] for q in json.loads(Path(questions_path).read_text("utf-8"))]
    searcher = Searcher.open(IndexSettings(corpus=Path(corpus), index_dir=Path(index_dir),
                                           engine="sparse"))
    engine, postings = searcher.engine, searcher.index.passages
    clock = time.perf_counter
    for q in questions[:50]:  # warm-up
        searcher.ask(q)
    n = len(questions)
    step_names = ("analyse question", "SparseEngine.top", "no-answer rule (_answers)",
                  "dedup (fold texts of the best)", "hits (passage, article, highlights)")
    steps = {k: np.zeros((passes, n)) for k in ("ask (total)", *step_names)}
    inner: dict[str, float] = defaultdict(float)
    rows = []
    for p in range(passes):  # a pass of real asks, then a pass of the timed copy
        for qi, q in enumerate(questions):
            a = clock()
            searcher.ask(q)
            steps["ask (total)"][p, qi] = clock() - a
        for qi, q in enumerate(questions):
            t, top = _ask_timed(searcher, q, clock)
            for k, v in t.items():
                steps[k][p, qi] = v
            for k, v in top.items():
                inner[k] += v
            if p == 0:
                ids = postings.ids(list(dict.fromkeys(searcher.analyzer.terms(q))))
                if ids:  # the copy returns what the engine returns
                    want, got = engine.top(ids, CANDIDATES), _top_timed(engine, ids, CANDIDATES,
                                                                        clock)
                    assert want[0].tolist() == got[0].tolist()
                    assert want[1].tolist() == got[1].tolist()
                df = [int(postings.post_ptr[t + 1] - postings.post_ptr[t]) for t in ids]
                rows.append({"id": qi, "terms": len(ids), "sum_df": sum(df),
                             "max_df": max(df, default=0)})
    per_q = {k: np.median(v, axis=0) for k, v in steps.items()}
    total_mean = float(per_q["ask (total)"].mean())
    out: dict = {"questions": n, "passes": passes, "steps": {}}
    for k, v in per_q.items():
        out["steps"][k] = {"mean_ms": float(v.mean() * 1000), "p50_ms": float(np.median(v) * 1000),
                           "p95_ms": float(np.percentile(v, 95) * 1000),
                           "share_of_ask_mean": float(v.mean() / total_mean)}
    inner_total = sum(inner.values())
    out["inside_top"] = {k: {"share": v / inner_total} for k, v in
                         sorted(inner.items(), key=lambda kv: -kv[1])}
    sum_df = np.array([r["sum_df"] for r in rows], dtype=np.float64)
    top_ms = per_q["SparseEngine.top"] * 1000
    ask_ms = per_q["ask (total)"] * 1000
    if len(sum_df) > 2 and sum_df.std() > 0:
        slope, intercept = np.polyfit(sum_df, ask_ms, 1)
        out["ask_ms_vs_sum_df"] = {"ms_per_million_postings": slope * 1e6,
                                   "intercept_ms": intercept,
                                   "correlation": float(np.corrcoef(sum_df, ask_ms)[0, 1])}
        out["top_ms_vs_sum_df_correlation"] = float(np.corrcoef(sum_df, top_ms)[0, 1])
    out["sum_df"] = {"p50": float(np.median(sum_df)), "p95": float(np.percentile(sum_df, 95)),
                     "max": float(sum_df.max())}
    slow = np.argsort(-ask_ms)[:5]
    out["slowest"] = [{"question": questions[i], "ask_ms": float(ask_ms[i]), **rows[i]}
                      for i in slow.tolist()]
    return out


# ------------------------------------------------------------------ py-spy stacks

_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def stacks(paths: list[str], top: int = 22) -> str:
    """Per process (the parent's main thread apart from its helper threads): the inclusive
    and the self share of the samples of the heaviest functions."""
    incl: dict[str, Counter] = defaultdict(Counter)
    leaf: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for path in paths:
        for line in Path(path).read_text("utf-8", "replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = stack.split(";")
            depth = 0  # py-spy --subprocesses: "process PID:cmd" frames, parent first
            while depth < len(frames) and frames[depth].startswith("process "):
                depth += 1
            cmd = frames[0].split('"')[1] if depth and '"' in frames[0] else ""
            cmd = cmd or (frames[0].split(":")[0] if depth else "process")
            cmd = " ".join(Path(w).name if i == 0 else w for i, w in enumerate(cmd.split()[:4]))
            frames = frames[depth:]
            if depth > 1:
                proc = f"{cmd}: child processes (all pids)"
            elif frames and frames[0].startswith("<module>"):
                proc = f"{cmd}: main thread"
            else:
                proc = f"{cmd}: other stacks (helper threads, interpreter start-up)"
            n = int(count)
            totals[proc] += n
            names = []
            for f in frames:
                m = _FRAME.match(f.strip())
                names.append(f"{m.group('func')} ({Path(m.group('file')).name})" if m
                             else f.strip())
            for name in dict.fromkeys(names):  # inclusive: once per sample
                incl[proc][name] += n
            if names:
                leaf[proc][names[-1]] += n
    lines = []
    for proc, n in totals.most_common():
        lines.append(f"\n== {proc}: {n} samples")
        shown = [(name, k) for name, k in incl[proc].most_common() if k < n][:top]
        lines.append("  inclusive:")
        lines += [f"  {100 * k / n:5.1f}%  {name}" for name, k in shown]
        lines.append("  self (where the sample was taken):")
        lines += [f"  {100 * k / n:5.1f}%  {name}" for name, k in leaf[proc].most_common(12)]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    cmd, args = argv[0], argv[1:]
    if cmd == "ask":
        print(json.dumps(ask_profile(*args[:3]), indent=1))
    elif cmd == "stacks":
        print(stacks(args))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
