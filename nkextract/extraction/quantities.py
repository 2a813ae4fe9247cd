"""Turn the surface form of a figure into an interval: pure functions, no spaCy.

``parse_quantity("between $1.2 and $2.3 billion", lex)`` ->
``Quantity(low=1.2e9, high=2.3e9, qualifier="range", unit="USD", kind="money")``.

Why a hand-written grammar on top of text2num: text2num parses cardinal words
("two hundred and fifty thousand") and is used for exactly that, but it does not know
digits-with-scale ("1.2 billion", "£600m"), vague magnitudes ("hundreds of thousands"),
qualifiers, ranges with one shared scale ("$1.2 – $2.3 billion"), units, fractions and
shares ("two-thirds of", "one in five"), signs and changes ("minus 5", "fell 0.3%"),
ratios ("140 times", "a third more") or ranks ("12th").  Those are small, table-driven
rules whose vocabulary comes from ``rules/numbers.toml`` and ``rules/units.toml``; this
module only holds the grammar that combines them.

The input is a short phrase (the figure span found by :mod:`nkextract.extraction.figures`, with
the words around it that decide its reading: a change word before it, "of" after a
share), so a simple regex tokenizer is enough and keeps this module independent of spaCy.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from nkextract.extraction.lexicon import ARTICLES, PERCENT, Lexicon, Num, Quantity, Side, finite, times, tokenize
from nkextract.extraction.numbers import integer_value, ordinal_value, parse_number
from nkextract.rules import Unit


def _minor_units(toks: list[str], lex: Lexicon) -> tuple[list[str], float] | None:
    """"seven dollars twenty": a money word between the units and the cents."""
    for k in range(1, len(toks) - 1):
        for words, unit in lex.unit_ix.starting(toks, k):
            if unit.kind != "money":
                continue
            cents = integer_value(toks[k + len(words):], lex)
            if cents is not None and 0 < cents < 100:
                return toks[:k + len(words)], cents / 100.0
    return None


def _split_units(toks: list[str], lex: Lexicon) -> tuple[Unit | None, list[str], Unit | None] | None:
    """Peel a leading currency symbol and a trailing unit word off one side."""
    currency = None
    for sym, unit in lex.symbol_ix.starting(toks):
        if len(toks) > len(sym):
            currency, toks = unit, toks[len(sym):]
            break
    # "30 USD million": a scale after the currency word belongs to the number
    if len(toks) > 2 and toks[-1] in lex.scales and toks[-1] in lex.cardinals:
        for words, u in lex.unit_ix.ending(toks, len(toks) - 1):
            if u.kind == "money" and len(toks) > len(words) + 1:
                toks = toks[:len(toks) - 1 - len(words)] + [toks[-1], *words]
                break
    unit = None
    for words, u in lex.unit_ix.ending(toks):
        if len(toks) > len(words):
            unit, toks = u, toks[: len(toks) - len(words)]
            break
    if currency is not None and unit is not None and unit.name != currency.name:
        return None  # "$5 euros", "$5%", "$10 hours"
    return currency, toks, unit


def _parse_side(toks: list[str], lex: Lexicon) -> Side | None:
    minor = _minor_units(toks, lex)
    cents = 0.0
    if minor is not None:
        toks, cents = minor
    split = _split_units(toks, lex)
    if split is None:
        return None
    currency, rest, unit = split
    if unit is not None and unit.kind == "money":
        currency, unit = unit, None
    num = parse_number(rest, lex, currency=currency is not None)
    if num is None:
        return None
    lo, hi = num.low + cents, num.high + cents
    factor = (unit or currency).factor if (unit or currency) is not None else 1.0
    lo, hi = times(lo, factor), times(hi, factor)  # canonical unit now, so the two ends of a range compare
    return Side(lo, hi, num.scale, currency, unit, num.vague, num.fraction and unit is None and currency is None)


def _split_range(toks: list[str], lex: Lexicon) -> Iterable[tuple[list[str], list[str]]]:
    """Every way to cut the tokens at a range joiner ("between A and B", "A-B", "A to B")."""
    body = toks
    opened = bool(toks) and toks[0] in lex.openers
    if opened:
        body = toks[1:]
    # right to left: "between two hundred and fifty and three hundred" cuts at the last "and"
    for i in range(len(body) - 1, 0, -1):
        for j, _ in lex.joiner_ix.starting(body, i):
            if j == ("and",) and not opened:
                continue  # "two hundred and fifty" is one number
            left, right = body[:i], body[i + len(j):]
            if left and right:
                yield left, right


def _unhedge(toks: list[str], lex: Lexicon) -> list[str]:
    """Drop an approx qualifier inside one end of a range: "between about 5 and about 10"."""
    for phrase, cls in lex.leading_ix.starting(toks):
        if cls == "approx" and len(toks) > len(phrase):
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
        for phrase, p in lex.period_ix.ending(toks) if per is None else ():
            if len(toks) > len(phrase):
                per, toks, changed = p, toks[: len(toks) - len(phrase)], True
                break
        if qual is not None:
            continue
        units = [()] + [w for w, _ in lex.unit_ix.ending(toks) if len(toks) > len(w)][:1]
        for unit in units:
            head = toks[: len(toks) - len(unit)]
            for phrase, cls in lex.trailing_ix.ending(head):
                if len(head) > len(phrase):
                    qual, toks, changed = cls, head[: len(head) - len(phrase)] + list(unit), True
                    break
            if changed:
                break
    return toks, qual, per


def _strip_leading(toks: list[str], lex: Lexicon, qual: str | None) -> tuple[list[str], str | None]:
    """Peel leading qualifiers ("more than", "about", "an estimated more than")."""
    stripped = True
    while stripped and toks:
        stripped = False
        for phrase, cls in lex.leading_ix.starting(toks):
            if len(toks) > len(phrase):
                qual = cls if qual in (None, "approx") else qual
                toks = toks[len(phrase):]
                if len(toks) > 1 and toks[0] == ".":
                    toks = toks[1:]  # "c. 5,000", "approx. 5", "est. 300"
                stripped = True
                break
    return toks, qual


def _change_before(toks: list[str], lex: Lexicon) -> tuple[list[str], int, bool]:
    """A rise or fall word before the figure: "fell 0.3%", "down by 4%", "a rise of 3%";
    the flag says the word makes a change only of a percentage ("lost 9%")."""
    for phrase, (sign, percent_only) in lex.change_before_ix.starting(toks):
        if len(toks) > len(phrase):
            rest = toks[len(phrase):]
            for link, _ in lex.links_ix.starting(rest):
                if len(rest) > len(link):
                    rest = rest[len(link):]
                    break
            return rest, sign, percent_only
    return toks, 0, False


def _change_after(toks: list[str], lex: Lexicon) -> tuple[list[str], int]:
    """A rise or fall noun after the figure: "a 3% rise", "a 2% fall"."""
    for phrase, sign in lex.change_after_ix.ending(toks):
        if len(toks) > len(phrase):
            return toks[: len(toks) - len(phrase)], sign
    return toks, 0


def _comparison(toks: list[str], lex: Lexicon) -> tuple[list[str], str | None]:
    """What a ratio says after it: "8 times higher", "a third more", "twice as many"."""
    for phrase, how in lex.compare_ix.ending(toks):
        if len(toks) > len(phrase):
            rest = toks[: len(toks) - len(phrase)]
            last = rest[-1]
            if (last in lex.ratio_words or last in lex.multiplier_words or last in lex.fraction_words
                    or last in lex.fraction_chars):
                return rest, how
    return toks, None


# --- whole phrases --------------------------------------------------------------------------


def parse_quantity(text: str, lex: Lexicon) -> Quantity | None:
    """Parse a figure phrase to a :class:`Quantity`, or ``None`` if it is not one.

    Never raises on any input: callers feed it arbitrary spans from arbitrary text.
    """
    toks = tokenize(text)
    if not toks or len(toks) > 40:
        return None
    toks = _unglue_fold(toks, lex)
    if any(t in lex.bound_starts for t in toks):
        both = _combined_bounds(toks, lex)
        if both is not None:
            return both
    return _parse(toks, lex)


def _unglue_fold(toks: list[str], lex: Lexicon) -> list[str]:
    """"ninefold" is "nine" and the ratio word "fold"."""
    out = []
    for t in toks:
        for w in lex.ratio_words:
            if t.endswith(w) and t[: -len(w)] in lex.cardinals:
                out.extend((t[: -len(w)], w))
                break
        else:
            out.append(t)
    return out


def _parse(toks: list[str], lex: Lexicon) -> Quantity | None:
    """One phrase, outside in: qualifiers and a change word before, a rate, a trailing
    qualifier, a comparison, a change noun and a share's "of" after; then the core is a
    rank, a multiplier word, a share ("one in five"), a value and its uncertainty, a
    range or a single side, and :func:`_finish` says what it is a figure of."""
    toks, qual = _strip_leading(toks, lex, None)
    toks, sign, percent_only = _change_before(toks, lex)
    if sign:
        toks, qual = _strip_leading(toks, lex, qual)
    toks, trail, per = _strip_tail(toks, lex)
    qual = trail or qual
    toks, compare = _comparison(toks, lex)
    if not sign and compare is None:
        toks, sign = _change_after(toks, lex)
    share = len(toks) > 1 and toks[-1] == "of"
    if share:
        toks = toks[:-1]
    if not toks:
        return None

    rank = ordinal_value(toks, lex)
    if rank is not None and not share and not sign and compare is None:
        return Quantity(rank, rank, "approx" if qual == "approx" else "exact", None, "rank")
    if len(toks) == 1 and toks[0] in lex.multiplier_words:  # "twice", "double", "tripled"
        v = lex.multiplier_words[toks[0]]
        if per is not None:  # "twice a year": how often, not how much more
            return Quantity(v, v, "approx" if qual == "approx" else "exact", None, "rate", per)
        return _finish(Num(v, v, None), None, qual, per, sign=0, share=False,
                       compare=compare or "as", ratio=True, is_range=False, ratio_unit=lex.ratio_unit)
    sides = _share_in(toks, lex)
    is_range = False
    if sides is None:
        sides = _plus_minus(toks, lex)
        is_range = sides is not None
    if sides is None:
        single = None if toks[0] in lex.openers else _parse_side(toks, lex)
        for left, right in ([] if single is not None else _split_range(toks, lex)):
            x, y = _parse_side(_unhedge(left, lex), lex), _parse_side(_unhedge(right, lex), lex)
            shared = None if x is None or y is None else _share(_thousands(left, right, x, y), y)
            if shared is not None and shared[0].low <= shared[1].high:
                sides, is_range = shared, True
                break
        if sides is None:
            if single is None:
                return None
            core = toks[1:] if toks[0] in ARTICLES and len(toks) > 1 else toks
            core = core[:-1] if len(core) > 1 and core[-1] == "of" else core
            article_fraction = toks[0] in ARTICLES and core[0] in lex.fraction_words
            if len(core) == 1 and core[0] in lex.ignore_alone and qual is None \
                    and not ((share and single.fraction) or sign or compare or article_fraction):
                return None  # "one", "a couple of", "half": not a figure on their own
            sides = (single, single)
    a, b = sides
    unit = a.currency or a.unit
    num = Num(a.low, b.high, None, a.vague or b.vague, a.fraction and b.fraction)
    if percent_only and not (num.fraction or (unit is not None and unit.kind == "percent")):
        sign = 0  # "cut 4,000 jobs", "lost 13,235 square kilometres": an amount
    return _finish(num, unit, qual, per, sign=sign, share=share, compare=compare,
                   ratio=unit is not None and unit.kind == "ratio", is_range=is_range, ratio_unit=lex.ratio_unit)


def _finish(num: Num, unit: Unit | None, qual: str | None, per: str | None, *, sign: int,
            share: bool, compare: str | None, ratio: bool, is_range: bool, ratio_unit: str) -> Quantity | None:
    """The reading of a parsed number: its qualifier, and whether it is a share, a ratio
    or a change (see the module docs and README "The claim record")."""
    low, high = num.low, num.high
    name = unit.name if unit is not None else None
    kind = unit.kind if unit is not None else "count"
    if num.fraction and unit is None and (share or (sign and compare is None)):
        # "two-thirds of voters", "cut by a third": a share, in percent
        low, high, name, kind = times(low, 100.0), times(high, 100.0), "percent", "percent"
    elif num.fraction and unit is None and compare is not None:
        # "a third more" is 1.33 times; "half as many" 0.5 times; "a quarter less" 0.75
        if compare == "more":
            low, high = 1.0 + low, 1.0 + high
        elif compare == "less":
            low, high = 1.0 - high, 1.0 - low
        ratio = True
    elif ratio and compare == "less":  # "8 times less": one eighth
        if low <= 0:
            return None
        low, high = 1.0 / high, 1.0 / low
    if ratio:
        name, kind, sign = ratio_unit, "ratio", 0
    elif compare is not None and not num.fraction:
        return None  # "5 higher" is no ratio
    if sign:
        kind = "change"
    if is_range:
        qualifier = "range"
    elif qual in ("at_least", "at_most"):
        qualifier = qual
        low, high = (low, None) if qual == "at_least" else (None, high)
    elif qual == "approx" or num.vague:
        qualifier = "approx"
    else:
        qualifier = "exact"
    if sign < 0:  # a fall: the change is negative, and its bounds swap sides
        low, high = (None if high is None else -high), (None if low is None else -low)
        qualifier = {"at_least": "at_most", "at_most": "at_least"}.get(qualifier, qualifier)
    if per is not None:
        kind = "change" if kind == "change" else "rate"
        if name is not None:
            name = f"{name}/{per}"
    for bound in (low, high):
        if bound is not None and not finite(bound):
            return None
    return Quantity(low=low, high=high, qualifier=qualifier, unit=name, kind=kind, per=per)


def _share_in(toks: list[str], lex: Lexicon) -> tuple[Side, Side] | None:
    """"one in five", "three out of four", "1 in 2,000", "one Iraqi in 40": a share, as a percentage."""
    for i in range(1, len(toks) - 1):
        for j, _ in lex.share_ix.starting(toks, i):
            right, left = toks[i + len(j):], toks[:i]
            if len(left) == 2 and left[0] in ("one", "1") and left[1].isalpha():
                left = left[:1]  # "one Iraqi in 40": what is counted stands between
            a, b = integer_value(left, lex), integer_value(right, lex)
            if a is None or b is None or not 0 < a <= b or (len(right) == 1 and lex.is_year(right[0])):
                return None
            side = Side(100.0 * a / b, 100.0 * a / b, None, None, PERCENT, False)
            return side, side
    return None


def _plus_minus_at(toks: list[str], lex: Lexicon) -> tuple[int, int] | None:
    for i in range(1, len(toks) - 1):
        n = lex.plus_minus_ix.at(toks, i)
        if n:
            return i, n
    return None


def _plus_minus(toks: list[str], lex: Lexicon) -> tuple[Side, Side] | None:
    """"12.5±0.3", "9.83 +/- 0.01 percent": a value and its uncertainty, as an interval.
    A glued "12.5±0.3" is one token in text and three here."""
    at = _plus_minus_at(toks, lex)
    if at is None:
        return None
    i, n = at
    centre, delta = _parse_side(toks[:i], lex), _parse_side(toks[i + n:], lex)
    if centre is None or delta is None or delta.low < 0 or delta.low != delta.high:
        return None
    unit = centre.unit or delta.unit
    if centre.unit and delta.unit and centre.unit.name != delta.unit.name:
        return None
    lo = replace(centre, low=centre.low - delta.low, high=centre.low - delta.low, unit=unit)
    hi = replace(centre, low=centre.high + delta.low, high=centre.high + delta.low, unit=unit)
    return lo, hi


def _combined_bounds(toks: list[str], lex: Lexicon) -> Quantity | None:
    """"more than 5 and less than 25", "no less than 30 and no more than 70": two opposite
    bounds joined by "and", "but" or a comma are one interval."""
    def bounding(ts: Sequence[str]) -> bool:
        return any(c != "approx" for _, c in lex.leading_ix.starting(ts))

    if not bounding(toks):
        return None
    for i in range(2, len(toks) - 1):
        for j, _ in lex.bounds_ix.starting(toks, i):
            right = toks[i + len(j):]
            if not bounding(right):
                continue
            a, b = _parse(toks[:i], lex), _parse(right, lex)
            if a is None or b is None or {a.qualifier, b.qualifier} != {"at_least", "at_most"}:
                continue
            lo, hi = (a, b) if a.qualifier == "at_least" else (b, a)
            if lo.unit and hi.unit and lo.unit != hi.unit or lo.kind == "change" or hi.kind == "change":
                continue
            if lo.low is None or hi.high is None or lo.low > hi.high:
                continue
            unit = lo.unit or hi.unit
            kind = lo.kind if lo.unit else hi.kind
            return Quantity(lo.low, hi.high, "range", unit, kind, lo.per or hi.per)
    return None


def _thousands(left: list[str], right: list[str], a: Side, b: Side) -> Side:
    """"300-400,000", "5-10,000 people": a bare small number before one that ends in
    ",000" groups shares those thousands, because of the two readings only 300,000-400,000
    has ends less than 1,000 times apart.  "1-2,500" and "5-1000" keep their digits: no
    group of zeros is written to share."""
    if a.scale is not None or len(left) != 1 or not left[0].isdigit() or len(right) != 1 or a.low <= 0:
        return a
    zeros = 0
    text = right[0]
    while text.endswith(",000"):
        text, zeros = text[:-4], zeros + 1
    factor = 1000.0 ** zeros
    if zeros and b.high / a.low >= 1000 and a.low * factor < b.low and b.high / (a.low * factor) < 1000:
        return replace(a, low=times(a.low, factor), high=times(a.high, factor))
    return a


def _share(a: Side, b: Side) -> tuple[Side, Side] | None:
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
    if a.currency is None and b.currency is not None and b.currency.factor != 1.0:  # "5 to 10 pence"
        a = replace(a, low=a.low * b.currency.factor, high=a.high * b.currency.factor)
    if a.unit is None and b.unit is not None:  # "six to 12 decades": 60..120 years
        a = replace(a, low=a.low * b.unit.factor, high=a.high * b.unit.factor, unit=b.unit)
    if b.unit is None and a.unit is not None:
        b = replace(b, low=b.low * a.unit.factor, high=b.high * a.unit.factor, unit=a.unit)
    return replace(a, currency=currency), replace(b, currency=currency)
