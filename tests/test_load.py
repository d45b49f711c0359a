"""The load test (not part of the default run): 20 concurrent clients send 2,000 signed
/ask commands to HTTP mode over a 100,000-paragraph corpus.

    .venv/bin/python -m pytest -m load -s tests/test_load.py

Every request must be acknowledged within 3 seconds and every question answered exactly
once (one response_url post each). The figures are printed and written to
benchmarks/out/load.json; the README quotes them.
"""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from bot.slack.feedback import State
from index.retrieval.search import Searcher
from index.storage import build, store
from index.storage.settings import IndexSettings
from tests.conftest import ROOT
from tests.slack_fixtures import HttpBot
from tests.slack_standin import command

pytestmark = pytest.mark.load
CLIENTS = 20
QUESTIONS = 2000
OUT = ROOT / "benchmarks" / "out"


def corpus_100k() -> Path:
    corpus = OUT / "corpus-100k"
    if not (corpus / "manifest.json").exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                str(corpus),
                "--paragraphs",
                "100k",
            ],
            check=True,
        )
    return corpus


def questions() -> list[str]:
    path = OUT / "questions.json"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--questions", str(path)],
            check=True,
        )
    return [q["question"] for q in json.loads(path.read_text())]


def test_2000_questions_from_20_clients(fake_slack, bot_settings, tmp_path):
    settings = IndexSettings(corpus=corpus_100k(), index_dir=tmp_path / "index")
    started = time.monotonic()
    build.build(settings)
    built = time.monotonic() - started
    searcher = Searcher(store.load(settings.index_dir), "auto")
    state = State(bot_settings.state_path)
    bot = HttpBot(fake_slack, bot_settings, searcher, state, threads=16)
    asked = questions()
    acks: list[tuple[float, bool]] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        for i in range(c, QUESTIONS, CLIENTS):
            payload = command("/ask", asked[i % len(asked)], fake_slack.response_url(f"q{i}"))
            delivery = bot.command(payload)
            with lock:
                acks.append((delivery.seconds, delivery.ok))

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = time.monotonic() - start
    responds = fake_slack.wait_for("respond", QUESTIONS, timeout=300)
    answered = time.monotonic() - start
    fake_slack.settle(1.0)
    bot.close()
    state.close()
    per_question = {}
    for call in fake_slack.of("respond"):
        name = call.path.rsplit("/", 1)[1]
        per_question[name] = per_question.get(name, 0) + 1
    seconds = np.array([a for a, _ in acks])
    figures = {
        "paragraphs": searcher.index.n_passages,
        "engine": searcher.engine.name,
        "index_build_s": round(built, 1),
        "clients": CLIENTS,
        "questions": QUESTIONS,
        "acknowledged_ok": sum(ok for _, ok in acks),
        "ack_p50_ms": round(float(np.percentile(seconds, 50)) * 1000, 1),
        "ack_p95_ms": round(float(np.percentile(seconds, 95)) * 1000, 1),
        "ack_max_ms": round(float(seconds.max()) * 1000, 1),
        "answered": len(per_question),
        "answered_twice": sum(n > 1 for n in per_question.values()),
        "all_sent_s": round(sent, 1),
        "all_answered_s": round(answered, 1),
        "questions_per_s": round(QUESTIONS / answered, 1),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(figures, indent=1))
    print("\n" + json.dumps(figures, indent=1))
    assert len(responds) >= QUESTIONS
    assert figures["acknowledged_ok"] == QUESTIONS
    assert figures["ack_max_ms"] <= 3000
    assert figures["answered"] == QUESTIONS and figures["answered_twice"] == 0
