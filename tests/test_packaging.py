"""The wheel carries the default rules, the report's templates, and nothing else from the
repo's top level.

A plain (non-editable) ``pip install .`` must find its rules: this once failed because
the installed rules folder was read through importlib.resources as a namespace package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = {"numbers.toml", "units.toml", "context.toml", "concepts.toml", "entities.jsonl"}
TEMPLATES = {"report.html.j2", "report.css", "report.js"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # built from a clean copy: setuptools reuses a source tree's build/ folder, where a
    # module since moved or deleted would still be packed
    src = tmp_path_factory.mktemp("src") / "nkextract"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "test-artifacts",
                                                             "__pycache__", ".pytest_cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
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
    templates = {n.rsplit("/", 1)[-1] for n in names if n.startswith("nkextract/present/templates/")}
    assert templates == TEMPLATES
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


def test_installed_package_renders_the_report_from_its_templates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import collections, nkextract.present.report as r; "
            "info = r.ReportInfo(inputs=['x'], files=0, claims=0, merged=0, tolerance=0.1, model='blank'); "
            "html = r.render_report([], collections.Counter(), [], info); "
            "print(r.__file__); print(len(html), html.count('<style>'), html.count('<script>'))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    module, counts = proc.stdout.splitlines()
    assert Path(module).is_relative_to(site)
    size, styles, scripts = map(int, counts.split())
    assert size > 5000 and styles == 1 and scripts == 1
