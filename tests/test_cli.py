"""The command line, end to end through Typer's CliRunner.

Click >= 8.2 keeps stderr apart in every result (``result.stdout`` is stdout only,
``result.stderr`` stderr only; ``mix_stderr`` no longer exists), so machine output is
parsed from ``result.stdout``.  Tests that do not need subjects run with
``--model blank`` (rules only, fast); the few that need the trained pipeline are
marked ``model``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkextract.cli import app
from nkextract.read.files import read_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
F002 = CORPUS / "002_a87d8cbb51061aed.txt"
F004 = CORPUS / "004_689646877552a5ac.txt"
BLANK = ["--model", "blank"]
CONTRACT = ("id", "source", "start", "end", "text", "sentence", "low", "high", "qualifier", "unit", "kind",
            "subject", "subject_key", "time", "attribution")
QUALIFIERS = {"exact", "approx", "at_least", "at_most", "range"}
KINDS = {"count", "money", "percent", "duration", "rate", "year", "other"}

runner = CliRunner()


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def _ok(result, code: int = 0):
    assert result.exit_code == code, (result.exit_code, result.stdout[-2000:], result.stderr[-2000:],
                                      result.exception)
    return result


def _file_text(source: str) -> str:
    p = Path(source)
    if not p.is_absolute():
        p = Path.cwd() / p
    doc = read_document(p)
    assert hasattr(doc, "text"), doc
    return doc.text


def _check_usage_error(result, *needles: str) -> str:
    """Exit 2, exactly one 'error:' line on stderr, no traceback, nothing on stdout."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    err = result.stderr.strip()
    assert "Traceback" not in result.output
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    assert result.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def blank_json():
    """extract corpus/ --format json with the rules-only pipeline (parsed once)."""
    r = _ok(run("extract", CORPUS, *BLANK, "--format", "json"))
    assert r.stderr == ""
    return json.loads(r.stdout)


# --- extract ----------------------------------------------------------------------------------

def test_extract_json_is_an_array_of_claims_with_the_contract(blank_json):
    claims = blank_json
    assert isinstance(claims, list) and len(claims) >= 40
    sources = {c["source"] for c in claims}
    assert len(sources) >= 3
    for c in claims:
        for f in CONTRACT:
            assert f in c, (f, c)
        assert isinstance(c["start"], int) and isinstance(c["end"], int) and c["start"] < c["end"]
        assert c["qualifier"] in QUALIFIERS and c["kind"] in KINDS
        assert c["low"] is None or isinstance(c["low"], float | int)
        assert c["high"] is None or isinstance(c["high"], float | int)
        if c["low"] is not None and c["high"] is not None:
            assert c["low"] <= c["high"]
        assert c["text"] in c["sentence"] or " ".join(c["text"].split()) in c["sentence"]
    assert len({c["id"] for c in claims}) == len(claims)


def test_extract_text_equals_file_slice(blank_json):
    texts: dict[str, str] = {}
    for c in blank_json:
        t = texts.setdefault(c["source"], _file_text(c["source"]))
        assert t[c["start"]:c["end"]] == c["text"], c


def test_extract_is_deterministic(blank_json):
    again = json.loads(_ok(run("extract", CORPUS, *BLANK, "-f", "json")).stdout)
    assert again == blank_json


def test_extract_jsonl(blank_json):
    r = _ok(run("extract", CORPUS, *BLANK, "--format", "jsonl"))
    lines = r.stdout.splitlines()
    assert [json.loads(line) for line in lines] == blank_json


