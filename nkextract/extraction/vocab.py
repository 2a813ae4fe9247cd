"""What the figure finder works with: the vocabulary it reads (:class:`FigureVocab`, built
once per process from the rules) and what it returns (:class:`Figure`, :class:`YearMention`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from nkextract.extraction.lexicon import (
    Lexicon,
    PhraseIndex,
    Quantity,
    tokenize,
)
from nkextract.rules import Rules

ARTICLES = ("a", "an")


SLASH_RE_CHARS = "0123456789/"


@dataclass(frozen=True)
class Figure:
    """A figure found in a Doc: token span ``[start, end)`` and its parsed quantity.

    ``equivalents`` are the same figure in other currencies, written in brackets after
    it ("450m euros ($590m; £310m)"); ``relative_to`` is the token span a ratio compares
    with ("8 times higher *than in 2010*"), when the sentence says.
    """

    start: int
    end: int
    quantity: Quantity
    rule: str
    equivalents: tuple[Figure, ...] = ()
    relative_to: tuple[int, int] | None = None


@dataclass(frozen=True)
class YearMention:
    """A bare year in the text ("in 2015", "the 2022 TIP report"): a time, not a claim."""

    start: int  # token index
    end: int
    year: int


@dataclass(frozen=True)
class Span:
    """A grown figure before parsing: its text span and the words read with it."""

    start: int
    end: int
    rule: str
    joiner: tuple[str, ...] = ()  # the range joiner, when two atoms were joined
    second: int = -1  # where the second atom starts, when joined
    cue: int = 0  # tokens of a change word before ``start`` ("fell", "down by")
    after: int = 0  # tokens after ``end`` read with it ("of" of a share, "rise" of "a 3% rise")


def _words(xs: Iterable[str]) -> list[tuple[str, ...]]:
    """Phrases from rules text, tokenized the way spaCy splits them ("zero-sum" -> zero - sum)."""
    return [tuple(tokenize(x)) for x in xs if tokenize(x)]


def _symbol_forms(phrases: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A phrase of symbols only ("+/-") may also be one token in text."""
    out = list(phrases)
    out += [("".join(p),) for p in out if len(p) > 1 and not any(c.isalnum() for c in "".join(p))]
    return out


class FigureVocab:
    """The words of the rules that the figure rules read, indexed once per process."""

    def __init__(self, rules: Rules, lex: Lexicon) -> None:
        self.lex = lex
        ctx = rules.context
        nc = ctx.get("not_claims", {})
        self.labels_before = frozenset(w.lower() for w in nc.get("labels_before", []))
        self.furniture_after = PhraseIndex.of(_words(nc.get("furniture_after", [])))
        self.furniture_line_start = PhraseIndex.of(_words(nc.get("furniture_line_start", [])))
        self.months = frozenset(w.lower() for w in nc.get("months", []))
        self.models_before = frozenset(w.lower() for w in nc.get("models_before", []))
        self.models_after = frozenset(w.lower() for w in nc.get("models_after", []))
        self.idioms = frozenset("".join(w.lower().split()) for w in nc.get("idioms", []))
        self.score_words = frozenset(w.lower() for w in nc.get("score_words", []))
        self.seed_words = PhraseIndex.of(_words(nc.get("seed_words", [])))
        self.fact_words = frozenset(w.lower() for w in ctx.get("years", {}).get("fact_words", []))
        ranks = ctx.get("ranks", {})
        self.rank_context = PhraseIndex.of(_words(ranks.get("context_after", [])))
        self.rank_labels = PhraseIndex.of(_words(ranks.get("labels_after", [])))
        met = ctx.get("metres", {})
        self.metres_after = PhraseIndex.of(_words(met.get("after", [])))
        self.metres_context = PhraseIndex.of(_words(met.get("context", [])))
        self.metres_window = int(met.get("window", 8))
        self.function_words = frozenset(w.lower() for w in met.get("function_words", []))
        ratios = ctx.get("ratios", {})
        self.ratio_refs = PhraseIndex.of(_words(ratios.get("refs", [])))
        self.ratio_dropped = frozenset(w.lower() for w in ratios.get("dropped", []))
        self.ratio_stops = frozenset(w.lower() for w in ratios.get("stops", []))
        self.separators = frozenset(w.lower() for w in ctx.get("conversions", {}).get("separators", []))
        self.people = rules.people
        self.scale_abbrevs = frozenset(s for s in lex.scales if s not in lex.cardinals and s not in lex.vague)
        self.full_scales = frozenset(s for s in lex.scales if s in lex.cardinals)
        self.openers = lex.openers
        self.leading = PhraseIndex.of(_symbol_forms([p for p, _ in lex.leading]))
        self.bounding = PhraseIndex.of(_symbol_forms([p for p, c in lex.leading if c != "approx"]))
        self.bound_class = {p: c for p, c in reversed(lex.leading) if c != "approx"}
        self.trailing = PhraseIndex.of(p for p, _ in lex.trailing)
        self.periods = PhraseIndex.of(p for p, _ in lex.periods)
        self.units = PhraseIndex.of(p for p, _ in lex.unit_words)
        self.unit_of = {p: u for p, u in reversed(lex.unit_words)}
        self.symbols = PhraseIndex.of(lex.symbols)
        self.money = frozenset(t for p, u in [*lex.unit_words, *lex.symbols.items()] if u.kind == "money" for t in p
                               if t not in ("-",))
        self.joiners = PhraseIndex.of(lex.joiners)
        self.share_joiners = PhraseIndex.of(lex.share_joiners)
        self.plus_minus = PhraseIndex.of(_symbol_forms(lex.plus_minus))
        self.bounds = PhraseIndex.of(lex.bounds)
        self.change_before = PhraseIndex.of(p for p, _, _ in lex.change_before)
        self.change_after = PhraseIndex.of(p for p, _ in lex.change_after)
        self.links = PhraseIndex.of(lex.change_links)
        self.compare = PhraseIndex.of(p for p, _ in lex.compare)
        self.ratio_suffixes = tuple(lex.ratio_words)


# --- number atoms -------------------------------------------------------------------------
