"""parse_quantity: a table of phrasings (tests/data/quantities_cases.tsv) and properties.

The table is data: one row per phrase with the expected interval, qualifier, unit and
kind; an empty cell is ``None`` and ``NONE`` in the low column means the phrase is not
a figure.  Lines starting with ``#`` document the conventions chosen for debatable
phrasings.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkextract.extraction.lexicon import KINDS, QUALIFIERS, Quantity
from nkextract.extraction.quantities import parse_quantity

from .tables import num, same, tsv_params

CASES = Path(__file__).resolve().parent / "data" / "quantities_cases.tsv"
COLUMNS = ("text", "low", "high", "qualifier", "unit", "kind")


CASE_ROWS = tsv_params(CASES, COLUMNS, COLUMNS, lambda n, cells: f"{n}:{cells[0]!r}")


def test_table_is_big_and_unique():
    texts = [p.values[0] for p in CASE_ROWS]
    assert len(texts) >= 250
    dupes = {t for t in texts if texts.count(t) > 1}
    assert not dupes, f"duplicate rows: {sorted(dupes)}"


@pytest.mark.parametrize(COLUMNS, CASE_ROWS)
def test_case(lex, text, low, high, qualifier, unit, kind):
    q = parse_quantity(text, lex)
    if low == "NONE":
        assert q is None, f"{text!r} should not parse, got {q}"
        return
    assert q is not None, f"{text!r} should parse"
    got = (q.low, q.high, q.qualifier, q.unit, q.kind)
    want = (num(low), num(high), qualifier, unit or None, kind)
    assert same(q.low, want[0]) and same(q.high, want[1]) and got[2:] == want[2:], \
        f"{text!r}: got {got}, want {want}"
    _check_invariants(q)
    if q.kind == "rate":
        assert q.per is not None
        if q.unit is not None:
            assert q.unit.endswith("/" + q.per)
    else:
        assert q.per is None


# --- properties ---------------------------------------------------------------------

def _check_invariants(q: Quantity) -> None:
    assert q.qualifier in QUALIFIERS
    assert q.kind in KINDS
    for bound in (q.low, q.high):
        assert bound is None or (isinstance(bound, float) and math.isfinite(bound))
    assert q.low is not None or q.high is not None
    if q.low is not None and q.high is not None:
        assert q.low <= q.high
    if q.qualifier == "range":
        assert q.low is not None and q.high is not None
    if q.qualifier == "at_least":
        assert q.high is None and q.low is not None
    if q.qualifier == "at_most":
        assert q.low is None and q.high is not None
    if q.qualifier in ("exact", "approx"):
        assert q.low is not None and q.high is not None
    if q.unit is None:
        assert q.kind in ("count", "rate", "rank", "change")
    if q.kind == "ratio":
        assert q.unit is not None and q.unit.split("/")[0] == "times"


_NUMBERISH = st.one_of(
    st.from_regex(r"\d{1,4}(,\d{3}){0,3}(\.\d{1,3})?", fullmatch=True),
    st.from_regex(r"\d{1,25}", fullmatch=True),
    st.from_regex(r"[0-9,.]{1,8}", fullmatch=True),
    st.sampled_from([
        "$", "£", "€", "¥", "₩", "US$", "HK$", "%", "+", "-", "–", "—", ",", ".", "/", "(", ")",
        "and", "to", "up to", "between", "from", "through", "or", "of", "a", "an", "the",
        "more than", "at least", "no more than", "up to", "as many as", "fewer than", "under",
        "about", "roughly", "nearly", "some", "an estimated", "c.", "just over", "well over",
        "or more", "or so", "odd", "-odd", "plus", "at most", "or fewer",
        "one", "two", "twelve", "twenty", "twenty-five", "fifty", "hundred", "thousand",
        "million", "billion", "trillion", "dozen", "couple", "half", "score", "zero",
        "hundreds", "thousands", "tens", "dozens", "millions", "billions",
        "k", "m", "bn", "b", "tn", "mln",
        "percent", "per cent", "dollars", "euros", "won", "pounds", "yuan", "years", "-year",
        "decades", "centuries", "months", "hours", "days", "barrels", "km",
        "a year", "daily", "a week", "per day", "every year", "annually",
        "1e308", "9" * 320, "nan", "inf", "١٢٣", "５",
        # issue 9: fractions, shares, signs, changes, ratios, ranks, money and science forms
        "½", "⅓", "1/2", "3/4", "third", "thirds", "quarters", "in", "out of", "minus", "negative",
        "−", "fell", "rose", "down", "up", "by", "twice", "double", "times", "fold", "ninefold",
        "higher", "less", "as many", "12th", "first", "fourth", "twenty-first", "point", "nought",
        "or", "but", "±", "+/-", "×10", "e-3", "^", "usd", "meur", "pence", "p", "lakh", "crore",
        "metres", "c", "sigma", "or greater", "north of", "exceeded",
    ]),
)
_SEPARATOR = st.sampled_from(["", " ", " ", "  ", "\t", "-", "\n"])


@st.composite
def numberish_text(draw) -> str:
    parts = draw(st.lists(st.tuples(_NUMBERISH, _SEPARATOR), min_size=1, max_size=9))
    return "".join(tok + sep for tok, sep in parts)


_FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(text=st.text(max_size=80))
def test_never_raises_on_any_text(lex, text):
    q = parse_quantity(text, lex)
    if q is not None:
        _check_invariants(q)


@_FAST
@given(text=numberish_text())
def test_a_fall_is_a_rise_negated(lex, text):
    """"fell X" and "rose X" read X the same way; only the sign of a change differs."""
    up, down = parse_quantity("rose " + text, lex), parse_quantity("fell " + text, lex)
    assert (up is None) == (down is None)
    if up is None or down is None:
        return
    _check_invariants(down)
    if up.kind != "change":
        assert down == up  # a ratio or a rank has no sign
        return
    flipped = {"at_least": "at_most", "at_most": "at_least"}.get(up.qualifier, up.qualifier)
    assert (down.qualifier, down.unit, down.kind) == (flipped, up.unit, "change")
    assert down.low == (None if up.high is None else -up.high)
    assert down.high == (None if up.low is None else -up.low)


@_FAST
@given(text=numberish_text())
def test_invariants_on_numberish_text(lex, text):
    q = parse_quantity(text, lex)
    if q is not None:
        _check_invariants(q)
    if text.upper().lower() == text.lower():  # case does not matter ("ß".upper() is "SS")
        assert parse_quantity(text.upper(), lex) == q


@pytest.mark.parametrize(("text", "value"), [
    ("8.03 million", 8_030_000.0), ("4.1 million barrels", 4_100_000.0), ("$4.18 million", 4_180_000.0),
    ("£32.7 billion", 32_700_000_000.0), ("16.6 million", 16_600_000.0), ("£66.6bn", 66_600_000_000.0),
])
def test_a_scaled_value_is_exactly_the_written_number(lex, text, value):
    """Not merely close: 8.03 * 1e6 in binary is 8,029,999.999999999, a figure no article gave
    (exports, the SQLite database and the report would show it)."""
    q = parse_quantity(text, lex)
    assert q is not None and q.low == value == q.high, (text, q)
