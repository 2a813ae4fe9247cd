"""Hostile ``--from-claims`` files: a corrupt claims file is a usage error (exit 2, one line).

The claims file is input too (``extract -o claims.jsonl`` today, anything tomorrow):
it must never crash the report or slip non-numbers into the verdicts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_helpers import invoke


@pytest.fixture
def claims(tmp_path: Path) -> list[dict]:
    (tmp_path / "a.txt").write_text("Officials counted 12,345 people in Seoul.\n")
    (tmp_path / "b.txt").write_text("Officials counted 99,999 people in Seoul.\n")
    invoke("extract", "a.txt", "b.txt", "-o", "good.jsonl").ok()
    return [json.loads(line) for line in (tmp_path / "good.jsonl").read_text().splitlines()]


def _usage_error(run, *needles: str) -> None:
    assert run.exit_code == 2, (run.exit_code, run.stdout[-300:], run.stderr[-1500:])
    assert "Traceback" not in run.all and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return name


def test_good_claims_file_works(tmp_path, claims):
    invoke("conflicts", "--from-claims", "good.jsonl", "--all", "-f", "json").ok()


@pytest.mark.parametrize("case", ["bad-json", "not-object", "wrong-type", "string-number", "binary", "json-array"])
def test_corrupt_claims_file_is_a_usage_error(tmp_path, claims, case):
    lines = [json.dumps(c) for c in claims]
    if case == "bad-json":
        content = lines[0] + "\n{not json\n"
    elif case == "not-object":
        content = lines[0] + "\n[1, 2]\n"
    elif case == "wrong-type":
        content = lines[0] + "\n" + json.dumps({**claims[1], "start": "zero"}) + "\n"
    elif case == "string-number":
        content = json.dumps({**claims[0], "low": "12"}) + "\n"
    elif case == "binary":
        content = b"\xff\xfe\x00garbage\x00"
    else:
        content = "[" + ", ".join(lines) + ", 5]"
    name = _write(tmp_path, "bad.jsonl", content)
    _usage_error(invoke("conflicts", "--from-claims", name, "-f", "json"), "bad.jsonl")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_in_claims_file(tmp_path, claims, token):
    line = json.dumps({**claims[0], "low": 0.123456}).replace("0.123456", token)
    name = _write(tmp_path, "bad.jsonl", line + "\n" + json.dumps(claims[1]) + "\n")
    _usage_error(invoke("conflicts", "--from-claims", name, "--all", "-f", "json"), "bad.jsonl")


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_deeply_nested_claims_file(tmp_path, claims, name):
    _write(tmp_path, name, "[" * 100_000 + "]" * 100_000 + "\n")
    _usage_error(invoke("conflicts", "--from-claims", name, "-f", "json"), name)
