"""When a figure holds: period expressions in a sentence, resolved to dates (pure functions).

``PeriodFinder(rules).find("grew 0.3% in the three months to September", doc_date)`` ->
a :class:`Period` for the quarter July-September of the document's year.

A period is a closed interval of days with a *grain*: ``day``, ``month``, ``quarter``,
``half``, ``year``, ``span`` (an explicit stretch: "between March 2003 and June 2006",
"1932-33") or ``cumulative`` (a running total: "since 2011", "so far", "by July 2006").
Comparing two figures needs only "do their periods overlap, and are they of the same
grain", so intervals of :class:`datetime.date` are enough.

Why hand-written rather than a date library: dateparser and friends resolve one
expression to one moment, but a figure's period is an interval with a grain ("the third
quarter", "2020-21", "since March 2011" are stretches, not moments), relative
expressions must be resolved against the *article's* date (never the clock), and the
vocabulary (month names, relative words) must come from ``rules/``.  The grammar is a
handful of regular expressions over that vocabulary.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from nkextract.rules import Rules

GRAINS = ("day", "week", "month", "quarter", "half", "year", "span", "cumulative")
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "q1": 1, "q2": 2, "q3": 3, "q4": 4, "h1": 1, "h2": 2}


@dataclass(frozen=True)
class Period:
    """A closed interval of days; ``start`` None: open start (a total "to date")."""

    start: date | None
    end: date | None
    grain: str
    text: str = ""
    source: str = "sentence"  # sentence | relative | report | document

    @property
    def year(self) -> int | None:
        """The year the figure is said to hold for (the end's, for spans and totals)."""
        d = self.end or self.start
        return d.year if d is not None else None

    def key(self) -> str:
        """ISO-8601-like text: 2017, 2017-Q3, 2017-H1, 2017-09, 2017-09-20, 2003-03/2006-06, ../2006-07."""
        s, e = self.start, self.end
        if self.grain == "year" and s is not None:
            return f"{s.year}"
        if self.grain == "quarter" and s is not None and s.month in (1, 4, 7, 10):
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if self.grain == "half" and s is not None:
            return f"{s.year}-H{1 if s.month <= 6 else 2}"
        if self.grain == "month" and s is not None:
            return f"{s.year}-{s.month:02d}"
        if self.grain in ("day", "week") and s is not None:
            return s.isoformat() if s == e else f"{s.isoformat()}/{e.isoformat() if e else '..'}"
        return f"{_short(s)}/{_short(e)}"

    def overlaps(self, other: Period) -> bool:
        a0, a1 = self.start or date.min, self.end or date.max
        b0, b1 = other.start or date.min, other.end or date.max
        return a0 <= b1 and b0 <= a1

    def contains(self, other: Period) -> bool:
        a0, a1 = self.start or date.min, self.end or date.max
        b0, b1 = other.start or date.min, other.end or date.max
        return a0 <= b0 and b1 <= a1


def _short(d: date | None) -> str:
    if d is None:
        return ".."
    if d.day == 1 or d.day == calendar.monthrange(d.year, d.month)[1]:
        return f"{d.year}-{d.month:02d}"
    return d.isoformat()


def year_period(y: int, text: str = "", source: str = "sentence") -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year", text or str(y), source)


def month_period(y: int, m: int, text: str = "", source: str = "sentence") -> Period:
    return Period(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month", text, source)


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _quarter(y: int, q: int) -> tuple[date, date]:
    m0 = 3 * (q - 1) + 1
    return date(y, m0, 1), date(y, m0 + 2, calendar.monthrange(y, m0 + 2)[1])


def parse_date(text: str) -> date | None:
    """A document date as written on a date line or in a ``--dates`` file.

    "2017-12-24", "2017/12/24", "24 December 2017", "December 24, 2017", "Dec. 24 2017",
    and "December 2017" / "2017" (first day of the month / year).
    """
    t = " ".join(text.replace(",", " ").replace(".", " ").split()).lower()
    m = re.fullmatch(r"(\d{4})-(\d{2})", t)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), 1)
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[t ].*)?", t)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+) (\d{4})", t)
    if m and m.group(2)[:3] in _MONTHS:
        return _day(int(m.group(3)), _MONTHS[m.group(2)[:3]], int(m.group(1)))
    m = re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)? (\d{4})", t)
    if m and m.group(1)[:3] in _MONTHS:
        return _day(int(m.group(3)), _MONTHS[m.group(1)[:3]], int(m.group(2)))
    m = re.fullmatch(r"([a-z]+) (\d{4})", t)
    if m and m.group(1)[:3] in _MONTHS:
        return _day(int(m.group(2)), _MONTHS[m.group(1)[:3]], 1)
    m = re.fullmatch(r"(\d{4})", t)
    if m:
        return _day(int(m.group(1)), 1, 1)
    return None


