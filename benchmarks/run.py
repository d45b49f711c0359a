"""newsbot's scale benchmark: build, cold start, serving memory, ask latency, rank-bm25
agreement and speed-up, incremental add, at 10k / 100k / 1M paragraphs.

    .venv/bin/python benchmarks/run.py --sizes 10k,100k,1M --out benchmarks/out

Prints a table and writes OUT/results.json (merged with what an earlier run of other
sizes left there) and OUT/results.md. See benchmarks/README.md for what each figure
means and how it is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/ is not a package)

EXTRA_ARTICLES = 1000
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


# ------------------------------------------------------------------ processes


def child_env(out: Path) -> dict[str, str]:
    """The environment without a developer's newsbot settings or Slack tokens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "SLACK_"))}
    env.update(
        {
            "XDG_CACHE_HOME": str(out / ".cache"),
            "XDG_DATA_HOME": str(out / ".data"),
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def newsbot() -> list[str]:
    script = Path(sys.executable).with_name("newsbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def measure(cmd: list[str], out: Path, every: float = 0.05) -> dict:
    """Run `cmd` to the end, sampling the RSS of it and all its descendants.

    peak_rss_sum_mb: the largest sum of RSS over the process tree seen in a sample
      (pages shared between a parent and its forked workers count once per process, so
      this over-counts; it is the figure to hold against a memory limit).
    maxrss_kernel_mb: ru_maxrss from wait4: the peak RSS of the largest single process
      in the tree (the command or any of its waited-for children), exact, not sampled."""
    log_out, log_err = out / ".stdout", out / ".stderr"
    cpu_before = psutil.cpu_times()
    with open(log_out, "wb") as fo, open(log_err, "wb") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, cwd=out, env=child_env(out))
        root = psutil.Process(proc.pid)
        peak_sum = peak_main = 0
        peak_procs = 1
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - start
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                tree = []
            total = 0
            for p in tree:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if p is root:
                    peak_main = max(peak_main, rss)
            peak_sum = max(peak_sum, total)
            peak_procs = max(peak_procs, len(tree))
            time.sleep(every)
    cpu_after = psutil.cpu_times()
    busy = sum(
        getattr(cpu_after, f) - getattr(cpu_before, f)
        for f in ("user", "nice", "system", "irq", "softirq")
        if hasattr(cpu_after, f)
    )
    result = {
        # CPU the rest of the machine used meanwhile (other processes, this script, the
        # kernel): what else competed with the measured command for the cores
        "others_cpu_s": busy - usage.ru_utime - usage.ru_stime,
        "steal_s": getattr(cpu_after, "steal", 0.0) - getattr(cpu_before, "steal", 0.0),
        "cmd": [Path(c).name if i == 0 else c for i, c in enumerate(cmd)],
        "returncode": proc.returncode,
        "wall_s": wall,
        "peak_rss_sum_mb": peak_sum / 2**20,
        "peak_rss_main_mb": peak_main / 2**20,
        "peak_processes": peak_procs,
        "maxrss_kernel_mb": usage.ru_maxrss / 1024,
        "cpu_user_s": usage.ru_utime,
        "cpu_sys_s": usage.ru_stime,
        "stdout": log_out.read_text("utf-8", "replace"),
        "stderr": log_err.read_text("utf-8", "replace"),
    }
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{result['stderr'][-3000:]}"
        )
    return result


def timed(cmd: list[str], out: Path) -> tuple[float, str]:
    """Wall time of a subprocess from spawn to exit, and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=out, env=child_env(out), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, done.stdout


def probe(name: str, args: list[str], out: Path) -> dict:
    wall, stdout = timed([sys.executable, str(HERE / "probes.py"), name, *args], out)
    result = json.loads(stdout)
    result["probe_wall_s"] = wall
    return result


def evict(folder: Path) -> None:
    """Drop one folder's files (only those) from the page cache: posix_fadvise DONTNEED."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def du(folder: Path) -> tuple[int, dict[str, int]]:
    files = {
        p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()
    }
    return sum(files.values()), files


# ------------------------------------------------------------------ steps


def corpus_for(out: Path, size: int, workers: int) -> dict:
    folder = out / f"corpus-{label(size)}"
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if manifest.get("generator") == generate.VERSION and manifest.get("paragraphs") == size:
            manifest["reused"] = True
            return {"path": folder, **manifest}
    print(f"[{label(size)}] generating the corpus…", flush=True)
    manifest = generate.write_corpus(folder, generate.plan(size), "articles", "a", workers)
    return {"path": folder, **manifest, "reused": False}


def extra_batch(out: Path, workers: int) -> Path:
    folder = out / f"extra-{EXTRA_ARTICLES}"
    if not (folder / "manifest.json").exists():
        articles = [
            (generate.EXTRA_BASE + i, generate.paragraph_count(generate.EXTRA_BASE + i))
            for i in range(EXTRA_ARTICLES)
        ]
        generate.write_corpus(folder, articles, "extra", "x", workers)
    return folder


def build_index(corpus: Path, index: Path, out: Path) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    m = measure([*newsbot(), "index", "build", "--corpus", str(corpus), "--index", str(index)], out)
    said = re.search(r"in ([\d.]+) s", m["stdout"])
    m["reported_s"] = float(said.group(1)) if said else None
    size, files = du(index)
    m["index_bytes"] = size
    m["index_files"] = dict(sorted(files.items(), key=lambda kv: -kv[1]))
    return m


def cold_start(corpus: Path, index: Path, question: str, out: Path, runs: int) -> dict:
    cmd = [
        *newsbot(),
        "ask",
        question,
        "--corpus",
        str(corpus),
        "--index",
        str(index),
        "--engine",
        "sparse",
        "--json",
    ]
    timed(cmd, out)  # warm the page cache and the bytecode cache; not counted
    warm = [timed(cmd, out)[0] for _ in range(runs)]
    evicted = []
    for _ in range(max(1, runs // 2)):
        evict(index)
        evicted.append(timed(cmd, out)[0])
    phases = probe("phases", [str(corpus), str(index), question], out)
    evict(index)
    phases_evicted = probe("phases", [str(corpus), str(index), question], out)
    python_only = [timed([sys.executable, "-c", "pass"], out)[0] for _ in range(3)]
    return {
        "warm_s": warm,
        "evicted_s": evicted,
        "phases": phases,
        "phases_evicted": phases_evicted,
        "bare_python_s": min(python_only),
    }


def add_batch(corpus: Path, index: Path, extra: Path, out: Path, runs: int) -> dict:
    results = []
    for _ in range(runs):
        copy = index.with_name(index.name + "-add")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(index, copy)  # the built index stays as it is for other steps
        files = sorted(str(p) for p in extra.glob("*.jsonl"))
        m = measure(
            [*newsbot(), "index", "add", *files, "--corpus", str(corpus), "--index", str(copy)], out
        )
        said = re.search(
            r"Added ([\d,]+) articles \(([\d,]+) passages\).* in ([\d.]+) s", m["stdout"]
        )
        if said:
            m["added_articles"] = int(said.group(1).replace(",", ""))
            m["added_passages"] = int(said.group(2).replace(",", ""))
            m["reported_s"] = float(said.group(3))
        shutil.rmtree(copy, ignore_errors=True)
        results.append(m)
    return {"runs": results, "wall_s": [r["wall_s"] for r in results]}


# ------------------------------------------------------------------ figures


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


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
    sv = run["serve"]
    times = np.asarray(sv["times_s"]) * 1000  # (runs x passes) x questions, ms
    per_q = np.median(times, axis=0)  # each question's median time
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


# ------------------------------------------------------------------ main


def run_size(size: int, out: Path, args, questions: Path, warmup: Path, extra: Path) -> dict:
    name = label(size)
    run: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    run["load_average"] = {}

    def step(what: str) -> None:
        run["load_average"][what] = os.getloadavg()
        print(f"[{name}] {what}…", flush=True)

    corpus = corpus_for(out, size, args.workers)
    run["corpus"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in corpus.items()}
    corpus_dir = corpus["path"]
    index = out / f"index-{name}"
    builds = []
    for i in range(args.build_runs):
        step(f"building the index (newsbot index build), run {i + 1} of {args.build_runs}")
        builds.append(build_index(corpus_dir, index, out))
        print(f"[{name}] built in {builds[-1]['wall_s']:.1f} s", flush=True)
    run["build"] = {
        **builds[(len(builds) - 1) // 2],  # a middle run
        "runs_wall_s": [b["wall_s"] for b in builds],
        "runs_others_cpu_s": [b["others_cpu_s"] for b in builds],
        "peak_rss_sum_mb": max(b["peak_rss_sum_mb"] for b in builds),
    }
    first_question = json.loads(questions.read_text("utf-8"))[0]["question"]
    step("cold starts (newsbot ask)")
    run["cold"] = cold_start(corpus_dir, index, first_question, out, args.cold_runs)
    step(f"serving processes: {args.serve_runs} x (200 questions x 3 passes)")
    serves = [
        probe("serve", [str(corpus_dir), str(index), str(questions), str(warmup)], out)
        for _ in range(args.serve_runs)
    ]
    run["serve"] = {
        **serves[0],
        "times_s": [t for r in serves for t in r["times_s"]],
        "runs": len(serves),
        "maxrss_mb": max(r["maxrss_mb"] for r in serves),
        "p50_ms_per_run": [
            pct(np.median(np.asarray(r["times_s"]) * 1000, axis=0), 50) for r in serves
        ],
    }
    limit = args.bm25_limit if args.bm25_limit and size >= args.bm25_limit_from else None
    step(f"rank-bm25 comparison ({'first ' + str(limit) if limit else 'all'} questions)")
    run["bm25"] = probe(
        "bm25",
        [str(corpus_dir), str(index), str(questions), *(["--limit", str(limit)] if limit else [])],
        out,
    )
    step(f"adding {EXTRA_ARTICLES:,} articles (newsbot index add)")
    run["add"] = add_batch(corpus_dir, index, extra, out, args.add_runs)
    run["summary"] = summarise(run)
    run["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        default="10k,100k,1M",
        help="paragraph counts, comma-separated (default 10k,100k,1M)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=HERE / "out",
        help="where corpora, indexes and results go (default benchmarks/out)",
    )
    p.add_argument("--cold-runs", type=int, default=5, help="timed cold starts (default 5)")
    p.add_argument(
        "--build-runs",
        type=int,
        default=2,
        help="timed builds per size; the table gives the median (default 2)",
    )
    p.add_argument(
        "--serve-runs",
        type=int,
        default=3,
        help="serving processes, each timing 3 passes over the questions (default 3)",
    )
    p.add_argument("--add-runs", type=int, default=1, help="timed adds (default 1)")
    p.add_argument(
        "--bm25-limit",
        type=int,
        default=0,
        help="run rank-bm25 over the first N questions only (it takes ~2 s a "
        "question at 1M) ... (default 0: all 200)",
    )
    p.add_argument(
        "--bm25-limit-from",
        type=generate.parse_size,
        default="1M",
        help="... at this size and above (default 1M)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        help="processes for generating corpora (the build picks its own)",
    )
    p.add_argument(
        "--delete-index",
        action="store_true",
        help="delete each size's index when done with it (default: keep it)",
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="print the table of OUT/results.json again (and rewrite results.md)",
    )
    args = p.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        results = json.loads((out / "results.json").read_text("utf-8"))
        for run in results["runs"].values():
            run["summary"] = summarise(run)
        (out / "results.md").write_text(table(results) + "\n", "utf-8")
        print(table(results))
        return 0
    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]

    questions, warmup = out / "questions.json", out / "warmup.json"
    questions.write_text(json.dumps(generate.make_questions(200), indent=1) + "\n", "utf-8")
    warmup.write_text(json.dumps(generate.make_questions(50, "warmup"), indent=1) + "\n", "utf-8")
    extra = extra_batch(out, args.workers)

    results_path = out / "results.json"
    results = json.loads(results_path.read_text("utf-8")) if results_path.exists() else {}
    results["machine"] = machine()
    results.setdefault("runs", {})
    results["targets_at_1M"] = {k: f"{op} {limit}" for k, (_, op, limit) in TARGETS.items()}
    for size in sizes:
        run = run_size(size, out, args, questions, warmup, extra)
        results["runs"][label(size)] = run
        results_path.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
        (out / "results.md").write_text(table(results) + "\n", "utf-8")
        print(table(results), flush=True)
        if args.delete_index:
            shutil.rmtree(out / f"index-{label(size)}", ignore_errors=True)
    for name in (".stdout", ".stderr"):
        (out / name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
