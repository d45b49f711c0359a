"""The `newsbot` command as a user runs it: a real process, real output."""

import json
import shutil

import pytest

from index.storage import build, store
from tests.conftest import SEEDS, run_cli


def newsbot(*args, stdin=None, env=None, check=True):
    result = run_cli(*args, env=env, input=stdin)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ask_prints_the_passage_and_its_citation():
    result = newsbot("ask", "when do K-5 students return?")
    first = result.stdout.split("\n\n")[0]
    assert first.startswith(" 1. ")
    first = " ".join(first.split())
    assert "3/1" in first or "March 1" in first
    assert (
        "— Chicago Public Schools students will soon return to in-person, Mayor Lori "
        "Lightfoot announced Sunday · CBS · paragraph"
    ) in first


def test_ask_json_schema():
    result = newsbot("ask", "when do K-5 students return?", "--json", "--top", "2")
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "no_answer", "confidence", "missing", "answers"}
    assert answer["no_answer"] is False and len(answer["answers"]) == 2
    for rank, item in enumerate(answer["answers"], 1):
        check_answer_item(item, rank)


def check_answer_item(item, rank):
    assert set(item) == {"rank", "score", "text", "paragraph", "paragraphs", "article"}
    assert item["rank"] == rank and isinstance(item["score"], float)
    assert isinstance(item["text"], str) and 1 <= item["paragraph"] <= item["paragraphs"]
    assert set(item["article"]) == {
        *("id", "title", "source", "url", "published", "path"),
        *("updated", "byline", "section", "tags"),  # issue 15
    }
    assert all(isinstance(item["article"][k], str) for k in ("id", "title", "path"))
    for key in ("source", "url", "published"):
        assert item["article"][key] is None or isinstance(item["article"][key], str)


def test_ask_stdin_json_lines_one_per_line_in_order():
    questions = [
        "when do K-5 students return?",
        "",
        "   ",
        "\x00\x01",
        "best pizza in town",
        "How many members does the union have?",
    ]
    result = newsbot("ask", "-", "--json", stdin="\n".join(questions) + "\n")
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    for question, line in zip(questions, lines, strict=True):
        answer = json.loads(line)
        assert answer["question"] == question
        for rank, item in enumerate(answer["answers"], 1):
            check_answer_item(item, rank)
    assert [json.loads(line)["no_answer"] for line in lines] == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_no_answer_is_said_plainly():
    result = newsbot("ask", "What is the best pizza in Chicago?")
    assert result.stdout.startswith("No passage in the archive answers this.")


def test_missing_corpus_is_one_line_and_nonzero(tmp_path):
    result = newsbot("ask", "anything", "--corpus", str(tmp_path / "missing"), check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"newsbot: The corpus path {tmp_path / 'missing'} does not exist."
    ]


def test_empty_corpus_is_one_line_and_nonzero(tmp_path):
    result = newsbot("index", "build", "--corpus", str(tmp_path), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("newsbot: The corpus at")


def test_unreadable_index_is_rebuilt_with_a_message(tmp_path):
    index = tmp_path / "idx"
    newsbot("index", "build", "--index", str(index))
    (index / "CURRENT").write_text("garbage")
    result = newsbot("ask", "when do K-5 students return?", "--index", str(index))
    assert "Rebuilding the index: the index at" in result.stderr
    assert "3/1" in result.stdout or "March 1" in result.stdout


def test_index_build_summary_and_warnings(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text((SEEDS / "000_9dd04cc3a62a7577.txt").read_text())
    (corpus / "bad.jsonl").write_text('{"text": "One good line."}\n{oops\n')
    (corpus / "empty.md").write_text("")
    result = newsbot(
        "index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"), check=False
    )
    assert "warning: bad.jsonl:2: not valid JSON" in result.stderr
    assert "warning: empty.md: empty file; skipped" in result.stderr
    assert result.stdout.startswith("Indexed 2 articles (15 passages) from 3 file(s) in ")
    assert "1 file(s) skipped, 1 line(s) skipped" in result.stdout


def test_sources_lists_the_seed_articles():
    result = newsbot("sources", "--json")
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [
        "000_9dd04cc3a62a7577",
        "001_47d2f018b08567d1",
        "002_25dad21185c46e56",
    ]
    assert [r["passages"] for r in rows] == [14, 12, 19]


def test_index_verify_and_info(tmp_path):
    index = tmp_path / "idx"
    newsbot("index", "build", "--index", str(index))
    assert "is sound" in newsbot("index", "verify", "--index", str(index)).stdout
    info = newsbot("index", "info", "--index", str(index)).stdout
    assert "passages:  45" in info and "engine:    okapi" in info


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["ask"],
        ["index"],
        ["index", "build"],
        ["index", "add"],
        ["index", "info"],
        ["index", "verify"],
        ["sources"],
        ["eval"],
    ],
)
def test_every_command_has_help(command):
    result = newsbot(*command, "--help")
    assert result.stdout.startswith("usage: newsbot")
    assert len(result.stdout.splitlines()) > 4


