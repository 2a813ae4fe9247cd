"""What is a figure and what is not, table-driven from tests/data/figure_cases.tsv.

Runs on the rules-only pipeline (spacy.blank("en")), so it needs no trained model.
"""

from __future__ import annotations

import pytest

from nkextract.read.files import Document

from .conftest import DATA


def _cases() -> list:
    rows = []
    for line in (DATA / "figure_cases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentence, _, expected = line.partition("\t")
        want = [e.strip() for e in expected.split(" | ") if e.strip()]
        rows.append(pytest.param(sentence, want, id=sentence[:40]))
    return rows


@pytest.mark.parametrize("sentence,want", _cases())
def test_figures_found(blank_extractor, sentence: str, want: list[str]) -> None:
    claims = blank_extractor.extract(Document("case.txt", sentence + "\n", "utf-8", ""))
    got = [c.text for c in claims if c.kind != "year"]
    assert got == want
    for c in claims:
        assert sentence[c.start:c.end] == c.text


def test_table_is_not_trivial() -> None:
    cases = _cases()
    assert len(cases) >= 35
    assert sum(1 for c in cases if not c.values[1]) >= 15  # non-figures are half the point
