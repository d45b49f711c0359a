"""Defects found in review, each pinned by a test: files added from outside the corpus
survive rebuilds; added files get unique ids; a serving bot picks up another process's
index; replies that fail are retried, logged and told; front matter, HTML wrappers and
control characters; the reasons are shown when nothing could be indexed."""

import os
import shutil
import subprocess
import sys

from bot.slack.feedback import State
from index.archive import open_searcher
from index.ingest.corpus import find_files, read_file
from index.ingest.paragraphs import Boilerplate, segment
from index.live import LiveSearcher
from index.retrieval.search import Searcher
from index.storage import build, store
from index.storage.settings import IndexSettings
from tests.conftest import ROOT, SEEDS
from tests.slack_fixtures import HttpBot, message_text, serving
from tests.slack_standin import command


def newsbot(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        cwd=cwd,
    )


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
    missing = newsbot("index", "add", str(tmp_path / "nope.txt"), *args)
    assert missing.returncode == 1
    assert (
        missing.stderr.strip() == f"newsbot: {tmp_path / 'nope.txt'} does not exist: "
        "nothing was added."
    )


def test_serving_bot_picks_up_an_index_another_process_wrote(tmp_path):
    corpus, outside = tmp_path / "c", tmp_path / "ext"
    shutil.copytree(SEEDS, corpus)
    outside.mkdir()
    (outside / "giraffe.txt").write_text("The zoo's giraffe weighs 1,200 kilograms.\n")
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "i")
    live = LiveSearcher(settings, open_searcher(settings), interval=0)
    newsbot(
        "index",
        "add",
        str(outside / "giraffe.txt"),
        "--corpus",
        str(corpus),
        "--index",
        str(settings.index_dir),
    )
    live._verify()  # the old generation is gone: superseded, not damaged
    assert live.index.n_articles == 3
    live.refresh()
    assert live.index.n_articles == 4
    assert not live.ask("how much does the giraffe weigh?").no_answer


def test_a_failing_reply_is_retried_then_logged_and_told(
    fake_slack, bot_settings, seed_searcher, caplog
):
    with serving(HttpBot, fake_slack, bot_settings, seed_searcher) as bot:
        fake_slack.plan("respond", (500, {}, {"ok": False}), (503, {}, {"ok": False}))
        bot.command(command("/ask", "when do K-5 students return?", fake_slack.response_url("ask")))
        calls = fake_slack.wait_for("respond", 3)
        assert [c.status for c in calls] == [500, 503, 200]  # retried, then delivered
        assert "You asked" in message_text(calls[2].body)


def test_an_exception_while_answering_is_logged_with_the_question_and_told(
    fake_slack, bot_settings, tmp_path, caplog
):
    class Broken(Searcher):
        def ask(self, *args, **kwargs):
            raise RuntimeError("disk on fire")

    searcher = Broken(open_searcher(IndexSettings(corpus=SEEDS, index_dir=tmp_path / "i")).index)
    state = State(bot_settings.state_path)
    bot = HttpBot(fake_slack, bot_settings, searcher, state)
    try:
        bot.command(command("/ask", "when do K-5 students return?", fake_slack.response_url("x")))
        [call] = fake_slack.wait_for("respond")
        assert "Sorry, I couldn't answer that just now." in message_text(call.body)
    finally:
        bot.close()
        state.close()
    logged = [r.getMessage() for r in caplog.records if "failed to answer /ask" in r.getMessage()]
    assert logged and "when do K-5 students return?" in logged[0]


def test_yaml_front_matter_with_lists_and_quotes(tmp_path):
    (tmp_path / "budget.md").write_text(
        "---\ntitle: \"Mayor: 'We will reopen'\"\ndate: 2024-05-02\ntags:\n  - city hall\n"
        "  - budget\nlast-modified: 2024-05-03\n---\nThe council passed the budget.\n"
    )
    problems = []
    [doc] = [d for f in find_files(tmp_path, problems) for d in read_file(f, problems.append)]
    assert (doc.title, doc.published) == ("Mayor: 'We will reopen'", "2024-05-02")
    assert doc.text.strip() == "The council passed the budget."


def test_html_wrapper_classes_never_remove_the_article(tmp_path):
    (tmp_path / "a.html").write_text(
        '<html><body><div class="page layout-with-sidebar"><article><h1>Budget</h1>'
        '<div class="ad-free-content"><p>The council passed the budget.</p></div>'
        '<div class="ad"><p>Buy now</p></div><div class="social-share">Share</div>'
        '</article><aside class="sidebar"><p>Most read</p></aside></div></body></html>'
    )
    problems = []
    [doc] = [d for f in find_files(tmp_path, problems) for d in read_file(f, problems.append)]
    assert doc.text == "The council passed the budget."


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


def test_the_reasons_are_shown_when_nothing_could_be_indexed(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("")
    (corpus / "only-meta.md").write_text("---\ntitle: T\n---\n")
    result = newsbot("index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"))
    assert result.returncode == 1
    assert "warning: empty.txt: empty file; skipped" in result.stderr
    assert "warning: only-meta.md: no article text after the front matter; skipped" in result.stderr
