"""Conflict grouping: which pairs are one quantity, the verdicts, and no chaining.

Pairs are built with :func:`tests.factory.make_claim` (every frame field explicit) and
kept as a table: which pairs must be compared (and as what) and which must never be.
The corpus tests at the end read the sample articles with the trained pipeline.
"""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from nkextract.compare.weights import DEFAULT_MIN_CONFIDENCE
from nkextract.compare.conflicts import default_report, group_claims, relate_all
from nkextract.compare.records import VERDICTS, backing, source_identity, unit_family
from nkextract.compare.relate import Comparer
from nkextract.compare.stories import Stories
from nkextract.compare.dedupe import dedupe
from nkextract.extraction.claims import Claim

from .factory import make_claim


@pytest.fixture(scope="module")
def cmp(rules):
    return Comparer(rules, 0.1)


def _camp(value, high=..., source="a.txt", **kw):
    kw.setdefault("sentence", f"North Korea holds {value:,} prisoners in political prison camps.")
    return make_claim(value, high, source=source, **kw)


def _toll(value, source, holder="Haiti", how="'from'", **kw):
    kw.setdefault("sentence", f"The death toll from the {holder} earthquake rose to {value:,}.")
    return make_claim(value, source=source, holder=holder, holder_how=how, measure="death toll",
                      measure_how="clause noun:toll", subject="death toll", key="death toll", head="toll",
                      concepts=(), doc_entities=(holder,), **kw)


def _age(value, source, holder, how="apposition"):
    return make_claim(value, source=source, unit="years", kind="duration", holder=holder, holder_how=how,
                      measure="age", measure_how="apposition", subject="age", key="age", head="age",
                      concepts=(), doc_entities=("New York",), sentence=f"{holder}, {value}, appeared in court.")


# --- which pairs are one quantity ----------------------------------------------------------------
# (name, a, b, expected relation kind or None)
PAIRS = [
    ("same holder and measure in two articles",
     _toll(46_000, "a.txt"), _toll(316_000, "b.txt"), "same"),
    ("two named holders of one kind are two quantities",
     _toll(300, "a.txt", holder="Chile"), _toll(500, "b.txt", holder="Peru"), None),
    ("a death toll is not the number injured",
     _toll(2_300, "a.txt"), make_claim(10_000, source="b.txt", holder="Haiti", holder_how="'from'",
                                       measure="injured", measure_how="verb:injured", concepts=()), None),
    ("a yearly flow never meets a stock",
     _camp(1_000, unit="people/year", kind="rate"), _camp(1_100, source="b.txt"), None),
    ("a change never meets a level",
     make_claim(2, source="a.txt", unit="percent", kind="change", measure="share price"),
     make_claim(2.5, source="b.txt", unit="percent", kind="percent", measure="share price"), None),
    ("a forecast against an outcome",
     _camp(100_000, modality="forecast"), _camp(200_000, source="b.txt"), "forecast"),
    ("a target is never compared with an actual figure",
     _camp(100_000, modality="target"), _camp(200_000, source="b.txt"), None),
    ("two targets are compared",
     _camp(100_000, modality="target"), _camp(200_000, source="b.txt", modality="target"), "same"),
    ("a condition is never compared",
     _camp(100_000, modality="hypothetical"), _camp(200_000, source="b.txt"), None),
    ("an estimate is compared with an actual figure",
     _camp(100_000, modality="estimate"), _camp(200_000, source="b.txt"), "same"),
    ("stated years that differ: a trend",
     _camp(2_706, time=2011, time_source="sentence"), _camp(1_127, source="b.txt", time=2017,
                                                             time_source="sentence"), "trend"),
    ("a report's year is when it was published, not what it measured",
     _camp(200_000, time=2017, time_source="sentence"),
     _camp(80_000, 120_000, source="b.txt", time=2022, time_source="report"), "same"),
    ("a quarterly and an annual growth rate are two measures",
     make_claim(0.3, source="a.txt", unit="percent", kind="percent", measure="economic growth",
                holder="Japan", holder_how="possessive", period="2004-Q3", period_grain="quarter",
                time_source="sentence"),
     make_claim(2.1, source="b.txt", unit="percent", kind="percent", measure="economic growth",
                holder="Japan", holder_how="possessive", period="2004", period_grain="year",
                time_source="sentence"), None),
    ("a place against the whole: a part",
     _camp(30_000, places=("Russia",)), _camp(100_000, source="b.txt"), "part"),
    ("two places: sibling scopes",
     _camp(30_000, places=("Russia",)), _camp(94_200, source="b.txt", places=("China",)), "scope"),
    ("how a figure was counted does not split it",
     _camp(64, places=("official",)), _camp(4_645, source="b.txt", places=("excess",)), "same"),
    ("one article, two values, nothing sets them against each other: it tells them apart",
     _camp(64, sentence="The toll was revised from 64."), _camp(2_975, sentence="It now stands at 2,975."),
     None),
    ("one article quoting two named sources",
     _camp(64, attribution="the Puerto Rican government"), _camp(1_052, attribution="New York Times"), "same"),
    ("one article contrasting two figures",
     _camp(46_000, sentence="The toll was 46,000, far smaller than the official figure of 316,000."),
     _camp(316_000, sentence="The toll was 46,000, far smaller than the official figure of 316,000."), "same"),
    ("a place named in one sentence against another article's whole story",
     _toll(6_000, "a.txt", holder="Indonesia", how="own 'in'"),
     _toll(230_000, "b.txt", holder="Indonesia", how="document"), None),
    ("an age is one named person's: an unnamed 53-year-old is someone else",
     _age(33, "a.txt", "Zacarias Moussaoui"), _age(53, "b.txt", "New York", how="document"), None),
    ("one person's age in two articles",
     _age(33, "a.txt", "Zacarias Moussaoui"), _age(34, "b.txt", "Zacarias Moussaoui"), "same"),
    ("a running count with no dates: the count moved",
     _toll(25_000, "a.txt", period=None),
     make_claim(51_000, source="b.txt", holder="Haiti", holder_how="'from'", measure="death toll",
                concepts=(), doc_entities=("Haiti",), sentence="The toll from the Haiti quake rose to 51,000."),
     "same"),
]


