"""Conflict grouping and verdicts.

Hand-written multi-source cases cover every verdict (``conflict``, ``agree``, ``trend``,
``scope``, ``inconsistency``) through both :func:`judge_pair` and :func:`group_claims`.

Corpus pairs the linking thresholds are tuned on (``@pytest.mark.model`` tests below):

* 002 "around 200,000" prisoners in political prison camps vs 004 "between 80,000 and
  120,000" people in political prison camps: one group, verdict ``conflict`` (x1.67);
* 004 2,706 (2011) and 1,127 (2017) defections: one group, verdict ``trend``;
* 004 85 percent of refugees vs 71 percent in South Korea: never a ``conflict``.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nkextract import conflicts as C
from nkextract.claims import Claim
from nkextract.conflicts import (
    VERDICTS,
    backing,
    group_claims,
    judge,
    judge_pair,
    link,
    source_identity,
    unit_family,
)
from nkextract.dedupe import dedupe

from .factory import make_claim


def _only_group(claims, tol=0.1):
    groups = group_claims(claims, tol)
    assert len(groups) == 1, [(g.verdict, [c.text for c in g.claims]) for g in groups]
    assert sorted(c.id for c in groups[0].claims) == sorted(c.id for c in claims)
    return groups[0]


# --- conflict -------------------------------------------------------------------------------

def _camps_a():
    return make_claim(200_000, source="a.txt", text="200,000",
                      sentence="North Korea holds an estimated 200,000 prisoners in political prison camps.")


def _camps_b():
    return make_claim(80_000, 120_000, source="b.txt", text="between 80,000 and 120,000",
                      subject="people in political prison camps", key="political prison camp people",
                      head="people",
                      sentence="Between 80,000 and 120,000 people are held in political prison camps.")


def test_conflict_pair():
    verdict, severity, why = judge_pair(_camps_a(), _camps_b(), 0.1)
    assert verdict == "conflict"
    assert severity == pytest.approx(200_000 / 120_000)
    assert why


def test_conflict_group():
    a, b = _camps_a(), _camps_b()
    g = _only_group([a, b])
    assert g.verdict == "conflict"
    assert g.severity == pytest.approx(200_000 / 120_000)
    assert g.unit == "people" and g.sources == 2
    assert [c.low for c in g.claims] == [80_000, 200_000]  # low to high
    d = g.to_dict()
    assert d["severity"] == pytest.approx(1.667)
    assert d["verdict"] == "conflict" and d["sources"] == 2 and d["why"]
    assert [c["id"] for c in d["claims"]] == [b.id, a.id]
    assert all(c["backing"] == 1 and "mentions" in c for c in d["claims"])


def test_conflict_is_symmetric():
    a, b = _camps_a(), _camps_b()
    assert judge_pair(a, b, 0.1) == judge_pair(b, a, 0.1)


# --- agree ----------------------------------------------------------------------------------

def test_agree_within_tolerance():
    a = make_claim(100_000, source="a.txt", sentence="About 100,000 prisoners are held in political prison camps.")
    b = make_claim(105_000, source="b.txt", sentence="Some 105,000 prisoners are held in political prison camps.")
    assert judge_pair(a, b, 0.1)[0] == "agree"
    g = _only_group([a, b])
    assert g.verdict == "agree" and g.severity is None


def test_agree_at_least_with_a_larger_figure():
    a = make_claim(50_000, None, source="a.txt", qualifier="at_least", text="at least 50,000",
                   sentence="At least 50,000 prisoners are held in political prison camps.")
    b = make_claim(100_000, source="b.txt", sentence="100,000 prisoners are held in political prison camps.")
    assert judge_pair(a, b, 0.1)[0] == "agree"
    assert _only_group([a, b]).verdict == "agree"


def test_at_least_with_a_smaller_figure_conflicts():
    a = make_claim(100_000, None, source="a.txt", qualifier="at_least", text="more than 100,000",
                   sentence="More than 100,000 prisoners are held in political prison camps.")
    b = make_claim(50_000, source="b.txt", sentence="50,000 prisoners are held in political prison camps.")
    v, sev, _ = judge_pair(a, b, 0.1)
    assert v == "conflict" and sev == pytest.approx(2.0)


# --- tolerance ------------------------------------------------------------------------------

def _hundred_vs(x):
    a = make_claim(100, source="a.txt", sentence="100 prisoners were released from political prison camps.")
    b = make_claim(x, source="b.txt", sentence=f"{x} prisoners were released from political prison camps.")
    return a, b


def test_tolerance_changes_the_verdict():
    a, b = _hundred_vs(130)
    assert judge_pair(a, b, 0.5)[0] == "agree"
    assert judge_pair(a, b, 0.1)[0] == "conflict"
    assert _only_group([a, b], 0.5).verdict == "agree"
    assert _only_group([a, b], 0.1).verdict == "conflict"


def test_fifteen_percent_apart_agrees_at_twenty_percent_tolerance():
    a, b = _hundred_vs(115)
    assert judge_pair(a, b, 0.2)[0] == "agree"


def test_fifteen_percent_apart_conflicts_at_ten_percent_tolerance():
    a, b = _hundred_vs(115)
    assert judge_pair(a, b, 0.1)[0] == "conflict"


def test_at_most_agrees_with_a_smaller_figure_at_large_tolerance():
    a = make_claim(None, 100, source="a.txt", qualifier="at_most", text="at most 100")
    b = make_claim(50, source="b.txt")
    assert judge_pair(a, b, 0.1)[0] == "agree"
    assert judge_pair(a, b, 1.0)[0] == "agree"


# --- trend ----------------------------------------------------------------------------------

def _defections(value, year, source):
    return make_claim(value, source=source, subject="defections to South Korea", key="defection south korea",
                      head="defection", concepts=("defection",), time=year, time_source="sentence",
                      text=f"{value:,}", sentence=f"In {year}, there were {value:,} defections to South Korea.")


def test_trend_for_different_sentence_years():
    a, b = _defections(1_127, 2017, "a.txt"), _defections(2_706, 2011, "b.txt")
    v, sev, why = judge_pair(a, b, 0.1)
    assert v == "trend" and sev == pytest.approx(2_706 / 1_127)
    assert "2011" in why and "2017" in why
    g = _only_group([a, b])
    assert g.verdict == "trend"
    assert [c.time for c in g.claims] == [2011, 2017]  # trends read in time order


def test_a_stated_year_against_another_articles_date_is_a_trend():
    a = _defections(2_706, 2011, "a.txt")
    b = _defections(1_127, 2017, "b.txt")
    b.time_source = "document"  # an article dated 2017 speaks of its own time, not of 2011
    assert judge_pair(a, b, 0.1)[0] == "trend"


def test_a_reports_year_is_not_the_figures_year():
    # the example: "200,000 as of 2017" against "the 2022 TIP report" is a conflict
    a = _defections(2_706, 2011, "a.txt")
    b = _defections(1_127, 2017, "b.txt")
    b.time_source = "report"
    assert judge_pair(a, b, 0.1)[0] == "conflict"
    b.time_source = a.time_source = "document"  # two dated articles without stated years
    assert judge_pair(a, b, 0.1)[0] == "conflict"


def test_same_figure_in_two_years_agrees():
    a, b = _defections(1_000, 2016, "a.txt"), _defections(1_050, 2017, "b.txt")
    assert judge_pair(a, b, 0.1)[0] == "agree"


# --- scope ----------------------------------------------------------------------------------

def _workers(value, source, places=(), time=None, qualifier=None, where="abroad"):
    subject = f"workers in {places[0]}" if places else "workers abroad"
    return make_claim(value, source=source, subject=subject, key="overseas worker " + (
        places[0].lower() if places else "abroad"), head="worker", concepts=("overseas worker",),
        places=places, time=time, time_source="sentence" if time else None, qualifier=qualifier,
        sentence=f"{'In ' + str(time) + ', ' if time else ''}{value:,} North Korean workers "
                 f"{'in ' + places[0] if places else where} earned foreign currency for the regime.")


def test_scope_place_vs_whole():
    a = _workers(50_000, "a.txt", places=("Russia",))
    b = _workers(100_000, "b.txt")
    v, sev, why = judge_pair(a, b, 0.1)
    assert v == "scope" and sev is None and "Russia" in why
    assert _only_group([a, b]).verdict == "scope"


def test_scope_percent_of_a_subgroup():
    a = make_claim(85, source="a.txt", unit="percent", kind="percent", text="85 percent", subject="refugees",
                   key="refugee woman", head="refugee", concepts=(),
                   sentence="85 percent of North Korean refugees are women.")
    b = make_claim(71, source="b.txt", unit="percent", kind="percent", text="71 percent",
                   subject="refugees in South Korea", key="refugee woman south korea", head="refugee",
                   concepts=(), places=("South Korea",),
                   sentence="71 percent of North Korean refugees in South Korea are women.")
    assert judge_pair(a, b, 0.1)[0] == "scope"
    assert _only_group([a, b]).verdict == "scope"


def test_same_document_giving_two_figures_is_scope():
    a = make_claim(200_000, source="a.txt", sentence="Some estimates put 200,000 prisoners in political prison camps.")
    b = make_claim(80_000, 120_000, source="a.txt",
                   sentence="Other estimates put between 80,000 and 120,000 prisoners in political prison camps.")
    v, _, why = judge_pair(a, b, 0.1)
    assert v == "scope" and "document" in why
    assert _only_group([a, b]).verdict == "scope"


# --- inconsistency --------------------------------------------------------------------------

def test_part_larger_than_whole_in_same_year_is_inconsistency():
    part = _workers(60_000, "a.txt", places=("Russia",), time=2015)
    whole = _workers(40_000, "b.txt", time=2015, qualifier="approx")
    for x, y in ((part, whole), (whole, part)):
        v, sev, why = judge_pair(x, y, 0.1)
        assert v == "inconsistency"
        assert sev == pytest.approx(1.5)
        assert "2015" in why
    g = _only_group([part, whole])
    assert g.verdict == "inconsistency" and g.severity == pytest.approx(1.5)


def test_part_larger_than_whole_in_different_years_is_only_scope():
    part = _workers(60_000, "a.txt", places=("Russia",), time=2015)
    whole = _workers(40_000, "b.txt", time=2012)
    assert judge_pair(part, whole, 0.1)[0] == "scope"


def test_group_verdict_is_the_most_severe_pair():
    a, b = _camps_a(), _camps_b()
    c = make_claim(190_000, source="c.txt", sentence="Roughly 190,000 prisoners are held in political prison camps.")
    g = _only_group([a, b, c])
    assert g.verdict == "conflict"
    assert g.severity == pytest.approx(200_000 / 120_000)  # the widest gap among conflicting pairs
    assert judge([a, b, c], 0.1)[0] == "conflict"
    assert judge([a], 0.1)[0] == "agree"


# --- blocking by unit family ------------------------------------------------------------------

def test_unit_family():
    assert unit_family("USD/year") == unit_family("USD") == "USD"
    assert unit_family("KRW/month") == "KRW"
    assert unit_family("people/year") != unit_family("people")
    assert unit_family("percent") == "percent"


def test_people_per_year_never_grouped_with_people():
    flow = make_claim(1_000, source="a.txt", unit="people/year", kind="rate", subject="defectors",
                      key="defector south korea", head="defector", concepts=("defection",),
                      sentence="About 1,000 North Korean defectors reach South Korea every year.")
    stock1 = make_claim(1_000, source="b.txt", subject="defectors", key="defector south korea",
                        head="defector", concepts=("defection",),
                        sentence="About 1,000 North Korean defectors reach South Korea.")
    stock2 = make_claim(30_000, source="c.txt", subject="defectors", key="defector south korea",
                        head="defector", concepts=("defection",),
                        sentence="About 30,000 North Korean defectors live in South Korea.")
    groups = group_claims([flow, stock1, stock2])
    assert groups, "the two stock figures should still be compared"
    for g in groups:
        assert len({c.unit for c in g.claims}) == 1, [c.unit for c in g.claims]
    assert all(flow.id not in {c.id for c in g.claims} for g in groups)


def test_usd_per_year_grouped_with_usd():
    yearly = make_claim(500e6, source="a.txt", unit="USD/year", kind="rate", text="$500 million a year",
                        subject="revenue from overseas workers", key="overseas worker revenue", head="revenue",
                        concepts=("overseas worker",),
                        sentence="Overseas workers earn the regime $500 million a year in revenue.")
    total = make_claim(2e9, source="b.txt", unit="USD", kind="money", text="$2 billion",
                       subject="revenue from overseas workers", key="overseas worker revenue", head="revenue",
                       concepts=("overseas worker",),
                       sentence="Overseas workers earn the regime $2 billion in revenue.")
    g = _only_group([yearly, total])
    assert {c.unit for c in g.claims} == {"USD/year", "USD"}
    assert g.verdict == "conflict" and g.severity == pytest.approx(4.0)


def test_different_concepts_never_grouped():
    a = _camps_a()
    b = make_claim(200_000, source="b.txt", subject="workers abroad", key="overseas worker abroad",
                   head="worker", concepts=("overseas worker",),
                   sentence="North Korea holds 200,000 workers abroad.")
    assert group_claims([a, b]) == []


# --- independent sources ----------------------------------------------------------------------

def test_source_identity_same_attribution_is_one_source():
    a = make_claim(80_000, 120_000, source="a.txt", attribution="2022 TIP report")
    b = make_claim(80_000, 120_000, source="b.txt", attribution=" 2022 TIP Report")
    assert source_identity(a.mention()) == source_identity(b.mention())
    merged = dedupe([a, b])
    assert len(merged) == 1 and len(merged[0].mentions) == 2
    assert backing(merged[0]) == 1


def test_source_identity_unattributed_files_are_separate_sources():
    a = make_claim(80_000, 120_000, source="a.txt")
    b = make_claim(80_000, 120_000, source="b.txt")
    c = make_claim(80_000, 120_000, source="c.txt", attribution="Reuters")
    assert source_identity(a.mention()) != source_identity(b.mention())
    merged = dedupe([a, b, c])
    assert len(merged) == 1 and backing(merged[0]) == 3
    assert backing(a) == 1  # an unmerged claim is its own single mention


def test_group_sources_count_attributions_once():
    a = make_claim(80_000, 120_000, source="a.txt", attribution="2022 TIP report",
                   sentence="According to the 2022 TIP report, between 80,000 and 120,000 prisoners are held "
                            "in political prison camps.")
    b = make_claim(80_000, 120_000, source="b.txt", attribution="2022 TIP report",
                   sentence="The 2022 TIP report says between 80,000 and 120,000 prisoners are held in "
                            "political prison camps.")
    c = _camps_a()  # unattributed
    c.source = "c.txt"
    merged = dedupe([a, b, c])
    assert len(merged) == 2
    g = _only_group(merged)
    assert g.verdict == "conflict"
    assert g.sources == 2  # the TIP report (quoted twice) + c.txt's own figure
    backings = {c.low: backing(c) for c in g.claims}
    assert backings == {80_000: 1, 200_000: 1}


def test_verdict_does_not_depend_on_which_mention_leads():
    verdicts = []
    for other_file in ("a.txt", "b.txt"):
        x1 = make_claim(80_000, 120_000, source="a.txt",
                        sentence="Between 80,000 and 120,000 prisoners are held in political prison camps.")
        x2 = make_claim(80_000, 120_000, source="b.txt",
                        sentence="Between 80,000 and 120,000 prisoners are held in political prison camps.")
        y = _camps_a()
        y.source = other_file
        merged = dedupe([x1, x2, y])
        assert len(merged) == 2
        verdicts.append(_only_group(merged).verdict)
    assert verdicts[0] == verdicts[1], verdicts


# --- properties -------------------------------------------------------------------------------

_bound = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def _interval(draw):
    lo, hi = sorted((draw(_bound), draw(_bound)))
    kind = draw(st.sampled_from(["exact", "range", "at_least", "at_most"]))
    if kind == "exact":
        return lo, lo
    if kind == "at_least":
        return lo, None
    if kind == "at_most":
        return None, hi
    return lo, hi


@settings(max_examples=200, deadline=None)
@given(_interval(), _interval(), st.floats(min_value=0, max_value=0.9))
def test_judge_pair_is_symmetric_and_never_conflicts_on_overlap(x, y, tol):
    a = make_claim(x[0], x[1], source="a.txt", text="x", qualifier="range")
    b = make_claim(y[0], y[1], source="b.txt", text="y", qualifier="range")
    v1, v2 = judge_pair(a, b, tol), judge_pair(b, a, tol)
    assert v1[0] == v2[0] and v1[0] in VERDICTS
    assert v1[1] == pytest.approx(v2[1]) if v1[1] is not None else v2[1] is None
    alo, ahi = C._bounds(a)
    blo, bhi = C._bounds(b)
    if alo <= bhi and blo <= ahi:  # they overlap without any tolerance
        assert v1[0] == "agree"
    if v1[0] == "agree":  # more tolerance never turns agreement into conflict
        assert judge_pair(a, b, min(tol * 2 + 0.01, 0.95))[0] == "agree"


# --- scaling (not timed) ----------------------------------------------------------------------

def _synthetic(n: int, seed: int = 1234) -> list[Claim]:
    rng = random.Random(seed)
    units = [("people", "count"), ("USD", "money"), ("USD/year", "rate"), ("percent", "percent"),
             ("years", "duration"), ("people/year", "rate"), ("KRW", "money"), ("tonnes", "other")]
    heads = [f"noun{i}" for i in range(300)]
    mods = [f"mod{i}" for i in range(500)]
    places = ["Russia", "China", "South Korea", "Japan", None, None, None]
    concepts = ["political prison camp", "overseas worker", "defection"] + [None] * 7
    out = []
    for i in range(n):
        unit, kind = rng.choice(units)
        head = rng.choice(heads)
        m1, m2 = rng.sample(mods, 2)
        concept = rng.choice(concepts)
        place = rng.choice(places)
        v = float(rng.randint(1, 10**6))
        out.append(Claim(
            id=f"{i:016x}", source=f"f{i % 400}.txt", start=0, end=1, text="1",
            sentence=f"The {m1} {m2} {head} numbered {int(v)} in {place or 'total'}.", low=v, high=v,
            qualifier="exact", unit=unit, kind=kind, subject=f"{m1} {m2} {head}",
            subject_key=" ".join(([concept] if concept else []) + [m1, m2, head]), time=None,
            time_source=None, time_text=None, attribution=None, rule="synthetic", head=head,
            places=[place] if place else [], concepts=[concept] if concept else []))
    return out


def test_link_scales_by_blocking():
    n = 20_000
    claims = _synthetic(n)
    blocks = C._blocks(claims)
    scored = sum(len(b) ** 2 for b in blocks.values())
    assert scored < n * n / 100, scored  # far below all pairs
    # every claim with a unit and a subject is in a block of its own unit family
    for (fam, _, _), idx in blocks.items():
        assert {unit_family(claims[i].unit) for i in idx} == {fam}
    comps = link(claims)
    assert all(len(c) >= 2 for c in comps)
    seen = [i for c in comps for i in c]
    assert len(seen) == len(set(seen))  # components are disjoint


def test_oversized_block_still_links_identical_claims(monkeypatch):
    monkeypatch.setattr(C, "ROWS", 7)  # cdist in slices of 7 rows: every pair is still scored
    claims = [make_claim(1_000 + i, source=f"f{i}.txt",
                         sentence="North Korea holds prisoners in political prison camps.") for i in range(30)]
    comps = link(claims)
    assert [len(c) for c in comps] == [30]


# --- the corpus -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_groups(corpus_claims):
    claims = [c for _, (_, cs) in sorted(corpus_claims.items()) for c in cs]
    return group_claims(dedupe(claims), 0.1)


def _file(c: Claim) -> str:
    return c.source.replace("\\", "/").rsplit("/", 1)[-1]


def _groups_with(groups, pred):
    return [g for g in groups if any(pred(c) for c in g.claims)]


@pytest.mark.model
def test_corpus_prison_camp_conflict(corpus_groups):
    def is_200k(c):
        return _file(c).startswith("002_") and c.low == 200_000 and c.high == 200_000

    def is_80_120k(c):
        return _file(c).startswith("004_") and (c.low, c.high) == (80_000, 120_000)

    groups = _groups_with(corpus_groups, is_200k)
    assert len(groups) == 1
    g = groups[0]
    assert any(is_80_120k(c) for c in g.claims)
    assert g.verdict == "conflict"
    assert g.unit == "people"
    assert g.severity == pytest.approx(200_000 / 120_000)
    assert "prison camp" in g.subject.lower()


@pytest.mark.model
def test_corpus_defections_are_a_trend(corpus_groups):
    groups = _groups_with(corpus_groups, lambda c: c.low in (2_706, 1_127))
    assert len(groups) == 1
    g = groups[0]
    assert {2_706, 1_127} <= {c.low for c in g.claims}
    assert g.verdict == "trend"
    assert [c.time for c in g.claims if c.low in (2_706, 1_127)] == [2011, 2017]


@pytest.mark.model
def test_corpus_refugee_percentages_never_conflict(corpus_groups):
    found = False
    for g in corpus_groups:
        values = {c.low for c in g.claims if c.unit == "percent"}
        if values & {85, 71}:
            found = True
            assert g.verdict not in ("conflict", "inconsistency"), (g.verdict, g.why)
    assert found, "85 percent / 71 percent should be grouped with related percentages"


@pytest.mark.model
def test_corpus_groups_are_sorted_most_severe_first(corpus_groups):
    ranks = [VERDICTS.index(g.verdict) for g in corpus_groups]
    assert ranks == sorted(ranks)
    for g in corpus_groups:
        assert len({unit_family(c.unit) for c in g.claims}) == 1
        assert g.why
