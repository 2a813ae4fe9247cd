"""Number grammar by class of phrasing, table-driven from tests/data/grammar_cases.tsv.

Each row is a sentence read with the rules-only pipeline (tokenizer + figure rules, no
model): the figure whose text is the row's span must be found with the row's interval,
qualifier, unit and kind, or, for ``NONE`` rows, no figure may touch the span.  The
unit checked is the figure's own (what the grammar read), not a counted noun the claim
builder adds later.  Classes follow issue 9 ("Number grammar at the level of the best
recognizers") and the extraction fixes of issue 8.
"""

from __future__ import annotations

from collections import Counter

import pytest

from nkextract.read.files import Document

from .conftest import DATA
from .tables import num, same, tsv_params

COLUMNS = ("cls", "sentence", "span", "low", "high", "qualifier", "unit", "kind", "extra")
HEADER = ("class", *COLUMNS[1:])
CLASSES = {
    "fractions", "signs", "bounds", "alternatives", "ratios", "money", "words", "science", "ranks",
    "not_figures", "metres", "conversions", "levels", "units", "dashes",
}


ROWS = tsv_params(DATA / "grammar_cases.tsv", COLUMNS, HEADER, lambda n, cells: f"{n}:{cells[0]}:{cells[2]}")


@pytest.fixture(scope="module")
def read(blank_extractor):
    """Sentence -> (doc, figures), with the same tokenizer and rules as extraction.  A
    sentence with a figure must also pass extraction's cheap pre-filter, or it would
    never reach the figure rules."""
    builder = blank_extractor.builder
    nlp = blank_extractor.pipe.nlp

    def run(sentence: str):
        doc = nlp(sentence)
        figures, _years = builder.find(doc)
        assert not figures or blank_extractor.candidate.search(sentence), "the pre-filter drops it"
        return doc, figures

    return run


def _text(doc, start: int, end: int) -> str:
    return doc[start:end].text


@pytest.mark.parametrize(COLUMNS, ROWS)
def test_grammar_case(read, cls, sentence, span, low, high, qualifier, unit, kind, extra):
    assert cls in CLASSES, cls
    assert span in sentence, f"span {span!r} is not in the sentence"
    doc, figures = read(sentence)
    at = sentence.index(span)
    if low == "NONE":
        touching = [_text(doc, f.start, f.end) for f in figures
                    if doc[f.start].idx < at + len(span) and at < doc[f.end - 1].idx + len(doc[f.end - 1])]
        assert not touching, f"{span!r} should not be a figure, got {touching}"
        return
    found = [f for f in figures if _text(doc, f.start, f.end) == span and doc[f.start].idx == at]
    got_texts = [(_text(doc, f.start, f.end), f.quantity.low, f.quantity.kind) for f in figures]
    assert found, f"no figure {span!r} in {sentence!r}; got {got_texts}"
    q = found[0].quantity
    got = (q.low, q.high, q.qualifier, q.unit, q.kind)
    want = (num(low), num(high), qualifier, unit or None, kind)
    assert same(q.low, want[0]) and same(q.high, want[1]) and got[2:] == want[2:], \
        f"{span!r}: got {got}, want {want}"
    checks = dict(part.split("=", 1) for part in extra.split("|") if part)
    equivalents = [_text(doc, e.start, e.end) for e in found[0].equivalents]
    assert equivalents == [e for e in checks.get("equiv", "").split(";") if e]
    rel = found[0].relative_to
    if "rel" in checks:
        assert rel is not None and _text(doc, *rel) == checks["rel"], f"relative to {rel and _text(doc, *rel)!r}"
    elif kind != "ratio":
        assert rel is None


def test_table_covers_every_class():
    counts = Counter(p.values[0] for p in ROWS)
    assert set(counts) == CLASSES
    assert len(ROWS) >= 300
    assert all(n >= 8 for n in counts.values()), counts
    keys = [(p.values[1], p.values[2]) for p in ROWS]
    assert len(keys) == len(set(keys)), "duplicate (sentence, span) rows"


def test_claim_record_carries_equivalents_and_references(blank_extractor):
    """The grammar's extras reach the claim record: a conversion is one claim with its
    equivalents (offsets into the file), a ratio names what it compares with."""
    text = "The deal was worth 450m euros ($590m; £310m). Deaths were 8 times higher than in 2010.\n"
    claims = blank_extractor.extract(Document("g.txt", text, "utf-8", ""))
    by_text = {c.text: c for c in claims}
    assert "$590m" not in by_text and "£310m" not in by_text
    deal = by_text["450m euros"]
    assert [e["text"] for e in deal.equivalents] == ["$590m", "£310m"]
    for e in deal.equivalents:
        assert text[e["start"]:e["end"]] == e["text"]
    assert deal.equivalents[0]["unit"] == "USD" and deal.equivalents[0]["low"] == 590e6
    ratio = by_text["8 times higher"]
    assert (ratio.kind, ratio.unit, ratio.relative_to) == ("ratio", "times", "in 2010")
    again = type(deal).from_dict(deal.to_dict())
    assert again.equivalents == deal.equivalents and again.relative_to is None
