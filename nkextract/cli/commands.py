"""The commands: extract, conflicts, report, diff, show and text.

Exit codes: 0 success; 1 disagreements found (``diff``, ``conflicts --fail-on-conflict``);
2 usage or configuration error; 3 completed but some inputs were skipped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Optional, Sequence

import typer

from nkextract.cli.options import (
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_REPORT,
    AllOpt,
    ErrorsOpt,
    Fmt,
    FormatOpt,
    FromClaimsOpt,
    MinConfidenceOpt,
    MinSourcesOpt,
    OptPathsArg,
    OutOpt,
    PathsArg,
    ReportOutOpt,
    RunOpts,
    TextFmt,
    TolOpt,
    run_options,
)
from nkextract.cli.output import (
    EXIT_CODES_HELP,
    EXIT_DISAGREE,
    EXIT_OK,
    EXIT_SKIPPED,
    emit_text,
    open_database,
    output_to,
    pick_format,
    print_renderables,
    progress_bar,
    run_command,
    say_error,
)
from nkextract.errors import NkError
from nkextract.version import __version__

if TYPE_CHECKING:
    from nkextract.present.report import ReportInfo


app = typer.Typer(
    name="nkextract",
    help="Extract numeric claims from news articles and show where sources disagree.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nkextract {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Show the version and exit.")] = False) -> None:
    """nkextract: numeric claims and the conflicts between sources."""


# --- helpers ---------------------------------------------------------------------------


def _check_paths(paths: Sequence[Path]) -> None:
    """A path typed on the command line that does not exist is a usage error (exit 2);
    a bad file found inside a folder is not (it is skipped, exit 3)."""
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise NkError(f"{p}: no such file or directory")


def _extract(paths: Sequence[Path], ro: RunOpts, sink: Callable[[list[Any]], None] | None = None) -> Any:
    from nkextract.read.files import DEFAULT_INCLUDE
    from nkextract.read.language import parse_languages
    from nkextract.run.cache import default_cache_dir
    from nkextract.run.runner import extract_paths
    from nkextract.run.work import ExtractOptions, default_workers

    try:
        languages = parse_languages(ro.languages)
    except ValueError as e:
        raise NkError(str(e)) from None
    opts = ExtractOptions(rules_dirs=tuple(ro.rules or ()), model=ro.model,
                          include=tuple(ro.include) if ro.include else DEFAULT_INCLUDE,
                          workers=ro.workers or default_workers(), dask=ro.dask, dates=ro.dates,
                          languages=languages,
                          cache_dir=None if ro.no_cache else (ro.cache_dir or default_cache_dir()))
    quiet = ro.quiet
    _check_paths(paths)
    update, stop = progress_bar(quiet)
    try:
        return extract_paths(paths, opts, progress=update, sink=sink)
    finally:
        stop()


def _report_skipped(result: Any, errors_out: Path | None, quiet: bool) -> int:
    from nkextract.present.export import to_json

    if errors_out is not None:
        emit_text(to_json([e.to_dict() for e in result.errors]), errors_out)
    if not quiet:
        for w in result.warnings:
            typer.echo(f"warning: {w}", err=True)
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
@run_options
def extract(
    paths: PathsArg,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    errors: ErrorsOpt = None,
    *,
    ro: RunOpts,
) -> None:
    """Extract every numeric claim (value, unit, subject, time, source, offsets)."""

    def body() -> int:
        from nkextract.extraction.claims import CLAIM_FIELDS
        from nkextract.present.export import RecordWriter, to_markdown

        f = pick_format(fmt, out, [f for f in Fmt if f is not Fmt.html])
        columns = [c for c in CLAIM_FIELDS if c != "mentions"]
        if f in (Fmt.json, Fmt.jsonl, Fmt.csv):
            # streamed: each file's claims are written as soon as they are ready
            with output_to(out) as stream:
                writer = RecordWriter(stream, f.value, columns)
                result = _extract(paths, ro, sink=writer.write)
                writer.close()
        elif f is Fmt.sqlite:
            with open_database(out) as db:
                result = _extract(paths, ro, sink=db.add_claims)
        else:
            result = _extract(paths, ro)
            rows = result.records
            if f is Fmt.table:
                from nkextract.present.render import claims_table

                title = f"{len(rows)} claims in {result.files} file{'s' if result.files != 1 else ''}"
                print_renderables([claims_table(rows, title)], out)
            else:
                emit_text(to_markdown(rows, columns), out)
        return _report_skipped(result, errors, ro.quiet)

    run_command(body)


def _claims_for(paths: Sequence[Path], from_claims: Path | None, ro: RunOpts) -> tuple[list[Any], Any]:
    from nkextract.run.runner import ExtractResult, load_claims_file

    if from_claims is not None:
        if paths:
            raise NkError("give PATH... or --from-claims FILE, not both")
        claims = load_claims_file(from_claims)
        return claims, ExtractResult(files=len({c.source for c in claims}))
    if not paths:
        raise NkError("give PATH... or --from-claims FILE")
    result = _extract(paths, ro)
    return result.claims, result


def _judged_groups(claims: Sequence[Any], tolerance: float, min_sources: int,
                   ro: RunOpts) -> tuple[list[Any], list[Any]]:
    """Merged claims and the groups backed by ``min_sources``: what ``conflicts`` and
    ``report`` both show, computed one way (with the run's rules: measures, holders)."""
    from nkextract.compare.conflicts import group_claims
    from nkextract.compare.dedupe import dedupe
    from nkextract.rules import load_rules

    merged = dedupe(claims)
    return merged, [g for g in group_claims(merged, tolerance, load_rules(ro.rules or ()))
                    if g.sources >= min_sources]


def _rows_for_groups(groups: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Flat rows for CSV/Markdown: one per claim, with its group's columns first."""
    cols = ["group", "verdict", "subject", "unit", "severity", "why", "value_low", "value_high", "qualifier",
            "text", "source", "start", "end", "time", "attribution", "mentions", "backing", "sentence", "id"]
    rows = []
    for n, g in enumerate(groups, 1):
        for c in g["claims"]:
            rows.append({"group": n, "verdict": g["verdict"], "subject": g["subject"], "unit": g["unit"],
                         "severity": g["severity"], "why": g["why"], "value_low": c["low"],
                         "value_high": c["high"], "qualifier": c["qualifier"], "text": c["text"],
                         "source": c["source"], "start": c["start"], "end": c["end"], "time": c["time"],
                         "attribution": c["attribution"], "mentions": len(c["mentions"]),
                         "backing": c["backing"], "sentence": c["sentence"], "id": c["id"]})
    return rows, cols


@app.command(epilog=EXIT_CODES_HELP)
@run_options
def conflicts(
    paths: OptPathsArg = None,
    tolerance: TolOpt = 0.1,
    show_all: AllOpt = False,
    min_sources: MinSourcesOpt = 2,
    min_confidence: MinConfidenceOpt = DEFAULT_MIN_CONFIDENCE,
    from_claims: FromClaimsOpt = None,
    fail_on_conflict: Annotated[bool, typer.Option("--fail-on-conflict",
                                                   help="Exit 1 when a conflict or inconsistency is found.")] = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    errors: ErrorsOpt = None,
    *,
    ro: RunOpts,
) -> None:
    """Group claims about the same quantity and show where sources disagree (the main report)."""

    def body() -> int:
        from nkextract.compare.conflicts import default_report
        from nkextract.present.export import to_csv, to_json, to_jsonl, to_markdown

        f = pick_format(fmt, out, [Fmt.table, Fmt.json, Fmt.jsonl, Fmt.csv, Fmt.md, Fmt.sqlite])
        claims, result = _claims_for(paths or [], from_claims, ro)
        merged, groups = _judged_groups(claims, tolerance, min_sources, ro)
        severe = default_report(groups, min_confidence)
        shown = [g.to_dict() for g in (groups if show_all else severe)]
        if f is Fmt.table:
            from nkextract.present.render import group_view, groups_summary

            items: list[Any] = [groups_summary([g.to_dict() for g in groups], result.files,
                                               len(claims), len(claims) - len(merged), shown), ""]
            for n, g in enumerate(shown, 1):
                items.extend(group_view(n, g))
            if not shown:
                items.append(" no disagreements found" + ("" if show_all else " (--all shows every group)"))
            print_renderables(items, out)
        elif f is Fmt.json:
            emit_text(to_json(shown), out)
        elif f is Fmt.jsonl:
            emit_text(to_jsonl(shown), out)
        elif f is Fmt.sqlite:
            with open_database(out) as db:  # every claim, so the file can be read back with --from-claims
                db.add_claims(c.to_dict() for c in merged)
                db.add_groups(shown)
        else:
            rows, cols = _rows_for_groups(shown)
            emit_text(to_csv(rows, cols) if f is Fmt.csv else to_markdown(rows, cols), out)
        code = _report_skipped(result, errors, ro.quiet)
        if fail_on_conflict and severe:
            return EXIT_DISAGREE
        return code

    run_command(body)


def _page_info(title: str, inputs: Sequence[Path], results: Sequence[Any], n_claims: int, n_merged: int,
               tolerance: float, ro: RunOpts, show_all: bool, **extra: Any) -> ReportInfo:
    """The run as the HTML page's summary states it."""
    from nkextract.present.report import ReportInfo

    return ReportInfo(title=title, inputs=[str(p) for p in inputs], files=sum(r.files for r in results),
                      claims=n_claims, merged=n_claims - n_merged, tolerance=tolerance,
                      model=results[0].model or "", rules=[str(r) for r in ro.rules or ()],
                      skipped=[(e.source, e.message) for r in results for e in r.errors],
                      show_all=show_all, **extra)


@app.command(epilog=EXIT_CODES_HELP)
@run_options
def report(
    paths: OptPathsArg = None,
    tolerance: TolOpt = 0.1,
    show_all: AllOpt = False,
    min_sources: MinSourcesOpt = 2,
    min_confidence: MinConfidenceOpt = DEFAULT_MIN_CONFIDENCE,
    from_claims: FromClaimsOpt = None,
    out: ReportOutOpt = None,
    errors: ErrorsOpt = None,
    *,
    ro: RunOpts,
) -> None:
    """Write the conflict report as one self-contained HTML page (a chart and the sentences per group)."""

    def body() -> int:
        from collections import Counter

        from nkextract.compare.conflicts import default_report
        from nkextract.present.report import render_report

        claims, result = _claims_for(paths or [], from_claims, ro)
        if from_claims is not None:
            result.model = f"as recorded in {from_claims}"
        merged, groups = _judged_groups(claims, tolerance, min_sources, ro)
        shown = [g.to_dict() for g in (groups if show_all else default_report(groups, min_confidence))]
        info = _page_info("Where the sources disagree", paths or [from_claims], [result], len(claims),
                          len(merged), tolerance, ro, show_all, min_sources=min_sources)
        target = out or Path(DEFAULT_REPORT)
        emit_text(render_report(shown, Counter(g.verdict for g in groups), merged, info), target)
        typer.echo(os.path.abspath(target))
        return _report_skipped(result, errors, ro.quiet)

    run_command(body)


@app.command(epilog="Exit codes: 0 the sources agree; 1 they disagree; 2 usage error; "
                    "3 they agree but some inputs were skipped.")
@run_options
def diff(
    a: Annotated[Path, typer.Argument(help="First source: a file or folder.", show_default=False)],
    b: Annotated[Path, typer.Argument(help="Second source: a file or folder.", show_default=False)],
    tolerance: TolOpt = 0.1,
    show_all: AllOpt = False,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    errors: ErrorsOpt = None,
    *,
    ro: RunOpts,
) -> None:
    """Show the figures on which two sources disagree (with --all, also those they share)."""

    def body() -> int:
        from nkextract.compare.conflicts import diff_claims
        from nkextract.compare.dedupe import dedupe
        from nkextract.present.export import to_json
        from nkextract.rules import load_rules

        f = pick_format(fmt, out, [Fmt.table, Fmt.json, Fmt.html])
        _check_paths([a, b])
        res_a = _extract([a], ro)
        res_b = _extract([b], ro)
        claims_a, claims_b = res_a.claims, res_b.claims
        merged_a, merged_b = dedupe(claims_a), dedupe(claims_b)
        rows = diff_claims(merged_a, merged_b, tolerance, load_rules(ro.rules or ()))
        disagree = [r for r in rows if r.verdict in ("conflict", "inconsistency")]
        shown = [r.to_dict() for r in (rows if show_all else disagree)]
        if f is Fmt.table:
            from nkextract.present.render import diff_view

            if shown:
                print_renderables(diff_view(shown, str(a), str(b)), out)
            else:
                print_renderables([f" {a} and {b} do not disagree on any figure they share "
                                    f"({len(rows)} shared)"], out)
        elif f is Fmt.html:
            from collections import Counter

            from nkextract.present.report import diff_groups, render_report

            groups, sides = diff_groups(shown)
            info = _page_info("Where A and B disagree", [a, b], [res_a, res_b], len(claims_a) + len(claims_b),
                              len(merged_a) + len(merged_b), tolerance, ro, show_all, sides=(str(a), str(b)))
            emit_text(render_report(groups, Counter(r.verdict for r in rows), [*merged_a, *merged_b], info, sides), out)
        else:
            emit_text(to_json({"a": str(a), "b": str(b), "tolerance": tolerance, "rows": shown}), out)
        res_a.errors.extend(res_b.errors)
        skipped = _report_skipped(res_a, errors, ro.quiet)
        return EXIT_DISAGREE if disagree else skipped

    run_command(body)


@app.command(epilog="Exit codes: 0 success; 3 the file could not be read (the reason is on stderr).")
def text(
    file: Annotated[Path, typer.Argument(help="A text, web page, PDF or Word file.", show_default=False)],
    fmt: Annotated[TextFmt, typer.Option("--format", "-f", help="text: the text alone; json: with the "
                                         "file's title, date, author, site and page starts.")] = TextFmt.text,
    out: OutOpt = None,
) -> None:
    """Print the text claims' offsets point into (a page's article, a PDF's pages, a Word file's
    paragraphs and tables): a claim's text is this text[start:end]."""

    def body() -> int:
        from nkextract.read.files import SourceError, read_document

        _check_paths([file])
        doc = read_document(file)
        if isinstance(doc, SourceError):
            say_error(f"{doc.source}: {doc.message}")
            return EXIT_SKIPPED
        if fmt is TextFmt.text:
            emit_text(doc.text, out)
        else:
            from nkextract.present.export import to_json

            emit_text(to_json({"source": doc.source, "format": doc.encoding if doc.extractor else "text",
                           "encoding": None if doc.extractor else doc.encoding, "extractor": doc.extractor or None,
                           "title": doc.title, "date": doc.date.isoformat() if doc.date else None,
                           "author": doc.author, "site": doc.site, "pages": list(doc.pages), "text": doc.text}), out)
        return EXIT_OK

    run_command(body)


@app.command(epilog=EXIT_CODES_HELP)
@run_options
def show(
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="A claim's id, or its first characters.",
                                            show_default=False)],
    paths: OptPathsArg = None,
    from_claims: FromClaimsOpt = None,
    fmt: Annotated[Optional[Fmt], typer.Option(
        "--format", "-f", help="table (default on a terminal) or json.", show_default=False)] = None,
    out: OutOpt = None,
    *,
    ro: RunOpts,
) -> None:
    """Show one claim where it was written: the sentence with the figure marked, the sentences
    around it, its file:line (and page), its frame and the rule that read it."""

    def body() -> int:
        from nkextract.present.context import find_claims, in_context

        f = pick_format(fmt, out, [Fmt.table, Fmt.json])
        claims, result = _claims_for(paths or ([] if from_claims else [Path(".")]), from_claims, ro)
        found = find_claims(claims, claim_id)
        if not found:
            where = str(from_claims) if from_claims else " ".join(str(p) for p in paths or ["."])
            raise NkError(f"no claim with an id starting {claim_id!r} in {where}")
        if len({c.id for c in found}) > 1:
            ids = sorted({c.id for c in found})
            raise NkError(f"{len(ids)} claims have ids starting {claim_id!r} ({', '.join(ids[:5])}"
                          f"{', ...' if len(ids) > 5 else ''}): give more characters")
        ctx = in_context(found[0])
        if f is Fmt.table:
            from nkextract.present.render import claim_view

            print_renderables(claim_view(ctx), out)
        else:
            from nkextract.present.export import to_json

            emit_text(to_json({**ctx.claim.to_dict(), "context": {
                "before": ctx.before, "sentence": ctx.sentence, "after": ctx.after, "line": ctx.line,
                "page": ctx.page, "problem": ctx.problem or None}}), out)
        return EXIT_OK  # other files skipped on the way are no concern of this claim

    run_command(body)