@pytest.mark.parametrize("name,a,b,expected", PAIRS, ids=[p[0] for p in PAIRS])
def test_pairs(cmp, name, a, b, expected):
    r = cmp.relate(a, b)
    assert (r.kind if r else None) == expected, r
    r2 = cmp.relate(b, a)
    assert (r2.kind if r2 else None) == expected  # symmetric in kind
    if r is not None:
        assert 0 < r.strength <= 1 and r.evidence


def test_running_count_marked_in_the_frame_is_a_trend(cmp):
    a = _toll(25_000, "a.txt")
    b = _toll(51_000, "b.txt")
    b.frame = {**b.frame, "running": "rose"}
    r = cmp.relate(a, b)
    assert r is not None and r.kind == "trend" and any("running" in e for e in r.evidence)


def test_an_undated_figure_speaks_of_the_years_its_article_states(rules):
    """A toll stated for 1883 is not a 2004 tsunami article's undated toll; with an article
    that states no year, nothing tells them apart."""
    old = _toll(36_000, "a.txt", time=1883, time_source="sentence")
    undated = _toll(30_000, "b.txt")
    dated_sibling = _toll(10_000, "b.txt", time=2004, time_source="sentence")
    r = Comparer(rules, 0.1, Stories([old, undated, dated_sibling])).relate(old, undated)
    assert r is not None and r.kind == "trend" and any("other years" in e for e in r.evidence)
    r = Comparer(rules, 0.1, Stories([old, undated])).relate(old, undated)
    assert r is not None and r.kind == "same"


