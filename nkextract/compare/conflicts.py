"""Compare claims about the same quantity and judge where sources disagree.

A figure is compared only with figures of the *same quantity* (frames.py): the same unit
family and measure, a compatible holder, period, modality and scope.  The flow:

1. block: claims meet only inside a block of one unit family, one measure and one holder
   key (a claim's own holder or one of its document's main entities), so most pairs are
   never looked at, and a block of the same story stays small;
2. relate: each pair in a block gets one relation, or none: ``same`` (one quantity),
   ``trend`` (one quantity at two explicit periods), ``forecast`` (a forecast against an
   outcome), ``part`` (one scope inside the other) or ``scope`` (sibling scopes);
3. group without chaining: a group is a set whose *every* pair has the group's relation
   (greedy cliques around the best-connected claim), never a connected component: A like
   B and B like C does not put A with C;
4. judge: a ``same`` group whose intervals do not meet is a ``conflict``; one that meets
   is ``agree``; a part larger than its whole is an ``inconsistency``; ``trend``,
   ``forecast`` and ``scope`` groups say the figures differ for a reason.  Each group has
   a ``confidence`` (how sure we are it is one quantity) and a ``why`` naming what
   matched.

Two figures in *one* document are one quantity only when the document sets them against
each other (two named sources, or a contrast: "while", "but", "others say"); otherwise
the article itself tells them apart (a revision "from 64 to 2,975", a part, a period we
did not read) and they are not compared.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any, Iterable, Sequence

from nkextract.compare.fields import files_of, is_stated, is_vague, shown
from nkextract.compare.records import RANK, SEVERE, DiffRow, Group, about_of, gap_ratio, overlaps
from nkextract.compare.relate import Comparer, Relation, relation_score
from nkextract.compare.stories import Stories
from nkextract.compare.weights import BLOCK_MAX, DEFAULT_MIN_CONFIDENCE, EDGE_MIN, GROUP_OVERLAP, SEED_MIN
from nkextract.extraction.claims import Claim
from nkextract.rules import Rules


def relate_all(claims: Sequence[Claim], cmp: Comparer) -> dict[tuple[int, int], Relation]:
    """Relations of every pair that shares a block (each pair once), keyed by the claims'
    indices ``(i, j)``, ``i < j``: deterministic, whatever the order of memory addresses."""
    blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        if cmp.eligible(c):
            for k in cmp.block_keys(c):
                blocks[k].append(i)
    rels: dict[tuple[int, int], Relation] = {}
    seen: set[tuple[int, int]] = set()
    for idx in blocks.values():
        for sub in _sub_blocks(idx, claims):
            for i, j in combinations(sorted(sub), 2):
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                r = cmp.relate(claims[i], claims[j])
                if r is not None:
                    rels[(i, j)] = r
    return rels


def _sub_blocks(idx: list[int], claims: Sequence[Claim]) -> Iterable[list[int]]:
    if len(idx) <= BLOCK_MAX:
        yield idx
        return
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for i in idx:
        by_year[claims[i].time].append(i)
    for part in by_year.values():
        for k in range(0, len(part), BLOCK_MAX):
            yield part[k:k + BLOCK_MAX]


def cliques(nodes: Sequence[int], weight: Any) -> list[list[int]]:
    """Greedy cliques: seed on the node with the most (and strongest) edges left, add the
    nodes most strongly joined to the seed if they are joined to every member.  Each
    node is in at most one clique; no chaining.  ``weight(i, j)`` is 0 for no edge."""
    left = set(nodes)
    w = {n: {m: weight(n, m) for m in nodes if m != n} for n in nodes}
    nbrs = {n: {m for m, x in w[n].items() if x > 0} for n in nodes}
    out = []
    while left:
        seed = max(left, key=lambda n: (sum(w[n][m] for m in nbrs[n] & left), -n))
        group = [seed]
        for cand in sorted(nbrs[seed] & left, key=lambda n: (-w[seed][n], n)):
            if all(cand in nbrs[g] for g in group):
                group.append(cand)
        left -= set(group)
        if len(group) > 1:
            out.append(group)
    return out


def group_claims(claims: Sequence[Claim], tol: float = 0.1, rules: Rules | None = None) -> list[Group]:
    """All groups of two or more claims, most severe and most confident first."""
    if rules is None:
        from nkextract.rules import load_rules

        rules = load_rules()
    cmp = Comparer(rules, tol, Stories(claims))
    rels = relate_all(claims, cmp)
    adj: dict[int, dict[int, Relation]] = defaultdict(dict)
    for (i, j), r in rels.items():
        adj[i][j] = adj[j][i] = r
    groups: list[Group] = []
    nodes = sorted(adj)

    def weight(kinds: tuple[str, ...]) -> Any:
        def w(i: int, j: int) -> float:
            r = adj[i].get(j)
            return r.strength if r is not None and r.kind in kinds and r.strength >= EDGE_MIN else 0.0
        return w

    for comp in _components(nodes, adj):
        placed: set[int] = set()
        for members in _disagreements(comp, adj, claims, cmp):
            groups.append(cmp.judge_same(claims, members, rels))
            placed.update(members)
        for members in cliques([i for i in comp if i not in placed], weight(("same",))):
            groups.append(cmp.judge_same(claims, members, rels))
        for kind in ("trend", "forecast", "scope"):
            for members in cliques([i for i in comp if any(r.kind == kind for r in adj[i].values())],
                                   weight((kind, "same"))):
                cs = [claims[i] for i in members]
                pairs = [rels[p] for p in combinations(sorted(members), 2)]
                if not any(p.kind == kind for p in pairs):
                    continue
                rel = next(p for p in pairs if p.kind == kind)
                sev = _max_ratio(cs, cmp.tol_of(cs[0])) if kind == "trend" else None
                groups.append(cmp._group(kind, cs, sev, min(p.strength for p in pairs),
                                         "; ".join(rel.evidence)))
        groups.extend(_inconsistencies(comp, adj, claims, rels, cmp))
    groups = _drop_contained(groups)
    groups.sort(key=lambda g: (RANK[g.verdict], -round(g.confidence, 1), -(g.severity or 0), g.subject))
    return groups


def _drop_contained(groups: list[Group]) -> list[Group]:
    """A group whose claims all stand in a larger group of the same verdict says nothing
    new, and neither does a second conflict naming the same two figures."""
    sets = [frozenset(id(c) for c in g.claims) for g in groups]
    keep = []
    pairs: set[frozenset[str]] = set()
    for k in sorted(range(len(groups)), key=lambda k: (-groups[k].confidence, -len(groups[k].claims), k)):
        g = groups[k]
        if any(j != k and groups[j].verdict == g.verdict and sets[k] < sets[j] for j in range(len(groups))):
            continue
        if g.pair is not None:
            if frozenset(g.pair) in pairs:
                continue
            pairs.add(frozenset(g.pair))
        keep.append(g)
    return keep


def _disagreements(comp: Sequence[int], adj: dict[int, dict[int, Relation]], claims: Sequence[Claim],
                   cmp: Comparer) -> list[list[int]]:
    """Groups around disagreements: each sure pair of one quantity whose figures do not
    meet (most confident first) seeds a group, joined by every claim that is one quantity
    with all its members, unless an earlier group already holds that pair.  A claim may
    stand in two groups (64 against 1,052 one day, against 4,645 a study later); a pair
    below SEED_MIN, or with a vague magnitude ("dozens"), joins groups but seeds none."""
    def same(i: int, j: int) -> Relation | None:
        r = adj[i].get(j)
        return r if r is not None and r.kind == "same" and r.strength >= EDGE_MIN else None

    seeds = []
    for i in comp:
        for j, r in adj[i].items():
            a, b = claims[i], claims[j]
            if j > i and same(i, j) and relation_score(r) >= SEED_MIN and not overlaps(a, b, cmp.tol_of(a)) \
                    and not (is_vague(a) or is_vague(b)):
                seeds.append((relation_score(r), i, j))
    covered: set[tuple[int, int]] = set()
    out: list[list[int]] = []
    for _, i, j in sorted(seeds, key=lambda s: (-s[0], s[1], s[2])):
        if (i, j) in covered:
            continue
        members = [i, j]
        cands = [k for k in comp if k not in members and same(i, k) and same(j, k)]
        cands.sort(key=lambda k: (-min(adj[i][k].strength, adj[j][k].strength), k))
        for k in cands:
            if all(same(m, k) for m in members):
                members.append(k)
        covered.update((x, y) if x < y else (y, x) for x, y in combinations(members, 2))
        new = set(members)
        if any(len(new & set(g)) / len(new | set(g)) >= GROUP_OVERLAP for g in out):
            continue  # mostly the figures of a group already made: it would read as a repeat
        out.append(sorted(members))
    return out


def _components(nodes: Sequence[int], adj: dict[int, dict[int, Relation]]) -> list[list[int]]:
    """Connected pieces of the relation graph: cliques are searched piece by piece."""
    seen: set[int] = set()
    out = []
    for n in nodes:
        if n in seen:
            continue
        stack, comp = [n], []
        seen.add(n)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in adj[x]:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        out.append(sorted(comp))
    return out


def _inconsistencies(comp: Sequence[int], adj: dict[int, dict[int, Relation]], claims: Sequence[Claim],
                     rels: dict[tuple[int, int], Relation], cmp: Comparer) -> list[Group]:
    """Part larger than its whole, for the same holder, measure and period."""
    out = []
    for i in comp:
        for j, r in adj[i].items():
            if j <= i or r.kind != "part":
                continue
            rel = rels[(i, j)]  # relate(claims[i], claims[j]), i < j
            part, whole = (claims[i], claims[j]) if rel.part == 1 else (claims[j], claims[i])
            if not (is_stated(part) and is_stated(whole)) or part.period != whole.period:
                continue  # "in the same year": a part and a whole of other or unknown times may differ
            whole_v, note = about_of(whole)
            if part.low is None or whole_v is None or not part.low > whole_v * (1 + cmp.tol_of(part)):
                continue
            why = "; ".join(rel.evidence) + f"; the part {shown(part)} is larger than the whole {shown(whole)}"
            if note:
                why += f" ({note})"
            out.append(cmp._group("inconsistency", [part, whole], part.low / whole_v if whole_v > 0 else None,
                                  rel.strength, why))
    return out


def _max_ratio(cs: Sequence[Claim], tol: float) -> float | None:
    best = None
    for a, b in combinations(cs, 2):
        if not overlaps(a, b, tol):
            r = gap_ratio(a, b)
            if r is not None and (best is None or r > best):
                best = r
    return best


def default_report(groups: Sequence[Group], min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Group]:
    """What ``conflicts`` shows without ``--all``: disagreements a careful reader would accept."""
    return [g for g in groups if g.verdict in SEVERE and g.confidence >= min_confidence]


def diff_claims(a: Sequence[Claim], b: Sequence[Claim], tol: float = 0.1, rules: Rules | None = None) -> list[DiffRow]:
    """Quantities both sides state, judged across the sides only, disagreements first."""
    side = {id(c): "a" for c in a} | {id(c): "b" for c in b}
    shared = {f for c in a for f in files_of(c)} & {f for c in b for f in files_of(c)}
    rows = []
    for g in group_claims([*a, *b], tol, rules):
        ca = [c for c in g.claims if side[id(c)] == "a"]
        cb = [c for c in g.claims if side[id(c)] == "b"]
        if not ca or not cb:
            continue
        if all(files_of(x) <= shared and files_of(y) <= shared for x in ca for y in cb):
            # files read on both sides: whatever they say, both sides say it
            rows.append(DiffRow("agree", g.subject, g.unit, None, "the same files on both sides", ca, cb,
                                g.confidence))
            continue
        rows.append(DiffRow(g.verdict, g.subject, g.unit, g.severity, g.why, ca, cb, g.confidence))
    rows.sort(key=lambda r: (RANK[r.verdict], -(r.severity or 0), r.subject))
    return rows
