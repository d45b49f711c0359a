"""The saved index: reused when fresh, updated or rebuilt when the corpus changes, and a
damaged file is detected and rebuilt, never a traceback or a wrong answer."""

import json
import os

import numpy as np
import pytest

from index.errors import IndexStoreError
from index.retrieval.search import Searcher
from index.storage import build, invert, store
from index.storage.arrays import unpack_text
from index.storage.freshness import check, open_index


def open_with_messages(settings):
    messages = []
    index = open_index(settings, messages.append)
    return index, messages


def test_first_open_builds_then_reuses(settings):
    index, messages = open_with_messages(settings)
    assert messages == [f"Indexing {settings.corpus} (first run)…"]
    assert (index.n_articles, index.n_passages) == (3, 45)
    again, messages = open_with_messages(settings)
    assert messages == [] and again.path == index.path


def test_new_file_is_added_without_a_rebuild(settings, corpus):
    first, _ = open_with_messages(settings)
    (corpus / "new.txt").write_text("title: Pizza\n---\nThe best pizza in Chicago is deep dish.\n")
    assert [f.rel for f in check(first, settings).added] == ["new.txt"]
    index, messages = open_with_messages(settings)
    assert messages == ["Adding 1 new file(s) to the index…"]
    assert (index.n_articles, index.n_passages) == (4, 46)
    # the old text was linked, not rewritten: one new segment holds the new article
    assert index.meta["segments"] == {
        "texts": ["texts-0000.bin", "texts-0001.bin"],
        "articles": ["articles-0000.jsonl", "articles-0001.jsonl"],
    }
    new_segment = (index.path / "texts-0001.bin").read_bytes()
    assert unpack_text(new_segment) == "The best pizza in Chicago is deep dish."
    answer = Searcher(index).ask("best pizza in Chicago")
    assert answer.hits[0].article.title == "Pizza"
    # the seeds' passages are all still there, texts intact
    assert Searcher(index).ask("when do K-5 students return?").hits[0].article.id.startswith("002")


def test_changed_file_triggers_a_rebuild(settings, corpus):
    open_with_messages(settings)
    path = corpus / "000_9dd04cc3a62a7577.txt"
    path.write_text(path.read_text() + "\n\nA new last paragraph about snow days.\n")
    index, messages = open_with_messages(settings)
    assert messages == ["Rebuilding the index: 000_9dd04cc3a62a7577.txt changed."]
    assert Searcher(index).ask("snow days").hits[0].passage.number == 15


def test_removed_file_triggers_a_rebuild(settings, corpus):
    open_with_messages(settings)
    (corpus / "001_47d2f018b08567d1.txt").unlink()
    index, messages = open_with_messages(settings)
    assert messages == ["Rebuilding the index: 001_47d2f018b08567d1.txt was removed."]
    assert index.n_articles == 2


def current_generation(settings):
    return (
        settings.index_dir / json.loads((settings.index_dir / "CURRENT").read_text())["generation"]
    )


@pytest.mark.parametrize(
    "damage", ["truncate", "flip", "delete", "garbage-current", "foreign", "newer", "older"]
)
def test_damaged_index_is_detected_and_rebuilt(settings, damage):
    open_with_messages(settings)
    gen = current_generation(settings)
    if damage == "truncate":
        path = gen / "post_doc.npy"
        path.write_bytes(path.read_bytes()[:-7])
    elif damage == "flip":
        path = gen / "texts-0000.bin"
        data = bytearray(path.read_bytes())
        data[100] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "delete":
        (gen / "vocab.json").unlink()
    elif damage == "garbage-current":
        (settings.index_dir / "CURRENT").write_bytes(b"\x80\x04 not json")
    elif damage == "foreign":
        (settings.index_dir / "CURRENT").write_text('{"format": "something-else"}')
    elif damage in ("newer", "older"):  # an index of format 3 stored BM25 weights
        current = json.loads((settings.index_dir / "CURRENT").read_text())
        current["version"] = store.VERSION + (1 if damage == "newer" else -1)
        (settings.index_dir / "CURRENT").write_text(json.dumps(current))
    with pytest.raises(IndexStoreError):
        store.load(settings.index_dir)
    index, messages = open_with_messages(settings)
    assert len(messages) == 1 and messages[0].startswith("Rebuilding the index: ")
    assert Searcher(index).ask("when do K-5 students return?").hits


