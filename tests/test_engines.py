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
