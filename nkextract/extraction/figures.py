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

from dataclasses import replace
from typing import Sequence

from nkextract.extraction.atoms import Atoms, is_digit, is_number
from nkextract.extraction.filters import equivalents_of, is_metres, not_a_claim, reads_as_figure, relative_to_of
from nkextract.extraction.lexicon import (
    SIGNED_RE,
    Lexicon,
)
from nkextract.extraction.quantities import parse_quantity
from nkextract.extraction.vocab import Figure, FigureVocab, Span, YearMention
from nkextract.rules import Rules


class FigureFinder:
    """Scans token sequences for figures with the vocabulary of one :class:`Rules`."""

    def __init__(self, rules: Rules, lex: Lexicon) -> None:
        self.lex = lex
        self.v = FigureVocab(rules, lex)
        self.atoms = Atoms(self.v)
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
            skip = not_a_claim(self.v, words, line_start, span)
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
                while i < n and is_digit(words[i]):
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
                fig = None if not_a_claim(self.v, words, line_start, span) else self._read(words, raw, span)
            short = self.atoms.at(words, i, gaps, long=False) if fig is None else atom_end
            for ranges in ((True, False) if short < atom_end else ()):  # the mixed reading failed
                span = self._grow(words, i, short, gaps, ranges=ranges)
                fig = None if not_a_claim(self.v, words, line_start, span) else self._read(words, raw, span)
                if fig is not None:
                    break
            i = max(span.end, i + 1)
            if fig is not None:
                figures.append(fig)
        return equivalents_of(words, figures, self.v.separators), years

    def _grow(self, words: Sequence[str], i: int, end: int, gaps: Sequence[str], ranges: bool) -> Span:
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
        return Span(start, end, rule, joiner, second, cue, after)

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
            if (words[k] in lex.cardinals or (is_digit(words[k]) and len(words[k]) <= 2)) \
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

    def _read(self, words: Sequence[str], raw: Sequence[str], span: Span) -> Figure | None:
        """Parse the span with the words that decide its reading; check what a bare
        ordinal, multiplier or fraction needs around it to be a figure."""
        lex = self.lex
        toks = list(words[span.start:span.end])
        has_money = any(t in self.v.money for t in toks)
        for k in range(span.start, span.end):
            if SIGNED_RE.match(words[k]) and "," in words[k] and words[k][0] != "+" and not span.cue:
                toks[k - span.start] = words[k][1:]  # "the numbers -655,000 civilians dead-": a dash
            r = raw[k]
            if k > span.start and is_number(words[k - 1]):
                if r.isupper() and r.lower() in lex.scales_upper_need_currency and not has_money:
                    return None  # "3M", "4K", "10K race": names and distances
                elif words[k] == "m" and not has_money and is_metres(self.v, words, k):
                    toks[k - span.start] = "metres"  # "the 200m title"
        phrase = [*words[span.start - span.cue:span.start], *toks, *words[span.end:span.end + span.after]]
        q = parse_quantity(" ".join(phrase), lex)
        if q is None or not reads_as_figure(self.v, words, span, q):
            return None
        rel = relative_to_of(self.v, words, span.end) if q.kind == "ratio" else None
        rule = span.rule if q.kind != "change" or not span.cue else \
            f"{span.rule}+change:{' '.join(words[span.start - span.cue:span.start])}"
        return Figure(span.start, span.end, q, rule, relative_to=rel)

    def _levels(self, words: Sequence[str], span: Span) -> bool:
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

    def _first_level(self, words: Sequence[str], raw: Sequence[str], span: Span) -> Figure | None:
        """The first figure of a span read as two levels, with the scale and unit the
        range reading shares ("from 2 to 3 million": 2 million)."""
        opened = span.rule.startswith("range:")
        start = span.start + 1 if opened else span.start
        lead = self.v.leading.before(words, start) if not opened else 0
        first = Span(start - lead, span.second, "level" if not span.cue else "number", cue=span.cue if not opened else 0)
        whole = parse_quantity(" ".join(words[start:span.end]), self.lex)
        alone = self._read(words, raw, first)
        if alone is None:
            return None
        if whole is not None and whole.qualifier == "range" and not first.cue and whole.low is not None \
                and alone.quantity.low != whole.low and alone.quantity.unit in (None, whole.unit):
            q = replace(whole, high=whole.low, qualifier="exact")
            return replace(alone, quantity=q)
        return alone
