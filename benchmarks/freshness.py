"""How long the freshness check before every `ask` takes on a corpus of many small files.

    .venv/bin/python benchmarks/freshness.py --files 100000 --out /tmp/fresh

Writes FILES one-paragraph articles in folders of 1,000 (once), builds the index (once),
then times `freshness.check` (the stat pass `ask` makes before answering) RUNS times and
prints the median and the slowest. Nothing outside OUT is written.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from index.storage import build, freshness, store
from index.storage.settings import IndexSettings


def make_corpus(root: Path, files: int) -> None:
    if (root / "DONE").exists():
        return
    for i in range(files):
        folder = root / f"d{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i}.txt").write_text(f"Story {i}. The board met on day {i % 365}.\n")
    (root / "DONE").write_text("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    corpus = args.out / f"corpus-{args.files}"
    make_corpus(corpus, args.files)
    settings = IndexSettings(corpus=corpus, index_dir=args.out / f"index-{args.files}")
    if store.read_current(settings.index_dir) is None:
        start = time.perf_counter()
        build.build(settings)
        print(f"build: {time.perf_counter() - start:.1f} s")
    index = store.load(settings.index_dir)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        staleness = freshness.check(index, settings)
        times.append(time.perf_counter() - start)
        assert staleness.fresh, staleness
    print(
        f"freshness check over {args.files:,} files: median {statistics.median(times):.3f} s, "
        f"slowest {max(times):.3f} s ({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
