"""The command line's options, each defined once: the formats, the options every extracting
command shares (gathered into one :class:`RunOpts` by :func:`run_options`), and those a
few commands share.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer


class Fmt(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"
    html = "html"
    sqlite = "sqlite"


# --- shared options (defined once) -----------------------------------------------------
PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).",
                                                show_default=False)]


RulesOpt = Annotated[Optional[list[Path]], typer.Option(
    "--rules", help="Extra rules folder, loaded on top of the defaults (repeatable).")]


ModelOpt = Annotated[str, typer.Option(
    "--model", help="spaCy pipeline: auto (en_core_web_sm if installed), a package name or path, "
                    "or 'blank' for rules only.")]


FormatOpt = Annotated[Optional[Fmt], typer.Option(
    "--format", "-f", help="Output format (default: table on a terminal, else json; or from --out's suffix).",
    show_default=False)]


OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to FILE (atomically) instead of stdout.")]


IncludeOpt = Annotated[Optional[list[str]], typer.Option(
    "--include", help="Glob for files inside folders (repeatable; default: *.txt and *.md).")]


ErrorsOpt = Annotated[Optional[Path], typer.Option(
    "--errors", help="Write skipped inputs and their reasons as JSON to FILE.")]


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")]


WorkersOpt = Annotated[Optional[int], typer.Option(
    "--workers", "-j", min=1, help="Worker processes (default: all cores).", show_default=False)]


CacheDirOpt = Annotated[Optional[Path], typer.Option(
    "--cache-dir", help="Cache folder (default: the user cache dir).", show_default=False)]


NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]


DatesOpt = Annotated[Optional[Path], typer.Option(
    "--dates", metavar="FILE",
    help="CSV of path,date rows: each document's date (else a date line in the file; never its mtime).",
    show_default=False)]


LanguagesOpt = Annotated[str, typer.Option(
    "--languages", metavar="CODES|all",
    help="Read documents in these languages (en,fr,de,...; 'all': every one), their numbers by each "
         "language's conventions (decimal comma, thousands dot, scale words). Others are skipped with a "
         "reason; a long paragraph in another language is left unread. Parsing and frames are English only.")]


DaskOpt = Annotated[Optional[str], typer.Option(
    "--dask", metavar="ADDRESS|local[:N]",
    help="Parse on a Dask cluster: a scheduler's address (tcp://host:8786), or local[:N] for N worker "
         "processes here (N: --workers). Needs the cluster extra.", show_default=False)]


@dataclass(frozen=True)
class RunOpts:
    """The options every extracting command shares, gathered once."""

    rules: list[Path] | None
    model: str
    include: list[str] | None
    workers: int | None
    dask: str | None
    dates: Path | None
    languages: str
    cache_dir: Path | None
    no_cache: bool
    quiet: bool


# The options every extracting command takes, in the order --help lists them.
_RUN_OPTIONS: list[tuple[str, Any, Any]] = [
    ("rules", RulesOpt, None), ("model", ModelOpt, "auto"), ("include", IncludeOpt, None),
    ("workers", WorkersOpt, None), ("dask", DaskOpt, None), ("dates", DatesOpt, None),
    ("languages", LanguagesOpt, "en"), ("cache_dir", CacheDirOpt, None),
    ("no_cache", NoCacheOpt, False), ("quiet", QuietOpt, False),
]


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the shared extraction options, gathered into one ``ro: RunOpts``.

    Typer reads a command's signature; this one is the command's own parameters (less
    ``ro``) followed by the shared ones, so they are declared once, not in every command.
    """
    import functools
    import inspect
    import typing

    hints = typing.get_type_hints(command, include_extras=True)
    own = [p.replace(annotation=hints[p.name]) for p in inspect.signature(command).parameters.values()
           if p.name != "ro"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
              for name, ann, default in _RUN_OPTIONS]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        ro = RunOpts(**{name: kwargs.pop(name) for name, _, _ in _RUN_OPTIONS})
        command(**kwargs, ro=ro)

    params = own + shared
    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper


TolOpt = Annotated[float, typer.Option("--tolerance", min=0.0, max=10.0,
                                       help="Relative tolerance before two intervals disagree.")]


AllOpt = Annotated[bool, typer.Option("--all", help="Also show trends, scope differences and agreements.")]


MinSourcesOpt = Annotated[int, typer.Option("--min-sources", min=1,
                                            help="Hide groups backed by fewer independent sources.")]


# compare.weights.DEFAULT_MIN_CONFIDENCE, written here so that --help needs no import of the
# conflict module (tests/test_cli.py checks the two agree)
DEFAULT_MIN_CONFIDENCE = 0.75


MinConfidenceOpt = Annotated[float, typer.Option(
    "--min-confidence", min=0.0, max=1.0,
    help="Without --all: hide conflicts less sure than this to be one quantity (0-1).")]


FromClaimsOpt = Annotated[Optional[Path], typer.Option("--from-claims",
                                                       help="Read claims written by 'extract' (JSON, JSONL or SQLite).")]


OptPathsArg = Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (searched recursively).",
                                                             show_default=False)]


DEFAULT_REPORT = "nkextract-report.html"


ReportOutOpt = Annotated[Optional[Path], typer.Option(
    "--out", "-o", help=f"Write the page to FILE (default: {DEFAULT_REPORT} in the current folder).",
    show_default=False)]


class TextFmt(str, Enum):
    text = "text"
    json = "json"
