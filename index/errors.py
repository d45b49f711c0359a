"""The exceptions `index/` raises. The edges (CLI, Slack) turn them into one clear sentence.

NewsbotError
├── CorpusError        the corpus path is missing, empty, or nothing in it could be read
├── IndexStoreError    a saved index can't be used (corrupt, truncated, foreign, newer format)
│   ├── IndexMissing   there is no index there yet
│   └── IndexAccessError  it can't be read or written: permission denied, disk full
└── ConfigError        a setting is missing or malformed (names the setting)
"""


class NewsbotError(Exception):
    """Base class: the message is one sentence a user can act on."""


class CorpusError(NewsbotError):
    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []  # what could not be read, for the user to see


class IndexStoreError(NewsbotError):
    pass


class IndexMissing(IndexStoreError):
    pass


class IndexAccessError(IndexStoreError):
    """Not the index's fault: the file system refused (permission, disk full, read-only)."""


class ConfigError(NewsbotError):
    pass
