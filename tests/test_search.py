"""Asking the seeds: the right passage first, cited; never boilerplate; no noise."""

import json

import pytest

from index.text.analysis import fold
from tests.conftest import DATA

BOILERPLATE = ["READ MORE", "MORE NEWS", "Also From CBS Chicago", "CBS 2 Chicago Staff"]


def test_k5_question_quotes_the_march_1_passage_first(seed_searcher):
    answer = seed_searcher.ask("when do K-5 students return?")
    assert not answer.no_answer
    first = answer.hits[0]
    assert (
        "those students will return March 1" in first.passage.text
        or "K-5 students return 3/1" in first.passage.text
    )
    assert first.article.id == "002_25dad21185c46e56"
    assert first.article.title.startswith("Chicago Public Schools students will soon return")
    assert first.passage.number in (4, 5) and first.article.paragraphs == 20


def test_hits_carry_highlights_of_matched_words(seed_searcher):
    hit = seed_searcher.ask("when do K-5 students return?").hits[0]
    words = {hit.passage.text[s:e] for s, e in hit.highlights}
    assert "K-5" in words or "Kindergarten" in words
    assert {"return"} <= {w.lower() for w in words}


def all_questions():
    questions = [
        json.loads(line)["question"]
        for line in (DATA / "dev_questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    return questions + [
        "read more",
        "more news",
        "Also from CBS Chicago",
        "CBS 2 Chicago Staff",
        "staff",
        "weekend violence shot killed",
        "counterfeit N95 masks O'Hare",
        "Queen Redd missing",
        "Chicago weather",
        "expressway shooting 119th street",
        "Brazil variant",
    ]


@pytest.mark.parametrize("question", all_questions())
def test_never_boilerplate_never_the_same_text_twice(seed_searcher, question):
    answer = seed_searcher.ask(question, top=10)
    texts = [fold(h.passage.text) for h in answer.hits]
    assert len(texts) == len(set(texts))
    for hit in answer.hits:
        assert not any(b.lower() in hit.passage.text.lower() for b in BOILERPLATE)


@pytest.mark.parametrize(
    "question",
    [
        "What is the best pizza in Chicago?",
        "Who is the mayor of New York?",
        "The best pizza in Chicago costs $40",
        "",
        "   ",
        "the of and is",
    ],
)
def test_no_answer_instead_of_noise(seed_searcher, question):
    answer = seed_searcher.ask(question)
    assert answer.no_answer and answer.hits == ()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("strike", "strike"),
        ("CTU", "CTU|Chicago Teachers Union"),
        ("vaccine", "vaccin"),
        ("reopening", "reopen"),
    ],
)
def test_a_topic_is_answered_with_passages_about_it(seed_searcher, question, expected):
    answer = seed_searcher.ask(question)
    assert not answer.no_answer and answer.confidence == "high" and answer.missing == ()
    for hit in answer.hits:
        assert any(e.lower() in hit.passage.text.lower() for e in expected.split("|"))


def test_a_question_partly_in_the_archive_is_answered_with_low_confidence(seed_searcher):
    answer = seed_searcher.ask("What are teachers complaining about in school buildings?")
    assert not answer.no_answer and answer.confidence == "low"
    assert answer.missing == ("complaining",)
    assert "school buildings aren’t being sufficiently cleaned" in answer.hits[0].passage.text
    vague = seed_searcher.ask("What happened in Chicago?")
    assert not vague.no_answer and vague.confidence == "low" and vague.missing == ("happened",)


def test_best_pizza_quotes_nothing_and_names_what_is_missing(seed_searcher):
    answer = seed_searcher.ask("What is the best pizza in Chicago?")
    assert answer.no_answer and answer.hits == () and answer.confidence is None
    assert answer.missing == ("pizza",)


def test_top_and_offset_page_through_distinct_passages(seed_searcher):
    first = seed_searcher.ask("teachers return to classrooms", top=3)
    second = seed_searcher.ask("teachers return to classrooms", top=3, offset=3)
    assert first.more
    assert [h.rank for h in second.hits] == [4, 5, 6]
    ids = [h.passage_id for h in first.hits + second.hits]
    assert len(ids) == len(set(ids)) == 6


def test_scores_descend(seed_searcher):
    scores = [h.score for h in seed_searcher.ask("union strike vote", top=10).hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
