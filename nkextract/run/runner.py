"""Run extraction over many files: the one entry point the commands call.

Returns data (claims, per-file errors, counts); the CLI decides how to show them.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from nkextract.extract.claims import Claim
from nkextract.extract.pipeline import Chunk
from nkextract.read.files import DEFAULT_INCLUDE, DEFAULT_MAX_BYTES, RawFile, SourceError, discover, read_raw, to_document


@dataclass
class ExtractResult:
    """Claims as plain records (what workers and the cache hold; what ``extract`` prints),
    :class:`Claim` objects on demand for the stages that reason about them."""

    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    files: int = 0
    cached: int = 0  # files answered from the cache
    warnings: list[str] = field(default_factory=list)
    model: str = ""  # the pipeline that ran and its version ("en_core_web_sm 3.8.0")

    @property
    def claims(self) -> list[Claim]:
        # records come from our own workers or cache: no need to validate them again
        return [Claim(**r) for r in self.records]


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


Progress = Callable[[int, int], None]  # (done, total)

# --- worker side ------------------------------------------------------------------------
# Each worker process loads the pipeline once (initializer) and returns plain claim
# dicts: Docs never cross a process boundary (pickling them costs more than parsing).

_EXTRACTOR: Any = None


def _init_worker(rules_dirs: tuple[Path, ...], model: str, parent: int | None = None) -> None:
    global _EXTRACTOR
    if parent is not None:
        _watch_parent(parent)
        # a worker reports through the pool, which re-raises in the run; what is left for
        # stderr is the noise of dying after the run was killed (broken pipes)
        sys.stderr = open(os.devnull, "w")
    from nkextract.extract.pipeline import Extractor
    from nkextract.extract.nlp import load_pipeline
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


def _run_task(pack: list[Chunk], extractor: Any = None) -> list[list[dict[str, Any]]]:
    """Claims (as dicts) of each chunk in a pack, by this process's extractor unless given one
    (a Dask worker holds one per run in its plugin)."""
    chunks = (extractor or _EXTRACTOR).extract_chunks(pack)
    return [[c.to_dict(with_mentions=False) for c in claims] for claims in chunks]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# --- parent side ------------------------------------------------------------------------


@dataclass
class _Job:
    source: str
    key: str | None
    tasks: list[Chunk]  # empty when answered from the cache
    cached: list[dict[str, Any]] | None


def _jobs(items: Iterable[Path | SourceError], extractor_rules: Any, cache: Any,
          max_bytes: int, errors: list[SourceError], dates: dict[str, Any] | None = None,
          languages: frozenset[str] | None = frozenset({"en"}), readers: _Readers | None = None) -> Iterator[_Job]:
    """Read each file once, answer it from the cache or cut it into chunk tasks, in the
    files' order.

    A date from ``--dates`` (by the file's resolved path) is the document's date and part
    of its cache key: the same text dated otherwise resolves "last year" otherwise.  So are
    the languages read: a document in another language is skipped with its reason, and a
    foreign paragraph of an English one is left unread (language.screen).  With
    ``readers``, the text of web pages, PDFs and Word files is taken in their processes,
    a few files ahead of the one being cut."""
    from collections import deque

    from nkextract.extract.pipeline import make_chunks
    from nkextract.read.language import screen

    def entries() -> Iterator[tuple[Any, ...]]:
        for item in items:
            if isinstance(item, SourceError):
                yield ("error", item)
                continue
            raw = read_raw(item, max_bytes)
            if isinstance(raw, SourceError):
                yield ("error", raw)
                continue
            pub = dates.get(str(Path(item).resolve())) if dates else None
            langs = "all" if languages is None else ",".join(sorted(languages))
            # the extractor's version: a newer trafilatura or pdfminer may read the same bytes otherwise
            key = cache.key(raw.source, raw.sha256 + (f"|{pub.key()}" if pub is not None else "") + f"|{langs}"
                            + (f"|{raw.extractor}" if raw.extractor else ""))
            hit = cache.get(key)
            if isinstance(hit, dict):  # a file skipped for what its bytes hold, remembered
                yield ("error", SourceError(raw.source, str(hit.get("skipped", "skipped"))))
            elif hit is not None:
                yield ("job", _Job(raw.source, key, [], hit))
            else:
                yield ("read", raw, key, pub, readers.submit(raw) if readers and raw.kind != "text" else None)

    def finish(entry: tuple[Any, ...]) -> Iterator[_Job]:
        if entry[0] == "error":
            errors.append(entry[1])
            return
        if entry[0] == "job":
            yield entry[1]
            return
        _, raw, key, pub, pending = entry
        doc = readers.result(raw, pending) if pending is not None and readers else to_document(raw, max_bytes)
        read = doc if isinstance(doc, SourceError) else screen(
            doc, languages, extractor_rules.numbers.get("foreign_scales", {}))
        if isinstance(read, SourceError):
            # the reason follows from the bytes, the extractor and the languages (all in
            # the key): a scanned 300-page PDF is not parsed again to be skipped again
            cache.put(key, {"skipped": read.message})
            errors.append(read)
            return
        yield _Job(raw.source, key, make_chunks(read.doc, extractor_rules, pub, read.original, read.lang), None)

    window: deque[tuple[Any, ...]] = deque()
    ahead = readers.ahead if readers else 0
    for entry in entries():
        window.append(entry)
        while len(window) > ahead:
            yield from finish(window.popleft())
    while window:
        yield from finish(window.popleft())


READER_DIED = "a reader process died taking its text, twice (a crash, or out of memory), skipped"


class _Readers:
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


WORKER_DIED = "a worker process died reading it, even alone (a crash, or out of memory), skipped"

# Text handed to workers per round: bounds memory on archives of any size while keeping
# both cores busy (a 1 MB chunk parses in seconds).
BATCH_CHARS = 8_000_000
# Less text than this is parsed in this process: starting workers (each loads the
# pipeline, ~2 s) costs more than it saves.
POOL_MIN_CHARS = 400_000


def extract_paths(paths: Sequence[str | Path], opts: ExtractOptions,
                  progress: Progress | None = None,
                  sink: Callable[[list[dict[str, Any]]], None] | None = None) -> ExtractResult:
    """Extract claims from every file under ``paths``; bad files become errors, not exceptions.

    Files are streamed in batches; output order is the files' order and does not
    depend on ``opts.workers``.  With a ``sink``, each file's records go to it as soon as
    they are ready and are not kept (memory stays bounded on any archive); without one
    they are collected in the result.
    """
    from nkextract.run.cache import Cache, run_key
    from nkextract.extract.nlp import resolve_model
    from nkextract.extract.periods import load_dates
    from nkextract.rules import load_rules

    rules = load_rules(opts.rules_dirs)  # validate in the parent: errors surface once, early
    model = resolve_model(opts.model)
    version = _model_version(model)
    cache = Cache(opts.cache_dir, run_key(rules.digest, model, version))
    result = ExtractResult(model=f"{model} {version}")
    if cache.problem:
        result.warnings.append(cache.problem)
    if opts.dask:
        from nkextract.run.cluster import check_target

        check_target(opts.dask, opts.workers)
    left_out: Counter[str] = Counter()
    items = list(discover(paths, opts.include, left_out))
    total = len(items)
    if not items:
        result.warnings.append(no_match_message(opts.include, left_out))
    mapper: Any = None
    readers: _Readers | None = None
    try:
        dates = load_dates(opts.dates) if opts.dates is not None else None
        if opts.workers > 1:
            readers = _Readers(opts.workers, opts.max_bytes)
        jobs = _jobs(items, rules, cache, opts.max_bytes, result.errors, dates, opts.languages, readers)
        for batch in _batches(jobs, lambda: BATCH_CHARS if mapper is None else mapper.batch_chars):  # noqa: B023
            tasks = [t for j in batch for t in j.tasks]
            if tasks and mapper is None:
                # started on the first cache miss: a run answered from the cache starts no
                # worker and no cluster
                mapper = _mapper(opts, model, rules)
            outputs = mapper.map(tasks) if tasks else iter(())
            for job in batch:
                if job.cached is not None:
                    records = job.cached
                    result.cached += 1
                else:
                    parts = [next(outputs) for _ in job.tasks]
                    if any(p is None for p in parts):
                        result.errors.append(SourceError(job.source, WORKER_DIED))
                        if progress is not None:
                            progress(result.files + len(result.errors), total)
                        continue
                    records = [r for p in parts for r in p]
                    cache.put(job.key, records)
                result.files += 1
                if sink is not None:
                    sink(records)
                else:
                    result.records.extend(records)
                if progress is not None:
                    progress(result.files + len(result.errors), total)
    finally:
        if mapper is not None:
            mapper.close()
        if readers is not None:
            readers.close()
        cache.close()
    if progress is not None:
        progress(total, total)
    return result


def no_match_message(include: Sequence[str], left_out: Counter[str]) -> str:
    """What a run that matched no file says: the patterns, and what it left out."""
    msg = "no input files matched --include " + " ".join(repr(g) for g in include)
    if left_out:
        seen = ", ".join(f"{n} {suffix}" for suffix, n in left_out.most_common(5))
        msg += f" (left out: {seen}{', ...' if len(left_out) > 5 else ''}; add --include for them)"
    return msg


def _mapper(opts: ExtractOptions, model: str, rules: Any) -> Any:
    """The process pool, or the Dask cluster with ``--dask``."""
    if opts.dask:
        from nkextract.run.cluster import DaskMapper

        return DaskMapper(opts.dask, opts, model, rules)
    return _Mapper(opts, model, rules)


def _batches(jobs: Iterable[_Job], limit: Callable[[], int]) -> Iterator[list[_Job]]:
    """Jobs in rounds of about ``limit()`` characters of text to parse (read again after
    each round: a cluster, once started, takes bigger rounds)."""
    batch: list[_Job] = []
    size = 0
    for job in jobs:
        batch.append(job)
        size += sum(len(t.text) for t in job.tasks)
        if size >= limit():
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


# Chunks travel to workers in packs of about this many characters: one nlp.pipe stream
# per pack keeps batches full, and a pack is small enough to balance two cores.
PACK_CHARS = 250_000


def _packs(tasks: list[Chunk]) -> list[list[Chunk]]:
    packs: list[list[Chunk]] = [[]]
    size = 0
    for t in tasks:
        if size >= PACK_CHARS:
            packs.append([])
            size = 0
        packs[-1].append(t)
        size += len(t.text)
    return packs


# A run ends, rather than skipping file after file, when this many files in a row kill
# their worker: then it is the workers (out of memory, a broken install), not the files.
MAX_DEAD_IN_A_ROW = 3
Outputs = Iterator["list[dict[str, Any]] | None"]  # per task; None: a worker died on its file


class _Mapper:
    """Runs chunk tasks in order: in this process for one worker, else in a process pool
    started on first need and reused for every batch.

    A file that kills its worker (a crash in native code, the kernel's OOM killer) breaks
    the pool; the pool is started again, the pack that was lost is run again one file at a
    time, and a file that kills a worker when run alone is given up (its tasks' outputs
    are None: runner skips it with a reason).  Other files lose nothing."""

    task: Callable[[list[Chunk]], list[list[dict[str, Any]]]] = staticmethod(_run_task)

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
        packs = _packs(tasks)
        small = self.pool is None and sum(len(t.text) for t in tasks) < POOL_MIN_CHARS
        if self.opts.workers <= 1 or small:
            if not self.local:
                _init_worker(self.opts.rules_dirs, self.model)
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
        self.pool = ProcessPoolExecutor(self.opts.workers, mp_context=ctx, initializer=_init_worker,
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


def _model_version(model: str) -> str:
    if model == "blank":
        import spacy

        return spacy.__version__
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(model.replace("_", "-"))
    except PackageNotFoundError:
        return "path"


def load_claims_file(path: Path) -> list[Claim]:
    """Read claims that ``extract`` wrote (a JSON array, JSONL or a SQLite database), so a
    corpus is parsed once."""
    from nkextract.present.claimsdb import is_database, read_claims
    from nkextract.errors import UsageError

    records = list(enumerate(read_claims(path), 1)) if is_database(path) else _json_records(path)
    claims = []
    for n, rec in records:
        if not isinstance(rec, dict):
            raise UsageError(f"{path}: record {n} is not a claim object")
        try:
            claims.append(Claim.from_dict(rec))
        except (TypeError, ValueError) as e:
            raise UsageError(f"{path}: record {n}: {e}") from None
    return claims


def _json_records(path: Path) -> list[tuple[int, object]]:
    """(number, record) of a JSON array or JSONL file; bad JSON is a UsageError naming the line."""
    import json

    from nkextract.errors import UsageError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read claims file {path}: {getattr(e, 'strerror', None) or e}") from None
    stripped = text.lstrip()
    records: list[tuple[int, object]] = []

    def no_constants(name: str) -> object:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        if stripped.startswith("["):
            records = list(enumerate(json.loads(text, parse_constant=no_constants), 1))
        else:
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        records.append((n, json.loads(line, parse_constant=no_constants)))
                    except (json.JSONDecodeError, ValueError) as e:
                        raise UsageError(f"{path}:{n}: invalid JSON in claims file: {getattr(e, 'msg', e)}") from None
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}:{e.lineno}: invalid JSON in claims file: {e.msg}") from None
    except ValueError as e:
        raise UsageError(f"{path}: invalid JSON in claims file: {e}") from None
    except RecursionError:
        raise UsageError(f"{path}: invalid JSON in claims file: nested too deeply") from None
    return records
