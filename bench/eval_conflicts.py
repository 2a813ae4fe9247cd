#!/usr/bin/env python3
"""Score the conflict report on a corpus with gold, cross-validated by story.

    python bench/eval_conflicts.py [--cv 5] [--engine rules|linkage] [--corpus DIR] [--gold G]
                                   [--claims FILE] [--sweep] [--show N]

``--engine rules`` (default) is what ``nkextract conflicts`` runs (``nkextract/compare/conflicts.py``);
``--engine linkage`` is the prototype record-linkage engine in ``bench/linkage/``.

``--cv K``: the development set's stories are dealt into K folds; each fold's own gold is
scored, and the counts are summed over the folds.  The linkage engine is fitted on the
other folds each time (m, the prior and the threshold; u needs no labels: it comes from
the folder, as on any folder the tool reads).  The rule engine has no fitted parameter:
its folds add up to its plain score, but its constants were set by reading this very
gold, so that score flatters it.  The last line has the scorer's format
(``dev figs=… vals=… | clear R=… debatable R=… | P=… lenientP=…``).

Without ``--cv``: the engine's report scored on the whole gold (``--sweep``: at several
confidences); ``--show N`` prints its first N groups with their why.  Candidate recall
(the gold conflicts whose two figures are ever compared) is printed first.

The texts are third-party articles rebuilt into a temporary folder (see
``../shared/dev/README.md``); nothing here is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devgold import DEFAULT_CORPUS, DEFAULT_SCORER, DevGold, gold_pair_claims  # noqa: E402
from fit_linkage import THRESHOLDS, FoldScorer, dev_claims, scored  # noqa: E402

from nkextract.compare.conflicts import default_report, group_claims, relate_all
from nkextract.compare.relate import Comparer
from nkextract.compare.stories import Stories  # noqa: E402
from nkextract.rules import load_rules  # noqa: E402


def folds(stories: list[str], k: int) -> list[list[str]]:
    """Stories dealt round-robin in their gold order: whole stories, never split."""
    return [stories[i::k] for i in range(k)]


def line(figs: float, vals: float, c: dict[str, int]) -> str:
    cr = c["clear"] / max(1, c["n_clear"])
    dr = c["deb"] / max(1, c["n_deb"])
    p = c["right"] / c["counted"] if c.get("counted") else 0.0
    lp = c["right"] / (c["right"] + c["false"]) if c["right"] + c["false"] else 0.0
    return f"dev figs={figs:.2f} vals={vals:.2f} | clear R={cr:.2f} debatable R={dr:.2f} | P={p:.2f} lenientP={lp:.2f}"


def candidate_recall(dg: DevGold, claims: list[Any], pairs: set[tuple[int, int]]) -> str:
    """How many gold conflicts (clear and debatable) have their two figures compared at all."""
    hit = extracted = total = 0
    for _, a_side, b_side in gold_pair_claims(dg, claims):
        total += 1
        extracted += bool(a_side and b_side)
        hit += any((min(a, b), max(a, b)) in pairs for a in a_side for b in b_side if a != b)
    return (f"candidate recall: {hit}/{total} gold conflicts = {hit / max(1, total):.2f} "
            f"({hit}/{extracted} = {hit / max(1, extracted):.2f} of those whose two figures were extracted); "
            f"{len(pairs)} pairs compared of {len(claims)} claims")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--gold", default=str(DEFAULT_SCORER.parent / "gold.json"))
    ap.add_argument("--claims", type=Path, default=None, help="claims from 'nkextract extract' (skips extraction)")
    ap.add_argument("--engine", choices=["rules", "linkage"], default="rules")
    ap.add_argument("--cv", type=int, default=0, help="folds of a cross-validation by story")
    ap.add_argument("--sweep", action="store_true", help="score the report at several confidences")
    ap.add_argument("--show", type=int, default=0, help="print the first N groups of the report")
    ap.add_argument("--em", type=int, default=None, help="linkage: EM iterations on the folder")
    ap.add_argument("--u-from", default=None, choices=["random", "candidates"], help="linkage: u estimated on")
    args = ap.parse_args()

    rules = load_rules()
    dg = DevGold.load(args.gold, args.corpus)
    claims = dev_claims(args.corpus, args.claims)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([c.to_dict() for c in claims], f)
    quiet: list[str] = []
    figs, vals = dg.sc.score_figures(dg.gold, dg.sc.load_claims(f.name), 0, quiet.append)
    folding = folds(dg.stories, args.cv) if args.cv else []
    total: dict[str, int] = {}

    if args.engine == "linkage":
        from fit_linkage import Fitter
        from linkage import linkage as LK

        if args.u_from:
            LK.U_FROM = args.u_from
        ft = Fitter(dg, args.corpus, claims, rules)
        if args.em is not None:
            ft.em_steps = args.em
        print(candidate_recall(dg, list(ft.cmpd.claims), set(map(tuple, ft.cmpd.pairs.tolist()))))
        for n, test in enumerate(folding, 1):
            model = ft.fit([s for s in dg.stories if s not in test])
            c = ft.score(ft.groups(model), test)
            total = {k: total.get(k, 0) + v for k, v in c.items()}
            print(f"fold {n}: threshold {model.threshold:.4g} | test {','.join(test)} | clear {c['clear']}/"
                  f"{c['n_clear']} debatable {c['deb']}/{c['n_deb']} | right {c['right']} false {c['false']} "
                  f"unknown {c['unknown']}")
        if not folding:
            model = ft.fit()
            for t in (THRESHOLDS if args.sweep else (model.threshold,)):
                c = ft.score(ft.groups(model, t))
                print(f"threshold {t:.4g}: right {c['right']} false {c['false']} unknown {c['unknown']} | "
                      f"{line(figs, vals, c)}")
            return 0
        print(line(figs, vals, total))
        return 0

    fs = FoldScorer(dg, args.corpus)
    cmp = Comparer(rules, 0.1, Stories(claims))
    print(candidate_recall(dg, claims, set(relate_all(claims, cmp))))
    groups = group_claims(claims, 0.1, rules)
    for n, test in enumerate(folding, 1):
        c = fs.score([scored(g) for g in default_report(groups)], test)
        total = {k: total.get(k, 0) + v for k, v in c.items()}
        print(f"fold {n}: test {','.join(test)} | clear {c['clear']}/{c['n_clear']} debatable {c['deb']}/"
              f"{c['n_deb']} | right {c['right']} false {c['false']} unknown {c['unknown']}")
    if folding:
        print(line(figs, vals, total))
        return 0
    for t in ((0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8) if args.sweep else (0.75,)):
        shown = default_report(groups, t)
        c = fs.score([scored(g) for g in shown])
        print(f"min-confidence {t:.2f}: {len(shown):3d} listed | {line(figs, vals, c)}")
    for n, g in enumerate(default_report(groups)[:args.show], 1):
        print(f"\n#{n} {g.verdict} ×{g.severity or 0:.1f} conf {g.confidence:.2f} | {g.subject}\n   why: {g.why}")
        for cl in g.claims:
            print(f"   {Path(cl.source).name:10} {cl.text[:34]!r:36} | {cl.sentence[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
