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

import math
import re
from dataclasses import dataclass, replace
from typing import Generic, Iterable, Iterator, Sequence, TypeVar

from text_to_num import text2num

from nkextract.rules import Rules, Unit

QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
KINDS = ("count", "money", "percent", "duration", "rate", "year", "other", "change", "ratio", "rank")

# Order matters: scientific notation and ordinals before plain digits, "us$" before words,
# separated digits before plain digits.  A sign glued to a number ("-5", "−4C") is read as
# a sign only where it cannot be a range dash ("5-6") or a hyphen ("COVID-19").
_TOKEN_RE = re.compile(
    r"""(?P<sci>\d+(?:\.\d+)?(?:e[-+−]?\d+|\s?[×x*]\s?10(?:\^\s?[-+−]?\d+|[-−]\d+|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))(?![\w.])
      | (?P<ord>\d+(?:,\d{3})*(?:st|nd|rd|th))(?![a-z])
      | (?P<neg>(?<![\w.,%)\]])[-−](?=\.?\d))
      | (?P<pos>(?<![\w.,%)\]])\+(?=\.?\d))
      | \d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])   # 80,000 / 1,234.5 (never "1001,001")
      | \d+(?:\.\d+)?                       # 12 / 1.2
      | \.\d+                               # .5
      | (?:us|hk|a|c)\$                     # US$, HK$
      | [$£€¥₩₽₹%+]
      | [-–—‒−]
      | [a-z]+(?:'[a-z]+)?
      | \S""",
    re.X,
)
_DIGITS_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)$")
# Forms the figure finder recognises in spaCy tokens: a signed number, an ordinal,
# scientific notation (with a glued uncertainty), a fraction.
SIGNED_RE = re.compile(r"^[-−+](?:\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)$")
ORDINAL_RE = re.compile(r"^(\d+(?:,\d{3})*)(st|nd|rd|th)$")
SCI_RE = re.compile(r"^[-−]?\d+(?:\.\d+)?(?:e[-+−]?\d+|[×x*]10(?:\^[-+−]?\d+|[-−]\d+|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|±\d+(?:\.\d+)?)$")
_SCI_PARTS_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:e([-+−]?\d+)|\s?[×x*]\s?10(?:\^\s?([-+−]?\d+)|([-−]\d+)|(⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))$")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# hyphen, en dash, em dash, figure dash, minus sign: "145-148", "50—100", "2−3"
_DASHES = {"-", "–", "—", "‒", "−"}
_ARTICLES = {"a", "an"}
_NEG = "<neg>"  # a sign glued to a number; never produced by the token pattern itself
_MAX_EXPONENT = 300
_PERCENT = Unit("percent", "percent")


@dataclass(frozen=True)
class Quantity:
    """A figure as an interval.  ``None`` on a side means open ("more than 5": high None).

    ``kind`` is the unit's kind, or ``change`` (a signed change: "fell 2%" is -2 percent),
    ``ratio`` (a relative figure: "twice" is 2 "times"), ``rank`` (an ordinal: "12th").
    """

    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    kind: str
    per: str | None = None


@dataclass(frozen=True)
class _Num:
    low: float
    high: float
    scale: float | None  # the scale word's value, if one was written
    vague: bool = False
    fraction: bool = False  # written as a fraction: "two-thirds", "1/2", "½"


@dataclass(frozen=True)
class _Side:
    low: float
    high: float
    scale: float | None
    currency: Unit | None
    unit: Unit | None
    vague: bool
    fraction: bool = False


def tokenize(text: str) -> list[str]:
    """Lower-case phrase tokens: numbers, currency symbols, dashes, words.

    A sign glued before a number becomes a sign token (``-5`` -> sign, ``5``); a glued
    ``+`` is dropped ("+44" is 44).
    """
    out = []
    for m in _TOKEN_RE.finditer(text.lower()):
        kind = m.lastgroup
        if kind == "neg":
            out.append(_NEG)
        elif kind != "pos":
            out.append(m.group(0))
    return out


V = TypeVar("V")


