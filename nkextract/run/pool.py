"""The local process pools: extraction workers (``LocalPool``) and format readers (``Readers``).

Both are concurrent.futures process pools, so a worker that dies (a crash in native
code, the OOM killer) is noticed: its file is run again alone and, if it kills again,
skipped with a reason, while every other file keeps its results.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterator

from nkextract.read.files import RawFile, SourceError, to_document
from nkextract.run.work import BATCH_CHARS, ExtractOptions, cut_packs, init_worker, run_task

if TYPE_CHECKING:  # the extraction stage is imported only where a file is parsed
    from nkextract.extraction.pipeline import Chunk

# Less text than this is parsed in this process: starting workers (each loads the
# pipeline, ~2 s) costs more than it saves.
POOL_MIN_CHARS = 400_000



WORKER_DIED = "a worker process died reading it, even alone (a crash, or out of memory), skipped"

READER_DIED = "a reader process died taking its text, twice (a crash, or out of memory), skipped"


class Readers:
    """Takes the text of web pages, PDFs and Word files in worker processes.

    pdfminer reads a report at about the speed spaCy parses it, so in the parent, one
    core would parse PDFs while the extraction workers wait.  Files are submitted as
    they are found and their text is waited for in the files' order, ``ahead`` files
    behind.  A file whose reader dies is tried once more in a fresh pool, then skipped."""

    convert: Callable[[RawFile, int], Any] = staticmethod(to_document)

    def __init__(self, workers: int, max_bytes: int) -> None:
        self.workers = workers
        self.max_bytes = max_bytes
        self.ahead = 4 * workers
        self.pool: Any = None

    def submit(self, raw: RawFile) -> tuple[Any, Any]:
        if self.pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            ctx = mp.get_context("forkserver" if sys.platform != "win32" else "spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self.pool, self.pool.submit(self.convert, raw, self.max_bytes)

    def result(self, raw: RawFile, pending: tuple[Any, Any]) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        for attempt in range(2):
            pool, future = pending
            try:
                return future.result()
            except BrokenProcessPool:
                if pool is self.pool:  # the first of its round to notice: a fresh pool
                    self.close()
                if attempt == 0:
                    pending = self.submit(raw)
        return SourceError(raw.source, READER_DIED)

    def close(self) -> None:
        _stop(self.pool)
        self.pool = None


def _stop(pool: Any) -> None:
    """Stop a process pool now: a run that ends early (an error, Ctrl-C, | head) must not
    wait for work nobody will read.  ProcessPoolExecutor can only wait for running tasks;
    its processes are ended here instead (the mapping is private but stable since 3.2)."""
    if pool is None:
        return
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.join()


# A run ends, rather than skipping file after file, when this many files in a row kill
# their worker: then it is the workers (out of memory, a broken install), not the files.
MAX_DEAD_IN_A_ROW = 3
Outputs = Iterator["list[dict[str, Any]] | None"]  # per task; None: a worker died on its file


class LocalPool:
    """Runs chunk tasks in order: in this process for one worker, else in a process pool
    started on first need and reused for every batch.

    A file that kills its worker (a crash in native code, the kernel's OOM killer) breaks
    the pool; the pool is started again, the pack that was lost is run again one file at a
    time, and a file that kills a worker when run alone is given up (its tasks' outputs
    are None: runner skips it with a reason).  Other files lose nothing."""

    task: Callable[[list[Chunk]], list[list[dict[str, Any]]]] = staticmethod(run_task)

    def __init__(self, opts: ExtractOptions, model: str, rules: Any) -> None:
        self.opts = opts
        self.model = model
        self.rules = rules
        self.pool: Any = None
        self.local = False
        self.dead_in_a_row = 0

    @property
    def batch_chars(self) -> int:
        """Text per round: enough for this machine's cores (a cluster needs more)."""
        return BATCH_CHARS

    def map(self, tasks: list[Chunk]) -> Outputs:
        """Claim dicts of each task, in order (chunks are sent in packs of ~PACK_CHARS)."""
        if not tasks:
            return iter(())
        packs = cut_packs(tasks)
        small = self.pool is None and sum(len(t.text) for t in tasks) < POOL_MIN_CHARS
        if self.opts.workers <= 1 or small:
            if not self.local:
                init_worker(self.opts.rules_dirs, self.model)
                self.local = True
            return (r for pack in packs for r in self.task(pack))
        if self.pool is None:
            from nkextract.rules import check_entity_patterns

            # fail here with file:line, not inside a worker's initializer
            check_entity_patterns(self.rules)
            self._start()
        futures = [self.pool.submit(self.task, pack) for pack in packs]
        return self._results(packs, futures)

    def _start(self) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        ctx = mp.get_context("forkserver" if sys.platform != "win32" else "spawn")
        self.pool = ProcessPoolExecutor(self.opts.workers, mp_context=ctx, initializer=init_worker,
                                        initargs=(self.opts.rules_dirs, self.model, os.getpid()))

    def _results(self, packs: list[list[Chunk]], futures: list[Any]) -> Outputs:
        from concurrent.futures.process import BrokenProcessPool

        k = 0
        while k < len(packs):
            try:
                result = futures[k].result()
            except BrokenProcessPool:
                # this pack and every later one are lost; the culprit is this pack or one
                # running beside it: this one is run again file by file, the rest as before
                self._restart()
                yield from self._isolated(packs[k])
                futures[k + 1:] = [self.pool.submit(self.task, pack) for pack in packs[k + 1:]]
                k += 1
                continue
            self.dead_in_a_row = 0
            yield from result
            k += 1

    def _isolated(self, pack: list[Chunk]) -> Outputs:
        """Each file of ``pack`` run alone; None for each task of a file that kills its worker."""
        from concurrent.futures.process import BrokenProcessPool

        from nkextract.errors import NkError

        files: dict[str, list[Chunk]] = {}
        for chunk in pack:
            files.setdefault(chunk.source, []).append(chunk)
        for source, chunks in files.items():
            try:
                result = self.pool.submit(self.task, chunks).result()
            except BrokenProcessPool:
                self._restart()
                self.dead_in_a_row += 1
                if self.dead_in_a_row >= MAX_DEAD_IN_A_ROW:
                    raise NkError(f"worker processes died on {self.dead_in_a_row} files in a row (last: {source}); "
                                  "giving up: out of memory, or a broken install?") from None
                yield from (None for _ in chunks)
                continue
            self.dead_in_a_row = 0
            yield from result

    def _restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        _stop(self.pool)
        self.pool = None


