#!/usr/bin/env python3
"""Grouping cost on synthetic claims: blocking keeps it far from quadratic.

    python bench/bench_conflicts.py [--claims 100000]

Times dedupe + group_claims on 10%, 25%, 50% and 100% of N synthetic claims (random
units, head nouns from a 3,000-word vocabulary, 2-5 word subjects, some concepts), and
the naive way measured in the same run: rapidfuzz cdist over ALL pairs of a sample,
projected to N claims (cost grows with N^2).  Prints the ratio of the two at N.
"""

from __future__ import annotations

import argparse
import random
import time

from nkextract.extraction.claims import Claim
from nkextract.compare.conflicts import group_claims
from nkextract.compare.dedupe import content_words, dedupe

UNITS = ["people", "USD", "percent", "years", "people/year", "barrels", "tonnes", "GBP", "months"]


def synth(n: int, seed: int = 1) -> list[Claim]:
    rng = random.Random(seed)
    syll = ["ka", "lo", "mi", "ren", "tor", "vis", "par", "dun", "sel", "bri", "gan", "hol"]
    vocab = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(6000)})[:5000]
    heads = vocab[:3000]
    concepts = vocab[3000:3200]
    out = []
    for i in range(n):
        unit = rng.choice(UNITS)
        head = rng.choice(heads)
        words = [rng.choice(vocab) for _ in range(rng.randint(1, 4))] + [head]
        cs = [rng.choice(concepts)] if rng.random() < 0.1 else []
        v = float(rng.choice([10, 50, 100, 1000, 5000, 20000, 80000, 120000, 200000]) * rng.uniform(0.9, 1.1))
        sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 25)))
        out.append(Claim(id=f"c{i}", source=f"f{i % (n // 20 + 1)}.txt", start=i, end=i + 5, text=f"{v:.0f}",
                         sentence=sentence, low=v, high=v, qualifier="exact", unit=unit, kind="count",
                         subject=" ".join(words), subject_key=" ".join([*cs, *words]), time=rng.choice([None, 2015, 2017]),
                         time_source=rng.choice([None, "sentence", "report"]), time_text=None, attribution=None,
                         rule="synthetic", head=head, concepts=cs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=3_000, help="claims in the all-pairs baseline sample")
    args = ap.parse_args()
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    claims = synth(args.claims)
    print(f"{'claims':>10}{'seconds':>10}{'groups':>9}{'us/claim':>10}")
    last = 0.0
    for frac in (0.1, 0.25, 0.5, 1.0):
        part = claims[: int(len(claims) * frac)]
        t = time.perf_counter()
        groups = group_claims(dedupe(part))
        last = time.perf_counter() - t
        print(f"{len(part):>10,}{last:>10.2f}{len(groups):>9,}{last / len(part) * 1e6:>10.1f}")
    sample = claims[: args.sample]
    keys = [c.subject_key for c in sample]
    sents = [content_words(c.sentence) for c in sample]
    t = time.perf_counter()
    cdist(keys, keys, scorer=fuzz.token_set_ratio, dtype="uint8", workers=1)
    cdist(sents, sents, scorer=fuzz.token_set_ratio, dtype="uint8", workers=1)
    per_pair = (time.perf_counter() - t) / (len(sample) ** 2)
    naive = per_pair * len(claims) ** 2
    print(f"naive all-pairs at {len(claims):,} claims: {naive:,.0f} s projected "
          f"({per_pair * 1e9:.0f} ns/pair from a {len(sample):,}-claim sample)")
    print(f"blocked grouping: {last:.1f} s = {naive / last:,.0f}x faster than all pairs")


if __name__ == "__main__":
    main()
