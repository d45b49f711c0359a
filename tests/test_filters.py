"""Filters in questions: they restrict which articles may answer, exactly, before the
top k is taken; bad ones are said in one sentence, the same on every surface."""

import json

import pytest

from bot.cli import main
from index.archive import open_searcher
from index.retrieval.filters import FilterError, catalog, split
from index.storage import catalog as catalog_files
from index.storage import store
from index.storage.adding import add_files
from index.storage.settings import IndexSettings

# id -> (published, source, section, tags); every one answers "school board budget vote"
ARTICLES = {
    "jan": ("2021-01-15", "CBS Chicago", "Education", ["schools"]),
    "feb1": ("2021-02-01", "CBS 2", "Politics", []),
    "feb20": ("2021-02-20", "WTTW News", "Education", []),
    "mar": ("2021-03-01", "Lakeshore Ledger", None, ["school board"]),
    "undated": (None, "CBS Chicago", None, []),
    "feb28": ("2021-02-28", "ABCBS Weekly", "Sports", []),
}
QUESTION = "school board budget vote"


def _line(key, published, source, section, tags):
    text = f"The school board budget vote was held; report {key}."
    if key == "feb20":  # a long paragraph: BM25 ranks it last without filters
        text += " " + " ".join(f"Filler sentence number {i} about other things." for i in range(30))
    row = {"id": key, "title": f"Story {key}", "source": source, "text": text, "tags": tags}
    if published:
        row["published"] = published
    if section:
        row["section"] = section
    return json.dumps(row)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("filtered")
    corpus = root / "corpus"
    corpus.mkdir()
    lines = [_line(k, *v) for k, v in ARTICLES.items()]
    # other stories, so the question's words are distinctive (BM25 needs a real archive)
    topics = "snow plows, bus routes, park fees, library hours, water mains, bike lanes".split(", ")
    for i in range(18):
        text = f"City crews discussed {topics[i % 6]} at meeting {i}, officials said."
        lines.append(json.dumps({"id": f"other{i}", "text": text, "published": "2021-02-10"}))
    (corpus / "stories.jsonl").write_text("\n".join(lines) + "\n")
    return corpus, root / "index"


@pytest.fixture(scope="module", params=["okapi", "sparse"])
def searcher(archive, request):
    corpus, index = archive
    return open_searcher(IndexSettings(corpus=corpus, index_dir=index, engine=request.param))


def answering(searcher, question):
    answer = searcher.ask(question, top=20)
    assert answer.notice is None, answer.notice
    return {hit.article.id for hit in answer.hits}


def test_without_filters_every_article_answers(searcher):
    assert answering(searcher, QUESTION) == set(ARTICLES)


@pytest.mark.parametrize(
    "filters, expected",
    [
        ("after:2021-02-01", {"feb1", "feb20", "feb28", "mar"}),  # on or after; undated out
        ("since:2021-02-02", {"feb20", "feb28", "mar"}),
        ("before:2021-02-01", {"jan"}),  # before that day
        ("after:2021-02 before:2021-03", {"feb1", "feb20", "feb28"}),  # a month
        ("after:2021", {"jan", "feb1", "feb20", "feb28", "mar"}),
        ("source:CBS", {"jan", "feb1", "undated"}),  # a word of the source, not "ABCBS"
        ("source:cbs source:wttw", {"jan", "feb1", "undated", "feb20"}),  # one kind: either
        ('source:"wttw news"', {"feb20"}),
        ("section:education", {"jan", "feb20"}),
        ("section:schools", {"jan"}),  # a tag
        ('tag:"school board"', {"mar"}),
        ("tag:school-board", {"mar"}),
        ("source:CBS after:2021-02-01", {"feb1"}),  # two kinds: both
    ],
)
def test_filters_include_and_exclude_exactly(searcher, filters, expected):
    assert answering(searcher, f"{QUESTION} {filters}") == expected
    assert answering(searcher, f"{filters} {QUESTION}") == expected


def test_filters_apply_before_the_top_k_is_taken(searcher):
    [unfiltered] = searcher.ask(QUESTION, top=20).hits[-1:]
    assert unfiltered.article.id == "feb20"  # ranked last of all without a filter
    [hit] = searcher.ask(f"{QUESTION} source:WTTW", top=1).hits
    assert hit.article.id == "feb20" and hit.rank == 1


