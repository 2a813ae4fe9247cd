"""The linkage model: Fellegi–Sunter weights over comparison levels, as Splink has them.

For each comparison ``k`` and level ``l``:

* ``m[k][l]`` = P(level l | the two figures are one quantity), learned from labelled pairs
  (the development set, ``bench/fit_linkage.py``), refined by EM on the folder being read;
* ``u[k][l]`` = P(level l | they are not), estimated without labels from random candidate
  pairs of the folder being read (nearly all of them are two quantities), pulled towards
  the stored ``u`` when the folder is small;
* the level's weight is ``log2(m / u)``; a pair's score is the prior's log-odds plus its
  weights, and its posterior ``2**score / (1 + 2**score)`` is the confidence shown.

Levels named ``unknown`` have weight 0: missing evidence is no evidence.  Everything is
numpy over a matrix of level indices (pairs × comparisons), so a million pairs cost one
table lookup and a sum.

Why not Splink itself: see the README ("How conflicts are found").  In short, every
comparison here is a function of Python objects (periods with grains, scope sets, entity
roles, TF-IDF vectors of the folder) that Splink would need as SQL over columns; the part
Splink would add (the EM and the weights) is the small part below.
"""

from __future__ import annotations

from .spec import error, params, spec  # noqa: F401

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from nkextract.rules import Rules
from .comparisons import Comparison

# Pseudo-counts that keep a level seen in no labelled pair (or no random pair) from getting
# an infinite weight: add-half smoothing, as a Jeffreys prior.
SMOOTH = 0.5
# How many of the folder's own candidate pairs the stored u is worth: a folder of three
# articles keeps mostly the stored u; an archive's own pairs outweigh it.
U_PRIOR_PAIRS = 2000
# How many labelled pairs the stored m is worth against EM's estimate on the folder.
M_PRIOR_PAIRS = 5000
EM_ITERATIONS = 10
# Pseudo-pairs of u that m is shrunk towards (estimate_m).
M_SHRINK = 20.0


@dataclass
class Model:
    """Levels and their m/u probabilities, as arrays ``[comparison, level]``."""

    comparisons: list[Comparison]
    m: np.ndarray
    u: np.ndarray
    prior: float
    threshold: float
    trained_on: str = ""
    known: np.ndarray = field(init=False)  # False where a level is "unknown" (weight 0)

    def __post_init__(self) -> None:
        self.known = evidence_mask(self.comparisons, self.m.shape[1])

    @property
    def weights(self) -> np.ndarray:
        """log2(m/u) per comparison and level; 0 where unknown or where a level is unused."""
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.log2(self.m / self.u)
        return np.where(self.known & np.isfinite(w), w, 0.0)

    @property
    def prior_weight(self) -> float:
        p = min(max(self.prior, 1e-9), 1 - 1e-9)
        return math.log2(p / (1 - p))

    def scores(self, levels: np.ndarray, without: Sequence[int] = ()) -> np.ndarray:
        """Match weight (log2 odds) of each pair; ``without``: comparisons left out."""
        w = self.weights
        cols = [k for k in range(len(self.comparisons)) if k not in without]
        if levels.size == 0:
            return np.zeros(len(levels))
        total = w[cols, levels[:, cols]].sum(axis=1)
        return total + self.prior_weight

    def posterior(self, levels: np.ndarray, without: Sequence[int] = ()) -> np.ndarray:
        return posterior(self.scores(levels, without))

    def index(self, name: str) -> int:
        return next(k for k, c in enumerate(self.comparisons) if c.name == name)


def evidence_mask(comparisons: Sequence[Comparison], width: int) -> np.ndarray:
    """True where a level is evidence (not unknown, not a null level)."""
    out = np.zeros((len(comparisons), width), dtype=bool)
    for k, c in enumerate(comparisons):
        for lv, name in enumerate(c.levels):
            out[k, lv] = name not in c.null_levels
    return out


def posterior(score: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(score, -60, 60)))


def level_counts(levels: np.ndarray, comparisons: Sequence[Comparison], weights: np.ndarray | None = None
                 ) -> np.ndarray:
    """Weighted counts of each level: ``[comparison, level]``."""
    width = max(len(c.levels) for c in comparisons)
    out = np.zeros((len(comparisons), width))
    w = np.ones(len(levels)) if weights is None else weights
    for k in range(len(comparisons)):
        if len(levels):
            out[k] += np.bincount(levels[:, k], weights=w, minlength=width)[:width]
    return out


def normalise(counts: np.ndarray, comparisons: Sequence[Comparison], smooth: float = SMOOTH) -> np.ndarray:
    """Counts to probabilities per comparison, smoothed, over the levels that are evidence
    (null levels, "unknown" among them, get none: as in Splink, they are left out)."""
    out = np.zeros_like(counts, dtype=float)
    mask = evidence_mask(comparisons, counts.shape[1])
    for k, c in enumerate(comparisons):
        row = np.where(mask[k], counts[k] + smooth, 0.0)
        total = row.sum()
        out[k] = row / total if total > 0 else 0.0
    return out


