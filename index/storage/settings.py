"""Where the corpus and the index are, and the knobs that change what gets indexed."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("auto", "okapi", "sparse")


@dataclass(frozen=True, slots=True)
class IndexSettings:
    corpus: Path
    index_dir: Path
    boilerplate: Path | None = None  # a newsroom's extra boilerplate rules
    aliases: Path | None = None  # a newsroom's extra aliases (read at query time)
    engine: str = "auto"  # "auto" | "okapi" | "sparse"
    workers: int = 0  # analysis processes; 0 picks by corpus size and cores


def default_index_dir(corpus: Path) -> Path:
    """A cache folder per corpus: $XDG_CACHE_HOME/newsbot/<name>-<hash of its path>."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot"
    resolved = Path(corpus).resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return base / f"{resolved.name or 'corpus'}-{digest}"
