"""Groups without chaining, and what each says: conflict, inconsistency, trend, forecast,
scope or agreement.

A group is a set of claims whose *every* pair is linked at the threshold (a clique, never
a connected component: A like B and B like C does not put A with C).

* **conflict**: a linked pair whose intervals do not meet seeds a group (surest first);
  every claim linked to all its members joins it;
* **agree**: linked claims whose values all meet;
* **inconsistency**: a part larger than its whole (scope "part", one stated period);
* **trend**, **forecast**, **scope**: pairs that are one quantity in every comparison but
  one (period, modality, scope) say the figures differ for a reason.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Callable, Sequence

from nkextract.extraction.claims import Claim
from nkextract.compare.conflicts import _drop_contained, cliques
from nkextract.compare.fields import is_vague as _vague

from .intervals import about, gap_ratio, overlaps, shown
from .linkage import Linkage
from .verdicts import RANK, Group, make_group

# A disagreement group sharing this share of its claims (Jaccard) with an earlier one is a
# repeat of it and is not listed again.
GROUP_OVERLAP = 0.5


def build_groups(lk: Linkage, threshold: float) -> list[Group]:
    """All groups of two or more claims whose every pair is linked at ``threshold``, most
    severe and most confident first."""
    claims = lk.claims
    fr_exact = lk.folder.exact

    def tol(c: Claim) -> float:
        return 0.0 if c.measure in fr_exact else lk.tol

    same: dict[int, dict[int, int]] = defaultdict(dict)  # i -> j -> pair index
    rel: dict[str, dict[int, dict[int, int]]] = {r: defaultdict(dict) for r in lk.apart}
    rel_levels = {c.relation: (k, c.relation_levels) for k, c in enumerate(lk.model.comparisons) if c.relation}
    for p, (i, j) in enumerate(lk.pairs.tolist()):
        if lk.post[p] >= threshold:
            same[i][j] = same[j][i] = p
            continue
        for r, (k, levels) in rel_levels.items():
            if lk.apart[r][p] >= threshold and lk.model.comparisons[k].levels[lk.levels[p, k]] in levels:
                rel[r][i][j] = rel[r][j][i] = p
    groups: list[Group] = []
    placed: set[int] = set()
    for members, p, sev in _disagreements(lk, same, tol):
        groups.append(make_group(lk, "conflict", members, p, sev))
        placed.update(members)
    for members in cliques([i for i in same if i not in placed], lambda i, j: lk.post[same[i][j]] if j in same[i] else 0):
        best = max(combinations(members, 2), key=lambda ij: lk.post[same[ij[0]][ij[1]]])
        groups.append(make_group(lk, "agree", members, same[best[0]][best[1]], None,
                                 f"values meet at {lk.tol:.0%} tolerance"))
    for r in ("trend", "forecast", "scope"):
        edges = rel.get(r, {})
        if not edges:
            continue

        def weight(i: int, j: int, edges: dict[int, dict[int, int]] = edges, r: str = r) -> float:
            p = edges[i].get(j, same[i].get(j))
            return float(lk.apart[r][p]) if p is not None else 0.0
        for members in cliques(sorted(edges), weight):
            inside = [edges[i][j] for i, j in combinations(members, 2) if j in edges[i]]
            if not inside:
                continue
            p = max(inside, key=lambda q: lk.apart[r][q])
            cs = [claims[i] for i in members]
            sev = _max_ratio(cs, tol) if r == "trend" else None
            groups.append(make_group(lk, r, members, p, sev))
    groups.extend(_inconsistencies(lk, rel.get("scope", {}), tol))
    groups = _drop_contained(groups)
    groups.sort(key=lambda g: (RANK[g.verdict], -round(g.confidence, 1), -(g.severity or 0), g.subject))
    return groups


def _disagreements(lk: Linkage, same: dict[int, dict[int, int]], tol: Callable[[Claim], float]
                   ) -> list[tuple[list[int], int, float | None]]:
    """Groups around disagreements: each linked pair whose figures do not meet (surest
    first) seeds a group, joined by every claim linked to all its members, unless an
    earlier group already holds that pair.  A vague magnitude ("dozens") joins groups but
    seeds none.  Returns (members, the pair that explains it, severity)."""
    claims = lk.claims
    seeds = []
    for i, nbrs in same.items():
        for j, p in nbrs.items():
            a, b = claims[i], claims[j]
            if j > i and not overlaps(a, b, tol(a)) and not (_vague(a) or _vague(b)):
                seeds.append((-lk.post[p], i, j, p))
    covered: set[tuple[int, int]] = set()
    out: list[tuple[list[int], int, float | None]] = []
    for _, i, j, p in sorted(seeds):
        if (i, j) in covered:
            continue
        members = [i, j]
        cands = [k for k in same[i] if k != j and k in same[j]]
        cands.sort(key=lambda k: (-min(lk.post[same[i][k]], lk.post[same[j][k]]), k))
        for k in cands:
            if all(k in same[m] for m in members):
                members.append(k)
        covered.update((x, y) if x < y else (y, x) for x, y in combinations(members, 2))
        new = set(members)
        if any(len(new & set(g)) / len(new | set(g)) >= GROUP_OVERLAP for g, _, _ in out):
            continue  # mostly the figures of a group already made: it would read as a repeat
        cs = [claims[m] for m in members]
        out.append((sorted(members), p, _max_ratio(cs, tol)))
    return out


def _inconsistencies(lk: Linkage, scope: dict[int, dict[int, int]], tol: Callable[[Claim], float]) -> list[Group]:
    """A part larger than its whole, for one quantity and one stated period."""
    out = []
    k = lk.model.index("scope")
    for i, nbrs in scope.items():
        for j, p in nbrs.items():
            if j <= i or lk.model.comparisons[k].levels[lk.levels[p, k]] != "part":
                continue
            a, b = lk.folder.ev[i], lk.folder.ev[j]
            part, whole = (i, j) if b.scope < a.scope else (j, i)
            cp, cw = lk.claims[part], lk.claims[whole]
            ep, ew = lk.folder.ev[part], lk.folder.ev[whole]
            if ep.period is None or ew.period is None or ep.period.key() != ew.period.key():
                continue  # "in the same year": a part and a whole of other or unknown times may differ
            whole_v, note = about(cw)
            if cp.low is None or whole_v is None or not cp.low > whole_v * (1 + tol(cp)):
                continue
            why = f"the part {shown(cp)} is larger than the whole {shown(cw)}" + (f" ({note})" if note else "")
            g = make_group(lk, "inconsistency", [part, whole], p, cp.low / whole_v if whole_v > 0 else None, why)
            g.confidence = float(lk.apart["scope"][p])
            out.append(g)
    return out


def _max_ratio(cs: Sequence[Claim], tol: Callable[[Claim], float]) -> float | None:
    """The largest gap between two of the claims that do not meet (each at its own tolerance)."""
    best = None
    for a, b in combinations(cs, 2):
        if not overlaps(a, b, tol(a)):
            r = gap_ratio(a, b)
            if r is not None and (best is None or r > best):
                best = r
    return best
