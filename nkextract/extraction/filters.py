"""What is not a claim (list numbering, scores, names with numbers, page furniture), what needs
context to be one, what a ratio compares with, and a figure's bracketed conversions
("$10m (£8m)").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from nkextract.extraction.atoms import is_digit, is_number
from nkextract.extraction.lexicon import (
    DASHES,
    ORDINAL_RE,
    Quantity,
)
from nkextract.extraction.vocab import ARTICLES, Figure, FigureVocab, Span


def not_a_claim(v: FigureVocab, words: Sequence[str], line_start: Sequence[bool], span: Span) -> str:
    """Why the span is not a claim ("" if it is one)."""
    lex = v.lex
    start, end = span.start, span.end
    figure = words[start:end]
    nums = [w for w in figure if is_digit(w)]
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
    if (prev in v.labels_before and (is_number(figure[0]) or figure[0] in lex.cardinals)) \
            or (prev == "#" and nums):
        return "label"  # "Tier 3"; not "the figure exceeded 2,000", "number between 5 and 10"
    if prev == "of" and start >= 2 and is_digit(words[start - 2]) and len(figure) == 1:
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
        if phrase != ["of"] or (end + 1 < len(words) and is_digit(words[end + 1])):
            return "furniture"
    if prev in ("[", "(") and nxt in ("]", ")") and len(figure) == 1:
        return "citation"
    if figure[0].startswith("+") and is_digit(nxt):
        return "phone"  # "+44 20 7330 7500"
    if nxt in (":",) and end + 1 < len(words) and is_digit(words[end + 1]):
        return "clock"
    return _name_or_score(v, words, span)


def _name_or_score(v: FigureVocab, words: Sequence[str], span: Span) -> str:
    """Model names, scores, seeds, idioms: numbers that name or score, not measure."""
    start, end = span.start, span.end
    figure = words[start:end]
    prev = words[start - 1] if start > 0 else ""
    nxt = words[end] if end < len(words) else ""
    bare = len(figure) == 1 and figure[0].isdigit()
    if (prev in v.models_before or (prev in DASHES and start >= 2 and words[start - 2] in v.models_before)) \
            and (bare or ORDINAL_RE.match(figure[0])):
        return "model"  # "Boeing 777", "Windows 95", "PlayStation 2"
    if nxt in v.models_after and any(is_digit(w) for w in figure):
        return "model"  # "4G networks"
    if bare and prev in ARTICLES and len(figure[0]) == 3 and not v.units.at(words, end) \
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


def _score(v: FigureVocab, words: Sequence[str], span: Span) -> bool:
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


def reads_as_figure(v: FigureVocab, words: Sequence[str], span: Span, q: Quantity) -> bool:
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
    if len(core) == 2 and core[0] in ARTICLES and core[1] in lex.fraction_words:
        return bool(span.after or span.cue)  # "a third of", "cut by a third"; not "a third term"
    return True


def is_metres(v: FigureVocab, words: Sequence[str], k: int) -> bool:
    """Is the "m" at ``k`` metres?  Yes after an event or dimension word ("110m
    hurdles", "8,848m high"); no before a counted noun ("5m people"); else as the
    words around it say (a race, a height)."""
    if v.metres_after.at(words, k + 1):
        return True
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if nxt.isalpha() and nxt not in v.function_words:
        return False
    return v.metres_context.within(words, k - v.metres_window, k + v.metres_window + 1)


def relative_to_of(v: FigureVocab, words: Sequence[str], end: int) -> tuple[int, int] | None:
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


def equivalents_of(words: Sequence[str], figures: list[Figure], separators: frozenset[str]) -> list[Figure]:
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
