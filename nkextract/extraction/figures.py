"""Find the figures in a spaCy Doc: which token spans are numeric claims, which are not.

A figure is grown outwards from a *number atom* (digits, number words, scale words,
fractions, ordinals, multipliers): currency symbol and qualifier before it, a range
joiner and a second atom after it, then a unit and a rate ("a year").  The vocabulary
for every step comes from the rules; this module holds only the order of the steps.
Why not spaCy Matcher patterns: the steps depend on each other (a joiner is only a
joiner between two atoms, "and" only joins "between A and B", a scale abbreviation only
counts right after digits) and on the raw text (list numbering at a line start, "1MM"
against "5mm", the space in "1 071 000"), which would take dozens of near-duplicate
patterns over custom extension attributes to say.  The parsing of the grown span is
left to :func:`nkextract.extraction.quantities.parse_quantity`, which is given the words around
the span that decide its reading: a change word before it ("fell 2%"), a share's "of"
after it ("two-thirds of voters").  Those words are not part of the figure's text.

Not claims, dropped here: list numbering, page furniture ("1 Comment", "2 years ago"),
labels ("Tier 3"), model names ("Boeing 777", "4G"), sports scores ("won 2-1"), seeds,
idioms ("zero tolerance"), day numbers in dates, bare years (they are kept as
:class:`YearMention` so claims can use them as their time).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from nkextract.extraction.lexicon import (
    DASHES,
    DIGITS_RE,
    ORDINAL_RE,
    SCI_RE,
    SIGNED_RE,
    Lexicon,
    PhraseIndex,
    Quantity,
    tokenize,
)
from nkextract.extraction.quantities import parse_quantity
from nkextract.rules import Rules

_ARTICLES = ("a", "an")
_SLASH_RE_CHARS = "0123456789/"


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
class _Span:
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


def _is_digit(text: str) -> bool:
    return bool(DIGITS_RE.match(text))


def _is_number(text: str) -> bool:
    """Digits, signed or not: "12", "1,200", "-5", "+44"."""
    return bool(DIGITS_RE.match(text) or SIGNED_RE.match(text))


def _is_slash(text: str) -> bool:
    return "/" in text and text.count("/") == 1 and all(c in _SLASH_RE_CHARS for c in text) \
        and not text.startswith("/") and not text.endswith("/")


class _Atoms:
    """Number atoms: where a number starts and ends in a token list (digits, words, fractions,
    ordinals, multipliers), before a figure is grown around it."""

    def __init__(self, vocab: FigureVocab) -> None:
        self.v = vocab
        self.lex = vocab.lex

    def at(self, words: Sequence[str], i: int, gaps: Sequence[str], long: bool = True) -> int:
        """End index of the number atom starting at ``i``, or ``i`` if none starts there.

        ``long`` lets an atom run on over digits and words mixed ("6 thousand 2 hundred
        and 15"); the short atom is the fallback when that does not parse.
        """
        lex = self.lex
        n = len(words)
        w = words[i]
        if w in lex.negative_words and i + 1 < n:  # "minus 5", "negative one"
            end = self.at(words, i + 1, gaps, long)
            return end if end > i + 1 else i
        if w in lex.multiplier_words or self._glued_fold(w):
            return i + 1  # "twice", "doubled", "ninefold"
        if w in _ARTICLES and i + 1 < n and words[i + 1] in lex.fraction_words \
                and not (i + 2 < n and (words[i + 2] in lex.scales or words[i + 2] in lex.words
                                        or words[i + 2] in DASHES and i + 3 < n and words[i + 3] in lex.scales)) \
                and not (words[i + 1] in lex.ordinal_words and self.v.rank_context.at(words, i + 2)):
            return i + 2  # "a third", "a quarter"; not "a half million", "a fifth straight year"
        j = i
        if w in _ARTICLES and i + 1 < n and (words[i + 1] in lex.words or words[i + 1] in lex.scales):
            j = i + 1  # "a dozen", "a million"
            w = words[j]
        if _is_number(w):
            return self._digits_atom(words, j, gaps, long)
        if SCI_RE.match(w) or _is_slash(w) or w in lex.fraction_chars or ORDINAL_RE.match(w):
            return j + 1
        if w in self.v.scale_abbrevs or (w in lex.vague_need_of and (j + 1 >= n or words[j + 1] != "of")):
            return i
        if w in lex.ordinal_words and w not in lex.cardinals:
            return j + 1
        if w in lex.cardinals or w in lex.words or w in lex.vague:
            return self._words_atom(words, i, j)
        return i

    def _glued_fold(self, word: str) -> bool:
        """"ninefold", "hundredfold": a cardinal with the ratio word glued on."""
        return word.endswith(self.v.ratio_suffixes) and any(
            word.endswith(w) and word[: -len(w)] in self.lex.cardinals for w in self.v.ratio_suffixes)

    def _digits_atom(self, words: Sequence[str], j: int, gaps: Sequence[str], long: bool) -> int:
        """An atom that starts with digits: SI groups ("1 071 000"), a fraction ("3 1/4"),
        scales ("1.2 billion"), a multiplier word ("5 dozens"), words after a scale ("6
        thousand 2 hundred and 15"), "and a half"."""
        lex = self.lex
        n = len(words)
        first = words[j]
        j += 1
        # thousands separated by single spaces, SI style: "1 071 000"
        if first.isdigit() and len(first) <= 3 and (j - 2 < 0 or not _is_number(words[j - 2])):
            while j < n and len(words[j]) == 3 and words[j].isdigit() and gaps[j] == " ":
                j += 1
        if j < n and (_is_slash(words[j]) and gaps[j] == " " or words[j] in lex.fraction_chars):
            return j + 1  # "3 1/4", "3½"
        while j < n and (words[j] in lex.scales or (words[j] in DASHES and j + 1 < n
                                                     and words[j + 1] in lex.scales)):
            j += 1
        if j < n and words[j] in lex.words and lex.words[words[j]] >= 2:
            return j + 1  # "5 dozens"
        if long and j > 0 and words[j - 1] in self.v.full_scales:
            j = self._mixed_tail(words, j)  # "6 thousand 2 hundred and 15", "40-thousand-two"
        k = self._and_fraction(words, j)
        while k > j and k < n and words[k] in lex.scales:
            k += 1  # "2 and a half million"
        return k

    def _mixed_tail(self, words: Sequence[str], j: int) -> int:
        """Where digits and number words after a scale word end; a year ends them."""
        lex = self.lex
        n = len(words)
        k = j
        while k < n:
            nxt = words[k]
            if lex.is_year(nxt):
                break  # "5 million 2019"
            if (nxt in DASHES or nxt == "and" and lex.scales.get(words[k - 1], 1e3) < 1e3) and k + 1 < n \
                    and (_is_digit(words[k + 1]) or words[k + 1] in lex.cardinals):
                k += 1  # "2 hundred and 15"; "between 1 million and 3 million" is a range
            elif _is_digit(nxt) or nxt in lex.cardinals:
                k += 1
            else:
                break
        while k > j and (words[k - 1] in ("and", *DASHES)):
            k -= 1
        return k

    def _and_fraction(self, words: Sequence[str], j: int) -> int:
        """"one and a half", "a million and a half", "three and three quarters"."""
        lex = self.lex
        if j + 2 < len(words) and words[j] == "and" and words[j + 2] in lex.fraction_words \
                and (words[j + 1] in _ARTICLES or words[j + 1] in lex.cardinals):
            return j + 3
        return j

    def _words_atom(self, words: Sequence[str], i: int, j: int) -> int:
        """An atom of number words: "two hundred and fifty", "two-thirds", "twenty-first",
        "one and a half million", "six point nought two", "hundreds of thousands"."""
        lex = self.lex
        n = len(words)
        j += 1
        while j < n:
            nxt = words[j]
            prev = words[j - 1]
            if nxt in lex.cardinals or nxt in lex.scales and nxt not in self.v.scale_abbrevs:
                j += 1
            elif nxt in lex.words and lex.words[nxt] >= 2 and (prev in lex.cardinals or prev in _ARTICLES):
                j += 1  # "two dozen"
            elif nxt in lex.fraction_words and (prev in lex.cardinals or prev in DASHES and j >= 2
                                                and words[j - 2] in lex.cardinals):
                j += 1  # "two-thirds", "three eighths"
            elif nxt in lex.ordinal_words and prev in DASHES and j >= 2 and words[j - 2] in lex.cardinals:
                j += 1  # "twenty-first"
            elif nxt in ("a", "an") and prev == "half" and j + 1 < n and words[j + 1] in lex.scales:
                j += 1
            elif nxt in DASHES and j + 1 < n and (words[j + 1] in lex.cardinals or words[j + 1] in lex.fraction_words
                                                   or words[j + 1] in lex.ordinal_words):
                j += 1  # "twenty-five", "sixty-five"
            elif nxt == "and" and j + 1 < n and prev in lex.scales and words[j + 1] in lex.cardinals:
                j += 1  # "two hundred and fifty"
            elif nxt == "and" and self._and_fraction(words, j) > j:
                j = self._and_fraction(words, j)  # "two and a half" (million)
            elif nxt in lex.points and j + 1 < n and (words[j + 1] in lex.zeros or words[j + 1] in lex.cardinals):
                j += 2  # "six point nought two"
                while j < n and (words[j] in lex.zeros or words[j] in lex.cardinals):
                    j += 1
                break
            elif nxt in lex.vague and prev == "of":
                j += 1  # "hundreds of thousands"
            elif nxt == "of" and (prev in lex.vague or prev in lex.words) and j + 1 < n and (
                    words[j + 1] in lex.vague or words[j + 1] in lex.scales):
                j += 1  # "hundreds of thousands", "a couple of hundred"
            else:
                break
        while j > i and (words[j - 1] in ("and", "of", "a", "an") or words[j - 1] in DASHES):
            j -= 1
        return j


# --- what is not a claim, and what needs context to be one ------------------------------


def _not_a_claim(v: FigureVocab, words: Sequence[str], line_start: Sequence[bool], span: _Span) -> str:
    """Why the span is not a claim ("" if it is one)."""
    lex = v.lex
    start, end = span.start, span.end
    figure = words[start:end]
    nums = [w for w in figure if _is_digit(w)]
    prev = words[start - 1] if start > 0 else ""
    nxt = words[end] if end < len(words) else ""
    # bare years, and year ranges ("from 2013 to 2022", "in 2015 or 2016")
    if nums and all(lex.is_year(w) for w in nums):
        others = [w for w in figure if not lex.is_year(w)]
        counted = nxt in v.people or nxt.rstrip("s") in v.people or nxt in ("women", "men", "children")
        if not others and len(nums) == 1 and not counted:  # "1900 people" is a count
            return "year"
        if len(nums) == 2 and all(w in v.openers or w in ("to", "and", "or") or w in DASHES for w in others):
            return "year-range"
    if line_start[start] and nxt in (".", ")") and len(figure) == 1 and nums:
        return "list-number"
    if (prev in v.labels_before and (_is_number(figure[0]) or figure[0] in lex.cardinals)) \
            or (prev == "#" and nums):
        return "label"  # "Tier 3"; not "the figure exceeded 2,000", "number between 5 and 10"
    if prev == "of" and start >= 2 and _is_digit(words[start - 2]) and len(figure) == 1:
        return "counter"  # "3 of 12"
    first = figure[0]
    ordinal = ORDINAL_RE.match(first)
    day = nums[0] if nums else (ordinal.group(1) if ordinal else "")
    if prev.rstrip(".") in v.months or nxt.rstrip(".") in v.months or (nxt == "of" and end + 1 < len(words)
                                                    and words[end + 1] in v.months) \
            or (ordinal and prev == "the" and start >= 2 and words[start - 2] == "on"):
        if len(figure) == 1 and day and float(day.replace(",", "")) <= 31:
            return "date"
    fl = v.furniture_after.at(words, end)
    if not fl and line_start[start] and v.furniture_line_start.at(words, end):
        return "furniture"  # "12 shares" as a line of page furniture; not "bought 73,486,938 shares"
    if fl:
        phrase = words[end:end + fl]
        if phrase != ["of"] or (end + 1 < len(words) and _is_digit(words[end + 1])):
            return "furniture"
    if prev in ("[", "(") and nxt in ("]", ")") and len(figure) == 1:
        return "citation"
    if figure[0].startswith("+") and _is_digit(nxt):
        return "phone"  # "+44 20 7330 7500"
    if nxt in (":",) and end + 1 < len(words) and _is_digit(words[end + 1]):
        return "clock"
    return _name_or_score(v, words, span)


def _name_or_score(v: FigureVocab, words: Sequence[str], span: _Span) -> str:
    """Model names, scores, seeds, idioms: numbers that name or score, not measure."""
    start, end = span.start, span.end
    figure = words[start:end]
    prev = words[start - 1] if start > 0 else ""
    nxt = words[end] if end < len(words) else ""
    bare = len(figure) == 1 and figure[0].isdigit()
    if (prev in v.models_before or (prev in DASHES and start >= 2 and words[start - 2] in v.models_before)) \
            and (bare or ORDINAL_RE.match(figure[0])):
        return "model"  # "Boeing 777", "Windows 95", "PlayStation 2"
    if nxt in v.models_after and any(_is_digit(w) for w in figure):
        return "model"  # "4G networks"
    if bare and prev in _ARTICLES and len(figure[0]) == 3 and not v.units.at(words, end) \
            and not v.lex.scales.get(nxt) and nxt not in ("-",):
        return "model"  # "a 747", "an 800"
    if v.seed_words.at(words, end) or v.seed_words.before(words, start):
        return "seed"  # "the 4th seed", "seeded 3"
    if span.joiner and span.joiner[0] in DASHES and span.rule == "range" and _score(v, words, span):
        return "score"
    for a in range(max(0, start - 3), start + 1):
        for b in range(start + 1, min(len(words), start + 4) + 1):
            if "".join(words[a:b]) in v.idioms:
                return "idiom"
    return ""


def _score(v: FigureVocab, words: Sequence[str], span: _Span) -> bool:
    """"beat Arsenal 2-1", "a 3-0 win", "6-4, 6-3", "a 5-4 ruling": two small integers
    joined by a dash, falling or near a score word."""
    a, b = words[span.start], words[span.second + len(span.joiner)] if span.second >= 0 else ""
    if not (a.isdigit() and b.isdigit() and span.end - span.start == 3):
        return False
    x, y = int(a), int(b)
    if x > 99 or y > 99:
        return False
    near = words[max(0, span.start - 5):span.start] + words[span.end:span.end + 2]
    return x > y or any(w in v.score_words for w in near)


def _reads_as_figure(v: FigureVocab, words: Sequence[str], span: _Span, q: Quantity) -> bool:
    """Ordinals, multipliers and fractions written as words are figures only in
    context: "the fourth straight year" is a rank, "a fourth term" is not; "twice
    as many" is a ratio, "arrested twice" is not; "a third of" is a share, "a third
    term" is not."""
    lex = v.lex
    figure = words[span.start:span.end]
    head = figure[-1]
    if q.kind == "rank":
        if v.rank_labels.at(words, span.end) or v.seed_words.at(words, span.end):
            return False  # "the 20th century", "the 14th Amendment", "third seed"
        return bool(ORDINAL_RE.match(head)) or bool(v.rank_context.at(words, span.end))
    if len(figure) == 1 and head in lex.multiplier_words and not head.endswith("ed"):
        k = span.end
        return bool(v.compare.at(words, k) or v.ratio_refs.at(words, k) or v.periods.at(words, k)
                    or span.cue or v.leading.before(words, span.start) or span.rule == "qualified")
    core = figure[v.leading.at(words, span.start):]
    if len(core) == 2 and core[0] in _ARTICLES and core[1] in lex.fraction_words:
        return bool(span.after or span.cue)  # "a third of", "cut by a third"; not "a third term"
    return True


def _metres(v: FigureVocab, words: Sequence[str], k: int) -> bool:
    """Is the "m" at ``k`` metres?  Yes after an event or dimension word ("110m
    hurdles", "8,848m high"); no before a counted noun ("5m people"); else as the
    words around it say (a race, a height)."""
    if v.metres_after.at(words, k + 1):
        return True
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if nxt.isalpha() and nxt not in v.function_words:
        return False
    return v.metres_context.within(words, k - v.metres_window, k + v.metres_window + 1)


def _relative_to(v: FigureVocab, words: Sequence[str], end: int) -> tuple[int, int] | None:
    """What a ratio compares with: "than in 2010", "the size of Texas", "that of France"."""
    start = -1
    if v.ratio_refs.at(words, end):
        start = end + 1 if words[end] in v.ratio_dropped else end
    else:  # "twice as many cases as last year": past the counted noun
        for k in range(end, min(len(words), end + 4)):
            if not words[k].isalpha():
                break
            if words[k] in v.ratio_dropped:
                start = k + 1
                break
    if start < 0:
        return None
    k = start
    while k < len(words) and k - start < 8 and words[k] not in (",", ".", ";", ":", "(", ")", "—", "–") \
            and not (k > start and words[k] in v.ratio_stops):
        k += 1
    return (start, k) if k > start else None


# --- bracketed conversions ------------------------------------------------------------------


def _equivalents(words: Sequence[str], figures: list[Figure], separators: frozenset[str]) -> list[Figure]:
    """"450m euros ($590m; £310m)", "£1.2bn ($2.3bn)": money figures in brackets right
    after a money figure in another currency are the same figure, not new claims."""
    out: list[Figure] = []
    k = 0
    while k < len(figures):
        f = figures[k]
        inside: list[Figure] = []
        if f.quantity.kind == "money" and f.end < len(words) and words[f.end] in ("(", "["):
            pos, m = f.end + 1, k + 1
            while m < len(figures) and figures[m].start == pos and figures[m].quantity.kind == "money" \
                    and figures[m].quantity.unit != f.quantity.unit:
                inside.append(figures[m])
                pos = figures[m].end
                if pos < len(words) and words[pos] in separators:
                    pos += 1
                m += 1
            if not (inside and pos < len(words) and words[pos] in (")", "]")):
                inside = []
        if inside:
            out.append(replace(f, equivalents=tuple(inside)))
            k += len(inside) + 1
        else:
            out.append(f)
            k += 1
    return out


# --- growing and reading figures --------------------------------------------------------------


class FigureFinder:
    """Scans token sequences for figures with the vocabulary of one :class:`Rules`."""

    def __init__(self, rules: Rules, lex: Lexicon) -> None:
        self.lex = lex
        self.v = FigureVocab(rules, lex)
        self.atoms = _Atoms(self.v)
        self.months = self.v.months  # claims.py reads these two
        self.fact_words = self.v.fact_words

    def find(self, words: Sequence[str], line_start: Sequence[bool], raw: Sequence[str] | None = None,
             gaps: Sequence[str] | None = None) -> tuple[list[Figure], list[YearMention]]:
        """Find figures in lower-cased token texts.

        ``line_start[k]`` is true when token ``k`` is the first thing on its line (list
        numbering is recognised by it); ``raw`` are the tokens as written ("1MM" is a
        million, "5mm" is not); ``gaps[k]`` is the text between token ``k - 1`` and ``k``
        ("1 071 000" is one number only with single spaces).
        """
        lex = self.lex
        n = len(words)
        raw = raw if raw is not None else words
        gaps = gaps if gaps is not None else [" "] * n
        if lex.scales_upper and any(r in lex.scales_upper for r in raw):
            words = [lex.scales_upper.get(r, w) for r, w in zip(raw, words)]  # "1MM": a million
        figures: list[Figure] = []
        years: list[YearMention] = []
        i = 0
        while i < n:
            atom_end = self.atoms.at(words, i, gaps)
            if atom_end == i:
                i += 1
                continue
            span = self._grow(words, i, atom_end, gaps, ranges=True)
            skip = _not_a_claim(self.v, words, line_start, span)
            if skip == "year":
                years.append(YearMention(span.start, span.end, int(words[span.end - 1])))
                i = span.end
                continue
            if skip == "year-range":
                years.extend(YearMention(k, k + 1, int(words[k])) for k in range(span.start, span.end)
                             if lex.is_year(words[k]))
                i = span.end
                continue
            if skip == "phone":
                i = span.end
                while i < n and _is_digit(words[i]):
                    i += 1
                continue
            if skip:
                i = span.end
                continue
            if span.joiner and self._levels(words, span):
                # "fell 2% to 312.5p", "raised the toll from 64 to 2,975": a change and a
                # level, or an old and a new level, not a range
                first = self._first_level(words, raw, span)
                if first is not None:
                    figures.append(first)
                i = span.second
                continue
            fig = self._read(words, raw, span)
            if fig is None and span.joiner:
                # "rose 3.5% to $92.40": not a range after all; read the first figure alone
                # and scan on from its end, so the second is found as a figure of its own
                span = self._grow(words, i, atom_end, gaps, ranges=False)
                fig = None if _not_a_claim(self.v, words, line_start, span) else self._read(words, raw, span)
            short = self.atoms.at(words, i, gaps, long=False) if fig is None else atom_end
            for ranges in ((True, False) if short < atom_end else ()):  # the mixed reading failed
                span = self._grow(words, i, short, gaps, ranges=ranges)
                fig = None if _not_a_claim(self.v, words, line_start, span) else self._read(words, raw, span)
                if fig is not None:
                    break
            i = max(span.end, i + 1)
            if fig is not None:
                figures.append(fig)
        return _equivalents(words, figures, self.v.separators), years

    def _grow(self, words: Sequence[str], i: int, end: int, gaps: Sequence[str], ranges: bool) -> _Span:
        """Grow the atom ``[i, end)`` into a figure: a range's second atom, currency,
        opener and qualifiers before, unit, trailing qualifier and rate after."""
        n = len(words)
        start = i
        rule = "number"
        joiner: tuple[str, ...] = ()
        second = -1
        if ranges:  # a second atom after a joiner makes a range; "and" only after "between"
            before = start - self.v.symbols.before(words, start)
            opened = before > 0 and words[before - 1] in self.v.openers
            # "one Iraqi in 40": a share may name what it counts between its two numbers
            one_noun = end - i == 1 and words[i] in ("one", "1") and end < n and words[end].isalpha()
            for k in (end, end + self.v.units.at(words, end)) + ((end + 1,) if one_noun else ()):
                jl, kind = self.v.joiners.at(words, k), "range"
                if k == end + 1 and k > end + self.v.units.at(words, end):
                    jl = 0  # only a share may skip a word
                if not jl:
                    jl, kind = self.v.share_joiners.at(words, k), "share"
                if not jl:
                    jl, kind = self.v.plus_minus.at(words, k), "plusminus"
                if not jl or (words[k] == "and" and not opened):
                    continue
                s2 = k + jl + self.v.symbols.at(words, k + jl)
                e2 = self.atoms.at(words, s2, gaps) if s2 < n else s2
                if e2 > s2:
                    end, rule, joiner, second = e2, kind, tuple(words[k:k + jl]), k
                    break
        start -= self.v.symbols.before(words, start)
        if joiner and rule == "range" and start > 0 and words[start - 1] in self.v.openers:
            start -= 1
            rule = f"range:{words[start]}"
        q = self.v.leading.before(words, start)
        while q:
            rule = rule if rule != "number" else "qualified"
            start -= q
            q = self.v.leading.before(words, start)
        cue = self._cue_before(words, start)
        end = self._unit_after(words, end, bool(cue))
        end += self.v.trailing.at(words, end)
        end += self.v.periods.at(words, end)
        if end < n and words[end] in self.v.bounds.by_first and not joiner:
            end, rule = self._second_bound(words, start, end, gaps, rule)
        after = 0
        if end < n and words[end] == "of":
            after = 1  # "two-thirds of voters": a share
        elif not cue:
            after = self.v.change_after.at(words, end)
        return _Span(start, end, rule, joiner, second, cue, after)

    def _unit_after(self, words: Sequence[str], end: int, cue: bool = False) -> int:
        """The unit after a number, with what belongs to it: "30 USD million", "seven
        dollars twenty", "8 times higher"; "times" only when it compares ("arrested 12
        times" counts occasions)."""
        lex = self.lex
        n = len(words)
        ul = self.v.units.at(words, end)
        if not ul:
            return end + self.v.compare.at(words, end) if end > 0 and (
                words[end - 1] in lex.multiplier_words or words[end - 1] in lex.fraction_words) else end
        unit = self.v.unit_of[tuple(words[end:end + ul])]
        k = end + ul
        if unit.kind == "money" and ul == 1 and words[end] in self.v.score_words and end > 0 \
                and self.lex.is_year(words[end - 1]):
            return end  # "who in 2004 won gold": a year, then a verb that is also a currency

        if unit.kind == "ratio" and words[k - 1] in lex.occasion_words:
            cl = self.v.compare.at(words, k)
            if cl:
                return k + cl
            if self.v.ratio_refs.at(words, k) or self.v.periods.at(words, k) or cue:
                return k  # "140 times the limit", "three times a week", "rose tenfold"
            return end  # occasions: "arrested 12 times" is a count of times
        if unit.kind == "money" and k < n:
            if words[k] in self.v.full_scales:
                return k + 1  # "30 USD million"
            if (words[k] in lex.cardinals or (_is_digit(words[k]) and len(words[k]) <= 2)) \
                    and (k + 1 >= n or not words[k + 1].isalpha() or words[k + 1] in self.v.function_words):
                return k + 1  # "seven dollars twenty", "5 pounds 50 for it"
        return k

    def _second_bound(self, words: Sequence[str], start: int, end: int, gaps: Sequence[str],
                      rule: str) -> tuple[int, str]:
        """"more than 5 and less than 25": a bound, a joiner, the opposite bound."""
        if not self.v.bounding.at(words, start):
            return end, rule
        k = end + self.v.bounds.at(words, end)
        ql = self.v.bounding.at(words, k)
        if not ql or k == end or self._bound_class(words, start) == self._bound_class(words, k):
            return end, rule  # "over 4 million barrels, more than 168 million gallons": two figures
        s2 = k + ql + self.v.symbols.at(words, k + ql)
        e2 = self.atoms.at(words, s2, gaps) if s2 < len(words) else s2
        if e2 == s2:
            return end, rule
        e2 = self._unit_after(words, e2)
        return e2, "bounds"

    def _bound_class(self, words: Sequence[str], k: int) -> str:
        ql = self.v.bounding.at(words, k)
        return self.v.bound_class.get(tuple(words[k:k + ql]), "")

    def _cue_before(self, words: Sequence[str], start: int) -> int:
        """Tokens of a change word (and its link) right before ``start``: "fell by", "down"."""
        k = start - self.v.links.before(words, start)
        cl = self.v.change_before.before(words, k)
        if not cl:
            return 0
        at = k - cl
        if words[at] in self.lex.change_particles and at > 0 and words[at - 1].isalpha() \
                and words[at - 1] not in self.lex.particles_after:
            return 0  # "made up 71 percent": a phrasal verb, not a rise
        return start - at

    def _read(self, words: Sequence[str], raw: Sequence[str], span: _Span) -> Figure | None:
        """Parse the span with the words that decide its reading; check what a bare
        ordinal, multiplier or fraction needs around it to be a figure."""
        lex = self.lex
        toks = list(words[span.start:span.end])
        has_money = any(t in self.v.money for t in toks)
        for k in range(span.start, span.end):
            if SIGNED_RE.match(words[k]) and "," in words[k] and words[k][0] != "+" and not span.cue:
                toks[k - span.start] = words[k][1:]  # "the numbers -655,000 civilians dead-": a dash
            r = raw[k]
            if k > span.start and _is_number(words[k - 1]):
                if r.isupper() and r.lower() in lex.scales_upper_need_currency and not has_money:
                    return None  # "3M", "4K", "10K race": names and distances
                elif words[k] == "m" and not has_money and _metres(self.v, words, k):
                    toks[k - span.start] = "metres"  # "the 200m title"
        phrase = [*words[span.start - span.cue:span.start], *toks, *words[span.end:span.end + span.after]]
        q = parse_quantity(" ".join(phrase), lex)
        if q is None or not _reads_as_figure(self.v, words, span, q):
            return None
        rel = _relative_to(self.v, words, span.end) if q.kind == "ratio" else None
        rule = span.rule if q.kind != "change" or not span.cue else \
            f"{span.rule}+change:{' '.join(words[span.start - span.cue:span.start])}"
        return Figure(span.start, span.end, q, rule, relative_to=rel)

    def _levels(self, words: Sequence[str], span: _Span) -> bool:
        """Is a joined span two levels rather than a range?  "fell 2% to 312.5p" (a change,
        then the new level) and "raised the toll from 64 to 2,975" (the old and the new)."""
        lex = self.lex
        if span.rule == "range" and span.cue and span.joiner and span.joiner[-1] in lex.change_levels:
            return True
        if span.rule != "range:from":
            return False
        for k in range(span.start - 1, max(-1, span.start - 14), -1):
            w = words[k]
            if w in (";", ".", ":") or w in lex.range_words:
                return False
            if w in lex.change_from_to or self.v.change_before.at(words, k) == 1 and w not in lex.change_particles:
                return True
        return False

    def _first_level(self, words: Sequence[str], raw: Sequence[str], span: _Span) -> Figure | None:
        """The first figure of a span read as two levels, with the scale and unit the
        range reading shares ("from 2 to 3 million": 2 million)."""
        opened = span.rule.startswith("range:")
        start = span.start + 1 if opened else span.start
        lead = self.v.leading.before(words, start) if not opened else 0
        first = _Span(start - lead, span.second, "level" if not span.cue else "number", cue=span.cue if not opened else 0)
        whole = parse_quantity(" ".join(words[start:span.end]), self.lex)
        alone = self._read(words, raw, first)
        if alone is None:
            return None
        if whole is not None and whole.qualifier == "range" and not first.cue and whole.low is not None \
                and alone.quantity.low != whole.low and alone.quantity.unit in (None, whole.unit):
            q = replace(whole, high=whole.low, qualifier="exact")
            return replace(alone, quantity=q)
        return alone
