"""The house's shape is checked, not hoped for: import-linter's contracts in pyproject.toml
(each stage imports only the stages below it; no import cycle at any depth)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_stages_import_only_the_stages_below_them_and_nothing_is_circular() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    r = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]
    assert "2 kept, 0 broken" in r.stdout
