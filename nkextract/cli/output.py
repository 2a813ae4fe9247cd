"""How the commands end: exit codes, one-line errors instead of tracebacks, output written
atomically (or to stdout), rich renderables, the progress bar on stderr.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TextIO

import typer

from nkextract.cli.options import Fmt
from nkextract.errors import NkError

EXIT_OK, EXIT_DISAGREE, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3


EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool whose reader closed the pipe


EXIT_CODES_HELP = ("Exit codes: 0 success; 1 disagreements found (diff, conflicts --fail-on-conflict); "
                   "2 usage or configuration error; 3 completed but some inputs were skipped.")


def say_error(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def pick_format(fmt: Fmt | None, out: Path | None, allowed: Sequence[Fmt]) -> Fmt:
    if fmt is None and out is not None:
        by_suffix = {".json": Fmt.json, ".jsonl": Fmt.jsonl, ".csv": Fmt.csv, ".md": Fmt.md,
                     ".html": Fmt.html, ".db": Fmt.sqlite, ".sqlite": Fmt.sqlite, ".sqlite3": Fmt.sqlite}
        fmt = by_suffix.get(out.suffix.lower(), Fmt.json)
    if fmt is None:
        fmt = Fmt.table if sys.stdout.isatty() else Fmt.json
    if fmt not in allowed:
        raise NkError(f"--format {fmt.value} is not available here (choose: {', '.join(f.value for f in allowed)})")
    if fmt is Fmt.sqlite and out is None:
        raise NkError("--format sqlite writes a database file: give --out FILE")
    return fmt


def emit_text(text: str, out: Path | None) -> None:
    with output_to(out) as f:
        f.write(text)


@contextmanager
def output_to(out: Path | None) -> Iterator[TextIO]:
    """stdout, or ``out`` written atomically; a failed write is one line and exit 2."""
    from nkextract.present.export import open_output

    try:
        with open_output(out) as f:
            yield f
    except BrokenPipeError:
        raise  # the reader has gone (| head): run_command ends quietly
    except OSError as e:
        raise NkError(f"cannot write {out or 'standard output'}: {e.strerror or e}") from None


@contextmanager
def open_database(out: Path | None) -> Iterator[Any]:
    """A claims database written atomically to ``out``; a failed write is one line and exit 2."""
    import sqlite3

    from nkextract.present.claimsdb import create

    assert out is not None, "pick_format asks for --out with --format sqlite"
    try:
        with create(out) as db:
            yield db
    except (OSError, sqlite3.Error) as e:
        raise NkError(f"cannot write {out}: {getattr(e, 'strerror', None) or e}") from None


def progress_bar(quiet: bool) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
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


def run_command(fn: Callable[[], int]) -> None:
    """Run a command body; library errors become one line on stderr and exit code 2."""
    try:
        code = fn()
    except NkError as e:
        say_error(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        say_error("interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # the reader of stdout has gone (nkextract extract ... | head): end quietly, as a
        # Unix tool killed by SIGPIPE does; stdout goes to devnull so that the interpreter's
        # last flush cannot complain either
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_PIPE) from None
    raise typer.Exit(code)


def print_renderables(items: Sequence[Any], out: Path | None) -> None:
    from io import StringIO

    from rich.console import Console

    if out is None:
        console = Console(file=sys.stdout, width=max(100, min(Console().width, 140)))
        for it in items:
            console.print(it)
        return
    buf = StringIO()
    console = Console(file=buf, width=100, force_terminal=False)
    for it in items:
        console.print(it)
    emit_text(buf.getvalue(), out)
