"""Dedupe: near-identical claims merge into one claim that keeps every mention.

Hand-built :class:`Claim` objects (``make_claim``) so each case states exactly what the
two claims share; one corpus test checks that nothing is dropped on real extractions.
"""

from __future__ import annotations

import pytest

from nkextract.compare.dedupe import dedupe, merge
from nkextract.extraction.claims import Claim

from .factory import make_claim


def _mentions(claims: list[Claim]) -> list[dict]:
    return [m for c in claims for m in c.mentions]


# --- merging -----------------------------------------------------------------------------


def test_same_figure_same_subject_in_two_files_merges_with_both_mentions():
    a = make_claim(200_000, source="a.txt", text="200,000",
                   sentence="North Korea holds an estimated 200,000 prisoners in political prison camps.")
    b = make_claim(200_000, source="b.txt", text="about 200,000", qualifier="approx",
                   sentence="About 200,000 prisoners are held in North Korea's political prison camps.")
    out = dedupe([a, b])
    assert len(out) == 1
    merged = out[0]
    assert (merged.low, merged.high, merged.unit) == (200_000, 200_000, "people")
    assert len(merged.mentions) == 2
    assert {m["id"] for m in merged.mentions} == {a.id, b.id}
    assert {m["source"] for m in merged.mentions} == {"a.txt", "b.txt"}
    # each mention keeps its own provenance
    by_id = {m["id"]: m for m in merged.mentions}
    assert by_id[b.id]["text"] == "about 200,000" and by_id[b.id]["start"] == b.start


def test_nothing_is_dropped_mentions_equal_input_claims():
    claims = [
        make_claim(200_000, source="a.txt"),
        make_claim(200_000, source="b.txt"),
        make_claim(200_000, source="c.txt"),
        make_claim(80_000, 120_000, source="d.txt"),
        make_claim(80_000, 120_000, source="e.txt"),
        make_claim(30_000, source="a.txt", subject="workers in Russia", key="worker russia", head="worker",
                   concepts=(), places=("Russia",), sentence="About 30,000 North Korean workers in Russia."),
        make_claim(15, unit="percent", kind="percent", source="a.txt", subject="refugees",
                   key="refugee", head="refugee", concepts=(), sentence="15 percent of refugees are men."),
    ]
    out = dedupe(claims)
    ms = _mentions(out)
    assert len(ms) == len(claims)
    assert sorted(m["id"] for m in ms) == sorted(c.id for c in claims)
    assert len(out) == 4  # 3x200,000 / 2x80-120,000 / workers / percent


def test_dedupe_is_idempotent_and_keeps_mentions():
    claims = [make_claim(200_000, source=s) for s in ("a.txt", "b.txt", "c.txt")]
    claims.append(make_claim(80_000, 120_000, source="d.txt"))
    once = dedupe(claims)
    twice = dedupe(once)
    assert len(twice) == len(once) == 2
    assert sorted(m["id"] for m in _mentions(twice)) == sorted(c.id for c in claims)


@pytest.mark.parametrize("other", [
    (120_000, 120_000),          # a different exact figure
    (80_000, 120_000),           # a range vs an exact figure
    (200_000, None),             # "more than 200,000" is not "200,000"
    (201_000, 201_000),          # differs in the third significant digit
])
def test_different_values_never_merge(other):
    a = make_claim(200_000, source="a.txt")
    b = make_claim(other[0], other[1], source="b.txt",
                   qualifier="at_least" if other[1] is None else None)
    out = dedupe([a, b])
    assert len(out) == 2
    assert {(c.low, c.high) for c in out} == {(200_000, 200_000), other}


def test_different_units_never_merge():
    a = make_claim(1_000, source="a.txt", unit="people")
    b = make_claim(1_000, source="b.txt", unit="people/year", kind="rate")
    assert len(dedupe([a, b])) == 2


def test_values_equal_to_three_digits_but_different_do_not_merge():
    a = make_claim(2_706, source="a.txt", subject="defectors", key="defector", head="defector", concepts=(),
                   sentence="In 2011, 2,706 defectors arrived in South Korea.")
    b = make_claim(2_709, source="b.txt", subject="defectors", key="defector", head="defector", concepts=(),
                   sentence="In 2011, 2,709 defectors arrived in South Korea.")
    out = dedupe([a, b])
    assert {c.low for c in out} == {2_706, 2_709}


