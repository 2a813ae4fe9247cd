"""Machine-readable output: JSON, JSONL, CSV and Markdown, written atomically.

Rows are plain dicts so every command (claims, conflict groups, diffs) shares one set of
writers.  CSV cells that a spreadsheet would run as a formula are neutralised
(OWASP CSV-injection guidance); Markdown escapes article text.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _json_safe(v: Any) -> Any:
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return None
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    return v


def to_json(payload: Any) -> str:
    return json.dumps(_json_safe(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(_json_safe(r), ensure_ascii=False, allow_nan=False) + "\n" for r in rows)


def csv_cell(v: Any) -> Any:
    """A CSV cell: lists joined, dicts as JSON, text that starts a formula prefixed with '."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return "" if isinstance(v, float) and (math.isinf(v) or math.isnan(v)) else repr(v) if isinstance(v, float) else v
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(x, dict) for x in v):
            v = json.dumps(v, ensure_ascii=False)
        else:
            v = "; ".join(str(x) for x in v)
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False)
    s = str(v)
    return "'" + s if s.startswith(_FORMULA_START) else s


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
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_{}[]()#+!|~":
        s = s.replace(ch, "\\" + ch)
    return " ".join(s.split())


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        out.append("| " + " | ".join(md_escape(csv_cell(r.get(c)) if r.get(c) is not None else "")
                                     for c in columns) + " |")
    return "\n".join(out) + "\n"


def write_atomic(path: Path, content: str) -> None:
    """Write via a temp file in the same folder and rename: never a half-written export."""
    path = Path(path)
    d = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
