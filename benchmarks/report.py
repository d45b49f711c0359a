"""The benchmark's figures: one size's summary from its raw measurements, the table
against the 1M targets, and the peer engines' table (see benchmarks/README.md)."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import generate
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {  # at 1M paragraphs: (key in the summary, comparison, limit)
    "ask p50 (ms)": ("ask_p50_ms", "<=", 5),
    "ask p95 (ms)": ("ask_p95_ms", "<=", 25),
    "rank-bm25 / ask, p50": ("speedup_p50", ">=", 100),
    "top-10 = rank-bm25's": ("agree_share", ">=", 1.0),
    "build (s)": ("build_s", "<=", 180),
    "build peak RSS (MB)": ("build_peak_rss_mb", "<=", 3072),
    "cold start (s)": ("cold_start_s", "<=", 1.5),
    "serving RSS (MB)": ("serve_maxrss_mb", "<=", 600),
    "add 1,000 articles (s)": ("add_s", "<=", 10),
}


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def _per_question(run: dict) -> np.ndarray:
    """Each question's median `ask` time over the serving runs and passes (ms)."""
    times = np.asarray(run["serve"]["times_s"]) * 1000  # (runs x passes) x questions
    return np.median(times, axis=0)


def _serving(run: dict, per_q: np.ndarray) -> dict:
    s: dict = {}
    sv = run["serve"]
    times = np.asarray(sv["times_s"]) * 1000  # (runs x passes) x questions, ms
    s["ask_p50_ms"], s["ask_p95_ms"], s["ask_p99_ms"] = (pct(per_q, q) for q in (50, 95, 99))
    s["ask_mean_ms"] = float(per_q.mean())
    s["ask_max_ms"] = float(per_q.max())
    first = times[0]
    s["ask_first_pass_p50_ms"], s["ask_first_pass_p95_ms"], s["ask_first_pass_p99_ms"] = (
        pct(first, q) for q in (50, 95, 99)
    )
    s["ask_p50_spread_ms"] = (min(sv["p50_ms_per_run"]), max(sv["p50_ms_per_run"]))
    s["no_answer"] = sum(a["no_answer"] for a in sv["answers"])
    s["questions"] = len(sv["answers"])
    s["serve_maxrss_mb"] = sv["maxrss_mb"]
    s["serve_anon_mb"] = sv["smaps_end_mb"].get("anonymous")
    s["serve_file_mb"] = sv["smaps_end_mb"].get("file_backed")
    s["serve_open_s"] = sv["open_s"]
    return s


