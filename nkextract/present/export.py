"""Machine-readable output: JSON, JSONL, CSV and Markdown, written atomically.

Rows are plain dicts so every command (claims, conflict groups, diffs) shares one set of
writers.  Article text is hostile input: CSV cells that a spreadsheet would run as a
formula are neutralised (OWASP CSV-injection guidance), Markdown escapes markup, HTML
and control characters, and JSON never holds Infinity/NaN (not JSON at all).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, TextIO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Never shown raw in Markdown: C0/C1 controls (ESC sequences rewrite a terminal that
# `cat`s the file), bidi overrides and isolates (text that displays reversed).
_MD_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _json_safe(v: Any) -> Any:
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return None
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    return v


def _dumps(payload: Any, **kw: Any) -> str:
    """Strict JSON (no NaN/Infinity); a non-finite float becomes null instead of failing."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, **kw)
    except ValueError:
        return json.dumps(_json_safe(payload), ensure_ascii=False, allow_nan=False, **kw)


def to_json(payload: Any) -> str:
    return _dumps(payload, indent=2) + "\n"


def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(_dumps(r) + "\n" for r in rows)


def csv_cell(v: Any) -> Any:
    """A CSV cell: lists joined, dicts as JSON, text that starts a formula prefixed with '.

    Only text is prefixed: numbers stay numbers (a negative ``low`` is not a formula).
    """
    if v is None or isinstance(v, (bool, int, float)):
        return _plain_cell(v)
    s = _plain_cell(v)
    return "'" + s if s.startswith(_FORMULA_START) else s


def _plain_cell(v: Any) -> Any:
    """A cell's value as written, without CSV's formula prefix (Markdown must not show it)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ""
    if isinstance(v, int):
        return v
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(x, dict) for x in v):
            v = json.dumps(v, ensure_ascii=False)
        else:
            v = "; ".join(str(x) for x in v)
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False)
    return str(v)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def md_escape(text: Any) -> str:
    """Escape text for a Markdown table cell (no HTML, no markup, no row breaks)."""
    s = "" if text is None else str(text)
    s = " ".join(s.split())  # first: no newline, CR or U+2028 can end the row
    s = _MD_UNSAFE_RE.sub("\ufffd", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_{}[]()#+!|~":
        s = s.replace(ch, "\\" + ch)
    return s


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        out.append("| " + " | ".join(md_escape(_plain_cell(r.get(c))) for c in columns) + " |")
    return "\n".join(out) + "\n"


@contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a temp file in ``path``'s folder renamed over it when the block
    ends without error (:func:`atomic_path`): never a half-written export.

    Lone surrogates (from undecodable names) are written as ``\\udcxx`` escapes rather
    than failing the whole export.
    """
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace", newline="") as f:
            yield f


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """An empty temp file in ``path``'s folder for the block to write (a text export, a
    SQLite database), synced and renamed over ``path`` when the block ends without error.

    On any failure the old file is left as it was and the temp file is removed.  The new
    file gets the old one's permissions (or the umask's default), not mkstemp's 0600.
    """
    path = Path(path)
    d = path.parent if str(path.parent) else Path(".")
    mode = _target_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=d)
    os.close(fd)
    try:
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class RecordWriter:
    """Writes records as they come (JSON array, JSONL or CSV), so a run over a large
    archive never holds all its claims in memory.  Output is byte-identical to
    :func:`to_json` / :func:`to_jsonl` / :func:`to_csv` of the same rows."""

    def __init__(self, f: TextIO, fmt: str, columns: Sequence[str]) -> None:
        self.f, self.fmt, self.columns = f, fmt, list(columns)
        self.count = 0
        if fmt == "csv":
            self.csv = csv.writer(f, lineterminator="\n")
            self.csv.writerow(self.columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            if self.fmt == "jsonl":
                self.f.write(_dumps(r) + "\n")
            elif self.fmt == "json":
                body = "\n".join("  " + line for line in _dumps(r, indent=2).split("\n"))
                self.f.write(("[\n" if self.count == 0 else ",\n") + body)
            else:
                self.csv.writerow([csv_cell(r.get(c)) for c in self.columns])
            self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.f.write("[]\n" if self.count == 0 else "\n]\n")


def _target_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
