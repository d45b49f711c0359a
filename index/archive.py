"""An archive: a corpus and its saved index kept in step, opened for searching.

This is where deciding to rebuild meets searching: `index.storage.freshness` brings the
saved index up to date with the corpus, and `index.retrieval.search.Searcher` searches
whatever index it is handed, knowing nothing of how it was built.
"""

from __future__ import annotations

from collections.abc import Callable

from index.retrieval.search import Searcher
from index.storage.freshness import open_index
from index.storage.settings import IndexSettings


def open_searcher(
    settings: IndexSettings, notify: Callable[[str], None] = lambda _: None, **kwargs
) -> Searcher:
    """A searcher over the current index for `settings`, built or updated first when it
    is out of date (`notify` hears what is being done, `kwargs` go to `open_index`)."""
    index = open_index(settings, notify, **kwargs)
    return Searcher(index, settings.engine, aliases=settings.aliases)
