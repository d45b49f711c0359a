"""rank-bm25 is the reference: the sparse engine must agree with it, passage for passage."""

import json
import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.retrieval.engines import EPSILON, K1, B, OkapiEngine, SparseEngine, choose
from index.storage import build
from index.storage.settings import IndexSettings
from index.storage.store import load


def random_corpus(path, seed, n_docs):
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    weights = [1 / (i + 1) for i in range(len(vocab))]  # Zipf-like
    with open(path / "docs.jsonl", "w") as f:
        for i in range(n_docs):
            words = rng.choices(vocab, weights, k=rng.randint(3, 60))
            f.write(json.dumps({"id": f"d{i}", "text": " ".join(words)}) + "\n")
    return vocab, rng


def random_index(tmp_path, seed, n_docs, n_queries):
    """A built index of a random corpus, and questions of 1 to 6 of its words (term ids)."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    vocab, rng = random_corpus(corpus, seed, n_docs)
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))
    index = load(tmp_path / "i")
    queries = [index.passages.ids(rng.sample(vocab, rng.randint(1, 6))) for _ in range(n_queries)]
    return index, queries


def same_ranking(a, b):
    (docs_a, scores_a), (docs_b, scores_b) = a, b
    assert len(docs_a) == len(docs_b)
    np.testing.assert_allclose(scores_a, scores_b, rtol=0, atol=1e-6)
    for da, db, sa in zip(docs_a, docs_b, scores_a, strict=True):
        assert da == db or abs(scores_a[list(docs_a).index(db)] - sa) < 1e-9  # a true tie


@pytest.mark.parametrize("seed", range(6))
def test_sparse_engine_matches_rank_bm25(tmp_path, seed):
    corpus = tmp_path / "c"
    corpus.mkdir()
    vocab, rng = random_corpus(corpus, seed, n_docs=rng_size(seed))
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))
    index = load(tmp_path / "i")
    okapi, sparse = OkapiEngine(index.passages), SparseEngine(index.passages)
    # an independent reference straight from rank-bm25 on the analysed passages
    docs = [[w for w in index.text(i).split()] for i in range(index.n_passages)]
    reference = BM25Okapi(docs, k1=K1, b=B, epsilon=EPSILON)
    for _ in range(40):
        query = rng.sample(vocab, rng.randint(1, 6))
        ids = index.passages.ids(query)
        if not ids:
            continue
        expected = reference.get_scores([index.passages.vocab[t] for t in ids])
        top = np.lexsort((np.arange(len(expected)), -expected))[:10]
        top = top[expected[top] > 0]
        same_ranking((top, expected[top]), okapi.top(ids, 10))
        same_ranking(okapi.top(ids, 10), sparse.top(ids, 10))
        same_ranking(okapi.top(ids, 50), sparse.top(ids, 50))


@pytest.mark.parametrize("seed", range(3))
def test_a_filter_gives_the_exact_top_k_among_the_allowed_passages(tmp_path, seed):
    """A filter is a mask inside the engine, not a filter on its top k: the top k among
    the allowed passages equals rank-bm25's scores of every passage, masked, whether
    the mask lets through most passages, a few, or none that hold a term."""
    index, queries = random_index(tmp_path, seed, n_docs=3000, n_queries=30)
    docs = [index.text(i).split() for i in range(index.n_passages)]
    reference = BM25Okapi(docs, k1=K1, b=B, epsilon=EPSILON)
    okapi, sparse = OkapiEngine(index.passages), SparseEngine(index.passages)
    rng = np.random.default_rng(seed)
    for share in (0.9, 0.3, 0.01, 0.0):
        allowed = rng.random(index.n_passages) < share
        for ids in queries:
            scores = reference.get_scores([index.passages.vocab[t] for t in ids])
            scores = np.where(allowed, scores, 0.0)
            for k in (1, 10, 50):
                top = np.lexsort((np.arange(len(scores)), -scores))[:k]
                top = top[scores[top] > 0]
                expected = (top.tolist(), scores[top].tolist())
                got = sparse.top(ids, k, allowed)
                assert bool(allowed[got[0]].all())
                assert got[0].tolist() == expected[0]
                np.testing.assert_allclose(got[1], expected[1], rtol=0, atol=1e-9)
                assert okapi.top(ids, k, allowed)[0].tolist() == expected[0]
                assert sparse.top(ids, k, None)[0].tolist() == sparse.top(ids, k)[0].tolist()


def rng_size(seed):
    return [50, 120, 400, 1000, 2500, 7][seed]


def test_unknown_and_repeated_terms(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    random_corpus(corpus, 99, 200)
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))
    index = load(tmp_path / "i")
    for engine in (OkapiEngine(index.passages), SparseEngine(index.passages)):
        docs, scores = engine.top([], 10)
        assert len(docs) == len(scores) == 0
        assert engine.top([0, 0], 5)[0].tolist() == engine.top([0, 0], 5)[0].tolist()


def test_choose_by_size_or_by_name(seed_searcher):
    passages = seed_searcher.index.passages
    assert choose("auto", passages).name == "okapi"
    assert choose("sparse", passages).name == "sparse"
    with pytest.raises(ValueError):
        choose("faiss", passages)


def reference_top(index, ids, k):
    """rank-bm25 straight from the analysed passages: best k positive, ties by passage."""
    docs = [index.text(i).split() for i in range(index.n_passages)]
    expected = BM25Okapi(docs, k1=K1, b=B, epsilon=EPSILON).get_scores(
        [index.passages.vocab[t] for t in ids]
    )
    top = np.lexsort((np.arange(len(expected)), -expected))[:k]
    top = top[expected[top] > 0]
    return top.tolist(), expected[top].tolist()


def build_from(tmp_path, texts):
    corpus = tmp_path / "c"
    corpus.mkdir(exist_ok=True)
    with open(corpus / "docs.jsonl", "w") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))
    return load(tmp_path / "i")


def identical(engine, index, ids, k):
    docs, scores = engine.top(ids, k)
    assert (docs.tolist(), scores.tolist()) == reference_top(index, ids, k)


def test_pruning_keeps_ties_in_passage_order(tmp_path):
    # the same paragraph many times over: every copy ties, and the first ones win
    rng = random.Random(5)
    texts = ["w1 w2 w3 w4"] * 40 + [
        " ".join(rng.choices([f"w{i}" for i in range(30)], k=rng.randint(3, 20)))
        for _ in range(300)
    ]
    rng.shuffle(texts)
    index = build_from(tmp_path, texts)
    sparse = SparseEngine(index.passages)
    ids = index.passages.ids(["w1", "w2", "w3", "w4"])
    for k in (1, 5, 10, 39, 40, 41, 100):
        identical(sparse, index, ids, k)


def test_k_beyond_the_matches_and_odd_questions(tmp_path):
    rng = random.Random(8)
    words = [f"w{i}" for i in range(200)]
    texts = [
        " ".join(rng.choices(words, [1 / (i + 1) for i in range(200)], k=30)) for _ in range(500)
    ]
    texts[7] += " rare"
    texts[400] += " rare rare"
    index = build_from(tmp_path, texts)
    sparse = SparseEngine(index.passages)
    t = index.passages.ids
    identical(sparse, index, t(["rare"]), 10)  # two matches, k = 10
    identical(sparse, index, t(["rare", "w150"]), 1000)  # k above the passages
    identical(sparse, index, t(["w3", "rare", "w3", "w3"]), 10)  # repeats add each time
    identical(sparse, index, t(["rare", "w0", "w1"]), 3)
    assert sparse.top(t(["rare"]), 0)[0].tolist() == []


def test_a_term_in_every_passage_is_floored_as_rank_bm25_floors_it(tmp_path):
    rng = random.Random(3)
    texts = [
        "every " + " ".join(rng.choices([f"w{i}" for i in range(50)], k=rng.randint(2, 25)))
        for _ in range(300)
    ]
    index = build_from(tmp_path, texts)
    sparse = SparseEngine(index.passages)
    t = index.passages.ids
    for query in (["every"], ["every", "w7"], ["w1", "every", "w2", "w30"], ["every"] * 3):
        for k in (1, 10, 300):
            identical(sparse, index, t(query), k)


def test_counts_above_255_are_exact(tmp_path):
    texts = ["loud " * 300 + "quiet", "loud quiet", "quiet " * 3, "loud " * 254 + "x"]
    index = build_from(tmp_path, texts * 5)
    assert sorted(OkapiEngine(index.passages).bm25.doc_freqs[0].items()) == [
        ("loud", 300),
        ("quiet", 1),
    ]
    sparse = SparseEngine(index.passages)
    for query in (["loud"], ["quiet", "loud"], ["x", "loud"]):
        identical(sparse, index, index.passages.ids(query), 10)
        ids = index.passages.ids(query)
        docs = np.arange(index.n_passages)
        np.testing.assert_array_equal(
            sparse.score(ids, docs), OkapiEngine(index.passages).score(ids, docs)
        )


def test_added_passages_are_ranked_exactly(tmp_path):
    """`index add` merges postings and bounds; the average length moves, no weight is
    stored, and the scores stay rank-bm25's."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    vocab, rng = random_corpus(corpus, 11, n_docs=600)
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "i")
    build.build(settings)
    with open(corpus / "more.jsonl", "w") as f:
        for i in range(300):  # longer passages and a new word
            words = rng.choices(vocab[:50], k=rng.randint(40, 120)) + ["novel"] * (i % 3)
            f.write(json.dumps({"id": f"m{i}", "text": " ".join(words)}) + "\n")
    base = load(tmp_path / "i")
    files = build.sources(settings, [corpus / "more.jsonl"], [])
    build.add(settings, base, files)
    index = load(tmp_path / "i")
    assert index.n_passages == 900
    assert not (index.path / "post_w.npy").exists()
    sparse = SparseEngine(index.passages)
    for query in (["novel"], ["novel", "w1"], ["w0", "w5", "w40"], ["w300", "w2"]):
        for k in (1, 10, 50):
            identical(sparse, index, index.passages.ids(query), k)


