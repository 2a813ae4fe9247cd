"""The HTML report as a page: what it shows, what it escapes, what it never fetches.

These tests read the HTML the report writes (parsed with the standard library); the
tests in ``test_report_browser.py`` render it in headless Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nkextract import __version__
from nkextract.cli import app
from nkextract.compare.conflicts import group_claims
from nkextract.present.report import (
    MAX_TABLE_ROWS,
    ReportInfo,
    diff_groups,
    group_anchor,
    highlight,
    line_numbers,
    render_report,
)

from .factory import make_claim
from .htmlpage import Element, parse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
WHEN = datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc)
HOSTILE = '<script>document.body.dataset.pwned = 1</script><img src=x onerror="alert(1)">"\'&{{ 7*7 }}</style>'
BIDI = "\u202egnp.exe\u2066\x1b[2J"  # displays reversed, isolates, a terminal escape

runner = CliRunner()


def info(**kw: Any) -> ReportInfo:
    base = dict(inputs=["corpus"], files=5, claims=58, merged=2, tolerance=0.1, model="blank 3.8.0",
                generated=WHEN, show_all=True)
    return ReportInfo(**{**base, **kw})


def camp_groups() -> list[dict[str, Any]]:
    """The sample corpus's conflict, as group_claims gives it today."""
    claims = [make_claim(80_000, 120_000, source="corpus/004.txt", text="between 80,000 and 120,000",
                         time=2022, time_source="report", attribution="2022 TIP report"),
              make_claim(200_000, qualifier="approx", source="corpus/002.txt", text="around 200,000", time=2017,
                         time_source="sentence")]
    return [g.to_dict() for g in group_claims(claims)]


def page(groups: list[dict[str, Any]], claims: list[Any] | None = None, **kw: Any) -> tuple[str, Element]:
    html = render_report(groups, Counter(g["verdict"] for g in groups), claims or [], info(**kw))
    return html, parse(html)


def sections(root: Element) -> list[Element]:
    return root.find_all(lambda e: e.tag == "section" and "data-verdict" in e.attrs)


# --- pieces -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, text, expected", [
    ("North Korea holds between 80,000 and 120,000 people.", "between 80,000 and 120,000",
     ("North Korea holds ", "between 80,000 and 120,000", " people.")),
    ("It held about 200,000 people.", "about\n200,000", ("It held ", "about 200,000", " people.")),
    ("It held 200,000 people.", "250,000", ("It held 200,000 people.", "", "")),
    ("", "5", ("", "", "")),
])
def test_the_figure_is_found_in_its_sentence(sentence: str, text: str, expected: tuple[str, str, str]) -> None:
    assert highlight(sentence, text) == expected


def test_long_sentences_are_cut_at_words_around_the_figure() -> None:
    before, fig, after = highlight("word " * 400 + "1,234 people " + "more " * 400, "1,234")
    assert fig == "1,234"
    assert before.startswith("…word") and before.endswith("word ") and len(before) < 340
    assert after.startswith(" people") and after.endswith("more…") and len(after) < 340


def test_a_group_id_is_its_own_or_a_hash_of_its_claim_ids() -> None:
    assert group_anchor({"id": "conflict/7 a", "claims": []}) == "g-conflict-7-a"
    g = {"claims": [{"id": "b2"}, {"id": "a1"}]}
    swapped = {"claims": [{"id": "a1"}, {"id": "b2"}]}
    assert group_anchor(g) == group_anchor(swapped) != group_anchor({"claims": [{"id": "a1"}]})
    assert re.fullmatch(r"g-[0-9a-f]{12}", group_anchor(g))


