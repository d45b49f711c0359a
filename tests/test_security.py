"""Hostile text, files and requests cost bounded work: the attacks of issue 12, repeated.

Each test states what a user sees: nothing leaked, nothing lost, a clear error, the last
good index still answering."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.slack import mrkdwn
from index.factcheck import check, figures
from index.ingest import corpus, html, paragraphs
from index.text import aliases, analysis, attribution, features
from tests.conftest import SEEDS, run_cli

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
    return run_cli(*args, env={"NEWSBOT_WORKERS": "1"}, timeout=300, **kwargs)


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
    deep, chain = str(corpus), []
    for _ in range(1500):  # (os.makedirs recurses, and fails at this depth)
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
        chain.append(deep)
    Path(deep, "deep.txt").write_text("The lighthouse keeper retired after forty years.\n")
    yield corpus
    # taken down from the bottom: shutil.rmtree recurses, and pytest's clean-up of old
    # temporary folders would hit Python's recursion limit on this tree (and fail the run)
    os.unlink(os.path.join(deep, "deep.txt"))
    for folder in reversed(chain):
        os.rmdir(folder)


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
