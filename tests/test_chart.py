"""Range-chart geometry: scale, ticks, and how each kind of claim is drawn."""

from __future__ import annotations

import pytest

from nkextract.present.chart import DATA_LEFT, DATA_RIGHT, LOG_RATIO, ChartItem, range_chart


def item(low: float | None, high: float | None, qualifier: str = "exact", label: str = "A") -> ChartItem:
    return ChartItem(low, high, qualifier, label, 0, f"{label.lower()}.txt", "")


@pytest.mark.parametrize("values, log", [
    ([(80_000, 120_000), (200_000, 200_000)], False),  # the sample corpus: ×2.5
    ([(1, 1), (LOG_RATIO, LOG_RATIO)], False),  # exactly the ratio: still linear
    ([(1, 1), (LOG_RATIO * 1.01, LOG_RATIO * 1.01)], True),
    ([(50, None), (14e6, 14e6)], True),  # "more than 50" against "14 million"
    ([(0, 0), (1e6, 1e6)], False),  # zero has no logarithm
    ([(-5, -5), (500, 500)], False),
    ([(7, 7), (7, 7)], False),  # one value: a padded linear axis
])
def test_log_scale_only_when_values_span_more_than_the_ratio(values, log) -> None:
    assert range_chart([item(lo, hi) for lo, hi in values], "people").log is log


@pytest.mark.parametrize("low, high, qualifier, drawn", [
    (200_000, 200_000, "exact", "point"),
    (200_000, 200_000, "approx", "approx point"),
    (80_000, 120_000, "range", "bar"),
    (200_000, 999_000, "approx", "approx bar"),
    (50_000, None, "at_least", "open right"),
    (None, 65_000, "at_most", "open left"),
])
def test_each_kind_of_claim_is_drawn_its_own_way(low, high, qualifier, drawn) -> None:
    other = item(1_000, 1_000, label="B")
    m = range_chart([item(low, high, qualifier), other], "people").marks[0]
    assert m.approx is ("approx" in drawn)
    assert m.point is ("point" in drawn)
    assert m.open_right is (drawn == "open right")
    assert m.open_left is (drawn == "open left")
    if drawn == "open right":
        assert m.x2 == 100 and DATA_LEFT <= m.x1 <= DATA_RIGHT  # the arrow runs on to the edge
    elif drawn == "open left":
        assert m.x1 == 0 and DATA_LEFT <= m.x2 <= DATA_RIGHT
    else:
        assert DATA_LEFT <= m.x1 <= m.x2 <= DATA_RIGHT


def test_positions_follow_the_values_on_both_scales() -> None:
    for values in ([10, 20, 30, 40], [3, 300, 30_000, 3e6]):
        marks = range_chart([item(v, v) for v in values], "people").marks
        xs = [m.x1 for m in marks]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
        assert xs[0] == pytest.approx(DATA_LEFT, abs=15) and xs[-1] == pytest.approx(DATA_RIGHT, abs=15)
    # log scale: equal ratios are equal distances
    a, b, c = (m.x1 for m in range_chart([item(v, v) for v in (10, 100, 1000)], "people").marks)
    assert b - a == pytest.approx(c - b, abs=0.05)


@pytest.mark.parametrize("values, unit, labels", [
    ([80_000, 120_000, 200_000], "people", ["100,000", "150,000", "200,000"]),
    ([71, 80, 85], "percent", ["70%", "75%", "80%", "85%"]),
    ([2e9, 2.4e9], "USD", ["$2bn", "$2.1bn", "$2.2bn", "$2.3bn", "$2.4bn"]),
    ([50, 14e6], "people", ["100", "10,000", "1m"]),
    ([2014, 2021], "year", ["2014", "2016", "2018", "2020"]),
])
def test_ticks_are_round_numbers_in_the_units_of_the_group(values, unit, labels) -> None:
    ch = range_chart([item(v, v) for v in values], unit)
    got = [t.label for t in ch.ticks]
    assert all(label in got for label in labels), got
    assert all(0 <= t.x <= 100 for t in ch.ticks)
    assert [t.x for t in ch.ticks] == sorted(t.x for t in ch.ticks)


def test_the_text_alternative_gives_the_scale_and_every_value() -> None:
    ch = range_chart([item(80_000, 120_000, "range", "A"), item(200_000, 200_000, "approx", "B"),
                      item(50_000, None, "at_least", "C")], "people", "people in political prison camps")
    assert ch.description.startswith("Range chart of people in political prison camps (people), linear scale: ")
    for text in ("A a.txt: 80,000–120,000", "B b.txt: ~200,000", "C c.txt: ≥50,000"):
        assert text in ch.description
    assert [m.y for m in ch.marks] == sorted(m.y for m in ch.marks)
    assert ch.height > ch.axis_y > ch.marks[-1].y


def test_claims_without_a_finite_bound_still_get_a_row() -> None:
    ch = range_chart([item(None, None), item(float("inf"), float("inf")), item(5, 5)], "people")
    assert len(ch.marks) == 3
    assert ch.marks[0].x1 == ch.marks[0].x2 == 0


@pytest.mark.parametrize("spans, between", [
    ([(80e3, 120e3), (80e3, 120e3), (200e3, 200e3), (200e3, 999e3)], "120,000 and 200,000"),
    ([(1, 2), (3, 4), (10, 20)], "4 and 10"),  # the widest as drawn, not the first
    ([(50e3, None), (10e3, 10e3)], "10,000 and 50,000"),  # an open side covers all beyond it
    ([(None, 65e3), (100e3, 100e3)], "65,000 and 100,000"),
    ([(1, 5), (3, 8), (8, 8)], None),  # every value between is covered
])
def test_a_conflict_shades_the_widest_stretch_no_claim_covers(spans, between) -> None:
    ch = range_chart([item(lo, hi) for lo, hi in spans], "people", show_gap=True)
    if between is None:
        assert ch.gap is None
    else:
        assert ch.gap is not None and ch.gap.title == f"no claim between {between}"
        assert DATA_LEFT <= ch.gap.x1 < ch.gap.x2 <= DATA_RIGHT
    assert range_chart([item(lo, hi) for lo, hi in spans], "people").gap is None