def test_a_look_back_in_an_article_about_later_years_is_no_rival_to_an_undated_figure(rules):
    """A 2004 tsunami report recalling "36,000 died in 1883" against another report's
    undated toll: the 1883 figure is its own article's aside into the past."""
    old = _toll(36_000, "a.txt", time=1883, time_source="sentence")
    story = _toll(150_000, "a.txt", time=2004, time_source="sentence")
    undated = _toll(30_000, "b.txt")
    r = Comparer(rules, 0.1, Stories([old, story, undated])).relate(old, undated)
    assert r is not None and r.kind == "trend"


def test_in_one_article_a_figure_with_no_time_of_its_own_is_of_the_time_discussed(rules):
    """The article's date does not make a trend of "at least 10,000 were killed in June
    1989" and "the government says 200 civilians were killed" in one 2017 article."""
    sentence = "At least 10,000 were killed in June 1989, while the government says 200 were."
    a = _toll(10_000, "a.txt", time=1989, time_source="sentence", sentence=sentence)
    b = _toll(200, "a.txt", period="2017-12-24", period_grain="day", time_source="document", sentence=sentence)
    b.time = 2017
    r = Comparer(rules, 0.1, Stories([a, b])).relate(a, b)
    assert r is not None and r.kind == "same" and any("one article" in e for e in r.evidence)


def test_the_headline_is_the_surest_disagreement_not_a_doubted_gap(rules):
    """A group whose widest gap is doubted (counts 150x apart) takes its confidence
    from the disagreement it can stand behind."""
    cs = [_toll(4_000, "a.txt", attribution="UN"), _toll(150_000, "b.txt", attribution="Greenpeace"),
          _toll(1_000, "c.txt", attribution="a local paper")]
    gs = [g for g in group_claims(cs, 0.1, rules) if g.verdict == "conflict"]
    assert gs and "“4,000” vs “150,000”, ×37.5" in gs[0].why and gs[0].confidence >= DEFAULT_MIN_CONFIDENCE


def test_a_named_persons_age_given_differently_is_a_conflict_whatever_the_tolerance(rules):
    """76 and 77 meet at 10%, but a person is one age or the other: ages are exact."""
    gs = default_report(group_claims([_age(76, "a.txt", "Malcolm Glazer"), _age(77, "b.txt", "Malcolm Glazer")],
                                     0.1, rules))
    assert [g.verdict for g in gs] == ["conflict"] and "“76” vs “77”" in gs[0].why


def test_unit_family():
    assert unit_family(unit="USD/year", kind="rate") == unit_family(unit="USD", kind="money") == "USD"
    assert unit_family(unit="people/year", kind="rate") != unit_family(unit="people", kind="count")
    assert unit_family(unit="percent", kind="change") == "change:percent"
    assert unit_family(unit=None, kind="count") == unit_family(unit="iraqis", kind="count") == "count"


# --- verdicts through group_claims -------------------------------------------------------------

def _only(claims, tol=0.1, verdict=None):
    groups = [g for g in group_claims(claims, tol) if verdict is None or g.verdict == verdict]
    assert len(groups) == 1, [(g.verdict, [c.text for c in g.claims]) for g in groups]
    return groups[0]


def test_conflict_group_says_why_and_how_sure():
    a = _camp(200_000, source="a.txt", text="200,000")
    b = _camp(80_000, 120_000, source="b.txt", text="between 80,000 and 120,000")
    g = _only([a, b])
    assert g.verdict == "conflict" and g.severity == pytest.approx(200_000 / 120_000)
    assert g.holder == "political prison camp" and g.measure == "people held"
    assert "same holder political prison camp" in g.why and "×1.7" in g.why
    assert 0.5 <= g.confidence <= 1
    d = g.to_dict()
    assert d["id"] == g.id and d["id"].startswith("g") and d["confidence"] == round(g.confidence, 2)
    assert [c["low"] for c in d["claims"]] == [80_000, 200_000]
    assert all(c["backing"] == 1 for c in d["claims"])


def test_agree_within_tolerance():
    g = _only([_camp(100_000), _camp(105_000, source="b.txt")])
    assert g.verdict == "agree" and g.severity is None


