"""A full disk, a file-size limit or a refused permission loses nothing: each is named
for what it is, no half-written generation is left, the last good index keeps
answering, and clean-up touches only what newsbot wrote (issue 12)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_security import _cli

ASK_SEEDS = "when do K-5 students return to school"


@pytest.fixture
def small_disk(tmp_path):
    """A 20 MB tmpfs to fill up (unmounted afterwards); skipped where mounting is denied."""
    mount = tmp_path / "small"
    mount.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError as err:
        pytest.skip(f"no mount command to make a small disk ({err})")
    if done.returncode != 0:
        pytest.skip(f"mounting a 20 MB tmpfs is not permitted here ({done.stderr.strip()})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def _fill(folder: Path) -> Path:
    """Write a file into `folder` until its disk is full."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        for block in (1 << 16, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * block)
    return filler


def _generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name != "filler")


def test_disk_full_is_named_loses_nothing_and_ask_still_answers(small_disk, corpus):
    index = small_disk / "index"
    where = ["--corpus", str(corpus), "--index", str(index)]
    assert _cli("index", "build", *where).returncode == 0
    before = _generations(index)
    filler = _fill(small_disk)
    (corpus / "new.txt").write_text("The marmoset enclosure opened to visitors on Sunday.\n")

    added = _cli("index", "add", str(corpus / "new.txt"), *where)
    assert added.returncode == 1  # not 135 ("Bus error"), not a traceback
    assert f"newsbot: disk full while writing {index}" in added.stderr, added.stderr
    assert "the last good index is kept" in added.stderr
    assert "unexpected error" not in added.stderr and "Traceback" not in added.stderr
    built = _cli("index", "build", *where)
    assert built.returncode == 1 and "newsbot: disk full while writing" in built.stderr
    assert _generations(index) == before  # no partial generation left behind

    asked = _cli("ask", ASK_SEEDS, *where)  # the corpus changed and the index can't be
    assert asked.returncode == 0, asked.stderr  # updated: the last good index answers
    assert "Could not update the index: disk full while writing" in asked.stderr
    assert "Answering from the last good index" in asked.stderr
    assert "paragraph" in asked.stdout

    filler.unlink()  # space again: the next ask brings the index up to date
    asked = _cli("ask", "marmoset enclosure", *where)
    assert asked.returncode == 0 and "The marmoset enclosure opened" in asked.stdout
    assert len(_generations(index)) == len(before)  # the old generation was collected


def test_a_memory_mapped_array_on_a_full_disk_is_an_error_not_a_bus_error(small_disk):
    script = (
        "import sys, numpy as np\n"
        "from pathlib import Path\n"
        "from index.storage.writer import GenerationWriter\n"
        "w = GenerationWriter(Path(sys.argv[1]))\n"
        "a = w.open_array('post_w', np.float64, 5_000_000)  # 40 MB on a 20 MB disk\n"
        "a[:] = 1.0\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(small_disk / "index")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr  # a Python exception, not SIGBUS (-7)
    assert "No space left on device" in done.stderr


def test_a_file_size_limit_is_named_as_a_full_disk(corpus, tmp_path):
    import resource

    def limit() -> None:  # every file this process writes stops at 4 KB
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    index = tmp_path / "index"
    done = _cli("index", "build", "--corpus", str(corpus), "--index", str(index), preexec_fn=limit)
    assert done.returncode == 1
    assert f"newsbot: disk full while writing {index}" in done.stderr, done.stderr
    assert "(file too large)" in done.stderr
    assert [p.name for p in index.iterdir()] == ["LOCK"]  # nothing half-written is left


def test_permission_problems_are_named_not_bugs_and_not_corruption(corpus, tmp_path):
    from tests.test_robustness import run_newsbot

    index = tmp_path / "index"
    where = ["--corpus", str(corpus), "--index", str(index)]
    assert _cli("index", "build", *where).returncode == 0
    gen = next(index.glob("gen-*"))
    (corpus / "new.txt").write_text("The marmoset enclosure opened to visitors on Sunday.\n")
    index.chmod(0o555)  # no new generation can be written here
    try:
        asked = run_newsbot(["ask", ASK_SEEDS, *where], honour_permissions=True)
        assert asked.returncode == 0, asked.stderr
        assert f"Could not update the index: cannot write {index}" in asked.stderr
        assert "permission denied" in asked.stderr and "last good index" in asked.stderr
        assert "paragraph" in asked.stdout
        built = run_newsbot(["index", "build", *where], honour_permissions=True)
        assert built.returncode == 1
        assert f"newsbot: cannot write {index}" in built.stderr
        assert ": permission denied." in built.stderr and "unexpected" not in built.stderr
    finally:
        index.chmod(0o755)
    (gen / "idf.npy").chmod(0)
    try:
        checked = run_newsbot(["index", "verify", *where], honour_permissions=True)
    finally:
        (gen / "idf.npy").chmod(0o644)
    assert checked.returncode == 1
    assert checked.stderr == f"newsbot: cannot read {gen / 'idf.npy'}: permission denied.\n"


def test_cleanup_touches_only_what_newsbot_wrote(corpus, tmp_path):
    index = tmp_path / "shared"
    theirs = index / "gen-20200101T000000-abcdef"  # shaped like a generation, but not ours
    theirs.mkdir(parents=True)
    (theirs / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    (index / "gen-notes").mkdir()
    (index / "CURRENT.gen-20200101T000000-abcdef.tmp").write_text("my draft")
    (index / "CURRENT.backup.tmp").write_text("my backup")
    (index / "notes.txt").write_text("my notes")
    where = ["--corpus", str(corpus), "--index", str(index)]
    assert _cli("index", "build", *where).returncode == 0
    # a generation left by a writer that was killed (its marker names a dead process)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **_OUT)
    left = index / "gen-20200102T000000-123456"
    left.mkdir()
    (left / "NEWSBOT-GENERATION").write_text(
        f'{{"format": "newsbot-index", "pid": {int(dead.stdout)}}}'
    )
    (left / "post_w.npy").write_bytes(b"\0" * 1000)
    (corpus / "new.txt").write_text("The marmoset enclosure opened to visitors on Sunday.\n")
    assert _cli("index", "build", *where).returncode == 0
    assert (theirs / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert (index / "gen-notes").is_dir() and (index / "notes.txt").read_text() == "my notes"
    assert (index / "CURRENT.gen-20200101T000000-abcdef.tmp").read_text() == "my draft"
    assert (index / "CURRENT.backup.tmp").read_text() == "my backup"
    assert not left.exists()  # newsbot's own leftovers are collected
    ours = [p for p in index.glob("gen-2*") if (p / "NEWSBOT-GENERATION").exists()]
    assert len(ours) == 1


_OUT = {"capture_output": True, "text": True, "timeout": 60}
