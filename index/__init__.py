"""newsbot's retrieval core: article files -> passages -> BM25 index -> cited answers.

Nothing in this package knows about Slack; `bot/` sits on top of `index.search.Searcher`.
"""
