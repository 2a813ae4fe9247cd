"""Collapse near-identical claims into one claim that keeps every mention.

Two claims are duplicates when they have the same unit, the same values, the same
measure, holder and scope, and similar subjects and sentences (rapidfuzz).  Candidates
are blocked by all of those first, so the fuzzy comparison only runs
inside small blocks (never all pairs of a large corpus).  Nothing is dropped: the
merged claim lists all its ``mentions``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Iterable, Sequence

from nkextract.extraction.claims import Claim

SUBJECT_THRESHOLD = 80.0  # rapidfuzz score (0-100) on subject key and sentence
_TIME_RANK = {"sentence": 0, "report": 1, "document": 2, None: 3}
_STOP = frozenset("""a an the of in on at to for from by with and or but is are was were be been
being has have had that this these those it its their there which who whom as than then so such
also not no some any all more most many much other into over under about between per""".split())


def content_words(text: str) -> str:
    """Lower-case content words of a sentence, for fuzzy comparison."""
    return " ".join(w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 1)


def _bucket(v: float | None) -> float | None:
    """Duplicates state the same figure (to 9 significant digits: float noise only)."""
    return None if v is None or math.isnan(v) else float(f"{v:.9g}")


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def dedupe(claims: Sequence[Claim], threshold: float = SUBJECT_THRESHOLD) -> list[Claim]:
    """Merge duplicates; each returned claim carries ``mentions`` (all of them, in order)."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    claims = list(claims)
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        blocks[(c.unit, c.kind == "year", _bucket(c.low), _bucket(c.high), c.measure,
                (c.holder or "").lower(), frozenset(p.lower() for p in c.scope))].append(i)
    uf = _UnionFind(len(claims))
    for idx in blocks.values():
        if len(idx) < 2:
            continue
        keys = [claims[i].subject_key for i in idx]
        sents = [content_words(claims[i].sentence) for i in idx]
        # token_set_ratio alone scores a subset 100 ("defector" vs "child of defector"):
        # averaged with token_sort_ratio, extra words cost
        subj = (cdist(keys, keys, scorer=fuzz.token_set_ratio, workers=1)
                + cdist(keys, keys, scorer=fuzz.token_sort_ratio, workers=1)) / 2
        sent = cdist(sents, sents, scorer=fuzz.token_set_ratio, workers=1)
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                ca, cb = claims[idx[a]], claims[idx[b]]
                if not ca.subject_key or not cb.subject_key:
                    score = float(sent[a, b])
                else:
                    score = 0.7 * float(subj[a, b]) + 0.3 * float(sent[a, b])
                if score >= threshold:
                    uf.union(idx[a], idx[b])
    members: dict[int, list[Claim]] = defaultdict(list)
    for i, c in enumerate(claims):
        members[uf.find(i)].append(c)
    return [merge(group) for group in members.values()]


def merge(group: Iterable[Claim]) -> Claim:
    """One claim for a set of duplicates: the most informative mention leads."""
    group = sorted(group, key=lambda c: (c.source, c.start))
    lead = min(group, key=lambda c: (_TIME_RANK.get(c.time_source, 3), c.attribution is None,
                                     c.source, c.start))
    mentions = []
    for c in group:
        mentions.extend(c.mentions or [c.mention()])
    merged = Claim(**{**lead.to_dict(), "mentions": mentions})
    return merged
