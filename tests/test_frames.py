"""The quantity frame (holder, measure, period, modality) read off sentences.

Cases are data (``tests/data/frame_cases.tsv``), sentences written for these tests; each
is put in a document titled "Acme Corp results" and dated 12 March 2024, which is what a
figure without a holder or period of its own falls back to.
"""

from __future__ import annotations

import csv

import pytest

from nkextract.read.files import Document

from .conftest import DATA

HEADER = "Acme Corp results\n\nPublished on 12 March 2024\n\n"


def _cases() -> list[list[str]]:
    with open(DATA / "frame_cases.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t")
                if r and r[0] != "sentence"]
    return [r + [""] * (6 - len(r)) for r in rows]


def _claim(extractor, sentence: str, figure: str):
    claims = extractor.extract(Document("case.txt", HEADER + sentence + "\n", "utf-8", "x"))
    found = [c for c in claims if c.text == figure]
    assert len(found) == 1, [c.text for c in claims]
    return found[0]


@pytest.mark.model
@pytest.mark.parametrize("sentence,figure,holder,measure,period,modality", _cases())
def test_frame_cases(model_extractor, sentence, figure, holder, measure, period, modality):
    c = _claim(model_extractor, sentence, figure)
    got = (c.holder or "", c.measure, c.period or "", c.modality)
    assert got == (holder, measure, period, modality), c.frame


def test_frame_case_count():
    assert len(_cases()) >= 20


@pytest.mark.model
def test_frame_says_where_each_field_came_from(model_extractor):
    c = _claim(model_extractor, "Japan's economy grew 0.3% in the three months to September.", "0.3%")
    assert c.frame["holder"] == "possessive"
    assert c.frame["measure"].endswith("economy")
    assert c.frame["period"] == "relative"
    fallback = _claim(model_extractor, "More than 10,000 people were injured in the quake.", "More than 10,000")
    assert fallback.frame["holder"] == "document" and fallback.time_source == "document"
    assert fallback.doc_entities[0] == "Acme Corp"


@pytest.mark.model
def test_a_reporting_verbs_subject_is_the_source_not_the_holder(model_extractor):
    c = _claim(model_extractor, "Greenpeace claims that 93,000 people will die of cancer in Ukraine.", "93,000")
    assert c.attribution == "Greenpeace" and c.holder != "Greenpeace"


@pytest.mark.model
def test_figures_in_a_list_keep_their_own_places(model_extractor):
    sentence = "More than 6,000 people were killed in Indonesia, more than 4,000 in India and 1,000 in Thailand."
    assert _claim(model_extractor, sentence, "More than 6,000").holder == "Indonesia"
    assert _claim(model_extractor, sentence, "more than 4,000").holder == "India"


@pytest.mark.model
def test_each_figure_keeps_its_own_source(model_extractor):
    sentence = ("On Monday, the Public Security Ministry said 38,195 people had died, while the "
                "National Disaster Management Centre said 30,920 had been killed.")
    assert _claim(model_extractor, sentence, "38,195").attribution == "Public Security Ministry"
    assert _claim(model_extractor, sentence, "30,920").attribution == "National Disaster Management Centre"


def test_rules_only_pipeline_still_gives_measure_and_period(blank_extractor):
    """Without a parse or NER (--model blank) every figure still gets a measure from the
    words around it and a period from its sentence or the document."""
    c = _claim(blank_extractor, "At least 2,300 people were killed in the quake last year.", "At least 2,300")
    assert c.measure == "death toll" and c.period == "2023" and c.modality == "actual"
    d = _claim(blank_extractor, "Sales will reach $4bn.", "$4bn")
    assert d.modality == "forecast" and d.period == "2024-03-12"


@pytest.mark.model
def test_the_writer_and_the_speaker_are_not_what_the_article_is_about(model_extractor):
    """A byline ("By Jennifer Sieg"), a wire credit ("(Reuters)") and a source whose name
    holds a place ("the Syrian Observatory for Human Rights") leave the subject to the
    place the title names."""
    text = ("Activists say 560,000 killed in Syria since 2011\n\nBy Jennifer Sieg\n\n"
            "BEIRUT (Reuters) - The Syrian Observatory for Human Rights said 560,000 people had been "
            "killed in the war.\n")
    claims = model_extractor.extract(Document("syria.txt", text, "utf-8", "x"))
    assert claims and claims[0].doc_entities[0] == "Syria"
    assert not {"Jennifer Sieg", "Reuters"} & set(claims[0].doc_entities)


@pytest.mark.model
@pytest.mark.parametrize("sentence,figure,increment", [
    ("Nineteen more were injured, the governor said.", "Nineteen", "more"),
    ("Police said a further 12 people died overnight.", "12", "further"),
    ("The firm will cut another 500 jobs.", "500", "another"),
    ("There were 1,427 more deaths than the average.", "1,427", None),  # a difference from a baseline
    ("More than 500 people died.", "More than 500", None),
])
def test_a_step_added_to_an_earlier_figure_is_marked(model_extractor, sentence, figure, increment):
    assert _claim(model_extractor, sentence, figure).frame.get("increment") == increment


@pytest.mark.model
def test_a_part_of_a_period_restricts_the_figure(model_extractor):
    """150 wounded on "the first night" are part of 200 wounded in three nights."""
    c = _claim(model_extractor, "The first night of bombings left 150 people wounded.", "150")
    assert "first night" in c.scope
    whole = _claim(model_extractor, "Some 200 people were wounded in three nights of bombings.", "Some 200")
    assert not whole.scope


@pytest.mark.model
def test_a_name_in_apposition_holds_its_age(model_extractor):
    """"Ebbers, 63," is Ebbers' age in years, named in full where the article names him so."""
    text = "Ebbers trial opens\n\nFormer WorldCom boss Bernie Ebbers went on trial.\n\nEbbers, 63, denies fraud.\n"
    claims = model_extractor.extract(Document("e.txt", text, "utf-8", "x"))
    age = next(c for c in claims if c.text == "63")
    assert (age.measure, age.unit, age.kind) == ("age", "years", "duration")
    assert age.holder in ("Ebbers", "Bernie Ebbers") and age.frame["holder"] in ("apposition", "subject")


@pytest.mark.model
def test_a_verbs_own_measure_comes_before_a_noun_of_the_same_word(model_extractor):
    """"paid $192m" is a price, though "pay" is also a noun of wages."""
    c = _claim(model_extractor, "Glazer paid $192m for the Tampa Bay Buccaneers in 1995.", "$192m")
    assert c.measure == "price"