class PhraseIndex(Generic[V]):
    """Phrases (token tuples) with values, indexed by their first and last token: finding
    the phrases that start or end at a position is a dict lookup, not a scan of every
    phrase in the rules (parsing and figure finding do this for every number).  Items
    keep the order they are given in: the caller's priority (usually longest first)."""

    def __init__(self, items: Iterable[tuple[tuple[str, ...], V]]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        self.by_last: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        for phrase, value in items:
            if phrase:
                self.by_first.setdefault(phrase[0], []).append((phrase, value))
                self.by_last.setdefault(phrase[-1], []).append((phrase, value))

    @classmethod
    def of(cls, phrases: Iterable[Sequence[str]]) -> PhraseIndex[None]:
        """Plain phrases, longest first."""
        return PhraseIndex((p, None) for p in sorted({tuple(p) for p in phrases if p}, key=len, reverse=True))

    def starting(self, toks: Sequence[str], i: int = 0) -> Iterator[tuple[tuple[str, ...], V]]:
        """The phrases that start at ``toks[i]``, in priority order."""
        if i < len(toks):
            for phrase, value in self.by_first.get(toks[i], ()):
                if tuple(toks[i:i + len(phrase)]) == phrase:
                    yield phrase, value

    def ending(self, toks: Sequence[str], end: int | None = None) -> Iterator[tuple[tuple[str, ...], V]]:
        """The phrases that end just before ``toks[end]`` (default: at the end), in priority order."""
        end = len(toks) if end is None else end
        if end > 0:
            for phrase, value in self.by_last.get(toks[end - 1], ()):
                if end >= len(phrase) and tuple(toks[end - len(phrase):end]) == phrase:
                    yield phrase, value

    def at(self, toks: Sequence[str], i: int) -> int:
        """Length of the first phrase starting at ``i`` (0 if none)."""
        return next((len(p) for p, _ in self.starting(toks, i)), 0)

    def before(self, toks: Sequence[str], i: int) -> int:
        """Length of the first phrase ending just before ``i`` (0 if none)."""
        return next((len(p) for p, _ in self.ending(toks, i)), 0)

    def within(self, toks: Sequence[str], lo: int, hi: int) -> bool:
        """Does a phrase start anywhere in ``[lo, hi)``?"""
        return any(self.at(toks, k) for k in range(max(0, lo), min(len(toks), hi)))


def regex_alternation(words: Iterable[str]) -> str:
    """A regex for exactly these words, written as a prefix tree ("t(?:hree|wo)").

    Python's regex engine tries the branches of a flat alternation one by one at every
    position; with the hundred-odd number words of the rules that made extraction's
    pre-filter a tenth of the run.  A tree fails on the first letter instead.
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _phrases(words: Iterable[str]) -> list[tuple[str, ...]]:
    return [tuple(tokenize(w)) for w in words if tokenize(w)]


def _longest_first(phrases: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return sorted(phrases, key=len, reverse=True)


class Lexicon:
    """The vocabulary of figures, compiled from :class:`Rules` for fast lookups."""

    def __init__(self, rules: Rules) -> None:
        n = rules.numbers
        self.cardinals = frozenset(w.lower() for w in n.get("cardinals", []))
        self.ignore_alone = frozenset(w.lower() for w in n.get("ignore_alone", []))
        self.scales = {k.lower(): float(v) for k, v in n.get("scales", {}).items()}
        self.scales_need_currency = frozenset(w.lower() for w in n.get("scales_need_currency", []))
        self.scales_upper_need_currency = frozenset(w.lower() for w in n.get("scales_upper_need_currency", []))
        self.scales_upper = {k: v.lower() for k, v in n.get("scales_upper", {}).items()}  # case kept
        self.words = {k.lower(): float(v) for k, v in n.get("words", {}).items()}
        self.vague = {k.lower(): (float(a), float(b)) for k, (a, b) in n.get("vague", {}).items()}
        self.vague_need_of = frozenset(w.lower() for w in n.get("vague_need_of", []))
        self.negative_words = frozenset(w.lower() for w in n.get("negative_words", []))
        dec = n.get("decimals", {})
        self.points = frozenset(w.lower() for w in dec.get("point", []))
        self.zeros = frozenset(w.lower() for w in dec.get("zero", []))
        fr = n.get("fractions", {})
        self.fraction_words = {k.lower(): float(v) for k, v in fr.get("words", {}).items()}
        self.fraction_chars = {k: float(v) for k, v in fr.get("chars", {}).items()}
        self.slash_denominators = frozenset(float(d) for d in fr.get("slash_denominators", []))
        self.share_joiners = _longest_first(_phrases(fr.get("share_joiners", [])))
        self.rank_context = [w.lower() for w in rules.context.get("ranks", {}).get("context_after", [])]
        o = n.get("ordinals", {})
        self.ordinal_suffixes = frozenset(w.lower() for w in o.get("suffixes", []))
        self.ordinal_words = {k.lower(): float(v) for k, v in o.get("words", {}).items()}
        m = n.get("multipliers", {})
        self.multiplier_words = {k.lower(): float(v) for k, v in m.get("words", {}).items()}
        self.compare = _longest_first([(p, "more") for p in _phrases(m.get("more", []))]
                                      + [(p, "as") for p in _phrases(m.get("same", []))]
                                      + [(p, "less") for p in _phrases(m.get("less", []))])
        self.occasion_words = frozenset(w.lower() for w in m.get("occasions", []))
        c = n.get("changes", {})
        # (phrase, sign, only before a percentage)
        self.change_before = sorted([(p, 1, False) for p in _phrases(c.get("rise", []))]
                                    + [(p, -1, False) for p in _phrases(c.get("fall", []))]
                                    + [(p, 1, True) for p in _phrases(c.get("rise_percent", []))]
                                    + [(p, -1, True) for p in _phrases(c.get("fall_percent", []))],
                                    key=lambda ps: -len(ps[0]))
        self.change_after = sorted([(p, 1) for p in _phrases(c.get("rise_after", []))]
                                   + [(p, -1) for p in _phrases(c.get("fall_after", []))], key=lambda ps: -len(ps[0]))
        self.change_links = _longest_first(_phrases(c.get("links", [])))
        self.change_particles = frozenset(w.lower() for w in c.get("particles", []))
        self.particles_after = frozenset(w.lower() for w in c.get("particles_after", []))
        self.change_levels = frozenset(w.lower() for w in c.get("levels", []))
        self.change_from_to = frozenset(w.lower() for w in c.get("from_to", []))
        self.range_words = frozenset(w.lower() for w in c.get("range_words", []))
        self.plus_minus = _longest_first(_phrases(n.get("science", {}).get("plus_minus", [])))
        q = n.get("qualifiers", {})
        prio = {"at_least": 0, "at_most": 0, "approx": 1}
        lead = [(p, c) for c in ("at_least", "at_most", "approx") for p in _phrases(q.get(c, []))]
        self.leading = sorted(lead, key=lambda pc: (-len(pc[0]), prio[pc[1]]))
        trail = [(p, c) for c in ("at_least", "at_most", "approx")
                 for p in _phrases(q.get(f"trailing_{c}", []))]
        self.trailing = sorted(trail, key=lambda pc: -len(pc[0]))
        r = n.get("ranges", {})
        self.openers = frozenset(w.lower() for w in r.get("openers", []))
        self.joiners = _longest_first(_phrases(r.get("joiners", [])))
        self.bounds = _longest_first(_phrases(r.get("bounds", [])))
        self.bound_starts = frozenset(p[0] for p in self.bounds)
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
        self.ratio_words = frozenset(w[-1] for w, u in self.unit_words if u.kind == "ratio")
        self.ratio_unit = next((u.name for u in rules.units if u.kind == "ratio"), "times")
        # the same vocabulary indexed for lookups at a position (see PhraseIndex)
        self.leading_ix = PhraseIndex(self.leading)
        self.trailing_ix = PhraseIndex(self.trailing)
        self.unit_ix = PhraseIndex(self.unit_words)
        self.symbol_ix = PhraseIndex(sorted(self.symbols.items(), key=lambda su: -len(su[0])))
        self.change_before_ix = PhraseIndex((p, (sign, only)) for p, sign, only in self.change_before)
        self.change_after_ix = PhraseIndex(self.change_after)
        self.links_ix = PhraseIndex.of(self.change_links)
        self.compare_ix = PhraseIndex(self.compare)
        self.joiner_ix = PhraseIndex.of(self.joiners)
        self.bounds_ix = PhraseIndex.of(self.bounds)
        self.share_ix = PhraseIndex.of(self.share_joiners)
        self.plus_minus_ix = PhraseIndex.of(self.plus_minus)
        self.periods = sorted(
            ((p, per) for per, ps in rules.periods.items() for p in _phrases(ps)),
            key=lambda pp: -len(pp[0]),
        )
        self.period_ix = PhraseIndex(self.periods)

    def is_year(self, text: str) -> bool:
        """A bare four-digit integer inside the configured year span ("2017", not "2,017")."""
        return len(text) == 4 and text.isdigit() and self.year_min <= int(text) <= self.year_max

    def candidate_words(self) -> frozenset[str]:
        """Words that can make a sentence hold a figure without a digit: the cheap
        pre-filter of extraction looks for these ("two-thirds of", "twice as many", "minus
        five").  Ordinals are in :meth:`candidate_context`: "first" alone is no figure."""
        glued = {c + r for c in self.cardinals for r in self.ratio_words}  # "ninefold"
        return frozenset((self.cardinals | set(self.words) | set(self.vague) | set(self.fraction_words)
                          | set(self.multiplier_words) | glued | set(self.fraction_chars) | self.negative_words)
                         - (self.ignore_alone - set(self.fraction_words)) - set(self.ordinal_words))

    def candidate_context(self) -> str:
        """A regex for ordinals in the pre-filter: a rank ("the fourth straight year",
        "second-largest") or a fraction ("a third of").  Ordinal words alone ("first",
        "second") are common and rarely figures; reading every sentence that has one cost a
        tenth more tokenizing on news."""
        ordinals = regex_alternation(self.ordinal_words)
        context = regex_alternation(w.strip("-") for w in self.rank_context)
        fractions = regex_alternation(set(self.fraction_words) & set(self.ordinal_words))
        numerators = regex_alternation(self.cardinals | {"a", "an"})
        parts = []
        if ordinals and context:
            parts.append(rf"\b(?:{ordinals})\W+(?:\w+\W+)?(?:{context})\b")
        if fractions:
            parts.append(rf"\b(?:{numerators})\W+(?:{fractions})\b")
        return "|".join(parts)


def _finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


# --- numbers ----------------------------------------------------------------------------


def parse_number(toks: Sequence[str], lex: Lexicon, currency: bool = False) -> _Num | None:
    """Parse number tokens; ``None`` if they are not a number.

    Handles signs ("minus 5"), fractions ("two-thirds", "3 1/4", "½"), digits with scales
    ("1.2 billion", "5k"), cardinal words via text2num, digits and words mixed ("6
    thousand 2 hundred and 15"), decimals in words ("six point nought two"), lexicon
    words ("a dozen", "half a million") and vague magnitudes ("hundreds of thousands").
    """
    if any(t in _DASHES and _DIGITS_RE.match(toks[i + 1]) for i, t in enumerate(toks[1:-1], 1)):
        # "180–500", "145-148 million", "1 thousand–1": a range or nothing, never the
        # number 180,500, 145,148 or 1,001; a dash joins only what follows a number
        # ("65-thousand", "twenty-five")
        return None
    toks = [t for i, t in enumerate(toks) if not (t in _DASHES and 0 < i < len(toks) - 1)]
    if toks and toks[-1] == "of":
        toks = toks[:-1]
    if not toks or any(t in _DASHES for t in toks):
        return None
    negative = toks[0] == _NEG or (toks[0] in lex.negative_words and len(toks) > 1)
    if negative:
        toks = toks[1:]
    num = _unsigned(toks, lex, currency)
    if num is None or not negative:
        return num
    return replace(num, low=-num.high, high=-num.low)


def _unsigned(toks: Sequence[str], lex: Lexicon, currency: bool) -> _Num | None:
    if not toks or toks[0] == _NEG:
        return None
    frac = _fraction(toks, lex)
    if frac is not None:
        return _Num(frac, frac, None, fraction=True)
    if toks[0] in _ARTICLES and len(toks) > 1:
        toks = toks[1:]
    and_fraction = _scale_and_fraction(toks, lex, currency)
    if and_fraction is not None:
        return and_fraction
    if sum(1 for t in toks if _DIGITS_RE.match(t)) > 1 or (
            _DIGITS_RE.match(toks[0]) and any(t in lex.cardinals and t not in lex.scales for t in toks)):
        mixed = _mixed(toks, lex)  # "6 thousand 2 hundred and 15", "1 million 200 thousand"
        if mixed is not None:
            return _Num(mixed, mixed, None)
    # scales written after the number ("billion", "bn", "thousand"), multiplied together
    scale = 1.0
    wrote_scale = False
    body = list(toks)
    while len(body) > 1:
        word = body[-1]
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
        return _Num(whole, whole, scale if plain else None)
    head = _parse_head(body, lex)
    if head is None:
        return None
    lo, hi = head.low * scale, head.high * scale
    if not (_finite(lo) and _finite(hi)):
        return None
    return _Num(lo, hi, scale if wrote_scale else None, head.vague, head.fraction and not wrote_scale)


def _all_cardinal(toks: Sequence[str], lex: Lexicon) -> bool:
    return bool(toks) and all(t in lex.cardinals or t == "and" for t in toks) \
        and toks[0] != "and" and toks[-1] != "and"


def _cardinal_value(toks: Sequence[str], lex: Lexicon) -> float | None:
    try:
        v = float(text2num(" ".join(toks), "en"))
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return v if _finite(v) else None


def _integer(toks: Sequence[str], lex: Lexicon) -> float | None:
    """A whole number written in digits or cardinal words ("three", "10", "a hundred")."""
    toks = [t for t in toks if t not in _DASHES]
    if toks and toks[0] in _ARTICLES:
        toks = ["one", *toks[1:]]
    if len(toks) == 1 and _DIGITS_RE.match(toks[0]) and "." not in toks[0]:
        return float(toks[0].replace(",", ""))
    if _all_cardinal(toks, lex):
        return _cardinal_value(toks, lex)
    return None


def _parse_head(toks: Sequence[str], lex: Lexicon) -> _Num | None:
    if not toks:
        return None
    if len(toks) == 1:
        t = toks[0]
        if _DIGITS_RE.match(t):
            v = float(t.replace(",", ""))
            return _Num(v, v, None) if _finite(v) else None
        sci = _sci_value(t)
        if sci is not None:
            return _Num(sci, sci, None)
        if t in lex.vague:
            lo, hi = lex.vague[t]
            return _Num(lo, hi, None, vague=True)
        if t in lex.words:
            return _Num(lex.words[t], lex.words[t], None)
    frac = _fraction(toks, lex)
    if frac is not None:  # "one and a half" (million)
        return _Num(frac, frac, None, fraction=True)
    # a multiplier word last: "two dozen", "5 dozens", "a couple dozen", "half a dozen"
    if toks[-1] in lex.words and lex.words[toks[-1]] >= 2:
        before = list(toks[:-1])
        if before and before[0] in _ARTICLES:
            before = before[1:]
        if len(before) > 1 and before[-1] in _ARTICLES:
            before = before[:-1]  # "half a dozen"
        base = _parse_head(before, lex) if before else _Num(1.0, 1.0, None)
        if base is None or base.vague:
            return None
        v = base.low * lex.words[toks[-1]]
        return _Num(v, v, None)
    if _all_cardinal(toks, lex):
        v = _cardinal_value(toks, lex)
        return None if v is None else _Num(v, v, None)
    v = _grouped(toks) if all(_DIGITS_RE.match(t) for t in toks) else None
    if v is None and any(t in lex.points for t in toks):
        v = _spoken_decimal(toks, lex)
    return None if v is None else _Num(v, v, None)


def _sci_value(tok: str) -> float | None:
    """Scientific notation in one token: "1e-3", "3.1×10−4", "2.48×10^-5", "6×10⁴"."""
    m = _SCI_PARTS_RE.match(tok)
    if not m:
        return None
    exp = next(g for g in m.groups()[1:] if g is not None).translate(_SUPERSCRIPTS).replace("−", "-")
    if not re.fullmatch(r"[-+]?\d+", exp) or abs(int(exp)) > _MAX_EXPONENT:
        return None
    v = float(m.group(1)) * 10.0 ** int(exp)
    return v if _finite(v) else None


def _grouped(toks: Sequence[str]) -> float | None:
    """Thousands separated by spaces, SI style: "1 071 000", "27 733".  Only groups of
    exactly three digits after a first group of one to three ("5 5" stays two numbers)."""
    if len(toks) < 2 or not (1 <= len(toks[0]) <= 3 and toks[0].isdigit()):
        return None
    if not all(len(t) == 3 and t.isdigit() for t in toks[1:]):
        return None
    return float("".join(toks))


def _spoken_decimal(toks: Sequence[str], lex: Lexicon) -> float | None:
    """"three hundred point zero five" = 300.05, "six point nought two" = 6.02,
    "two hundred point seventy-one" = 200.71."""
    k = next(i for i, t in enumerate(toks) if t in lex.points)
    whole, after = toks[:k], [t for t in toks[k + 1:] if t not in _DASHES]
    base = _integer(whole, lex) if whole else None
    if base is None or not after:
        return None
    singles = [_digit_word(t, lex) for t in after]
    if all(d is not None for d in singles):
        digits = "".join(d for d in singles if d is not None)
    else:
        v = _cardinal_value(after, lex) if _all_cardinal(after, lex) else None
        if v is None or not 10 <= v < 100:
            return None
        digits = str(int(v))
    return float(f"{int(base)}.{digits}")


def _digit_word(word: str, lex: Lexicon) -> str | None:
    """One digit written as a word after a decimal point: "zero", "nought", "oh", "five"."""
    if word in lex.zeros:
        return "0"
    v = _cardinal_value([word], lex) if word in lex.cardinals else None
    return None if v is None or not 0 <= v < 10 else str(int(v))


def _mixed(toks: Sequence[str], lex: Lexicon) -> float | None:
    """Digits and scale words in sequence: "6 thousand 2 hundred and 15" = 6,215,
    "40-thousand-two" = 40,002.  Scales must fall ("5 thousand 6 thousand" is not one),
    and after "hundred" only a number under a hundred may follow ("2 hundred 3 hundred" is not one).
    """
    total = group = 0.0  # group: the part below the next scale ("2 hundred and 15")
    last_scale = math.inf
    hundred = have_digit = prev_number = False
    words: list[str] = []

    def add(v: float) -> bool:
        nonlocal group, prev_number
        if prev_number or (hundred and v >= 100) or (group and not hundred):
            return False
        group += v
        prev_number = True
        return True

    def flush() -> bool:
        if not words:
            return True
        v = _cardinal_value(words, lex)
        words.clear()
        return v is not None and add(v)

    for t in toks:
        if _DIGITS_RE.match(t) and "." not in t:
            if not flush() or not add(float(t.replace(",", ""))):
                return None
            have_digit = True
        elif t == "and":
            if not flush() or prev_number or not group:
                return None
        elif t in lex.scales and t in lex.cardinals:
            if not flush() or not group:
                return None
            if lex.scales[t] < 1000:  # "hundred": within a group of three digits
                if hundred or group >= 100:
                    return None
                group, hundred = group * 100.0, True
            else:
                s = lex.scales[t]
                if s >= last_scale:
                    return None
                total, group, last_scale, hundred = total + group * s, 0.0, s, False
            prev_number = False
        elif t in lex.cardinals:
            if prev_number:
                return None
            words.append(t)
        else:
            return None
    if not flush() or not have_digit:
        return None
    v = total + group
    return v if _finite(v) else None


def _fraction(toks: Sequence[str], lex: Lexicon) -> float | None:
    """A fraction or a mixed number: "a half", "two-thirds", "three eighths", "1/2",
    "3 1/4", "⅓", "3½", "one and a half", "three and three quarters".

    A fraction word needs a numerator ("a", "one", "two"): alone, "third" and "fifth"
    are ordinals.
    """
    toks = [t for t in toks if t not in _DASHES]
    if not toks:
        return None
    if len(toks) == 1 and toks[0] in lex.fraction_chars:
        return lex.fraction_chars[toks[0]]
    if len(toks) == 1 and toks[0] in lex.fraction_words and toks[0] not in lex.ordinal_words \
            and not toks[0].endswith("s"):
        return 1.0 / lex.fraction_words[toks[0]]  # "half", "quarter": no ordinal to confuse
    if len(toks) == 2 and toks[1] in lex.fraction_chars:  # "3½" (split by the tokenizer)
        whole = _integer(toks[:1], lex)
        return None if whole is None else whole + lex.fraction_chars[toks[1]]
    if len(toks) in (3, 4) and toks[-2] == "/":  # "1/2", "3 1/4"
        a, b = _integer(toks[-3:-2], lex), _integer(toks[-1:], lex)
        if a is None or b is None or b not in lex.slash_denominators or not 0 < a < b:
            return None
        whole = _integer(toks[:1], lex) if len(toks) == 4 else 0.0
        return None if whole is None else whole + a / b
    if toks[-1] not in lex.fraction_words:
        return None
    if "and" in toks:  # "one and a half", "twenty and three fifths"; not "a million and a half"
        k = len(toks) - 1 - toks[::-1].index("and")
        if k == 0 or (toks[k - 1] in lex.scales and lex.scales[toks[k - 1]] >= 1000):
            return None
        whole, part = _integer(toks[:k], lex), _fraction(toks[k + 1:], lex)
        return None if whole is None or part is None else whole + part
    numerator = _integer(toks[:-1], lex) if len(toks) > 1 else None
    if numerator is None:
        return None
    if numerator == 0:
        return 0.0
    return numerator / lex.fraction_words[toks[-1]]


def _scale_and_fraction(toks: Sequence[str], lex: Lexicon, currency: bool) -> _Num | None:
    """"a million and a half" = 1.5 million: the fraction is of the last scale."""
    if "and" not in toks:
        return None
    k = len(toks) - 1 - list(toks)[::-1].index("and")
    if k == 0 or toks[k - 1] not in lex.scales:
        return None
    part = _fraction(toks[k + 1:], lex)
    base = _unsigned(["one", *toks[k - 1:k]] if k == 1 else toks[:k], lex, currency) \
        if part is not None else None
    if base is None or base.vague:
        return None
    v = base.low + part * lex.scales[toks[k - 1]]
    return _Num(v, v, None)


def _ordinal(toks: Sequence[str], lex: Lexicon) -> float | None:
    """A rank: "12th", "3,000th", "fourth", "twenty-first", "one hundred and first"."""
    toks = [t for t in toks if t not in _DASHES]
    if len(toks) == 1:
        m = ORDINAL_RE.match(toks[0])
        if m and m.group(2) in lex.ordinal_suffixes:
            return float(m.group(1).replace(",", ""))
    if not toks or toks[-1] not in lex.ordinal_words:
        return None
    rank = lex.ordinal_words[toks[-1]]
    head = toks[:-1]
    if head and head[-1] == "and":
        head = head[:-1]
    if not head:
        return rank
    base = _cardinal_value(head, lex) if _all_cardinal(head, lex) else None
    if base is None:
        return None
    return base * rank if base < rank and rank >= 100 else base + rank


# --- units and sides ----------------------------------------------------------------------


def _minor_units(toks: list[str], lex: Lexicon) -> tuple[list[str], float] | None:
    """"seven dollars twenty": a money word between the units and the cents."""
    for k in range(1, len(toks) - 1):
        for words, unit in lex.unit_ix.starting(toks, k):
            if unit.kind != "money":
                continue
            cents = _integer(toks[k + len(words):], lex)
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


def _parse_side(toks: list[str], lex: Lexicon) -> _Side | None:
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
    lo, hi = lo * factor, hi * factor  # canonical unit now, so the two ends of a range compare
    return _Side(lo, hi, num.scale, currency, unit, num.vague, num.fraction and unit is None and currency is None)


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

    rank = _ordinal(toks, lex)
    if rank is not None and not share and not sign and compare is None:
        return Quantity(rank, rank, "approx" if qual == "approx" else "exact", None, "rank")
    if len(toks) == 1 and toks[0] in lex.multiplier_words:  # "twice", "double", "tripled"
        v = lex.multiplier_words[toks[0]]
        if per is not None:  # "twice a year": how often, not how much more
            return Quantity(v, v, "approx" if qual == "approx" else "exact", None, "rate", per)
        return _finish(_Num(v, v, None), None, qual, per, sign=0, share=False,
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
            core = toks[1:] if toks[0] in _ARTICLES and len(toks) > 1 else toks
            core = core[:-1] if len(core) > 1 and core[-1] == "of" else core
            article_fraction = toks[0] in _ARTICLES and core[0] in lex.fraction_words
            if len(core) == 1 and core[0] in lex.ignore_alone and qual is None \
                    and not ((share and single.fraction) or sign or compare or article_fraction):
                return None  # "one", "a couple of", "half": not a figure on their own
            sides = (single, single)
    a, b = sides
    unit = a.currency or a.unit
    num = _Num(a.low, b.high, None, a.vague or b.vague, a.fraction and b.fraction)
    if percent_only and not (num.fraction or (unit is not None and unit.kind == "percent")):
        sign = 0  # "cut 4,000 jobs", "lost 13,235 square kilometres": an amount
    return _finish(num, unit, qual, per, sign=sign, share=share, compare=compare,
                   ratio=unit is not None and unit.kind == "ratio", is_range=is_range, ratio_unit=lex.ratio_unit)


def _finish(num: _Num, unit: Unit | None, qual: str | None, per: str | None, *, sign: int,
            share: bool, compare: str | None, ratio: bool, is_range: bool, ratio_unit: str) -> Quantity | None:
    """The reading of a parsed number: its qualifier, and whether it is a share, a ratio
    or a change (see the module docs and README "The claim record")."""
    low, high = num.low, num.high
    name = unit.name if unit is not None else None
    kind = unit.kind if unit is not None else "count"
    if num.fraction and unit is None and (share or (sign and compare is None)):
        # "two-thirds of voters", "cut by a third": a share, in percent
        low, high, name, kind = low * 100.0, high * 100.0, "percent", "percent"
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
        if bound is not None and not _finite(bound):
            return None
    return Quantity(low=low, high=high, qualifier=qualifier, unit=name, kind=kind, per=per)


def _share_in(toks: list[str], lex: Lexicon) -> tuple[_Side, _Side] | None:
    """"one in five", "three out of four", "1 in 2,000", "one Iraqi in 40": a share, as a percentage."""
    for i in range(1, len(toks) - 1):
        for j, _ in lex.share_ix.starting(toks, i):
            right, left = toks[i + len(j):], toks[:i]
            if len(left) == 2 and left[0] in ("one", "1") and left[1].isalpha():
                left = left[:1]  # "one Iraqi in 40": what is counted stands between
            a, b = _integer(left, lex), _integer(right, lex)
            if a is None or b is None or not 0 < a <= b or (len(right) == 1 and lex.is_year(right[0])):
                return None
            side = _Side(100.0 * a / b, 100.0 * a / b, None, None, _PERCENT, False)
            return side, side
    return None


def _plus_minus_at(toks: list[str], lex: Lexicon) -> tuple[int, int] | None:
    for i in range(1, len(toks) - 1):
        n = lex.plus_minus_ix.at(toks, i)
        if n:
            return i, n
    return None


def _plus_minus(toks: list[str], lex: Lexicon) -> tuple[_Side, _Side] | None:
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


def _thousands(left: list[str], right: list[str], a: _Side, b: _Side) -> _Side:
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
        return replace(a, low=a.low * factor, high=a.high * factor)
    return a


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
    if a.currency is None and b.currency is not None and b.currency.factor != 1.0:  # "5 to 10 pence"
        a = replace(a, low=a.low * b.currency.factor, high=a.high * b.currency.factor)
    if a.unit is None and b.unit is not None:  # "six to 12 decades": 60..120 years
        a = replace(a, low=a.low * b.unit.factor, high=a.high * b.unit.factor, unit=b.unit)
    if b.unit is None and a.unit is not None:
        b = replace(b, low=b.low * a.unit.factor, high=b.high * a.unit.factor, unit=a.unit)
    return replace(a, currency=currency), replace(b, currency=currency)
