"""Groups and their verdicts, with the evidence that decided them.

A group's ``why`` is its deciding pair's waterfall in words (each comparison's level and
signed weight, as Splink draws it) followed by the values: "same holder Freddie Mac +6.1;
same measure restatement +3.2; one story +1.5; “$5bn” vs “$4.4bn”, ×1.1".  The JSON keeps
the waterfall as data: ``weights``, a list of ``{comparison, level, weight}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from nkextract.compare import records
from nkextract.compare.fields import common as _common, group_subject as _subject
from nkextract.extraction.claims import Claim
from nkextract.extraction.periods import parse_key
from .evidence import Evidence
from .intervals import bounds, mentions, shown, source_identity
from .linkage import Linkage

VERDICTS = ("inconsistency", "conflict", "forecast", "trend", "scope", "agree")
RANK = {v: i for i, v in enumerate(VERDICTS)}
SEVERE = ("conflict", "inconsistency")
# A comparison whose weight is smaller than this (either sign) is left out of the why in
# words; the JSON's ``weights`` keeps every one.
WHY_MIN_WEIGHT = 0.5


@dataclass
class Group(records.Group):
    """The rule engine's group, with the waterfall that decided it."""

    weights: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "weights": self.weights}


def make_group(lk: Linkage, verdict: str, members: Sequence[int], p: int, severity: float | None,
               note: str = "") -> Group:
    """A group of claims (indices into ``lk.claims``), explained by pair ``p``."""
    cs = [lk.claims[i] for i in members]
    cs.sort(key=lambda c: (c.low if c.low is not None else -math.inf, c.source, c.start))
    if verdict == "trend":
        cs.sort(key=lambda c: (c.period is None, _mid(c), c.source))
    i, j = (int(x) for x in lk.pairs[p])
    weights = lk.waterfall(p)
    why = explain(lk, p, weights)
    a, b = sorted((lk.claims[i], lk.claims[j]), key=lambda c: bounds(c)[0])
    values = f"{shown(a)} vs {shown(b)}" + (f", ×{severity:.1f}" if severity and verdict == "conflict" else "")
    why = "; ".join(x for x in (why, values, note) if x)
    ids = {source_identity(m) for c in cs for m in mentions(c)}
    first = cs[0]
    # the disagreement by its values: "30,000" vs "about 655,000" and "30,000" vs "655,000"
    # from two other articles are one disagreement to a reader
    pair = tuple(sorted((f"{a.low}:{a.high}", f"{b.low}:{b.high}"))) if verdict == "conflict" else None
    return Group(verdict=verdict, subject=_subject(cs), unit=first.unit or "", kind=first.kind,
                 severity=severity, why=why, sources=len(ids), claims=cs,
                 confidence=float(lk.post[p] if verdict in ("conflict", "agree", "inconsistency")
                                  else lk.apart.get(verdict, lk.post)[p]),
                 holder=_common(c.holder for c in cs), measure=first.measure or None,
                 period=_common(c.period for c in cs), modality=_common(c.modality for c in cs),
                 weights=weights, pair=pair)


def explain(lk: Linkage, p: int, weights: list[dict[str, Any]]) -> str:
    """The waterfall in words: the comparisons that weighed most, strongest first."""
    i, j = (int(x) for x in lk.pairs[p])
    a, b = lk.folder.ev[i], lk.folder.ev[j]
    parts = []
    comps = {c.name: c for c in lk.model.comparisons}
    for w in sorted(weights[1:], key=lambda w: -abs(w["weight"])):
        if abs(w["weight"]) < WHY_MIN_WEIGHT:
            continue
        c = comps[w["comparison"]]
        va, vb = _values(c.name, w["level"], a, b)
        label = c.labels.get(w["level"], w["level"]).format(a=va, b=vb)
        parts.append(f"{label} {w['weight']:+.1f}")
    return "; ".join(parts)


def _values(name: str, level: str, a: Evidence, b: Evidence) -> tuple[str, str]:
    """The two claims' values of the field a comparison looks at, for its label."""
    if name == "holder":
        if level == "different_named":
            return _name(min(a.near)), _name(min(b.near))
        shared = sorted(a.near & b.near) or sorted(a.ents.keys() & b.ents.keys()) \
            or sorted((a.near & b.doc_ents) | (b.near & a.doc_ents)) or sorted(a.doc_ents & b.doc_ents)
        return (_name(shared[0]),) * 2 if shared else ("?", "?")
    if name == "measure":
        return a.measure or "?", b.measure or "?"
    if name == "period":
        pa, pb = a.period or a.doc_period, b.period or b.doc_period
        ka, kb = (pa.key() if pa else "none"), (pb.key() if pb else "none")
        return (ka, kb) if a.period is not None or b.period is None else (kb, ka)
    if name == "modality":
        return a.modality, b.modality
    if name == "scope":
        return _scope(a.scope), _scope(b.scope)
    if name == "source":
        return a.attribution, b.attribution
    return "", ""


def _name(key: str) -> str:
    return key.title() if key == key.lower() else key


def _scope(s: frozenset[str]) -> str:
    return "all" if not s else " + ".join(sorted(s)).title()


def _mid(c: Claim) -> float:
    p = parse_key(c.period, c.period_grain) if c.period else None
    if p is None:
        return 0.0
    s, e = p.start or p.end, p.end or p.start
    return (s.toordinal() + e.toordinal()) / 2 if s and e else 0.0
