#!/usr/bin/env python3
"""Two versions of nkextract, one cold process each, paired on the same real news.

    python bench/bench_versions.py --base REV [--corpus DIR ...] [--runs 5] [--model auto --model blank]

``REV`` (a commit, tag or branch) is checked out into a temporary git worktree and run
from there (``PYTHONPATH``), against the working tree; both run ``nkextract extract
-j 1 --no-cache`` over the same folders, alternately (base, new, base, new, ...) so
that the machine's drift hits both alike.  It prints, per model, the median wall time
and words/s of each, their ratio, the peak resident memory of each process, and whether
the two JSON outputs are byte-identical (a speed-up that changes the output is not one).
Whole processes are timed, start-up included, because that is what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(src: Path, corpus: list[Path], model: str, out: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in kB) of one cold extraction in its own process.

    It runs in ``out``'s folder: ``python -m`` puts the working directory ahead of
    PYTHONPATH, so a run started from the repository would import the working tree's
    nkextract for both versions (this script once compared the working tree with itself)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "nkextract.cli", "extract", *(str(c.resolve()) for c in corpus), "-j", "1",
           "--no-cache", "--model", model, "-q", "-f", "json", "-o", str(out)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=out.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{src}: exit {proc.returncode}: {err[-500:]}")
    return wall, usage.ru_maxrss


def imported_from(src: Path, cwd: Path) -> Path:
    """Where a process run as :func:`run_once` runs it imports nkextract from."""
    out = subprocess.run([sys.executable, "-c", "import nkextract; print(nkextract.__file__)"], cwd=cwd,
                         env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the version to compare with (a git revision)")
    ap.add_argument("--corpus", type=Path, action="append", default=[],
                    help="a folder of real articles (repeatable; default: $NKX_DEV/corpus)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--model", action="append", default=[], help="default: auto and blank")
    args = ap.parse_args()
    corpus = args.corpus or [Path(os.environ.get("NKX_DEV") or Path(tempfile.gettempdir()) / "nkx-dev") / "corpus"]
    words = sum(len(p.read_text(encoding="utf-8", errors="replace").split())
                for d in corpus for p in sorted(d.rglob("*.txt")))
    tmp = Path(tempfile.mkdtemp(prefix="nkversions-"))
    base = tmp / "base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.base], check=True)
    try:
        for src in (base, ROOT):
            if imported_from(src, tmp) != src.resolve():
                raise SystemExit(f"error: a run meant for {src} imports nkextract from {imported_from(src, tmp)}")
        print(f"corpus: {', '.join(map(str, corpus))}: {words:,} words; base {args.base}; {args.runs} paired runs")
        print(f"{'model':8}{'version':10}{'median s':>10}{'words/s':>10}{'peak MB':>9}")
        for model in args.model or ["auto", "blank"]:
            times: dict[str, list[float]] = {"base": [], "new": []}
            rss: dict[str, int] = {"base": 0, "new": 0}
            for _ in range(args.runs):
                for name, src in (("base", base), ("new", ROOT)):
                    wall, kb = run_once(src, corpus, model, tmp / f"{name}-{model}.json")
                    times[name].append(wall)
                    rss[name] = max(rss[name], kb)
            med = {k: statistics.median(v) for k, v in times.items()}
            for name in ("base", "new"):
                print(f"{model:8}{name:10}{med[name]:10.2f}{words / med[name]:10,.0f}{rss[name] / 1024:9.0f}")
            same = (tmp / f"base-{model}.json").read_bytes() == (tmp / f"new-{model}.json").read_bytes()
            print(f"{model:8}new/base words/s = {med['base'] / med['new']:.2f}x; output byte-identical: {same}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
