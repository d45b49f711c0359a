"""A searcher that follows its corpus while serving.

`LiveSearcher` answers from the current index and, in a background thread, checks the
corpus every `interval` seconds. When it changed, the new index is built (or the new
files added) in that thread and the new Searcher is swapped in with one assignment:
questions asked meanwhile are answered from the previous index, none fail. The old
generation's files may be deleted from disk; its memory maps stay valid (POSIX) until
the last question using them is answered.

At start, an index too large to be checksummed at load (see index/storage/store.py) is
checksummed in the same thread; if a file is damaged, the index is rebuilt and swapped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from index.models import Answer, Article
from index.retrieval.search import Searcher
from index.storage import build, store
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
    ) -> None:
        self.settings = settings
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

    # ---------------------------------------------------------------- background

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="newsbot-index", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)

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
            with store.locked(self.settings.index_dir):
                if added:
                    report = build.add(self.settings, store.load(self.settings.index_dir), added)
                else:
                    report = build.build(self.settings)
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
