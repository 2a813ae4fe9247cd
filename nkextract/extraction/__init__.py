"""Extraction: from a document's text to claims (numbers grammar, figures, periods, frames, the
spaCy pipeline).  Imports ``nkextract.read`` and the base (rules, errors), nothing above."""