def test_inverting_in_runs_on_disk_gives_the_same_lists(tmp_path):
    """Large corpora are inverted in sorted runs spilled to disk (bounded memory); the
    merged lists must be exactly those of inverting in memory, with or without a base."""
    from array import array

    from index.storage.invert import Side

    rng = random.Random(4)
    sides = (Side(), Side(tmp_path, run=37), Side(tmp_path, run=1))
    first = 0
    for _ in range(12):  # chunks of documents, as the workers send them
        n_docs, n_terms = rng.randint(1, 9), rng.randint(5, 40)
        remap = np.array(rng.sample(range(60), n_terms), dtype=np.uint32)
        terms, tfs, counts, lengths = array("I"), array("H"), array("I"), array("I")
        for _ in range(n_docs):
            held = rng.sample(range(n_terms), rng.randint(0, 5))
            terms.extend(held)
            tfs.extend(rng.randint(1, 300) for _ in held)
            counts.append(len(held))
            lengths.append(sum(tfs[-len(held) :]) if held else 0)
        for side in sides:
            side.extend(remap, terms, tfs, counts, lengths, first, None)
        first += n_docs
    base = sides[0].invert(60, None)
    base_arrays = {k: base[k] for k in ("ptr", "doc", "tf", "len")}
    again = (Side(), Side(tmp_path, run=1))
    for side in again:
        side.extend(
            np.arange(70, dtype=np.uint32),
            array("I", [65, 3]),
            array("H", [2, 1]),
            array("I", [2]),
            array("I", [3]),
            first,
            None,
        )
    merged = [s.invert(70, base_arrays) for s in again]
    in_memory = merged[0]  # new postings and where they go, inserted by the caller
    assert set(in_memory) == {"ptr", "at", "new_terms", "new_doc", "new_tf", "len"}
    merged[0] = {
        "ptr": in_memory["ptr"],
        "doc": np.insert(base["doc"], in_memory["at"], in_memory["new_doc"]),
        "tf": np.insert(base["tf"], in_memory["at"], in_memory["new_tf"]),
        "len": in_memory["len"],
    }
    for result in [*(s.invert(60, None) for s in sides[1:])]:
        for key in ("ptr", "doc", "tf", "len"):
            np.testing.assert_array_equal(result[key], base[key])
    for key in ("ptr", "doc", "tf", "len"):
        np.testing.assert_array_equal(merged[1][key], merged[0][key])
    assert not list(tmp_path.glob("spill-*"))  # the runs are removed once merged


