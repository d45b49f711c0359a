"""The code stays lint-clean (ruff, configured in pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *command], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_no_nltk_data_is_fetched_or_needed():
    """Nothing may call nltk.download or load NLTK data files (there is no internet)."""
    sources = [p for d in ("index", "bot") for p in (ROOT / d).rglob("*.py")]
    for path in sources:
        text = path.read_text()
        assert "nltk.download" not in text and "nltk.data" not in text, path
    code = (
        "import nltk.data, sys; nltk.data.path[:] = ['/nonexistent'];"
        "from index.text.analysis import Analyzer; print(Analyzer().terms('K-5 students'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "'k-5', 'student'" in result.stdout
