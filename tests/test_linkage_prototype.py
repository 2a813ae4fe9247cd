"""The prototype linkage engine kept in bench/linkage (not what ``conflicts`` runs): its
Fellegi-Sunter estimation recovers known parameters, and it runs end to end on real text."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from linkage.comparisons import Comparison  # noqa: E402
from linkage.model import Model, em, estimate_m, estimate_u  # noqa: E402

COMPS = [Comparison("a", ("same", "close", "unknown", "far"), {}), Comparison("b", ("yes", "no"), {})]
M = np.array([[0.7, 0.2, 0.0, 0.1], [0.9, 0.1, 0.0, 0.0]])
U = np.array([[0.05, 0.15, 0.0, 0.8], [0.2, 0.8, 0.0, 0.0]])


def _draw(probs: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return np.stack([rng.choice(len(row), size=n, p=row) for row in probs], axis=1)


def test_m_and_u_are_recovered_from_labelled_and_random_pairs():
    rng = np.random.default_rng(1)
    u = estimate_u(_draw(U, 20_000, rng), COMPS)
    m = estimate_m(_draw(M, 2_000, rng), COMPS, u)
    assert np.abs(u - U).max() < 0.05
    assert np.abs(m - M).max() < 0.05


def test_em_recovers_m_and_the_prior_from_unlabelled_pairs():
    rng = np.random.default_rng(2)
    levels = np.concatenate([_draw(M, 3_000, rng), _draw(U, 27_000, rng)])
    start = Model(COMPS, np.array([[0.4, 0.3, 0.0, 0.3], [0.6, 0.4, 0.0, 0.0]]), U, 0.3, 0.5)
    fit = em(start, levels, iterations=50, prior_pairs=0)
    assert np.abs(fit.m - M).max() < 0.05
    assert abs(fit.prior - 0.1) < 0.05


def test_unknown_is_no_evidence():
    model = Model(COMPS, M + 1e-9, U + 1e-9, 0.1, 0.5)
    assert model.weights[0, COMPS[0].levels.index("unknown")] == 0.0
    assert model.weights[0, 0] > 0 > model.weights[0, 3]


@pytest.mark.model
def test_it_links_the_sample_corpus_and_no_group_holds_a_pair_below_its_threshold(corpus_claims, rules):
    from linkage import group_claims
    from linkage.linkage import link

    from nkextract.compare.dedupe import dedupe

    claims = dedupe([c for _, cs in corpus_claims.values() for c in cs])
    lk = link(claims, rules)
    post = {tuple(p): lk.post[k] for k, p in enumerate(lk.pairs.tolist())}
    index = {id(c): i for i, c in enumerate(lk.claims)}
    for g in group_claims(claims, rules=rules, threshold=0.5):
        if g.verdict not in ("conflict", "agree"):
            continue
        ids = sorted(index[id(c)] for c in g.claims)
        assert all(post.get((i, j), 0) >= 0.5 for n, i in enumerate(ids) for j in ids[n + 1:])
        assert g.weights and g.weights[0]["comparison"] == "prior"
