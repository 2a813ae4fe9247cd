"""Helpers for the hostile-input suite (imported by its test modules; see conftest.py).

Two ways to drive the real CLI, both through ``typer.testing.CliRunner``:

* ``invoke(...)``: in this process (monkeypatches apply);
* ``invoke_budget(..., budget=s)``: in a child Python process that is killed when the
  budget runs out, for inputs that might hang or be pathologically slow: a hung
  in-process run could not be stopped and would stall the whole suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nkextract.cli import app
from nkextract.read.files import read_document

@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None
    seconds: float = 0.0

    @property
    def all(self) -> str:
        return self.stdout + self.stderr

    def ok(self, code: int = 0) -> "Run":
        assert self.exit_code == code, (self.exit_code, self.stdout[-1500:], self.stderr[-1500:], self.exception)
        assert "Traceback" not in self.all
        return self


def invoke(*args: Any, model: str = "blank") -> Run:
    argv = [str(a) for a in args]
    if argv and argv[0] in ("extract", "conflicts", "diff") and "--model" not in argv:
        argv += ["--model", model]
    t = time.perf_counter()
    r = CliRunner().invoke(app, argv)
    exc = r.exception if not isinstance(r.exception, SystemExit) else None
    return Run(r.exit_code, r.stdout, r.stderr, exc, time.perf_counter() - t)


_CHILD = r"""
import json, sys, time
from typer.testing import CliRunner
from nkextract.cli import app
argv, out = json.loads(sys.argv[1]), sys.argv[2]
t = time.perf_counter()
r = CliRunner().invoke(app, argv)
exc = None if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)
with open(out, "w", encoding="utf-8") as f:
    json.dump({"code": r.exit_code, "stdout": r.stdout, "stderr": r.stderr, "exc": exc,
               "seconds": time.perf_counter() - t}, f)
"""


class BudgetExceeded(AssertionError):
    pass


def invoke_budget(*args: Any, budget: float, model: str = "blank") -> Run:
    """Run the CLI in a child process; fail (and kill it) if it takes more than ``budget`` s.

    The budget is for the command as the child times it (pipeline loading included);
    Python's start-up gets 2 s on top before the child is killed.
    """
    argv = [str(a) for a in args]
    if argv and argv[0] in ("extract", "conflicts", "diff") and "--model" not in argv:
        argv += ["--model", model]
    out = Path(f".child-{os.getpid()}-{time.monotonic_ns()}.json").absolute()
    try:
        subprocess.run([sys.executable, "-c", _CHILD, json.dumps(argv), str(out)],
                       timeout=budget + 2, check=False, capture_output=True)
    except subprocess.TimeoutExpired:
        raise BudgetExceeded(f"nkextract {' '.join(argv[:2])}... still running after {budget + 2:.0f} s") from None
    assert out.exists(), "the child process died without a result"
    res = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    run = Run(res["code"], res["stdout"], res["stderr"], None, res["seconds"])
    assert res["exc"] is None, res["exc"]
    if run.seconds > budget:
        raise BudgetExceeded(f"took {run.seconds:.1f} s, budget {budget:.0f} s")
    return run


def _no_inf_nan(token: str) -> Any:
    raise ValueError(f"non-JSON constant {token!r} in output")


def strict_json(text: str) -> Any:
    """json.loads that refuses Infinity/-Infinity/NaN (Python's json accepts them)."""
    return json.loads(text, parse_constant=_no_inf_nan)


def strict_jsonl(text: str) -> list[Any]:
    return [strict_json(line) for line in text.splitlines() if line.strip()]


def check_offsets(claims: list[dict[str, Any]], texts: dict[str, str] | None = None) -> None:
    """Every claim's text is exactly its file's decoded text at [start:end]."""
    texts = {} if texts is None else texts
    for c in claims:
        if c["source"] not in texts:
            doc = read_document(Path(c["source"]))
            assert hasattr(doc, "text"), doc
            texts[c["source"]] = doc.text
        text = texts[c["source"]]
        assert 0 <= c["start"] < c["end"] <= len(text), c
        assert text[c["start"]:c["end"]] == c["text"], (c["source"], c["start"], c["text"])
