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
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/ is not a package)
from procs import du, evict, measure, newsbot, peer_probe, probe, timed  # noqa: E402
from report import TARGETS, full_report, label, machine, pct, summarise  # noqa: E402

EXTRA_ARTICLES = 1000


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


def peer_runs(index: Path, questions: Path, out: Path, names: list[str], step) -> dict:
    """The peers and newsbot's engine alone on the same analysed terms (benchmarks/peers.py),
    each built and served in fresh processes; a peer that isn't installed is skipped."""
    import importlib.util

    folder = out / f"peers-{index.name}"
    step("peers: writing every passage's analysed terms")
    result: dict = {
        "prepare": peer_probe(["prepare", str(index), str(questions), str(folder)], out)
    }
    result["build"], result["serve"] = {}, {}
    for name in names:
        module = {"bm25s": "bm25s", "tantivy": "tantivy", "fts5": "sqlite3"}[name]
        if importlib.util.find_spec(module) is None:
            result["serve"][name] = {"skipped": f"{module} is not installed"}
            continue
        step(f"peer {name}: build")
        result["build"][name] = peer_probe(["build", name, str(folder)], out)
        step(f"peer {name}: serve")
        result["serve"][name] = peer_probe(["serve", name, str(folder)], out)
        shutil.rmtree(folder / f"peer-{name}", ignore_errors=True)
    step("newsbot SparseEngine.top(ids, 10) on the same term lists")
    result["serve"]["newsbot"] = peer_probe(["serve", "newsbot", str(folder), str(index)], out)
    shutil.rmtree(folder, ignore_errors=True)
    return result


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
    if args.peers:
        run["peers"] = peer_runs(index, questions, out, args.peers, step)
    step(f"adding {EXTRA_ARTICLES:,} articles (newsbot index add)")
    run["add"] = add_batch(corpus_dir, index, extra, out, args.add_runs)
    run["summary"] = summarise(run)
    run["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
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
        "--peers",
        type=lambda v: [n for n in v.split(",") if n],
        default=[],
        help="also run these engines on the same terms: tantivy,bm25s,fts5 (install them "
        "with pip install -e '.[bench]'; default none)",
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="print the table of OUT/results.json again (and rewrite results.md)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        results = json.loads((out / "results.json").read_text("utf-8"))
        for run in results["runs"].values():
            run["summary"] = summarise(run)
        (out / "results.md").write_text(full_report(results) + "\n", "utf-8")
        print(full_report(results))
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
        (out / "results.md").write_text(full_report(results) + "\n", "utf-8")
        print(full_report(results), flush=True)
        if args.delete_index:
            shutil.rmtree(out / f"index-{label(size)}", ignore_errors=True)
    for name in (".stdout", ".stderr"):
        (out / name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