def estimate_u(levels: np.ndarray, comparisons: Sequence[Comparison], prior_u: np.ndarray | None = None,
               prior_pairs: float = U_PRIOR_PAIRS) -> np.ndarray:
    """u from (a random sample of) the folder's candidate pairs, as Splink estimates u from
    random pairs: matches are rare among them, so their level frequencies are those of
    non-matches.  With ``prior_u``, the stored u counts as ``prior_pairs`` pairs."""
    counts = level_counts(levels, comparisons)
    if prior_u is not None:
        counts = counts + prior_u * prior_pairs
    return normalise(counts, comparisons)


def estimate_m(levels: np.ndarray, comparisons: Sequence[Comparison], u: np.ndarray,
               weights: np.ndarray | None = None, prior_pairs: float = M_SHRINK) -> np.ndarray:
    """m from labelled pairs of one quantity (Splink's ``estimate_m_from_pairwise_labels``),
    shrunk towards ``u`` by ``prior_pairs`` pseudo-pairs: a level the labels hardly saw
    gets a weight near 0 (no evidence), not a large one made of smoothing alone."""
    counts = level_counts(levels, comparisons, weights) + u * prior_pairs
    return normalise(counts, comparisons, smooth=0.0)


def em(model: Model, levels: np.ndarray, iterations: int = EM_ITERATIONS,
       prior_pairs: float = M_PRIOR_PAIRS) -> Model:
    """Refine m and the prior on the folder's candidate pairs by expectation-maximisation,
    u held fixed (it was estimated on the same folder).  The stored m counts as
    ``prior_pairs`` labelled pairs (a maximum a posteriori step), so a small folder cannot
    talk the model out of what the labels taught it."""
    if len(levels) == 0:
        return model
    m, prior = model.m.copy(), model.prior
    cur = Model(model.comparisons, m, model.u, prior, model.threshold, model.trained_on)
    for _ in range(iterations):
        p = cur.posterior(levels)
        counts = level_counts(levels, model.comparisons, p) + model.m * prior_pairs
        cur.m = normalise(counts, model.comparisons, smooth=0.0)
        cur.prior = float(min(0.5, max(1e-6, (p.sum() + model.prior * prior_pairs) / (len(p) + prior_pairs))))
    return cur


# --- the parameters file ---------------------------------------------------------------------


def load_model(rules: Rules, comparisons: list[Comparison]) -> Model:
    """The model stored in ``rules/linkage.toml``, checked against the comparisons' levels:
    every comparison and level named there must exist, every probability be in (0, 1]."""
    data = params()
    if not data:
        raise error("linkage.toml", "model", "no linkage parameters (rules/linkage.toml is missing)")
    width = max(len(c.levels) for c in comparisons)
    arrays = {}
    for table in ("m", "u"):
        given = data.get(table, {})
        arr = np.zeros((len(comparisons), width))
        for k, c in enumerate(comparisons):
            probs = given.get(c.name)
            if probs is None:
                raise error("linkage.toml", table, f"[{table}] has no '{c.name}' (a comparison of "
                                                        f"comparisons.toml): run bench/fit_linkage.py")
            for name, p in probs.items():
                if name not in c.levels:
                    raise error("linkage.toml", name, f"[{table}.{c.name}] level '{name}' is not a level "
                                                            f"of comparison '{c.name}' ({', '.join(c.levels)})")
                if not 0 < p <= 1:
                    raise error("linkage.toml", name, f"[{table}.{c.name}] '{name}' must be a probability "
                                                            f"in (0, 1], not {p}")
                arr[k, c.levels.index(name)] = p
            missing = [lv for lv in c.levels if lv not in probs]
            if missing:
                raise error("linkage.toml", c.name, f"[{table}.{c.name}] lacks level '{missing[0]}'")
            arr[k] /= arr[k].sum()
        for name in given:
            if name not in {c.name for c in comparisons}:
                raise error("linkage.toml", name, f"[{table}] '{name}' is not a comparison of comparisons.toml")
        arrays[table] = arr
    model = data.get("model", {})
    prior, threshold = model.get("prior"), model.get("threshold")
    for key, v in (("prior", prior), ("threshold", threshold)):
        if v is None or not 0 < v < 1:
            raise error("linkage.toml", key, f"[model] '{key}' must be a number between 0 and 1")
    return Model(comparisons, arrays["m"], arrays["u"], float(prior), float(threshold),
                 str(model.get("trained_on", "")))


def dump_model(model: Model) -> str:
    """The model as ``linkage.toml`` text (a flat TOML, written by hand: the standard
    library reads TOML but does not write it)."""
    lines = ["# Linkage parameters: written by bench/fit_linkage.py, read by bench/linkage/model.py.",
             "# m = P(level | one quantity), u = P(level | two quantities); weight = log2(m/u).", "",
             "[model]", f"prior = {model.prior:.6g}", f"threshold = {model.threshold:.4g}",
             f'trained_on = "{model.trained_on}"', ""]
    for table, arr in (("m", model.m), ("u", model.u)):
        for k, c in enumerate(model.comparisons):
            lines.append(f"[{table}.{c.name}]")
            lines.extend(f"{lv} = {max(arr[k, i], 1e-6):.6g}" for i, lv in enumerate(c.levels))
            lines.append("")
    return "\n".join(lines)
