"""Any corpus is safe and the index can't be broken: broken and hostile files are named
and skipped while the rest is indexed; a build killed mid-way leaves the previous index."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from index.errors import CorpusError
from index.retrieval.search import Searcher
from index.storage import analyse, build, store
from index.storage.files import MARKER
from index.storage.settings import IndexSettings
from tests.conftest import ROOT, SEEDS, run_cli

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_newsbot(args, honour_permissions=False, **kwargs):
    prefix = []
    if honour_permissions and IS_ROOT:  # root reads any file unless it drops the
        setpriv = shutil.which("setpriv")  # capabilities that let it
        if setpriv is None:
            pytest.skip("running as root without setpriv: file permissions can't be tested")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    return run_cli(*args, env={"NEWSBOT_WORKERS": "2"}, prefix=tuple(prefix), timeout=300, **kwargs)


@pytest.fixture
def hostile_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text((SEEDS / "000_9dd04cc3a62a7577.txt").read_text())
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.md").write_bytes(bytes(range(256)) * 64)
    (corpus / "latin1.txt").write_bytes(
        "title: Café\n---\nLe café olé servait des crêpes à Évanston.\n".encode("latin-1")
    )
    (corpus / "utf16.txt").write_bytes("A naïve façade was repainted downtown.\n".encode("utf-16"))
    lines = [
        json.dumps({"id": "ok1", "text": "The zoning board approved the tower."}),
        "{broken",
        json.dumps({"text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "ok2", "text": "Aldermen debated parking meters for hours."}),
    ]
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n")
    # a 3 MB file, one article a line: past the size at which a build uses worker
    # processes and splits a .jsonl file across them
    rng = random.Random(7)
    words = [f"w{i}" for i in range(5000)]
    with open(corpus / "big.jsonl", "w") as f:
        size = 0
        i = 0
        while size < max(3 * 1024 * 1024, analyse.PARALLEL_BYTES + 1):
            text = "\n\n".join(" ".join(rng.choices(words, k=80)) for _ in range(12))
            line = json.dumps({"id": f"big{i}", "text": text}) + "\n"
            f.write(line)
            size += len(line)
            i += 1
    locked = corpus / "locked.txt"
    locked.write_text("Nobody may read this.\n")
    locked.chmod(0)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    return corpus


def test_build_indexes_what_it_can_and_names_the_rest(hostile_corpus, tmp_path):
    index_dir = tmp_path / "index"
    result = run_newsbot(
        ["index", "build", "--corpus", str(hostile_corpus), "--index", str(index_dir)],
        honour_permissions=True,
    )
    assert result.returncode == 0, result.stderr
    warnings = result.stderr
    for expected in [
        "empty.txt: empty file; skipped",
        "binary.md: binary file, not text; skipped",
        "feed.jsonl:2: not valid JSON",
        'feed.jsonl:3: no "text" field with article text; line skipped',
        "feed.jsonl:4: not a JSON object; line skipped",
        "locked.txt: permission denied; skipped",
        "loop: symlink loop; folder skipped",
        "dangling.txt: file vanished or is a dangling link; skipped",
    ]:
        assert f"warning: {expected}" in warnings, (expected, warnings)
    assert "Traceback" not in warnings
    summary = result.stdout
    assert "5 file(s) skipped, 3 line(s) skipped (see warnings above)" in summary
    index = store.load(index_dir)
    searcher = Searcher(index)
    assert searcher.ask("café olé crêpes").hits[0].article.title == "Café"
    assert "naïve façade" in searcher.ask("naive facade repainted").hits[0].passage.text
    assert searcher.ask("zoning board tower").hits[0].article.id == "ok1"
    assert searcher.ask("w17 w4000 w12").hits  # the big file is in


def test_nothing_readable_is_the_only_failure(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("")
    (corpus / "bad.jsonl").write_text("{oops\n")
    result = run_newsbot(
        ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i")]
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"newsbot: Nothing in {corpus} could be indexed (2 problems)."
    )
    assert "Traceback" not in result.stderr


def test_a_file_that_vanishes_mid_build_is_skipped(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(
        "".join(
            json.dumps({"id": f"a{i}", "text": f"Story {i} about the school board budget " * 20})
            + "\n"
            for i in range(3000)
        )
    )  # several chunks before b.txt
    (corpus / "b.txt").write_text("The vanishing story about the library.\n")
    (corpus / "c.txt").write_text("The staying story about the museum.\n")
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "i", workers=1)

    def progress(done, total):  # after the first chunk: b.txt goes away
        if (corpus / "b.txt").exists():
            (corpus / "b.txt").unlink()

    report = build.build(settings, progress)
    assert [str(p) for p in report.problems] == [
        "b.txt: file vanished or is a dangling link; skipped"
    ]
    index = store.load(settings.index_dir)
    assert Searcher(index).ask("staying story museum").hits[0].article.id == "c"


def test_a_build_killed_midway_leaves_the_previous_index(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "seed.txt").write_text((SEEDS / "001_47d2f018b08567d1.txt").read_text())
    index_dir = tmp_path / "i"
    settings = IndexSettings(corpus=corpus, index_dir=index_dir)
    build.build(settings)
    before = json.loads((index_dir / "CURRENT").read_text())["generation"]
    rng = random.Random(3)
    words = [f"v{i}" for i in range(20000)]
    for n in range(12):  # enough text for a build of several seconds
        with open(corpus / f"more{n}.jsonl", "w") as f:
            for i in range(1500):
                text = "\n\n".join(" ".join(rng.choices(words, k=70)) for _ in range(8))
                f.write(json.dumps({"id": f"m{n}-{i}", "text": text}) + "\n")
    # killed once as soon as its new generation exists, once when analysed text is on disk
    for phase in ("generation created", "text written"):
        _kill_build_at(phase, corpus, index_dir, before)
        assert json.loads((index_dir / "CURRENT").read_text())["generation"] == before
        index = store.load(index_dir, verify="full")
        assert index.n_articles == 1
        answer = Searcher(index).ask("How many members could be asked to authorize a strike?")
        assert "25,000 members" in answer.hits[0].passage.text
    report = build.build(settings)  # the next build succeeds and clears the debris
    assert report.total_articles == 1 + 12 * 1500
    gens = [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert gens == [json.loads((index_dir / "CURRENT").read_text())["generation"]]


def _kill_build_at(phase: str, corpus, index_dir, before: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "index", "build"]
        + ["--corpus", str(corpus), "--index", str(index_dir)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "NEWSBOT_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(lambda: _new_generation(index_dir, before, phase), proc)
    workers = [] if phase == "generation created" else _wait_for(lambda: _children(proc.pid), proc)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # its worker processes die with it: no orphans analysing for nobody
    _wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in workers), None)


def _wait_for(condition, proc, seconds: float = 120):
    """Poll `condition` until it holds (its value) or the deadline passes (a failure)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        assert proc is None or proc.poll() is None, "the build ended before it could be killed"
        time.sleep(0.005)
    pytest.fail(f"gave up waiting after {seconds} s")


def _new_generation(index_dir, before, phase) -> bool:
    for gen in index_dir.glob("gen-*"):
        if gen.name != before:
            # "created": the folder holds newsbot's marker (a writer killed between its
            # mkdir and the marker leaves an empty folder that clean-up, by design, leaves
            # alone: it only removes what it can show newsbot wrote)
            if phase == "generation created" and (gen / MARKER).exists():
                return True
            text = gen / "texts-0000.bin"
            if text.exists() and text.stat().st_size > 0:
                return True
    return False


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def test_empty_corpus_folder_is_a_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="has no article files"):
        build.build(IndexSettings(corpus=tmp_path, index_dir=tmp_path / "i"))
