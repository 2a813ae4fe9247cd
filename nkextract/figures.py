"""Find the figures in a spaCy Doc: which token spans are numeric claims, which are not.

A figure is grown outwards from a *number atom* (digits, number words, scale words):
currency symbol and qualifier before it, a range joiner and a second atom after it,
then a unit and a rate ("a year").  The vocabulary for every step comes from the
rules lexicon; this module holds only the order of the steps.  Why not spaCy Matcher
patterns: the steps depend on each other (a joiner is only a joiner between two atoms,
"and" only joins "between A and B", a scale abbreviation only counts right after
digits) and on token offsets in the raw text (list numbering at a line start), which
would take dozens of near-duplicate patterns over custom extension attributes to say.
The parsing of the grown span is left to :func:`nkextract.quantities.parse_quantity`.

Not claims, dropped here: list numbering, page furniture ("1 Comment", "2 years ago"),
labels ("Tier 3"), day numbers in dates, bare years (they are kept as
:class:`YearMention` so claims can use them as their time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .quantities import Lexicon, Quantity, _DASHES, _DIGITS_RE, parse_quantity, tokenize
from .rules import Rules



@dataclass(frozen=True)
class Figure:
    """A figure found in a Doc: token span ``[start, end)`` and its parsed quantity."""

    start: int
    end: int
    quantity: Quantity
    rule: str


@dataclass(frozen=True)
class YearMention:
    """A bare year in the text ("in 2015", "the 2022 TIP report"): a time, not a claim."""

    start: int  # token index
    end: int
    year: int


class FigureFinder:
    """Scans token sequences for figures with the vocabulary of one :class:`Rules`."""

    def __init__(self, rules: Rules, lex: Lexicon) -> None:
        self.lex = lex
        ctx = rules.context
        nc = ctx.get("not_claims", {})
        self.labels_before = frozenset(w.lower() for w in nc.get("labels_before", []))
        self.furniture_after = sorted((tuple(tokenize(w)) for w in nc.get("furniture_after", [])),
                                      key=len, reverse=True)
        self.months = frozenset(w.lower() for w in nc.get("months", []))
        self.fact_words = frozenset(w.lower() for w in ctx.get("years", {}).get("fact_words", []))
        self.people = rules.people
        self.scale_abbrevs = frozenset(s for s in lex.scales if s not in lex.cardinals)
        self.openers = lex.openers
        self.lead_phrases = [p for p, _ in lex.leading]

    # --- atoms --------------------------------------------------------------------------

    def _is_digit(self, text: str) -> bool:
        return bool(_DIGITS_RE.match(text))

    def _atom_at(self, words: Sequence[str], i: int) -> int:
        """End index of the number atom starting at ``i``, or ``i`` if none starts there."""
        lex = self.lex
        n = len(words)
        w = words[i]
        j = i
        if w in ("a", "an") and i + 1 < n and (words[i + 1] in lex.words or words[i + 1] in lex.scales):
            j = i + 1  # "a dozen", "a million"
            w = words[j]
        if self._is_digit(w):
            j += 1
            while j < n and (words[j] in lex.scales or (words[j] in _DASHES and j + 1 < n
                                                         and words[j + 1] in lex.scales)):
                j += 1
            return j
        if w in self.scale_abbrevs:
            return i
        if w in lex.cardinals or w in lex.words or w in lex.vague:
            j += 1
            while j < n:
                nxt = words[j]
                if nxt in lex.cardinals or nxt in lex.scales and nxt not in self.scale_abbrevs:
                    j += 1
                elif nxt in lex.words and (words[j - 1] in lex.cardinals or words[j - 1] in ("a", "an")):
                    j += 1  # "two dozen"
                elif nxt in ("a", "an") and words[j - 1] == "half" and j + 1 < n and words[j + 1] in lex.scales:
                    j += 1
                elif nxt in _DASHES and j + 1 < n and words[j + 1] in lex.cardinals:
                    j += 1  # "twenty-five", "sixty-five"
                elif nxt == "and" and j + 1 < n and words[j - 1] in lex.scales and words[j + 1] in lex.cardinals:
                    j += 1  # "two hundred and fifty"
                elif nxt in lex.vague and words[j - 1] == "of":
                    j += 1  # "hundreds of thousands"
                elif nxt == "of" and words[j - 1] in lex.vague and j + 1 < n and (
                        words[j + 1] in lex.vague or words[j + 1] in lex.scales):
                    j += 1  # "hundreds of thousands"
                else:
                    break
            while j > i and (words[j - 1] in ("and", "of", "a", "an") or words[j - 1] in _DASHES):
                j -= 1
            return j
        return i

    # --- growing a figure ---------------------------------------------------------------

    def _match_phrase(self, words: Sequence[str], i: int, phrases: Sequence[tuple[str, ...]]) -> int:
        for p in phrases:
            if tuple(words[i:i + len(p)]) == p:
                return len(p)
        return 0

    def _match_back(self, words: Sequence[str], i: int, phrases: Sequence[tuple[str, ...]]) -> int:
        """Length of a phrase ending just before ``i``."""
        for p in phrases:
            if i - len(p) >= 0 and tuple(words[i - len(p):i]) == p:
                return len(p)
        return 0

    def _currency_before(self, words: Sequence[str], i: int) -> int:
        return self._match_back(words, i, list(self.lex.symbols))

    def find(self, words: Sequence[str], line_start: Sequence[bool]) -> tuple[list[Figure], list[YearMention]]:
        """Find figures in lower-cased token texts.

        ``line_start[k]`` is true when token ``k`` is the first thing on its line
        (list numbering is recognised by it).
        """
        lex = self.lex
        figures: list[Figure] = []
        years: list[YearMention] = []
        n = len(words)
        i = 0
        while i < n:
            atom_end = self._atom_at(words, i)
            if atom_end == i:
                i += 1
                continue
            start, end, rule = self._grow(words, i, atom_end, ranges=True)
            skip = self._not_a_claim(words, line_start, start, end)
            if skip == "year":
                years.append(YearMention(start, end, int(words[end - 1])))
                i = end
                continue
            if skip == "year-range":
                years.extend(YearMention(k, k + 1, int(words[k])) for k in range(start, end)
                             if lex.is_year(words[k]))
                i = end
                continue
            if skip:
                i = end
                continue
            quantity = parse_quantity(" ".join(words[start:end]), lex)
            if quantity is None and rule.startswith("range"):
                # "rose 3.5% to $92.40": not a range after all; read the first figure alone
                # and scan on from its end, so the second is found as a figure of its own
                start, end, rule = self._grow(words, i, atom_end, ranges=False)
                quantity = None if self._not_a_claim(words, line_start, start, end) else \
                    parse_quantity(" ".join(words[start:end]), lex)
            i = end
            if quantity is not None:
                figures.append(Figure(start, end, quantity, rule))
        return figures, years

    def _grow(self, words: Sequence[str], i: int, end: int, ranges: bool) -> tuple[int, int, str]:
        """Grow the atom ``[i, end)`` into a figure: a range's second atom, currency,
        opener and qualifiers before, unit, trailing qualifier and rate after."""
        lex = self.lex
        n = len(words)
        unit_phrases = [p for p, _ in lex.unit_words]
        start = i
        rule = "number"
        joined = False
        if ranges:  # a second atom after a joiner makes a range; "and" only after "between"
            before = start - self._currency_before(words, start)
            opened = before > 0 and words[before - 1] in self.openers
            for k in (end, end + self._match_phrase(words, end, unit_phrases)):
                jl = self._match_phrase(words, k, lex.joiners)
                if not jl or (words[k] == "and" and not opened):
                    continue
                s2 = k + jl + self._match_phrase(words, k + jl, list(lex.symbols))
                e2 = self._atom_at(words, s2) if s2 < n else s2
                if e2 > s2:
                    end, joined, rule = e2, True, "range"
                    break
        start -= self._currency_before(words, start)
        if joined and start > 0 and words[start - 1] in self.openers:
            start -= 1
            rule = f"range:{words[start]}"
        q = self._match_back(words, start, self.lead_phrases)
        while q:
            rule = rule if rule != "number" else "qualified"
            start -= q
            q = self._match_back(words, start, self.lead_phrases)
        end += self._match_phrase(words, end, unit_phrases)
        end += self._match_phrase(words, end, [p for p, _ in lex.trailing])
        end += self._match_phrase(words, end, [p for p, _ in lex.periods])
        return start, end, rule

    def _not_a_claim(self, words: Sequence[str], line_start: Sequence[bool], start: int, end: int) -> str:
        """Why the span is not a claim ("" if it is one)."""
        lex = self.lex
        span = words[start:end]
        nums = [w for w in span if self._is_digit(w)]
        prev = words[start - 1] if start > 0 else ""
        nxt = words[end] if end < len(words) else ""
        # bare years, and year ranges ("from 2013 to 2022")
        if nums and all(lex.is_year(w) for w in nums):
            others = [w for w in span if not lex.is_year(w)]
            counted = nxt in self.people or nxt.rstrip("s") in self.people or nxt in ("women", "men", "children")
            if not others and len(nums) == 1 and not counted:  # "1900 people" is a count
                return "year"
            if len(nums) == 2 and all(w in self.openers or w in ("to", "and") or w in _DASHES for w in others):
                return "year-range"
        if line_start[start] and nxt in (".", ")") and len(span) == 1 and nums:
            return "list-number"
        if prev in self.labels_before or (prev == "#" and nums):
            return "label"
        if prev == "of" and start >= 2 and self._is_digit(words[start - 2]) and len(span) == 1:
            return "counter"  # "3 of 12"
        if prev.rstrip(".") in self.months or nxt.rstrip(".") in self.months or (nxt == "of" and end + 1 < len(words)
                                                        and words[end + 1] in self.months):
            if len(span) == 1 and nums and float(nums[0].replace(",", "")) <= 31:
                return "date"
        fl = self._match_phrase(words, end, self.furniture_after)
        if fl:
            phrase = words[end:end + fl]
            if phrase != ["of"] or (end + 1 < len(words) and self._is_digit(words[end + 1])):
                return "furniture"
        if prev in ("[", "(") and nxt in ("]", ")") and len(span) == 1:
            return "citation"
        if nxt in (":",) and end + 1 < len(words) and self._is_digit(words[end + 1]):
            return "clock"
        return ""
