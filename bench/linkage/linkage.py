"""Link claims of one quantity: evidence, candidates, comparison levels, weights, posteriors.

``link(claims, rules, tol)`` runs the record-linkage steps over one folder's claims and
returns every candidate pair with its levels and its posterior probability of being one
quantity (``post``), plus, for the comparisons that name a relation (period: trend,
modality: forecast, scope: scope), the posterior with that comparison left out: a pair
that is one quantity in every respect but its period is a trend, not a disagreement.
"""

from __future__ import annotations

from .spec import error, params, spec  # noqa: F401

import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from nkextract.extraction.claims import Claim
from nkextract.extraction.frames import FrameRules
from nkextract.rules import Rules
from .candidates import candidate_pairs, random_pairs
from .comparisons import REGISTRY, UNKNOWN, Comparison, Context
from .evidence import Evidence, Folder
from .model import EM_ITERATIONS, Model, em, estimate_u, load_model

# u is estimated on this many random pairs of the folder (at most; as many as there are
# candidate pairs, and at least 1,000).
U_SAMPLE = 100_000
SEED = 20260101


def load_comparisons(rules: Rules) -> list[Comparison]:
    """The comparisons of ``rules/comparisons.toml``, checked: known names, unique levels,
    one label per level, as many bins as the levels need, a known relation."""
    out: dict[str, Comparison] = {}
    for item in spec().get("comparison", []):
        name = item["name"]
        if name not in REGISTRY:
            raise error("comparisons.toml", name, f"unknown comparison '{name}' "
                                                        f"(known: {', '.join(sorted(REGISTRY))})")
        levels = tuple(item["levels"])
        labels = item.get("labels", list(levels))
        if len(set(levels)) != len(levels) or len(labels) != len(levels):
            raise error("comparisons.toml", name, f"comparison '{name}': levels must be unique, "
                                                        "with one label each")
        bins = tuple(float(b) for b in item.get("bins", []))
        if list(bins) not in (sorted(set(bins)), sorted(set(bins), reverse=True)):
            raise error("comparisons.toml", name, f"comparison '{name}': bins must be in order")
        relation = item.get("relation", "")
        if relation not in ("", "trend", "forecast", "scope"):
            raise error("comparisons.toml", name, f"comparison '{name}': relation must be trend, "
                                                        "forecast or scope")
        apart = frozenset(item.get("relation_levels", []))
        if not apart <= set(levels) or bool(apart) != bool(relation):
            raise error("comparisons.toml", name, f"comparison '{name}': relation_levels must be some "
                                                        "of its levels, given with its relation")
        null = frozenset(item.get("null_levels", [])) | ({UNKNOWN} & set(levels))
        if not null <= set(levels):
            raise error("comparisons.toml", name, f"comparison '{name}': null_levels must be some of its levels")
        out[name] = Comparison(name, levels, dict(zip(levels, labels)), bins, relation, apart, null)
    if not out:
        raise error("comparisons.toml", "comparison", "no [[comparison]] defined")
    return list(out.values())


@dataclass
class Linkage:
    """Every candidate pair of a folder, with its levels and posteriors."""

    claims: Sequence[Claim]
    folder: Folder
    model: Model
    pairs: np.ndarray  # (n, 2) claim indices, i < j
    levels: np.ndarray  # (n, comparisons) level indices
    post: np.ndarray  # (n,) posterior: one quantity
    apart: dict[str, np.ndarray]  # relation -> posterior with that relation's comparison left out
    tol: float

    def level(self, p: int, name: str) -> str:
        k = self.model.index(name)
        return self.model.comparisons[k].levels[self.levels[p, k]]

    def waterfall(self, p: int) -> list[dict[str, Any]]:
        """The weights that decided pair ``p``, as Splink's waterfall: the prior, then each
        comparison's level and signed weight (log2 of m/u), in the order of the rules."""
        w = self.model.weights
        out = [{"comparison": "prior", "level": "", "weight": round(self.model.prior_weight, 2)}]
        for k, c in enumerate(self.model.comparisons):
            lv = int(self.levels[p, k])
            out.append({"comparison": c.name, "level": c.levels[lv], "weight": round(float(w[k, lv]), 2)})
        return out


@dataclass
class Compared:
    """A folder's candidate pairs and their comparison levels: everything but the weights."""

    claims: Sequence[Claim]
    folder: Folder
    comparisons: list[Comparison]
    pairs: np.ndarray
    levels: np.ndarray
    tol: float
    random_levels: np.ndarray  # levels of random pairs of the folder: what u is estimated on


def link(claims: Sequence[Claim], rules: Rules, tol: float = 0.1, model: Model | None = None,
         adapt: bool = True) -> Linkage:
    """Candidate pairs of ``claims`` and their posteriors.

    ``model``: the stored one (``rules/linkage.toml``) unless given.  ``adapt``: estimate
    u on this folder's candidate pairs and refine m by EM (the stored values as priors).
    """
    comparisons = model.comparisons if model is not None else load_comparisons(rules)
    if model is None:
        model = load_model(rules, comparisons)
    return weigh(compare(claims, rules, tol, comparisons), model, adapt, EM_ITERATIONS if adapt else 0)


