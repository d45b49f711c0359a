"""`newsbot eval`: how often the right passage comes first, on a question set.

Two formats:

- JSON Lines, one question per line, asked of the configured archive:
    {"id": "q01", "question": "...", "gold": ["snippet", ...]}       answerable
    {"id": "x02", "question": "...", "no_answer": true}               nothing should be quoted
    {"id": "x04", "question": "...", "boilerplate": ["snippet", ...]} no answer may quote these
  A passage is right when its text contains a gold snippet, compared after folding
  quotes, dashes, case and whitespace (`index.text.analysis.fold`).
- SQuAD JSON (v1.1 or v2.0): the file is its own archive. Each title becomes one
  article, its paragraphs in order, separated by blank lines; a temporary index is
  built from them. An answerable question is right when the passage is the paragraph
  it was written from. SQuAD 2.0's unanswerable questions are counted, not scored.

With an off-topic archive, every question of the file is also asked of an archive
that can't answer it, and the report says how many were refused (or answered with low
confidence) there.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.errors import CorpusError
from index.retrieval.search import Searcher, Tuning
from index.text.analysis import Analyzer, fold

DEPTH = 10  # MRR@10


@dataclass
class Failure:
    id: str
    question: str
    problem: str
    first: str | None  # what came first, if anything


@dataclass
class OfftopicReport:
    """The file's questions asked of an archive that doesn't hold their answers."""

    archive: str
    questions: int = 0
    refused: int = 0  # no_answer
    low: int = 0  # answered, with low confidence


@dataclass
class EvalReport:
    answerable: int = 0
    hit1: int = 0
    hit3: int = 0
    mrr: float = 0.0
    answerable_refused: int = 0  # answerable questions that got no_answer
    answerable_high: int = 0  # answerable questions answered with high confidence
    no_answer_total: int = 0
    no_answer_correct: int = 0
    boilerplate_quoted: int = 0
    duplicate_top3: int = 0
    unanswerable_total: int = 0  # SQuAD 2.0 "is_impossible": reported, not scored
    unanswerable_refused: int = 0
    offtopic: OfftopicReport | None = None
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self, questions: int) -> str:
        """The report as `newsbot eval` prints it, failures aside."""
        n = self.answerable
        lines = [
            f"questions:    {questions} ({n} answerable, {self.no_answer_total} no-answer)",
            f"hit@1:        {self.hit1}/{n}" + (f" ({self.hit1 / n:.3f})" if n else ""),
            f"hit@3:        {self.hit3}/{n}" + (f" ({self.hit3 / n:.3f})" if n else ""),
            f"MRR@10:       {self.mrr:.3f}",
            f"refused:      {self.answerable_refused} of the answerable",
            f"confidence:   high on {_share(self.answerable_high, n)} of the answerable",
            f"no_answer:    {self.no_answer_correct}/{self.no_answer_total} correct",
            f"boilerplate:  {self.boilerplate_quoted} quoted",
            f"duplicates:   {self.duplicate_top3} top-3 lists with the same text twice",
        ]
        if self.unanswerable_total:
            lines.append(
                f"unanswerable: {self.unanswerable_total} (SQuAD 2.0, not scored): "
                f"{self.unanswerable_refused} refused"
            )
        if (off := self.offtopic) is not None:
            refused = _share(off.refused, off.questions)
            either = _share(off.refused + off.low, off.questions)
            lines.append(
                f"off-topic:    asked of {off.archive}: refused {refused}, refused or low {either}"
            )
        return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else f"{part}/0"


@dataclass(frozen=True)
class QuestionSet:
    questions: list[dict]
    # SQuAD: (title, paragraphs) per article, the archive the questions are asked of
    articles: tuple[tuple[str, tuple[str, ...]], ...] | None = None


def load_question_set(path: Path) -> QuestionSet:
    """A JSON Lines question set, or a SQuAD file with its own archive."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CorpusError(f"Can't read the question set {path} ({err}).") from err
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and "data" in whole:
        return _squad(whole, path)
    return QuestionSet(_jsonl(text, path))


def load_questions(path: Path) -> list[dict]:
    return load_question_set(path).questions


def _jsonl(text: str, path: Path) -> list[dict]:
    questions = []
    for number, line in enumerate(text.splitlines(), 1):
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


