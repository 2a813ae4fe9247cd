#!/usr/bin/env python3
"""Re-estimate the prototype linkage's parameters (``bench/linkage/linkage.toml``) from a gold file.

    python bench/fit_linkage.py [--gold ../shared/dev/gold.json] [--corpus DIR] [--claims FILE]
                                [--write] [--out rules/linkage.toml]

Reads the corpus's claims (``nkextract extract``, answered from the cache after the first
run), compares every candidate pair as ``nkextract conflicts`` does, labels the pairs from
the gold (``devgold.py``), and estimates:

* m (P(level | one quantity)) from the pairs labelled one quantity;
* u (P(level | two quantities)) from the folder's candidate pairs, as Splink estimates u
  from random pairs (``nkextract`` re-estimates it on every folder it reads, this one
  only as a prior for small folders);
* the prior (the share of candidate pairs that are one quantity, EM refines it per folder);
* the threshold: the posterior that best trades clear-conflict recall against lenient
  precision on the gold (their harmonic mean), as the scorer measures them.

``--write`` writes the parameters file; without it, the fit is printed.  Cross-validated
scores: ``python bench/eval_conflicts.py --cv 5``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devgold import DEFAULT_CORPUS, DEFAULT_SCORER, POSITIVE, DevGold, label_pairs, parse_counts  # noqa: E402

from linkage import linkage as LK  # noqa: E402
from linkage.groups import build_groups  # noqa: E402
from linkage.linkage import Compared, compare, weigh  # noqa: E402
from linkage.model import EM_ITERATIONS, Model, dump_model, estimate_m, estimate_u  # noqa: E402
from linkage.verdicts import SEVERE  # noqa: E402

from nkextract.compare.dedupe import dedupe  # noqa: E402
from nkextract.rules import Rules, load_rules  # noqa: E402
from nkextract.run.runner import load_claims_file  # noqa: E402

THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999)


def dev_claims(corpus: str, claims: Path | None = None) -> list[Any]:
    """The corpus's claims, merged as ``conflicts`` merges them (extracted once, then cached)."""
    if claims is None:
        claims = Path(tempfile.gettempdir()) / "nkx-fit-claims.jsonl"
        subprocess.run([sys.executable, "-m", "nkextract.cli", "extract", corpus, "-f", "jsonl", "-o", str(claims),
                        "-q"], check=True)
    return dedupe(load_claims_file(claims))


class FoldScorer:
    """The scorer's counts for the gold of any set of stories (each set's gold built once)."""

    def __init__(self, dg: DevGold, corpus: str) -> None:
        self.dg, self.corpus = dg, corpus
        self._golds: dict[tuple[str, ...], Any] = {}

    def score(self, groups: list[dict[str, Any]], stories: Iterable[str] | None = None) -> dict[str, int]:
        key = tuple(sorted(stories)) if stories is not None else ()
        if key not in self._golds:
            path = self.dg.path
            if key:
                path = self.dg.sc.only_stories(self.dg.path, list(key), tempfile.mkdtemp(prefix="nkx-fold-"))
            self._golds[key] = self.dg.sc.Gold(path, self.corpus)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(groups, f)
        lines: list[str] = []
        try:
            self.dg.sc.score_conflicts(self._golds[key], self.dg.sc.load_groups(f.name), 0, lines.append)
        finally:
            os.unlink(f.name)
        return parse_counts(lines)


class Fitter(FoldScorer):
    """A corpus with gold, compared once by the prototype; fits and scores for any subset of
    its stories."""

    def __init__(self, dg: DevGold, corpus: str, claims: Sequence[Any], rules: Rules, tol: float = 0.1) -> None:
        super().__init__(dg, corpus)
        self.rules, self.tol = rules, tol
        self.adapt = True
        self.em_steps = EM_ITERATIONS
        self.beta = 0.5
        self.cmpd: Compared = compare(claims, rules, tol)
        labels, stories = label_pairs(dg, self.cmpd.claims, self.cmpd.pairs)
        self.labels = np.array(labels)
        self.stories = np.array([s or "" for s in stories])

    def fit(self, train: Iterable[str] | None = None, name: str = "") -> Model:
        """m from the training stories' positive pairs; u from the folder (no labels); the
        prior from the training stories; the threshold that scores best on them."""
        comps = self.cmpd.comparisons
        in_train = np.isin(self.stories, list(train)) if train is not None else self.stories != ""
        pos = in_train & (self.labels == POSITIVE)
        u = estimate_u(self.cmpd.random_levels if LK.U_FROM == "random" else self.cmpd.levels, comps)
        m = estimate_m(self.cmpd.levels[pos], comps, u)
        if LK.U_FROM == "random":
            # the prior odds of a random pair: positives among the training stories' claims' pairs
            n_claims = len({int(x) for x in self.cmpd.pairs[in_train].ravel()})
            prior = float(pos.sum() / max(1.0, n_claims * (n_claims - 1) / 2))
        else:
            prior = float(pos.sum() / max(1, in_train.sum()))
        model = Model(comps, m, u, prior, 0.5, name)
        model.threshold = self.best_threshold(model, train)
        return model

    def groups(self, model: Model, threshold: float | None = None) -> list[dict[str, Any]]:
        """The report's groups (as the scorer reads them) under ``model``."""
        lk = weigh(self.cmpd, model, self.adapt, self.em_steps)
        t = model.threshold if threshold is None else threshold
        return [scored(g) for g in build_groups(lk, t) if g.verdict in SEVERE]

    def best_threshold(self, model: Model, train: Iterable[str] | None) -> float:
        """The threshold with the best F-beta of clear recall and lenient precision (beta
        0.5: precision counts twice)."""
        lk = weigh(self.cmpd, model, self.adapt, self.em_steps)
        best = (-1.0, 0.0)
        for t in THRESHOLDS:
            c = self.score([scored(g) for g in build_groups(lk, t) if g.verdict in SEVERE], train)
            r = c["clear"] / max(1, c["n_clear"])
            p = c["right"] / max(1, c["right"] + c["false"])
            b2 = self.beta ** 2
            f = (1 + b2) * r * p / (b2 * p + r) if r + p else 0.0
            if f >= best[0]:
                best = (f, t)
        return best[1]


def scored(g: Any) -> dict[str, Any]:
    """What the scorer reads of a group: its verdict and where its claims stand."""
    return {"verdict": g.verdict, "claims": [{"source": c.source, "start": c.start, "end": c.end,
                                              "mentions": [{k: m[k] for k in ("source", "start", "end")}
                                                           for m in (c.mentions or [c.mention()])]}
                                             for c in g.claims]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--gold", default=str(DEFAULT_SCORER.parent / "gold.json"))
    ap.add_argument("--claims", type=Path, default=None, help="claims from 'nkextract extract' (skips extraction)")
    ap.add_argument("--write", action="store_true", help="write the parameters file")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "linkage" / "linkage.toml")
    args = ap.parse_args()
    dg = DevGold.load(args.gold, args.corpus)
    ft = Fitter(dg, args.corpus, dev_claims(args.corpus, args.claims), load_rules())
    model = ft.fit(name=f"{Path(args.gold).parent.name} gold ({len(dg.stories)} stories)")
    text = dump_model(model)
    if args.write:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    counts = ft.score(ft.groups(model))
    print(f"on the whole gold (not cross-validated): {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
