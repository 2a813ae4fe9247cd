"""The tool is not tied to the sample corpus: two hand-written economy stories.

Expected values were read off the text by hand; the sources disagree on the number of
unemployed (1.4m vs 1.7m), agree on the unemployment rate within 10% (4.2% vs 4.6%), and
give inflation for two different years (a trend, not a conflict).  The Bank of England's
2% target is a yardstick, not an inflation figure, and must not be compared with them.
"""

from __future__ import annotations

import pytest

from nkextract.compare.conflicts import group_claims
from nkextract.compare.dedupe import dedupe
from nkextract.read.files import read_document

from .conftest import DATA

pytestmark = pytest.mark.model

NEWS = DATA / "news"

# (file, text, low, high, qualifier, unit)
EXPECTED = [
    ("bbc_style_a.txt", "3.5%", 3.5, 3.5, "exact", "percent"),
    ("bbc_style_a.txt", "$92.40", 92.4, 92.4, "exact", "USD"),
    # "output fell by 1.2 million barrels a day": a signed change (README "The claim record")
    ("bbc_style_a.txt", "1.2 million barrels a day", -1.2e6, -1.2e6, "exact", "barrels/day"),
    ("bbc_style_a.txt", "104.3 million barrels per day", 104.3e6, 104.3e6, "exact", "barrels/day"),
    ("bbc_style_a.txt", "102.1 million", 102.1e6, 102.1e6, "exact", "barrels/day"),
    ("bbc_style_a.txt", "About 1.4 million", 1.4e6, 1.4e6, "approx", "people"),
    ("bbc_style_a.txt", "roughly 4.2%", 4.2, 4.2, "approx", "percent"),
    ("bbc_style_a.txt", "£3.5bn", 3.5e9, 3.5e9, "exact", "GBP"),
    ("bbc_style_b.txt", "1.7 million", 1.7e6, 1.7e6, "exact", "people"),
    ("bbc_style_b.txt", "11.1%", 11.1, 11.1, "exact", "percent"),
    ("bbc_style_b.txt", "£2bn", 2e9, 2e9, "exact", "GBP"),
]


@pytest.fixture(scope="module")
def news_claims(model_extractor):
    out = []
    for path in sorted(NEWS.glob("*.txt")):
        doc = read_document(path)
        out.extend(model_extractor.extract(doc))
    return out


@pytest.mark.parametrize("name,text,low,high,qualifier,unit", EXPECTED)
def test_figures(news_claims, name, text, low, high, qualifier, unit):
    found = [c for c in news_claims if c.source.endswith(name) and c.text == text]
    assert len(found) == 1, [(c.text, c.source) for c in news_claims]
    c = found[0]
    assert (c.low, c.high, c.qualifier, c.unit) == (pytest.approx(low), pytest.approx(high), qualifier, unit)


def test_time_and_sources(news_claims):
    by_text = {c.text: c for c in news_claims}
    assert by_text["11.1%"].time == 2022  # "in October 2022"
    assert by_text["104.3 million barrels per day"].time == 2025
    assert by_text["102.1 million"].time == 2023
    assert by_text["1.7 million"].attribution == "ONS"
    assert by_text["0.1%"].attribution == "Office for National Statistics"
    assert by_text["3.5%"].attribution == "Reuters"


def test_verdicts(news_claims):
    groups = group_claims(dedupe(news_claims), 0.1)
    verdict_of = {}
    for g in groups:
        for c in g.claims:
            verdict_of[c.text] = g.verdict
    assert verdict_of["1.7 million"] == "conflict"
    assert verdict_of["About 1.4 million"] == "conflict"
    assert verdict_of["4.6%"] == "agree"
    assert verdict_of["11.1%"] == "trend"
    assert "2%" not in verdict_of  # the target is not an inflation figure


def test_death_tolls_disagree_but_the_injured_are_another_quantity(model_extractor):
    """Two hand-written earthquake reports: "at least 2,300" killed against "nearly 1,800"
    died is a conflict; "more than 10,000 injured", in the same sentence as the deaths,
    and "$50m" of aid beside the province's population are other quantities."""
    claims = []
    for path in sorted((DATA / "quake").glob("*.txt")):
        claims.extend(model_extractor.extract(read_document(path)))
    groups = group_claims(dedupe(claims), 0.1)
    conflict = [g for g in groups if g.verdict == "conflict"]
    assert len(conflict) == 1
    texts = {c.text for c in conflict[0].claims}
    assert {"At least 2,300", "Nearly 1,800"} <= texts
    assert "more than 10,000" not in texts
    assert conflict[0].severity == pytest.approx(2300 / 1800)
    injured = next(c for c in claims if c.text == "more than 10,000")
    assert injured.unit == "people" and "death toll" not in injured.concepts
    aid = next(c for c in claims if c.text == "$50m")
    assert aid.concepts == []