def test_newer_format_message_says_so(settings):
    open_with_messages(settings)
    current = json.loads((settings.index_dir / "CURRENT").read_text())
    current["version"] = store.VERSION + 1
    (settings.index_dir / "CURRENT").write_text(json.dumps(current))
    with pytest.raises(IndexStoreError, match="written by a newer newsbot"):
        store.load(settings.index_dir)


def test_index_files_are_not_pickles(settings):
    open_with_messages(settings)
    gen = current_generation(settings)
    for path in gen.iterdir():
        assert not path.read_bytes().startswith(b"\x80"), path.name  # pickle protocol marker


def test_a_failed_build_leaves_the_previous_index(settings, corpus, monkeypatch):
    index, _ = open_with_messages(settings)
    before = current_generation(settings)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(invert.Builder, "finish", explode)
    with pytest.raises(RuntimeError):
        build.build(settings)
    assert current_generation(settings) == before
    assert [p.name for p in settings.index_dir.iterdir() if p.name.startswith("gen-")] == [
        before.name
    ]
    assert store.load(settings.index_dir).n_passages == index.n_passages


def test_settings_change_triggers_a_rebuild(settings, tmp_path):
    open_with_messages(settings)
    rules = tmp_path / "rules.txt"
    rules.write_text("drop: (?i)jackson said vaccinations will not be mandated\\.\n")
    changed = type(settings)(
        corpus=settings.corpus, index_dir=settings.index_dir, boilerplate=rules
    )
    index, messages = open_with_messages(changed)
    assert "other analysis or boilerplate settings" in messages[0]
    assert index.n_passages == 44


def test_old_generations_are_removed(settings, corpus):
    open_with_messages(settings)
    os.utime(corpus / "000_9dd04cc3a62a7577.txt", ns=(1, 1))
    open_with_messages(settings)
    gens = [p for p in settings.index_dir.iterdir() if p.name.startswith("gen-")]
    assert gens == [current_generation(settings)]


def _rewrite_consistently(settings, name, array):
    """Replace one array of the current generation and forge every checksum to match."""
    import hashlib
    import zlib

    import numpy as np

    current = json.loads((settings.index_dir / "CURRENT").read_text())
    gen = settings.index_dir / current["generation"]
    np.save(gen / f"{name}.npy", array, allow_pickle=False)
    meta = json.loads((gen / "meta.json").read_bytes())
    raw = (gen / f"{name}.npy").read_bytes()
    meta["files_written"][f"{name}.npy"] = {"size": len(raw), "crc32": zlib.crc32(raw)}
    meta_raw = json.dumps(meta).encode()
    (gen / "meta.json").write_bytes(meta_raw)
    current["meta_sha256"] = hashlib.sha256(meta_raw).hexdigest()
    (settings.index_dir / "CURRENT").write_text(json.dumps(current))


@pytest.mark.parametrize(
    "name, change, problem",
    [
        ("post_doc", lambda a: a + 1_000_000, "post_doc: document numbers out of range"),
        ("passage_article", lambda a: a * 50, "passage_article: article numbers out of range"),
        ("text_ptr", lambda a: a[:-5], "text_ptr: offsets don't fit the passage texts"),
        ("post_ptr", lambda a: a[::-1].copy(), "post_ptr: postings lists don't fit"),
        ("idf", lambda a: a[:3], "idf: 3 entries for"),
    ],
)
def test_arrays_rewritten_with_forged_checksums_are_corrupt_not_a_crash(
    settings, name, change, problem
):
    index, _ = open_with_messages(settings)
    _rewrite_consistently(settings, name, change(np.asarray(index.arrays[name])))
    with pytest.raises(IndexStoreError, match=f"is corrupt \\({problem}"):
        store.load(settings.index_dir)
    rebuilt, messages = open_with_messages(settings)  # `ask` says so and rebuilds
    assert messages[0].startswith("Rebuilding the index: the index at")
    assert problem in messages[0]
    hits = Searcher(rebuilt).ask("When do K-5 students return?").hits
    assert hits and "K-5" in hits[0].passage.text
