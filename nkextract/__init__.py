"""nkextract: extract numeric claims from articles and report where sources disagree.

``from nkextract import extract, conflicts``: the Python API (nkextract/api.py), loaded on
first use so that ``import nkextract`` (and ``nkextract --help``) stays instant.
"""

from typing import Any

from nkextract.version import __version__
__all__ = ["__version__", "conflicts", "extract"]


def __getattr__(name: str) -> Any:
    if name in ("extract", "conflicts"):
        from nkextract import api

        return getattr(api, name)
    raise AttributeError(f"module 'nkextract' has no attribute {name!r}")
