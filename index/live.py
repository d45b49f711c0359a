"""A searcher that follows its corpus while serving.

`LiveSearcher` answers from the current index and, in a background thread, checks the
corpus every `interval` seconds. When it changed, the new index is built (or the new
files added) in that thread and the new Searcher is swapped in with one assignment:
questions asked meanwhile are answered from the previous index, none fail. The old
generation's files may be deleted from disk; its memory maps stay valid (POSIX) until
the last question using them is answered.

With `feeds`, a second thread fetches each feed (or sitemap, or page) every
`feed_interval` seconds and adds the items not yet indexed (`add_urls`); a feed that
can't be fetched is logged and tried again next time.

At start, an index too large to be checksummed at load (see index/storage/store.py) is
checksummed in the same thread; if a file is damaged, the index is rebuilt and swapped.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

from index.ingest.fetch import FetchError, Limits, collect
from index.models import Answer, Article, ArticleText, Problem
from index.retrieval.search import Searcher
from index.storage import build, store, writer
from index.storage.freshness import check
from index.storage.settings import IndexSettings

log = logging.getLogger("newsbot.index")


class LiveSearcher:
    def __init__(
        self,
        settings: IndexSettings,
        searcher: Searcher,
        interval: float = 60.0,
        on_swap: Callable[[Searcher], None] | None = None,
        feeds: Sequence[str] = (),
        feed_interval: float = 0.0,
        limits: Limits | None = None,
    ) -> None:
        self.settings = settings
        self.feeds, self.feed_interval = tuple(feeds), feed_interval
        self.limits = limits or Limits()
        self._follower: threading.Thread | None = None
        self.current = searcher
        self.interval = interval
        self.on_swap = on_swap
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._refresh_lock = threading.Lock()

    # the Searcher interface, answered by whichever index is current
    def ask(
        self, question: str, top: int = 3, offset: int = 0, optional: frozenset[str] = frozenset()
    ) -> Answer:
        return self.current.ask(question, top, offset, optional)

    @property
    def index(self) -> store.Index:
        return self.current.index

    @property
    def analyzer(self):
        return self.current.analyzer

    def sources(self) -> list[Article]:
        return self.current.sources()

    def article_at(self, url: str) -> Article | None:
        return self.current.article_at(url)

    def newest(self, n: int) -> list[tuple[Article, int]]:
        return self.current.newest(n)

    # ---------------------------------------------------------------- background

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="newsbot-index", daemon=True)
            self._thread.start()
        if self._follower is None and self.feeds and self.feed_interval > 0:
            self._follower = threading.Thread(
                target=self._follow, name="newsbot-feeds", daemon=True
            )
            self._follower.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in (self._thread, self._follower):
            if thread is not None:
                thread.join(30)

    def _follow(self) -> None:
        self.follow_feeds()
        while not self._stop.wait(self.feed_interval):
            self.follow_feeds()

    def follow_feeds(self) -> int:
        """Add what is new in each feed now; the number of articles added. Never raises."""
        added = 0
        for url in self.feeds:
            try:
                with self._refresh_lock:
                    report, problems = add_urls(self.settings, [url], self.limits)
                    for problem in problems[:50]:
                        log.warning("feed %s: %s", url, problem)
                    if report is None:
                        continue
                    self._swap(
                        Searcher(
                            store.load(self.settings.index_dir),
                            self.settings.engine,
                            aliases=self.settings.aliases,
                        )
                    )
                log.info("feed %s: %d new article(s) added", url, report.articles)
                added += report.articles
            except FetchError as err:
                log.warning("feed not followed this time: %s", err)
            except Exception:
                log.exception("could not add the new items of feed %s", url)
        return added

    def _run(self) -> None:
        self._verify()
        while not self._stop.wait(self.interval):
            self.refresh()

    def _verify(self) -> None:
        index = self.current.index
        if index.meta.get("verified_at_load") or self._superseded():
            return
        try:
            damaged = store.verify_all(index)
        except FileNotFoundError:
            return  # another process replaced this generation meanwhile: refresh() loads it
        except OSError as err:
            damaged = [str(err)]
        if damaged:
            log.error("the index is damaged (%s); rebuilding it", ", ".join(damaged))
            self._rebuild("the index was damaged")

    def _superseded(self) -> bool:
        """Has another process (`newsbot index add`, `build`) made a newer generation?"""
        try:
            current = store.read_current(self.settings.index_dir)
        except Exception:
            return False
        return bool(current) and current.get("generation") != self.current.index.path.name

    def refresh(self) -> bool:
        """Bring the index up to date with the corpus now; True if a new one was swapped in.
        Never raises: on failure the previous index keeps answering and it is logged."""
        with self._refresh_lock:
            if self._superseded():
                try:
                    self._swap(
                        Searcher(
                            store.load(self.settings.index_dir),
                            self.settings.engine,
                            aliases=self.settings.aliases,
                        )
                    )
                    log.info("picked up the index another process wrote")
                except Exception:
                    log.exception("could not load the index another process wrote")
            try:
                staleness = check(self.current.index, self.settings)
            except Exception:
                log.exception("could not check the corpus for changes")
                return False
            if staleness.fresh:
                return False
            if staleness.rebuild is None:
                reason = f"{len(staleness.added)} new file(s)"
            else:
                reason = staleness.rebuild
            return self._rebuild(reason, staleness.added if staleness.rebuild is None else None)

    def _rebuild(self, reason: str, added=None) -> bool:
        log.info("index update started: %s; answering from the previous index meanwhile", reason)
        try:
            with writer.locked(self.settings.index_dir):
                if added:
                    base = store.load(self.settings.index_dir)
                    report = build.add(self.settings, base, added, _log_progress())
                else:
                    report = build.build(self.settings, _log_progress())
                for problem in report.problems[:50]:
                    log.warning("skipped: %s", problem)
                fresh = Searcher(
                    store.load(self.settings.index_dir),
                    self.settings.engine,
                    aliases=self.settings.aliases,
                )
        except Exception:
            log.exception(
                "index update failed (%s); still answering from the previous index", reason
            )
            return False
        self._swap(fresh)
        return True

    def _swap(self, fresh: Searcher) -> None:
        self.current = fresh  # one assignment: every later question sees the new index
        log.info(
            "index in use: %s articles, %s passages",
            f"{fresh.index.n_articles:,}",
            f"{fresh.index.n_passages:,}",
        )
        if self.on_swap is not None:
            self.on_swap(fresh)


def _log_progress(step: int = 10, least: int = 2_000_000) -> build.Progress:
    """A long background build's progress as a log line each `step` percent."""
    logged = [-1]

    def show(done: int, total: int) -> None:
        pct = min(100, 100 * done // max(total, 1))
        if total >= least and pct // step > logged[0]:
            logged[0] = pct // step
            log.info("indexing: %d%% (%.1f of %.1f MB)", pct, done / 1e6, total / 1e6)

    return show


# ------------------------------------------------------------------ adding from the web


def add_urls(
    settings: IndexSettings,
    urls: Sequence[str],
    limits: Limits,
    progress: build.Progress | None = None,
) -> tuple[build.Report | None, list[Problem]]:
    """Fetch each feed, sitemap or page in `urls` and index the articles the index does
    not hold yet (by id: their URL). (None, problems) when there is nothing new. The new
    articles are kept as one .jsonl file in the index folder's `fetched/`, so a rebuild
    from scratch keeps them. Raises FetchError when a URL can't be fetched or read."""
    problems: list[Problem] = []
    known = set(store.load(settings.index_dir).article_ids())
    new: dict[str, ArticleText] = {}
    for url in urls:  # fetched outside the lock: a slow site must not hold up the index
        for article in collect(url, limits, known, problems.append):
            new.setdefault(article.id, article)
    if not new:
        return None, problems
    with writer.locked(settings.index_dir):
        base = store.load(settings.index_dir)
        held = set(base.article_ids())  # another process may have added some meanwhile
        fresh = [a for a in new.values() if a.id not in held]
        if not fresh:
            return None, problems
        path = _save_fetched(settings.index_dir, urls[0], fresh)
        files = build.sources(settings, [path], problems)
        report = build.add(settings, base, files, progress)
        build.remember_added(settings.index_dir, [path.resolve()])
    report.problems[:0] = problems
    return report, problems


def _save_fetched(index_dir: Path, url: str, articles: list[ArticleText]) -> Path:
    folder = Path(index_dir) / "fetched"
    folder.mkdir(parents=True, exist_ok=True)
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", urlparse(url).netloc)[:60] or "web"
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = folder / f"{stamp}-{host}-{uuid.uuid4().hex[:6]}.jsonl"
    fields = ("id", "title", "url", "published", "updated", "source", "byline", "section")
    lines = []
    for a in articles:
        row = {name: getattr(a, name) for name in fields if getattr(a, name)}
        lines.append(json.dumps({**row, "tags": list(a.tags), "text": a.text}, ensure_ascii=False))
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", "utf-8")
    os.replace(tmp, path)
    return path
