"""What a worker runs and how the work is cut: shared by the local pool and Dask.

A worker process loads the pipeline once (``init_worker``) and returns plain claim dicts
for each pack of chunks (``run_task``): Docs never cross a process boundary (pickling
them costs more than parsing).  Nothing here imports the runner, the pool or Dask.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nkextract.read.files import DEFAULT_INCLUDE, DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # the extraction stage is imported only where a file is parsed
    from nkextract.extraction.pipeline import Chunk


@dataclass(frozen=True)
class ExtractOptions:
    rules_dirs: tuple[Path, ...] = ()
    model: str = "auto"
    include: tuple[str, ...] = DEFAULT_INCLUDE
    workers: int = 1
    cache_dir: Path | None = None  # None: no cache
    max_bytes: int = DEFAULT_MAX_BYTES
    dask: str | None = None  # a Dask scheduler address or local[:N]: run on that cluster (cluster.py)
    dates: Path | None = None  # a CSV of path,date: documents' dates given by the user (periods.load_dates)
    # the languages read (language.screen); None: every language
    languages: frozenset[str] | None = frozenset({"en"})


# Text handed to workers per round: bounds memory on archives of any size while keeping
# both cores busy (a 1 MB chunk parses in seconds).
BATCH_CHARS = 8_000_000
# Chunks travel to workers in packs of about this many characters: one nlp.pipe stream
# per pack keeps batches full, and a pack is small enough to balance two cores.
PACK_CHARS = 250_000


def cut_packs(tasks: list[Chunk]) -> list[list[Chunk]]:
    packs: list[list[Chunk]] = [[]]
    size = 0
    for t in tasks:
        if size >= PACK_CHARS:
            packs.append([])
            size = 0
        packs[-1].append(t)
        size += len(t.text)
    return packs


_EXTRACTOR: Any = None


def init_worker(rules_dirs: tuple[Path, ...], model: str, parent: int | None = None) -> None:
    global _EXTRACTOR
    if parent is not None:
        _watch_parent(parent)
        # a worker reports through the pool, which re-raises in the run; what is left for
        # stderr is the noise of dying after the run was killed (broken pipes)
        sys.stderr = open(os.devnull, "w")
    from nkextract.extraction.pipeline import Extractor
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.rules import load_rules

    _EXTRACTOR = Extractor(load_pipeline(model, load_rules(rules_dirs)))


def _watch_parent(pid: int) -> None:
    """End this worker when the run that started it is gone (killed, crashed): otherwise an
    orphaned worker would go on parsing its pack with nobody to read the result."""
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="nkextract-parent-watch", daemon=True).start()


def run_task(pack: list[Chunk], extractor: Any = None) -> list[list[dict[str, Any]]]:
    """Claims (as dicts) of each chunk in a pack, by this process's extractor unless given one
    (a Dask worker holds one per run in its plugin)."""
    chunks = (extractor or _EXTRACTOR).extract_chunks(pack)
    return [[c.to_dict(with_mentions=False) for c in claims] for claims in chunks]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def model_version(model: str) -> str:
    if model == "blank":
        import spacy

        return spacy.__version__
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(model.replace("_", "-"))
    except PackageNotFoundError:
        return "path"


