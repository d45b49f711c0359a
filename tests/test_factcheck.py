"""Fact-check: a claim's figures set against the seeds' passages, and who said it."""

import json
import os
import subprocess
import sys

import pytest

from index.factcheck.check import check_figures, factcheck
from index.factcheck.figures import extract
from tests.conftest import DATA, ROOT, run_cli


def checks(fact, rank=None):
    passages = fact.passages if rank is None else [fact.passages[rank - 1]]
    return [
        [
            (c.claim_figure.text, c.status, c.passage_figure.text if c.passage_figure else None)
            for c in p.checks
        ]
        for p in passages
    ]


def test_membership_conflict(seed_searcher):
    fact = factcheck(seed_searcher, "The Chicago Teachers Union has 30,000 members")
    assert [f.text for f in fact.figures] == ["30,000 members"]
    first = fact.passages[0]
    assert "25,000 members" in first.hit.passage.text
    assert checks(fact, 1) == [[("30,000 members", "conflict", "25,000 members")]]
    # the passage's own figure is what gets emphasised
    [(a, b)] = first.hit.highlights
    assert first.hit.passage.text[a:b] == "25,000 members"


def test_vaccination_match(seed_searcher):
    fact = factcheck(seed_searcher, "CPS will vaccinate 1,500 staff members a week")
    statuses = checks(fact)
    assert [("1,500 staff members", "match", "1,500 staff members")] in statuses
    matched = next(p for p in fact.passages if p.checks[0].status == "match")
    assert matched.attribution == "Jackson"


def test_k5_date_matches_march_1_and_3_1(seed_searcher):
    fact = factcheck(seed_searcher, "K-5 students return to classrooms on March 1")
    by_text = {p.hit.passage.text[:40]: checks(fact)[i] for i, p in enumerate(fact.passages)}
    tweet = next(v for k, v in by_text.items() if k.startswith("CPS CEO Dr. Janice Jackson ann"))
    assert tweet == [("K-5", "match", "K-5"), ("March 1", "match", "3/1")]
    assert any(("March 1", "match", "March 1") in c for c in checks(fact))


def test_date_of_another_grade_is_no_match():
    text = (
        "Meanwhile, CPS has offered a new schedule for returning students to classrooms. "
        "Kindergarten through 5th grade students would go back on Feb. 22, with their "
        "teachers back on Feb. 16. Grades 6 through 8 would return March 1, with their "
        "teachers back on Feb. 22."
    )
    got = check_figures(tuple(extract("K-5 students return on March 1")), text)
    assert [(c.status, c.passage_figure.text) for c in got] == [
        ("match", "Kindergarten through 5th grade"),
        ("conflict", "Feb. 22"),
    ]


def test_rejected_requests_attributed_to_the_union(seed_searcher):
    fact = factcheck(seed_searcher, "CPS rejected 75% of requests to work from home")
    first = fact.passages[0]
    assert "rejected 75% of requests" in first.hit.passage.text
    assert checks(fact, 1) == [[("75%", "match", "75%")]]
    assert first.attribution == "The union"


def test_claim_without_figures_still_gets_passages_and_speakers(seed_searcher):
    fact = factcheck(seed_searcher, "Teachers have said school buildings lack ventilation")
    assert fact.figures == ()
    assert fact.passages and fact.passages[0].checks == ()
    assert fact.passages[0].attribution == "Teachers"


def test_unrelated_claim_gets_no_passages(seed_searcher):
    assert factcheck(seed_searcher, "The best pizza in Chicago costs $40").passages == ()


def test_cli_json_shape():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "factcheck",
            "The Chicago Teachers Union has 30,000 members",
            "--json",
            "--top",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"claim", "figures", "verdicts", "quotes", "passages"}
    assert data["verdicts"] == [
        {
            "claim_figure": "30,000 members",
            "status": "conflict",
            "rank": 1,
            "passage_figure": "25,000 members",
            "hedged": False,
            "others": [],
        }
    ]
    assert data["quotes"] == []
    assert data["figures"] == [
        {"text": "30,000 members", "kind": "count", "value": 30000, "unit": "member"}
    ]
    assert len(data["passages"]) == 2
    for p in data["passages"]:
        assert set(p) == {
            "rank",
            "score",
            "text",
            "paragraph",
            "paragraphs",
            "article",
            "checks",
            "attribution",
        }
        for c in p["checks"]:
            assert set(c) == {"claim_figure", "status", "passage_figure"}
    assert data["passages"][0]["checks"] == [
        {"claim_figure": "30,000 members", "status": "conflict", "passage_figure": "25,000 members"}
    ]


