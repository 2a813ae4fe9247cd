"""Documents' dates: from a date line in the file, or from --dates FILE; never from mtime."""

from __future__ import annotations

import json
import os

from typer.testing import CliRunner

from nkextract.cli import app

runner = CliRunner()
BLANK = ["--model", "blank", "--no-cache", "-q", "-f", "jsonl"]


def _claims(*args: str) -> list[dict]:
    r = runner.invoke(app, ["extract", *args, *BLANK])
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_dates_file_gives_the_documents_date(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("Sales rose 5% last year. The firm employs 300 people.\n")
    os.utime(doc, (0, 0))  # a file's modification time is never its date
    (tmp_path / "dates.csv").write_text("path,date\na.txt,2019-05-04\n")
    plain = _claims(str(doc))
    assert {c["period"] for c in plain} == {None}
    dated = _claims(str(doc), "--dates", str(tmp_path / "dates.csv"))
    by = {c["text"]: c for c in dated}
    assert by["5%"]["period"] == "2018" and by["5%"]["time_source"] == "relative"
    assert by["300"]["period"] == "2019-05-04" and by["300"]["time_source"] == "document"


def test_a_date_line_in_the_file_is_its_date(tmp_path):
    doc = tmp_path / "b.txt"
    doc.write_text("---\ntitle: Results\ndate: 2017-12-24\n---\nSales rose 5% last year.\n")
    (c,) = _claims(str(doc))
    assert c["period"] == "2016" and c["time"] == 2016


def test_a_bad_dates_file_is_one_line_naming_file_and_line(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("Sales rose 5% last year.\n")
    bad = tmp_path / "dates.csv"
    bad.write_text("path,date\na.txt,someday\n")
    r = runner.invoke(app, ["extract", str(doc), "--dates", str(bad), *BLANK])
    assert r.exit_code == 2 and r.stderr.strip().count("\n") == 0
    assert f"{bad}:2:" in r.stderr and "someday" in r.stderr
    missing = runner.invoke(app, ["extract", str(doc), "--dates", str(tmp_path / "none.csv"), *BLANK])
    assert missing.exit_code == 2 and "cannot read dates file" in missing.stderr
