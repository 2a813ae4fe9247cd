"""Run extraction over many files: the one entry point the commands call.

Returns data (claims, per-file errors, counts); the CLI decides how to show them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from nkextract.extraction.claims import Claim
from nkextract.read.files import RawFile, SourceError, discover, read_raw, text_file, to_document
from nkextract.run.pool import WORKER_DIED, LocalPool, Readers
from nkextract.run.work import BATCH_CHARS, ExtractOptions, model_version

if TYPE_CHECKING:  # the extraction stage is imported only where a file is parsed
    from nkextract.extraction.pipeline import Chunk


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


Progress = Callable[[int, int], None]  # (done, total)

# --- parent side ------------------------------------------------------------------------


@dataclass
class _Job:
    source: str
    key: str | None
    tasks: list[Chunk]  # empty when answered from the cache
    cached: list[dict[str, Any]] | None


def _jobs(items: Iterable[Path | SourceError | RawFile], extractor_rules: Any, cache: Any,
          max_bytes: int, errors: list[SourceError], dates: dict[str, Any] | None = None,
          languages: frozenset[str] | None = frozenset({"en"}), readers: Readers | None = None) -> Iterator[_Job]:
    """Read each file once, answer it from the cache or cut it into chunk tasks, in the
    files' order.

    A date from ``--dates`` (by the file's resolved path) is the document's date and part
    of its cache key: the same text dated otherwise resolves "last year" otherwise.  So are
    the languages read: a document in another language is skipped with its reason, and a
    foreign paragraph of an English one is left unread (language.screen).  With
    ``readers``, the text of web pages, PDFs and Word files is taken in their processes,
    a few files ahead of the one being cut."""
    from collections import deque

    def entries() -> Iterator[tuple[Any, ...]]:
        for item in items:
            if isinstance(item, SourceError):
                yield ("error", item)
                continue
            raw = item if isinstance(item, RawFile) else read_raw(item, max_bytes)
            if isinstance(raw, SourceError):
                yield ("error", raw)
                continue
            pub = dates.get(str(Path(item).resolve())) if dates and isinstance(item, Path) else None
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
        # imported here: a run answered from the cache never loads the extraction stage
        from nkextract.extraction.pipeline import make_chunks
        from nkextract.read.language import screen

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


def extract_paths(paths: Sequence[str | Path], opts: ExtractOptions,
                  progress: Progress | None = None,
                  sink: Callable[[list[dict[str, Any]]], None] | None = None,
                  texts: Sequence[tuple[str, str]] = ()) -> ExtractResult:
    """Extract claims from every file under ``paths``, then from ``texts`` (``(name,
    text)`` pairs, read as a UTF-8 file of that name would be); bad files become errors,
    not exceptions.

    Files are streamed in batches; output order is the files' order and does not
    depend on ``opts.workers``.  With a ``sink``, each file's records go to it as soon as
    they are ready and are not kept (memory stays bounded on any archive); without one
    they are collected in the result.
    """
    from nkextract.run.cache import Cache, run_key
    from nkextract.extraction.nlp import resolve_model
    from nkextract.extraction.periods import load_dates
    from nkextract.rules import load_rules

    rules = load_rules(opts.rules_dirs)  # validate in the parent: errors surface once, early
    model = resolve_model(opts.model)
    version = model_version(model)
    cache = Cache(opts.cache_dir, run_key(rules.digest, model, version))
    result = ExtractResult(model=f"{model} {version}")
    if cache.problem:
        result.warnings.append(cache.problem)
    if opts.dask:
        from nkextract.run.cluster import check_target

        check_target(opts.dask, opts.workers)
    left_out: Counter[str] = Counter()
    items: list[Path | SourceError | RawFile] = list(discover(paths, opts.include, left_out))
    if paths and not items:
        result.warnings.append(no_match_message(opts.include, left_out))
    items.extend(text_file(name, text) for name, text in texts)
    total = len(items)
    mapper: Any = None
    readers: Readers | None = None
    try:
        dates = load_dates(opts.dates) if opts.dates is not None else None
        if opts.workers > 1:
            readers = Readers(opts.workers, opts.max_bytes)
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
    return LocalPool(opts, model, rules)


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