def _squad(whole: dict, path: Path) -> QuestionSet:
    """SQuAD's {"data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]}."""
    articles, questions = [], []
    data = whole["data"]
    if not isinstance(data, list):
        raise CorpusError(f'{path}: not a SQuAD file ("data" must be a list of articles).')
    for a, article in enumerate(data, 1):
        try:
            title = " ".join(str(article["title"]).split()) or f"Article {a}"
            paragraphs = []
            for p in article["paragraphs"]:
                context = " ".join(str(p["context"]).split())
                paragraphs.append(context)
                for qa in p["qas"]:
                    item = {"id": str(qa["id"]), "question": str(qa["question"])}
                    if qa.get("is_impossible"):
                        item["unanswerable"] = True
                    elif context:
                        item["gold_passage"] = context
                    questions.append(item)
        except (KeyError, TypeError):
            raise CorpusError(
                f"{path}: article {a} is not in SQuAD's shape "
                '(title, paragraphs with "context" and "qas").'
            ) from None
        articles.append((title, tuple(paragraphs)))
    return QuestionSet(questions, tuple(articles))


def write_squad_corpus(articles: tuple[tuple[str, tuple[str, ...]], ...], folder: Path) -> Path:
    """The articles as a corpus the reader takes: one .txt per title, front matter,
    paragraphs separated by blank lines."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, (title, paragraphs) in enumerate(articles, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "article"
        body = "\n\n".join(p for p in paragraphs if p)
        text = f"title: {title}\nsource: Wikipedia\n---\n{body}\n"
        (folder / f"{number:04d}-{slug}.txt").write_text(text, "utf-8")
    return folder


def archive_searcher(
    source: Path | QuestionSet,
    workdir: Path,
    analyzer: Analyzer | None = None,
    tuning: Tuning | None = None,
) -> Searcher:
    """A searcher over a temporary index in `workdir`: of a corpus folder, a SQuAD
    file, or a SQuAD question set's own articles."""
    from index.storage import build, store
    from index.storage.settings import IndexSettings

    if isinstance(source, Path) and source.is_file():
        source = load_question_set(source)
    if isinstance(source, QuestionSet):
        if source.articles is None:
            raise CorpusError("A JSON Lines question set holds no archive to search.")
        source = write_squad_corpus(source.articles, workdir / "corpus")
    if not source.is_dir():
        raise CorpusError(f"No corpus folder or SQuAD file at {source}.")
    settings = IndexSettings(corpus=source, index_dir=workdir / "index")
    build.build(settings, analyzer=analyzer)
    return Searcher(store.load(settings.index_dir), analyzer=analyzer, tuning=tuning)


def evaluate(searcher: Searcher, questions: list[dict]) -> EvalReport:
    report = EvalReport()
    for item in questions:
        _score(searcher, item, report)
    if report.answerable:
        report.mrr = round(report.mrr / report.answerable, 4)
    return report


def _score(searcher: Searcher, item: dict, report: EvalReport) -> None:
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
            report.failures.append(Failure(qid, question, f"quoted boilerplate {snippet!r}", first))
    if item.get("no_answer"):
        report.no_answer_total += 1
        if answer.no_answer:
            report.no_answer_correct += 1
        else:
            report.failures.append(Failure(qid, question, "should be no_answer", first))
    if item.get("unanswerable"):
        report.unanswerable_total += 1
        report.unanswerable_refused += answer.no_answer
    if "gold_passage" in item:
        gold = fold(item["gold_passage"])
        rank = next((i for i, f in enumerate(folded, 1) if f == gold), None)
    elif item.get("gold"):
        gold_snippets = [fold(g) for g in item["gold"]]
        rank = next(
            (i for i, f in enumerate(folded, 1) if any(g in f for g in gold_snippets)), None
        )
    else:
        return
    report.answerable += 1
    report.answerable_refused += answer.no_answer
    report.answerable_high += answer.confidence == "high"
    report.hit1 += rank == 1
    report.hit3 += rank is not None and rank <= 3
    report.mrr += 1 / rank if rank else 0.0
    if rank != 1:
        where = (
            "no_answer"
            if answer.no_answer
            else (f"right passage at rank {rank}" if rank else "right passage not in the top 10")
        )
        report.failures.append(Failure(qid, question, where, first))


def offtopic(searcher: Searcher, questions: list[dict], archive: str) -> OfftopicReport:
    """Every question asked of an archive that doesn't hold its answer."""
    report = OfftopicReport(archive)
    for item in questions:
        answer = searcher.ask(item["question"])
        report.questions += 1
        report.refused += answer.no_answer
        report.low += not answer.no_answer and answer.confidence != "high"
    return report
