"""Changes without downtime: the serving bot re-indexes a changed corpus in the
background and swaps the new index in; questions asked meanwhile never fail."""

import shutil
import threading
import time

from index.archive import open_searcher
from index.live import LiveSearcher
from index.storage.settings import IndexSettings
from tests.conftest import SEEDS, run_cli
from tests.slack_fixtures import HttpBot, serving
from tests.slack_standin import command


def test_corpus_change_is_swapped_in_while_questions_keep_being_answered(
    fake_slack, bot_settings, tmp_path
):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "live-index")
    live = LiveSearcher(settings, open_searcher(settings), interval=0.05)
    with serving(HttpBot, fake_slack, bot_settings, live) as bot:
        live.start()
        try:
            ask_through_a_swap(fake_slack, bot, live, corpus)
        finally:
            live.stop()


def ask_through_a_swap(fake_slack, bot, live, corpus):
    asked: list[str] = []
    stop = threading.Event()

    def keep_asking():
        n = 0
        while not stop.is_set():
            name = f"q{n}"
            delivery = bot.command(
                command("/ask", "when do K-5 students return?", fake_slack.response_url(name))
            )
            assert delivery.ok
            asked.append(name)
            n += 1

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        time.sleep(0.3)
        generation = live.index.path
        (corpus / "new.txt").write_text(
            "title: Snow days\n---\nCPS will make up snow days in June, the district said.\n"
        )
        (corpus / "002_25dad21185c46e56.txt").write_text(
            (SEEDS / "002_25dad21185c46e56.txt").read_text() + "\n\nAn added paragraph.\n"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            live.index.path != generation and live.index.n_articles == 4
        ):
            time.sleep(0.05)
        assert live.index.n_articles == 4
        time.sleep(0.3)
    finally:
        stop.set()
        asker.join(30)
    responds = fake_slack.wait_for("respond", len(asked))
    assert len(asked) > 10
    assert sorted(c.path.rsplit("/", 1)[1] for c in responds) == sorted(asked)  # each once
    for call in responds:
        assert "No passage" not in str(call.body["blocks"][1])
    bot.command(command("/ask", "when are snow days made up?", fake_slack.response_url("new")))
    new = [c for c in fake_slack.wait_for("respond", len(asked) + 1) if c.path.endswith("/new")][0]
    assert "snow days" in new.body["blocks"][1]["text"]["text"].replace("*", "")


def test_refresh_failure_keeps_the_old_index(tmp_path, caplog):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    settings = IndexSettings(corpus=corpus, index_dir=tmp_path / "i")
    live = LiveSearcher(settings, open_searcher(settings), interval=0)
    before = live.index.path
    shutil.rmtree(corpus)  # the archive disappears (unmounted share)
    assert live.refresh() is False
    assert live.index.path == before
    assert live.ask("when do K-5 students return?").hits
    assert any(
        "still answering from the previous index" in r.getMessage()
        or "could not check the corpus" in r.getMessage()
        for r in caplog.records
    )


def newsbot(*args):
    return run_cli(*args)


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
