"""Shared fixtures: rules and pipelines are loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkextract.extraction.lexicon import Lexicon
from nkextract.rules import Rules, load_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture(scope="session")
def lex(rules: Rules) -> Lexicon:
    return Lexicon(rules)


@pytest.fixture(scope="session")
def blank_extractor(rules: Rules):
    """Rules-only pipeline (spacy.blank("en")): fast, no trained model needed."""
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.extraction.pipeline import Extractor

    return Extractor(load_pipeline("blank", rules))


@pytest.fixture(scope="session")
def model_extractor(rules: Rules):
    """The trained English pipeline the package installs."""
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.extraction.pipeline import Extractor

    return Extractor(load_pipeline("auto", rules))


@pytest.fixture(scope="session")
def corpus_claims(model_extractor):
    """Claims of every corpus file with the trained pipeline, keyed by file name."""
    from nkextract.read.files import read_document

    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        doc = read_document(path)
        out[path.name] = (doc, model_extractor.extract(doc))
    return out
