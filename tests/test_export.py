"""Streaming writers give byte for byte what the whole-list writers give."""

from __future__ import annotations

import io

import pytest

from nkextract.present.export import RecordWriter, to_csv, to_json, to_jsonl

COLUMNS = ["id", "low", "text", "places", "mentions"]
ROWS = [
    {"id": "a", "low": 1.5, "text": "=HYPERLINK(x)", "places": ["Russia", "China"], "mentions": [{"k": 1}]},
    {"id": "b", "low": None, "text": "“80,000–120,000”\nnext", "places": [], "mentions": []},
    {"id": "c", "low": -5.0, "text": "+44", "places": ["Seoul"], "mentions": [{"k": 2}, {"k": 3}]},
]
WHOLE = {"json": to_json, "jsonl": to_jsonl, "csv": lambda rows: to_csv(rows, COLUMNS)}


@pytest.mark.parametrize("fmt", sorted(WHOLE))
@pytest.mark.parametrize("split", [0, 1, 2, 3])
def test_streamed_output_equals_whole_output(fmt: str, split: int) -> None:
    for rows in (ROWS, []):
        buf = io.StringIO()
        writer = RecordWriter(buf, fmt, COLUMNS)
        writer.write(rows[:split])
        writer.write(rows[split:])
        writer.close()
        assert buf.getvalue() == WHOLE[fmt](rows)
