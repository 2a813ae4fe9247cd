"""Subjects, places, times and sources of corpus claims, checked against the text by hand."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

F002 = "002_a87d8cbb51061aed.txt"
F004 = "004_689646877552a5ac.txt"


def _claim(corpus_claims, name: str, text: str):
    _, claims = corpus_claims[name]
    found = [c for c in claims if c.text == text]
    assert len(found) == 1, [c.text for c in claims]
    return found[0]


def test_prison_camp_figures_name_their_camps(corpus_claims):
    tip = _claim(corpus_claims, F004, "between 80,000 and 120,000")
    assert tip.subject == "people in political prison camps"
    assert tip.unit == "people" and tip.attribution == "2022 TIP report"
    assert (tip.time, tip.time_source) == (2022, "report")
    assert "political prison camp" in tip.concepts
    # "These camps, estimated to have held around 200,000 prisoners as of 2017": the camps
    # are named (kwanliso) in the sentence before
    asof = _claim(corpus_claims, F002, "around 200,000")
    assert asof.unit == "people" and (asof.time, asof.time_source) == (2017, "sentence")
    assert "political prison camp" in asof.concepts


def test_places_are_the_restricting_phrase(corpus_claims):
    abroad = _claim(corpus_claims, F004, "more than 50,000")
    assert set(abroad.scope) == {"Russia", "China", "Africa", "Middle East"}
    assert abroad.time == 2015
    russia = _claim(corpus_claims, F004, "approximately 30,000")
    assert russia.scope == ["Russia"] and russia.attribution == "2018 C4ADS" and russia.time == 2018
    china = _claim(corpus_claims, F004, "approximately 94,200")
    # "DPRK workers": the DPRK is whose workers they are (the holder), China where they are
    assert china.scope == ["China"] and china.holder == "DPRK"
    share = _claim(corpus_claims, F004, "71 percent")
    # "refugees in South Korea": with no other holder named, the place is the holder
    assert share.subject == "refugees in South Korea" and share.holder == "South Korea" and share.scope == []


def test_this_number_points_back(corpus_claims):
    later = _claim(corpus_claims, F004, "1,127")
    assert later.subject == "defections to South Korea" and later.unit == "defection"
    assert (later.time, later.time_source) == (2017, "sentence")
    earlier = _claim(corpus_claims, F004, "2,706")
    assert (earlier.time, earlier.time_source) == (2011, "sentence")


def test_sources(corpus_claims):
    assert _claim(corpus_claims, F004, "100,000").attribution == "U.S. Department of State"
    assert _claim(corpus_claims, F004, "90%").attribution == "Reuters"
    assert _claim(corpus_claims, F004, "about 31,000").attribution == "Ministry of Unification"


def test_rates_and_money(corpus_claims):
    assert _claim(corpus_claims, F004, "more than 1,000").unit == "people/year"
    yearly = _claim(corpus_claims, F004, "around $1.2 billion to $2.3 billion a year")
    assert (yearly.kind, yearly.unit, yearly.per) == ("rate", "USD/year", "year")
    gdp = _claim(corpus_claims, F004, "$40 billion")
    assert "GDP" in gdp.subject and gdp.time == 2015


def test_evidence_names_every_entity_with_its_role_and_distance(corpus_claims):
    # "approximately 94,200 DPRK workers in China": the DPRK counts its workers (a compound
    # of the counted noun, next to the figure); China is where they are ("in")
    china = _claim(corpus_claims, F004, "approximately 94,200")
    ents = {key: (role, gap) for key, role, gap in china.evidence["ents"]}
    assert ents["north korea"] == ("compound", 0)
    assert ents["china"][0] == "in" and ents["china"][1] <= 3
    assert "worker" in china.evidence["words"]
    # every entity of the sentence is kept, each once, even those the frame did not pick
    abroad = _claim(corpus_claims, F004, "more than 50,000")
    keys = [key for key, _, _ in abroad.evidence["ents"]]
    assert {"russia", "china", "africa", "middle east"} <= set(keys) and len(keys) == len(set(keys))
    assert abroad.evidence["words"][:2] == ["citizen", "work"]
    # a record read back keeps it
    from nkextract.extraction.claims import Claim

    assert Claim.from_dict(china.to_dict()).evidence == china.evidence


def _ops_of(pipe) -> list:
    return [node.ops for _, comp in pipe.nlp.pipeline if hasattr(getattr(comp, "model", None), "walk")
            for node in comp.model.walk()]


def test_matrix_products_run_on_numpy_blas_with_one_thread(model_extractor):
    """nlp.numpy_matmul: every layer multiplies with numpy's BLAS, not blis, and that BLAS
    runs one thread while extracting (the worker pool is the parallelism)."""
    pipe = model_extractor.pipe
    assert _ops_of(pipe) and all(ops.use_blis is False for ops in _ops_of(pipe))
    with pipe.one_blas_thread():
        assert {i["num_threads"] for i in pipe.blas.info() if i["user_api"] == "blas"} == {1}


def test_blis_and_numpy_blas_read_the_corpus_alike(rules, corpus_claims):
    """The speed-up changed no claim: the corpus read with thinc's blis gives the claims it
    gives with numpy's BLAS (a numpy or spaCy release that changed that would show here)."""
    from thinc.api import NumpyOps

    from nkextract.extraction.nlp import load_pipeline
    from nkextract.extraction.pipeline import Extractor

    pipe = load_pipeline("auto", rules)
    blis = NumpyOps(use_blis=True)
    for _, component in pipe.nlp.pipeline:
        if hasattr(getattr(component, "model", None), "walk"):
            for node in component.model.walk():
                node.ops = blis
    assert all(ops.use_blis for ops in _ops_of(pipe))
    extractor = Extractor(pipe)
    for name, (doc, claims) in corpus_claims.items():
        assert [c.to_dict() for c in extractor.extract(doc)] == [c.to_dict() for c in claims], name


def test_path_up_ends_at_the_root_once(model_extractor):
    from nkextract.extraction.frames import path_up

    doc = model_extractor.pipe.nlp("The company said 4,000 workers lost their jobs.")
    assert [t.text for t in path_up(doc[3])] == ["4,000", "workers", "lost", "said"]