def test_tolerance_changes_the_verdict():
    claims = [_camp(100), _camp(130, source="b.txt")]
    assert _only(claims, 0.5).verdict == "agree"
    assert _only(claims, 0.1).verdict == "conflict"


def test_at_least_agrees_with_a_larger_figure_and_conflicts_with_a_smaller_one():
    more = _camp(50_000, None, qualifier="at_least", text="more than 50,000")
    assert _only([more, _camp(100_000, source="b.txt")]).verdict == "agree"
    g = _only([_camp(100_000, None, qualifier="at_least", text="more than 100,000"), _camp(50_000, source="b.txt")])
    assert g.verdict == "conflict" and g.severity == pytest.approx(2.0)


def test_trend_in_time_order():
    g = _only([_camp(1_127, time=2017, time_source="sentence"),
               _camp(2_706, source="b.txt", time=2011, time_source="sentence")])
    assert g.verdict == "trend" and [c.time for c in g.claims] == [2011, 2017]


def test_part_larger_than_whole_in_the_same_year_is_an_inconsistency():
    """The sample corpus' case: "more than 50,000 working abroad in 2015" against "about
    94,200 in China alone in 2015": "more than" is read as about 50,000, and the why says so."""
    whole = _camp(50_000, None, qualifier="at_least", text="more than 50,000", time=2015, time_source="sentence")
    part = _camp(94_200, source="b.txt", qualifier="approx", text="approximately 94,200", time=2015,
                 time_source="sentence", places=("China",))
    g = _only([whole, part], verdict="inconsistency")
    assert g.severity == pytest.approx(94_200 / 50_000)
    assert "read as about 50,000" in g.why and "larger than the whole" in g.why
    assert g in default_report(group_claims([whole, part]))


def test_part_larger_than_whole_of_another_year_is_no_inconsistency():
    whole = _camp(50_000, time=2015, time_source="sentence")
    part = _camp(94_200, source="b.txt", time=2016, time_source="sentence", places=("China",))
    assert not [g for g in group_claims([whole, part]) if g.verdict == "inconsistency"]


def test_the_default_report_lists_only_sure_disagreements():
    a = _camp(200_000)
    b = _camp(80_000, 120_000, source="b.txt")
    weak = [_toll(10, "c.txt", how="document"), _toll(900, "d.txt", how="document")]
    groups = group_claims([a, b, *weak])
    shown = default_report(groups)
    assert [g.verdict for g in shown] == ["conflict"] and {c.low for c in shown[0].claims} == {80_000, 200_000}
    assert all(g.confidence >= DEFAULT_MIN_CONFIDENCE for g in shown)


# --- no chaining ---------------------------------------------------------------------------------

def _random_claims(n: int, seed: int) -> list[Claim]:
    rng = random.Random(seed)
    holders = [("Haiti", "'from'"), ("Chile", "possessive"), ("Haiti", "document"), (None, "")]
    measures = ["death toll", "injured", "people held"]
    out = []
    for i in range(n):
        holder, how = rng.choice(holders)
        year = rng.choice([None, 2010, 2011])
        v = float(rng.choice([100, 110, 200, 1_000, 5_000, 50_000]))
        out.append(make_claim(v, source=f"f{rng.randrange(6)}.txt", start=i * 50, holder=holder, holder_how=how,
                              measure=rng.choice(measures), concepts=(), doc_entities=(holder or "Haiti",),
                              time=year, time_source="sentence" if year else None,
                              places=(rng.choice(["", "Leogane"]),) if rng.random() < 0.2 else (),
                              modality=rng.choice(["actual", "actual", "estimate", "forecast"]),
                              attribution=rng.choice([None, "UN", "the government"]),
                              sentence=f"Officials said {int(v)} people died in the quake {i}."))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_every_pair_in_a_group_is_comparable(rules, seed):
    """No transitive chaining: every two claims of a reported group are themselves one
    quantity (a ``same`` relation for conflict and agree groups)."""
    claims = _random_claims(80, seed)
    cmp = Comparer(rules, 0.1, Stories(claims))
    rels = relate_all(claims, cmp)
    index = {id(c): i for i, c in enumerate(claims)}
    groups = group_claims(claims, 0.1, rules)
    assert groups
    for g in groups:
        for a, b in combinations(g.claims, 2):
            i, j = sorted((index[id(a)], index[id(b)]))
            r = rels.get((i, j))
            assert r is not None, (g.verdict, a.text, b.text)
            if g.verdict in ("conflict", "agree"):
                assert r.kind == "same"
            if g.verdict == "inconsistency":
                assert r.kind == "part"
        assert len({unit_family(c) for c in g.claims}) == 1
        assert len({c.measure for c in g.claims}) == 1


