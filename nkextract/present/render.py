"""Terminal output with rich: tables built from data, printed only by the CLI."""

from __future__ import annotations

from typing import Any, Sequence

from rich.table import Table
from rich.text import Text


def fmt_num(v: float | None) -> str:
    """Compact, exact-looking numbers: 80,000 / 1.2bn / 90 / 2.5."""
    if v is None:
        return "?"
    a = abs(v)
    for div, suf in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if a >= div:
            x = v / div
            return f"{x:,.3f}".rstrip("0").rstrip(".") + suf
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def fmt_value(low: float | None, high: float | None, qualifier: str, unit: str | None = None,
              symbols_only: bool = False) -> str:
    """An interval as a reader would write it: "80,000–120,000", "≥1,000", "≤30,000", "~200,000".

    ``symbols_only`` keeps $/£/€ and % but leaves other units to a header.
    """
    u = unit or ""
    if u == "year" and low is not None and low == high:
        return str(int(low))  # a year is not a quantity: no separators
    if symbols_only and not u.startswith(("USD", "GBP", "EUR", "percent")):
        u = ""
    prefix, suffix = "", ""
    if u.startswith(("USD", "GBP", "EUR")):
        sym = {"USD": "$", "GBP": "£", "EUR": "€"}[u[:3]]
        prefix, rest = sym, u[3:]
        suffix = rest
    elif u.startswith("percent"):
        suffix = "%" + u[len("percent"):]
    elif u:
        suffix = " " + u
    if qualifier == "at_least" or (low is not None and high is None):
        core = "≥" + prefix + fmt_num(low)
    elif qualifier == "at_most" or (low is None and high is not None):
        core = "≤" + prefix + fmt_num(high)
    elif low == high:
        core = ("~" if qualifier == "approx" else "") + prefix + fmt_num(low)
    else:
        core = ("~" if qualifier == "approx" else "") + prefix + fmt_num(low) + "–" + prefix + fmt_num(high)
    return core + suffix


def short_source(source: str, width: int = 18) -> str:
    name = source.rsplit("/", 1)[-1]
    return name if len(name) <= width else name[: width - 1] + "…"


def claims_table(rows: Sequence[dict[str, Any]], title: str | None = None) -> Table:
    """One line per claim where it fits: the phrase as written, its value, and its frame:
    what it measures, whose it is, for when, and whether it is an actual figure."""
    t = Table(title=title, box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    t.add_column("source", style="cyan", no_wrap=True, max_width=12)
    t.add_column("as written", overflow="ellipsis", no_wrap=True, min_width=12, max_width=22)
    t.add_column("value", justify="right", style="bold", no_wrap=True)
    t.add_column("measure", overflow="fold", min_width=10, ratio=1)
    t.add_column("holder", overflow="fold", min_width=9, ratio=1)
    t.add_column("period", no_wrap=True, overflow="ellipsis", max_width=12)
    t.add_column("modality", no_wrap=True, overflow="ellipsis", max_width=8, style="dim")
    t.add_column("said by", overflow="ellipsis", no_wrap=True, max_width=12, style="dim")
    for c in rows:
        t.add_row(
            short_source(c["source"], 12),
            _quote(c["text"], 22),
            fmt_value(c["low"], c["high"], c["qualifier"], c["unit"]),
            c.get("measure") or c.get("subject") or "—",
            c.get("holder") or "",
            c.get("period") or ("" if c.get("time") is None else str(c["time"])),
            "" if c.get("modality") in (None, "actual") else c["modality"],
            c["attribution"] or "",
        )
    return t


VERDICT_STYLE = {"conflict": "bold red", "inconsistency": "bold magenta", "forecast": "blue", "trend": "yellow",
                 "scope": "cyan", "agree": "green"}


def _quote(text: str, width: int = 34) -> str:
    t = " ".join(text.split())
    return f"“{t}”" if len(t) <= width else f"“{t[: width - 1]}…”"


def _when_who(c: dict[str, Any]) -> str:
    parts = []
    if c.get("time") is not None:
        parts.append(str(c["time"]))
    if c.get("attribution"):
        parts.append(c["attribution"])
    return " · ".join(parts)


def group_view(n: int, g: dict[str, Any], sides: dict[str, str] | None = None) -> list[Any]:
    """One group as a header line, an aligned table of its claims, and the why line.

    ``sides`` maps claim ids to "A"/"B" when the group compares two sources (``diff``).
    """
    style = VERDICT_STYLE.get(g["verdict"], "")
    head = Text(f" #{n:<3}", style="bold")
    head.append(f"{g['verdict']:<14}", style=style)
    sev = g.get("severity")
    head.append(f"×{sev:<5.1f}" if sev else " " * 6, style=style)
    subject = g["subject"] if len(g["subject"]) <= 56 else g["subject"][:55] + "…"
    head.append(f" {subject}", style="bold")
    n_src = g.get("sources")
    conf = g.get("confidence")
    facts = [g["unit"] or g.get("kind") or "", f"{n_src} source{'s' if n_src != 1 else ''}" if n_src else "",
             f"{conf:.0%} sure" if conf is not None else ""]
    head.append("   [" + "; ".join(f for f in facts if f) + "]", style="dim")
    t = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1), expand=False)
    t.add_column(width=4, justify="right", style="bold")
    t.add_column(justify="right", no_wrap=True, min_width=10)
    t.add_column(style="cyan", no_wrap=True, max_width=14)
    t.add_column(style="dim", no_wrap=True, max_width=5)
    t.add_column(overflow="ellipsis", no_wrap=True, max_width=34)
    t.add_column(style="dim", overflow="ellipsis", no_wrap=True, max_width=24)
    value_style = style if g["verdict"] in ("conflict", "inconsistency") else "bold"
    for c in g["claims"]:
        mentions = len(c.get("mentions") or [1])
        more = f"×{mentions}" if mentions > 1 else ""
        t.add_row((sides or {}).get(c["id"], ""),
                  Text(fmt_value(c["low"], c["high"], c["qualifier"], c["unit"], True), style=value_style),
                  short_source(c["source"], 14), more, _quote(c["text"]), _when_who(c))
    why = Text(f"      why: {g['why']}", style="dim italic")
    return [head, t, why, Text("")]


