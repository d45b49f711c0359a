"""Answer quality, feature by feature, on the seed dev set and SQuAD's Rhine article:
everything on, then each re-ranking, analysis or no-answer feature turned off alone
(or on alone, for one not in the defaults), and plain BM25.

    .venv/bin/python benchmarks/quality.py            # the README's table
    .venv/bin/python benchmarks/quality.py --only "everything on"

Columns: seed hit@1 on the original 18 and on all 37 answerable, seed hit@3 (37),
seed no-answer right (6); Rhine hit@1, hit@3, MRR@10, answerable refused, answerable
with high confidence (290); off-topic refused / refused-or-low: Rhine questions asked
of the seeds (498), seed questions asked of the Rhine archive (45). Builds throwaway
indexes in a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from index.evaluate import archive_searcher, evaluate, load_question_set, offtopic
from index.retrieval.search import Tuning
from index.text.analysis import Analyzer

ROOT = Path(__file__).resolve().parent.parent
ON = Tuning()
PLAIN = Tuning(0.0, 0.0, 0.0, 0.0, False, False, False, False, False, 0.0, 0.0)
CONFIGS = {
    "everything on": ({}, ON),
    "no word forms (said=say...)": ({"wordforms": {}}, ON),
    "no spelled-out grade ranges": ({"grade_phrases": False}, ON),
    "no aliases": ({}, replace(ON, alias_weight=0.0)),
    "no article context": ({}, replace(ON, context_weight=0.0)),
    "question-type bonus on (x1.2)": ({}, replace(ON, type_bonus=0.2)),
    "no near forms (typos)": ({}, replace(ON, near_forms=False)),
    "no weak-word list": ({}, replace(ON, weak_words=False)),
    "no focus rule": ({}, replace(ON, focus_rule=False)),
    "no names rule": ({}, replace(ON, names_rule=False)),
    "common-words floor on": ({}, replace(ON, common_floor=True)),
    "no term order (pairs)": ({}, replace(ON, order=0.0)),
    "proximity window on (0.2)": ({}, replace(ON, proximity=0.2)),
    "window instead of pairs": ({}, replace(ON, proximity=0.2, order=0.0)),
    "plain BM25 (all off)": ({"wordforms": {}, "grade_phrases": False}, PLAIN),
}
ORIGINAL = {f"q{i:02d}" for i in range(1, 19)}


def row(name: str, analyzer_options: dict, tuning: Tuning, tmp: Path, sets) -> str:
    seed_q, rhine_q = sets
    analyzer = Analyzer(**analyzer_options)
    seeds = archive_searcher(ROOT / "seeds", tmp / name / "seeds", analyzer, tuning)
    rhine = archive_searcher(rhine_q, tmp / name / "rhine", analyzer, tuning)
    s = evaluate(seeds, seed_q.questions)
    s18 = evaluate(seeds, [q for q in seed_q.questions if q["id"] in ORIGINAL])
    r = evaluate(rhine, rhine_q.questions)
    a = offtopic(seeds, rhine_q.questions, "seeds")
    b = offtopic(rhine, seed_q.questions, "rhine")
    n = r.answerable
    return (
        f"| {name} | {s18.hit1}/18 | {s.hit1}/{s.answerable} | {s.hit3}/{s.answerable} "
        f"| {s.no_answer_correct}/{s.no_answer_total} "
        f"| {r.hit1 / n:.3f} | {r.hit3 / n:.3f} | {r.mrr:.3f} | {r.answerable_refused} "
        f"| {100 * r.answerable_high / n:.1f}% "
        f"| {100 * a.refused / a.questions:.0f}% / {100 * (a.refused + a.low) / a.questions:.0f}% "
        f"| {100 * b.refused / b.questions:.0f}% / {100 * (b.refused + b.low) / b.questions:.0f}% |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run just this configuration")
    args = parser.parse_args()
    sets = (
        load_question_set(ROOT / "tests/data/dev_questions.jsonl"),
        load_question_set(ROOT / "tests/data/squad-v2-dev-rhine.json"),
    )
    print(
        "| configuration | seed hit@1 (18) | seed hit@1 | seed hit@3 | seed no-answer "
        "| Rhine hit@1 | Rhine hit@3 | Rhine MRR@10 | Rhine refused | Rhine high "
        "| Rhine→seeds refused / or low | seeds→Rhine refused / or low |"
    )
    print("| --- " * 12 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (options, tuning) in CONFIGS.items():
            if args.only and name not in args.only:
                continue
            print(row(name, options, tuning, Path(tmp), sets), flush=True)


if __name__ == "__main__":
    main()
