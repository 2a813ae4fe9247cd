"""nkextract: extract numeric claims from articles and report where sources disagree."""

__version__ = "0.2.1"