def groups_summary(groups: Sequence[dict[str, Any]], n_sources: int, n_claims: int, n_merged: int,
                   shown: Sequence[dict[str, Any]] | None = None) -> Text:
    """The report's first line: what it lists, what it read, and what ``--all`` would add."""
    shown = groups if shown is None else shown
    counts = {v: sum(1 for g in shown if g["verdict"] == v) for v in VERDICT_STYLE}
    parts = [f"{counts['conflict']} conflict{'s' if counts['conflict'] != 1 else ''}",
             f"{counts['inconsistency']} inconsistenc{'ies' if counts['inconsistency'] != 1 else 'y'}"]
    extra = [f"{counts[v]} {v}" for v in ("forecast", "trend", "scope", "agree") if counts[v]]
    line = Text(" " + ", ".join(parts + extra), style="bold")
    line.append(f" · {n_sources} file{'s' if n_sources != 1 else ''}, {n_claims} claims, "
                f"{n_merged} merged", style="dim")
    ids = {g["id"] for g in shown if "id" in g}
    hidden = [g for g in groups if g.get("id") not in ids]
    if hidden:
        by = {v: sum(1 for g in hidden if g["verdict"] == v) for v in VERDICT_STYLE}
        unsure = by["conflict"] + by["inconsistency"]
        words = ([f"{unsure} less sure disagreement{'s' if unsure != 1 else ''}"] if unsure else []) + \
            [f"{by[v]} {v}" for v in ("forecast", "trend", "scope", "agree") if by[v]]
        line.append(f"\n --all also shows {', '.join(words)}", style="dim")
    return line


def diff_view(rows: Sequence[dict[str, Any]], a_name: str, b_name: str) -> list[Any]:
    """Each quantity both sides state: A's and B's figures one under the other."""
    items: list[Any] = [Text(f" A = {a_name}\n B = {b_name}", style="bold"), Text("")]
    for n, r in enumerate(rows, 1):
        sides = {c["id"]: "A" for c in r["a"]} | {c["id"]: "B" for c in r["b"]}
        items.extend(group_view(n, {**r, "claims": [*r["a"], *r["b"]]}, sides))
    return items


def claim_view(ctx: Any) -> list[Any]:
    """One claim where it was written (a :class:`context.InContext`): where, the sentences
    around it with the figure marked, and what was read of it."""
    c = ctx.claim
    where = c.source + (f":{ctx.line}" if ctx.line else "") + (f" (page {ctx.page})" if ctx.page else "")
    head = Text.assemble((c.id, "bold"), "  ", where)
    out: list[Any] = [head]
    if ctx.problem:
        out.append(Text(f"note: {ctx.problem}; showing the sentence as recorded", style="yellow"))
    body = Text()
    if ctx.before:
        body.append(ctx.before + " ", style="dim")
    s, at, n = ctx.sentence, ctx.at, len(c.text)
    if s[at:at + n] == c.text:
        body.append(s[:at])
        body.append(c.text, style="bold reverse")
        body.append(s[at + n:])
    else:
        body.append(s)
    if ctx.after:
        body.append(" " + ctx.after, style="dim")
    out.extend(["", body, ""])
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    rows = [("value", fmt_value(c.low, c.high, c.qualifier, c.unit)), ("kind", c.kind),
            ("qualifier", c.qualifier), ("per", c.per), ("holder", c.holder), ("measure", c.measure),
            ("subject", c.subject), ("period", f"{c.period} ({c.period_grain})" if c.period else None),
            ("time", f"{c.time} ({c.time_source})" if c.time is not None else None),
            ("modality", c.modality), ("scope", ", ".join(c.scope)), ("attributed to", c.attribution),
            ("rule", c.rule), ("language", c.lang if c.lang != "en" else None),
            ("mentions", str(len(c.mentions)) if len(c.mentions) > 1 else None)]
    for name, value in rows:
        if value:
            table.add_row(name, Text(str(value)))
    out.append(table)
    return out
