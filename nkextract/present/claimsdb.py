"""Claims as a SQLite database that datasette, duckdb, pandas or sqlite3 open as is.

Tables (created when the command has such records):

- ``claims``: one row per claim, in output order (``seq``); every record field is a column,
  lists and dicts as JSON text (declared ``JSON``), booleans as 0/1; ``id`` is unique;
  indexes on ``source``, ``unit``, ``measure`` and ``holder`` (those that exist);
- ``claims_fts``: FTS5 over ``claims.sentence`` (external content: no second copy of the
  text, so ``datasette`` offers search on ``claims`` directly);
- ``mentions``: each claim's ``mentions`` (``conflicts``: every place a merged claim is
  stated), keyed by ``claim_id`` and ``position``;
- ``groups``: conflict groups in report order (``seq``), every field but ``claims``;
- ``group_claims``: membership: ``group_seq``, ``position``, ``claim_id`` and the fields a
  member has beyond its claim (``backing``).

Columns come from the records, so a field added to claims or groups is a column with no
change here.  A column's type must fit all its values: a float field that is null in the
first thousand records must still be REAL, or SQLite's TEXT affinity would store later
numbers as text (and duckdb rejects a number in a TEXT column).  So records are staged as
JSON in temporary tables while they stream in, and the tables are built when the last
one is in.  That is also why this is the stdlib's sqlite3 and not sqlite-utils, which
types columns from the first batch.
"""

from __future__ import annotations

import json
import math
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from nkextract.errors import UsageError
from nkextract.present.export import _dumps, atomic_path

MAGIC = b"SQLite format 3\x00"
INDEXED = ("source", "unit", "measure", "holder")  # claims columns worth an index, when present

