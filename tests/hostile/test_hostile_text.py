"""Pathological text: each file must finish within a time budget and give valid JSON.

Every run happens in a child process (``invoke_budget``) that is killed when it overruns,
so a regression costs one test's budget, not a stalled suite.  "Valid JSON" is strict:
no Infinity/NaN, whatever absurd digit strings the article holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import check_offsets, invoke_budget, strict_json

BUDGET = 20.0  # seconds, --model blank, on 2 cores
TAIL = "\nIn the end 4,321 people were counted.\n"


def _run(tmp_path: Path, text: str, budget: float = BUDGET) -> list[dict]:
    (tmp_path / "patho.txt").write_text(text, encoding="utf-8")
    invoke_budget("extract", "patho.txt", "-f", "json", "-o", "out.json", budget=budget).ok()
    claims = strict_json((tmp_path / "out.json").read_text(encoding="utf-8"))
    check_offsets(claims, {"patho.txt": text})
    return claims


def _tail_found(claims: list[dict], text: str) -> None:
    """The ordinary figure after the pathological part is still found, at the right place."""
    last = claims[-1]
    assert "4,321" in last["text"] and last["low"] == 4321, last
    assert last["start"] == text.rindex(last["text"])


PASSING = {
    "digits-100k": "1" * 100_000,
    "commas-100k": "," * 100_000,
    "one-comma-50k": "1," * 50_000,
    "long-word-1M": "x" * 1_000_000,
    "long-word-punct": ".,;:!?" * 20_000,
    "long-word-money": "\u00a31.2bn\u2013" * 20_000,
    "nul-free-controls": "\x07\x08\x0b\x0c\x1b[0m" * 20_000,
    "combining-marks": "1\u0301\u0302\u0303" * 25_000,
    "rtl-and-digits": "\u0661\u0662\u0663 people, \u202e123\u202c people \u2067\u00a34m\u2069.\n" * 2_000,
}


@pytest.mark.parametrize("name", list(PASSING))
def test_pathological_text_completes_with_valid_json(tmp_path, name):
    text = PASSING[name] + TAIL
    claims = _run(tmp_path, text)
    _tail_found(claims, text)


def test_absurd_values_never_become_inf_or_nan(tmp_path):
    lines = [
        "The debt was $" + "9" * 400 + " billion.",
        "About " + ",".join(["999"] * 140) + " people died.",
        "It cost $" + "9" * 300 + " quadrillion billion trillion.",
        "A " + "9" * 330 + "% rise and " + ",".join(["999"] * 110) + " million million people.",
        "between " + ",".join(["999"] * 110) + " and " + ",".join(["999"] * 120) + " people",
        "About 1e400 people, 1E308 dollars, 1.8e308 people and 10^400 percent.",
        "Some 0." + "0" * 400 + "1 percent and " + "9" * 5000 + " trillion people.",
    ]
    text = "\n".join(lines) + TAIL
    claims = _run(tmp_path, text)
    _tail_found(claims, text)
    for c in claims:
        for k in ("low", "high"):
            assert c[k] is None or isinstance(c[k], (int, float)), c


# --- once quadratic: fixed in extract.py / claims.py --------------------------------------


def test_many_figures_in_one_sentence_cost_in_proportion(tmp_path):
    """20,000 figures in one sentence: found, and twice the figures cost less than three
    times the time (a bound on growth, not seconds: the machine's speed cancels out).

    Each size runs in one process (-j 1: the pool's start-up would differ between sizes),
    and a run of the tail alone is the start-up taken off both."""
    def timed(n: int) -> tuple[float, list[dict]]:
        text = "between 1 and 1 and " * n + TAIL
        (tmp_path / "patho.txt").write_text(text, encoding="utf-8")
        run = invoke_budget("extract", "patho.txt", "-j", "1", "--no-cache", "-f", "json", "-o", "out.json",
                            budget=60.0).ok()
        claims = strict_json((tmp_path / "out.json").read_text(encoding="utf-8"))
        check_offsets(claims, {"patho.txt": text})
        _tail_found(claims, text)
        return run.seconds, claims

    start_up = min(timed(0)[0] for _ in range(2))
    small, _ = timed(10_000)
    large, claims = timed(20_000)
    assert len(claims) == 20_001
    assert large - start_up < 3 * (small - start_up), (start_up, small, large)


def test_deeply_nested_parentheses(tmp_path):
    text = "\n".join("(" * 9_990 + "5 million people" + ")" * 9_990 for _ in range(5)) + TAIL
    claims = _run(tmp_path, text)
    _tail_found(claims, text)
    assert sum(c["low"] == 5e6 for c in claims) == 5