def compare(claims: Sequence[Claim], rules: Rules, tol: float = 0.1,
            comparisons: list[Comparison] | None = None) -> Compared:
    """Evidence, candidate pairs and their comparison levels."""
    fr = FrameRules(rules)
    comparisons = comparisons or load_comparisons(rules)
    folder = Folder(claims, fr, _event_words(rules))
    related: dict[str, set[str]] = {}
    for a, bs in spec().get("related_measures", {}).items():
        for b in bs:
            related.setdefault(a, set()).add(b)
            related.setdefault(b, set()).add(a)
    cx = Context(folder, fr, rules, tol)
    pairs = candidate_pairs(folder, {k: frozenset(v) for k, v in related.items()})
    pairs = _drop_never(pairs, folder.ev, rules)
    levels = compare_pairs(pairs, folder.ev, comparisons, cx)
    pairs, levels = _drop_own_figures(pairs, levels, comparisons)
    sample = random_pairs(folder, min(U_SAMPLE, max(len(pairs), 1000)), SEED)
    return Compared(claims, folder, comparisons, pairs, levels, tol,
                    compare_pairs(sample, folder.ev, comparisons, cx))


U_FROM = "random"


def weigh(cmpd: Compared, model: Model, adapt: bool = True, em_steps: int = 0) -> Linkage:
    """Posteriors of the compared pairs under ``model``.  ``adapt``: u re-estimated on this
    folder's candidate pairs first (the stored u as a prior); ``em_steps``: then m and the
    prior refined by that many EM iterations on them."""
    comparisons, levels = cmpd.comparisons, cmpd.levels
    if adapt and len(cmpd.random_levels):
        ulev = cmpd.random_levels if U_FROM == "random" else levels
        model = Model(comparisons, model.m, estimate_u(ulev, comparisons, model.u), model.prior,
                      model.threshold, model.trained_on)
    if adapt and em_steps and len(levels):
        model = em(model, levels, em_steps)
    post = model.posterior(levels)
    apart = {c.relation: model.posterior(levels, without=[k]) for k, c in enumerate(comparisons) if c.relation}
    return Linkage(cmpd.claims, cmpd.folder, model, cmpd.pairs, levels, post, apart, cmpd.tol)


def compare_pairs(pairs: np.ndarray, ev: Sequence[Evidence], comparisons: Sequence[Comparison],
                  cx: Context) -> np.ndarray:
    """The level index of every comparison for every pair: (pairs, comparisons)."""
    out = np.zeros((len(pairs), len(comparisons)), dtype=np.int64)
    index = [{lv: n for n, lv in enumerate(c.levels)} for c in comparisons]
    fns = [REGISTRY[c.name] for c in comparisons]
    for p, (i, j) in enumerate(pairs.tolist()):
        a, b = ev[i], ev[j]
        for k, c in enumerate(comparisons):
            lv = fns[k](a, b, cx, c)
            out[p, k] = index[k].get(lv, index[k].get(UNKNOWN, 0))
    return out


# Levels of the article comparison that say "one article's own two figures": an article
# that gives two figures of one quantity without setting them against each other (no
# contrast word, no two named sources) tells them apart itself (a revision, a part,
# another day, a list); they are never rivals.
OWN_FIGURES = ("one_article", "one_sentence")


def _drop_own_figures(pairs: np.ndarray, levels: np.ndarray, comparisons: Sequence[Comparison]
                      ) -> tuple[np.ndarray, np.ndarray]:
    k = next((k for k, c in enumerate(comparisons) if c.name == "article"), None)
    if k is None or not len(pairs):
        return pairs, levels
    own = [comparisons[k].levels.index(x) for x in OWN_FIGURES if x in comparisons[k].levels]
    keep = ~np.isin(levels[:, k], own)
    return pairs[keep], levels[keep]


def _event_words(rules: Rules) -> frozenset[str]:
    return frozenset(w.lower() for w in spec().get("never", {}).get("event_after", []))


def _drop_never(pairs: np.ndarray, ev: Sequence[Evidence], rules: Rules) -> np.ndarray:
    """Pairs that are never rivals, whatever else they share: the two ends of one "from X
    to Y" (a change, told as a trend by the sentence itself)."""
    never = spec().get("never", {})
    before = never.get("from_before", [])
    between = never.get("to_between", [])
    if not len(pairs) or not before or not between:
        return pairs
    from_re = re.compile(r"\b(?:" + "|".join(map(re.escape, before)) + r")\s+(?:\S+\s+){0,3}$", re.I)
    # "from $8.63 million at the end of November to just under $6.55 million": a few words
    # may come between the first figure and the "to"
    to_re = re.compile(r"^(?:[^\d;.]{0,40}?\s)?(?:" + "|".join(map(re.escape, sorted(between, key=len, reverse=True)))
                       + r")\s+(?:\S+\s+){0,3}$", re.I)
    keep = np.ones(len(pairs), dtype=bool)
    for p, (i, j) in enumerate(pairs.tolist()):
        a, b = ev[i], ev[j]
        if a.doc != b.doc or a.sentence != b.sentence:
            continue
        first, later = (a, b) if a.start < b.start else (b, a)
        s = first.sentence
        x = s.find(first.text)
        y = s.find(later.text, x + len(first.text)) if x >= 0 else -1
        if x >= 0 and y > x and to_re.match(s[x + len(first.text):y]) and from_re.search(s[:x]):
            keep[p] = False
    return pairs[keep]
