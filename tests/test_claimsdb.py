"""--format sqlite: a claims database opened here with nothing but Python's sqlite3."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkextract.cli import app
from nkextract.present import claimsdb

from .conftest import CORPUS

BLANK = ["--model", "blank", "--no-cache"]
cli = CliRunner()


def run(*args: str | Path):
    return cli.invoke(app, [str(a) for a in args])


def _ok(result, code: int = 0):
    assert result.exit_code == code, (result.exit_code, result.stdout[-1000:], result.stderr[-1000:],
                                      result.exception)
    return result


def _one_error_line(result, needle: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], result.stderr


def _table(con: sqlite3.Connection, table: str, order: str) -> list[dict]:
    cur = con.execute(f"SELECT * FROM {table} ORDER BY {order}")
    return [dict(zip([d[0] for d in cur.description], row)) for row in cur]


def _columns(con: sqlite3.Connection, table: str) -> dict[str, str]:
    return {name: decl for _, name, decl, *_ in con.execute(f"PRAGMA table_info({table})")}


def _indexed(con: sqlite3.Connection, table: str) -> set[str]:
    """Columns that lead an index of ``table``."""
    return {con.execute(f'PRAGMA index_info("{name}")').fetchone()[2]
            for _, name, *_ in con.execute(f"PRAGMA index_list({table})")}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """The corpus as a database and as JSONL, from the same rules-only run."""
    d = tmp_path_factory.mktemp("db")
    _ok(run("extract", CORPUS, *BLANK, "-o", d / "claims.db"))  # the suffix picks sqlite
    rows = [json.loads(line) for line in _ok(run("extract", CORPUS, *BLANK, "-f", "jsonl")).stdout.splitlines()]
    return d / "claims.db", rows


def test_extract_database_holds_every_claim_and_field_in_order(extracted) -> None:
    db, rows = extracted
    con = sqlite3.connect(db)
    cols = _columns(con, "claims")
    assert set(rows[0]) <= set(cols)
    assert cols["low"] == "REAL" and cols["start"] == "INTEGER" and cols["scope"] == "JSON" and cols["frame"] == "JSON"
    got = _table(con, "claims", "seq")
    assert len(got) == len(rows) > 30
    for g, r in zip(got, rows):
        assert {k: json.loads(g[k]) if cols[k] == "JSON" else g[k] for k in r} == r
    assert {"source", "unit", "measure", "holder"} <= _indexed(con, "claims")
    tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "groups" not in tables and not any(t.startswith("stage") for t in tables)


def test_full_text_search_on_sentences(extracted) -> None:
    db, rows = extracted
    con = sqlite3.connect(db)
    hits = con.execute("SELECT c.id, c.sentence FROM claims_fts JOIN claims c ON c.seq = claims_fts.rowid "
                       "WHERE claims_fts MATCH 'prison' ORDER BY rank").fetchall()
    assert hits and all("prison" in s.lower() for _, s in hits)
    assert {r["id"] for r in rows if re.search(r"\bprison\b", r["sentence"], re.I)} <= {i for i, _ in hits}


def test_conflicts_database_has_groups_membership_and_mentions(tmp_path: Path) -> None:
    args = ["conflicts", CORPUS, *BLANK, "--all", "--min-sources", "1"]
    groups = json.loads(_ok(run(*args, "-f", "json")).stdout)
    _ok(run(*args, "-f", "sqlite", "-o", tmp_path / "c.sqlite"))
    con = sqlite3.connect(tmp_path / "c.sqlite")
    got = _table(con, "groups", "seq")
    assert [{k: g[k] for k in ("verdict", "subject", "why", "sources", "severity")} for g in groups] == \
        [{k: g[k] for k in ("verdict", "subject", "why", "sources", "severity")} for g in got]
    members = _table(con, "group_claims", "group_seq, position")
    assert [(m["group_seq"], m["claim_id"], m["backing"]) for m in members] == \
        [(n, c["id"], c["backing"]) for n, g in enumerate(groups, 1) for c in g["claims"]]
    # every member and mention points at a claim; a merged claim lists all its mentions
    assert con.execute("SELECT count(*) FROM group_claims LEFT JOIN claims c ON c.id = claim_id "
                       "WHERE c.id IS NULL").fetchone() == (0,)
    first = groups[0]["claims"][0]
    mentions = con.execute("SELECT id FROM mentions WHERE claim_id = ? ORDER BY position", (first["id"],))
    assert [i for (i,) in mentions] == [m["id"] for m in first["mentions"]]
    assert {"claims", "claims_fts", "mentions", "groups", "group_claims"} <= \
        {n for (n,) in con.execute("SELECT name FROM sqlite_master")}


def test_from_claims_reads_a_database_back(extracted, tmp_path: Path) -> None:
    args = ["--all", "--min-sources", "1", "-f", "json"]
    parsed = _ok(run("conflicts", CORPUS, *BLANK, *args)).stdout
    _ok(run("conflicts", CORPUS, *BLANK, "--all", "--min-sources", "1", "-o", tmp_path / "c.db"))
    assert _ok(run("conflicts", "--from-claims", extracted[0], *args)).stdout == parsed
    assert _ok(run("conflicts", "--from-claims", tmp_path / "c.db", *args)).stdout == parsed


def test_columns_come_from_the_records(tmp_path: Path) -> None:
    """Fields nkextract does not have yet get typed columns (a null first value is no reason
    for TEXT), measure and holder get indexes, and everything reads back as it was."""
    claims = [
        {"id": "a", "source": "x.txt", "sentence": "Growth was weak.", "low": None, "holder": None,
         "measure": "growth", "scope": [], "frame": {"holder": {"from": "document"}}, "flag": True,
         "mentions": [{"source": "x.txt", "start": 0, "id": "a"}]},
        {"id": "b", "source": "y.txt", "sentence": "Japan's economy grew 3.5%.", "low": 3.5, "holder": "Japan",
         "measure": "growth", "scope": ["in Tokyo"], "frame": {}, "flag": False, "period_grain": "year",
         "mentions": []},
        {"id": "c", "source": "z.txt", "sentence": "Inflation hit infinity.", "low": math.inf, "holder": None,
         "measure": None, "scope": [], "frame": {}, "flag": None},
    ]
    groups = [{"id": "g1", "verdict": "conflict", "confidence": 0.9, "modality": "actual",
               "claims": [{**claims[0], "backing": 2}, {**claims[1], "backing": 1}]}]
    path = tmp_path / "new.db"
    with claimsdb.create(path) as db:
        db.add_claims(claims[:1])  # streamed in pieces, as extract's sink does
        db.add_claims(claims[1:])
        db.add_groups(groups)
    con = sqlite3.connect(path)
    cols = _columns(con, "claims")
    assert (cols["low"], cols["holder"], cols["scope"], cols["frame"], cols["flag"], cols["period_grain"]) == \
        ("REAL", "TEXT", "JSON", "JSON", "INTEGER", "TEXT")
    assert {"measure", "holder"} <= _indexed(con, "claims")
    assert con.execute("SELECT low FROM claims WHERE id = 'c'").fetchone() == (None,)  # not a number
    assert _columns(con, "groups") == {"seq": "INTEGER", "id": "TEXT", "verdict": "TEXT", "confidence": "REAL",
                                       "modality": "TEXT"}
    assert set(_columns(con, "group_claims")) == {"group_seq", "position", "claim_id", "backing"}
    back = claimsdb.read_claims(path)
    full = [{k: r.get(k) for k in cols if k != "seq"} for r in claims]
    full[0]["mentions"] = claims[0]["mentions"]
    full[2]["low"] = None
    assert back == full


def test_sqlite_without_out_is_a_usage_error() -> None:
    _one_error_line(run("extract", CORPUS, *BLANK, "-f", "sqlite"), "--format sqlite writes a database file")
    _one_error_line(run("diff", CORPUS, CORPUS, *BLANK, "-f", "sqlite", "-o", "x.db"), "not available here")


def test_failed_run_keeps_the_old_database(tmp_path: Path) -> None:
    out = tmp_path / "claims.db"
    out.write_text("OLD")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "numbers.toml").write_text("[broken\n")
    _one_error_line(run("extract", CORPUS, *BLANK, "--rules", tmp_path / "rules", "-o", out), "numbers.toml")
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.db", "rules"]  # no temp file left
    _one_error_line(run("extract", CORPUS, *BLANK, "-o", tmp_path / "missing" / "claims.db"), "cannot write")


@pytest.mark.parametrize(("content", "needle"), [
    (claimsdb.MAGIC + b"\x00" * 200, "cannot read claims database"),
    (None, "no claims table"),
])
def test_unreadable_database_is_a_usage_error(tmp_path: Path, content: bytes | None, needle: str) -> None:
    path = tmp_path / "other.db"
    if content is None:
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    else:
        path.write_bytes(content)
    _one_error_line(run("conflicts", "--from-claims", path), needle)