# Per table: the key columns nkextract adds (name, declaration) and the table constraint.
_TABLES: dict[str, tuple[list[tuple[str, str]], str]] = {
    "claims": ([("seq", "INTEGER PRIMARY KEY"), ("id", "TEXT UNIQUE")], ""),
    "mentions": ([("claim_id", 'TEXT REFERENCES "claims"("id")'), ("position", "INTEGER")],
                 'PRIMARY KEY ("claim_id", "position")'),
    "groups": ([("seq", "INTEGER PRIMARY KEY")], ""),
    "group_claims": ([("group_seq", 'INTEGER REFERENCES "groups"("seq")'), ("position", "INTEGER"),
                      ("claim_id", 'TEXT REFERENCES "claims"("id")')],
                     'PRIMARY KEY ("group_seq", "position")'),
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _kind(v: Any) -> str:
    # bool too: SQLite has no boolean, and duckdb reads a column declared BOOLEAN as VARCHAR
    # and then rejects the 0/1 integers in it
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "real"
    if isinstance(v, (list, tuple, dict)):
        return "json"
    return "text"


def _declared(kinds: set[str]) -> str:
    """The SQL type that holds every kind of value a column had (TEXT for none or a mix)."""
    if not kinds:
        return "TEXT"
    if kinds == {"integer"}:
        return "INTEGER"
    if kinds <= {"integer", "real"}:
        return "REAL"
    if len(kinds) == 1:
        return {"text": "TEXT", "json": "JSON"}[next(iter(kinds))]
    return "TEXT"


def _cell(v: Any) -> Any:
    if isinstance(v, (list, tuple, dict)):
        return _dumps(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None  # as in JSON output: a non-finite bound is unknown
    return v


class ClaimsDB:
    """Stages claim records and conflict groups, then builds the tables (:func:`create`)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.kinds: dict[str, dict[str, set[str]]] = {t: {} for t in _TABLES}
        self.count = {t: 0 for t in _TABLES}
        self.tables = ["claims"]  # and those the records given call for, in this order
        for t in _TABLES:
            con.execute(f"CREATE TEMP TABLE {_q('stage_' + t)} (rec TEXT NOT NULL)")

    def _stage(self, table: str, rows: list[dict[str, Any]]) -> None:
        kinds = self.kinds[table]
        for r in rows:
            for k, v in r.items():
                seen = kinds.setdefault(k, set())
                if v is not None:
                    seen.add(_kind(v))
        self.count[table] += len(rows)
        # Python's JSON (NaN allowed): it only has to come back through json.loads
        self.con.executemany(f"INSERT INTO {_q('stage_' + table)} (rec) VALUES (?)",
                             [(json.dumps(r, ensure_ascii=False),) for r in rows])

    def add_claims(self, records: Iterable[dict[str, Any]]) -> None:
        """Claim records (a run's sink); their ``mentions`` go to the mentions table."""
        claims, mentions = [], []
        for rec in records:
            rec = dict(rec)
            if "mentions" in rec and "mentions" not in self.tables:
                self.tables.append("mentions")
            for n, m in enumerate(rec.pop("mentions", None) or (), 1):
                mentions.append({**m, "claim_id": rec.get("id"), "position": n})
            claims.append({**rec, "seq": self.count["claims"] + len(claims) + 1})
        self._stage("claims", claims)
        self._stage("mentions", mentions)

    def add_groups(self, groups: Sequence[dict[str, Any]]) -> None:
        """Conflict groups as ``conflicts`` shows them, after their claims were added: a
        member keeps its claim's id and the fields a claim record does not have."""
        claim_fields = set(self.kinds["claims"]) | {"mentions"}
        self.tables += [t for t in ("groups", "group_claims") if t not in self.tables]
        rows, members = [], []
        for g in groups:
            seq = self.count["groups"] + len(rows) + 1
            rows.append({**{k: v for k, v in g.items() if k != "claims"}, "seq": seq})
            for n, c in enumerate(g.get("claims") or (), 1):
                extra = {k: v for k, v in c.items() if k not in claim_fields}
                members.append({**extra, "group_seq": seq, "position": n, "claim_id": c.get("id")})
        self._stage("groups", rows)
        self._stage("group_claims", members)

    def finish(self) -> None:
        """Build the tables (claims, and those the records called for, even if empty: a
        ``conflicts`` database always has groups), indexes and full-text search."""
        for table in self.tables:
            self._build(table)
        cols = self.kinds["claims"]
        for col in INDEXED:
            if col in cols:
                self.con.execute(f"CREATE INDEX {_q('claims_' + col)} ON claims ({_q(col)})")
        if "group_claims" in self.tables:
            self.con.execute('CREATE INDEX "group_claims_claim_id" ON group_claims ("claim_id")')
        if "sentence" in cols:
            # content="claims" in double quotes: how datasette recognises the table's FTS
            self.con.execute('CREATE VIRTUAL TABLE "claims_fts" USING fts5("sentence", content="claims", '
                             'content_rowid="seq", tokenize="porter unicode61")')
            self.con.execute("""INSERT INTO "claims_fts" ("claims_fts") VALUES ('rebuild')""")
        for t in _TABLES:
            self.con.execute(f"DROP TABLE {_q('stage_' + t)}")

    def _build(self, table: str) -> None:
        keys, constraint = _TABLES[table]
        key_names = [k for k, _ in keys]
        fields = [k for k in self.kinds[table] if k not in key_names]
        decls = [f"{_q(k)} {d}" for k, d in keys]
        decls += [f"{_q(k)} {_declared(self.kinds[table][k])}" for k in fields]
        if constraint:
            decls.append(constraint)
        self.con.execute(f"CREATE TABLE {_q(table)} ({', '.join(decls)})")
        names = key_names + fields
        insert = (f"INSERT INTO {_q(table)} ({', '.join(_q(n) for n in names)}) "
                  f"VALUES ({', '.join('?' * len(names))})")
        staged = self.con.execute(f"SELECT rec FROM {_q('stage_' + table)} ORDER BY rowid")
        rows = ([_cell(r.get(n)) for n in names] for r in (json.loads(rec) for rec, in staged))
        try:
            self.con.executemany(insert, rows)
        except sqlite3.IntegrityError as e:
            raise UsageError(f"cannot write table {table}: {e} (two records with the same id?)") from None


@contextmanager
def create(path: Path) -> Iterator[ClaimsDB]:
    """A new database at ``path``, written to a temp file and renamed over ``path`` only when
    the block ends without error (like every other output)."""
    with atomic_path(path) as tmp:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            # the file is invisible until the rename: nothing to journal or sync before
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            con.execute("BEGIN")
            db = ClaimsDB(con)
            yield db
            db.finish()
            con.execute("COMMIT")
        finally:
            con.close()


def is_database(path: Path) -> bool:
    """A SQLite file, by its first bytes (a claims file may have any name)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read_claims(path: Path) -> list[dict[str, Any]]:
    """Claim records of a database written by ``--format sqlite``, with their mentions, in
    their order: what ``conflicts --from-claims`` needs."""
    try:
        con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise UsageError(f"cannot read claims database {path}: {e}") from None
    try:
        if not con.execute("PRAGMA table_info(claims)").fetchall():
            raise UsageError(f"{path}: no claims table (not written by nkextract --format sqlite)")
        mentions: dict[Any, list[dict[str, Any]]] = {}
        if con.execute("PRAGMA table_info(mentions)").fetchall():
            for m in _rows(con, "mentions", '"claim_id", "position"'):
                del m["position"]
                mentions.setdefault(m.pop("claim_id"), []).append(m)
        records = _rows(con, "claims", '"seq"')
        for rec in records:
            del rec["seq"]
            if rec.get("id") in mentions:
                rec["mentions"] = mentions[rec["id"]]
        return records
    except (sqlite3.Error, ValueError) as e:
        raise UsageError(f"cannot read claims database {path}: {e}") from None
    finally:
        con.close()


def _rows(con: sqlite3.Connection, table: str, order: str) -> list[dict[str, Any]]:
    """Rows as dicts, JSON columns decoded back to the lists and dicts the records held."""
    types = {name: decl.upper() for _, name, decl, *_ in con.execute(f"PRAGMA table_info({_q(table)})")}
    cur = con.execute(f"SELECT * FROM {_q(table)} ORDER BY {order}")
    names = [d[0] for d in cur.description]
    decode = [n for n in names if types.get(n) == "JSON"]
    out = []
    for row in cur:
        rec = dict(zip(names, row))
        for n in decode:
            if rec[n] is not None:
                rec[n] = json.loads(rec[n])
        out.append(rec)
    return out
