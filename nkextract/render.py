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


def fmt_value(low: float | None, high: float | None, qualifier: str, unit: str | None = None) -> str:
    """An interval as a reader would write it: "80,000–120,000", "≥1,000", "≤30,000", "~200,000"."""
    u = unit or ""
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
        core = prefix + fmt_num(low) + "–" + prefix + fmt_num(high)
    return core + suffix


def short_source(source: str, width: int = 18) -> str:
    name = source.rsplit("/", 1)[-1]
    return name if len(name) <= width else name[: width - 1] + "…"


def claims_table(rows: Sequence[dict[str, Any]], title: str | None = None) -> Table:
    t = Table(title=title, show_lines=False, expand=False, pad_edge=False)
    t.add_column("source", style="cyan", no_wrap=True, max_width=18)
    t.add_column("value", justify="right", style="bold", no_wrap=True)
    t.add_column("kind", style="dim", no_wrap=True)
    t.add_column("subject", overflow="fold", max_width=34)
    t.add_column("time", no_wrap=True)
    t.add_column("source says", overflow="fold", max_width=22)
    for c in rows:
        t.add_row(
            short_source(c["source"]),
            fmt_value(c["low"], c["high"], c["qualifier"], c["unit"]),
            c["kind"],
            Text(c["subject"] or "—") + Text(f"  “{c['text']}”", style="dim"),
            "" if c["time"] is None else str(c["time"]),
            c["attribution"] or "",
        )
    return t
