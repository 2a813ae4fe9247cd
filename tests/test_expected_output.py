"""The JSON that ``extract`` and ``conflicts --all`` write for ``corpus/``, byte for byte.

A refactoring must not change output; a change that does shows up here as a diff of
tests/data/expected/*.json.  Regenerate on purpose only, after reading that diff:

    NKX_REGENERATE=1 pytest tests/test_expected_output.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkextract.cli import app

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).resolve().parent / "data" / "expected"


@pytest.mark.parametrize(("name", "argv"), [
    ("corpus-extract.json", ["extract", "corpus"]),
    ("corpus-conflicts-all.json", ["conflicts", "corpus", "--all"]),
])
def test_output_on_corpus_is_the_expected_bytes(name: str, argv: list[str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # sources are written relative to the working folder
    out = tmp_path / name
    r = CliRunner().invoke(app, [*argv, "--no-cache", "-q", "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    if os.environ.get("NKX_REGENERATE"):
        (EXPECTED / name).write_bytes(out.read_bytes())
    assert out.read_bytes() == (EXPECTED / name).read_bytes(), f"output changed: diff {out} {EXPECTED / name}"