def test_threads_share_one_engine(tmp_path):
    """A serving bot answers from several threads: each call borrows its own scratch arrays."""
    from concurrent.futures import ThreadPoolExecutor

    index, queries = random_index(tmp_path, 21, n_docs=1500, n_queries=60)
    sparse = SparseEngine(index.passages)
    alone = [sparse.top(q, 10) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda q: sparse.top(q, 10), queries * 4))
    for (docs, scores), (d2, s2) in zip(alone * 4, together, strict=True):
        assert docs.tolist() == d2.tolist() and scores.tolist() == s2.tolist()


def test_a_term_in_most_passages_is_left_to_look_ups_and_stays_exact(tmp_path):
    # "say" is in 60% of the passages (its idf floored above the common words'), so
    # the weakest-first split would add up all its postings; the engine leaves it out
    # of the candidates' terms instead, and must still find exactly rank-bm25's top k
    rng = random.Random(11)
    words = [f"w{i}" for i in range(300)]
    texts = []
    for _ in range(1500):
        text = rng.choices(words, [1 / (j + 1) for j in range(300)], k=rng.randint(4, 40))
        if rng.random() < 0.6:
            text += ["say"] * rng.choice((1, 1, 1, 2, 3))
        texts.append(" ".join(text))
    index = build_from(tmp_path, texts)
    sparse = SparseEngine(index.passages)
    t = index.passages.ids
    for query in (["say", "w250", "w3"], ["w290", "say", "w40", "w1", "w120"], ["say", "w0"]):
        for k in (1, 10, 50):
            identical(sparse, index, t(query), k)
    many = t([f"w{i}" for i in range(0, 300, 20)] + ["say"])  # more terms than EXHAUSTIVE
    assert len(many) > 12
    for k in (1, 10, 50):
        identical(sparse, index, many, k)