def test_line_numbers_come_from_the_record_or_a_small_readable_file(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Title\n\nIt held 200,000 people.\nAnd 5 more.\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("x\n" * 100 + "7 people\n", encoding="utf-8")
    claims = [
        {"source": str(f), "start": 15, "text": "200,000"},  # line 3
        {"source": str(f), "start": 35, "text": "5", "mentions": [{"source": str(f), "start": 0, "text": "Title"}]},
        {"source": str(f), "start": 20, "text": "999"},  # the file changed since: no line
        {"source": "gone.txt", "start": 0, "text": "1"},
        {"source": "anywhere.txt", "start": 9, "text": "1", "line": 42},
        {"source": str(big), "start": 200, "text": "7"},
    ]
    lines = line_numbers(claims, max_bytes=100)
    assert lines == {(str(f), 15): 3, (str(f), 35): 4, (str(f), 0): 1, ("anywhere.txt", 9): 42}


# --- the page ---------------------------------------------------------------------------

def test_a_group_shows_its_verdict_chart_sentences_and_sources() -> None:
    html, root = page(camp_groups())
    (sec,) = sections(root)
    assert sec.attrs["data-verdict"] == "conflict"
    assert sec.attrs["id"].startswith("g-") and sec.attrs["data-severity"] == "1.667"
    text = " ".join(sec.text().split())
    for needle in ("conflict", "people held · political prison camp", "×1.7", "same holder political prison camp",
                   "80,000–120,000 people", "~200,000 people", "said by 2022 TIP report",
                   "2022 (the report's year)", "corpus/004.txt", "corpus/002.txt", "1 mention",
                   "% confidence"):
        assert needle in text, needle
    (svg,) = sec.find_all("svg")
    assert svg.attrs["role"] == "img"
    title = svg.find_all("title")[0].text()
    assert "80,000–120,000" in title and "~200,000" in title and "linear scale" in title
    marks = sec.find_all(lambda e: e.tag == "g" and "mark" in e.attrs.get("class", ""))
    assert len(marks) == 2 and "approx" in marks[1].attrs["class"]
    assert [m.text() for m in sec.find_all("mark")] == ["between 80,000 and 120,000", "around 200,000"]


def test_frame_fields_and_confidence_show_when_the_records_have_them() -> None:
    (g,) = camp_groups()
    g.update(id="grp:17", confidence=0.82, holder="North Korea", measure="prisoners", period="2017",
             modality="actual", verdict="forecast")
    g["claims"][0].update(holder="North Korea", measure="prisoners held", period="2022", period_grain="year",
                          modality="actual", scope=["Russia"], frame={"holder": "clause subject", "scope": None})
    _, root = page([g])
    (sec,) = sections(root)
    assert sec.attrs["id"] == "g-grp-17" and sec.attrs["data-confidence"] == "0.82"
    assert sec.attrs["data-verdict"] == "forecast"
    text = " ".join(sec.text().split())
    for needle in ("82% confidence", "holder North Korea", "measure prisoners", "period 2017", "modality actual",
                   "holder: North Korea", "period: 2022 (year)", "scope: Russia"):
        assert needle in text, needle
    chips = {c.text(): c.attrs.get("title") for c in sec.find_all(lambda e: "chip" in e.attrs.get("class", ""))}
    assert chips["holder: North Korea"] == "holder from clause subject"
    assert chips["scope: Russia"] is None


@pytest.mark.parametrize("verdict", ["inconsistency", "conflict", "forecast", "trend", "scope", "agree", "novel"])
def test_every_verdict_renders_and_can_be_filtered(verdict: str) -> None:
    (g,) = camp_groups()
    g["verdict"] = verdict
    _, root = page([g])
    assert [s.attrs["data-verdict"] for s in sections(root)] == [verdict]
    boxes = root.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "verdict")
    assert [b.attrs["value"] for b in boxes] == [verdict]


def test_the_summary_counts_every_group_and_says_what_is_hidden() -> None:
    groups = camp_groups()
    html = render_report(groups, Counter({"conflict": 1, "scope": 3, "agree": 1}), [],
                         info(show_all=False, rules=["my-rules"], skipped=[("bad.bin", "binary file, skipped")]))
    root = parse(html)
    stats = {dt.text().split()[-1]: dd.text() for dt, dd in zip(root.find_all("dt"), root.find_all("dd"))}
    assert stats == {"read": "5", "skipped": "1", "claims": "58", "duplicates": "2", "conflict": "1",
                     "scope": "3", "agree": "1"}
    text = " ".join(root.text().split())
    for needle in ("Tolerance 10%", "model blank 3.8.0", "rules built-in + my-rules", f"nkextract {__version__}",
                   "4 more groups", "--all", "bad.bin: binary file, skipped", "14 March 2025, 09:30"):
        assert needle in text, needle
    assert root.find_all("time")[0].attrs["datetime"] == "2025-03-14T09:30+00:00"


