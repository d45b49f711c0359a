"""Hostile text, files and requests cost bounded work: the attacks of issue 12, repeated.

Each test states what a user sees: nothing leaked, nothing lost, a clear error, the last
good index still answering."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.slack import mrkdwn
from index.factcheck import check, figures
from index.ingest import corpus, html, paragraphs
from index.text import aliases, analysis, attribution, features
from tests.conftest import ROOT, SEEDS

N = 50_000
# runs of what a backtracking pattern stumbles on, and mixtures of them
ADVERSARIAL = {
    "dots": "." * N,
    "digits": "1" * N,
    "spaces": " " * N,
    "quotes": '"' * N,
    "apostrophes": "'" * N,
    "newlines": "\n" * N,
    "thousands": "1," * (N // 2),
    "decimals": "1." * (N // 2),
    "dot spaces": ". " * (N // 2),
    "initials": "A. " * (N // 3),
    "titles": "Dr. " * (N // 4),
    "brackets": "[" * N,
    "images": "![" * (N // 2),
    "links": "[a](" * (N // 4),
    "emphasis": " *a" * (N // 3),
    "stars": "*" * N,
    "underscores": "_" * N,
    "hyphens": "a-" * (N // 2),
    "angles": "<" * N,
    "word then spaces": "a" * (N // 2) + " " * (N // 2) + "b",
    "heading spaces": "# " + " " * N + "x",
    "front matter": "title: x" + " " * N + "y",
    "mixed": (". 1, \"A' -*_[(<" * (N // 15 + 1))[:N],
}

_ANALYZER = analysis.Analyzer()
PUBLIC_TEXT_FUNCTIONS: dict[str, Callable[[str], object]] = {
    "analysis.normalize": analysis.normalize,
    "analysis.fold": analysis.fold,
    "analysis.sentences": analysis.sentences,
    "analysis.grade_ranges": analysis.grade_ranges,
    "Analyzer.terms": _ANALYZER.terms,
    "Analyzer.tokens": _ANALYZER.tokens,
    "attribution.attribute": attribution.attribute,
    "features.passage_flags": lambda t: features.passage_flags(t, set()),
    "features.question_kind": features.question_kind,
    "aliases.learn": aliases.learn,
    "paragraphs.printable": paragraphs.printable,
    "paragraphs.split_paragraphs": paragraphs.split_paragraphs,
    "paragraphs.derive_title": lambda t: paragraphs.derive_title([t]),
    "html.extract": html.extract,
    "corpus.decode": lambda t: corpus.decode(t.encode()),
    "corpus.split_front_matter": corpus.split_front_matter,
    "corpus.clean_markdown": corpus.clean_markdown,
    "figures.extract": figures.extract,
    "check.check_figures": lambda t: check.check_figures(tuple(figures.extract("1 and 2")), t),
    "mrkdwn.clean_incoming": mrkdwn.clean_incoming,
    "mrkdwn.escape": mrkdwn.escape,
}
HANG_SECONDS = 60  # generous: a linear pass over all of these takes a few seconds


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung


@pytest.mark.parametrize("name", sorted(PUBLIC_TEXT_FUNCTIONS))
def test_no_text_function_hangs_on_adversarial_input(name):
    """Each public text function finishes on 50,000 characters of every adversarial shape
    (before issue 12, `sentences("." * 50000)` alone took about 50 s). The alarm only
    catches a hang; no time is asserted."""
    function = PUBLIC_TEXT_FUNCTIONS[name]
    previous = signal.signal(signal.SIGALRM, _alarm)
    shape = None
    try:
        signal.alarm(HANG_SECONDS)
        for shape in ADVERSARIAL:
            function(ADVERSARIAL[shape])
    except Hung:
        pytest.fail(f"{name} did not finish within {HANG_SECONDS} s on {shape!r} input")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_ask_and_factcheck_finish_on_adversarial_questions(seed_searcher):
    """The same shapes as questions and claims, through search, fact-checking and the
    Slack message builder."""
    from bot.slack.blocks import answer_message

    previous = signal.signal(signal.SIGALRM, _alarm)
    shape = None
    try:
        signal.alarm(HANG_SECONDS * 2)
        for shape in ADVERSARIAL:
            answer = seed_searcher.ask(ADVERSARIAL[shape])
            answer_message(answer, 1, shareable=True, heading=ADVERSARIAL[shape])
            check.factcheck(seed_searcher, ADVERSARIAL[shape])
    except Hung:
        pytest.fail(f"ask/factcheck did not finish within {HANG_SECONDS * 2} s on {shape!r}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_sentences_still_split_news_text():
    text = 'Dr. Jackson spoke Feb. 22 in the U.S. Capitol... "We return." Then J. Smith left!'
    got = [text[a:b] for a, b in analysis.sentences(text)]
    assert got == [
        "Dr. Jackson spoke Feb. 22 in the U.S. Capitol...",
        '"We return."',
        "Then J. Smith left!",
    ]


# ------------------------------------------------------------------ the corpus folder


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSBOT_WORKERS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kwargs,
    )


@pytest.fixture
def linked_corpus(tmp_path):
    """A corpus with links out of it (a secret file, a secret folder), a loop, a link
    inside it, a stray NUL in a text file, and an article 1,500 folders deep."""
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text("The zebracorn password is hunter2.\n")
    (outside / "folder" / "private.txt").write_text("The zebracorn memo stays private.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text((SEEDS / "000_9dd04cc3a62a7577.txt").read_text())
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "elsewhere").symlink_to(outside / "folder", target_is_directory=True)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "alias.txt").symlink_to(corpus / "good.txt")
    (corpus / "nul.txt").write_bytes(b"The aquarium\x00 reopened with a new octopus tank.\n")
    deep = str(corpus)
    for _ in range(1500):  # (os.makedirs recurses, and fails at this depth)
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
    Path(deep, "deep.txt").write_text("The lighthouse keeper retired after forty years.\n")
    return corpus


def test_links_out_of_the_corpus_are_skipped_and_named(linked_corpus, tmp_path):
    index = str(tmp_path / "index")
    built = _cli("index", "build", "--corpus", str(linked_corpus), "--index", index)
    assert built.returncode == 0, built.stderr
    outside = os.path.realpath(tmp_path / "outside")
    assert f"warning: secret.txt: a link to {outside}/secret.txt, outside the corpus" in (
        built.stderr
    )
    assert f"warning: elsewhere: a link to {outside}/folder, outside the corpus" in built.stderr
    assert "warning: loop: symlink loop; folder skipped" in built.stderr
    asked = _cli("ask", "zebracorn password memo", "--corpus", str(linked_corpus), "--index", index)
    assert asked.returncode == 0, asked.stderr
    assert "hunter2" not in asked.stdout and "private" not in asked.stdout  # nothing leaked
    listed = _cli("sources", "--corpus", str(linked_corpus), "--index", index)
    assert "secret" not in listed.stdout and "elsewhere" not in listed.stdout
    # the deep article and the one with a stray NUL are in; a link inside the corpus is too
    assert "d/d/d/" in listed.stdout and "nul  (" in listed.stdout and "alias" in listed.stdout
    deep = _cli("ask", "lighthouse keeper", "--corpus", str(linked_corpus), "--index", index)
    assert "The lighthouse keeper retired after forty years." in deep.stdout
    nul = _cli("ask", "octopus tank", "--corpus", str(linked_corpus), "--index", index)
    assert "The aquarium reopened with a new octopus tank." in nul.stdout


def test_links_out_of_the_corpus_can_be_allowed(linked_corpus):
    problems: list = []
    files = corpus.find_files(linked_corpus, problems, outside_links=True)
    names = {f.rel for f in files}
    assert {"secret.txt", "elsewhere/private.txt", "good.txt", "alias.txt"} <= names
    assert not any("outside the corpus" in str(p) for p in problems)


def test_a_stray_nul_is_text_but_a_binary_file_is_not():
    assert corpus.decode(b"Text with one\x00 NUL." + b" More text." * 500).startswith("Text with")
    with pytest.raises(ValueError, match="binary file"):
        corpus.decode(bytes(range(256)) * 64)
    with pytest.raises(ValueError, match="binary file"):
        corpus.decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(0).randbytes(4096))


# ------------------------------------------------------------------ a full disk, no permission

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
        "from index.storage.store import GenerationWriter\n"
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


# ------------------------------------------------------------------ one huge paragraph


def test_a_huge_paragraph_is_quoted_in_bounded_parts(tmp_path):
    """A single-line file of 2 MB (the attack used 200 MB): its passages are at most
    PASSAGE_CHARS long, each cited as its paragraph, and an answer prints a bounded amount."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    line = " ".join(
        f"At meeting {i} the council debated the parking meter contract again tonight."
        for i in range(2_000_000 // 80)
    )
    (corpus_dir / "huge.txt").write_text(line + "\n")
    (corpus_dir / "small.txt").write_text("The zoo welcomed a baby giraffe on Monday.\n")
    where = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "index")]
    asked = _cli("ask", "parking meter contract", "--top", "50", "--json", *where)
    assert asked.returncode == 0, asked.stderr
    hits = json.loads(asked.stdout)["answers"]
    assert len(hits) == 50
    for hit in hits:
        assert 0 < len(hit["text"]) <= paragraphs.PASSAGE_CHARS
        assert hit["text"].endswith("tonight.")  # cut at a sentence end
        assert (hit["paragraph"], hit["paragraphs"]) == (1, 1)
    printed = _cli("ask", "parking meter contract", "--top", "50", *where)
    assert printed.stdout.count("· paragraph 1 of") == 50
    assert len(printed.stdout) < 50 * (paragraphs.PASSAGE_CHARS * 11 // 10 + 500)  # wrapped


def test_bounded_keeps_every_word_in_order():
    text = " ".join(f"word{i}." if i % 7 == 0 else f"word{i}" for i in range(3000))
    parts = paragraphs.bounded(text, 500)
    assert all(len(p) <= 500 for p in parts) and " ".join(parts).split() == text.split()
    assert paragraphs.bounded("x" * 1200, 500) == ["x" * 500, "x" * 500, "x" * 200]
    assert paragraphs.bounded("short", 500) == ["short"]


# ------------------------------------------------------------------ what reaches a terminal


def test_file_names_and_ids_reach_the_terminal_as_text(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "good.txt").write_text((SEEDS / "000_9dd04cc3a62a7577.txt").read_text())
    (corpus_dir / "x\x1b[2J\nwarning: all good.txt").write_bytes(bytes(range(256)) * 8)
    (corpus_dir / "story\x07\x1b]0;owned\x07.txt").write_text("The ferry schedule changed.\n")
    feed = {"id": "f", "text": "The tunnel reopened.", "title": "Tunnel\r\x1b[2Kfake\nline"}
    (corpus_dir / "feed.jsonl").write_text(json.dumps(feed) + "\n")
    where = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "index")]
    built = _cli("index", "build", *where)
    assert built.returncode == 0, built.stderr
    assert "\x1b" not in built.stderr and "\x07" not in built.stderr
    assert "warning: x\\x1b[2J\\nwarning: all good.txt: binary file, not text; skipped" in (
        built.stderr.splitlines()
    )
    listed = _cli("sources", *where)
    for control in "\x1b\x07\r":
        assert control not in listed.stdout
    assert "story\\x07\\x1b]0;owned\\x07  (" in listed.stdout
    assert "    Tunnel [2Kfake line" in listed.stdout.splitlines()
    asked = _cli("ask", "tunnel reopened", *where)
    assert "\x1b" not in asked.stdout and "\r" not in asked.stdout
    assert "Tunnel [2Kfake line" in asked.stdout