def test_the_weak_terms_leave_the_fewest_postings_to_add_up():
    from index.retrieval.engines import _weak_terms

    order = [0, 1, 2, 3]  # by bound, weakest first
    ub = {0: 3.8, 1: 5.6, 2: 6.9, 3: 7.3}
    df = np.array([1_270_000, 500_000, 177_000, 6_200_000])
    # weakest first would take 0, 1, 2 (16.3 < 17) and add up the 6.2M postings of 3
    assert _weak_terms(order, ub, df, 17.0) == [0, 1, 3]
    assert _weak_terms(order, ub, df, 3.0) == []  # nothing fits below theta
    assert _weak_terms(order, ub, df, -np.inf) == []


def test_an_add_writes_the_lists_a_build_would(tmp_path):
    """`index add` inserts the new postings into the stored arrays (one-byte counts and
    the overflow list shifted, not decoded) and scales the bounds: the lists must be
    the ones a fresh build of the same files writes, and the bounds at or above its."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    vocab, rng = random_corpus(corpus, 12, n_docs=400)
    with open(corpus / "docs.jsonl", "a") as f:  # counts above 255 in the base
        f.write(json.dumps({"id": "loud0", "text": "loud " * 300 + "w1"}) + "\n")
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))
    with open(corpus / "more.jsonl", "w") as f:
        for i in range(200):  # longer passages, new words, large counts again
            words = rng.choices(vocab[:80], k=rng.randint(30, 150)) + ["novel"] * (i % 4)
            words += ["loud"] * (400 if i % 50 == 0 else 0)
            f.write(json.dumps({"id": f"m{i}", "text": " ".join(words)}) + "\n")
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "i")
    build.add(settings, load(tmp_path / "i"), build.sources(settings, [corpus / "more.jsonl"], []))
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "fresh"))
    added, fresh = load(tmp_path / "i").passages, load(tmp_path / "fresh").passages
    assert added.vocab == fresh.vocab
    for name in ("post_ptr", "post_doc", "post_tf", "big_at", "big_tf", "doc_len", "idf"):
        assert np.array_equal(getattr(added, name), getattr(fresh, name)), name
    assert len(added.big_at) > 2  # the overflow list was shifted and extended
    assert np.all(added.max_w >= fresh.max_w)
    old_len = added.doc_len[:401]
    growth = (added.doc_len.sum() / len(added.doc_len)) / (old_len.sum() / len(old_len))
    assert growth > 1.5  # much longer passages were added: the bounds scaled up
    assert np.all(added.max_w <= fresh.max_w * growth * (1 + 1e-9))
    # a second add of short passages: the average falls, the bounds stay valid
    with open(corpus / "short.jsonl", "w") as f:
        for i in range(300):
            f.write(json.dumps({"id": f"s{i}", "text": " ".join(rng.choices(vocab, k=3))}) + "\n")
    build.add(settings, load(tmp_path / "i"), build.sources(settings, [corpus / "short.jsonl"], []))
    build.build(IndexSettings(corpus=corpus, index_dir=tmp_path / "fresh"))
    added, fresh = load(tmp_path / "i"), load(tmp_path / "fresh")
    for name in ("post_ptr", "post_doc", "post_tf", "big_at", "big_tf", "doc_len", "idf"):
        assert np.array_equal(getattr(added.passages, name), getattr(fresh.passages, name))
    assert np.all(added.passages.max_w >= fresh.passages.max_w)
    sparse = SparseEngine(added.passages)
    for query in (["novel", "w3"], ["loud", "w1", "w7"], ["w0", "w2", "w5", "w9"]):
        for k in (1, 10, 50):
            identical(sparse, added, added.passages.ids(query), k)


def test_the_idf_floor_is_rank_bm25s_to_the_last_bit():
    """rank-bm25 adds the idfs in a plain loop; Python 3.12's sum() compensates and
    numpy's adds pairwise, either of which moves the last bits of the floor."""
    from index.bm25 import okapi_idf

    rng = random.Random(21)
    docs = [
        [f"w{int(rng.paretovariate(0.7))}" for _ in range(rng.randint(1, 30))] for _ in range(3000)
    ]
    docs += [["common"]] * 2000 + [["common", "w1"]] * 1500  # df above half: floored
    reference = BM25Okapi(docs, k1=K1, b=B, epsilon=EPSILON)
    vocab = list(reference.idf)
    df = np.array([sum(1 for d in reference.doc_freqs if t in d) for t in vocab])
    ours = okapi_idf(df, len(docs))
    assert ours.tolist() == [reference.idf[t] for t in vocab]


def test_scratch_arrays_are_bounded_however_many_threads_ask(tmp_path):
    """Each engine call borrows a pair of arrays over the passages (160 MB at 10M);
    at most `limit` pairs are ever made, and 8 threads on 1 pair still get exact
    answers (a call waits for the pair; a nested call reuses its caller's)."""
    from concurrent.futures import ThreadPoolExecutor

    from index.retrieval.engines import ScratchPool

    index, queries = random_index(tmp_path, 23, n_docs=800, n_queries=40)
    sparse = SparseEngine(index.passages)
    sparse._pool = ScratchPool(index.n_passages, limit=1)
    alone = [sparse.top(q, 10) for q in queries]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: sparse.top(q, 10), queries * 5))
        scored = list(pool.map(lambda q: sparse.score(q, np.arange(50)), queries))
    for (docs, scores), (d2, s2) in zip(alone * 5, together, strict=True):
        assert docs.tolist() == d2.tolist() and scores.tolist() == s2.tolist()
    for q, got in zip(queries, scored, strict=True):
        assert got.tolist() == sparse.score(q, np.arange(50)).tolist()
    assert sparse._pool.made == 1
    acc, one = sparse._pool._free.get_nowait()
    assert not acc.any() and not one.any()  # lent back all zero