def test_headings_are_in_order() -> None:
    _, root = page(camp_groups() * 2, claims=[make_claim(5)])
    levels = [int(e.tag[1]) for e in root.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_group_ids_are_unique_even_when_records_repeat_one() -> None:
    groups = camp_groups() * 3
    _, root = page(groups)
    ids = [s.attrs["id"] for s in sections(root)]
    assert len(set(ids)) == 3 and ids[0] == group_anchor(groups[0])


def test_article_text_file_names_and_rules_are_escaped() -> None:
    claim = make_claim(5_000, source=f"dir/{HOSTILE}.txt", text="5,000", subject=HOSTILE,
                       sentence=f"Officials said {HOSTILE} 5,000 {HOSTILE}.", attribution=HOSTILE)
    claim.rule = HOSTILE
    other = make_claim(20_000, source="b.txt", subject=HOSTILE)
    (g,) = [g.to_dict() for g in group_claims([claim, other])]
    g["why"] = HOSTILE
    html, root = page([g], claims=[claim, other], inputs=[HOSTILE], rules=[HOSTILE],
                      skipped=[(HOSTILE, HOSTILE)], model=HOSTILE)
    assert len(root.find_all("script")) == 1 and len(root.find_all("style")) == 1
    assert root.find_all("img") == []
    assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrs)]
    assert "{{ 7*7 }}" in root.by_id("groups").text()  # text, never a template
    assert root.text().count(HOSTILE) >= 10  # shown as text: sentence, source, subject, rule, ...


def test_bidi_overrides_and_control_characters_never_reach_the_page() -> None:
    claim = make_claim(5_000, source=f"{BIDI}.txt", text="5,000", subject=BIDI, sentence=f"{BIDI} held 5,000 {BIDI}.",
                       attribution=BIDI)
    other = make_claim(20_000, source="b.txt", subject=BIDI)
    html, _ = page([g.to_dict() for g in group_claims([claim, other])], claims=[claim, other])
    assert not re.search("[\u202a-\u202e\u2066-\u2069\x1b]", html)
    assert html.count("\ufffdgnp.exe\ufffd\ufffd[2J") >= 5


def csp(root: Element) -> dict[str, list[str]]:
    (meta,) = root.find_all(lambda e: e.tag == "meta" and e.attrs.get("http-equiv") == "Content-Security-Policy")
    return {d.split()[0]: d.split()[1:] for d in (meta.attrs["content"] or "").split(";") if d.strip()}


