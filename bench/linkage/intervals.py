"""Small functions over claims' values and sources: the rule engine's (nkextract.compare.conflicts),
plus what the prototype needs beyond them."""

from __future__ import annotations

from typing import Any

from nkextract.extraction.claims import Claim
from nkextract.compare.fields import files_of as files, shown  # noqa: F401
from nkextract.compare.records import (  # noqa: F401
    NOT_COMPARED, about_of as about, backing, bounds_of as bounds, gap_ratio, mentions_of as mentions, overlaps,
    source_identity, unit_family,
)


def meet(alo: float, ahi: float, blo: float, bhi: float, tol: float) -> bool:
    """``overlaps`` over bare bounds: do two intervals meet, or lie within ``tol``?"""
    if alo <= bhi and blo <= ahi:
        return True
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    return upper_lo - lower_hi <= tol * max(abs(upper_lo), abs(lower_hi))


__all__ = ["Any", "Claim", "NOT_COMPARED", "about", "backing", "bounds", "files", "gap_ratio", "meet", "mentions",
           "overlaps", "shown", "source_identity", "unit_family"]
