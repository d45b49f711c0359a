"""The layout keeps the data's path: each stage imports only the stages before it."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

# nltk's tokenizers are not listed: `import nltk.stem` runs nltk/__init__, which imports
# them all, and the Snowball stemmer is what a question needs. newsbot itself calls none.
BUILD_SIDE = (
    "index.ingest",
    "index.storage.build",
    "index.storage.analyse",
    "index.storage.invert",
    "index.storage.freshness",
    "index.archive",
    "index.live",
    "multiprocessing",
    "concurrent.futures.process",
)


def loaded_by(module: str) -> set[str]:
    """The modules a fresh interpreter has loaded after importing `module`."""
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_search_imports_nothing_of_ingest_or_build():
    loaded = loaded_by("index.retrieval.search")
    wrong = sorted(
        m for m in loaded for side in BUILD_SIDE if m == side or m.startswith(side + ".")
    )
    assert not wrong, f"index.retrieval.search pulls in {wrong}"


@pytest.mark.parametrize("module", ["index.models", "index.errors"])
def test_values_import_nothing_of_the_project(module):
    ours = {m for m in loaded_by(module) if m.split(".")[0] in ("index", "bot")}
    assert ours <= {"index", module}, sorted(ours)


def test_citations_need_no_nltk_or_numpy():
    loaded = loaded_by("bot.citation")
    assert not any(m.split(".")[0] in ("nltk", "numpy") for m in loaded)


def test_index_imports_nothing_of_slack_or_bot():
    for path in (ROOT / "index").rglob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                assert words[1].split(".")[0] not in ("bot", "slack_bolt", "slack_sdk"), path
