"""Compare: merge duplicate claims and group claims of one quantity into conflicts.

Imports ``nkextract.extraction``, ``nkextract.read`` and the base; never present or run."""
