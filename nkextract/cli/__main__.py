"""``python -m nkextract.cli``: the same command line as ``nkextract``."""

from nkextract.cli import app

app(prog_name="nkextract")
