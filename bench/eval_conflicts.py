#!/usr/bin/env python3
"""Score the conflict report on a corpus with gold, and read what it lists.

    python bench/eval_conflicts.py [--corpus DIR] [--scorer ../shared/dev/score.py]
                                   [--claims claims.jsonl] [--sweep] [--show N]

Runs ``nkextract extract`` once (or reads ``--claims``), groups the claims in this
process as ``nkextract conflicts`` does, and scores the default report with the
development set's scorer (``score.py``, stdlib only, imported from ``--scorer``).
``--sweep`` scores the default report at several ``--min-confidence`` values, to show
what the threshold trades; ``--show N`` prints the first N groups of the default report
with every claim's frame, for reading them as an editor would.

The development set's texts are third-party articles rebuilt into a temporary folder
(see ``../shared/dev/README.md``); nothing here is committed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = os.path.join(os.environ.get("NKX_DEV") or os.path.join(tempfile.gettempdir(), "nkx-dev"), "corpus")
DEFAULT_SCORER = ROOT.parent / "shared" / "dev" / "score.py"


def _scorer(path: Path):  # noqa: ANN202 - a module
    spec = importlib.util.spec_from_file_location("nkx_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"error: cannot load scorer {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--gold", type=Path, default=None, help="gold.json (default: beside the scorer)")
    ap.add_argument("--claims", type=Path, default=None, help="claims from 'nkextract extract' (skips extraction)")
    ap.add_argument("--tolerance", type=float, default=0.1)
    ap.add_argument("--sweep", action="store_true", help="score several --min-confidence values")
    ap.add_argument("--show", type=int, default=0, help="print the first N groups of the default report")
    args = ap.parse_args()

    from nkextract.conflicts import DEFAULT_MIN_CONFIDENCE, default_report, group_claims
    from nkextract.dedupe import dedupe
    from nkextract.rules import load_rules
    from nkextract.runner import load_claims_file

    sc = _scorer(args.scorer)
    gold = sc.Gold(str(args.gold or args.scorer.parent / "gold.json"), args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        claims_path = args.claims
        if claims_path is None:
            claims_path = Path(tmp) / "claims.jsonl"
            subprocess.run([sys.executable, "-m", "nkextract.cli", "extract", args.corpus, "-f", "jsonl",
                            "-o", str(claims_path), "--no-cache", "-q"], check=False)
        claims = load_claims_file(claims_path)
        groups = group_claims(dedupe(claims), args.tolerance, load_rules())
        out = Path(tmp) / "claims.json"
        out.write_text(json.dumps([c.to_dict() for c in claims]))
        quiet: list[str] = []
        figs, vals = sc.score_figures(gold, sc.load_claims(str(out)), 0, quiet.append)
        thresholds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8] if args.sweep else [DEFAULT_MIN_CONFIDENCE]
        for t in thresholds:
            shown = default_report(groups, t)
            gpath = Path(tmp) / f"groups-{t}.json"
            gpath.write_text(json.dumps([g.to_dict() for g in shown]))
            lines: list[str] = []
            cr, dr, p, lp = sc.score_conflicts(gold, sc.load_groups(str(gpath)), 40, lines.append)
            print(f"min-confidence {t:.2f}: {len(shown):3d} listed | dev figs={figs:.2f} vals={vals:.2f} | "
                  f"clear R={cr:.2f} debatable R={dr:.2f} | P={p:.2f} lenientP={lp:.2f}")
            if not args.sweep:
                print("\n".join(lines))
        for n, g in enumerate(default_report(groups, DEFAULT_MIN_CONFIDENCE)[:args.show], 1):
            print(f"\n#{n} {g.verdict} ×{g.severity or 0:.1f} conf {g.confidence:.2f} | {g.subject}\n   why: {g.why}")
            for c in g.claims:
                f = c.frame
                print(f"   {Path(c.source).name:10} {c.text[:34]!r:36} H={c.holder}({f.get('holder')}) "
                      f"M={c.measure}({f.get('measure')}) P={c.period}({c.time_source}) {c.modality} "
                      f"S={c.scope} A={c.attribution}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
