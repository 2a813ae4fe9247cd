#!/usr/bin/env python3
"""The Dask backend against the local run, on real articles: same claims, time ratio.

    python bench/bench_cluster.py FOLDER [--files 300] [--workers 2] [--repeat 3]

Runs ``nkextract extract FILES --no-cache -f jsonl`` with ``-j N`` and with
``--dask local:N`` (a LocalCluster of N worker processes: scheduler, spawn, one pipeline
load per worker, all included), alternating, and prints each run's wall time, the medians
and their ratio.  Fails if the two outputs (sorted lines) differ.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(cmd: list[str]) -> tuple[float, bytes]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 3):  # 3: some inputs skipped, reported the same way by both
        sys.exit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--files", type=int, default=300, help="the first N files of FOLDER, by name")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = sorted(str(p) for p in args.folder.iterdir() if p.is_file())[: args.files]
    base = [sys.executable, "-m", "nkextract.cli", "extract", *files, "--no-cache", "-f", "jsonl", "-q"]
    runs = {"local": [*base, "-j", str(args.workers)], "dask": [*base, "--dask", f"local:{args.workers}"]}
    times: dict[str, list[float]] = {name: [] for name in runs}
    outputs: dict[str, bytes] = {}
    for _ in range(args.repeat):
        for name, cmd in runs.items():
            elapsed, out = timed(cmd)
            times[name].append(elapsed)
            outputs[name] = b"".join(sorted(out.splitlines(keepends=True)))
            print(f"{name:>6} {elapsed:6.2f} s")
    if outputs["local"] != outputs["dask"]:
        sys.exit("the outputs differ")
    local, dask = (statistics.median(times[n]) for n in ("local", "dask"))
    claims = len(outputs["local"].splitlines())
    print(f"{len(files)} files, {claims} claims, identical sorted JSONL")
    print(f"median: -j {args.workers} {local:.2f} s, --dask local:{args.workers} {dask:.2f} s, "
          f"ratio {dask / local:.2f}")


if __name__ == "__main__":
    main()
