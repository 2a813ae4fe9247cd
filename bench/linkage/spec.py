"""The prototype's data files, beside it: comparisons.toml (comparisons and levels) and
linkage.toml (the fitted m/u parameters, written by bench/fit_linkage.py)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent


class SpecError(ValueError):
    """A data file of the prototype is malformed: the message names file and line."""


@lru_cache(maxsize=None)
def _load(name: str) -> tuple[dict[str, Any], str]:
    path = SPEC_DIR / name
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return tomllib.loads(text), text


def spec() -> dict[str, Any]:
    return _load("comparisons.toml")[0]


def params() -> dict[str, Any]:
    return _load("linkage.toml")[0]


def error(name: str, key: str, msg: str) -> SpecError:
    """An error at the line of ``key`` in data file ``name``."""
    text = _load(name)[1]
    m = re.search(rf"^.*\b{re.escape(key)}\b", text, re.M)
    line = text.count("\n", 0, m.start()) + 1 if m else 1
    return SpecError(f"{SPEC_DIR / name}:{line}: {msg}")
