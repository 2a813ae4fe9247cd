#!/usr/bin/env python3
"""Where extraction spends its time: cProfile over one process's work on real news.

    python bench/profile_extract.py [--corpus DIR ...] [--model auto|blank] [--top 15]
    PYTHONPATH=/path/to/other/checkout python bench/profile_extract.py ...   # another version

It loads the pipeline (not profiled: start-up is measured by bench_versions.py), cuts the
folders' ``*.txt`` files into chunks and packs as a worker gets them, and profiles
``run_task`` over every pack: the work a cold ``nkextract extract`` does per file.  It
prints the top functions by cumulative time and by own time, as ``module:function``.
Run it from outside the repository to profile another version (``python -m``-style
imports put the working directory first; this script is run by path, so its own
folder, not the repository's, comes first).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path


def _name(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name  # a builtin
    parts = Path(path).parts
    tail = "/".join(parts[parts.index("site-packages") + 1:] if "site-packages" in parts else parts[-2:])
    return f"{tail}:{line}({name})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append", default=[],
                    help="a folder of real articles (repeatable; default: $NKX_DEV/corpus)")
    ap.add_argument("--model", default="auto")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()

    import nkextract
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.extraction.pipeline import Extractor, make_chunks
    from nkextract.read.files import Document
    from nkextract.rules import load_rules
    from nkextract.run.work import cut_packs, run_task

    dirs = args.corpus or [Path(os.environ.get("NKX_DEV") or Path(tempfile.gettempdir()) / "nkx-dev") / "corpus"]
    pipe = load_pipeline(args.model, load_rules(()))
    extractor = Extractor(pipe)
    chunks, words = [], 0
    for d in dirs:
        for p in sorted(d.rglob("*.txt")):
            text = p.read_text(encoding="utf-8", errors="replace")
            words += len(text.split())
            chunks += make_chunks(Document(str(p), text, "utf-8", ""), pipe.rules)
    packs = cut_packs(chunks)
    profile = cProfile.Profile()
    t = time.perf_counter()
    profile.enable()
    claims = sum(len(c) for pack in packs for c in run_task(pack, extractor))
    profile.disable()
    wall = time.perf_counter() - t
    print(f"nkextract from {Path(nkextract.__file__).parent}; model {pipe.model}; {words:,} words, "
          f"{claims:,} claims; {wall:.2f} s under the profiler")
    stats = pstats.Stats(profile)
    here = str(Path(__file__).resolve())
    rows = [(func, st[2], st[3], st[1]) for func, st in stats.stats.items()  # own, cumulative, calls
            if func[0] != here and func[2] != "<built-in method builtins.sum>"]  # this script's own loop
    for title, key in (("cumulative", 2), ("own time", 1)):
        print(f"\ntop {args.top} by {title}:")
        print(f"{'cum s':>8}{'own s':>8}{'calls':>10}  function")
        for func, own, cum, calls in sorted(rows, key=lambda r: -r[key])[:args.top]:
            print(f"{cum:8.2f}{own:8.2f}{calls:10,}  {_name(func)}")


if __name__ == "__main__":
    main()