def summarise(run: dict) -> dict:
    """The headline figures of one size, from its raw measurements."""
    s: dict = {}
    c, b = run["corpus"], run["build"]
    s["articles"] = c["articles"]
    s["paragraphs"] = c["paragraphs"]
    s["corpus_mb"] = c["bytes"] / 1e6
    s["build_s"] = float(np.median(b["runs_wall_s"]))
    s["build_spread_s"] = (min(b["runs_wall_s"]), max(b["runs_wall_s"]))
    s["build_others_cpu_s"] = max(b["runs_others_cpu_s"])
    s["build_reported_s"] = b["reported_s"]
    s["build_par_per_s"] = c["paragraphs"] / s["build_s"]
    s["build_mb_per_s"] = c["bytes"] / 1e6 / s["build_s"]
    s["build_cpu_s"] = b["cpu_user_s"] + b["cpu_sys_s"]
    s["build_peak_rss_mb"] = b["peak_rss_sum_mb"]
    s["build_peak_rss_main_mb"] = b["peak_rss_main_mb"]
    s["build_maxrss_kernel_mb"] = b["maxrss_kernel_mb"]
    s["build_processes"] = b["peak_processes"]
    s["index_mb"] = b["index_bytes"] / 1e6
    cs = run["cold"]
    s["cold_start_s"] = float(np.median(cs["warm_s"]))
    s["cold_start_min_s"] = min(cs["warm_s"])
    s["cold_start_evicted_s"] = float(np.median(cs["evicted_s"]))
    s["bare_python_s"] = cs["bare_python_s"]
    for k in ("import_s", "load_s", "freshness_check_s", "searcher_init_s", "first_ask_s"):
        s[f"cold_{k}"] = cs["phases"][k]
    s.update(_serving(run, per_q := _per_question(run)))
    bm = run["bm25"]
    rows = [r for r in bm["rows"] if "bm25_s" in r]
    s["bm25_questions"] = len(bm["rows"])
    s["bm25_compared"] = len(rows)
    if rows:
        bm_ms = np.array([r["bm25_s"] for r in rows]) * 1000
        ask_ms = np.array([per_q[r["id"]] for r in rows])
        top_ms = np.array([r["sparse_top_s"] for r in rows]) * 1000
        s["bm25_p50_ms"], s["bm25_p95_ms"] = pct(bm_ms, 50), pct(bm_ms, 95)
        s["bm25_mean_ms"] = float(bm_ms.mean())
        s["ask_subset_p50_ms"], s["ask_subset_mean_ms"] = pct(ask_ms, 50), float(ask_ms.mean())
        s["speedup_p50"] = s["bm25_p50_ms"] / s["ask_subset_p50_ms"]
        s["speedup_mean"] = s["bm25_mean_ms"] / s["ask_subset_mean_ms"]
        s["sparse_top_p50_ms"] = pct(top_ms, 50)
        s["speedup_top_p50"] = s["bm25_p50_ms"] / s["sparse_top_p50_ms"]
        s["agree"] = sum(r["agree"] for r in rows)
        s["agree_share"] = s["agree"] / len(rows)
        s["identical"] = sum(r["identical"] for r in rows)
        s["max_score_diff"] = max(r["max_score_diff"] for r in rows)
    s["bm25_init_s"] = bm["bm25_init_s"]
    s["bm25_maxrss_mb"] = bm["maxrss_mb"]
    s["postings_mismatch"] = f"{bm['postings_mismatch']}/{bm['postings_checked']}"
    a = run["add"]
    s["add_s"] = float(np.median(a["wall_s"]))
    s["add_others_cpu_s"] = max(r["others_cpu_s"] for r in a["runs"])
    s["add_reported_s"] = a["runs"][0].get("reported_s")
    s["add_peak_rss_mb"] = max(r["peak_rss_sum_mb"] for r in a["runs"])
    s["add_passages"] = a["runs"][0].get("added_passages")
    return s


