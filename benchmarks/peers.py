"""Other engines on newsbot's own analysed terms and questions, for the benchmark's table.

    python benchmarks/peers.py prepare INDEX QUESTIONS DIR  # DIR/docs.txt, DIR/queries.json
    python benchmarks/peers.py build NAME DIR               # JSON: build time, index size
    python benchmarks/peers.py serve NAME DIR [INDEX]       # JSON: latencies, memory

NAME is tantivy, bm25s (numba backend), fts5 (SQLite) or newsbot (`SparseEngine.top`,
which needs INDEX). `prepare` writes every passage's analysed terms, read back from the
index's postings, one passage a line, each term as `t<id>` (letters and digits, so no
engine's tokenizer splits or changes it), and each question's known term ids as `ask`
finds them. So every engine indexes the same terms and answers the same term lists: the
comparison is of engines, not analyzers. `build` times indexing those lines (no
analysis), `serve` loads the built index in a fresh process, answers every query once
unmeasured, then times 3 passes (top 10, an OR of the terms). The peers are installed
with `pip install -e '.[bench]'`; newsbot never imports them.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSES = 3


def prepare(index_dir: str, questions: str, out: str) -> dict:
    from index.retrieval.search import MAX_QUESTION_CHARS
    from index.storage import store
    from index.text.analysis import Analyzer

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    postings = store.load(Path(index_dir)).passages
    ptr = np.asarray(postings.post_ptr)
    doc = np.asarray(postings.post_doc)
    tf = postings.tfs(0, len(doc)).astype(np.int64)
    term = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    order = np.argsort(doc, kind="stable")  # passage-major
    tokens = np.repeat(term[order], tf[order])
    bounds = np.concatenate(
        [[0], np.cumsum(np.bincount(doc, weights=tf, minlength=len(postings.doc_len)))]
    ).astype(np.int64)
    with open(folder / "docs.txt", "w", encoding="ascii") as f:
        step = 20_000
        for lo in range(0, len(bounds) - 1, step):
            hi = min(lo + step, len(bounds) - 1)
            part = tokens[bounds[lo] : bounds[hi]].tolist()
            cut = (bounds[lo : hi + 1] - bounds[lo]).tolist()
            f.write(
                "".join(
                    " ".join(f"t{t}" for t in part[cut[i] : cut[i + 1]]) + "\n"
                    for i in range(hi - lo)
                )
            )
    analyzer = Analyzer()
    queries = []
    for q in json.loads(Path(questions).read_text("utf-8")):
        terms = list(dict.fromkeys(analyzer.terms(q["question"][:MAX_QUESTION_CHARS])))
        queries.append(postings.ids(terms))  # as `ask` asks the engine
    (folder / "queries.json").write_text(json.dumps(queries), "utf-8")
    return {"passages": len(bounds) - 1, "tokens": int(len(tokens)), "prepare_s": _since(start)}


# ------------------------------------------------------------------ the peers


def _docs(folder: Path):
    with open(folder / "docs.txt", encoding="ascii") as f:
        yield from (line.rstrip("\n") for line in f)


def build_tantivy(folder: Path, where: Path) -> None:
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    index = tantivy.Index(schema.build(), path=str(where))
    writer = index.writer(heap_size=512_000_000, num_threads=2)
    for line in _docs(folder):
        writer.add_document(tantivy.Document(body=line))
    writer.commit()
    writer.wait_merging_threads()


def serve_tantivy(where: Path) -> Callable[[list[int]], object]:
    import tantivy

    index = tantivy.Index.open(str(where))
    searcher = index.searcher()
    schema = index.schema
    should = tantivy.Occur.Should

    def top(ids: list[int]):
        query = tantivy.Query.boolean_query(
            [(should, tantivy.Query.term_query(schema, "body", f"t{t}")) for t in ids]
        )
        return searcher.search(query, 10).hits

    return top


def build_bm25s(folder: Path, where: Path) -> None:
    import bm25s
    from bm25s.tokenization import Tokenized

    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in line.split()] for line in _docs(folder)]
    retriever = bm25s.BM25(k1=1.5, b=0.75, method="robertson", backend="numba")
    retriever.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    retriever.save(str(where))


def serve_bm25s(where: Path) -> Callable[[list[int]], object]:
    import bm25s

    retriever = bm25s.BM25.load(str(where), mmap=True)
    retriever.backend = "numba"
    retriever.activate_numba_scorer()

    def top(ids: list[int]):
        return retriever.retrieve([[f"t{t}" for t in ids]], k=10, show_progress=False, n_threads=1)

    return top


def build_fts5(folder: Path, where: Path) -> None:
    import sqlite3

    where.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(where / "fts5.db")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='unicode61')")
    with db:
        db.executemany("INSERT INTO p(body) VALUES (?)", ((line,) for line in _docs(folder)))
    db.execute("INSERT INTO p(p) VALUES ('optimize')")
    db.commit()
    db.close()


def serve_fts5(where: Path) -> Callable[[list[int]], object]:
    import sqlite3

    db = sqlite3.connect(where / "fts5.db")
    sql = "SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10"

    def top(ids: list[int]):
        return db.execute(sql, (" OR ".join(f"t{t}" for t in ids),)).fetchall()

    return top


def serve_newsbot(index_dir: str) -> Callable[[list[int]], object]:
    from index.retrieval.engines import SparseEngine
    from index.storage import store

    postings = store.load(Path(index_dir)).passages
    engine = SparseEngine(postings, np.asarray(postings.idf))  # as Searcher builds it
    return lambda ids: engine.top(ids, 10)


BUILDERS = {"tantivy": build_tantivy, "bm25s": build_bm25s, "fts5": build_fts5}
SERVERS = {"tantivy": serve_tantivy, "bm25s": serve_bm25s, "fts5": serve_fts5}


# ------------------------------------------------------------------ probes


def build(name: str, out: str) -> dict:
    folder = Path(out)
    where = folder / f"peer-{name}"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    start = time.perf_counter()
    BUILDERS[name](folder, where)
    seconds = _since(start)
    size = sum(p.stat().st_size for p in where.rglob("*") if p.is_file())
    return {"name": name, "build_s": seconds, "index_bytes": size, **_memory()}


def serve(name: str, out: str, index_dir: str | None = None) -> dict:
    folder = Path(out)
    queries = [q for q in json.loads((folder / "queries.json").read_text("utf-8")) if q]
    start = time.perf_counter()
    top = serve_newsbot(index_dir) if name == "newsbot" else SERVERS[name](folder / f"peer-{name}")
    open_s = _since(start)
    clock = time.perf_counter
    start = clock()
    top(queries[0])
    first_s = clock() - start  # bm25s compiles its numba scorer here
    for ids in queries:  # warm up: one pass, not counted
        top(ids)
    times = np.zeros((PASSES, len(queries)))
    for p in range(PASSES):
        for i, ids in enumerate(queries):
            start = clock()
            top(ids)
            times[p, i] = clock() - start
    per_q = np.median(times, axis=0) * 1000
    return {
        "name": name,
        "open_s": open_s,
        "first_query_s": first_s,
        "queries": len(queries),
        "p50_ms": float(np.percentile(per_q, 50)),
        "p95_ms": float(np.percentile(per_q, 95)),
        "mean_ms": float(per_q.mean()),
        **_memory(),
    }


def _memory() -> dict:
    smaps: dict[str, float] = {}
    try:
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Anonymous", "Rss"):
                smaps[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return {
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_end_mb": smaps.get("Rss"),
        "anon_end_mb": smaps.get("Anonymous"),
        "load_average": os.getloadavg(),
    }


def _since(start: float) -> float:
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    command, *args = argv
    result = {"prepare": prepare, "build": build, "serve": serve}[command](*args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
