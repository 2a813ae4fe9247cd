"""Expected values kept as data: reading the tab-separated case tables of ``tests/data``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Sequence

import pytest


def tsv_params(path: Path, columns: Sequence[str], header: Sequence[str],
               ident: Callable[[int, list[str]], str]) -> list:
    """One ``pytest.param`` per row of ``path``; ``#`` lines, blank lines and the header
    are skipped, and a row with the wrong number of cells fails with its file and line."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == len(columns), f"{path.name}:{n}: {len(cells)} cells, want {len(columns)}"
        if tuple(cells) == tuple(header):
            continue
        rows.append(pytest.param(*cells, id=ident(n, cells)))
    return rows


def num(cell: str) -> float | None:
    """A bound cell: empty is None (an open bound)."""
    return float(cell) if cell else None


def same(got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is want
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
