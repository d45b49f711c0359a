"""`newsbot eval`: how often the right passage comes first, on a question set.

File format, JSON Lines, one question per line:
  {"id": "q01", "question": "...", "gold": ["snippet", ...]}       answerable
  {"id": "x02", "question": "...", "no_answer": true}               nothing should be quoted
  {"id": "x04", "question": "...", "boilerplate": ["snippet", ...]} no answer may quote these

A passage is right when its text contains a gold snippet, compared after folding
quotes, dashes, case and whitespace (`index.text.analysis.fold`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.errors import CorpusError
from index.retrieval.search import Searcher
from index.text.analysis import fold

DEPTH = 10  # MRR@10


@dataclass
class Failure:
    id: str
    question: str
    problem: str
    first: str | None  # what came first, if anything


@dataclass
class EvalReport:
    answerable: int = 0
    hit1: int = 0
    hit3: int = 0
    mrr: float = 0.0
    no_answer_total: int = 0
    no_answer_correct: int = 0
    boilerplate_quoted: int = 0
    duplicate_top3: int = 0
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def load_questions(path: Path) -> list[dict]:
    questions = []
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise CorpusError(f"Can't read the question set {path} ({err}).") from err
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise CorpusError(f"{path}:{number}: not valid JSON.") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise CorpusError(f'{path}:{number}: needs a "question" string.')
        item.setdefault("id", f"line{number}")
        questions.append(item)
    return questions


def evaluate(searcher: Searcher, questions: list[dict]) -> EvalReport:
    report = EvalReport()
    for item in questions:
        qid, question = str(item["id"]), item["question"]
        answer = searcher.ask(question, top=DEPTH)
        texts = [hit.passage.text for hit in answer.hits]
        folded = [fold(t) for t in texts]
        first = texts[0] if texts else None
        if len(set(folded[:3])) < len(folded[:3]):
            report.duplicate_top3 += 1
            report.failures.append(Failure(qid, question, "same text twice in the top 3", first))
        for snippet in item.get("boilerplate", []):
            if any(fold(snippet) in f for f in folded):
                report.boilerplate_quoted += 1
                report.failures.append(
                    Failure(qid, question, f"quoted boilerplate {snippet!r}", first)
                )
        if item.get("no_answer"):
            report.no_answer_total += 1
            if answer.no_answer:
                report.no_answer_correct += 1
            else:
                report.failures.append(Failure(qid, question, "should be no_answer", first))
        gold = [fold(g) for g in item.get("gold", [])]
        if not gold:
            continue
        report.answerable += 1
        rank = next((i for i, f in enumerate(folded, 1) if any(g in f for g in gold)), None)
        if rank == 1:
            report.hit1 += 1
        if rank is not None and rank <= 3:
            report.hit3 += 1
        if rank is not None:
            report.mrr += 1 / rank
        if rank != 1:
            where = (
                "no_answer"
                if answer.no_answer
                else (
                    f"right passage at rank {rank}" if rank else "right passage not in the top 10"
                )
            )
            report.failures.append(Failure(qid, question, where, first))
    if report.answerable:
        report.mrr = round(report.mrr / report.answerable, 4)
    return report