def test_newest_orders_by_date_undated_last(searcher):
    scores = {h.article.id: h.score for h in searcher.ask(QUESTION, top=20).hits}
    assert scores["feb20"] < 0.5 * max(scores.values())  # a weak match: after the others
    for question in (f"{QUESTION} newest", f"newest {QUESTION}", f"{QUESTION} sort:newest"):
        answer = searcher.ask(question, top=20)
        assert [h.article.id for h in answer.hits] == [
            "mar",
            "feb28",
            "feb1",
            "jan",
            "undated",
            "feb20",
        ]
    dated = [h.article.id for h in searcher.ask(f"{QUESTION} newest before:2021-02-21").hits]
    assert dated == ["feb1", "jan", "feb20"]


@pytest.mark.parametrize(
    "question, notice",
    [
        (
            f"{QUESTION} after:yesterday",
            "after:yesterday is not a date; write it as after:2021-02-01 (or 2021-02, or 2021).",
        ),
        (
            f"{QUESTION} before:2021-13-01",
            "before:2021-13-01 is not a date; write it as before:2021-02-01 (or 2021-02, or 2021).",
        ),
        (f"{QUESTION} source:", "source: needs a value, like source:CBS."),
        (
            f"{QUESTION} after:2021-03-01 before:2021-02-01",
            "after:2021-03-01 is not earlier than before:2021-02-01, so no article could match; "
            "swap them?",
        ),
        (f"{QUESTION} sort:oldest", "sort:oldest is not an order newsbot knows; use sort:newest."),
        (f"{QUESTION} source:NBC", "No article in the archive matches source:NBC."),
        (
            f"{QUESTION} section:Weather after:2021-01-01",
            "No article in the archive matches section:Weather after:2021-01-01.",
        ),
    ],
)
def test_bad_or_empty_filters_are_said_in_one_sentence(searcher, question, notice):
    answer = searcher.ask(question)
    assert (answer.no_answer, answer.hits, answer.notice) == (True, (), notice)


def test_words_that_only_look_like_filters_stay_in_the_question():
    assert split("what happened at 10:30 on Feb. 1?")[0] == "what happened at 10:30 on Feb. 1?"
    text, filters = split("the newest plan for schools?")
    assert text == "the newest plan for schools?" and not filters.newest
    with pytest.raises(FilterError):
        split("vote after:2021-02-01 after:2021-03-01")


