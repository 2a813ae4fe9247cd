"""What the comparison stage returns (groups of claims with a verdict, diff rows) and the
interval arithmetic its verdicts rest on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from nkextract.extraction.claims import Claim

VERDICTS = ("inconsistency", "conflict", "forecast", "trend", "scope", "agree")


RANK = {v: i for i, v in enumerate(VERDICTS)}


SEVERE = ("conflict", "inconsistency")


# Kinds that are never a quantity to compare: a year fact, a rank, a label.
NOT_COMPARED = frozenset({"year", "rank", "label"})


@dataclass
class Group:
    verdict: str
    subject: str
    unit: str
    kind: str
    severity: float | None
    why: str
    sources: int
    claims: list[Claim] = field(default_factory=list)
    confidence: float = 1.0
    pair: tuple[str, ...] | None = None  # the bounds of the two figures the why names (a conflict's)
    holder: str | None = None
    measure: str | None = None
    period: str | None = None
    modality: str | None = None

    @property
    def id(self) -> str:
        """Stable across runs: the group's claim ids."""
        h = hashlib.sha1("\0".join(sorted(c.id for c in self.claims)).encode()).hexdigest()[:12]
        return f"g{h}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "verdict": self.verdict, "subject": self.subject, "holder": self.holder,
            "measure": self.measure, "period": self.period, "modality": self.modality,
            "unit": self.unit, "kind": self.kind,
            "severity": None if self.severity is None else round(self.severity, 3),
            "confidence": round(self.confidence, 2), "why": self.why, "sources": self.sources,
            "claims": [{**c.to_dict(), "backing": backing(c)} for c in self.claims],
        }


def source_identity(mention: dict[str, Any]) -> str:
    """Who vouches for a mention: its attribution if named, else its file.

    Two articles quoting the same report are one source, not two.
    """
    att = (mention.get("attribution") or "").strip().lower()
    return f"said:{att}" if att else f"file:{mention['source']}"


def backing(c: Claim) -> int:
    """How many independent sources back this claim's value."""
    return len({source_identity(m) for m in mentions_of(c)})


def mentions_of(c: Claim) -> list[dict[str, Any]]:
    return c.mentions or [c.mention()]


def unit_family(c: Claim | None = None, unit: str | None = None, kind: str | None = None) -> str:
    """Units that can be compared: 'USD/year' meets 'USD' (sources state a yearly amount
    loosely), but 'people/year' (a flow) never meets 'people' (a stock), and a change
    ("fell 2%") never meets a level ("2%").  Currencies are ISO 4217 codes: three capitals.
    Counts are one family: "655,000 Iraqis", "30,000 people" and an elliptical "30,000"
    are told apart by their measure, not by the noun they happen to count."""
    if c is not None:
        unit, kind = c.unit, c.kind
    if kind == "count":
        return "count"  # what is counted is the measure's business: "Iraqis", "people", none
    u = unit or ""
    base = u.split("/")[0]
    fam = base if base.isupper() and len(base) == 3 else u
    return f"change:{fam}" if kind == "change" else fam


# --- intervals -------------------------------------------------------------------------


def bounds_of(c: Claim) -> tuple[float, float]:
    lo = c.low if c.low is not None else float("-inf")
    hi = c.high if c.high is not None else float("inf")
    return lo, hi


def overlaps(a: Claim, b: Claim, tol: float) -> bool:
    """Do the intervals meet, or is the gap between them within the relative tolerance?

    The gap is measured against the larger of the two facing ends: at ``tol`` 0.1,
    100 and 110 agree, 100 and 115 do not.  Open ends reach any value.
    """
    alo, ahi = bounds_of(a)
    blo, bhi = bounds_of(b)
    if alo <= bhi and blo <= ahi:
        return True
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    return upper_lo - lower_hi <= tol * max(abs(upper_lo), abs(lower_hi))


def gap_ratio(a: Claim, b: Claim) -> float | None:
    """How far apart two disjoint intervals are: higher one's low / lower one's high."""
    alo, ahi = bounds_of(a)
    blo, bhi = bounds_of(b)
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    if lower_hi <= 0 or lower_hi == float("inf") or upper_lo == float("-inf"):
        return None
    return upper_lo / lower_hi


def about_of(c: Claim) -> tuple[float | None, str]:
    """A figure's value for a part-versus-whole check: "more than X" and "at least X" are
    read as about X (a whole said to be "more than 50,000" is not thereby any size)."""
    if c.high is not None:
        return c.high, ""
    if c.low is not None:
        return c.low, f"“{c.text}” read as about {_num(c.low)}"
    return None, ""


def _num(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


# --- stories ---------------------------------------------------------------------------


@dataclass
class DiffRow:
    """One quantity both sides speak about: their claims and the verdict between them."""

    verdict: str
    subject: str
    unit: str
    severity: float | None
    why: str
    a: list[Claim]
    b: list[Claim]
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "subject": self.subject, "unit": self.unit,
                "severity": None if self.severity is None else round(self.severity, 3), "why": self.why,
                "confidence": round(self.confidence, 2),
                "a": [c.to_dict() for c in self.a], "b": [c.to_dict() for c in self.b]}