# ------------------------------------------------------------------ logs


def test_a_short_secret_does_not_garble_the_logs_and_a_real_one_is_redacted():
    import io
    import logging

    from bot import logs

    stream = io.StringIO()
    handler = logs.configure("INFO", ["s", "3f1c9a7be2d84b06a9c5e1f0d2b7c3a8"], stream)
    try:
        log = logging.getLogger("slack_sdk.web.base_client")
        log.info("signature 3f1c9a7be2d84b06a9c5e1f0d2b7c3a8 checked for xoxb-1234-abcdefgh")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert "1 configured secret(s) shorter than 8 characters" in lines[0]
    assert lines[1].endswith(
        "slack_sdk.web.base_client: signature [redacted] checked for [redacted]"
    )


# ------------------------------------------------------------------ HTTP mode


def test_bad_bodies_get_4xx_and_log_no_traceback(http_bot, caplog):
    from tests.slack_fixtures import SECRET
    from tests.slack_standin import post, sign

    url = http_bot.client.url
    for kind, body in [
        ("application/json", "not json"),
        ("application/x-www-form-urlencoded", "payload=notjson"),
        ("application/json", "[1, 2]"),
    ]:
        assert post(url, body, {"Content-Type": kind})[:2] == (401, "invalid request signature")
        signed = {"Content-Type": kind, **sign(SECRET, body)}  # from someone with the secret
        assert post(url, body, signed)[:2] == (400, "malformed request body")
    assert (
        post(url, "{}", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=1"})[0]
        == 401
    )
    big = json.dumps({"type": "event_callback", "pad": "x" * (2 << 20)})
    status, text, _ = post(url, big, {"Content-Type": "application/json", **sign(SECRET, big)})
    assert (status, text) == (413, "request body too large")  # refused before it is parsed
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_a_replayed_command_is_answered_once(http_bot):
    from urllib.parse import urlencode

    from tests.slack_fixtures import SECRET
    from tests.slack_standin import command, post, sign

    body = urlencode(
        command("/ask", "when do K-5 students return?", http_bot.fake.response_url("r"))
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    statuses = [post(http_bot.client.url, body, headers)[0] for _ in range(3)]
    assert statuses == [200, 200, 200]  # a replay is acknowledged, not answered
    http_bot.fake.wait_for("respond")
    http_bot.fake.settle()
    assert len(http_bot.fake.of("respond")) == 1


def _healthy(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def _served(fake_slack, bot_settings, seed_searcher, **limits):
    import threading

    from bot.slack.app import build_app
    from bot.slack.feedback import State
    from bot.slack.server import http_server, run_http, wsgi_app

    state = State(bot_settings.state_path)
    app = build_app(bot_settings, seed_searcher, state)
    server = http_server(wsgi_app(app, seed_searcher), "127.0.0.1", 0, 4, **limits)
    stop = threading.Event()
    thread = threading.Thread(target=run_http, args=(server, stop), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(10)
        state.close()


def test_idle_connections_cannot_starve_health_checks_or_acks(
    fake_slack, bot_settings, seed_searcher
):
    import socket

    from tests.slack_fixtures import SECRET
    from tests.slack_standin import SignedClient, command

    with _served(fake_slack, bot_settings, seed_searcher) as base:
        idle = [
            socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) for _ in range(150)
        ]
        try:  # waitress's default limit was 100 connections: this was a denial of service
            assert _healthy(base)
            client = SignedClient(f"{base}/slack/events", SECRET)
            status, _, _ = client.command(
                command("/ask", "K-5 return", fake_slack.response_url("i"))
            )
            assert status == 200
        finally:
            for sock in idle:
                sock.close()
    # past the connection limit, idle connections are closed after the idle timeout
    with _served(
        fake_slack,
        bot_settings,
        seed_searcher,
        connection_limit=20,
        channel_timeout=1,
        cleanup_interval=1,
    ) as base:
        port = int(base.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
        try:
            deadline = time.monotonic() + 60
            while not _healthy(base):
                assert time.monotonic() < deadline, "idle connections were never closed"
        finally:
            for sock in idle:
                sock.close()


def test_sigterm_stops_the_server_while_a_request_is_stuck(fake_slack, tmp_path):
    from tests.slack_fixtures import SECRET, slack_env
    from tests.slack_standin import SignedClient, mention
    from tests.test_serve import Served

    fake_slack.plan("chat.postMessage", (200, {}, {"ok": True}, 120.0))  # Slack hangs
    env = {**slack_env(fake_slack, tmp_path), "NEWSBOT_SLACK_TIMEOUT": "300"}
    served = Served(["--http", "--port", "0", "--host", "127.0.0.1"], env)
    try:
        port = served.wait_line(r"listening on http://127\.0\.0\.1:(\d+)/slack/events").group(1)
        client = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        assert client.event(mention("when do K-5 students return?"))[0] == 200
        fake_slack.wait_for("chat.postMessage")  # the answer is now stuck in that call
        served.proc.send_signal(signal.SIGTERM)
        code = served.proc.wait(60)  # (the call would hold it for 120 s)
    finally:
        served.stop()
    assert code == 0
    assert "work still running after 5 s was abandoned" in "\n".join(served.lines)
