"""Shared fixtures: a clean environment, the seed corpus, temporary indexes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.storage.settings import IndexSettings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def run_cli(
    *args: str, env: dict | None = None, prefix: tuple = (), timeout: float = 120, **kwargs
) -> subprocess.CompletedProcess:
    """`newsbot ARGS` in a fresh process on this checkout, as a user runs it (`env` adds to
    the environment; `prefix` runs it under another command, such as setpriv)."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=timeout,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path_factory):
    """No test sees the developer's settings, tokens or caches."""
    for name in list(os.environ):
        if name.startswith(("NEWSBOT_", "SLACK_")):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="session")
def seed_searcher(tmp_path_factory):
    """A Searcher over the shipped seeds (built once per test session)."""
    from index.archive import open_searcher

    index_dir = tmp_path_factory.mktemp("seed-index")
    return open_searcher(IndexSettings(corpus=SEEDS, index_dir=index_dir))


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A writable copy of the seeds."""
    path = tmp_path / "corpus"
    shutil.copytree(SEEDS, path)
    return path


@pytest.fixture
def settings(corpus, tmp_path) -> IndexSettings:
    return IndexSettings(corpus=corpus, index_dir=tmp_path / "index")


# the loopback Slack stand-ins and the bot running against them
from tests.slack_fixtures import (  # noqa: E402, F401
    bot,
    bot_settings,
    fake_slack,
    http_bot,
    socket_link,
)
