"""Answer quality, feature by feature: the dev set's numbers with everything on, then
with each re-ranking or analysis feature turned off alone, and plain BM25.

    .venv/bin/python benchmarks/quality.py [tests/data/dev_questions.jsonl]

Prints one row per configuration (hit@1, hit@3, MRR@10, no-answer correct) so the
README's table can be regenerated. Builds throwaway indexes in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from index.evaluate import evaluate, load_questions
from index.ingest.corpus import default_corpus
from index.retrieval.search import Searcher, Tuning
from index.storage import build, store
from index.storage.settings import IndexSettings
from index.text.analysis import Analyzer

OFF = Tuning()
CONFIGS = {
    "everything on": ({}, OFF),
    "no word forms (said=say...)": ({"wordforms": {}}, OFF),
    "no spelled-out grade ranges": ({"grade_phrases": False}, OFF),
    "no aliases": ({}, replace(OFF, alias_weight=0.0)),
    "no article context": ({}, replace(OFF, context_weight=0.0)),
    "no question-type bonus": ({}, replace(OFF, type_bonus=0.0)),
    "no near forms (typos)": ({}, replace(OFF, near_forms=False)),
    "no weak-word list": ({}, replace(OFF, weak_words=False)),
    "no focus rule": ({}, replace(OFF, focus_rule=False)),
    "plain BM25 (all off)": (
        {"wordforms": {}, "grade_phrases": False},
        Tuning(0.0, 0.0, 0.0, 0.0, False, False, False),
    ),
}


def main(path: str = "tests/data/dev_questions.jsonl") -> None:
    questions = load_questions(Path(path))
    print(f"{'configuration':32} {'hit@1':>7} {'hit@3':>7} {'MRR@10':>7} {'no-answer':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (analyzer_options, tuning) in CONFIGS.items():
            analyzer = Analyzer(**analyzer_options)
            settings = IndexSettings(corpus=default_corpus(), index_dir=Path(tmp) / name)
            build.build(settings, analyzer=analyzer)
            searcher = Searcher(store.load(settings.index_dir), analyzer=analyzer, tuning=tuning)
            r = evaluate(searcher, questions)
            print(
                f"{name:32} {r.hit1:>3}/{r.answerable:<3} {r.hit3:>3}/{r.answerable:<3} "
                f"{r.mrr:>7.3f} {r.no_answer_correct:>4}/{r.no_answer_total:<5}"
            )


if __name__ == "__main__":
    main(*sys.argv[1:])
