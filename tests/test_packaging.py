"""The wheel carries the default rules and nothing else from the repo's top level.

A plain (non-editable) ``pip install .`` must find its rules: this once failed because
the installed rules folder was read through importlib.resources as a namespace package.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = {"numbers.toml", "units.toml", "context.toml", "concepts.toml", "entities.jsonl"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed: {proc.stderr[-2000:]}")
    wheels = list(out.glob("nkextract-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_ships_rules_and_no_stray_packages(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.rsplit("/", 1)[-1] for n in names if n.startswith("nkextract/default_rules/")}
    assert RULE_FILES <= shipped
    top = {n.split("/", 1)[0] for n in names}
    assert not top & {"corpus", "rules", "tests", "bench"}, top


def test_installed_package_finds_its_rules_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import nkextract.rules as r; d = r.default_rules_dir(); "
            "rules = r.load_rules(); print(d); print(len(rules.entities))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rules_dir, n_entities = proc.stdout.split()
    assert Path(rules_dir) == site / "nkextract" / "default_rules"
    assert int(n_entities) > 100