ROWS = [  # (label, key, format)
    ("articles", "articles", "{:,}"),
    ("paragraphs (passages)", "paragraphs", "{:,}"),
    ("corpus size (MB, .jsonl)", "corpus_mb", "{:,.1f}"),
    ("build: wall time (s, median of runs)", "build_s", "{:,.1f}"),
    ("build: fastest / slowest run (s)", "build_spread_s", "{0[0]:,.1f} / {0[1]:,.1f}"),
    ("build: CPU used meanwhile by the rest of the machine (s)", "build_others_cpu_s", "{:,.1f}"),
    ("build: paragraphs/s", "build_par_per_s", "{:,.0f}"),
    ("build: MB/s", "build_mb_per_s", "{:,.2f}"),
    ("build: CPU time, all processes (s)", "build_cpu_s", "{:,.1f}"),
    ("build: peak RSS, sum over processes (MB)", "build_peak_rss_mb", "{:,.0f}"),
    ("build: peak RSS, main process (MB)", "build_peak_rss_main_mb", "{:,.0f}"),
    ("build: processes at once", "build_processes", "{}"),
    ("index size on disk (MB)", "index_mb", "{:,.1f}"),
    ("cold start, page cache warm (s, median)", "cold_start_s", "{:.2f}"),
    ("cold start, index evicted from cache (s)", "cold_start_evicted_s", "{:.2f}"),
    ("  of which: bare `python -c pass` (s)", "bare_python_s", "{:.3f}"),
    ("  of which: imports (s)", "cold_import_s", "{:.3f}"),
    ("  of which: store.load (s)", "cold_load_s", "{:.3f}"),
    ("  of which: freshness check (s)", "cold_freshness_check_s", "{:.3f}"),
    ("  of which: Searcher() (s)", "cold_searcher_init_s", "{:.3f}"),
    ("  of which: first ask (s)", "cold_first_ask_s", "{:.3f}"),
    ("serving: max RSS (MB)", "serve_maxrss_mb", "{:,.0f}"),
    ("serving: anonymous RSS at end (MB)", "serve_anon_mb", "{:,.0f}"),
    ("serving: file-backed RSS at end (MB)", "serve_file_mb", "{:,.0f}"),
    ("ask p50 (ms)", "ask_p50_ms", "{:.2f}"),
    ("ask p95 (ms)", "ask_p95_ms", "{:.2f}"),
    ("ask p99 (ms)", "ask_p99_ms", "{:.2f}"),
    ("ask mean (ms)", "ask_mean_ms", "{:.2f}"),
    ("ask p50, lowest / highest serving run (ms)", "ask_p50_spread_ms", "{0[0]:.2f} / {0[1]:.2f}"),
    (
        "ask first pass p50 / p95 (ms)",
        ("ask_first_pass_p50_ms", "ask_first_pass_p95_ms"),
        "{:.2f} / {:.2f}",
    ),
    ("questions with no_answer", ("no_answer", "questions"), "{}/{}"),
    ("rank-bm25: questions timed", ("bm25_compared", "bm25_questions"), "{}/{}"),
    ("rank-bm25: p50 / p95 (ms)", ("bm25_p50_ms", "bm25_p95_ms"), "{:,.1f} / {:,.1f}"),
    ("rank-bm25 / ask, on p50", "speedup_p50", "{:,.0f}x"),
    ("rank-bm25 / ask, on mean", "speedup_mean", "{:,.0f}x"),
    ("rank-bm25 / SparseEngine.top, on p50", "speedup_top_p50", "{:,.0f}x"),
    ("top-10 agrees with rank-bm25", ("agree", "bm25_compared"), "{}/{}"),
    ("  identical incl. tie order", ("identical", "bm25_compared"), "{}/{}"),
    ("  largest score difference (absolute)", "max_score_diff", "{:.1e}"),
    ("rank-bm25: BM25Okapi() time (s)", "bm25_init_s", "{:,.1f}"),
    ("rank-bm25: process max RSS (MB)", "bm25_maxrss_mb", "{:,.0f}"),
    ("postings vs re-analysis mismatches", "postings_mismatch", "{}"),
    ("add 1,000 articles: wall time (s)", "add_s", "{:.1f}"),
    ("add: peak RSS, sum (MB)", "add_peak_rss_mb", "{:,.0f}"),
]


def cell(s: dict, key, fmt: str) -> str:
    keys = key if isinstance(key, tuple) else (key,)
    values = [s.get(k) for k in keys]
    if any(v is None for v in values):
        return "–"
    return fmt.format(*values)


def verdicts(s: dict) -> dict[str, tuple[str, bool]]:
    out = {}
    for key, op, limit in TARGETS.values():
        v = s.get(key)
        if v is None:
            continue
        ok = v <= limit if op == "<=" else v >= limit
        out[key] = (f"{op} {limit:g}", ok)
    return out


