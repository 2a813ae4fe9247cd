"""Compare: merge duplicate claims and group claims of one quantity into conflicts.

Imports ``nkextract.extract``, ``nkextract.read`` and the base; never present or run."""
