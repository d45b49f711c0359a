"""`newsbot index add URL` and feed following, against files served on loopback."""

import functools
import io
import json
import shutil
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.cli import main
from bot.config import load_settings
from index.errors import ConfigError
from index.ingest.fetch import Limits
from index.live import LiveSearcher
from index.retrieval.search import Searcher
from index.storage import store
from index.storage.settings import IndexSettings
from tests.conftest import DATA, SEEDS

FORMATS = DATA / "formats"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site(tmp_path):
    """A loopback web server over a folder of fixtures: (folder, base URL)."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("feed.rss", "feed.atom", "page.html", "bomb.xml"):
        shutil.copy(FORMATS / name, root / name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def cli(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]

    def run(*argv):
        code = main([*argv, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def titles(cli):
    code, out, _ = cli("sources", "--json")
    assert code == 0
    return {row["title"]: row for row in json.loads(out)}


def test_adding_a_feed_adds_only_new_items_on_a_second_run(site, cli):
    root, base = site
    code, out, err = cli("index", "add", f"{base}/feed.rss")
    assert code == 0, err
    assert out.startswith("Added 2 articles")
    assert "feed.rss:25: item “An item with nothing in it” has no text" in err
    rows = titles(cli)
    grant = rows["Red Line extension wins federal grant"]
    assert grant["id"] == grant["url"] == "https://ledger.example.org/2021/02/15/red-line-grant/"
    assert grant["published"] == "2021-02-15" and grant["byline"] == "Sam Okafor"
    code, out, _ = cli("index", "add", f"{base}/feed.rss")
    assert (code, out) == (
        0,
        "Nothing new to add: every item at the URL(s) given is already indexed.\n",
    )
    # the feed grows by one item: only that one is added
    feed = (root / "feed.rss").read_text()
    new_item = (
        "<item><title>Metra adds weekend trains</title>"
        "<link>https://ledger.example.org/2021/02/25/metra/</link>"
        "<pubDate>Thu, 25 Feb 2021 10:00:00 GMT</pubDate>"
        "<description>Metra will run 20 more weekend trains starting in March.</description></item>"
    )
    (root / "feed.rss").write_text(feed.replace("<item>", new_item + "<item>", 1))
    code, out, _ = cli("index", "add", f"{base}/feed.rss")
    assert code == 0 and out.startswith("Added 1 articles")
    assert len([t for t in titles(cli) if "Metra" in t or "Red Line" in t]) == 2
    code, out, _ = cli("ask", "how many more weekend trains will Metra run?")
    assert "Metra will run 20 more weekend trains" in out and "2021-02-25" in out


def test_a_rebuild_keeps_what_was_fetched(site, cli):
    _, base = site
    assert cli("index", "add", f"{base}/feed.atom")[0] == 0
    assert cli("index", "build")[0] == 0
    assert "Council delays vote on ward map" in titles(cli)


def test_a_sitemap_adds_its_pages_once(site, cli):
    root, base = site
    (root / "page2.html").write_text(
        "<html><head><title>Beach closes</title></head><body><article><h1>Beach closes</h1>"
        "<p>Montrose Beach closed Tuesday after high waves damaged the pier.</p>"
        "</article></body></html>"
    )
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/page.html</loc></url><url><loc>{base}/page2.html</loc></url>"
        f"<url><loc>{base}/gone.html</loc></url></urlset>"
    )
    code, out, err = cli("index", "add", f"{base}/sitemap.xml")
    assert code == 0 and out.startswith("Added 2 articles")
    assert f"{base}/gone.html: Could not fetch {base}/gone.html: the server answered 404" in err
    rows = titles(cli)
    assert rows["Lakefront path reopens after storm repairs"]["updated"] == "2021-02-23"
    assert rows["Beach closes"]["id"] == f"{base}/page2.html"
    code, out, _ = cli("index", "add", f"{base}/sitemap.xml")
    assert out.startswith("Nothing new to add")


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.rss"
    listener.close()


def test_fetch_errors_are_one_sentence(site, cli, silent_server, monkeypatch):
    root, base = site
    (root / "notes.txt").write_text("just some notes, not a feed\n")
    cases = {
        f"{base}/missing.rss": f"newsbot: Could not fetch {base}/missing.rss: the server "
        "answered 404 File not found.",
        f"{base}/notes.txt": f"newsbot: {base}/notes.txt is not a feed, a sitemap or a web page.",
        f"{base}/bomb.xml": f"newsbot: Could not read {base}/bomb.xml: declares XML entities "
        "(a possible XML bomb); refused without expanding them.",
        "http://127.0.0.1:1/feed.rss": "newsbot: Could not fetch http://127.0.0.1:1/feed.rss: "
        "[Errno 111] Connection refused.",
    }
    for url, message in cases.items():
        code, out, err = cli("index", "add", url)
        assert (code, out, err.strip().splitlines()[-1]) == (1, "", message)
    monkeypatch.setenv("NEWSBOT_FETCH_TIMEOUT", "0.2")
    code, _, err = cli("index", "add", silent_server)
    assert (code, err.strip().splitlines()[-1]) == (
        1,
        f"newsbot: Could not fetch {silent_server}: no answer within 0.2 s.",
    )
    monkeypatch.setenv("NEWSBOT_FETCH_MAX_MB", "0.001")
    code, _, err = cli("index", "add", f"{base}/feed.rss")
    assert err.strip().splitlines()[-1] == (
        f"newsbot: Could not fetch {base}/feed.rss: it is larger than 0.001 MB "
        "(NEWSBOT_FETCH_MAX_MB)."
    )


def test_the_serving_bot_follows_feeds_adding_new_items_only(site, tmp_path):
    _, base = site
    settings = IndexSettings(corpus=SEEDS, index_dir=tmp_path / "index")
    from index.archive import open_searcher

    live = LiveSearcher(
        settings,
        open_searcher(settings),
        interval=0,
        feeds=[f"{base}/feed.atom", f"{base}/missing.rss"],
        feed_interval=3600,
        limits=Limits(timeout=5),
    )
    assert live.follow_feeds() == 2
    answer = live.ask("who did the mayor name budget director?")
    assert answer.hits[0].article.title == "Mayor names new budget director"
    assert live.follow_feeds() == 0
    assert isinstance(live.current, Searcher)
    assert store.load(settings.index_dir).n_articles == 5  # 3 seeds + 2 entries


def test_feed_settings(tmp_path):
    settings = load_settings(
        {
            "NEWSBOT_FEEDS": "https://a.example/feed.xml, https://b.example/rss",
            "NEWSBOT_FEED_SECONDS": "60",
        },
        dotenv=None,
    )
    assert settings.feeds == ("https://a.example/feed.xml", "https://b.example/rss")
    assert settings.feed_seconds == 60
    with pytest.raises(ConfigError, match=r"NEWSBOT_FEEDS: 'ftp://x' is not an http\(s\) URL\."):
        load_settings({"NEWSBOT_FEEDS": "ftp://x"}, dotenv=None)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal_and_log_lines_elsewhere():
    from bot.console import progress as _progress

    log = io.StringIO()
    show = _progress(log)
    for done in range(0, 40_000_001, 1_000_000):
        show(done, 40_000_000)
    lines = log.getvalue().splitlines()
    assert lines[0] == "Indexing: 0% (0.0 of 40.0 MB)"
    assert lines[5] == "Indexing: 50% (20.0 of 40.0 MB)"
    assert lines[-1] == "Indexing: 100% (40.0 of 40.0 MB)" and len(lines) == 11
    terminal = Terminal()
    bar = _progress(terminal)
    bar(20_000_000, 40_000_000)
    bar(40_000_000, 40_000_000)
    assert terminal.getvalue() == (
        "\rIndexing [############             ]  50%  20.0 of 40.0 MB"
        "\rIndexing [#########################] 100%  40.0 of 40.0 MB\n"
    )
    small = io.StringIO()
    _progress(small)(500, 1000)  # a small build finishes before a bar would help
    assert small.getvalue() == ""