def table(results: dict) -> str:
    sizes = sorted(results["runs"], key=generate.parse_size)
    runs = [results["runs"][k]["summary"] for k in sizes]
    big = results["runs"].get("1M", {}).get("summary")
    marks = verdicts(big) if big else {}
    head = ["figure", *sizes, "target at 1M"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, key, fmt in ROWS:
        first = key[0] if isinstance(key, tuple) else key
        target = ""
        if first in marks or (first == "agree" and "agree_share" in marks):
            limit, ok = marks.get(first) or marks["agree_share"]
            target = ("all" if first == "agree" else limit) + (" ✅" if ok else " ❌")
        lines.append("| " + " | ".join([name, *(cell(s, key, fmt) for s in runs), target]) + " |")
    m = results["machine"]
    lines.append("")
    lines.append(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']:.0f} GB RAM, "
        f"Linux {m['kernel']}; Python {m['python']}, numpy {m['numpy']}, "
        f"rank-bm25 {m['rank_bm25']}, nltk {m['nltk']}; newsbot at {m['commit']}."
    )
    return "\n".join(lines)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    damon = Path("/sys/kernel/mm/damon/admin/kdamonds/0/state")
    try:
        damon_state = damon.read_text().strip()
    except OSError:
        damon_state = "absent"
    return {
        "damon_kdamond_0": damon_state,  # proactive reclaim can evict idle page cache
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": psutil.virtual_memory().total / 2**30,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "rank_bm25": version("rank-bm25"),
        "nltk": version("nltk"),
        "psutil": psutil.__version__,
        "commit": commit,
    }


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


# ------------------------------------------------------------------ peers


def peer_table(name: str, run: dict) -> str:
    """One size's engines side by side, as in issue 16: newsbot's `ask` and engine, the
    peers on the same analysed terms, and rank-bm25 (from the agreement step)."""
    s, peers = run["summary"], run["peers"]
    serve, build = peers["serve"], peers["build"]
    loads = run.get("load_average", {})

    def load_at(prefix: str) -> str:
        values = [v for k, v in loads.items() if k.startswith(prefix)]
        return f"{values[0][0]:.1f}" if values else "–"

    head = f"| {name} paragraphs | p50 ms | p95 ms | index MB | serving RSS MB | build s | load |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    lines.append(
        f"| newsbot `Searcher.ask` | {s['ask_p50_ms']:.2f} | {s['ask_p95_ms']:.2f} "
        f"| {s['index_mb']:,.0f} | {s['serve_maxrss_mb']:,.0f} ({s['serve_anon_mb']:,.0f} heap "
        f"+ {s['serve_file_mb']:,.0f} mapped) | {s['build_s']:.1f} (with analysis) "
        f"| {load_at('serving')} |"
    )
    ours = serve["newsbot"]
    lines.append(
        f"| newsbot engine `top(ids, 10)` | {ours['p50_ms']:.2f} | {ours['p95_ms']:.2f} | | "
        f"{ours['maxrss_mb']:,.0f} | | {ours['load_average'][0]:.1f} |"
    )
    titles = {
        "tantivy": "tantivy (OR query)",
        "bm25s": "bm25s, numba backend",
        "fts5": "SQLite FTS5",
    }
    for peer, title in titles.items():
        r = serve.get(peer)
        if r is None:
            continue
        if "skipped" in r:
            lines.append(f"| {title} | {r['skipped']} | | | | | |")
            continue
        b = build[peer]
        note = " (no analysis)"
        if peer == "bm25s":
            note += f"; first query {r['first_query_s']:.1f} s (numba compile)"
        lines.append(
            f"| {title} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {b['index_bytes'] / 1e6:,.0f} "
            f"| {r['maxrss_mb']:,.0f} | {b['build_s']:.1f}{note} | {r['load_average'][0]:.1f} |"
        )
    if s.get("bm25_p50_ms") is not None:
        lines.append(
            f"| rank-bm25 ({s['bm25_compared']} questions) | {s['bm25_p50_ms']:,.0f} "
            f"| {s['bm25_p95_ms']:,.0f} | in memory | {s['bm25_maxrss_mb']:,.0f} "
            f"| {s['bm25_init_s']:.1f} | {load_at('rank-bm25')} |"
        )
    lines.append("")
    lines.append(
        "p50/p95: over the questions with a known term, each question's median of 3 passes "
        "after a warm-up pass; load: 1-minute load average when the step began (2 cores)."
    )
    return "\n".join(lines)


def full_report(results: dict) -> str:
    """The table of every size, then each size's peer table."""
    parts = [table(results)]
    for name, run in results["runs"].items():
        if "peers" in run:
            parts.append(peer_table(name, run))
    return "\n\n".join(parts)
