"""The package version, in a module of its own so the stages can name it without importing
the package's API (nkextract/__init__.py)."""

__version__ = "0.3.0"
