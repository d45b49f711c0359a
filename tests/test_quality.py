"""Answer quality can't silently regress: the dev set's numbers against their targets,
and each re-ranking feature shown at work."""

import json
from dataclasses import replace

import pytest

from index.archive import open_searcher
from index.evaluate import archive_searcher, evaluate, load_question_set, load_questions, offtopic
from index.retrieval.search import Searcher, Tuning
from index.storage.settings import IndexSettings
from index.text.aliases import learn
from index.text.features import DATE, NUMBER, PERSON, QUOTE, question_kind
from tests.conftest import DATA, SEEDS, run_cli

# the Rhine figures this code reaches, of 290 answerable questions (README "Answer
# quality"); the gate holds them. Issue 10's targets are refused <= 2, high >= 85%,
# hit@1 >= 0.88 (256), hit@3 >= 0.96 (279): the last two are not reached.
RHINE = {"refused": 1, "high": 268, "hit1": 245, "hit3": 275}


@pytest.fixture(scope="module")
def questions():
    return load_questions(DATA / "dev_questions.jsonl")


def test_targets_on_the_original_dev_set(seed_searcher, questions):
    original = [
        q
        for q in questions
        if q["id"] in {f"q{i:02d}" for i in range(1, 19)} | {"x01", "x02", "x03", "x04"}
    ]
    assert len(original) == 22
    report = evaluate(seed_searcher, original)
    assert report.answerable == 18
    assert report.hit1 >= 17, report.failures
    assert report.hit3 == 18, report.failures
    assert report.mrr >= 0.95
    assert report.no_answer_correct == report.no_answer_total == 2
    assert report.boilerplate_quoted == 0 and report.duplicate_top3 == 0


def test_no_regression_on_the_whole_dev_set(seed_searcher, questions):
    report = evaluate(seed_searcher, questions)
    assert report.answerable == 37
    assert report.hit1 >= 34, [f.id for f in report.failures]
    assert report.hit3 == report.answerable, [f.id for f in report.failures]
    assert report.mrr >= 0.95
    assert report.no_answer_correct == report.no_answer_total
    assert report.boilerplate_quoted == 0 and report.duplicate_top3 == 0


