"""Hostile text, files and requests cost bounded work: the attacks of issue 12, repeated.

Each test states what a user sees: nothing leaked, nothing lost, a clear error, the last
good index still answering."""

from __future__ import annotations

import signal
from collections.abc import Callable

import pytest

from bot.slack import mrkdwn
from index.factcheck import check, figures
from index.ingest import corpus, html, paragraphs
from index.text import aliases, analysis, attribution, features

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


def test_sentences_still_split_news_text():
    text = 'Dr. Jackson spoke Feb. 22 in the U.S. Capitol... "We return." Then J. Smith left!'
    got = [text[a:b] for a, b in analysis.sentences(text)]
    assert got == [
        "Dr. Jackson spoke Feb. 22 in the U.S. Capitol...",
        '"We return."',
        "Then J. Smith left!",
    ]
