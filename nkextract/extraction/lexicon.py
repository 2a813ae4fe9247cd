"""The vocabulary of figures, built once per process from the rules: number words, scales,
units, qualifiers, change words (:class:`Lexicon`), and the records a parse returns
(:class:`Quantity`).  Pure Python, no spaCy.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from dataclasses import dataclass
from typing import Generic, Iterable, Iterator, Sequence, TypeVar

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
DIGITS_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)$")
# Forms the figure finder recognises in spaCy tokens: a signed number, an ordinal,
# scientific notation (with a glued uncertainty), a fraction.
SIGNED_RE = re.compile(r"^[-−+](?:\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)$")
ORDINAL_RE = re.compile(r"^(\d+(?:,\d{3})*)(st|nd|rd|th)$")
SCI_RE = re.compile(r"^[-−]?\d+(?:\.\d+)?(?:e[-+−]?\d+|[×x*]10(?:\^[-+−]?\d+|[-−]\d+|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|±\d+(?:\.\d+)?)$")
SCI_PARTS_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:e([-+−]?\d+)|\s?[×x*]\s?10(?:\^\s?([-+−]?\d+)|([-−]\d+)|(⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))$")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# hyphen, en dash, em dash, figure dash, minus sign: "145-148", "50—100", "2−3"
DASHES = {"-", "–", "—", "‒", "−"}
ARTICLES = {"a", "an"}
NEG = "<neg>"  # a sign glued to a number; never produced by the token pattern itself
MAX_EXPONENT = 300
PERCENT = Unit("percent", "percent")


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
class Num:
    low: float
    high: float
    scale: float | None  # the scale word's value, if one was written
    vague: bool = False
    fraction: bool = False  # written as a fraction: "two-thirds", "1/2", "½"


@dataclass(frozen=True)
class Side:
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
            out.append(NEG)
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
        # each phrase's first place in that order, and its period word ("a year": year)
        self.period_rank: dict[tuple[str, ...], tuple[int, str]] = {}
        for rank, (phrase, per) in enumerate(self.periods):
            self.period_rank.setdefault(phrase, (rank, per))

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


def finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


def times(x: float, y: float) -> float:
    """``x * y`` as the figure is written: the product of the two numbers' shortest decimal
    forms, rounded to a float once.  In binary, 8.03 * 1e6 is 8,029,999.999999999, a value
    the article never gave; 0.07 * 100 is 7.000000000000001."""
    if not (finite(x) and finite(y)) or x == 0 or y == 0:
        return x * y
    return float(Decimal(repr(x)) * Decimal(repr(y)))


# --- numbers ----------------------------------------------------------------------------
