"""The Python API and the spaCy component give what the CLI gives."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import spacy

from nkextract import conflicts, extract
from nkextract.api import SkippedInput

from .conftest import CORPUS
from .test_cli import _ok, run

FIELDS_BUT_WHERE = ("start", "end", "text", "sentence", "low", "high", "qualifier", "unit", "kind", "subject",
                    "holder", "measure", "period", "modality", "scope", "attribution", "rule")


@pytest.fixture(scope="module")
def cli_claims() -> list[dict]:
    return json.loads(_ok(run("extract", CORPUS, "--model", "blank", "-f", "json", "-q")).stdout)


def test_extract_over_a_folder_is_the_cli_output(cli_claims) -> None:
    claims = extract([CORPUS], model="blank")
    assert [c.to_dict(with_mentions=False) for c in claims] == [
        {k: v for k, v in c.items() if k != "mentions"} for c in cli_claims]


def test_conflicts_of_claims_is_the_cli_report() -> None:
    cli = json.loads(_ok(run("conflicts", CORPUS, "--model", "blank", "-f", "json", "-q")).stdout)
    groups = conflicts(extract([CORPUS], model="blank"))
    assert [g.to_dict() for g in groups] == cli
    every = conflicts([CORPUS], model="blank", show_all=True, min_sources=1)
    assert {g.id for g in groups} < {g.id for g in every}


def test_texts_are_read_like_files_named_text_n(tmp_path: Path) -> None:
    texts = ["Police said 40 people died on Sunday.", "Officials said 25 people died on Sunday."]
    for n, t in enumerate(texts, 1):
        (tmp_path / f"text-{n}").write_text(t, encoding="utf-8")
    from_files = extract([tmp_path / "text-1", tmp_path / "text-2"], model="blank")
    from_texts = extract(texts, model="blank")
    assert [(c.text, c.low) for c in from_texts] == [("40", 40), ("25", 25)]
    assert [c.source for c in from_texts] == ["text-1", "text-2"]
    assert [{k: getattr(c, k) for k in FIELDS_BUT_WHERE} for c in from_texts] == [
        {k: getattr(c, k) for k in FIELDS_BUT_WHERE} for c in from_files]


def test_a_skipped_input_is_a_warning_and_the_rest_is_read() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claims = extract(["   ", "It cost $7 million."], model="blank")
    assert [str(w.message) for w in caught if issubclass(w.category, SkippedInput)] == [
        "text-1: empty file (whitespace only), skipped"]
    assert [c.low for c in claims] == [7e6]


def test_an_input_that_is_neither_text_nor_path_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="str .a text. or a Path"):
        extract([42], model="blank")  # type: ignore[list-item]


SAMPLE = CORPUS / "004_689646877552a5ac.txt"


def _component_claims(nlp: spacy.Language) -> list[dict]:
    doc = nlp(SAMPLE.read_text(encoding="utf-8"))
    assert [s.text for s in doc.spans["nkextract"]][:3] == [c.text for c in doc._.claims][:3]
    return [{k: getattr(c, k) for k in FIELDS_BUT_WHERE} for c in doc._.claims]


def _cli_claims(model: str) -> list[dict]:
    got = json.loads(_ok(run("extract", SAMPLE, "--model", model, "-f", "json", "-q")).stdout)
    return [{k: c[k] for k in FIELDS_BUT_WHERE} for c in got]


def test_spacy_component_gives_the_cli_claims_blank() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("nkextract_claims", config={"model": "blank"})
    assert _component_claims(nlp) == _cli_claims("blank")


@pytest.mark.model
def test_spacy_component_after_a_trained_pipeline_gives_the_cli_claims() -> None:
    from nkextract.extraction.nlp import resolve_model

    nlp = spacy.load(resolve_model("auto"))
    nlp.add_pipe("nkextract_claims")
    assert _component_claims(nlp) == _cli_claims("auto")
