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


MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 250


def test_no_module_over_600_lines_and_no_class_over_250() -> None:
    """Small units: a module that grows past this is split by what it owns, not let grow."""
    import ast

    too_big = []
    for f in sorted((ROOT / "nkextract").rglob("*.py")):
        src = f.read_text(encoding="utf-8")
        if len(src.splitlines()) > MAX_MODULE_LINES:
            too_big.append(f"{f.relative_to(ROOT)}: {len(src.splitlines())} lines")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                too_big.append(f"{f.relative_to(ROOT)}:{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not too_big, too_big