@dataclass(frozen=True)
class _Ref:
    """The document's date as far as it is known: the day, else only the year."""

    day: date | None
    year: int | None


@dataclass(frozen=True)
class PeriodMention:
    """A period found in a text: character span ``[start, end)`` and what it means."""

    start: int
    end: int
    period: Period
    kind: str  # point | span | cumulative | relative


class PeriodFinder:
    """Finds period expressions with the vocabulary of one :class:`Rules` (one per process)."""

    def __init__(self, rules: Rules) -> None:
        months = [m.lower() for m in rules.context["not_claims"]["months"]]
        p = rules.frames.get("periods", {})
        self.year_min = int(rules.numbers.get("years", {}).get("min", 1800))
        self.year_max = int(rules.numbers.get("years", {}).get("max", 2100))
        mon = "|".join(sorted(months, key=len, reverse=True))
        self.weekdays = [w.lower() for w in p.get("weekdays", [])]
        self.this_words = frozenset(w.lower() for w in p.get("this", []))
        self.last_words = frozenset(w.lower() for w in p.get("last", []))
        last = "|".join(re.escape(w) for w in sorted(p.get("last", []), key=len, reverse=True)) or "last"
        this = "|".join(re.escape(w) for w in sorted(p.get("this", []), key=len, reverse=True)) or "this"
        nxt = "|".join(re.escape(w) for w in sorted(p.get("next", []), key=len, reverse=True)) or "next"
        cum = sorted(p.get("cumulative", []), key=len, reverse=True)
        self.cumulative_words = frozenset(c.lower() for c in cum)
        Y = r"(?:1[6-9]\d\d|20\d\d|21\d\d)"
        D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
        M = rf"(?:{mon})\.?"
        wd = "|".join(self.weekdays) or "monday"
        # one date (a day, month, quarter, half or year); named groups say which parts are there
        date_rx = (
            rf"(?P<iso>{Y}-[01]\d-[0-3]\d)"
            rf"|(?P<md>{M}\s+{D})(?:,?\s+(?P<mdy>{Y}))?(?!\d|,\d)"
            rf"|(?P<dm>{D}\s+{M})(?:,?\s+(?P<dmy>{Y}))?"
            rf"|(?P<my>{M}),?\s+(?P<myy>{Y})"
            rf"|(?P<q>(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|q[1-4])(?:\s+(?:of\s+)?(?P<qy>{Y}))?"
            rf"|(?:the\s+)?three\s+months\s+(?:to|ending|ended)\s+(?:(?:the\s+)?end\s+of\s+)?(?P<q3m>{M})(?:\s+(?P<q3y>{Y}))?"
            rf"|(?P<h>(?:first|second)\s+half|h[12])(?:\s+(?:of\s+)?(?P<hy>{Y}))?"
            rf"|(?P<ys>{Y})\s*[-–/]\s*(?P<ye>{Y}|\d\d)(?!\d)"
            rf"|(?:(?:fiscal|financial|calendar|tax)\s+(?:year\s+)?)?(?P<y>{Y})(?![\d,.]\d)"
            rf"|(?P<rel>{last}|{this}|{nxt})\s+(?P<relu>year|month|week|quarter|decade)"
            rf"|(?P<ago>(?:a|one|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<agou>years?|months?|weeks?|days?)\s+(?:ago|earlier|before))"
            rf"|(?P<wd>{wd})"
            rf"|(?P<today>today|yesterday|tonight)"
            rf"|(?P<mo>{M})(?![\w-])"
        )
        self._date = re.compile(date_rx, re.I)
        cum_rx = "|".join(re.escape(c) for c in cum if c not in ("so far", "to date", "thus far"))
        self._rx = re.compile(
            # "since the outbreak of the revolt in March 2011": a total from that date
            rf"(?P<since>since)\b(?:[^,.;:()]{{1,60}}?\b(?:in|of)|\s+the)\s+(?P<s>{_nogroups(date_rx, 's')})"
            rf"|(?P<between>between|from)\s+(?P<a>{_nogroups(date_rx, 'a')})\s+(?:and|to|until|till|through|-|–)\s+(?P<b>{_nogroups(date_rx, 'b')})"
            rf"|(?P<cum>{cum_rx})\s+(?P<c>{_nogroups(date_rx, 'c')})"
            rf"|(?P<sofar>so\s+far|to\s+date|thus\s+far)"
            rf"|(?P<one>{date_rx})",
            re.I,
        )
        self._month_word = re.compile(rf"^{M}$", re.I)
        self._lower_rx = _lowercase_twin(self._rx)

    # --- public -------------------------------------------------------------------------

    def find(self, text: str, doc: Period | None = None) -> list[PeriodMention]:
        """Every period mention in ``text``, in order, resolved against the document's
        date ``doc`` (a day, or only a month or year: then only what that allows)."""
        out = []
        ref = _Ref(doc.start if doc is not None and doc.grain == "day" else None,
                   doc.year if doc is not None else None)
        for m in _finditer(self._rx, self._lower_rx, text):
            mention = self._mention(m, text, ref)
            if mention is not None:
                out.append(mention)
        return out

    # --- one match ----------------------------------------------------------------------

    def _mention(self, m: re.Match[str], text: str, ref: _Ref) -> PeriodMention | None:
        s, e = m.start(), m.end()
        if m.group("since"):
            c = self._one(m.group("s"), ref)
            if c is None:
                return None
            return PeriodMention(s, e, Period(c.start, ref.day, "cumulative", " ".join(m.group(0).split()),
                                              c.source), "cumulative")
        if m.group("between"):
            a = self._one(m.group("a"), ref)
            b = self._one(m.group("b"), ref, end_of=a)
            if a is None or b is None or (a.start and b.end and a.start > b.end):
                return None
            return PeriodMention(s, e, Period(a.start, b.end, "span", " ".join(m.group(0).split()),
                                              "relative" if "relative" in (a.source, b.source) else "sentence"),
                                 "span")
        if m.group("cum"):
            word = m.group("cum").lower()
            c = self._one(m.group("c"), ref)
            if c is None:
                return None
            t = " ".join(m.group(0).split())
            if word == "since":
                return PeriodMention(s, e, Period(c.start, ref.day, "cumulative", t, c.source), "cumulative")
            if word == "as of":  # a stock as of a date: the date's own grain
                return PeriodMention(s, e, replace(c, text=t), "point")
            return PeriodMention(s, e, Period(None, c.end, "cumulative", t, c.source), "cumulative")
        if m.group("sofar"):
            return PeriodMention(s, e, Period(None, ref.day, "cumulative", m.group(0), "relative"), "cumulative")
        p = self._one(m.group("one"), ref)
        if p is None:
            return None
        if _is_bare_year(m.group("one")) and not self._year_context(text, s, e):
            return None
        kind = "relative" if p.source == "relative" else "point"
        return PeriodMention(s, e, p, kind)

    def _year_context(self, text: str, s: int, e: int) -> bool:
        """A bare four-digit number is a year unless it is a count ("2000 people" reads as
        a count to the figure finder; here it is only a year when nothing says otherwise)."""
        after = text[e:e + 12].lower()
        return not re.match(r"\s*(?:people|persons|men|women|children|troops|soldiers|%|percent)\b", after)

    def _one(self, t: str, ref: _Ref, end_of: Period | None = None) -> Period | None:
        """One date expression as a period (``end_of``: the start of a span, for "March to June 2006")."""
        m = self._date.fullmatch(t.strip())
        if m is None:
            return None
        g = m.groupdict()
        text = " ".join(t.split())
        ref_year = ref.year
        if g["iso"]:
            y, mo, d = (int(x) for x in g["iso"].split("-"))
            day = _day(y, mo, d)
            return Period(day, day, "day", text) if day else None
        if g["md"] or g["dm"]:
            md = (g["md"] or g["dm"]).replace(".", " ").split()
            mon_word, day_word = (md[0], md[1]) if g["md"] else (md[1], md[0])
            mo = _MONTHS.get(mon_word[:3].lower())
            d = int(re.sub(r"\D", "", day_word))
            y = int(g["mdy"] or g["dmy"] or 0) or (end_of.year if end_of and end_of.year else None) or ref_year
            if mo is None or y is None:
                return None
            day = _day(y, mo, d)
            if day is not None and ref.day is not None and not (g["mdy"] or g["dmy"]) and day > ref.day:
                day = _day(y - 1, mo, d)  # news speaks of the past: "December 9" before an August date
            source = "sentence" if (g["mdy"] or g["dmy"]) else "relative"
            return Period(day, day, "day", text, source) if day else None
        if g["my"]:
            return month_period(int(g["myy"]), _MONTHS[g["my"][:3].lower()], text)
        if g["q"]:
            q = _ORDINAL[g["q"].split()[0].lower()]
            y = int(g["qy"]) if g["qy"] else ref_year
            if y is None:
                return None
            a, b = _quarter(y, q)
            return Period(a, b, "quarter", text, "sentence" if g["qy"] else "relative")
        if g["q3m"]:
            mo = _MONTHS[g["q3m"][:3].lower()]
            y = int(g["q3y"]) if g["q3y"] else ref_year
            if y is None:
                return None
            end = date(y, mo, calendar.monthrange(y, mo)[1])
            if not g["q3y"] and ref.day is not None and end > ref.day + timedelta(days=31):
                y -= 1  # news speaks of the past: "the three months to September", said in March
                end = date(y, mo, calendar.monthrange(y, mo)[1])
            start_m, start_y = (mo - 2, y) if mo > 2 else (mo + 10, y - 1)
            return Period(date(start_y, start_m, 1), end, "quarter", text, "sentence" if g["q3y"] else "relative")
        if g["h"]:
            h = _ORDINAL[g["h"].split()[0].lower()]
            y = int(g["hy"]) if g["hy"] else ref_year
            if y is None:
                return None
            return Period(date(y, 1 if h == 1 else 7, 1), date(y, 6 if h == 1 else 12, 30 if h == 1 else 31),
                          "half", text, "sentence" if g["hy"] else "relative")
        if g["ys"]:
            y0 = int(g["ys"])
            ye = g["ye"]
            y1 = int(ye) if len(ye) == 4 else (y0 // 100) * 100 + int(ye)
            if not (y0 < y1 <= y0 + 50):
                return None
            return Period(date(y0, 1, 1), date(y1, 12, 31), "span", text)
        if g["y"]:
            y = int(g["y"])
            return year_period(y, text) if self.year_min <= y <= self.year_max else None
        if g["rel"]:
            return self._relative(g["rel"].lower(), g["relu"].lower(), ref, text)
        if g["ago"]:
            return self._ago(g["ago"].lower(), ref, text)
        if g["wd"]:
            if ref.day is None:
                return None
            target = self.weekdays.index(g["wd"].lower()) % 7
            day = ref.day - timedelta(days=(ref.day.weekday() - target) % 7)
            return Period(day, day, "day", text, "relative")
        if g["today"]:
            if ref.day is None:
                return None
            day = ref.day - timedelta(days=1) if g["today"].lower() == "yesterday" else ref.day
            return Period(day, day, "day", text, "relative")
        if g["mo"]:
            mo = _MONTHS[g["mo"][:3].lower()]
            if end_of is not None and end_of.end is not None:
                y = end_of.end.year if mo >= end_of.end.month else end_of.end.year + 1
            elif ref.day is not None:
                y = ref.day.year if mo <= ref.day.month else ref.day.year - 1  # news speaks of the past
            elif ref.year is not None:
                y = ref.year
            else:
                return None
            return month_period(y, mo, text, "relative")
        return None

    def _relative(self, word: str, unit: str, r: _Ref, text: str) -> Period | None:
        shift = 0 if word in self.this_words else -1 if word in self.last_words else 1
        if r.year is None:
            return None
        if unit == "year":
            return year_period(r.year + shift, text, "relative")
        if unit == "decade":
            d0 = (r.year // 10 + shift) * 10
            return Period(date(d0, 1, 1), date(d0 + 9, 12, 31), "span", text, "relative")
        if r.day is None:
            return None
        ref = r.day
        if unit == "quarter":
            q = (ref.month - 1) // 3 + 1 + shift
            y = ref.year + (q - 1) // 4
            q = (q - 1) % 4 + 1
            a, b = _quarter(y, q)
            return Period(a, b, "quarter", text, "relative")
        if unit == "month":
            mo = ref.month + shift
            y = ref.year + (mo - 1) // 12
            mo = (mo - 1) % 12 + 1
            return month_period(y, mo, text, "relative")
        start = ref - timedelta(days=ref.weekday()) + timedelta(weeks=shift)
        return Period(start, start + timedelta(days=6), "week", text, "relative")

    def _ago(self, t: str, r: _Ref, text: str) -> Period | None:
        n_word, unit = t.split()[0], t.split()[1].rstrip("s")
        n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10}.get(n_word)
        n = int(n_word) if n is None and n_word.isdigit() else n
        if n is None:
            return None
        if unit == "year":
            return None if r.year is None else year_period(r.year - n, text, "relative")
        if r.day is None:
            return None
        ref = r.day
        if unit == "month":
            mo = ref.month - n
            y = ref.year + (mo - 1) // 12
            return month_period(y, (mo - 1) % 12 + 1, text, "relative")
        days = n * (7 if unit == "week" else 1)
        day = ref - timedelta(days=days)
        return Period(day, day, "day", text, "relative")


def _is_bare_year(t: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{4}\s*", t))


def _finditer(rx: re.Pattern[str], twin: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    """``rx.finditer(text)``, faster on ASCII text (nearly all news sentences).

    The case-insensitive period pattern tries each of its ~150 alternatives at every
    position, which made it 5% of extraction.  Its ``twin`` (:func:`_lowercase_twin`)
    scans the lowercased text and finds the same matches at half the cost (for ASCII text
    and a pattern without capitals, case-insensitive matching is comparing lowercase
    forms); each hit is then matched again on the original text at its start, so callers
    get the original's match object and groups."""
    if twin is None or not text.isascii():
        return list(rx.finditer(text))
    hits = []
    for m in twin.finditer(text.lower()):
        again = rx.match(text, m.start())
        if again is None or again.end() != m.end():  # cannot happen; never trust a twin blindly
            return list(rx.finditer(text))
        hits.append(again)
    return hits


def _lowercase_twin(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """``rx`` (compiled with re.I) compiled case-sensitively, when matching it against
    lowercased ASCII text is the same as matching ``rx`` itself: its literals and classes
    hold no capital letter and no cased non-ASCII letter (such as the Kelvin sign, which
    re.I would match to "k").  None otherwise (a user's rules may bring such words)."""
    pattern = re.sub(r"\(\?P<", "", rx.pattern)
    if "(?-i" in pattern or any(c.isupper() or (not c.isascii() and c.isalpha()) for c in pattern):
        return None
    return re.compile(rx.pattern)


def _nogroups(rx: str, prefix: str) -> str:
    """The date pattern again with its group names prefixed (a regex names a group once)."""
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{prefix}_{m.group(1)}>", rx)



def load_dates(path: Path) -> dict[str, Period]:
    """Documents' dates from a CSV file of ``path,date`` rows (a header row is allowed):
    resolved absolute paths (as written, and relative to the CSV's folder) -> the date as
    a day, a month or a year.  A bad row is a one-line error naming the file and line."""
    import csv

    from nkextract.errors import UsageError

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read dates file {path}: {getattr(e, 'strerror', None) or e}") from None
    out: dict[str, Period] = {}
    base = Path(path).resolve().parent
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) != 2:
            raise UsageError(f"{path}:{n}: expected 'path,date', got {len(row)} fields")
        name, when = row[0].strip(), row[1].strip()
        if n == 1 and name.lower() in ("path", "file", "source") and when.lower() == "date":
            continue
        day = parse_date(when)
        if day is None or not name:
            raise UsageError(f"{path}:{n}: cannot read the date {when!r} (use 2017-12-24, 24 December 2017, "
                             f"December 2017 or 2017)")
        if re.fullmatch(r"\d{4}", when):
            grain = "year"
        elif re.fullmatch(r"\d{4}-\d{2}|[A-Za-z]+\.?,?\s+\d{4}", when):
            grain = "month"
        else:
            grain = "day"
        period = (year_period(day.year, when, "document") if grain == "year"
                  else month_period(day.year, day.month, when, "document") if grain == "month"
                  else Period(day, day, "day", when, "document"))
        for p in {Path(name).resolve(), (base / name).resolve()}:
            out[str(p)] = period
    return out


def parse_key(key: str, grain: str | None) -> Period | None:
    """A period back from its :meth:`Period.key` text (claims files carry the text)."""
    try:
        if "/" in key:
            a, b = key.split("/", 1)
            start = _key_day(a, first=True)
            end = _key_day(b, first=False)
            return Period(start, end, grain or "span", key)
        if re.fullmatch(r"\d{4}", key):
            return year_period(int(key), key)
        m = re.fullmatch(r"(\d{4})-Q([1-4])", key)
        if m:
            a0, b0 = _quarter(int(m.group(1)), int(m.group(2)))
            return Period(a0, b0, "quarter", key)
        m = re.fullmatch(r"(\d{4})-H([12])", key)
        if m:
            y, h = int(m.group(1)), int(m.group(2))
            return Period(date(y, 1 if h == 1 else 7, 1), date(y, 6 if h == 1 else 12, 30 if h == 1 else 31),
                          "half", key)
        m = re.fullmatch(r"(\d{4})-(\d{2})", key)
        if m:
            return month_period(int(m.group(1)), int(m.group(2)), key)
        d = date.fromisoformat(key)
        return Period(d, d, grain or "day", key)
    except ValueError:
        return None


def _key_day(part: str, first: bool) -> date | None:
    if part == "..":
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})", part)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return date(y, mo, 1) if first else date(y, mo, calendar.monthrange(y, mo)[1])
    return date.fromisoformat(part)