def test_extract_csv(blank_json):
    r = _ok(run("extract", CORPUS, *BLANK, "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == len(blank_json)
    assert set(CONTRACT) <= set(rows[0])
    assert "mentions" not in rows[0]
    for row, c in zip(rows, blank_json):
        assert row["id"] == c["id"]
        assert (int(row["start"]), int(row["end"])) == (c["start"], c["end"])
        text = row["text"][1:] if c["text"].startswith(("=", "+", "-", "@")) else row["text"]
        assert text == c["text"]
        for k in ("low", "high"):
            assert (float(row[k]) if row[k] else None) == c[k]


def test_extract_markdown(blank_json):
    r = _ok(run("extract", CORPUS, *BLANK, "--format", "md"))
    lines = r.stdout.splitlines()
    header = [h.strip() for h in lines[0].strip("|").split("|")]
    assert header[0] == "id" and set(CONTRACT) <= set(header)
    assert set(lines[1].replace("|", "").replace("-", "")) <= {""}
    body = lines[2:]
    assert len(body) == len(blank_json)
    assert [row.split("|")[1].strip() for row in body] == [c["id"] for c in blank_json]


def test_extract_out_writes_file_and_nothing_to_stdout(tmp_path, blank_json):
    out = tmp_path / "claims.json"
    r = _ok(run("extract", CORPUS, *BLANK, "--format", "json", "--out", out))
    assert r.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == blank_json
    assert [p.name for p in tmp_path.iterdir()] == ["claims.json"]  # no temp file left behind


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv", ".md"])
def test_extract_format_from_out_suffix(tmp_path, suffix, blank_json):
    out = tmp_path / f"claims{suffix}"
    r = _ok(run("extract", CORPUS, *BLANK, "-o", out))
    assert r.stdout == ""
    text = out.read_text(encoding="utf-8")
    if suffix == ".json":
        assert json.loads(text) == blank_json
    elif suffix == ".jsonl":
        assert [json.loads(x) for x in text.splitlines()] == blank_json
    elif suffix == ".csv":
        assert [r["id"] for r in csv.DictReader(io.StringIO(text))] == [c["id"] for c in blank_json]
    else:
        assert text.startswith("| id |") and len(text.splitlines()) == len(blank_json) + 2


def test_extract_explicit_format_beats_suffix(tmp_path, blank_json):
    out = tmp_path / "claims.csv"
    _ok(run("extract", CORPUS, *BLANK, "-f", "jsonl", "-o", out))
    assert [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()] == blank_json


def test_extract_table_runs():
    r = _ok(run("extract", F004, *BLANK, "-f", "table"))
    assert "claims in 1 file" in r.stdout


def test_extract_skipped_input_exits_3_and_keeps_other_results(tmp_path):
    (tmp_path / "cli_empty.txt").write_text("", encoding="utf-8")
    shutil.copy(F004, tmp_path / "cli_article.txt")
    r = _ok(run("extract", tmp_path, *BLANK, "-f", "json"), 3)
    claims = json.loads(r.stdout)
    assert claims and all(c["source"].endswith("cli_article.txt") for c in claims)
    assert "cli_empty.txt" in r.stderr and "warning" in r.stderr


# --- conflicts --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def blank_groups():
    r = _ok(run("conflicts", CORPUS, *BLANK, "--all", "--min-sources", "1", "-f", "json"))
    return json.loads(r.stdout)


def test_conflicts_json_shape(blank_groups):
    groups = blank_groups
    assert isinstance(groups, list) and groups
    order = ("inconsistency", "conflict", "trend", "scope", "agree")
    assert [order.index(g["verdict"]) for g in groups] == sorted(order.index(g["verdict"]) for g in groups)
    texts: dict[str, str] = {}
    for g in groups:
        for k in ("verdict", "subject", "unit", "severity", "why", "sources", "claims"):
            assert k in g, k
        assert g["verdict"] in order
        assert len(g["claims"]) >= 2
        assert g["severity"] is None or g["severity"] >= 1
        for c in g["claims"]:
            assert set(CONTRACT) <= set(c)
            assert isinstance(c["mentions"], list) and c["mentions"]
            assert 1 <= c["backing"] <= len(c["mentions"])
            for m in c["mentions"]:
                t = texts.setdefault(m["source"], _file_text(m["source"]))
                assert t[m["start"]:m["end"]] == m["text"]
    assert any(g["verdict"] == "conflict" for g in groups)


def test_conflicts_default_shows_only_disagreements_with_two_sources(blank_groups):
    r = _ok(run("conflicts", CORPUS, *BLANK, "-f", "json"))
    shown = json.loads(r.stdout)
    assert shown
    assert all(g["verdict"] in ("conflict", "inconsistency") and g["sources"] >= 2 for g in shown)
    expected = [g for g in blank_groups if g["verdict"] in ("conflict", "inconsistency") and g["sources"] >= 2]
    assert shown == expected


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_conflicts_from_claims_matches_parsing(tmp_path, suffix, blank_groups):
    claims_file = tmp_path / f"cli_claims{suffix}"
    _ok(run("extract", CORPUS, *BLANK, "-o", claims_file))
    r = _ok(run("conflicts", "--from-claims", claims_file, "--all", "--min-sources", "1", "-f", "json"))
    assert json.loads(r.stdout) == blank_groups


@pytest.mark.model
def test_conflicts_from_claims_matches_parsing_with_model(tmp_path):
    claims_file = tmp_path / "cli_claims.jsonl"
    _ok(run("extract", CORPUS, "-o", claims_file))
    parsed = json.loads(_ok(run("conflicts", CORPUS, "--all", "--min-sources", "1", "-f", "json")).stdout)
    loaded = json.loads(_ok(run("conflicts", "--from-claims", claims_file, "--all", "--min-sources", "1",
                                "-f", "json")).stdout)
    assert loaded == parsed
    assert any(g["verdict"] == "conflict" for g in parsed)


@pytest.mark.model
def test_conflicts_fail_on_conflict_exits_1():
    r = _ok(run("conflicts", CORPUS, "--fail-on-conflict", "-f", "json"), 1)
    groups = json.loads(r.stdout)
    assert any(g["verdict"] == "conflict" and "prison camp" in g["subject"] for g in groups)


def test_conflicts_without_fail_on_conflict_exits_0():
    _ok(run("conflicts", CORPUS, *BLANK, "-f", "json"), 0)


def test_conflicts_fail_on_conflict_exits_0_when_none(tmp_path):
    single = tmp_path / "cli_one.txt"
    single.write_text("North Korea holds 200,000 prisoners in political prison camps.\n", encoding="utf-8")
    r = _ok(run("conflicts", single, *BLANK, "--fail-on-conflict", "-f", "json"), 0)
    assert json.loads(r.stdout) == []


@pytest.mark.parametrize("fmt", ["csv", "md", "jsonl", "table"])
def test_conflicts_other_formats(fmt):
    r = _ok(run("conflicts", CORPUS, *BLANK, "--all", "--min-sources", "1", "-f", fmt))
    assert r.stdout.strip()
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        assert rows and {"group", "verdict", "subject", "text", "source"} <= set(rows[0])
    if fmt == "jsonl":
        assert all("verdict" in json.loads(x) for x in r.stdout.splitlines())


# --- diff -------------------------------------------------------------------------------------

@pytest.mark.model
def test_diff_002_vs_004_lists_the_prison_camp_disagreement():
    r = _ok(run("diff", F002, F004, "-f", "json"), 1)
    d = json.loads(r.stdout)
    assert d["tolerance"] == 0.1
    assert d["a"].endswith(F002.name) and d["b"].endswith(F004.name)
    rows = [row for row in d["rows"] if row["verdict"] == "conflict"]
    assert rows
    camp = [row for row in rows
            if any(c["low"] == 200_000 and c["high"] == 200_000 for c in row["a"])
            and any((c["low"], c["high"]) == (80_000, 120_000) for c in row["b"])]
    assert len(camp) == 1
    assert camp[0]["severity"] == pytest.approx(200_000 / 120_000, abs=1e-3)
    assert all(c["source"].endswith(F002.name) for c in camp[0]["a"])
    assert all(c["source"].endswith(F004.name) for c in camp[0]["b"])


def test_diff_002_vs_004_blank_table_exits_1():
    r = _ok(run("diff", F002, F004, *BLANK, "-f", "table"), 1)
    assert r.stdout.strip()


@pytest.mark.parametrize("path", [F004, F002])
def test_diff_with_itself_exits_0(path):
    r = _ok(run("diff", path, path, *BLANK, "-f", "json"), 0)
    assert json.loads(r.stdout)["rows"] == []


def test_diff_folder_with_itself_exits_0():
    r = _ok(run("diff", CORPUS, CORPUS, *BLANK, "-f", "json"), 0)
    assert json.loads(r.stdout)["rows"] == []


@pytest.mark.model
def test_diff_004_with_itself_exits_0_with_model():
    r = _ok(run("diff", F004, F004, "--all", "-f", "json"), 0)
    rows = json.loads(r.stdout)["rows"]
    assert rows and all(row["verdict"] not in ("conflict", "inconsistency") for row in rows)


# --- usage errors -----------------------------------------------------------------------------

def test_missing_path_diff_is_a_usage_error(tmp_path):
    missing = tmp_path / "cli_nope.txt"
    _check_usage_error(run("diff", missing, F004, *BLANK), "cli_nope.txt")


@pytest.mark.parametrize("command", ["extract", "conflicts"])
def test_missing_path_is_a_usage_error(tmp_path, command):
    missing = tmp_path / "cli_nope.txt"
    _check_usage_error(run(command, missing, *BLANK), "cli_nope.txt")


def test_conflicts_without_input_is_a_usage_error():
    _check_usage_error(run("conflicts", *BLANK), "--from-claims")


def test_unknown_model_is_a_usage_error():
    _check_usage_error(run("extract", F004, "--model", "no_such_pipeline_xyz"), "no_such_pipeline_xyz")


def test_format_not_available_for_diff():
    _check_usage_error(run("diff", F002, F004, *BLANK, "-f", "csv"), "csv")


def test_unwritable_out_is_a_usage_error(tmp_path):
    _check_usage_error(run("extract", F004, *BLANK, "-o", tmp_path / "cli_missing_dir" / "x.json"),
                       "cannot write")


@pytest.mark.parametrize("content, needle", [
    ("not json at all\n", ":1:"),
    ("[{\"id\": \"x\", \"source\": \"s\"}]", "record 1"),
    ("[1, 2]", "record 1"),
    pytest.param("{\"id\": \"a\"}\n{broken\n", ":2:"),
])
def test_malformed_from_claims_is_a_usage_error(tmp_path, content, needle):
    f = tmp_path / "cli_bad_claims.jsonl"
    f.write_text(content, encoding="utf-8")
    _check_usage_error(run("conflicts", "--from-claims", f), "cli_bad_claims.jsonl", needle)


def test_missing_from_claims_file_is_a_usage_error(tmp_path):
    _check_usage_error(run("conflicts", "--from-claims", tmp_path / "cli_none.jsonl"), "cli_none.jsonl")


_GOOD = {"id": "a", "source": "s.txt", "start": 0, "end": 7, "text": "200,000", "low": 200000.0,
         "high": 200000.0, "unit": "people", "kind": "count", "subject": "prisoners",
         "subject_key": "political prison camp prisoner", "head": "prisoner",
         "concepts": ["political prison camp"], "sentence": "200,000 prisoners in political prison camps."}


def test_from_claims_with_wrong_field_type_is_a_usage_error(tmp_path):
    f = tmp_path / "cli_bad_types.jsonl"
    bad = {**_GOOD, "id": "b", "source": "t.txt", "low": "abc"}
    f.write_text(json.dumps(_GOOD) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    _check_usage_error(run("conflicts", "--from-claims", f, "--all", "--min-sources", "1"), "cli_bad_types.jsonl")


def test_broken_toml_rules_names_file_and_line(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "numbers.toml").write_text('# extra words\n[qualifiers]\napprox = ["circa"\nat_least = ["over"]\n',
                                    encoding="utf-8")
    line = _check_usage_error(run("extract", F004, *BLANK, "--rules", d), "numbers.toml")
    # tomllib reports the line where it gave up: 4 ("at_least" inside the unclosed array)
    assert "numbers.toml:4" in line or "line 4" in line, line


def test_rules_schema_error_names_file_colon_line(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "numbers.toml").write_text('# extra words\n\n[qualifiers]\napprox = ["circa"]\nbogus = 3\n',
                                    encoding="utf-8")
    _check_usage_error(run("extract", F004, *BLANK, "--rules", d), "numbers.toml:5:", "bogus")


def test_rules_error_in_second_table_names_its_own_line(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "units.toml").write_text('[[unit]]\nname = "XYZ"\nkind = "money"\nwords = ["zorks"]\n\n'
                                  '[[unit]]\nname = "QQQ"\nkind = "money"\nwords = 5\n', encoding="utf-8")
    _check_usage_error(run("extract", F004, *BLANK, "--rules", d), "units.toml:9:")


def test_missing_rules_dir_is_a_usage_error(tmp_path):
    _check_usage_error(run("extract", F004, *BLANK, "--rules", tmp_path / "cli_no_rules"), "cli_no_rules")


def test_bad_option_exits_2():
    r = run("conflicts", CORPUS, "--tolerance", "-1")
    assert r.exit_code == 2
    assert "Traceback" not in r.output


# --- startup ----------------------------------------------------------------------------------

def _py(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_importing_the_cli_does_not_import_spacy():
    p = _py("import sys; from nkextract import cli; print('spacy' in sys.modules)")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"


@pytest.mark.parametrize("argv", [["--help"], ["extract", "--help"], ["conflicts", "--help"],
                                  ["diff", "--help"], ["--version"]])
def test_help_does_not_import_spacy(argv):
    code = ("import sys\nfrom nkextract.cli import app\n"
            f"try:\n    app({argv!r}, prog_name='nkextract')\n"
            "except SystemExit as e:\n    code = e.code\n"
            "print('SPACY', 'spacy' in sys.modules, code, file=sys.stderr)\n")
    p = _py(code)
    assert "SPACY False 0" in p.stderr, p.stderr
    assert "Usage" in p.stdout or "nkextract" in p.stdout


def test_console_script_help():
    exe = shutil.which("nkextract") or str(Path(sys.executable).parent / "nkextract")
    p = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    for cmd in ("extract", "conflicts", "diff"):
        assert cmd in p.stdout
    assert "Exit codes" in p.stdout


def test_the_default_min_confidence_is_the_conflict_modules():
    from nkextract.cli import options
    from nkextract.compare import weights

    assert options.DEFAULT_MIN_CONFIDENCE == weights.DEFAULT_MIN_CONFIDENCE


def test_a_folder_that_matches_no_file_says_so_and_lists_the_patterns(tmp_path):
    (tmp_path / "figures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "notes.rtf").write_text("{\\rtf1 40 people}", encoding="utf-8")
    r = _ok(run("extract", tmp_path, "--model", "blank", "-f", "json", "--include", "*.txt", "--include", "*.md"))
    assert r.stdout.strip() == "[]"
    assert ("warning: no input files matched --include '*.txt' '*.md' (left out: 1 .csv, 1 .rtf; "
            "add --include for them)") in r.stderr


def test_output_closed_early_ends_quietly():
    """``nkextract extract corpus/ | head``: no "Broken pipe" error, no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "nkextract.cli", "extract", str(CORPUS), "--model", "blank",
                             "-f", "jsonl", "--no-cache", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away, as head does after its lines
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""
