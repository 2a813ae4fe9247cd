"""The command line: a thin Typer layer that parses options, calls the library, prints.

Exit codes: 0 success; 1 disagreements found (``diff``, ``conflicts --fail-on-conflict``);
2 usage or configuration error; 3 completed but some inputs were skipped.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional, Sequence

import typer

from . import __version__
from .errors import NkError

EXIT_OK, EXIT_DISAGREE, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3
EXIT_CODES_HELP = ("Exit codes: 0 success; 1 disagreements found (diff, conflicts --fail-on-conflict); "
                   "2 usage or configuration error; 3 completed but some inputs were skipped.")

app = typer.Typer(
    name="nkextract",
    help="Extract numeric claims from news articles and show where sources disagree.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Fmt(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


# --- shared options (defined once) -----------------------------------------------------
PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).",
                                                show_default=False)]
RulesOpt = Annotated[Optional[list[Path]], typer.Option(
    "--rules", help="Extra rules folder, loaded on top of the defaults (repeatable).")]
ModelOpt = Annotated[str, typer.Option(
    "--model", help="spaCy pipeline: auto (en_core_web_sm if installed), a package name or path, "
                    "or 'blank' for rules only.")]
FormatOpt = Annotated[Optional[Fmt], typer.Option(
    "--format", "-f", help="Output format [default: table on a terminal, else json; or from --out's suffix].",
    show_default=False)]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to FILE (atomically) instead of stdout.")]
IncludeOpt = Annotated[Optional[list[str]], typer.Option(
    "--include", help="Glob for files inside folders (repeatable) [default: *.txt, *.md].")]
ErrorsOpt = Annotated[Optional[Path], typer.Option(
    "--errors", help="Write skipped inputs and their reasons as JSON to FILE.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nkextract {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Show the version and exit.")] = False) -> None:
    """nkextract: numeric claims and the conflicts between sources."""


# --- helpers ---------------------------------------------------------------------------


def _err(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _pick_format(fmt: Fmt | None, out: Path | None, allowed: Sequence[Fmt]) -> Fmt:
    if fmt is None and out is not None:
        by_suffix = {".json": Fmt.json, ".jsonl": Fmt.jsonl, ".csv": Fmt.csv, ".md": Fmt.md}
        fmt = by_suffix.get(out.suffix.lower(), Fmt.json)
    if fmt is None:
        fmt = Fmt.table if sys.stdout.isatty() else Fmt.json
    if fmt not in allowed:
        raise NkError(f"--format {fmt.value} is not available here (choose: {', '.join(f.value for f in allowed)})")
    return fmt


def _emit(text: str, out: Path | None) -> None:
    from .export import write_atomic

    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            write_atomic(out, text)
        except OSError as e:
            raise NkError(f"cannot write {out}: {e.strerror or e}") from None


def _progress(quiet: bool) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal; never on stdout."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=_stderr_console(), transient=True)
    task = bar.add_task("files", total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar.stop


def _run(fn: Callable[[], int]) -> None:
    """Run a command body; library errors become one line on stderr and exit code 2."""
    try:
        code = fn()
    except NkError as e:
        _err(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(130) from None
    raise typer.Exit(code)


def _extract(paths: Sequence[Path], rules: list[Path] | None, model: str, include: list[str] | None,
             quiet: bool) -> Any:
    from .io import DEFAULT_INCLUDE
    from .runner import ExtractOptions, extract_paths

    opts = ExtractOptions(rules_dirs=tuple(rules or ()), model=model,
                          include=tuple(include) if include else DEFAULT_INCLUDE)
    update, stop = _progress(quiet)
    try:
        return extract_paths(paths, opts, progress=update)
    finally:
        stop()


def _report_skipped(result: Any, errors_out: Path | None, quiet: bool) -> int:
    from .export import to_json

    if errors_out is not None:
        _emit(to_json([e.to_dict() for e in result.errors]), errors_out)
    if not result.errors:
        return EXIT_OK
    if not quiet:
        n = len(result.errors)
        typer.echo(f"warning: {n} input{'s' if n != 1 else ''} skipped:", err=True)
        for e in result.errors[:10]:
            typer.echo(f"  {e.source}: {e.message}", err=True)
        if n > 10:
            typer.echo(f"  ... and {n - 10} more (use --errors FILE for the full list)", err=True)
    return EXIT_SKIPPED


# --- commands --------------------------------------------------------------------------


@app.command(epilog=EXIT_CODES_HELP)
def extract(
    paths: PathsArg,
    rules: RulesOpt = None,
    model: ModelOpt = "auto",
    fmt: FormatOpt = None,
    out: OutOpt = None,
    include: IncludeOpt = None,
    errors: ErrorsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Extract every numeric claim (value, unit, subject, time, source, offsets)."""

    def body() -> int:
        from .claims import CLAIM_FIELDS
        from .export import to_csv, to_json, to_jsonl, to_markdown

        f = _pick_format(fmt, out, list(Fmt))
        result = _extract(paths, rules, model, include, quiet)
        rows = [c.to_dict(with_mentions=False) for c in result.claims]
        columns = [c for c in CLAIM_FIELDS if c != "mentions"]
        if f is Fmt.table:
            from rich.console import Console

            from .render import claims_table

            title = f"{len(rows)} claims in {result.files} file{'s' if result.files != 1 else ''}"
            console = Console(file=sys.stdout) if out is None else None
            if console is None:
                from io import StringIO

                buf = StringIO()
                Console(file=buf, width=100, force_terminal=False).print(claims_table(rows, title))
                _emit(buf.getvalue(), out)
            else:
                console.print(claims_table(rows, title))
        elif f is Fmt.json:
            _emit(to_json(rows), out)
        elif f is Fmt.jsonl:
            _emit(to_jsonl(rows), out)
        elif f is Fmt.csv:
            _emit(to_csv(rows, columns), out)
        else:
            _emit(to_markdown(rows, columns), out)
        return _report_skipped(result, errors, quiet)

    _run(body)
