#!/usr/bin/env python3
"""Random number-heavy text through the real extractor for a while (not a test).

    python bench/fuzz_extract.py [--model blank|auto] [--seconds 60] [--seed 1]

Checks that extraction never raises and every claim satisfies
``text == file_text[start:end]``.  The input being tried is written to
``--last FILE`` first, so a hard crash (this is how a spaCy segfault on unparsed Docs
was found) leaves the text that caused it behind.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

PIECES = list("0123456789,.-–—$£€%+ \n\u00a0abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ()[]'\"“”") + [
    "between ", " and ", " to ", "million", "bn", "more than ", "about ", "in 2015", "people", "percent",
    "hundreds of ", "thousand", "a dozen", "\u202f", "é", "中", "😀", "\u200f", "\x0c", "U.S. ", "Mr. ",
    # the number grammar of issue 9: fractions, signs and changes, ratios, ranks, money forms
    "½", "⅓", "/", "1/2", "two-thirds of ", " in ", "out of ", "minus ", "−", "fell ", "rose ", "down ",
    " to ", "twice ", " times ", "fold", "higher ", "12th ", "fourth straight ", "MM", "M", "K", "m ",
    "USD", "EUR", "p", "pence", "±", "×10", "^", "e-", "point ", "nought ", "or ", ";", "title ", "Boeing "]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="blank")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--last", type=Path, default=Path("fuzz-last.txt"))
    args = ap.parse_args()

    from nkextract.extraction.pipeline import Extractor
    from nkextract.read.files import Document
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.rules import load_rules

    ex = Extractor(load_pipeline(args.model, load_rules()))
    rng = random.Random(args.seed)
    start, n, claims = time.time(), 0, 0
    while time.time() - start < args.seconds:
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 300)))
        args.last.write_text(text, encoding="utf-8")
        for c in ex.extract(Document("fuzz.txt", text, "utf-8", "")):
            assert c.start < c.end and text[c.start:c.end] == c.text, (text, c)
            claims += 1
        n += 1
    args.last.unlink(missing_ok=True)
    print(f"{args.model}: {n:,} texts, {claims:,} claims, no failure")


if __name__ == "__main__":
    main()
