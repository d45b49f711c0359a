"""Logging for the server: one line per record, secrets never written.

Every formatted line (message and traceback alike) is scrubbed of the configured
token and signing-secret values and of anything shaped like a Slack token.

A configured value is redacted wherever it appears only when it is at least
`MIN_SECRET_LENGTH` characters long: a value that long (Slack's signing secrets are 32
characters, its tokens over 50) never turns up in a log line by chance. A shorter value
would: the secret "s" would garble every line ("[redacted]lack_[redacted]dk…"), so it
is not redacted, and `configure` logs a warning that it is too short to protect.
"""

from __future__ import annotations

import logging
import re
import sys

MIN_SECRET_LENGTH = 8
_TOKEN_SHAPE = re.compile(r"\b(?:xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]{6,}")


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: list[str], fmt: str) -> None:
        super().__init__(fmt)
        self.secrets = sorted(
            (s for s in secrets if len(s or "") >= MIN_SECRET_LENGTH), key=len, reverse=True
        )
        self.too_short = sum(1 for s in secrets if s and len(s) < MIN_SECRET_LENGTH)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN_SHAPE.sub("[redacted]", text)


def configure(level: str, secrets: list[str], stream=None) -> logging.Handler:
    """Route all logging to `stream` (stderr) through the redacting formatter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        RedactingFormatter(secrets, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    formatter = handler.formatter
    if isinstance(formatter, RedactingFormatter) and formatter.too_short:
        logging.getLogger(__name__).warning(
            "%d configured secret(s) shorter than %d characters: too short to redact "
            "from logs without garbling them; use the real Slack values",
            formatter.too_short,
            MIN_SECRET_LENGTH,
        )
    return handler
