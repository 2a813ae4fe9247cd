"""Range charts: the claims of one group on one shared axis, as plain geometry.

This module decides where things go (scale, ticks, bars, arrows); the report template
only draws what it is given, so every layout rule is testable without a browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

from nkextract.present.render import fmt_value

# Horizontal positions are percentages of the plot's width, so the drawing stretches to
# any screen while text, dots and arrowheads keep their size (no viewBox scaling: a
# phone would shrink the labels to nothing).  Vertical positions are pixels.
DATA_LEFT, DATA_RIGHT = 2.5, 95.5  # where the data's span sits; open sides run on to 0% / 100%
TOP = 10
ROW = 26
AXIS = 30  # room under the last row for tick labels
# A shared axis spanning more than this ratio is drawn in log scale: "80,000" and
# "14 million" on a linear axis would crush every figure but one against zero.
LOG_RATIO = 10.0
PALETTE_SIZE = 8  # source colours (CSS classes c0..c7); letters tell sources apart beyond that


@dataclass(frozen=True)
class ChartItem:
    """One claim as the chart needs it."""

    low: float | None
    high: float | None
    qualifier: str
    label: str  # the source's letter ("A")
    colour: int  # palette index
    source: str  # the source's name, for the text alternative
    text: str  # the figure as written


@dataclass(frozen=True)
class Mark:
    """One claim drawn on its row: a point, a bar, or an arrow from a known end."""

    label: str
    colour: int
    value: str  # the interval as a reader writes it ("80,000–120,000")
    y: float
    x1: float  # left end of what is drawn, in percent (0 for an open left side)
    x2: float  # right end (100 for an open right side)
    point: bool  # low == high: a dot, not a bar
    open_left: bool
    open_right: bool
    approx: bool
    title: str  # hover text and the mark's own description


@dataclass(frozen=True)
class Tick:
    x: float  # percent
    label: str
    minor: bool  # every other label: left out where the plot is narrow (phones)


@dataclass(frozen=True)
class Gap:
    """The widest stretch of the axis no claim covers: where the sources part."""

    x1: float  # percent
    x2: float
    title: str


@dataclass(frozen=True)
class Chart:
    height: int
    axis_y: float
    log: bool
    ticks: list[Tick]
    marks: list[Mark]
    description: str  # the text alternative: scale and every value
    gap: Gap | None = None


def range_chart(items: Sequence[ChartItem], unit: str, subject: str = "", show_gap: bool = False) -> Chart:
    """Lay out ``items`` on one axis: log scale when they span more than ``LOG_RATIO``.

    ``show_gap`` marks the widest stretch between the claims (for a conflict: the values
    no source gives)."""
    values = [v for it in items for v in (it.low, it.high) if v is not None and math.isfinite(v)]
    log, d0, d1 = _domain(values)
    ticks_at = _log_ticks(d0, d1) if log else _linear_ticks(d0, d1)

    def x(v: float) -> float:
        a, b, t = (math.log10(d0), math.log10(d1), math.log10(v)) if log else (d0, d1, v)
        return round(DATA_LEFT + (t - a) / (b - a) * (DATA_RIGHT - DATA_LEFT), 2)

    marks = []
    for row, it in enumerate(items):
        low = it.low if it.low is not None and math.isfinite(it.low) else None
        high = it.high if it.high is not None and math.isfinite(it.high) else None
        value = fmt_value(low, high, it.qualifier, unit, symbols_only=True)
        x1 = x(low) if low is not None else 0.0
        x2 = x(high) if high is not None else 100.0
        if low is None and high is None:  # nothing to place: the label alone says it
            x1 = x2 = 0.0
        marks.append(Mark(
            label=it.label, colour=it.colour, value=value, y=TOP + row * ROW + ROW / 2, x1=x1, x2=x2,
            point=low is not None and low == high, open_left=low is None and high is not None,
            open_right=high is None and low is not None, approx=it.qualifier == "approx",
            title=f"{it.label} · {it.source}: {value}" + (f" (“{it.text}”)" if it.text else ""),
        ))
    scale = "log scale" if log else "linear scale"
    what = f"{subject} ({unit})" if subject and unit else subject or unit
    description = f"Range chart of {what}, {scale}: " + "; ".join(
        f"{m.label} {it.source}: {m.value}" for m, it in zip(marks, items))
    axis_y = TOP + len(items) * ROW + 2
    ticks = [Tick(x(t), fmt_value(t, t, "exact", unit, symbols_only=True), n % 2 == 1)
             for n, t in enumerate(ticks_at)]
    gap = None
    widest = _widest_gap(items, x) if show_gap else None
    if widest is not None:
        lo, hi = widest
        gap = Gap(x(lo), x(hi), "no claim between " + fmt_value(lo, lo, "exact", unit, symbols_only=True)
                  + " and " + fmt_value(hi, hi, "exact", unit, symbols_only=True))
    return Chart(height=int(axis_y + AXIS), axis_y=axis_y, log=log, ticks=ticks, marks=marks,
                 description=description, gap=gap)


def _widest_gap(items: Sequence[ChartItem], x: Callable[[float], float]) -> tuple[float, float] | None:
    """(low, high) of the widest empty stretch between the claims' intervals, as drawn."""
    inf = math.inf
    spans = sorted((it.low if it.low is not None else -inf, it.high if it.high is not None else inf)
                   for it in items if it.low is not None or it.high is not None)
    best: tuple[float, float] | None = None
    reach = -inf
    for lo, hi in spans:
        if reach != -inf and lo > reach and (best is None or x(lo) - x(reach) > x(best[1]) - x(best[0])):
            best = (reach, lo)
        reach = max(reach, hi)
    return best


def _domain(values: Sequence[float]) -> tuple[bool, float, float]:
    """(log?, low end, high end) of the axis, with a margin so no mark sits on an edge."""
    if not values:
        return False, 0.0, 1.0
    lo, hi = min(values), max(values)
    if lo > 0 and hi / lo > LOG_RATIO:
        return True, lo / 1.6, hi * 1.6
    if lo == hi:
        pad = abs(lo) * 0.2 or 1.0
        return False, lo - pad, hi + pad
    pad = (hi - lo) * 0.08
    low_end = lo - pad
    if lo >= 0 > low_end:  # counts and shares never need a negative axis
        low_end = 0.0
    return False, low_end, hi + pad


def _nice_step(span: float, target: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``target`` ticks."""
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _linear_ticks(d0: float, d1: float) -> list[float]:
    step = _nice_step(d1 - d0)
    first = math.ceil(d0 / step) * step
    n = int(math.floor((d1 - first) / step + 1e-9)) + 1
    # round away float noise (0.30000000000000004) so labels read as written
    return [round(first + i * step, 10) for i in range(n)]


def _log_ticks(d0: float, d1: float) -> list[float]:
    """Powers of ten; with 1, 2, 5 between them when the axis spans few decades, every
    other power when it spans many (a label per decade would collide)."""
    k0, k1 = math.floor(math.log10(d0)), math.ceil(math.log10(d1))
    decades = k1 - k0
    mults = (1, 2, 5) if decades <= 2 else (1, 3) if decades <= 4 else (1,)
    every = 1 if decades <= 7 else 2
    ticks = [m * 10.0 ** k for k in range(k0, k1 + 1) if (k - k0) % every == 0 for m in mults]
    return [t for t in ticks if d0 <= t <= d1]

