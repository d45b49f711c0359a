"""Paragraphs: boilerplate out (byline kept), repeats once, numbering as published."""

import pytest

from index.errors import ConfigError
from index.ingest.corpus import find_files, read_file
from index.ingest.paragraphs import Boilerplate, segment, split_paragraphs
from index.models import ArticleText
from tests.conftest import SEEDS

BOILERPLATE = ["READ MORE", "MORE NEWS", "Also From CBS Chicago", "CBS 2 Chicago Staff"]


@pytest.fixture(scope="module")
def seeds():
    rules = Boilerplate.load()
    return {
        doc.id[:3]: segment(doc, rules)
        for f in find_files(SEEDS, [])
        for doc in read_file(f, print)
    }


def test_boilerplate_is_never_a_passage(seeds):
    for _, passages in seeds.values():
        for p in passages:
            assert not any(b in p.text for b in BOILERPLATE), p.text


def test_staff_line_becomes_the_byline(seeds):
    assert seeds["000"][0].byline == "CBS 2 Chicago Staff"
    assert seeds["001"][0].byline == "CBS 2 Chicago Staff"


def test_repeated_paragraph_kept_once_and_numbered_as_published(seeds):
    article, passages = seeds["002"]
    assert article.paragraphs == 20
    assert len(passages) == 19
    assert [p.number for p in passages][:4] == [1, 2, 4, 5]
    assert sum("merits further review" in p.text for p in passages) == 1
    k5 = next(p for p in passages if "those students will return March 1" in p.text)
    assert (k5.number, article.paragraphs) == (4, 20)


def test_passage_text_is_the_published_text(seeds):
    _, passages = seeds["000"]
    assert passages[1].text == (
        "One issue is the difficulty of getting a vaccine. Teachers are "
        "now eligible for shots, but CTU members say it’s not easy to "
        "get one."
    )


def test_embedded_tweet_stays_content(seeds):
    _, passages = seeds["002"]
    assert any("K-5 students return 3/1" in p.text for p in passages)


def test_newsroom_rules_extend_the_list(tmp_path):
    extra = tmp_path / "ours.txt"
    extra.write_text("# ours\ndrop: (?i)sponsored content.*\nbyline: (?P<byline>.+) / Tribune\n")
    rules = Boilerplate.load(extra)
    doc = ArticleText(
        id="a",
        path="a.txt",
        text="Story.\n\nSponsored content: buy\n\nJane Doe / Tribune\n\nREAD MORE: other",
    )
    article, passages = segment(doc, rules)
    assert [p.text for p in passages] == ["Story."]
    assert article.byline == "Jane Doe"
    assert rules.fingerprint != Boilerplate.load().fingerprint


def test_bad_rule_file_is_a_config_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("drop: (unclosed\n")
    with pytest.raises(ConfigError, match="bad.txt:1: not a valid regex"):
        Boilerplate.load(bad)
    bad.write_text("remove: x\n")
    with pytest.raises(ConfigError, match="starts with 'drop:' or 'byline:'"):
        Boilerplate.load(bad)


def test_split_joins_wrapped_lines():
    assert split_paragraphs("a\nb\n \n\nc\r\n\r\nd") == ["a b", "c", "d"]


def test_control_characters_never_reach_a_reader():
    from index.models import ArticleText

    doc = ArticleText(
        id="x",
        path="x.jsonl",
        title="Title\x1b]8;;https://evil\x07",
        url="https://ok.example/\x1b[2J",
        text="Normal start.\x1b[2J\x1b[31m Pay here\x07.\n\nSecond\x00 one.",
    )
    article, passages = segment(doc, Boilerplate.load())
    assert [p.text for p in passages] == ["Normal start.[2J[31m Pay here.", "Second one."]
    assert article.title == "Title]8;;https://evil" and article.url == "https://ok.example/[2J"