def test_the_page_fetches_nothing_and_runs_only_its_own_script() -> None:
    html, root = page(camp_groups(), claims=[make_claim(5)])
    policy = csp(root)
    assert policy["default-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        (el,) = root.find_all(tag)
        body = el.text()
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert policy[directive] == [f"'sha256-{digest}'"], tag
    for el in root.iter():
        assert "src" not in el.attrs, el.tag
        href = el.attrs.get("href")
        assert href is None or href.startswith("#"), href
        for ref in ("marker-start", "marker-end"):
            assert el.attrs.get(ref) is None or el.attrs[ref].startswith("url(#")
    assert not re.search(r"@import|url\((?!#)", root.find_all("style")[0].text())


def test_the_controls_are_hidden_until_the_script_shows_them() -> None:
    _, root = page(camp_groups())
    controls = root.by_id("controls")
    assert "hidden" in controls.attrs
    assert {o.attrs["value"] for o in root.by_id("sort").find_all("option")} == {"order", "severity",
                                                                                    "confidence"}


def test_the_claims_table_is_collapsed_and_capped() -> None:
    claims = [make_claim(i, source=f"f{i}.txt") for i in range(MAX_TABLE_ROWS + 7)]
    html, root = page([], claims=claims)
    (details,) = [d for d in root.find_all("details") if "table" in d.attrs.get("class", "")]
    assert "open" not in details.attrs
    assert len(details.find_all("tr")) == MAX_TABLE_ROWS + 1  # and the header
    assert f"{MAX_TABLE_ROWS + 7:,} claims in a table (the first {MAX_TABLE_ROWS:,} shown)" in details.text()
    assert "No disagreements found." in " ".join(root.text().split())


def test_a_2000_article_folder_stays_under_5_mb() -> None:
    """Sized like /tmp/lee scaled to 2,000 articles: ~4 claims an article, one group per
    8 articles, sentences of ~250 characters, two mentions for some claims."""
    sentence = ("According to figures released by the ministry on Tuesday, about {n} people were "
                "displaced by the floods that swept through the northern provinces last week, "
                "and officials warned that the number could rise as rescue teams reach cut-off areas.")
    claims = [make_claim(n * 10, source=f"archive/2024/{n // 4:04d}-some-long-article-name.txt",
                         text=f"{n * 10:,}", sentence=sentence.format(n=f"{n * 10:,}"),
                         attribution="the Ministry of Emergency Situations", time=2024, time_source="document")
              for n in range(1, 8_001)]
    groups = []
    for k in range(250):
        members = claims[k * 30: k * 30 + 5]
        g = {"verdict": "conflict", "subject": "people displaced by the floods", "unit": "people", "kind": "count",
             "severity": 3.2, "why": "no overlap at 10% tolerance", "sources": 5,
             "claims": [{**c.to_dict(), "backing": 2, "mentions": [c.mention(), c.mention()]} for c in members]}
        groups.append(g)
    html = render_report(groups, Counter(conflict=250, scope=40, agree=60), claims, info(files=2000))
    assert len(html.encode()) < 5_000_000, len(html.encode())
    assert f"the first {MAX_TABLE_ROWS:,} shown" in html


def test_diff_rows_become_groups_with_sides_a_and_b() -> None:
    a = make_claim(80_000, 120_000, source="left.txt")
    b = make_claim(200_000, source="right.txt")
    rows = [{"verdict": "conflict", "subject": "prisoners", "unit": "people", "severity": 1.7, "why": "no overlap",
             "a": [a.to_dict()], "b": [b.to_dict()]}]
    groups, sides = diff_groups(rows)
    assert sides == {a.id: "A", b.id: "B"} and len(groups[0]["claims"]) == 2
    html = render_report(groups, Counter(conflict=1), [a, b], info(sides=("left/", "right/")), sides)
    (sec,) = sections(parse(html))
    labels = [e.text() for e in sec.find_all(lambda e: "src" in e.attrs.get("class", "").split())]
    assert {"A", "B"} <= set(labels)
    assert "A = left/" in " ".join(parse(html).text().split())


# --- the command ------------------------------------------------------------------------

def run(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def error_line(result: Any, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in result.output, result.stderr
    return lines[0]


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_report_writes_the_page_here_by_default_and_prints_its_path(in_tmp: Path) -> None:
    r = run("report", CORPUS, "--model", "blank", "--cache-dir", in_tmp / "cache")
    assert r.exit_code == 0, (r.stdout, r.stderr)
    out = in_tmp / "nkextract-report.html"
    assert r.stdout.strip() == str(out)
    root = parse(out.read_text(encoding="utf-8"))
    assert [s.attrs["data-verdict"] for s in sections(root)] == ["conflict"]  # --all shows the rest
    assert "5" == root.find_all("dd")[0].text()


@pytest.mark.parametrize("args, verdicts", [
    (["--min-confidence", "0.99"], []),
    (["--all", "--min-confidence", "0.99"], ["conflict"]),
    (["--all", "--min-sources", "4"], []),
    (["--tolerance", "1.0"], []),
])
def test_report_takes_the_options_of_conflicts(in_tmp: Path, args: list[str], verdicts: list[str]) -> None:
    out = in_tmp / "sub dir" / "r.html"
    out.parent.mkdir()
    r = run("report", CORPUS, "--model", "blank", "--cache-dir", in_tmp / "cache", "--out", out, "-q", *args)
    assert r.exit_code == 0, (r.stdout, r.stderr)
    assert r.stdout.strip() == str(out)
    assert [s.attrs["data-verdict"] for s in sections(parse(out.read_text(encoding="utf-8")))] == verdicts


def test_report_from_a_claims_file(in_tmp: Path) -> None:
    claims = in_tmp / "claims.jsonl"
    assert run("extract", CORPUS, "--model", "blank", "--cache-dir", in_tmp / "cache", "-o", claims).exit_code == 0
    r = run("report", "--from-claims", claims, "-o", "r.html")
    assert r.exit_code == 0, r.stderr
    text = " ".join(parse((in_tmp / "r.html").read_text(encoding="utf-8")).text().split())
    assert "model as recorded in" in text and "80,000–120,000" in text


def test_report_counts_skipped_files_and_exits_3(in_tmp: Path) -> None:
    folder = in_tmp / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("It held 200,000 people.", encoding="utf-8")
    (folder / "bin.txt").write_bytes(b"\x00\x01\x02" * 50)
    errors = in_tmp / "errors.json"
    r = run("report", folder, "--model", "blank", "--no-cache", "--errors", errors)
    assert r.exit_code == 3, r.stderr
    assert json.loads(errors.read_text())[0]["source"].endswith("bin.txt")
    root = parse((in_tmp / "nkextract-report.html").read_text(encoding="utf-8"))
    assert root.by_id("skipped") and "bin.txt" in root.text()


@pytest.mark.parametrize("args, needle", [
    ([], "give PATH... or --from-claims FILE"),
    (["nowhere/"], "nowhere: no such file or directory"),
    ([CORPUS, "--from-claims", "c.json"], "not both"),
    (["--from-claims", "missing.json"], "cannot read claims file"),
    ([CORPUS, "--model", "blank", "--no-cache", "-o", "no/such/dir/r.html"], "cannot write no/such/dir/r.html"),
    ([CORPUS, "--model", "no_such_model"], "not installed"),
])
def test_report_bad_input_is_one_error_line(in_tmp: Path, args: list[Any], needle: str) -> None:
    assert needle in error_line(run("report", *args))
    assert not (in_tmp / "nkextract-report.html").exists()


def test_report_help_lists_the_shared_options() -> None:
    r = run("report", "--help")
    assert r.exit_code == 0
    for opt in ("--out", "--all", "--from-claims", "--tolerance", "--min-sources", "--rules", "--model",
                "--include", "--workers", "--cache-dir", "--no-cache", "--errors", "--quiet"):
        assert opt in r.stdout, opt


def test_diff_writes_the_same_page_for_two_sides(in_tmp: Path) -> None:
    a, b = CORPUS / "004_689646877552a5ac.txt", CORPUS / "002_a87d8cbb51061aed.txt"
    r = run("diff", a, b, "--model", "blank", "--cache-dir", in_tmp / "cache", "-o", "d.html")
    assert r.exit_code == 1, r.stderr  # they disagree
    root = parse((in_tmp / "d.html").read_text(encoding="utf-8"))
    (sec,) = sections(root)
    assert sec.attrs["data-verdict"] == "conflict"
    text = " ".join(root.text().split())
    assert f"A = {a}" in text and f"B = {b}" in text and "80,000–120,000" in text and "200,000" in text
    r = run("diff", a, b, "--model", "blank", "--cache-dir", in_tmp / "cache", "--format", "html")
    assert r.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("command", ["extract", "conflicts"])
def test_html_is_only_a_format_of_diff(in_tmp: Path, command: str) -> None:
    assert "--format html is not available here" in error_line(run(command, CORPUS, "--format", "html"))
