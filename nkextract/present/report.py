"""The HTML report: one self-contained page that shows every group as a chart and its sentences.

Fact-checkers judge a disagreement by looking at it, so each group gets a range chart
(every claim on one axis) and each claim its sentence with the figure marked.  The page
must open from disk or an e-mail attachment, offline, for years: CSS, SVG and the few
lines of JS are inline, and a Content-Security-Policy forbids fetching anything and
running any script but ours.  Article text is hostile input: Jinja2 escapes every value
(autoescape), and the policy is a second wall should an escape ever be missed.

Group and claim records are read with ``.get()``: fields added later (a group's ``id``,
``confidence`` and frame; a claim's ``holder``, ``measure``, ``period``, ``modality``,
``scope`` and ``frame``) show when present, and older records still render.
"""

from __future__ import annotations

import base64
import hashlib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from nkextract.version import __version__
from nkextract.present.chart import PALETTE_SIZE, Chart, ChartItem, range_chart
from nkextract.extraction.claims import Claim
from nkextract.present.render import fmt_value

# The claims table is for the curious, not the record (``extract`` is): a 2,000-article
# folder gives ~8,000 claims at ~330 bytes a row, so 5,000 rows (~1.7 MB) keep the page
# under ~5 MB with room for the groups.  tests/test_report.py holds the bound.
MAX_TABLE_ROWS = 5000
# Line numbers come from re-reading a claim's file; larger files are not re-read (the
# line is left out), so a report never pays again for a huge archive file.
LINE_MAX_BYTES = 2 * 1024 * 1024
# Context kept on each side of the figure in a shown sentence (a "sentence" can be a
# long run of text that no one reads in full).
CONTEXT_CHARS = 320

VERDICTS: dict[str, tuple[str, str]] = {  # verdict: (sign, what it means), most severe first
    "inconsistency": ("⊄", "a part is larger than its whole in the same period"),
    "conflict": ("≠", "the figures do not overlap, even allowing for the tolerance"),
    "forecast": ("⇢", "a forecast or target set against an outcome"),
    "trend": ("↗", "figures for different periods"),
    "scope": ("⊂", "figures for different places, groups or parts"),
    "agree": ("=", "the figures overlap"),
}
# Never shown as they are: control characters, and bidi overrides and isolates, which make
# text display in another order than it is written ("Trojan Source"); as in export.py's
# Markdown, they become U+FFFD.  Tabs and line ends are plain whitespace in HTML.
_UNSAFE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TIME_SOURCE = {"report": "the report's year", "document": "the article's date"}
_FRAME_FIELDS = ("holder", "measure", "period", "modality")


@dataclass(frozen=True)
class ReportInfo:
    """What the summary says about the run; gathered by the CLI, shown as given."""

    inputs: Sequence[str]
    files: int
    claims: int
    merged: int
    tolerance: float
    model: str
    rules: Sequence[str] = ()
    skipped: Sequence[tuple[str, str]] = ()  # (source, reason)
    show_all: bool = False
    min_sources: int | None = None
    title: str = "Where the sources disagree"
    generated: datetime | None = None  # default: now
    sides: tuple[str, str] | None = None  # diff: the names of A and B


@dataclass(frozen=True)
class ClaimView:
    """One claim under its group's chart, every text ready to print: the template only
    places what it is given (logic in Jinja is logic no test reaches)."""

    anchor: str
    label: str
    colour: int
    source: str
    line: str | None  # where in the file: ":12" (a line), " p. 3" (a PDF page)
    value: str
    text: str
    before: str
    figure: str
    after: str
    when: str
    when_note: str
    attribution: str
    mentions: int
    backing: int | None
    others: list[tuple[str, str | None]]  # the other mentions' places
    frame: list[tuple[str, str, str]]  # (field, value, where it came from)
    rule: str


@dataclass(frozen=True)
class GroupView:
    """One group's section: its facts, its chart and its claims."""

    anchor: str
    n: int
    verdict: str
    sign: str
    subject: str
    unit: str
    severity: float | None
    confidence: float | None
    frame: list[tuple[str, str]]
    why: str
    sources: int | None
    chart: Chart
    claims: list[ClaimView]
    legend: list[tuple[str, int, str]]  # (letter, colour, source name)


