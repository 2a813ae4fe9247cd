"""Extraction on a Dask cluster: the process pool's packs of chunks, run by Dask workers.

``--dask ADDRESS`` joins a running scheduler (``tcp://10.0.0.5:8786``); ``--dask local[:N]``
starts a LocalCluster of N worker processes on this machine.

The work is split exactly as for a local run (runner._jobs and _batches, work.cut_packs): this
process reads every file, answers it from the cache, and cuts the misses into the same
packs of chunks; one pack is one Dask task.  So the output is the local run's by
construction, unreadable files are reported by the same code, and only cache misses reach
the cluster.  Packs carry their text, not paths: this process reads every file anyway
(the cache key is the hash of its bytes), so workers need no access to the input files,
only the same nkextract and spaCy model (checked when the worker plugin starts).

Each worker loads the pipeline once per run in a WorkerPlugin (:mod:`.dask_worker`) whose
name is the run's own, so runs with other rules can share a long-lived cluster.  Records,
never Docs, come back.  A worker that dies mid-run costs no claims: the scheduler reruns
its tasks on the others (up to ``distributed.scheduler.allowed-failures`` times per task);
a pack that kills that often is run again file by file, and only a file that kills its
worker alone too is skipped, with a reason.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections import deque
from concurrent.futures import CancelledError
from typing import TYPE_CHECKING, Any, Iterator

from nkextract.errors import NkError, UsageError
from nkextract.rules import Rules

if TYPE_CHECKING:  # the extraction stage is imported only where a file is parsed
    from nkextract.extraction.pipeline import Chunk
    from nkextract.run.work import ExtractOptions

EXTRA_HINT = "pip install 'nkextract[cluster]'"
# How long a scheduler may have no worker before the run gives up (a typo'd address of a
# scheduler whose workers never start would otherwise wait forever).
WORKER_WAIT_S = 60
_LOCAL_RE = re.compile(r"local(?::(\w*))?")


def local_workers(spec: str, default: int) -> int | None:
    """N for ``local`` / ``local:N`` (``default`` for bare ``local``); None for an address."""
    m = _LOCAL_RE.fullmatch(spec)
    if m is None:
        return None
    n = m.group(1)
    if n is None:
        return default
    if not n.isdigit() or int(n) < 1:
        raise UsageError(f"--dask {spec}: expected local or local:N with N >= 1 worker processes")
    return int(n)


def check_target(spec: str, workers: int) -> None:
    """A malformed ``--dask`` value is a usage error before any file is read, even in a run
    the cache answers whole (which starts no cluster)."""
    if local_workers(spec, workers) is not None:
        return
    try:
        from distributed.comm import resolve_address
    except ImportError as e:
        raise UsageError(f"--dask needs the cluster extra: {EXTRA_HINT} ({e})") from None
    try:
        resolve_address(spec)
    except ValueError as e:
        raise UsageError(f"--dask {spec}: not a scheduler address ({_first_line(e)})") from None
    except OSError:
        pass  # a name that does not resolve (now) is reported when the cluster is needed


class DaskMapper:
    """The interface of runner.LocalPool (``map``, ``batch_chars``, ``close``) on a Dask cluster."""

    def __init__(self, spec: str, opts: ExtractOptions, model: str, rules: Rules) -> None:
        try:
            import distributed
        except ImportError as e:
            raise UsageError(f"--dask needs the cluster extra: {EXTRA_HINT} ({e})") from None
        from nkextract.run.dask_worker import ExtractorPlugin, versions

        n_local = local_workers(spec, opts.workers)
        self.cluster: Any = None
        self.client: Any = None
        self.plugin = ""
        self.pending: deque[Any] = deque()
        try:
            self._connect(distributed, spec, n_local)
            name = f"nkextract-{uuid.uuid4().hex}"
            self.client.register_plugin(ExtractorPlugin(rules, model, versions(model)), name=name)
            self.plugin = name
            workers = len(self.client.nthreads())
        except BaseException:
            self.close()
            raise
        from nkextract.run.work import BATCH_CHARS, PACK_CHARS

        # a round must hold a few packs for every worker, or most of a big cluster idles
        self.batch_chars = max(BATCH_CHARS, 4 * PACK_CHARS * workers)

    def _connect(self, distributed: Any, spec: str, n_local: int | None) -> None:
        """Start a LocalCluster of ``n_local`` workers, or join the scheduler at ``spec``."""
        if n_local is not None:
            # one thread per worker: spaCy holds the GIL, so a core needs a process.  No
            # dashboard, and the scheduler's HTTP routes on a free port: another cluster on
            # :8787 is no reason for a warning
            self.cluster = distributed.LocalCluster(
                n_workers=n_local, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR)
            self.client = distributed.Client(self.cluster, set_as_default=False)
            return
        from distributed.comm import resolve_address

        try:
            # checked first: a Client given a malformed address hangs for a minute in __del__
            resolve_address(spec)
        except ValueError as e:
            raise UsageError(f"--dask {spec}: not a scheduler address ({_first_line(e)})") from None
        except OSError as e:
            raise UsageError(f"cannot reach the Dask scheduler at {spec}: {_first_line(e)}") from None
        try:
            self.client = distributed.Client(spec, set_as_default=False)
        except OSError as e:
            raise UsageError(f"cannot reach the Dask scheduler at {spec}: {_first_line(e)}") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            raise UsageError(f"no Dask worker joined the scheduler at {spec} within {WORKER_WAIT_S} s") from None

    def map(self, tasks: list[Chunk]) -> Iterator[list[dict[str, Any]] | None]:
        """Claim dicts of each task, in order; every pack of the round is submitted at once."""
        if not tasks:
            return iter(())
        from nkextract.run.dask_worker import run_pack
        from nkextract.run.work import cut_packs

        packs = cut_packs(tasks)
        futures = self.client.map(run_pack, packs, plugin=self.plugin, pure=False)
        self.pending.extend(zip(futures, packs))
        return self._results(len(packs))

    def _results(self, n: int) -> Iterator[list[dict[str, Any]] | None]:
        from distributed import KilledWorker

        for _ in range(n):
            future, pack = self.pending.popleft()  # dropped once read: the worker frees it
            try:
                result = future.result()
            except KilledWorker:
                # the pack killed a worker allowed-failures times: run its files one by one,
                # so that only the file that kills (again) is given up
                yield from self._isolated(pack)
                continue
            except (CancelledError, OSError) as e:
                raise NkError(f"lost the Dask cluster mid-run: {_first_line(e)}") from None
            yield from result

    def _isolated(self, pack: list[Chunk]) -> Iterator[list[dict[str, Any]] | None]:
        """Each file of ``pack`` as a task of its own; None for each task of a file whose
        task kills workers again (runner skips that file with a reason)."""
        from distributed import KilledWorker

        from nkextract.run.dask_worker import run_pack

        files: dict[str, list[Chunk]] = {}
        for chunk in pack:
            files.setdefault(chunk.source, []).append(chunk)
        for chunks in files.values():
            try:
                result = self.client.submit(run_pack, chunks, plugin=self.plugin, pure=False).result()
            except KilledWorker:
                yield from (None for _ in chunks)
                continue
            except (CancelledError, OSError) as e:
                raise NkError(f"lost the Dask cluster mid-run: {_first_line(e)}") from None
            yield from result

    def close(self) -> None:
        if self.client is not None:
            if self.pending:
                self.client.cancel([f for f, _ in self.pending])
                self.pending.clear()
            if self.plugin and self.cluster is None:
                # a shared cluster lives on: free this run's pipeline on its workers
                try:
                    self.client.unregister_worker_plugin(self.plugin)
                except (OSError, CancelledError, KeyError, ValueError):
                    pass  # a worker already gone; closing must not hide the run's own error
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
