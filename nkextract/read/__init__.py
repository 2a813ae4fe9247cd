"""Read: find the input files and take their text (plain, web page, PDF, Word) and language.

Owns files, formats and language screening; imports only ``nkextract.rules`` and
``nkextract.errors`` below it."""
