"""Golden claims of the five corpus articles, verified by reading the text.

tests/data/golden_corpus.json holds the expected figures (exact surface text, bounds,
qualifier, unit, kind and, where the article makes it certain, the time) and a list of
numbers that are never claims (list numbering, page furniture, labels, dates, URLs ...).
The expected values come from the articles, not from the extractor's output: when the
extractor disagrees, the case is marked ``xfail(strict=True)`` below with what is wrong,
never weakened.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLDEN = json.loads((Path(__file__).resolve().parent / "data" / "golden_corpus.json").read_text(encoding="utf-8"))
FIGURES: list[dict] = GOLDEN["figures"]
NON_CLAIMS: list[dict] = GOLDEN["non_claims"]
_TEXTS: dict[str, str] = {}

# Golden figures the trained pipeline gets wrong (figure id -> what is wrong).
XFAIL_MODEL: dict[str, str] = {}

# Golden figures the rules-only (blank) pipeline misses or reads differently.
XFAIL_BLANK: dict[str, str] = {**XFAIL_MODEL}


def _file_text(name: str) -> str:
    """The file's characters, decoded the way the tool decodes them."""
    if name not in _TEXTS:
        from nkextract.read.files import read_document

        doc = read_document(CORPUS / name)
        assert not hasattr(doc, "message"), f"{name}: {doc}"
        _TEXTS[name] = doc.text
    return _TEXTS[name]


def _figure_start(fig: dict) -> int:
    text = _file_text(fig["file"])
    ctx = fig.get("context", fig["text"])
    assert text.count(ctx) == 1, f"golden context {ctx!r} must occur exactly once in {fig['file']}"
    assert ctx.count(fig["text"]) == 1, f"golden text {fig['text']!r} must occur once in its context"
    return text.index(ctx) + ctx.index(fig["text"])


def _forbidden_digits(nc: dict) -> list[int]:
    """Character offsets of the non-claim's digits, at every occurrence of its context."""
    text = _file_text(nc["file"])
    ctx = nc.get("context", nc["text"])
    assert nc["text"] in ctx and ctx.count(nc["text"]) == 1, nc
    inner = ctx.index(nc["text"])
    digits = [i for i, ch in enumerate(nc["text"]) if ch.isdigit()]
    assert digits, f"non-claim {nc['text']!r} has no digits"
    starts = [m.start() for m in re.finditer(re.escape(ctx), text)]
    assert starts, f"non-claim context {ctx!r} not found in {nc['file']}"
    return [s + inner + d for s in starts for d in digits]


def _params(xfails: dict[str, str]) -> list:
    out = []
    for fig in FIGURES:
        marks = [pytest.mark.xfail(strict=True, reason=xfails[fig["id"]])] if fig["id"] in xfails else []
        out.append(pytest.param(fig, id=fig["id"], marks=marks))
    return out


def _find(claims, fig: dict):
    start = _figure_start(fig)
    for c in claims:
        if c.start == start and c.text == fig["text"]:
            return c
    end = start + len(fig["text"])
    near = [(c.start, c.text, c.low, c.high, c.qualifier) for c in claims if c.start < end and start < c.end]
    pytest.fail(f"{fig['file']}: no claim {fig['text']!r} at {start}; overlapping claims: {near}")


def _check_bounds(c, fig: dict) -> None:
    for side in ("low", "high"):
        want, got = fig[side], getattr(c, side)
        if want is None:
            assert got is None, f"{fig['text']!r}: {side} expected open (None), got {got}"
        else:
            assert got == pytest.approx(want), f"{fig['text']!r}: {side} expected {want}, got {got}"
    assert c.qualifier == fig["qualifier"], f"{fig['text']!r}: qualifier {c.qualifier!r} != {fig['qualifier']!r}"


# --- golden data sanity -------------------------------------------------------------------


def test_golden_data_is_well_formed():
    assert len(FIGURES) >= 35
    assert len({f["id"] for f in FIGURES}) == len(FIGURES)
    assert set(XFAIL_BLANK) <= {f["id"] for f in FIGURES}
    kinds = {"count", "money", "percent", "duration", "rate", "year", "other"}
    quals = {"exact", "approx", "at_least", "at_most", "range"}
    for fig in FIGURES:
        assert (CORPUS / fig["file"]).is_file(), fig
        assert fig["kind"] in kinds and fig["qualifier"] in quals, fig
        start = _figure_start(fig)
        assert _file_text(fig["file"])[start:start + len(fig["text"])] == fig["text"]
    for nc in NON_CLAIMS:
        assert nc.get("reason"), nc
        _forbidden_digits(nc)


# --- trained pipeline ---------------------------------------------------------------------


@pytest.mark.parametrize("fig", _params(XFAIL_MODEL))
def test_golden_figure(corpus_claims, fig):
    _doc, claims = corpus_claims[fig["file"]]
    c = _find(claims, fig)
    _check_bounds(c, fig)
    assert c.kind == fig["kind"], f"{fig['text']!r}: kind {c.kind!r} != {fig['kind']!r}"
    if "unit" in fig:
        assert c.unit == fig["unit"], f"{fig['text']!r}: unit {c.unit!r} != {fig['unit']!r}"
    if "time" in fig:
        assert c.time == fig["time"], f"{fig['text']!r}: time {c.time!r} != {fig['time']!r}"


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_claim_offsets_match_text(corpus_claims, name):
    doc, claims = corpus_claims[name]
    assert doc.text == _file_text(name)
    for c in claims:
        assert 0 <= c.start < c.end <= len(doc.text), c
        assert c.text == doc.text[c.start:c.end], (c.start, c.end, c.text)


@pytest.mark.parametrize(
    "nc", [pytest.param(nc, id=f"{nc['file'][:3]}:{nc.get('context', nc['text'])[:40]}") for nc in NON_CLAIMS]
)
def test_non_claim_is_never_extracted(corpus_claims, nc):
    _doc, claims = corpus_claims[nc["file"]]
    forbidden = _forbidden_digits(nc)
    bad = [(c.start, c.text) for c in claims if any(c.start <= i < c.end for i in forbidden)]
    assert not bad, f"{nc['file']}: {nc['text']!r} ({nc['reason']}) extracted as {bad}"


def test_claim_ids_are_stable(corpus_claims, model_extractor):
    from nkextract.read.files import read_document

    for name, (_doc, claims) in corpus_claims.items():
        again = model_extractor.extract(read_document(CORPUS / name))
        assert [c.id for c in again] == [c.id for c in claims], name
        assert [(c.start, c.end, c.text) for c in again] == [(c.start, c.end, c.text) for c in claims], name


# --- rules-only pipeline ------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_claims(blank_extractor):
    from nkextract.read.files import read_document

    return {p.name: blank_extractor.extract(read_document(p)) for p in sorted(CORPUS.glob("*.txt"))}


@pytest.mark.parametrize("fig", _params(XFAIL_BLANK))
def test_golden_figure_blank_pipeline(blank_claims, fig):
    c = _find(blank_claims[fig["file"]], fig)
    _check_bounds(c, fig)