def test_cli_text():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "factcheck",
            "CPS rejected 75% of requests to work from home",
            "--top",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert out.startswith(
        "Claim: “CPS rejected 75% of requests to work from home” "
        "✓ The archive says 75% too — passage 1: CBS, paragraph 14 of 20 "
    )
    assert "attributed to The union" in out and "✓ same: 75%" in out


@pytest.mark.parametrize("claim", ["", "   ", "<@U1> <!channel>", "🙂" * 500, "\x00"])
def test_odd_claims_are_safe(seed_searcher, claim):
    fact = factcheck(seed_searcher, claim)
    assert fact.passages == () or all(p.hit.passage.text for p in fact.passages)


@pytest.mark.parametrize(
    ("claim", "status", "figure"),
    [
        ("K-5 students return Feb. 22", "conflict", "March 1"),  # Feb. 22 is the staff's date
        ("K-5 students return March 1", "match", "March 1"),
        ("K-5 staff return to work Feb. 22", "match", "Feb. 22"),
        ("Sixth through eighth grade students return March 1", "conflict", "march 8"),
    ],
)
def test_each_figure_is_compared_in_the_claims_own_clause(seed_searcher, claim, status, figure):
    text = next(
        p.text
        for p in map(seed_searcher.index.passage, range(seed_searcher.index.n_passages))
        if p.text.startswith("CPS CEO Dr. Janice Jackson said the return")
    )
    checks = check_figures(tuple(extract(claim)), text, claim, seed_searcher.analyzer)
    assert (checks[-1].status, checks[-1].passage_figure.text) == (status, figure)


# ---------------------------------------------------------------- verdicts, on written claims

