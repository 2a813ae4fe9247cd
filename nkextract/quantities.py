"""Turn the surface form of a figure into an interval: pure functions, no spaCy.

``parse_quantity("between $1.2 and $2.3 billion", lex)`` ->
``Quantity(low=1.2e9, high=2.3e9, qualifier="range", unit="USD", kind="money")``.

Why a hand-written grammar on top of text2num: text2num parses cardinal words
("two hundred and fifty thousand") and is used for exactly that, but it does not know
digits-with-scale ("1.2 billion", "£600m"), vague magnitudes ("hundreds of thousands"),
qualifiers, ranges with one shared scale ("$1.2 – $2.3 billion") or units.  Those are
small, table-driven rules whose vocabulary comes from ``rules/numbers.toml`` and
``rules/units.toml``; this module only holds the grammar that combines them.

The input is a short phrase (the figure span found by :mod:`nkextract.figures`), so a
simple regex tokenizer is enough and keeps this module independent of spaCy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from text_to_num import text2num

from .rules import Rules, Unit

QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
KINDS = ("count", "money", "percent", "duration", "rate", "year", "other")

# Order matters: "us$" before words, separated digits before plain digits.
_TOKEN_RE = re.compile(
    r"""\d+(?:,\d{3})+(?:\.\d+)?(?![\d,])   # 80,000 / 1,234.5
      | \d+(?:\.\d+)?                       # 12 / 1.2
      | \.\d+                               # .5
      | (?:us|hk|a|c)\$                     # US$, HK$
      | [$£€¥₩₽%+]
      | [-–—‒]
      | [a-z]+(?:'[a-z]+)?
      | \S""",
    re.X,
)
_DIGITS_RE = re.compile(r"^(?:\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)$")
_DASHES = {"-", "–", "—", "‒"}
_ARTICLES = {"a", "an"}


@dataclass(frozen=True)
class Quantity:
    """A figure as an interval.  ``None`` on a side means open ("more than 5": high None)."""

    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    kind: str
    per: str | None = None


@dataclass(frozen=True)
class _Side:
    low: float
    high: float
    scale: float | None  # the scale word's value, if one was written
    currency: Unit | None
    unit: Unit | None
    vague: bool


def tokenize(text: str) -> list[str]:
    """Lower-case phrase tokens: numbers, currency symbols, dashes, words."""
    return _TOKEN_RE.findall(text.lower())


def _phrases(words: Iterable[str]) -> list[tuple[str, ...]]:
    return [tuple(tokenize(w)) for w in words if tokenize(w)]


class Lexicon:
    """The vocabulary of figures, compiled from :class:`Rules` for fast lookups."""

    def __init__(self, rules: Rules) -> None:
        n = rules.numbers
        self.cardinals = frozenset(w.lower() for w in n.get("cardinals", []))
        self.ignore_alone = frozenset(w.lower() for w in n.get("ignore_alone", []))
        self.scales = {k.lower(): float(v) for k, v in n.get("scales", {}).items()}
        self.scales_need_currency = frozenset(w.lower() for w in n.get("scales_need_currency", []))
        self.words = {k.lower(): float(v) for k, v in n.get("words", {}).items()}
        self.vague = {k.lower(): (float(a), float(b)) for k, (a, b) in n.get("vague", {}).items()}
        q = n.get("qualifiers", {})
        prio = {"at_least": 0, "at_most": 0, "approx": 1}
        lead = [(p, c) for c in ("at_least", "at_most", "approx") for p in _phrases(q.get(c, []))]
        self.leading = sorted(lead, key=lambda pc: (-len(pc[0]), prio[pc[1]]))
        trail = [(p, c) for c in ("at_least", "at_most", "approx")
                 for p in _phrases(q.get(f"trailing_{c}", []))]
        self.trailing = sorted(trail, key=lambda pc: -len(pc[0]))
        r = n.get("ranges", {})
        self.openers = frozenset(w.lower() for w in r.get("openers", []))
        self.joiners = sorted(_phrases(r.get("joiners", [])), key=len, reverse=True)
        y = n.get("years", {})
        self.year_min, self.year_max = int(y.get("min", 1800)), int(y.get("max", 2100))
        self.units = rules.units
        self.symbols: dict[tuple[str, ...], Unit] = {}
        self.unit_words: list[tuple[tuple[str, ...], Unit]] = []
        for u in rules.units:
            for s in _phrases(u.symbols):
                self.symbols.setdefault(s, u)
            for w in _phrases(u.words):
                self.unit_words.append((w, u))
        self.unit_words.sort(key=lambda wu: -len(wu[0]))
        self.periods = sorted(
            ((p, per) for per, ps in rules.periods.items() for p in _phrases(ps)),
            key=lambda pp: -len(pp[0]),
        )

    def is_year(self, text: str) -> bool:
        """A bare four-digit integer inside the configured year span ("2017", not "2,017")."""
        return len(text) == 4 and text.isdigit() and self.year_min <= int(text) <= self.year_max


def _startswith(toks: Sequence[str], phrase: Sequence[str]) -> bool:
    return len(toks) >= len(phrase) and tuple(toks[: len(phrase)]) == tuple(phrase)


def _endswith(toks: Sequence[str], phrase: Sequence[str]) -> bool:
    return len(toks) >= len(phrase) and tuple(toks[len(toks) - len(phrase):]) == tuple(phrase)


def _finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


def parse_number(toks: Sequence[str], lex: Lexicon, currency: bool = False) -> tuple[float, float, float | None, bool] | None:
    """Parse number tokens to ``(low, high, scale, vague)``; ``None`` if they are not a number.

    Handles digits with scales ("1.2 billion", "5k"), cardinal words via text2num,
    lexicon words ("a dozen", "half a million") and vague magnitudes
    ("hundreds of thousands").
    """
    toks = [t for i, t in enumerate(toks) if not (t in _DASHES and 0 < i < len(toks) - 1)]
    if toks and toks[-1] == "of":
        toks = toks[:-1]
    if not toks or any(t in _DASHES for t in toks):
        return None
    if toks[0] in _ARTICLES and len(toks) > 1:
        toks = toks[1:]
    # scales written after the number ("billion", "bn", "thousand"), multiplied together
    scale = 1.0
    wrote_scale = False
    body = toks
    while len(body) > 1:
        word = body[-1]
        if word not in lex.scales and word.endswith("s") and body[-2] == "of" and len(body) > 2 \
                and body[-3] in lex.vague:
            word = word[:-1]  # "hundreds of thousands": the plural scales the vague head
        if word not in lex.scales:
            break
        if word in lex.scales_need_currency and not currency:
            return None
        scale *= lex.scales[word]
        wrote_scale = True
        body = body[:-1]
        # "hundreds of thousands", "a couple of million", "half a million"; not "5 of million"
        if len(body) > 1 and ((body[-1] == "of" and (body[-2] in lex.vague or body[-2] in lex.words))
                              or (body[-1] in _ARTICLES and body[-2] in lex.words)):
            body = body[:-1]
    # a phrase of cardinal words goes to text2num whole: "one million two hundred thousand"
    # is 1,200,000, not (one million two) x hundred x thousand.  text2num does not know
    # "trillion", so when it fails the scale-stripped head is tried instead.
    # Its scale (shared with a range's other end) is a trailing scale after a plain head:
    # "three million" has one, "two hundred and fifty thousand" has none.
    whole = _cardinal_value(toks, lex) if _all_cardinal(toks, lex) else None
    if whole is not None:
        plain = wrote_scale and not any(t in lex.scales for t in body)
        return whole, whole, (scale if plain else None), False
    head = _parse_head(body, lex)
    if head is None:
        return None
    lo, hi, vague = head
    lo, hi = lo * scale, hi * scale
    if not (_finite(lo) and _finite(hi)):
        return None
    return lo, hi, (scale if wrote_scale else None), vague


def _all_cardinal(toks: Sequence[str], lex: Lexicon) -> bool:
    return bool(toks) and all(t in lex.cardinals or t == "and" for t in toks) \
        and toks[0] != "and" and toks[-1] != "and"


def _cardinal_value(toks: Sequence[str], lex: Lexicon) -> float | None:
    try:
        v = float(text2num(" ".join(toks), "en"))
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return v if _finite(v) else None


def _parse_head(toks: Sequence[str], lex: Lexicon) -> tuple[float, float, bool] | None:
    if not toks:
        return None
    if len(toks) == 1:
        t = toks[0]
        if _DIGITS_RE.match(t):
            v = float(t.replace(",", ""))
            return (v, v, False) if _finite(v) else None
        if t in lex.vague:
            lo, hi = lex.vague[t]
            return lo, hi, True
        if t in lex.words:
            return lex.words[t], lex.words[t], False
    # "two and a half" (years), "one and a half" (million)
    if len(toks) > 3 and tuple(toks[-3:]) == ("and", "a", "half"):
        base = _parse_head(toks[:-3], lex)
        if base is None or base[2]:
            return None
        return base[0] + 0.5, base[0] + 0.5, False
    # a multiplier word last: "two dozen", "a couple dozen", "half a dozen"
    if toks[-1] in lex.words:
        before = list(toks[:-1])
        if before and before[0] in _ARTICLES:
            before = before[1:]
        if len(before) > 1 and before[-1] in _ARTICLES:
            before = before[:-1]  # "half a dozen"
        base = _parse_head(before, lex) if before else (1.0, 1.0, False)
        if base is None or base[2]:
            return None
        v = base[0] * lex.words[toks[-1]]
        return v, v, False
    if _all_cardinal(toks, lex):
        v = _cardinal_value(toks, lex)
        return None if v is None else (v, v, False)
    # digits followed by scale words already stripped; anything else is not a number
    return None


def _split_units(toks: list[str], lex: Lexicon) -> tuple[Unit | None, list[str], Unit | None] | None:
    """Peel a leading currency symbol and a trailing unit word off one side."""
    currency = None
    for sym, unit in lex.symbols.items():
        if _startswith(toks, sym):
            currency, toks = unit, toks[len(sym):]
            break
    unit = None
    for words, u in lex.unit_words:
        if len(toks) > len(words) and _endswith(toks, words):
            unit, toks = u, toks[: len(toks) - len(words)]
            break
    if currency is not None and unit is not None and unit.name != currency.name:
        return None  # "$5 euros", "$5%", "$10 hours"
    return currency, toks, unit


def _parse_side(toks: list[str], lex: Lexicon) -> _Side | None:
    split = _split_units(toks, lex)
    if split is None:
        return None
    currency, rest, unit = split
    if unit is not None and unit.kind == "money":
        currency, unit = unit, None
    num = parse_number(rest, lex, currency=currency is not None)
    if num is None:
        return None
    lo, hi, scale, vague = num
    if unit is not None:  # canonical unit now, so the two ends of a range compare
        lo, hi = lo * unit.factor, hi * unit.factor
    return _Side(lo, hi, scale, currency, unit, vague)


def _split_range(toks: list[str], lex: Lexicon) -> Iterable[tuple[list[str], list[str]]]:
    """Every way to cut the tokens at a range joiner ("between A and B", "A-B", "A to B")."""
    body = toks
    opened = bool(toks) and toks[0] in lex.openers
    if opened:
        body = toks[1:]
    # right to left: "between two hundred and fifty and three hundred" cuts at the last "and"
    for i in range(len(body) - 1, 0, -1):
        for j in lex.joiners:
            if _startswith(body[i:], j):
                if j == ("and",) and not opened:
                    continue  # "two hundred and fifty" is one number
                left, right = body[:i], body[i + len(j):]
                if left and right:
                    yield left, right


def _unhedge(toks: list[str], lex: Lexicon) -> list[str]:
    """Drop an approx qualifier inside one end of a range: "between about 5 and about 10"."""
    for phrase, cls in lex.leading:
        if cls == "approx" and len(toks) > len(phrase) and _startswith(toks, phrase):
            return toks[len(phrase):]
    return toks


def _strip_tail(toks: list[str], lex: Lexicon) -> tuple[list[str], str | None, str | None]:
    """Peel a trailing qualifier and a period, in either order, to ``(toks, qual, per)``.

    "$5 million or more a year", "12 hours a day or more"; a qualifier may also sit
    between the number and its unit: "20 or more years", "5+ years", "20-odd years".
    """
    qual = per = None
    changed = True
    while changed:
        changed = False
        for phrase, p in lex.periods if per is None else ():
            if len(toks) > len(phrase) and _endswith(toks, phrase):
                per, toks, changed = p, toks[: len(toks) - len(phrase)], True
                break
        if qual is not None:
            continue
        units = [()] + [w for w, _ in lex.unit_words if len(toks) > len(w) and _endswith(toks, w)][:1]
        for unit in units:
            head = toks[: len(toks) - len(unit)]
            for phrase, cls in lex.trailing:
                if len(head) > len(phrase) and _endswith(head, phrase):
                    qual, toks, changed = cls, head[: len(head) - len(phrase)] + list(unit), True
                    break
            if changed:
                break
    return toks, qual, per


def parse_quantity(text: str, lex: Lexicon) -> Quantity | None:
    """Parse a figure phrase to a :class:`Quantity`, or ``None`` if it is not one.

    Never raises on any input: callers feed it arbitrary spans from arbitrary text.
    """
    toks = tokenize(text)
    if not toks or len(toks) > 40:
        return None
    qual = None
    stripped = True
    while stripped and toks:
        stripped = False
        for phrase, cls in lex.leading:
            if _startswith(toks, phrase) and len(toks) > len(phrase):
                qual = cls if qual in (None, "approx") else qual
                toks = toks[len(phrase):]
                if len(toks) > 1 and toks[0] == ".":
                    toks = toks[1:]  # "c. 5,000", "approx. 5", "est. 300"
                stripped = True
                break
    toks, trail, per = _strip_tail(toks, lex)
    qual = trail or qual
    if not toks:
        return None

    sides: tuple[_Side, _Side] | None = None
    single = None if toks[0] in lex.openers else _parse_side(toks, lex)
    for left, right in ([] if single is not None else _split_range(toks, lex)):
        a, b = _parse_side(_unhedge(left, lex), lex), _parse_side(_unhedge(right, lex), lex)
        shared = None if a is None or b is None else _share(a, b)
        if shared is not None and shared[0].low <= shared[1].high:
            sides = shared
            break
    if sides is None:
        one = single
        if one is None:
            return None
        core = toks[1:] if toks[0] in _ARTICLES else toks
        core = core[:-1] if len(core) > 1 and core[-1] == "of" else core
        if len(core) == 1 and core[0] in lex.ignore_alone and qual is None:
            return None  # "one", "a couple of", "half": not a figure on their own
        sides = (one, one)
        is_range = False
    else:
        is_range = True

    a, b = sides
    unit = a.currency or a.unit
    low, high = a.low, b.high
    vague = a.vague or b.vague
    if is_range:
        qualifier = "range"
    elif qual in ("at_least", "at_most"):
        qualifier = qual
        low, high = (low, None) if qual == "at_least" else (None, high)
    elif qual == "approx" or vague:
        qualifier = "approx"
    else:
        qualifier = "exact"
    kind = unit.kind if unit is not None else "count"
    name = unit.name if unit is not None else None
    if per is not None:
        kind = "rate"
        if name is not None:
            name = f"{name}/{per}"
    return Quantity(low=low, high=high, qualifier=qualifier, unit=name, kind=kind, per=per)


def _share(a: _Side, b: _Side) -> tuple[_Side, _Side] | None:
    """Give both ends of a range the scale, currency and unit written on one end.

    "$1.2 – $2.3 billion": the billion applies to 1.2, and "tens to hundreds of
    thousands" scales "tens" too.  "500 to 2 million" stays 500..2,000,000 because
    scaling 500 would exceed the upper end.  Ends in different currencies or units
    ("$5 – €10", "six months to two years") are not one range: ``None``.
    """
    if a.scale is None and b.scale is not None:
        scaled = a.low * b.scale
        if scaled <= b.high:
            a = replace(a, low=scaled, high=a.high * b.scale, scale=b.scale)
    if a.currency and b.currency and a.currency.name != b.currency.name:
        return None
    if a.unit and b.unit and a.unit.name != b.unit.name:
        return None
    currency = a.currency or b.currency
    if currency is not None and (a.unit or b.unit):
        return None  # "$5 – 10 percent"
    if a.unit is None and b.unit is not None:  # "six to 12 decades": 60..120 years
        a = replace(a, low=a.low * b.unit.factor, high=a.high * b.unit.factor, unit=b.unit)
    if b.unit is None and a.unit is not None:
        b = replace(b, low=b.low * a.unit.factor, high=b.high * a.unit.factor, unit=a.unit)
    return replace(a, currency=currency), replace(b, currency=currency)
