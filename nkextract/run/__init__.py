"""Run: extraction over many files (streaming, cache, local process pool or Dask cluster).

Imports every stage below it (present for streamed output), never the CLI."""