CLAIMS = [json.loads(line) for line in (DATA / "claims.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def dated_searcher(tmp_path_factory):
    """Five dated articles in which the union's size and a return date change over time."""
    from index.archive import open_searcher
    from index.storage.settings import IndexSettings

    index_dir = tmp_path_factory.mktemp("dated-index")
    corpus = DATA / "claims_corpus.jsonl"
    return open_searcher(IndexSettings(corpus=corpus, index_dir=index_dir))


def test_the_claims_file_covers_every_verdict():
    statuses = {v[1] for c in CLAIMS for v in c["verdicts"]}
    quotes = {c["quote"][0] for c in CLAIMS if c.get("quote")}
    assert len(CLAIMS) >= 20
    assert statuses == {"match", "conflict", "absent", "disputed"}
    assert quotes == {"match", "conflict", "other_speaker"}


@pytest.mark.parametrize("case", CLAIMS, ids=[c["claim"][:50] for c in CLAIMS])
def test_written_claims(case, seed_searcher, dated_searcher):
    searcher = dated_searcher if case.get("corpus") == "dated" else seed_searcher
    fact = factcheck(searcher, case["claim"])
    got = [
        [v.claim_figure.text, v.status, v.deciding.figure.text if v.deciding else None]
        + ([[e.figure.text for e in v.others]] if v.others else [])
        for v in fact.verdicts
    ]
    assert got == case["verdicts"]
    for v in fact.verdicts:  # the deciding passage is shown, and states that figure
        if v.deciding is not None:
            shown = fact.passages[v.deciding.rank - 1]
            assert v.deciding.figure.text in shown.hit.passage.text
    if case.get("quote"):
        [quote] = fact.quotes
        assert [quote.status, quote.passage_speaker] == case["quote"]
        assert quote.rank is not None and fact.passages[quote.rank - 1].attribution
    else:
        assert fact.quotes == ()
    if "first" in case:
        first = fact.passages[0].hit.passage.text if fact.passages else None
        assert first == case["first"] or (first and case["first"] and case["first"] in first)


# ---------------------------------------------------------------- ranking, drafts, output

DRAFT = (
    "The Chicago Teachers Union has 30,000 members. K-5 students return to classrooms "
    "Feb. 22. The talks went on all weekend. Jackson said the plan is safe."
)


def test_deciding_passage_first_and_no_speaker_for_passages_that_decide_nothing(seed_searcher):
    fact = factcheck(seed_searcher, "The CTU has 30,000 members", top=3)
    assert "its 25,000 members" in fact.passages[0].hit.passage.text
    assert [p.hit.rank for p in fact.passages] == [1, 2, 3]
    undecided = [p for p in fact.passages if all(c.status == "absent" for c in p.checks)]
    assert undecided and all(p.attribution is None for p in undecided)
    # "CTU members say it's not easy to get one" is searched, but speaks for nobody here
    assert all(p.attribution != "CTU members" for p in fact.passages)


def test_a_draft_is_checked_sentence_by_sentence(seed_searcher):
    from index.factcheck.draft import check_draft

    draft = check_draft(seed_searcher, DRAFT)
    assert [c.claim for c in draft.claims] == [
        "The Chicago Teachers Union has 30,000 members.",
        "K-5 students return to classrooms Feb. 22.",
        "Jackson said the plan is safe.",
    ]
    members, k5, quote = draft.claims
    assert [(v.status, v.deciding.figure.text) for v in members.verdicts] == [
        ("conflict", "25,000 members")
    ]
    assert [(v.status, v.deciding.figure.text) for v in k5.verdicts][-1] == ("conflict", "March 1")
    assert [(q.status, q.speaker) for q in quote.quotes] == [("match", "Jackson")]
    assert draft.unchecked == ("The talks went on all weekend.",)


def test_a_long_draft_is_bounded(seed_searcher):
    from index.factcheck.draft import MAX_SENTENCES, check_draft

    draft = check_draft(seed_searcher, "The union has 30,000 members. " * 30)
    assert len(draft.claims) == MAX_SENTENCES and draft.more == 30 - MAX_SENTENCES


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return run_cli("factcheck", *args, env={"NO_COLOR": "1"}, input=stdin)


def test_cli_verdict_comes_first():
    result = _cli("The CTU has 30,000 members", "--top", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "Claim: “The CTU has 30,000 members”",
        "✗ The archive says 25,000 members, not 30,000 members — passage 1: CBS, paragraph 1 of 12",
    ]
    assert lines[3].startswith(" 1. CHICAGO (CBS) — Chicago Teachers Union leadership")


def test_cli_draft_from_stdin_groups_per_sentence_and_json():
    result = _cli("-", stdin=DRAFT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("[1/3] Claim: “The Chicago Teachers Union") < out.index("[2/3] Claim: “K-5")
    assert "✓ The archive has Jackson saying this — passage 1: CBS, paragraph 13 of 14" in out
    assert "Nothing to check (no figure, date or quote) in: “The talks went on all weekend.”" in out
    data = json.loads(_cli(DRAFT, "--json").stdout)
    assert set(data) == {"draft", "claims", "unchecked", "more"}
    assert [c["verdicts"][-1]["status"] for c in data["claims"][:2]] == ["conflict", "conflict"]
    assert data["claims"][2]["quotes"][0]["status"] == "match"


def test_cli_empty_claim_is_one_clear_sentence():
    result = _cli("-", stdin="  \n")
    assert result.returncode != 0
    assert result.stderr.strip().endswith(
        "Nothing to check: give a claim or a draft (or - to read stdin)."
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("claim", "parsed"),
    [
        ("Jackson said the plan is safe", ("Jackson", "the plan is safe", False)),
        ("Jackson said that the plan is safe.", ("Jackson", "the plan is safe", False)),
        ("The plan is safe, Jackson said.", ("Jackson", "The plan is safe", False)),
        ('Jackson said "we could do so safely."', ("Jackson", "we could do so safely", True)),
        ("“We could do so safely,” Jackson said.", ("Jackson", "We could do so safely", True)),
        ("The plan is safe", None),
        ("She said the plan is safe", None),  # whose words? a pronoun names no one
    ],
)
def test_what_a_claim_says_someone_said(claim, parsed):
    from index.factcheck.quotes import parse

    assert parse(claim) == parsed


def test_quotes_in_hostile_claims_cost_little(seed_searcher):
    from index.factcheck.draft import check_draft

    claim = 'Jackson said "' + "safe " * 20_000 + '" and "' * 500
    draft = check_draft(seed_searcher, claim)
    assert len(draft.text) <= 6_000 and len(draft.claims) <= 10