def test_eval_command_prints_numbers_and_failures():
    result = run_cli("eval", str(DATA / "dev_questions.jsonl"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {
        "hit1",
        "hit3",
        "mrr",
        "no_answer_correct",
        "boilerplate_quoted",
        "duplicate_top3",
        "failures",
    } <= set(report)
    assert all({"id", "question", "problem", "first"} <= set(f) for f in report["failures"])
    text = run_cli("eval", str(DATA / "dev_questions.jsonl")).stdout
    assert text.startswith("questions:    45 (37 answerable, 6 no-answer)\nhit@1:")


def test_bad_question_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "ok"}\n{oops\n')
    result = run_cli("eval", str(bad), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"newsbot: {bad}:2: not valid JSON."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When do K-5 students return?", DATE),
        ("How many members does the union have?", NUMBER),
        ("What percentage of requests were rejected?", NUMBER),
        ("Who assessed the buildings?", PERSON),
        ("What did Jackson say about safety?", QUOTE),
        ("Are staff locked out of email?", 0),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_acronyms_are_learned_from_the_articles():
    learned = {pair for path in sorted(SEEDS.iterdir()) for pair in learn(path.read_text())}
    assert {
        ("CTU", "Chicago Teachers Union"),
        ("CPS", "Chicago Public Schools"),
        ("PPE", "personal protective equipment"),
        ("CEO", "Chief Executive Officer"),
    } <= learned


def small_corpus(tmp_path, articles: dict[str, str]) -> Searcher:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, text in articles.items():
        (corpus / name).write_text(text)
    fillers = [
        "The council met on Tuesday about road repairs downtown.",
        "A storm closed two highways and delayed trains for hours.",
        "The museum opened a new wing for modern sculpture.",
        "Farmers reported a strong harvest of corn and soybeans.",
        "The library extended its weekend hours for students.",
    ]
    for i, text in enumerate(fillers):
        (corpus / f"filler{i}.txt").write_text(text + "\n")
    return open_searcher(IndexSettings(corpus=corpus, index_dir=tmp_path / "i"))


def test_alias_finds_the_spelled_out_form(tmp_path):
    searcher = small_corpus(
        tmp_path,
        {"a.txt": "Officials said personal protective equipment arrived at every hospital.\n"},
    )
    answer = searcher.ask("When did the PPE arrive?")
    assert not answer.no_answer
    assert "personal protective equipment" in answer.hits[0].passage.text


def test_near_form_answers_a_typo_and_missing_words_are_named(tmp_path):
    searcher = small_corpus(
        tmp_path, {"a.txt": "The superintendent announced that vaccinations begin in March.\n"}
    )
    assert searcher.ask("when do vacinations begin?").hits[0].passage.article_id == "a"
    miss = searcher.ask("what is the price of pizza downtown?")
    assert miss.no_answer and "pizza" in miss.missing


def test_newer_article_first_when_equally_good(tmp_path):
    text = "The district said buses will run on the winter schedule.\n"
    searcher = small_corpus(
        tmp_path,
        {
            "old.txt": f"published: 2021-01-04\n---\n{text}",
            "new.txt": f"published: 2021-02-07\n---\n{text.replace('district', 'agency')}",
        },
    )
    hits = searcher.ask("winter bus schedule", top=2).hits
    assert [h.article.published for h in hits] == ["2021-02-07", "2021-01-04"]


def test_a_quote_keeps_its_speaker_from_the_paragraph_before(seed_searcher):
    answer = seed_searcher.ask("What did Alyssa Rodriguez say about vaccination sites?")
    assert answer.hits[0].passage.text.startswith("“People are staying up until midnight.")
    assert answer.hits[0].passage.text.endswith("she said.")


def test_paragraph_inherits_its_articles_subject(seed_searcher):
    answer = seed_searcher.ask("What did the union vote on?", top=3)
    texts = [h.passage.text for h in answer.hits]
    assert any("have voted to defy an order" in t for t in texts)


def newsbot(*args, **kwargs):
    return run_cli(*args, **kwargs)


def test_a_weak_answer_says_so_in_json_and_in_the_terminal():
    question = "What are teachers complaining about in school buildings?"
    answer = json.loads(newsbot("ask", question, "--json").stdout)
    assert answer["no_answer"] is False and answer["confidence"] == "low"
    assert answer["missing"] == ["complaining"] and answer["answers"]
    text = newsbot("ask", question).stdout
    assert text.startswith(
        "Low confidence: these passages hold only part of the question.\nMissing: complaining\n"
    )
    pizza = json.loads(newsbot("ask", "What is the best pizza in Chicago?", "--json").stdout)
    assert pizza["no_answer"] is True and pizza["confidence"] is None
    assert pizza["missing"] == ["pizza"] and pizza["answers"] == []


def test_a_strong_answer_is_high_confidence_in_json():
    answer = json.loads(newsbot("ask", "When do K-5 students return?", "--json").stdout)
    assert answer["confidence"] == "high" and answer["missing"] == []


SMALL_SQUAD = {
    "version": "v2.0",
    "data": [
        {
            "title": "Lighthouses",
            "paragraphs": [
                {
                    "context": "The Fastnet lighthouse stands on a rock off the Irish coast. "
                    "It was first lit in 1854.",
                    "qas": [
                        {"id": "a1", "question": "When was the Fastnet lighthouse first lit?"},
                        {"id": "a2", "question": "Fastnet rock lighthouse", "is_impossible": False},
                        {
                            "id": "u1",
                            "question": "When was Fastnet painted?",
                            "is_impossible": True,
                        },
                    ],
                },
                {
                    "context": "Keepers lived in the tower for weeks and were relieved by boat "
                    "when the sea allowed.",
                    "qas": [{"id": "a3", "question": "How were the keepers relieved?"}],
                },
            ],
        },
        {
            "title": "Glaciers",
            "paragraphs": [
                {
                    "context": "A glacier moves downhill under its own weight, carving valleys "
                    "in the granite.",
                    "qas": [{"id": "a4", "question": "What does a glacier carve?"}],
                }
            ]
            + [
                {"context": f"Filler paragraph {n} about moraines and ice sheets.", "qas": []}
                for n in ("one", "two", "three")
            ],
        },
    ],
}


def test_eval_reads_squad_as_its_own_archive(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL_SQUAD))
    report = json.loads(newsbot("eval", str(path), "--json", "--offtopic", str(SEEDS)).stdout)
    assert report["answerable"] == 4 and report["hit1"] == 4 and report["hit3"] == 4
    assert report["mrr"] == 1.0 and report["answerable_refused"] == 0
    assert report["unanswerable_total"] == 1
    off = report["offtopic"]
    assert off["questions"] == 5 and off["archive"] == str(SEEDS)
    # "relieved" has a near form in the seeds ("relief"): a guess, so at most low
    assert off["refused"] >= 4 and off["refused"] + off["low"] == 5
    text = newsbot("eval", str(path)).stdout
    assert text.startswith("questions:    5 (4 answerable, 0 no-answer)\nhit@1:        4/4")
    assert "refused:      0 of the answerable" in text


def test_a_file_that_is_not_squad_is_one_clear_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"version": "v2.0", "data": [{"title": "x"}]}))
    result = newsbot("eval", str(path))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"newsbot: {path}: article 1 is not in SQuAD's shape "
        '(title, paragraphs with "context" and "qas").'
    )


@pytest.fixture(scope="module")
def rhine(tmp_path_factory):
    questions = load_question_set(DATA / "squad-v2-dev-rhine.json")
    searcher = archive_searcher(questions, tmp_path_factory.mktemp("rhine"))
    return questions, searcher


def test_rhine_quality_gate(rhine):
    questions, searcher = rhine
    report = evaluate(searcher, questions.questions)
    assert report.answerable == 290 and report.unanswerable_total == 208
    assert report.answerable_refused <= RHINE["refused"]
    assert report.answerable_high >= RHINE["high"]
    assert report.hit1 >= RHINE["hit1"], report.hit1
    assert report.hit3 >= RHINE["hit3"], report.hit3


def test_offtopic_questions_are_refused_or_low(rhine, seed_searcher, questions):
    rhine_questions, rhine_searcher = rhine
    for report in (
        offtopic(seed_searcher, rhine_questions.questions, "seeds"),
        offtopic(rhine_searcher, questions, "rhine"),
    ):
        assert report.refused >= 0.5 * report.questions, report
        assert report.refused + report.low >= 0.9 * report.questions, report


def test_question_words_in_the_questions_order_come_first(tmp_path):
    articles = {
        "a.txt": "The port reopened by the river, they said.\n",
        "b.txt": "The river port would reopen, they said.\n",
    }
    searcher = small_corpus(tmp_path, articles)
    hits = searcher.ask("When will the river port reopen?", top=2).hits
    assert [h.passage.article_id for h in hits] == ["b", "a"]
    # the same words, in another order: without the term-order signal they tie
    plain = Searcher(searcher.index, tuning=replace(Tuning(), order=0.0))
    tied = plain.ask("When will the river port reopen?", top=2).hits
    assert tied[0].score == tied[1].score
