"""Run extraction over many files: the one entry point the commands call.

Returns data (claims, per-file errors, counts); the CLI decides how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .claims import Claim
from .io import DEFAULT_INCLUDE, SourceError, discover, read_document


@dataclass
class ExtractResult:
    claims: list[Claim] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    files: int = 0
    words: int = 0


@dataclass(frozen=True)
class ExtractOptions:
    rules_dirs: tuple[Path, ...] = ()
    model: str = "auto"
    include: tuple[str, ...] = DEFAULT_INCLUDE


Progress = Callable[[int, int], None]  # (done, total)


def extract_paths(paths: Sequence[str | Path], opts: ExtractOptions,
                  progress: Progress | None = None) -> ExtractResult:
    """Extract claims from every file under ``paths``; bad files become errors, not exceptions."""
    from .extract import Extractor
    from .nlp import load_pipeline
    from .rules import load_rules

    rules = load_rules(opts.rules_dirs)
    pipe = load_pipeline(opts.model, rules)
    extractor = Extractor(pipe)
    result = ExtractResult()
    items = list(discover(paths, opts.include))
    total = len(items)
    for n, item in enumerate(items, 1):
        if isinstance(item, SourceError):
            result.errors.append(item)
        else:
            doc = read_document(item)
            if isinstance(doc, SourceError):
                result.errors.append(doc)
            else:
                result.files += 1
                result.words += len(doc.text.split())
                result.claims.extend(extractor.extract(doc))
        if progress is not None:
            progress(n, total)
    return result


def load_claims_file(path: Path) -> list[Claim]:
    """Read claims that ``extract`` wrote (a JSON array or JSONL), so a corpus is parsed once."""
    import json

    from .errors import UsageError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read claims file {path}: {getattr(e, 'strerror', None) or e}") from None
    stripped = text.lstrip()
    records: list[tuple[int, object]] = []
    try:
        if stripped.startswith("["):
            records = list(enumerate(json.loads(text), 1))
        else:
            records = [(n, json.loads(line)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}:{e.lineno}: invalid JSON in claims file: {e.msg}") from None
    claims = []
    for n, rec in records:
        if not isinstance(rec, dict):
            raise UsageError(f"{path}: record {n} is not a claim object")
        try:
            claims.append(Claim.from_dict(rec))
        except (TypeError, ValueError) as e:
            raise UsageError(f"{path}: record {n}: {e}") from None
    return claims