def test_different_subjects_with_equal_values_do_not_merge():
    a = make_claim(200_000, source="a.txt",
                   sentence="North Korea holds 200,000 prisoners in political prison camps.")
    b = make_claim(200_000, source="b.txt", subject="workers abroad", key="worker abroad", head="worker",
                   concepts=("overseas worker",),
                   sentence="The regime has sent 200,000 workers abroad to earn foreign currency.")
    out = dedupe([a, b])
    assert len(out) == 2
    assert all(len(c.mentions) == 1 for c in out)


def test_subject_whose_key_is_a_subset_of_another_does_not_merge():
    a = make_claim(1_000, source="a.txt", subject="defectors", key="defector", head="defector", concepts=(),
                   sentence="China sent 1,000 defectors back across the border.")
    b = make_claim(1_000, source="b.txt", subject="children of defectors", key="child defector",
                   head="child", concepts=(),
                   sentence="1,000 children of defectors attend school in Seoul.")
    assert len(dedupe([a, b])) == 2


def test_same_value_for_a_place_and_for_the_whole_do_not_merge():
    a = make_claim(50_000, source="a.txt", subject="workers in Russia", key="worker russia", head="worker",
                   concepts=(), places=("Russia",),
                   sentence="More than 50,000 North Korean workers in Russia earn money for the regime.")
    b = make_claim(50_000, source="b.txt", subject="workers", key="worker", head="worker", concepts=(),
                   sentence="More than 50,000 North Korean workers earn money for the regime.")
    out = dedupe([a, b])
    assert len(out) == 2


# --- the lead mention -----------------------------------------------------------------------


def test_lead_prefers_sentence_time_over_document_date():
    # the document-dated claim comes first by source and even has an attribution
    doc_dated = make_claim(200_000, source="a.txt", time=2025, time_source="document",
                           attribution="Human Rights Watch",
                           sentence="These camps hold an estimated 200,000 prisoners.")
    sentence_dated = make_claim(200_000, source="b.txt", time=2017, time_source="sentence",
                                sentence="The camps held around 200,000 prisoners as of 2017.")
    for order in ([doc_dated, sentence_dated], [sentence_dated, doc_dated]):
        out = dedupe(order)
        assert len(out) == 1
        lead = out[0]
        assert lead.id == sentence_dated.id
        assert (lead.time, lead.time_source) == (2017, "sentence")
        assert lead.source == "b.txt" and lead.sentence == sentence_dated.sentence
        assert [m["source"] for m in lead.mentions] == ["a.txt", "b.txt"]  # in (source, start) order
        assert {m["time"] for m in lead.mentions} == {2017, 2025}


def test_lead_prefers_report_year_over_document_date_and_no_time_last():
    none = make_claim(200_000, source="a.txt")
    doc = make_claim(200_000, source="b.txt", time=2025, time_source="document")
    report = make_claim(200_000, source="c.txt", time=2022, time_source="report", attribution="2022 TIP report")
    assert merge([none, doc, report]).id == report.id
    assert merge([none, doc]).id == doc.id


def test_merge_of_merged_claims_keeps_all_mentions():
    a, b, c = (make_claim(200_000, source=s) for s in ("a.txt", "b.txt", "c.txt"))
    ab = merge([a, b])
    abc = merge([ab, c])
    assert sorted(m["id"] for m in abc.mentions) == sorted([a.id, b.id, c.id])


# --- real extractions ---------------------------------------------------------------------


@pytest.mark.model
def test_corpus_dedupe_drops_nothing(corpus_claims):
    claims = [c for _, (_, cs) in sorted(corpus_claims.items()) for c in cs]
    out = dedupe(claims)
    assert len(out) < len(claims)  # the corpus repeats some figures
    assert sorted(m["id"] for m in _mentions(out)) == sorted(c.id for c in claims)
    for c in out:  # merged claims agree on unit and value bucket with every member
        members = [x for x in claims if x.id in {m["id"] for m in c.mentions}]
        assert {x.unit for x in members} == {c.unit}