def test_bad_option_is_a_usage_error():
    result = newsbot("ask", "q", "--top", "zero", check=False)
    assert result.returncode == 2 and "not a whole number" in result.stderr


def test_a_file_added_from_outside_survives_a_rebuild(tmp_path):
    corpus, outside, index = tmp_path / "c", tmp_path / "ext", tmp_path / "i"
    shutil.copytree(SEEDS, corpus)
    outside.mkdir()
    (outside / "giraffe.txt").write_text("The zoo's giraffe weighs 1,200 kilograms.\n")
    args = ["--corpus", str(corpus), "--index", str(index)]
    assert newsbot("index", "build", *args).returncode == 0
    added = newsbot("index", "add", str(outside / "giraffe.txt"), *args)
    assert added.returncode == 0 and added.stdout.startswith("Added 1 articles")
    seed = corpus / "000_9dd04cc3a62a7577.txt"
    seed.write_text(seed.read_text() + "\n\nA new paragraph about snow days.\n")
    asked = newsbot("ask", "how much does the giraffe weigh?", "--json", *args)
    assert "Rebuilding the index: 000_9dd04cc3a62a7577.txt changed." in asked.stderr
    assert '"no_answer": false' in asked.stdout and "1,200 kilograms" in asked.stdout
    (outside / "giraffe.txt").unlink()
    rebuilt = newsbot("index", "build", *args)
    assert f"{outside / 'giraffe.txt'}: added with `newsbot index add`, but gone" in rebuilt.stderr
    assert build.added_paths(index) == []


def test_added_files_get_unique_ids_and_are_read_once(tmp_path):
    corpus, site, index = tmp_path / "c", tmp_path / "site", tmp_path / "i"
    shutil.copytree(SEEDS, corpus)
    for name, text in (("strike", "Teachers vote to strike"), ("reopen", "Schools reopen")):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(
            f"<html><body><article><h1>{text}</h1>"
            f"<p>{text} today, officials said.</p>"
            "</article></body></html>"
        )
    args = ["--corpus", str(corpus), "--index", str(index)]
    newsbot("index", "build", *args)
    one = str(site / "strike" / "index.html")
    result = newsbot(
        "index",
        "add",
        one,
        f"{site}/strike/../strike/index.html",
        str(site / "reopen" / "index.html"),
        *args,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Added 2 articles") and "warning" not in result.stderr
    ids = {a.id for a in store.load(index).iter_articles()}
    assert {str(site / "strike" / "index"), str(site / "reopen" / "index")} <= ids
    missing = newsbot("index", "add", str(tmp_path / "nope.txt"), *args, check=False)
    assert missing.returncode == 1
    assert (
        missing.stderr.strip() == f"newsbot: {tmp_path / 'nope.txt'} does not exist: "
        "nothing was added."
    )


def test_the_reasons_are_shown_when_nothing_could_be_indexed(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("")
    (corpus / "only-meta.md").write_text("---\ntitle: T\n---\n")
    result = newsbot(
        "index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"), check=False
    )
    assert result.returncode == 1
    assert "warning: empty.txt: empty file; skipped" in result.stderr
    assert "warning: only-meta.md: no article text after the front matter; skipped" in result.stderr
