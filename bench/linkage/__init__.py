"""A prototype linkage engine for the conflict report (issue 14), kept beside the
benchmarks that measure it: it is *not* what ``nkextract conflicts`` runs.

Record linkage over a folder's claims, as Splink does it: evidence per claim
(evidence.py), candidate pairs by blocking on keys that guess nothing (candidates.py),
comparisons with levels (comparisons.py, levels in comparisons.toml), Fellegi–Sunter
weights (model.py: m from labelled pairs, u from the folder, EM; parameters in
linkage.toml, written by ``bench/fit_linkage.py``), posteriors (linkage.py), groups
without chaining and their waterfall ``why`` (groups.py, verdicts.py).

``python bench/eval_conflicts.py --engine linkage --cv 5`` scores it by story folds
against the development gold; docs/linkage.md says what it reached and why it is not
the default.
"""

from __future__ import annotations

from typing import Sequence

from nkextract.extraction.claims import Claim
from nkextract.rules import Rules

from .groups import build_groups
from .linkage import link
from .verdicts import Group


def group_claims(claims: Sequence[Claim], tol: float = 0.1, rules: Rules | None = None,
                 threshold: float | None = None) -> list[Group]:
    """All groups whose every pair is one quantity at ``threshold`` (default: the model's)."""
    if rules is None:
        from nkextract.rules import load_rules

        rules = load_rules()
    lk = link(claims, rules, tol)
    return build_groups(lk, lk.model.threshold if threshold is None else threshold)
