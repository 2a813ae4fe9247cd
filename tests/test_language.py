"""Documents in other languages (issue 16): skipped with a reason by default, read with
their own number conventions under ``--languages``; a foreign paragraph of an English
article is left unread, a quoted foreign sentence is not.

The five articles in data/languages state the same figures in English, German, French,
Spanish and Italian (written for these tests): 2,217 dead, about 4,000 injured, 3.5
million euros of damage, 1.28 billion euros to rebuild.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkextract.cli import app
from nkextract.read.files import Document, SourceError
from nkextract.read.language import localize, parse_languages, screen

DATA = Path(__file__).resolve().parent / "data" / "languages"
FIVE = ["en.txt", "de.txt", "fr.txt", "es.txt", "it.txt"]
WANT = [(2217, 2217), (4000, 4000), (3.5e6, 3.5e6), (1.28e9, 1.28e9)]
runner = CliRunner()


@pytest.fixture
def five(tmp_path: Path) -> Path:
    for name in FIVE:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def _extract(*args: str | Path) -> tuple[int, list[dict], str]:
    r = runner.invoke(app, ["extract", *map(str, args), "--model", "blank", "--no-cache", "-f", "json"])
    return r.exit_code, json.loads(r.stdout), r.stderr


def test_by_default_the_four_other_languages_are_skipped_with_their_reason(five):
    code, claims, err = _extract(five, "--errors", five / "errors.json")
    assert code == 3
    assert {Path(c["source"]).name for c in claims} == {"en.txt"}
    errors = {Path(e["source"]).name: e["error"] for e in json.loads((five / "errors.json").read_text())}
    assert set(errors) == {"de.txt", "fr.txt", "es.txt", "it.txt"}
    for name, message in errors.items():
        assert message.startswith(f"not English: {name[:2]} (")
    assert "not English: de" in err


def test_with_languages_all_every_figure_has_the_right_value(five):
    code, claims, _ = _extract(five, "--languages", "all")
    assert code == 0
    for name in FIVE:
        text = (five / name).read_text(encoding="utf-8")
        mine = sorted((c for c in claims if Path(c["source"]).name == name), key=lambda c: c["start"])
        assert [(c["low"], c["high"]) for c in mine] == WANT, name
        assert all(c["lang"] == name[:2] for c in mine)
        assert all(text[c["start"]:c["end"]] == c["text"] for c in mine)
        if name != "en.txt":  # no English parse of a French sentence is trusted
            assert all(c["holder"] is None and c["measure"] == "" for c in mine)
    texts = {c["text"] for c in claims}
    assert {"3,5 Millionen", "1,28 milliard", "1,28 mil millones", "2 217", "2.217"} <= texts


def test_only_the_languages_asked_for_are_read(five):
    code, claims, _ = _extract(five, "--languages", "en,fr")
    assert code == 3 and {Path(c["source"]).name for c in claims} == {"en.txt", "fr.txt"}


def test_a_long_paragraph_in_another_language_is_left_unread():
    doc = Document("a.txt", (DATA / "en_with_french_abstract.txt").read_text(encoding="utf-8"), "utf-8", "")
    read = screen(doc, frozenset({"en"}))
    assert not isinstance(read, SourceError) and read.lang == "en"
    french = doc.text.index("Les pertes")
    assert read.doc.text[:french] == doc.text[:french] and not read.doc.text[french:].strip()
    assert len(read.doc.text) == len(doc.text)
    code, claims, _ = _extract(DATA / "en_with_french_abstract.txt")
    assert code == 0 and [c["low"] for c in claims if c["start"] < french][:3] == [4.5e6, 3.9e6, 0.6e6]
    assert not [c for c in claims if c["start"] >= french]


def test_an_english_article_quoting_french_stays_english():
    code, claims, _ = _extract(DATA / "en_quoting_french.txt")
    assert code == 0
    assert (200000, 200000) in [(c["low"], c["high"]) for c in claims]
    assert all(c["lang"] == "en" for c in claims)


@pytest.mark.parametrize("lang,text,want", [
    ("de", "84.537 Menschen und 2,5 Millionen Euro am 12.05.2020", "84,537 Menschen und 2.5 million   Euro am 12.05.2020"),
    ("fr", "3,5 millions et 1 071 000 habitants", "3.5 million  et 1 071 000 habitants"),
    ("it", "6.760 morti", "6,760 morti"),
    ("es", "199.854 espectadores y 3,4 mil millones", "199,854 espectadores y 3.4 billion     "),
    ("en", "2,217 people and 3.5 million", "2,217 people and 3.5 million"),
])
def test_localize_keeps_every_offset(rules, lang, text, want):
    out = localize(text, lang, rules.numbers["foreign_scales"])
    assert out == want and len(out) == len(text)


@pytest.mark.parametrize("spec,want", [("en", {"en"}), ("en, FR", {"en", "fr"}), ("all", None), ("en,all", None)])
def test_languages_option(spec, want):
    assert parse_languages(spec) == (None if want is None else frozenset(want))


def test_a_bad_languages_option_is_a_usage_error(five):
    r = runner.invoke(app, ["extract", str(five), "--languages", "english!", "--model", "blank", "--no-cache"])
    assert r.exit_code == 2 and "not a language code" in r.stderr and "Traceback" not in r.stderr
