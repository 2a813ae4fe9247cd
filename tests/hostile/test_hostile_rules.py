"""Hostile rules folders (``--rules DIR``): exit 2 with one ``error: FILE:LINE: ...`` line.

A user editing the rules by hand must find the typo from the message alone: no
traceback, nothing on stdout, the file and (where there is one) the line named.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hostile_helpers import invoke, invoke_budget

GOOD = "Officials counted 12,345 people.\n"

# (case id, file name, content, line expected in the message or None, a word the message must hold)
CASES = [
    ("malformed-toml", "numbers.toml", '[ranges]\nopeners = ["from"]\njoiners = ["to" "and"]\n', 3, "TOML"),
    ("unclosed-table", "units.toml", '[people\nnouns = ["x"]\n', 1, "TOML"),
    ("unknown-key", "numbers.toml", '[ranges]\nopeners = ["between"]\nbogus = ["x"]\n', 3, "bogus"),
    ("unknown-top-key", "context.toml", '# comment\nnot_a_section = 1\n', 2, "not_a_section"),
    ("wrong-type-int", "numbers.toml", '[years]\nmin = "1800"\n', 2, "min"),
    ("wrong-type-list", "numbers.toml", 'cardinals = "one"\n', 1, "cardinals"),
    ("list-of-non-strings", "numbers.toml", '# numbers\ncardinals = ["one", 2]\n', 2, "cardinals"),
    ("not-a-table", "numbers.toml", 'ranges = 5\n', 1, "ranges"),
    ("bad-unit-kind", "units.toml", '[[unit]]\nname = "A"\nkind = "count"\n\n[[unit]]\nname = "B"\nkind = "bogus"\n',
     7, "bogus"),
    ("unit-missing-name", "units.toml", '[[unit]]\nkind = "count"\n', 1, "name"),
    # a bad entry of a table of pairs is reported at the table's header
    ("range-pair-reversed", "numbers.toml", '[vague]\n"dozens" = [100, 12]\n', 1, "vague"),
    ("jsonl-malformed", "entities.jsonl", '{"label": "ORG", "pattern": "Reuters"}\n{"label": "ORG", "pattern": \n', 2,
     "JSON"),
    ("jsonl-trailing-comma", "entities.jsonl", '\n\n{"label": "ORG", "pattern": "Reuters",}\n', 3, "JSON"),
    ("jsonl-not-object", "entities.jsonl", '[{"label": "ORG", "pattern": "Reuters"}]\n', 1, "object"),
    ("jsonl-unknown-key", "entities.jsonl", '{"label": "ORG", "pattern": "X", "colour": "red"}\n', 1, "colour"),
    ("jsonl-empty-label", "entities.jsonl", '{"label": " ", "pattern": "X"}\n', 1, "label"),
    ("pattern-bad-attr", "entities.jsonl",
     '{"label": "ORG", "pattern": "Reuters"}\n\n{"label": "ORG", "pattern": [{"LOWERR": "x"}]}\n', 3, "pattern"),
    ("pattern-bad-op", "entities.jsonl", '{"label": "ORG", "pattern": [{"LOWER": "x", "OP": "#"}]}\n', 1, "pattern"),
    ("pattern-bad-regex", "entities.jsonl", '{"label": "ORG", "pattern": [{"TEXT": {"REGEX": "(unclosed"}}]}\n', 1,
     "pattern"),
    ("pattern-empty-list", "entities.jsonl", '{"label": "ORG", "pattern": []}\n', 1, "pattern"),
    ("pattern-not-dicts", "entities.jsonl", '{"label": "ORG", "pattern": ["x"]}\n', 1, "pattern"),
    ("unknown-file-name", "number.toml", "x = 1\n", None, "unknown rules file"),
    ("not-utf8", "numbers.toml", b'cardinals = ["caf\xe9"]\n', None, "UTF-8"),
    ("binary-rules", "entities.jsonl", b"\x00\x01\x02\xff", None, None),
]


def _make(tmp_path: Path, name: str, content: str | bytes) -> Path:
    d = tmp_path / "myrules"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return p


def _check_error(run, path: Path, line: int | None, word: str | None) -> str:
    assert run.exit_code == 2, (run.exit_code, run.stdout[-500:], run.stderr[-1500:])
    assert "Traceback" not in run.all and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    msg = lines[0]
    rel = f"myrules/{path.name}"
    if line is None:
        assert rel in msg, msg
    else:
        assert f"{rel}:{line}:" in msg, msg
    if word is not None:
        assert word.lower() in msg.lower(), msg
    return msg


@pytest.mark.parametrize("case,name,content,line,word", CASES, ids=[c[0] for c in CASES])
def test_bad_rules_file_exits_2_with_one_line_naming_file_and_line(tmp_path, case, name, content, line, word):
    (tmp_path / "a.txt").write_text(GOOD)
    path = _make(tmp_path, name, content)
    for cmd in (["extract", "a.txt", "-f", "json"], ["conflicts", "a.txt", "-f", "json"]):
        _check_error(invoke(*cmd, "--rules", "myrules"), path, line, word)


def test_rules_dir_that_is_a_file_or_missing(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "notadir").write_text("x")
    for target in ("notadir", "missing"):
        run = invoke("extract", "a.txt", "--rules", target, "-f", "json")
        assert run.exit_code == 2 and "Traceback" not in run.all
        assert run.stderr.startswith("error: ") and target in run.stderr


def test_good_extra_rules_still_load(tmp_path):
    """Control: the checks above are not just rejecting every extra folder."""
    (tmp_path / "a.txt").write_text("Officials counted 12,345 widgets, said Acme Corp.\n")
    _make(tmp_path, "entities.jsonl", '// comment\n\n{"label": "ORG", "pattern": "Acme Corp"}\n')
    _make(tmp_path, "numbers.toml", '[ranges]\nopeners = ["from"]\n')
    invoke("extract", "a.txt", "--rules", "myrules", "-f", "json").ok()


# --- once failing: fixed in rules.py --------------------------------------------------------


@pytest.mark.parametrize("name,content", [("numbers.toml", '[ranges]\nopeners = ["from"]\n'),
                                          ("entities.jsonl", '{"label": "ORG", "pattern": "Acme Corp"}\n')],
                         ids=["toml", "jsonl"])
def test_rules_file_with_utf8_bom_loads(tmp_path, name, content):
    (tmp_path / "a.txt").write_text(GOOD)
    _make(tmp_path, name, b"\xef\xbb\xbf" + content.encode())
    invoke("extract", "a.txt", "--rules", "myrules", "-f", "json").ok()


@pytest.mark.parametrize("name,content", [("numbers.toml", "cardinals = " + "[" * 5000 + "]" * 5000 + "\n"),
                                          ("entities.jsonl", '{"label": "ORG", "pattern": ' + "[" * 100_000 + "\n")],
                         ids=["toml", "jsonl"])
def test_deeply_nested_rules_file_is_a_rules_error(tmp_path, name, content):
    (tmp_path / "a.txt").write_text(GOOD)
    path = _make(tmp_path, name, content)
    run = invoke_budget("extract", "a.txt", "--rules", "myrules", "-f", "json", budget=30)
    _check_error(run, path, 1, None)


@pytest.mark.parametrize("content,line,word", [
    ('[ranges]\nopeners = ["between"]\n\nbogus = ["x"]\n', 4, "bogus"),
    ('# numbers\n\n\ncardinals = "one"\n', 4, "cardinals"),
    ('[years]\nmin = 1800\n\n[ranges]\n\n\njoiners = 5\n', 7, "joiners"),
], ids=["unknown-key", "wrong-type", "second-table"])
def test_line_of_a_key_after_blank_lines(tmp_path, content, line, word):
    (tmp_path / "a.txt").write_text(GOOD)
    path = _make(tmp_path, "numbers.toml", content)
    _check_error(invoke("extract", "a.txt", "--rules", "myrules", "-f", "json"), path, line, word)


def test_unknown_key_line_is_the_right_table(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    path = _make(tmp_path, "numbers.toml",
                 '[ranges]\nopeners = ["between"]\n\n[qualifiers]\napprox = ["about"]\nopeners = ["y"]\n')
    _check_error(invoke("extract", "a.txt", "--rules", "myrules", "-f", "json"), path, 6, "openers")


@pytest.mark.parametrize("content,line", [("[scales]\nk = inf\n", 1), ('# vague\n[vague]\n"dozens" = [0, inf]\n', 2)],
                         ids=["inf-scale", "inf-pair"])
def test_non_finite_numbers_in_rules_are_rejected(tmp_path, content, line):
    (tmp_path / "a.txt").write_text(GOOD)
    path = _make(tmp_path, "numbers.toml", content)
    _check_error(invoke("extract", "a.txt", "--rules", "myrules", "-f", "json"), path, line, None)


def test_error_message_is_one_line_even_for_multiline_spacy_errors(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    path = _make(tmp_path, "entities.jsonl",
                 '{"label": "ORG", "pattern": [{"LOWER": {"IN": 5}}, {"POS": {"NOT_IN": "x"}}, {"FOO": 1}]}\n')
    msg = _check_error(invoke("extract", "a.txt", "--rules", "myrules", "-f", "json"), path, 1, "pattern")
    assert not re.search(r"\s{2,}", msg)
