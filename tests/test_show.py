"""``nkextract show ID``: one claim where it was written, and ``nkextract text FILE``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nkextract.read.files import read_document

from .conftest import CORPUS
from .test_cli import _check_usage_error, _ok, run


@pytest.fixture(scope="module")
def claims() -> list[dict]:
    return json.loads(_ok(run("extract", CORPUS, "--model", "blank", "-f", "json", "-q")).stdout)


def test_show_prints_the_sentence_its_neighbours_and_the_frame(claims) -> None:
    c = next(c for c in claims if c["text"] == "between 80,000 and 120,000")
    r = _ok(run("show", c["id"][:8], CORPUS, "--model", "blank", "-f", "json", "-q"))
    got = json.loads(r.stdout)
    text = read_document(Path(c["source"])).text
    ctx = got["context"]
    assert got["id"] == c["id"] and ctx["problem"] is None
    assert ctx["line"] == text.count("\n", 0, c["start"]) + 1
    assert c["text"] in ctx["sentence"] and ctx["sentence"] in text
    # the sentences before and after are the document's own, in order
    assert text.index(ctx["before"]) < text.index(ctx["sentence"]) < text.index(ctx["after"])


def test_show_table_names_file_and_line(claims) -> None:
    c = claims[0]
    r = _ok(run("show", c["id"], CORPUS, "--model", "blank", "-f", "table", "-q"))
    line = read_document(Path(c["source"])).text.count("\n", 0, c["start"]) + 1
    assert f"{c['source']}:{line}" in r.stdout
    assert "rule" in r.stdout and c["rule"] in r.stdout


def test_show_reads_a_claims_file(claims, tmp_path: Path) -> None:
    f = tmp_path / "claims.json"
    f.write_text(json.dumps(claims), encoding="utf-8")
    r = _ok(run("show", claims[3]["id"], "--from-claims", f, "-f", "json"))
    assert json.loads(r.stdout)["context"]["sentence"]


def test_show_says_when_the_file_has_changed(claims, tmp_path: Path) -> None:
    c = claims[0]
    moved = tmp_path / "claims.json"
    moved.write_text(json.dumps([{**c, "start": c["start"] + 1, "end": c["end"] + 1}]), encoding="utf-8")
    got = json.loads(_ok(run("show", c["id"], "--from-claims", moved, "-f", "json")).stdout)
    assert "has changed" in got["context"]["problem"] and got["context"]["sentence"] == c["sentence"]


@pytest.mark.parametrize(("prefix", "needle"), [("zzzz", "no claim with an id starting 'zzzz'"),
                                                ("", "no claim with an id starting ''")])
def test_show_unknown_id_is_a_usage_error(prefix: str, needle: str) -> None:
    _check_usage_error(run("show", prefix, CORPUS, "--model", "blank", "-q"), needle)


def test_show_ambiguous_prefix_lists_the_candidates(claims) -> None:
    by_first = {}
    for c in claims:
        by_first.setdefault(c["id"][0], []).append(c["id"])
    first, ids = max(by_first.items(), key=lambda kv: len(kv[1]))
    assert len(ids) > 1
    _check_usage_error(run("show", first, CORPUS, "--model", "blank", "-q"), "give more characters")


def test_text_prints_the_decoded_text_of_a_plain_file() -> None:
    f = sorted(CORPUS.glob("*.txt"))[0]
    assert _ok(run("text", f)).stdout == read_document(f).text