@dataclass(frozen=True)
class TableRow:
    """One line of the all-claims table, with a link to the group that shows the claim."""

    value: str
    text: str
    subject: str
    when: str
    attribution: str
    source: str
    rule: str
    group: GroupView | None


@dataclass
class _Sources:
    """Letters and colours for a group's sources, in the order they first appear: each
    file its own (A, B, C...), or the two sides of a ``diff`` (A, B)."""

    sides: Mapping[str, str] | None = None
    keys: dict[str, tuple[str, int, str]] = field(default_factory=dict)

    def of(self, claim: Mapping[str, Any]) -> tuple[str, int, str]:
        """(letter, palette index, key) of the claim's source."""
        side = (self.sides or {}).get(str(claim.get("id")))
        key = side or str(claim.get("source", ""))
        if key not in self.keys:
            n = "AB".index(side) if side else len(self.keys)
            self.keys[key] = (side or _letters(n), n % PALETTE_SIZE, key)
        return self.keys[key]


def _letters(n: int) -> str:
    """A, B, ..., Z, AA, AB, ...: a label for the n-th source."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _anchor(prefix: str, ident: Any) -> str:
    """An element id that is also a clean URL fragment."""
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "-", str(ident))


def group_anchor(group: Mapping[str, Any]) -> str:
    """A stable element id: the group's own ``id``, else a hash of its sorted claim ids, so
    a link to a group survives re-running the report on the same claims."""
    gid = group.get("id")
    if not gid:
        ids = sorted(str(c.get("id", "")) for c in group.get("claims") or [])
        gid = hashlib.sha1("\0".join(ids).encode()).hexdigest()[:12]
    return _anchor("g-", gid)


def highlight(sentence: str, text: str) -> tuple[str, str, str]:
    """The sentence cut around the figure as (before, figure, after); the figure is empty
    when the sentence does not hold it as written, and is its first occurrence when the
    sentence states it twice.  Long sides are trimmed at a word."""
    sentence = sentence or ""
    at = sentence.find(text) if text else -1
    if at < 0 and text:
        text = " ".join(text.split())  # claim sentences are whitespace-normalised
        at = sentence.find(text)
    if at < 0:
        return _trim_right(sentence, 2 * CONTEXT_CHARS), "", ""
    before, after = sentence[:at], sentence[at + len(text):]
    return _trim_left(before, CONTEXT_CHARS), text, _trim_right(after, CONTEXT_CHARS)


def _trim_left(s: str, n: int) -> str:
    if len(s) <= n:
        return s
    cut = s[-n:]
    return "…" + cut[cut.find(" ") + 1:] if " " in cut else "…" + cut


def _trim_right(s: str, n: int) -> str:
    if len(s) <= n:
        return s
    cut = s[:n]
    return (cut[:cut.rfind(" ")] if " " in cut else cut) + "…"


def line_numbers(claims: Iterable[Mapping[str, Any]], max_bytes: int = LINE_MAX_BYTES) -> dict[tuple[str, int], int]:
    """Line of each (source, start) among ``claims`` and their mentions.

    A record's own ``line`` wins; otherwise the file is re-read (only if it is at most
    ``max_bytes``) with the same decoding as extraction, and only used if the figure is
    still where the record says (a file edited since would give wrong lines).  A web
    page, PDF or Word file is not parsed again: a line of its extracted text means
    nothing to a reader of the file (a PDF claim shows its page instead).
    """
    from nkextract.read.files import Document, RawFile, read_raw, to_document

    lines: dict[tuple[str, int], int] = {}
    wanted: dict[str, dict[int, str]] = defaultdict(dict)
    for c in claims:
        for m in [c, *(c.get("mentions") or [])]:
            src, start = m.get("source"), m.get("start")
            if not isinstance(src, str) or not isinstance(start, int):
                continue
            if isinstance(m.get("line"), int):
                lines[(src, start)] = m["line"]
            else:
                wanted[src][start] = str(m.get("text", ""))
    for src, starts in wanted.items():
        path = Path(src)
        try:
            if not path.is_file() or path.stat().st_size > max_bytes:
                continue
        except OSError:
            continue
        raw = read_raw(path, max_bytes)
        if not isinstance(raw, RawFile) or raw.kind != "text":
            continue
        doc = to_document(raw, max_bytes)
        if not isinstance(doc, Document):
            continue
        breaks = [i for i, ch in enumerate(doc.text) if ch == "\n"]
        for start, text in starts.items():
            if doc.text[start:start + len(text)] == text:
                lines.setdefault((src, start), bisect_right(breaks, start - 1) + 1)
    return lines


def _when(c: Mapping[str, Any]) -> tuple[str, str]:
    t = c.get("time")
    if t is None:
        return "", ""
    return str(t), _TIME_SOURCE.get(str(c.get("time_source")), "")


def _note(where: Any) -> str:
    """Where a frame field came from, as one line (the record may give text or a dict)."""
    if where is None:
        return ""
    if isinstance(where, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in where.items() if v not in (None, ""))
    return str(where)


def _claim_frame(c: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    frame = c.get("frame") if isinstance(c.get("frame"), Mapping) else {}
    out = []
    for name in _FRAME_FIELDS:
        v = c.get(name)
        if v not in (None, ""):
            if name == "period" and c.get("period_grain"):
                v = f"{v} ({c['period_grain']})"
            out.append((name, str(v), _note(frame.get(name))))
    scope = c.get("scope") if c.get("scope") is not None else c.get("places")
    if scope:
        out.append(("scope", ", ".join(str(s) for s in scope), _note(frame.get("scope"))))
    return out


def _claim_view(c: Mapping[str, Any], source: tuple[str, int, str], unit: str,
                lines: Mapping[tuple[str, int], int]) -> ClaimView:
    label, colour, _ = source
    src = str(c.get("source", ""))
    start = c.get("start")
    text = str(c.get("text", ""))
    before, fig, after = highlight(str(c.get("sentence") or ""), text)
    mentions = c.get("mentions") or []
    when, note = _when(c)
    others = [(str(m.get("source", "")), _place(m, lines))
              for m in mentions if (m.get("source"), m.get("start")) != (c.get("source"), start)]
    return ClaimView(
        anchor=_anchor("c-", c.get("id", "")), label=label, colour=colour,
        source=src, line=_place(c, lines),
        value=fmt_value(c.get("low"), c.get("high"), str(c.get("qualifier", "")), c.get("unit") or unit),
        text=text, before=before, figure=fig, after=after, when=when, when_note=note,
        attribution=str(c.get("attribution") or ""), mentions=max(1, len(mentions)),
        backing=c.get("backing"), others=others, frame=_claim_frame(c), rule=str(c.get("rule") or ""),
    )


def _place(m: Mapping[str, Any], lines: Mapping[tuple[str, int], int]) -> str | None:
    """Where a claim or mention is in its file: its PDF page, else its line."""
    page = m.get("page")
    if isinstance(page, int) and not isinstance(page, bool):
        return f" p. {page}"
    line = lines.get((m.get("source"), m.get("start"))) if isinstance(m.get("start"), int) else None
    return f":{line}" if line is not None else None


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def group_view(n: int, g: Mapping[str, Any], lines: Mapping[tuple[str, int], int],
               sides: Mapping[str, str] | None = None, side_names: Sequence[str] = ()) -> GroupView:
    """Everything the template shows for one group, computed here rather than in Jinja."""
    claims = list(g.get("claims") or [])
    unit = str(g.get("unit") or "")
    sources = _Sources(sides)
    keyed = [sources.of(c) for c in claims]
    views = [_claim_view(c, k, unit, lines) for c, k in zip(claims, keyed)]
    names = dict(zip("AB", side_names))
    legend = [(label, colour, names.get(key, key)) for label, colour, key in sources.keys.values()]
    chart = range_chart([ChartItem(c.get("low"), c.get("high"), str(c.get("qualifier", "")), label, colour,
                                   names.get(key, key), v.text)
                         for c, v, (label, colour, key) in zip(claims, views, keyed)],
                        unit, str(g.get("subject") or ""), show_gap=g.get("verdict") in ("conflict", "inconsistency"))
    verdict = str(g.get("verdict") or "")
    return GroupView(
        anchor=group_anchor(g), n=n, verdict=verdict, sign=VERDICTS.get(verdict, ("•", ""))[0],
        subject=str(g.get("subject") or "—"), unit=unit, severity=_number(g.get("severity")),
        confidence=_number(g.get("confidence")),
        frame=[(k, str(g[k])) for k in _FRAME_FIELDS if g.get(k) not in (None, "")],
        why=str(g.get("why") or ""), sources=g.get("sources"), chart=chart, claims=views, legend=legend,
    )


def _unique(views: list[GroupView]) -> list[GroupView]:
    """Element ids must be unique even if two groups share an id."""
    seen: Counter[str] = Counter()
    out = []
    for v in views:
        seen[v.anchor] += 1
        if seen[v.anchor] > 1:
            v = replace(v, anchor=f"{v.anchor}-{seen[v.anchor]}")
        out.append(v)
    return out


def _table(claims: Sequence[Claim], groups: Sequence[GroupView]) -> list[TableRow]:
    in_group = {c.anchor: g for g in groups for c in g.claims}
    rows = []
    for claim in claims[:MAX_TABLE_ROWS]:
        c = claim.to_dict(with_mentions=False)
        when, _ = _when(c)
        rows.append(TableRow(
            value=fmt_value(c.get("low"), c.get("high"), str(c.get("qualifier", "")), c.get("unit")),
            text=str(c.get("text", "")), subject=str(c.get("subject") or ""), when=when,
            attribution=str(c.get("attribution") or ""), source=str(c.get("source", "")),
            rule=str(c.get("rule") or ""),
            group=in_group.get(_anchor("c-", c.get("id", ""))),
        ))
    return rows


def _shown(value: Any) -> Any:
    """Every value the template prints passes here first (Jinja's ``finalize``), then is
    escaped; our own Markup (CSS, JS) is left as it is."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return _UNSAFE_RE.sub("\ufffd", value)
    return value


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("nkextract.present", "templates"), autoescape=True, finalize=_shown,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["thousands"] = lambda v: f"{v:,}"
    return env


def _asset(name: str) -> tuple[Any, str]:
    """A static file of the page (CSS, JS) and its CSP hash: the policy allows exactly it."""
    from markupsafe import Markup

    env = _environment()
    text = env.loader.get_source(env, name)[0]
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return Markup(text), f"'sha256-{digest}'"


def render_report(groups: Sequence[Mapping[str, Any]], verdict_counts: Mapping[str, int],
                  claims: Sequence[Claim], info: ReportInfo,
                  sides: Mapping[str, str] | None = None) -> str:
    """The page for ``groups`` (those to show), summarising ``verdict_counts`` (all found).

    ``claims`` fill the claims table (capped at ``MAX_TABLE_ROWS``); ``sides`` maps claim
    ids to "A"/"B" when the page compares two sources (``diff``).
    """
    lines = line_numbers(c for g in groups for c in g.get("claims") or [])
    views = _unique([group_view(n, g, lines, sides, info.sides or ()) for n, g in enumerate(groups, 1)])
    css, css_hash = _asset("report.css")
    js, js_hash = _asset("report.js")
    shown = Counter(v.verdict for v in views)
    generated = info.generated or datetime.now().astimezone()
    return _environment().get_template("report.html.j2").render(
        info=info, groups=views, counts=verdict_counts, shown=shown,
        hidden=sum(verdict_counts.values()) - len(views), verdicts=VERDICTS,
        table=_table(claims, views), table_total=len(claims), max_rows=MAX_TABLE_ROWS,
        version=__version__, generated=generated, css=css, js=js, palette=PALETTE_SIZE,
        csp=f"default-src 'none'; style-src {css_hash}; script-src {js_hash}; img-src data:; "
            "base-uri 'none'; form-action 'none'",
    )


def diff_groups(rows: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``diff`` rows as groups (A's claims then B's) and which side each claim is on."""
    groups, sides = [], {}
    for r in rows:
        for side in ("a", "b"):
            for c in r.get(side) or []:
                sides[str(c.get("id"))] = side.upper()
        groups.append({**r, "claims": [*(r.get("a") or []), *(r.get("b") or [])]})
    return groups, sides
