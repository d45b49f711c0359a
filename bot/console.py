"""What the `newsbot` command writes on stderr: messages, warnings, build progress, with
every name that comes from a corpus file made safe to show on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TextIO

EXIT_ERROR = 1
PROGRESS_BYTES = 2_000_000  # builds smaller than this finish before a bar would help
LOG_STEP = 10  # percent between progress lines when stderr is not a terminal


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def safe(text: str) -> str:
    """`text` (a file name, an id, a message naming one) with every character a terminal
    would act on -- escapes, newlines, bells, bidi overrides -- shown as its escape
    sequence, so a corpus file can't rewrite or fake what the terminal shows."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def notify(message: str) -> None:
    say(safe(message))


def warn_problems(problems: Sequence) -> None:
    shown = list(problems)[:50]
    for problem in shown:
        say(f"warning: {safe(str(problem))}")
    if len(problems) > len(shown):
        say(f"warning: … and {len(problems) - len(shown)} more")


def progress(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """Build progress on stderr: a bar redrawn in place on a terminal; otherwise (a log,
    a CI job, systemd) one line each LOG_STEP percent. Small builds show nothing."""
    stream = stream or sys.stderr
    tty = stream.isatty()
    logged = [-1]

    def show(done: int, total: int) -> None:
        if total < PROGRESS_BYTES:
            return
        pct = min(100, 100 * done // total)
        figures = f"{done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
        if tty:
            bar = "#" * (pct // 4)
            end = "\n" if done >= total else ""
            print(f"\rIndexing [{bar:<25}] {pct:3d}%  {figures}", end=end, file=stream, flush=True)
        elif pct // LOG_STEP > logged[0]:
            logged[0] = pct // LOG_STEP
            print(f"Indexing: {pct}% ({figures})", file=stream, flush=True)

    return show
