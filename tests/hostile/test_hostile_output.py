"""Output that a hostile article cannot turn against its reader, written atomically.

* ``--out``/``--errors`` are replaced in one rename: a failure at any point leaves the old
  file as it was and no temp file behind;
* CSV text cells that a spreadsheet would run as a formula (= + - @ tab CR) get a leading
  ``'``; numeric cells stay numeric (a negative number is not a formula);
* Markdown escapes markup, HTML and control characters, so a cell can neither break the
  table, inject HTML, nor rewrite a terminal.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from pathlib import Path

import pytest
from hostile_helpers import invoke, strict_json

import nkextract.present.export as export
from nkextract.present.export import csv_cell, md_escape, open_output, to_csv, to_markdown

FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {"start", "end", "low", "high", "time", "value_low", "value_high", "severity", "group", "mentions",
           "backing"}
HOSTILE_ARTICLE = (
    "@SUM(1+1) and 13 people were hurt.\n"
    "\t=cmd|' /C calc'!A0 with 16 people.\n"
    "=HYPERLINK(\"http://evil.example\",\"x\") said 17 people were hurt.\n"
    "<script>alert(1)</script> | `rm -rf /` | **bold** [link](javascript:alert(1)) 18 people were hurt.\n"
    "Control \x1b[2J\x1b[31m chars and \u202eevil\u202c text with 19 people.\n"
)


def _tmp_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- atomic writes ----------------------------------------------------------------------------


class _HalfWriter:
    """A file object that writes half of what it is given, then fails like a full disk."""

    def __init__(self, f):
        self._f = f

    def write(self, s):
        self._f.write(s[: len(s) // 2])
        self._f.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def _fail_mid_write(monkeypatch, target: str) -> list[str]:
    """Make writes to temp files for ``target`` fail halfway; returns the temp paths seen."""
    seen: list[str] = []

    def export_open(file, *args, **kwargs):
        f = open(file, *args, **kwargs)
        name = os.path.basename(str(file))
        if name.startswith(f".{target}.") and name.endswith(".tmp"):
            seen.append(str(file))
            return _HalfWriter(f)
        return f

    monkeypatch.setattr(export, "open", export_open, raising=False)  # export's own calls only
    return seen


@pytest.mark.parametrize("option", ["--out", "--errors"])
def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch, option):
    (tmp_path / "a.txt").write_text("Officials counted 12,345 people.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    old = "OLD CONTENT that must survive\n"
    (tmp_path / "target.json").write_text(old)
    seen = _fail_mid_write(monkeypatch, "target.json")
    run = invoke("extract", ".", "-f", "json", option, "target.json")
    assert seen, "the write was not intercepted"
    assert run.exit_code == 2 and "Traceback" not in run.all
    assert run.stderr.strip().splitlines()[-1] == "error: cannot write target.json: No space left on device"
    assert (tmp_path / "target.json").read_text() == old
    assert _tmp_leftovers(tmp_path) == []


@pytest.mark.parametrize("where,exc", [("fsync", OSError(errno.EIO, "Input/output error")),
                                       ("replace", OSError(errno.EXDEV, "Invalid cross-device link")),
                                       ("replace", KeyboardInterrupt())], ids=["fsync-EIO", "rename-EXDEV", "ctrl-c"])
def test_failure_before_the_rename_keeps_the_old_file(tmp_path, monkeypatch, where, exc):
    (tmp_path / "a.txt").write_text("Officials counted 12,345 people.\n")
    old = "OLD\n"
    (tmp_path / "out.csv").write_text(old)
    real = getattr(os, where)

    def boom(*args, **kwargs):
        if where == "replace" and not str(args[0]).endswith(".tmp"):
            return real(*args, **kwargs)
        raise exc

    monkeypatch.setattr(os, where, boom)
    run = invoke("extract", "a.txt", "-o", "out.csv")
    assert run.exit_code == (130 if isinstance(exc, KeyboardInterrupt) else 2), run
    assert "Traceback" not in run.all
    assert (tmp_path / "out.csv").read_text() == old
    assert _tmp_leftovers(tmp_path) == []


def test_output_into_missing_folder_or_onto_a_folder_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("Officials counted 12,345 people.\n")
    (tmp_path / "adir").mkdir()
    for target in ("missing/out.json", "adir"):
        run = invoke("extract", "a.txt", "-f", "json", "-o", target)
        assert run.exit_code == 2 and "Traceback" not in run.all
        assert run.stderr.startswith("error: cannot write"), run.stderr
    assert list((tmp_path / "adir").iterdir()) == []
    assert _tmp_leftovers(tmp_path) == []


def write_atomic(path, content):
    with open_output(path) as f:
        f.write(content)


def test_written_file_keeps_permissions(tmp_path):
    p = tmp_path / "out.json"
    write_atomic(p, "[]\n")
    umask = os.umask(0)
    os.umask(umask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    p.chmod(0o640)
    write_atomic(p, "[1]\n")
    assert p.stat().st_mode & 0o777 == 0o640 and p.read_text() == "[1]\n"


def test_unencodable_text_does_not_fail_the_export(tmp_path):
    p = tmp_path / "out.txt"
    write_atomic(p, "name bad\udcff.txt\n")  # a lone surrogate: what os.fsdecode makes of byte 0xff
    assert p.read_text(encoding="utf-8") == "name bad\\udcff.txt\n"


# --- CSV ------------------------------------------------------------------------------------


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _assert_neutralised(rows: list[dict[str, str]]) -> None:
    assert rows
    for r in rows:
        for col, cell in r.items():
            if col in NUMERIC:
                if cell != "":
                    float(cell)  # numeric stays numeric, never "'-5.0"
            else:
                assert not cell.startswith(FORMULA), (col, cell)


def test_csv_export_neutralises_formulas_from_article_text_and_file_names(tmp_path):
    (tmp_path / "article.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    names = ("=cmd.txt", "+evil.txt", "-rf.txt", "@import.txt")
    for name in names:  # in the working directory, so the source cell starts with the name
        (tmp_path / name).write_text("Officials counted 12,345 people.\n")
    run = invoke("extract", ".", "-f", "csv").ok()
    rows = _csv_rows(run.stdout)
    _assert_neutralised(rows)
    assert {r["source"] for r in rows} >= {"'" + n for n in names}
    sentences = {r["sentence"] for r in rows}
    assert "'@SUM(1+1) and 13 people were hurt." in sentences
    assert any(s.startswith("'=cmd|") for s in sentences)  # the leading tab is trimmed, '=' is caught
    invoke("extract", ".", "-o", "out.csv").ok()  # format from --out's suffix: the same cells
    assert _csv_rows((tmp_path / "out.csv").read_text(encoding="utf-8")) == rows
    errs = invoke("extract", ".", "-f", "csv", "--errors", "=errors.json").ok()  # a hostile --errors name is fine
    assert _csv_rows(errs.stdout) == rows


def test_csv_negative_numbers_stay_numeric_end_to_end(tmp_path):
    """Negative figures reach CSV through --from-claims (extraction itself yields none today)."""
    (tmp_path / "a.txt").write_text("Officials said 12,345 people died in Seoul.\n")
    (tmp_path / "b.txt").write_text("Officials said 99,999 people died in Seoul.\n")
    invoke("extract", "a.txt", "b.txt", "-o", "claims.jsonl").ok()
    recs = [json.loads(line) for line in (tmp_path / "claims.jsonl").read_text().splitlines()]
    recs[0].update(low=-5.0, high=-2.5, text="-5 to -2.5", sentence="-5 to -2.5 people")
    (tmp_path / "claims.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    run = invoke("conflicts", "--from-claims", "claims.jsonl", "--all", "--min-sources", "1", "-f", "csv").ok()
    rows = _csv_rows(run.stdout)
    _assert_neutralised(rows)
    neg = next(r for r in rows if r["value_low"].startswith("-"))
    assert float(neg["value_low"]) == -5.0 and float(neg["value_high"]) == -2.5
    assert neg["text"] == "'-5 to -2.5"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"x\")"])
def test_csv_cell_neutralises_every_formula_start(cell):
    assert csv_cell(cell) == "'" + cell
    assert csv_cell([cell, "b"]).startswith("'")


@pytest.mark.parametrize("value,expected", [(-5.0, "-5.0"), (-3, -3), (0.5, "0.5"), (float("inf"), ""),
                                            (float("nan"), ""), (None, ""), (True, "true")])
def test_csv_cell_numbers_untouched(value, expected):
    assert csv_cell(value) == expected


def test_to_csv_round_trips_hostile_text():
    nasty = "line1\nline2, \"quoted\"\r\n=1+1"
    out = to_csv([{"text": nasty, "low": -1.5}], ["text", "low"])
    (row,) = _csv_rows(out)
    assert row == {"text": nasty, "low": "-1.5"}  # not starting with a formula char: untouched


# --- Markdown --------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", line)[1:-1]


def test_markdown_export_escapes_article_text(tmp_path):
    (tmp_path / "article.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    run = invoke("extract", "article.txt", "-f", "md").ok()
    out = run.stdout
    assert "<script>" not in out and "</script>" not in out
    assert "\x1b" not in out and "\u202e" not in out
    lines = out.strip("\n").split("\n")
    ncols = len(_cells(lines[0]))
    assert all(len(_cells(line)) == ncols for line in lines), "a cell broke the table"
    body = "\n".join(lines[2:])
    assert "&lt;script&gt;" in body and "\\|" in body and "\\`rm" in body
    assert "](javascript" not in body  # no live link
    assert "'@SUM" not in body  # CSV's formula prefix is not Markdown's business
    assert len(lines) - 2 == len(strict_json(invoke("extract", "article.txt", "-f", "json").ok().stdout))


@pytest.mark.parametrize("text", ["a|b", "<img src=x onerror=alert(1)>", "`code`", "line\nbreak", "cr\rbreak",
                                  "sep\u2028arator", "esc\x1b[31m", "nul\x00", "bidi\u202eevil", "&lt;", "**b**",
                                  "[x](javascript:alert(1))", "\\|"])
def test_md_escape_cell_is_inert(text):
    cell = md_escape(text)
    assert "\n" not in cell and "\r" not in cell and "\u2028" not in cell
    assert not re.search(r"(?<!\\)[|`<>]", cell), cell
    assert not re.search(r"[\x00-\x1f\x7f\u202e]", cell), cell
    assert len(_cells("| " + cell + " |")) == 1


def test_markdown_does_not_show_csv_prefix():
    out = to_markdown([{"text": "-5%", "low": -5.0, "places": ["=Seoul"]}], ["text", "low", "places"])
    row = out.splitlines()[2]
    assert _cells(row) == [" -5% ", " -5.0 ", " =Seoul "]


def test_json_never_holds_infinity_or_nan():
    rows = [{"low": float("inf"), "high": float("-inf"), "x": [float("nan")], "n": {"v": 1e308 * 10}}]
    strict_json(export.to_json(rows))
    for line in export.to_jsonl(rows).splitlines():
        strict_json(line)


@pytest.mark.parametrize("cmd", [["extract"], ["conflicts", "--all", "--min-sources", "1"]])
def test_table_output_carries_no_control_characters_from_articles(tmp_path, cmd):
    (tmp_path / "article.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    for out in ([], ["-o", "out.txt"]):
        run = invoke(cmd[0], "article.txt", *cmd[1:], "-f", "table", *out).ok()
        shown = run.stdout + ((tmp_path / "out.txt").read_text(encoding="utf-8") if out else "")
        assert shown.strip()
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", shown), repr(shown[:500])