def test_group_claims_is_deterministic(rules):
    claims = _random_claims(60, 7)
    first = [g.to_dict() for g in group_claims(claims, 0.1, rules)]
    again = [g.to_dict() for g in group_claims([Claim.from_dict(c.to_dict()) for c in claims], 0.1, rules)]
    assert first == again


def test_blocking_keeps_pairs_far_below_all_pairs(rules):
    """20,000 claims of 400 holders: the pairs related are a small fraction of all pairs."""
    rng = random.Random(3)
    claims = [make_claim(float(rng.randint(1, 10**6)), source=f"f{i % 900}.txt", start=i,
                         holder=f"Holder{rng.randrange(400)}", holder_how="possessive",
                         measure=rng.choice(["death toll", "revenue", "customers", "age"]), concepts=(),
                         doc_entities=(), sentence=f"Holder figure {i}.") for i in range(20_000)]
    cmp = Comparer(rules, 0.1)
    blocks: dict = {}
    for i, c in enumerate(claims):
        for k in cmp.block_keys(c):
            blocks.setdefault(k, []).append(i)
    pairs = sum(len(b) * (len(b) - 1) // 2 for b in blocks.values())
    assert pairs < len(claims) ** 2 / 200


# --- sources -----------------------------------------------------------------------------------

def test_source_identity_counts_an_attribution_once():
    a = _camp(200_000, source="a.txt", attribution="UN")
    b = _camp(200_000, source="b.txt", attribution="un")
    assert source_identity(a.mention()) == source_identity(b.mention())
    merged = dedupe([a, b])
    assert len(merged) == 1 and backing(merged[0]) == 1


def test_unattributed_files_are_separate_sources():
    merged = dedupe([_camp(200_000, source="a.txt"), _camp(200_000, source="b.txt")])
    assert len(merged) == 1 and backing(merged[0]) == 2


# --- the sample corpus ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_groups(corpus_claims, rules):
    claims = [c for _, (_, cs) in sorted(corpus_claims.items()) for c in cs]
    return group_claims(dedupe(claims), 0.1, rules)


def _file(c: Claim) -> str:
    return c.source.replace("\\", "/").rsplit("/", 1)[-1]


@pytest.mark.model
def test_corpus_default_report_is_the_camp_conflict_and_the_2015_inconsistency(corpus_groups):
    shown = default_report([g for g in corpus_groups if g.sources >= 2])
    assert [g.verdict for g in shown] == ["inconsistency", "conflict"], [(g.verdict, g.why) for g in shown]
    inc, conflict = shown
    assert {c.text for c in inc.claims} == {"more than 50,000", "approximately 94,200"}
    assert {c.time for c in inc.claims} == {2015}
    camp_values = {(c.low, c.high, _file(c)[:3]) for c in conflict.claims}
    assert (200_000.0, 200_000.0, "002") in camp_values and (80_000.0, 120_000.0, "004") in camp_values
    assert conflict.severity == pytest.approx(200_000 / 120_000)
    assert conflict.holder == "political prison camp" and conflict.measure == "people held"


@pytest.mark.model
def test_corpus_groups_are_sorted_and_homogeneous(corpus_groups):
    ranks = [VERDICTS.index(g.verdict) for g in corpus_groups]
    assert ranks == sorted(ranks)
    for g in corpus_groups:
        assert len({unit_family(c) for c in g.claims}) == 1 and g.why
