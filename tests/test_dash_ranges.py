"""Dash ranges never lose or invent digits (issue 16), as properties over generated figures.

* For any A < B, any dash (hyphen, en dash, em dash, minus sign, spaced) and any scale
  word or suffix, "A<dash>B <scale>" is the range [A·scale, B·scale], with a currency
  written before A applying to both ends.
* No figure read from digits, dashes, separators, scale words and currency symbols has
  more significant digits than the longest number written in its text: "145-148 million"
  can never become 145,148 million (six digits made of two numbers of three).
The table cases are in data/grammar_cases.tsv (class ``dashes``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkextract.extraction.quantities import parse_quantity
from nkextract.read.files import Document

DASHES = ["-", "–", "—", "−", " - ", " – ", " — "]
SCALES = [(" thousand", 1e3), (" million", 1e6), (" billion", 1e9), (" trillion", 1e12), ("m", 1e6), ("bn", 1e9),
          (" mln", 1e6)]
CURRENCIES = [("", None, None), ("$", "USD", "money"), ("£", "GBP", "money"), ("€", "EUR", "money")]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENDS = st.one_of(st.integers(1, 999).map(str), st.decimals(Decimal("0.1"), Decimal("99.9"), places=1).map(str))


@SETTINGS
@given(a=ENDS, b=ENDS, dash=st.sampled_from(DASHES), scale=st.sampled_from(SCALES),
       currency=st.sampled_from(CURRENCIES))
def test_a_dash_b_scale_is_the_scaled_range(lex, a, b, dash, scale, currency):
    lo, hi = sorted((float(a), float(b)))
    if lo == hi:
        return
    first, second = (a, b) if float(a) < float(b) else (b, a)
    word, factor = scale
    symbol, unit, kind = currency
    if symbol and word in (" mln",):
        return
    q = parse_quantity(f"{symbol}{first}{dash}{second}{word}", lex)
    assert q is not None
    assert (q.low, q.high) == (lo * factor, hi * factor) or abs(q.low - lo * factor) <= 1e-9 * lo * factor \
        and abs(q.high - hi * factor) <= 1e-9 * hi * factor, q
    assert q.qualifier == "range"
    assert (q.unit, q.kind) == ((unit, kind) if unit else (None, "count"))


PIECES = st.one_of(
    st.integers(0, 10**6).map(str), st.integers(1000, 10**9).map(lambda n: f"{n:,}"),
    st.decimals(Decimal("0.01"), Decimal("999.99"), places=2).map(str),
    st.sampled_from(DASHES + [" ", " ", ", ", " to ", " and ", "$", "£", "€", "%", " million", " billion", "bn", "m",
                              " thousand", " people", ". ", " of "]),
)


# one written number: digits with thousands groups (commas, or single spaces as in
# "1 071 000") and decimals
_NUMBER = re.compile(r"\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _significant(v: float) -> int:
    digits = format(Decimal(repr(abs(v))).normalize(), "f").replace(".", "").strip("0")
    return len(digits)


@SETTINGS
@given(text=st.lists(PIECES, min_size=1, max_size=20).map("".join))
def test_no_value_has_more_significant_digits_than_its_text(blank_extractor, text):
    for c in blank_extractor.extract(Document("gen.txt", text, "utf-8", "")):
        written = max((len(re.sub(r"\D", "", n).strip("0")) or 1 for n in _NUMBER.findall(c.text)), default=0)
        for v in (c.low, c.high):
            if v is not None and written:
                assert _significant(v) <= written, (c.text, v)
