"""Periods: expressions read and resolved against the document's date (pure, no spaCy).

The cases are data (``tests/data/period_cases.tsv``): a phrase, the document's date as a
day ("2024-03-12"), a year only ("2024") or none, and the period key and grain expected.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from nkextract.extraction.periods import Period, PeriodFinder, parse_date, parse_key, year_period

from .conftest import DATA


def _cases() -> list[list[str]]:
    rows = []
    with open(DATA / "period_cases.tsv", encoding="utf-8") as f:
        for row in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"):
            if row and row[0] != "text":
                rows.append(row + [""] * (4 - len(row)))
    return rows


def _doc(text: str) -> Period | None:
    if not text:
        return None
    if len(text) == 4:
        return year_period(int(text), text, "document")
    d = date.fromisoformat(text)
    return Period(d, d, "day", text, "document")


@pytest.fixture(scope="module")
def finder(rules):
    return PeriodFinder(rules)


@pytest.mark.parametrize("text,doc_date,key,grain", _cases())
def test_period_cases(finder, text, doc_date, key, grain):
    found = finder.find(text, _doc(doc_date))
    if not key:
        assert found == [], [(m.period.key(), text[m.start:m.end]) for m in found]
        return
    assert found, text
    p = found[0].period
    assert (p.key(), p.grain) == (key, grain)


def test_case_count():
    assert len(_cases()) >= 40


@pytest.mark.parametrize("text,expected", [
    ("2017-12-24", date(2017, 12, 24)), ("24 December 2017", date(2017, 12, 24)),
    ("December 24, 2017", date(2017, 12, 24)), ("Dec. 24 2017", date(2017, 12, 24)),
    ("2017/12/24", date(2017, 12, 24)), ("December 2017", date(2017, 12, 1)), ("2017", date(2017, 1, 1)),
    ("next Tuesday", None), ("2017-13-40", None), ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("key,grain", [
    ("2017", "year"), ("2004-Q3", "quarter"), ("2006-H1", "half"), ("1989-06", "month"),
    ("2017-12-24", "day"), ("2003-03/2006-06", "span"), ("../2006-07", "cumulative"),
    ("2011-01/2024-03-12", "cumulative"),
])
def test_keys_read_back(key, grain):
    p = parse_key(key, grain)
    assert p is not None and p.key() == key


def test_overlap_and_containment():
    q3 = parse_key("2004-Q3", "quarter")
    y = parse_key("2004", "year")
    assert y.contains(q3) and q3.overlaps(y) and not q3.contains(y)
    assert not parse_key("2005", "year").overlaps(q3)
    total = parse_key("../2006-07", "cumulative")
    assert total.overlaps(parse_key("2003", "year")) and not total.overlaps(parse_key("2007", "year"))
