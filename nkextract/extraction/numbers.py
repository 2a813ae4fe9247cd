"""Numbers as written, to values: digits with separators and signs, scientific notation,
number words (with text2num), spoken decimals, mixed forms ("1.2 million", "two dozen"),
fractions and ordinals.  One number at a time; :mod:`.quantities` combines them into
ranges, units and qualifiers.

Why hand-written on top of text2num: text2num reads cardinal words and is used for
exactly that; the rest (digits with scales, fractions, shares, ordinals) are small
rules over the lexicon of ``rules/numbers.toml``.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Sequence

from text_to_num import text2num

from nkextract.extraction.lexicon import (
    ARTICLES,
    DASHES,
    DIGITS_RE,
    MAX_EXPONENT,
    NEG,
    ORDINAL_RE,
    SCI_PARTS_RE,
    SUPERSCRIPTS,
    Lexicon,
    Num,
    finite, times,
)


def parse_number(toks: Sequence[str], lex: Lexicon, currency: bool = False) -> Num | None:
    """Parse number tokens; ``None`` if they are not a number.

    Handles signs ("minus 5"), fractions ("two-thirds", "3 1/4", "½"), digits with scales
    ("1.2 billion", "5k"), cardinal words via text2num, digits and words mixed ("6
    thousand 2 hundred and 15"), decimals in words ("six point nought two"), lexicon
    words ("a dozen", "half a million") and vague magnitudes ("hundreds of thousands").
    """
    if any(t in DASHES and DIGITS_RE.match(toks[i + 1]) for i, t in enumerate(toks[1:-1], 1)):
        # "180–500", "145-148 million", "1 thousand–1": a range or nothing, never the
        # number 180,500, 145,148 or 1,001; a dash joins only what follows a number
        # ("65-thousand", "twenty-five")
        return None
    toks = [t for i, t in enumerate(toks) if not (t in DASHES and 0 < i < len(toks) - 1)]
    if toks and toks[-1] == "of":
        toks = toks[:-1]
    if not toks or any(t in DASHES for t in toks):
        return None
    negative = toks[0] == NEG or (toks[0] in lex.negative_words and len(toks) > 1)
    if negative:
        toks = toks[1:]
    num = _unsigned(toks, lex, currency)
    if num is None or not negative:
        return num
    return replace(num, low=-num.high, high=-num.low)


def _unsigned(toks: Sequence[str], lex: Lexicon, currency: bool) -> Num | None:
    if not toks or toks[0] == NEG:
        return None
    frac = _fraction(toks, lex)
    if frac is not None:
        return Num(frac, frac, None, fraction=True)
    if toks[0] in ARTICLES and len(toks) > 1:
        toks = toks[1:]
    and_fraction = _scale_and_fraction(toks, lex, currency)
    if and_fraction is not None:
        return and_fraction
    if sum(1 for t in toks if DIGITS_RE.match(t)) > 1 or (
            DIGITS_RE.match(toks[0]) and any(t in lex.cardinals and t not in lex.scales for t in toks)):
        mixed = _mixed(toks, lex)  # "6 thousand 2 hundred and 15", "1 million 200 thousand"
        if mixed is not None:
            return Num(mixed, mixed, None)
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
                              or (body[-1] in ARTICLES and body[-2] in lex.words)):
            body = body[:-1]
    # a phrase of cardinal words goes to text2num whole: "one million two hundred thousand"
    # is 1,200,000, not (one million two) x hundred x thousand.  text2num does not know
    # "trillion", so when it fails the scale-stripped head is tried instead.
    # Its scale (shared with a range's other end) is a trailing scale after a plain head:
    # "three million" has one, "two hundred and fifty thousand" has none.
    whole = _cardinal_value(toks, lex) if _all_cardinal(toks, lex) else None
    if whole is not None:
        plain = wrote_scale and not any(t in lex.scales for t in body)
        return Num(whole, whole, scale if plain else None)
    head = _parse_head(body, lex)
    if head is None:
        return None
    lo, hi = times(head.low, scale), times(head.high, scale)
    if not (finite(lo) and finite(hi)):
        return None
    return Num(lo, hi, scale if wrote_scale else None, head.vague, head.fraction and not wrote_scale)


def _all_cardinal(toks: Sequence[str], lex: Lexicon) -> bool:
    return bool(toks) and all(t in lex.cardinals or t == "and" for t in toks) \
        and toks[0] != "and" and toks[-1] != "and"


def _cardinal_value(toks: Sequence[str], lex: Lexicon) -> float | None:
    try:
        v = float(text2num(" ".join(toks), "en"))
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return v if finite(v) else None


def integer_value(toks: Sequence[str], lex: Lexicon) -> float | None:
    """A whole number written in digits or cardinal words ("three", "10", "a hundred")."""
    toks = [t for t in toks if t not in DASHES]
    if toks and toks[0] in ARTICLES:
        toks = ["one", *toks[1:]]
    if len(toks) == 1 and DIGITS_RE.match(toks[0]) and "." not in toks[0]:
        return float(toks[0].replace(",", ""))
    if _all_cardinal(toks, lex):
        return _cardinal_value(toks, lex)
    return None


def _parse_head(toks: Sequence[str], lex: Lexicon) -> Num | None:
    if not toks:
        return None
    if len(toks) == 1:
        t = toks[0]
        if DIGITS_RE.match(t):
            v = float(t.replace(",", ""))
            return Num(v, v, None) if finite(v) else None
        sci = _sci_value(t)
        if sci is not None:
            return Num(sci, sci, None)
        if t in lex.vague:
            lo, hi = lex.vague[t]
            return Num(lo, hi, None, vague=True)
        if t in lex.words:
            return Num(lex.words[t], lex.words[t], None)
    frac = _fraction(toks, lex)
    if frac is not None:  # "one and a half" (million)
        return Num(frac, frac, None, fraction=True)
    # a multiplier word last: "two dozen", "5 dozens", "a couple dozen", "half a dozen"
    if toks[-1] in lex.words and lex.words[toks[-1]] >= 2:
        before = list(toks[:-1])
        if before and before[0] in ARTICLES:
            before = before[1:]
        if len(before) > 1 and before[-1] in ARTICLES:
            before = before[:-1]  # "half a dozen"
        base = _parse_head(before, lex) if before else Num(1.0, 1.0, None)
        if base is None or base.vague:
            return None
        v = base.low * lex.words[toks[-1]]
        return Num(v, v, None)
    if _all_cardinal(toks, lex):
        v = _cardinal_value(toks, lex)
        return None if v is None else Num(v, v, None)
    v = _grouped(toks) if all(DIGITS_RE.match(t) for t in toks) else None
    if v is None and any(t in lex.points for t in toks):
        v = _spoken_decimal(toks, lex)
    return None if v is None else Num(v, v, None)


def _sci_value(tok: str) -> float | None:
    """Scientific notation in one token: "1e-3", "3.1×10−4", "2.48×10^-5", "6×10⁴"."""
    m = SCI_PARTS_RE.match(tok)
    if not m:
        return None
    exp = next(g for g in m.groups()[1:] if g is not None).translate(SUPERSCRIPTS).replace("−", "-")
    if not re.fullmatch(r"[-+]?\d+", exp) or abs(int(exp)) > MAX_EXPONENT:
        return None
    v = float(m.group(1)) * 10.0 ** int(exp)
    return v if finite(v) else None


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
    whole, after = toks[:k], [t for t in toks[k + 1:] if t not in DASHES]
    base = integer_value(whole, lex) if whole else None
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
        if DIGITS_RE.match(t) and "." not in t:
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
    return v if finite(v) else None


def _fraction(toks: Sequence[str], lex: Lexicon) -> float | None:
    """A fraction or a mixed number: "a half", "two-thirds", "three eighths", "1/2",
    "3 1/4", "⅓", "3½", "one and a half", "three and three quarters".

    A fraction word needs a numerator ("a", "one", "two"): alone, "third" and "fifth"
    are ordinals.
    """
    toks = [t for t in toks if t not in DASHES]
    if not toks:
        return None
    if len(toks) == 1 and toks[0] in lex.fraction_chars:
        return lex.fraction_chars[toks[0]]
    if len(toks) == 1 and toks[0] in lex.fraction_words and toks[0] not in lex.ordinal_words \
            and not toks[0].endswith("s"):
        return 1.0 / lex.fraction_words[toks[0]]  # "half", "quarter": no ordinal to confuse
    if len(toks) == 2 and toks[1] in lex.fraction_chars:  # "3½" (split by the tokenizer)
        whole = integer_value(toks[:1], lex)
        return None if whole is None else whole + lex.fraction_chars[toks[1]]
    if len(toks) in (3, 4) and toks[-2] == "/":  # "1/2", "3 1/4"
        a, b = integer_value(toks[-3:-2], lex), integer_value(toks[-1:], lex)
        if a is None or b is None or b not in lex.slash_denominators or not 0 < a < b:
            return None
        whole = integer_value(toks[:1], lex) if len(toks) == 4 else 0.0
        return None if whole is None else whole + a / b
    if toks[-1] not in lex.fraction_words:
        return None
    if "and" in toks:  # "one and a half", "twenty and three fifths"; not "a million and a half"
        k = len(toks) - 1 - toks[::-1].index("and")
        if k == 0 or (toks[k - 1] in lex.scales and lex.scales[toks[k - 1]] >= 1000):
            return None
        whole, part = integer_value(toks[:k], lex), _fraction(toks[k + 1:], lex)
        return None if whole is None or part is None else whole + part
    numerator = integer_value(toks[:-1], lex) if len(toks) > 1 else None
    if numerator is None:
        return None
    if numerator == 0:
        return 0.0
    return numerator / lex.fraction_words[toks[-1]]


def _scale_and_fraction(toks: Sequence[str], lex: Lexicon, currency: bool) -> Num | None:
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
    v = base.low + times(part, lex.scales[toks[k - 1]])
    return Num(v, v, None)


def ordinal_value(toks: Sequence[str], lex: Lexicon) -> float | None:
    """A rank: "12th", "3,000th", "fourth", "twenty-first", "one hundred and first"."""
    toks = [t for t in toks if t not in DASHES]
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
