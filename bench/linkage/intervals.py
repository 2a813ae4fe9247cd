"""Small functions over claims' values and sources: the rule engine's (nkextract.compare.conflicts),
plus what the prototype needs beyond them."""

from __future__ import annotations

from typing import Any

from nkextract.extraction.claims import Claim
from nkextract.compare.conflicts import (_NOT_COMPARED as NOT_COMPARED, _about as about, _bounds as bounds,  # noqa: F401
                                 _files as files, _mentions as mentions, _shown as shown, backing, gap_ratio,
                                 overlaps, source_identity, unit_family)


def meet(alo: float, ahi: float, blo: float, bhi: float, tol: float) -> bool:
    """``overlaps`` over bare bounds: do two intervals meet, or lie within ``tol``?"""
    if alo <= bhi and blo <= ahi:
        return True
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    return upper_lo - lower_hi <= tol * max(abs(upper_lo), abs(lower_hi))


__all__ = ["Any", "Claim", "NOT_COMPARED", "about", "backing", "bounds", "files", "gap_ratio", "meet", "mentions",
           "overlaps", "shown", "source_identity", "unit_family"]
