"""Number atoms: where one number starts and ends in a run of words (digits with separators,
glued scales and signs, number words and their mixtures with digits), before any
range, unit or qualifier is read around it.
"""

from __future__ import annotations

from typing import Sequence

from nkextract.extraction.lexicon import (
    DASHES,
    DIGITS_RE,
    ORDINAL_RE,
    SCI_RE,
    SIGNED_RE,
)
from nkextract.extraction.vocab import ARTICLES, SLASH_RE_CHARS, FigureVocab


def is_digit(text: str) -> bool:
    return bool(DIGITS_RE.match(text))


def is_number(text: str) -> bool:
    """Digits, signed or not: "12", "1,200", "-5", "+44"."""
    return bool(DIGITS_RE.match(text) or SIGNED_RE.match(text))


def _is_slash(text: str) -> bool:
    return "/" in text and text.count("/") == 1 and all(c in SLASH_RE_CHARS for c in text) \
        and not text.startswith("/") and not text.endswith("/")


class Atoms:
    """Number atoms: where a number starts and ends in a token list (digits, words, fractions,
    ordinals, multipliers), before a figure is grown around it."""

    def __init__(self, vocab: FigureVocab) -> None:
        self.v = vocab
        self.lex = vocab.lex
        lex = self.lex
        # every word :meth:`at` reacts to; any other all-letter word starts no atom
        self.starters = frozenset().union(lex.negative_words, lex.multiplier_words, ARTICLES, vocab.scale_abbrevs,
                                          lex.vague_need_of, lex.ordinal_words, lex.cardinals, lex.words, lex.vague)

    def at(self, words: Sequence[str], i: int, gaps: Sequence[str], long: bool = True) -> int:
        """End index of the number atom starting at ``i``, or ``i`` if none starts there.

        ``long`` lets an atom run on over digits and words mixed ("6 thousand 2 hundred
        and 15"); the short atom is the fallback when that does not parse.
        """
        w = words[i]
        if w.isalpha() and w not in self.starters and not self._glued_fold(w):
            return i  # most tokens: a plain word (every test below needs a digit or a starter)
        lex = self.lex
        n = len(words)
        if w in lex.negative_words and i + 1 < n:  # "minus 5", "negative one"
            end = self.at(words, i + 1, gaps, long)
            return end if end > i + 1 else i
        if w in lex.multiplier_words or self._glued_fold(w):
            return i + 1  # "twice", "doubled", "ninefold"
        if w in ARTICLES and i + 1 < n and words[i + 1] in lex.fraction_words \
                and not (i + 2 < n and (words[i + 2] in lex.scales or words[i + 2] in lex.words
                                        or words[i + 2] in DASHES and i + 3 < n and words[i + 3] in lex.scales)) \
                and not (words[i + 1] in lex.ordinal_words and self.v.rank_context.at(words, i + 2)):
            return i + 2  # "a third", "a quarter"; not "a half million", "a fifth straight year"
        j = i
        if w in ARTICLES and i + 1 < n and (words[i + 1] in lex.words or words[i + 1] in lex.scales):
            j = i + 1  # "a dozen", "a million"
            w = words[j]
        if is_number(w):
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
        if first.isdigit() and len(first) <= 3 and (j - 2 < 0 or not is_number(words[j - 2])):
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
                    and (is_digit(words[k + 1]) or words[k + 1] in lex.cardinals):
                k += 1  # "2 hundred and 15"; "between 1 million and 3 million" is a range
            elif is_digit(nxt) or nxt in lex.cardinals:
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
                and (words[j + 1] in ARTICLES or words[j + 1] in lex.cardinals):
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
            elif nxt in lex.words and lex.words[nxt] >= 2 and (prev in lex.cardinals or prev in ARTICLES):
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