def test_cli_filters_and_their_errors(archive, capsys):
    corpus, index = archive
    args = ["--corpus", str(corpus), "--index", str(index)]
    assert main(["ask", f"{QUESTION} source:WTTW", "--json", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [a["article"]["id"] for a in out["answers"]] == ["feb20"]
    assert out["answers"][0]["article"]["published"] == "2021-02-20"
    assert main(["ask", f"{QUESTION} after:last-week", *args]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        "newsbot: after:last-week is not a date; "
        "write it as after:2021-02-01 (or 2021-02, or 2021)."
    )


def test_slack_reads_the_same_filters(archive, fake_slack, bot_settings):
    from tests.slack_fixtures import HttpBot, assert_valid_message, message_text, serving
    from tests.slack_standin import command, mention

    corpus, index = archive
    searcher = open_searcher(IndexSettings(corpus=corpus, index_dir=index))
    with serving(HttpBot, fake_slack, bot_settings, searcher) as bot:
        bot.event(mention(f"{QUESTION} source:WTTW", ts="1700000009.000100"))
        [call] = bot.fake.wait_for("chat.postMessage")
        assert_valid_message(call.body)
        text = message_text(call.body)
        assert "Story feb20" in text and "2021-02-20" in text
        assert "Story jan" not in text and "Story feb1" not in text
        bot.command(command("/ask", f"{QUESTION} before:someday", bot.fake.response_url("f1")))
        [reply] = bot.fake.wait_for("respond")
        assert_valid_message(reply.body)
        assert "before:someday is not a date; write it as before:2021-02-01" in message_text(
            reply.body
        )


def _entries(index, cat):
    """Per article id: (day, source, labels), whatever numbers the names were given."""
    labels: dict[int, set[str]] = {}
    for owner, label in zip(cat.label_owner.tolist(), cat.label.tolist(), strict=True):
        labels.setdefault(owner, set()).add(cat.label_names[label])
    return {
        article_id: (int(cat.dates[j]), cat.source_names[int(cat.source[j])], labels.get(j, set()))
        for j, article_id in enumerate(index.article_ids())
    }


def test_build_and_add_save_the_catalog_that_filters_read(archive, tmp_path):
    corpus, _ = archive
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "index")
    open_searcher(settings)  # builds
    built = store.load(settings.index_dir)
    assert all(name in built.meta["files_written"] for name in catalog_files.FILES)
    saved = catalog(built)
    assert built.article.cache_info().misses == 0  # read, not decoded from every article
    assert _entries(built, saved) == _entries(built, catalog_files._from_articles(built))
    assert _entries(built, saved)["jan"] == (20210115, "cbs chicago", {"education", "schools"})
    assert _entries(built, saved)["undated"] == (0, "cbs chicago", set())

    extra = tmp_path / "april.jsonl"
    story = {"id": "apr", "title": "April", "text": "The school board budget vote, again."}
    story |= {"published": "2021-04-02", "source": "Near North News", "section": "Metro"}
    extra.write_text(json.dumps(story | {"tags": ["Education"]}) + "\n")
    add_files(settings, [extra])
    added = store.load(settings.index_dir)
    saved = catalog(added)
    assert added.article.cache_info().misses == 0
    assert _entries(added, saved) == _entries(added, catalog_files._from_articles(added))
    assert _entries(added, saved)["apr"] == (20210402, "near north news", {"metro", "education"})
    assert answering(open_searcher(settings), f"{QUESTION} section:metro") == {"apr"}
    assert answering(open_searcher(settings), f"{QUESTION} source:north") == {"apr"}


def test_an_index_without_a_saved_catalog_builds_one_from_its_articles(archive, tmp_path):
    corpus, _ = archive
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "index")
    open_searcher(settings)
    index = store.load(settings.index_dir)
    for name in catalog_files.FILES:  # as an index written before catalogs were saved
        del index.meta["files_written"][name]
    cat = catalog(index)
    assert index.article.cache_info().misses == index.n_articles
    assert _entries(index, cat)["feb20"] == (20210220, "wttw news", {"education"})


def test_the_newest_articles_are_read_from_the_catalog_alone(archive, tmp_path):
    corpus, _ = archive
    searcher = open_searcher(IndexSettings(corpus=corpus, index_dir=tmp_path / "index"))
    index = searcher.index
    every = sorted(
        zip(searcher.sources(), index.passages_per_article(), strict=True),
        key=lambda item: item[0].published or "",
        reverse=True,  # stable: equal dates stay in article order, undated last
    )
    index.article.cache_clear()
    assert searcher.newest(3) == every[:3]
    assert index.article.cache_info().misses == 3  # only the records it returned
    for n in (0, 1, 5, len(every), len(every) + 3):
        assert searcher.newest(n) == every[:n]
    assert [a.id for a, _ in searcher.newest(len(every))][-1] == "undated"


def test_a_shared_link_finds_its_article_by_the_catalog_hash(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {"id": "a", "url": "https://www.example.com/news/story-a/", "text": "Story a."},
        {"id": "b", "url": "https://example.com/news/story-b?id=2", "text": "Story b."},
        {"id": "c", "text": "No url here."},
        {"id": "b2", "url": "http://EXAMPLE.com/news/story-b?id=2&utm_source=x", "text": "B."},
    ]
    (corpus / "s.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    searcher = open_searcher(IndexSettings(corpus=corpus, index_dir=tmp_path / "index"))
    searcher.index.article.cache_clear()
    found = searcher.article_at("http://example.com/news/story-a?utm_medium=social#top")
    assert found is not None and found.id == "a"
    assert searcher.index.article.cache_info().misses == 1  # only the candidate's record
    assert searcher.article_at("https://example.com/news/story-b?id=2").id == "b2"  # the last
    assert searcher.article_at("https://example.com/news/story-c") is None
    assert searcher.article_at("") is None
