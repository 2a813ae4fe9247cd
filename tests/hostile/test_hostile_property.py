"""Properties over generated text: extraction never raises, offsets are always exact.

For any text, every claim satisfies ``start < end`` and ``text == file_text[start:end]``
(the contract in README's claim record), and its record is strict JSON.  Two generators:
arbitrary Unicode, and number-heavy text made of the pieces the grammar cares about.
Decoding arbitrary bytes never raises either.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import strict_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkextract.present.export import to_json
from nkextract.read.files import Document, SourceError, decode, read_document

# The autouse fixture only changes directory; it is safe to share across examples.
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

PIECES = [
    " ", " ", " ", " ", "\n", "\n\n", "\u00a0", "\u2009", "\t", ".", ". ", ",", "-", "\u2013", "\u2014", "\u2212",
    "$", "\u00a3", "\u20ac", "\u00a5", "\u20a9", "%", "(", ")", "\u201c", "\u201d", "'", "/", "+", "~",
    "one", "two", "ten", "twelve", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion",
    "bn", "m", "k", "tn", "dozen", "dozens", "half", "a", "and", "or", "to", "between", "from", "about", "around",
    "nearly", "almost", "more than", "less than", "at least", "up to", "over", "under", "some", "roughly",
    "people", "prisoners", "percent", "per cent", "years", "a year", "per day", "dollars", "won", "tonnes",
    "in", "2019", "1999", "2024", "the", "said", "report", "according to", "Reuters", "UN", "North Korea",
    "Mr.", "U.S.", "No.", "Jan.", "\u00bd", "\u2153", "\u0663", "\uff11", "1e400", "0x1F",
]
NUMBERS = st.one_of(
    st.integers(0, 10**15).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}"),
    st.floats(0, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.text(alphabet="0123456789,.", min_size=1, max_size=30),
)
NUMBER_HEAVY = st.lists(st.one_of(st.sampled_from(PIECES), NUMBERS), max_size=80).map("".join)


def _check(extractor, text: str) -> None:
    claims = extractor.extract(Document("gen.txt", text, "utf-8", ""))
    for c in claims:
        assert 0 <= c.start < c.end <= len(text), (c.start, c.end, len(text))
        assert text[c.start:c.end] == c.text, (c.text, text[c.start:c.end])
    strict_json(to_json([c.to_dict(with_mentions=False) for c in claims]))


@SETTINGS
@given(text=st.text(max_size=400))
def test_arbitrary_unicode(blank_extractor, text):
    _check(blank_extractor, text)


@SETTINGS
@given(text=NUMBER_HEAVY)
def test_number_heavy_text(blank_extractor, text):
    _check(blank_extractor, text)


@pytest.mark.model
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=NUMBER_HEAVY)
def test_number_heavy_text_trained_model(model_extractor, text):
    _check(model_extractor, text)


@SETTINGS
@given(data=st.binary(max_size=600))
def test_decode_never_raises(data):
    out = decode(data)
    assert isinstance(out, str) or (isinstance(out[0], str) and isinstance(out[1], str))


@SETTINGS
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.text(alphabet=st.characters(max_codepoint=255), max_size=200).map(
                          lambda t: t.encode("latin-1")),
                      st.text(max_size=100).map(lambda t: t.encode("utf-16"))))
def test_read_document_never_raises(tmp_path, data):
    p = Path(tmp_path) / "gen.txt"
    p.write_bytes(data)
    doc = read_document(p)
    assert isinstance(doc, (Document, SourceError))
    if isinstance(doc, Document):
        assert doc.text.strip() and "\ufeff" not in doc.text[:1]
