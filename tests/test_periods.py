"""Periods: expressions read and resolved against the document's date (pure, no spaCy).

The cases are data (``tests/data/period_cases.tsv``): a phrase, the document's date as a
day ("2024-03-12"), a year only ("2024") or none, and the period key and grain expected.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkextract.extraction.periods import Period, PeriodFinder, _finditer, parse_date, parse_key, year_period

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


# --- the lowercase twin (periods._finditer): the same matches, faster -------------------

_WORDS = ["since", "the", "war", "in", "March", "2011", "between", "from", "2004", "and", "2009", "to",
          "so", "far", "to date", "Q3", "first", "half", "of", "H1", "fiscal", "year", "2019-20",
          "last", "week", "three", "months", "ago", "Monday", "today", "May", "dismay", "FY2009",
          "12", "Dec.", "31st", ",", ".", "-", "–", "as of", "end", "quarter", "2023-05-01"]


def _both(finder, text):
    slow = [(m.start(), m.end(), m.lastgroup) for m in finder._rx.finditer(text)]
    fast = [(m.start(), m.end(), m.lastgroup) for m in _finditer(finder._rx, finder._lower_rx, text)]
    return slow, fast


def test_twin_is_used_for_the_shipped_rules(finder):
    assert finder._lower_rx is not None


def test_twin_finds_what_the_pattern_finds_on_real_text(finder):
    from .conftest import ROOT

    for path in sorted((ROOT / "corpus").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            slow, fast = _both(finder, line)
            assert fast == slow, line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([str.lower, str.upper, str.title, str]),
                          st.sampled_from([" ", "", "  ", "\n"])), max_size=14))
def test_twin_finds_what_the_pattern_finds(finder, parts):
    text = "".join(case(w) + sep for w, case, sep in parts)
    slow, fast = _both(finder, text)
    assert fast == slow


@pytest.mark.parametrize("word", ["Kelvin \u212a", "Ano\u017f"])  # a cased non-ASCII letter in a rule word
def test_no_twin_when_case_folding_is_not_lowercasing(rules, word):
    import copy

    mine = copy.deepcopy(rules)
    mine.frames.setdefault("periods", {}).setdefault("this", []).append(word)
    assert PeriodFinder(mine)._lower_rx is None
