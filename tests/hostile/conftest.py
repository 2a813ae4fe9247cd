"""The hostile-input suite: every input is made at test time in ``tmp_path``.

Each test runs in its own ``tmp_path`` as working directory (so sources are short
relative paths) with its own user cache directory (``XDG_CACHE_HOME``), so no run is
answered from, or leaves anything in, the real cache.  Helpers live in
``hostile_helpers.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    return tmp_path
