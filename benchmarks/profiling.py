"""Where the time goes, for the targets the benchmark misses.

    python benchmarks/profiling.py ask   CORPUS INDEX QUESTIONS  # Searcher.ask, step by step
    python benchmarks/profiling.py stacks RAW [RAW ...]          # summarise py-spy --format raw

`ask` times the real `Searcher.ask` for every question, relates its time to the
postings it has to read (sum of the terms' df), lists the slowest questions and, with
pyinstrument installed, profiles one pass (no copy of the code is timed: what is
measured is what runs).

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


def ask_profile(corpus: str, index_dir: str, questions_path: str, passes: int = 3) -> dict:
    """Real Searcher.ask timings per question, how they follow the postings read, the
    slowest questions, and (with pyinstrument installed) where one pass spends its time."""
    from index.archive import open_searcher
    from index.storage.settings import IndexSettings

    questions = [q["question"] for q in json.loads(Path(questions_path).read_text("utf-8"))]
    searcher = open_searcher(
        IndexSettings(corpus=Path(corpus), index_dir=Path(index_dir), engine="sparse")
    )
    postings = searcher.index.passages
    clock = time.perf_counter
    for q in questions[:50]:  # warm-up
        searcher.ask(q)
    times = np.zeros((passes, len(questions)))
    for p in range(passes):
        for qi, q in enumerate(questions):
            a = clock()
            searcher.ask(q)
            times[p, qi] = clock() - a
    ask_ms = np.median(times, axis=0) * 1000
    sum_df = []
    for q in questions:
        query = searcher._query(q, frozenset())
        sum_df.append(
            sum(
                int(postings.post_ptr[t + 1] - postings.post_ptr[t])
                for t in query.ids + query.extra
            )
        )
    sum_df = np.array(sum_df, dtype=np.float64)
    out: dict = {
        "questions": len(questions),
        "passes": passes,
        "ask_ms": {
            "p50": float(np.median(ask_ms)),
            "p95": float(np.percentile(ask_ms, 95)),
            "mean": float(ask_ms.mean()),
        },
        "sum_df": {
            "p50": float(np.median(sum_df)),
            "p95": float(np.percentile(sum_df, 95)),
            "max": float(sum_df.max()),
        },
    }
    if len(sum_df) > 2 and sum_df.std() > 0:
        slope, intercept = np.polyfit(sum_df, ask_ms, 1)
        out["ask_ms_vs_sum_df"] = {
            "ms_per_million_postings": slope * 1e6,
            "intercept_ms": intercept,
            "correlation": float(np.corrcoef(sum_df, ask_ms)[0, 1]),
        }
    slow = np.argsort(-ask_ms)[:5]
    out["slowest"] = [
        {"question": questions[i], "ask_ms": float(ask_ms[i]), "sum_df": int(sum_df[i])}
        for i in slow.tolist()
    ]
    try:
        from pyinstrument import Profiler
    except ImportError:
        out["profile"] = "pip install pyinstrument for a profile of one pass"
        return out
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for q in questions:
        searcher.ask(q)
    profiler.stop()
    out["profile"] = profiler.output_text(unicode=False, color=False).splitlines()
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
                names.append(
                    f"{m.group('func')} ({Path(m.group('file')).name})" if m else f.strip()
                )
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
