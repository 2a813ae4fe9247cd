"""What the claim readers share about a sentence and its tokens: the per-sentence facts
(:class:`SentInfo`, computed once for all its figures), part of speech and lemma rules
that work with or without a statistical pipeline, and the token pass of stage 1.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Iterable

from nkextract.extraction.claims import MAX_SENTENCE
from nkextract.extraction.frames import SentenceView, singular
from nkextract.extraction.periods import PeriodMention
from nkextract.extraction.vocab import YearMention

DETERMINERS = {"the", "a", "an", "some", "these", "those", "this", "that", "its", "their", "his", "her", "our"}


@dataclass
class SentInfo:
    """Per-sentence facts shared by all claims of the sentence."""

    span: Any
    raw: str  # as in the Doc
    text: str  # whitespace-normalized
    concepts: list[str]
    attribution: str | None
    years: list[YearMention]
    gpes: list[Any]
    prev: str  # the sentence before, for "these camps ..."
    view: SentenceView  # tokens, entities and parse, for the frame functions
    periods: list[PeriodMention]  # char offsets in the Doc
    figures: list[tuple[int, int]]  # char spans of the sentence's figures, in order
    according: list[int]  # token indices of "according to"
    measure_words: list[tuple[int, str, str]] | None = None  # measure.measure_words, when first needed


# A figure with no measure of its own looks for one this far around it (characters).
CONTEXT_CHARS = 300


def context_of(si: SentInfo, span: Any) -> str:
    if len(si.text) <= MAX_SENTENCE:
        return si.text
    base = si.span.start_char
    lo = max(0, span.start_char - base - MAX_SENTENCE // 2)
    hi = min(len(si.raw), span.end_char - base + MAX_SENTENCE // 2)
    text = " ".join(si.raw[lo:hi].split())
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(si.raw) else "")


def token_rows(doc: Any, seg_at_line_start: bool, text: str) -> tuple[list[str], list[str], list[str], list[bool]]:
    """One pass over the Doc for what the figure rules read: each token lower-cased and as
    written ("1MM" is a million, "5mm" is not), the text between it and the token before
    ("1 071 000" is one number only with single spaces), and whether it is the first
    thing on its line (list numbering).  ``text`` is ``doc.text``."""
    words, raw, gaps, starts = [], [], [], []
    prev_end = 0
    first = seg_at_line_start
    for t in doc:
        gap = text[prev_end:t.idx]
        if "\n" in gap:
            first = True
        words.append(t.lower_)
        raw.append(t.text)
        gaps.append(gap)
        starts.append(first)
        first = False
        prev_end = t.idx + len(t.text)
    return words, raw, gaps, starts


def overlaps(span: Any, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(span.start_char < e and s < span.end_char for s, e in ranges)


# Penn Treebank tag -> coarse part of speech.  The pipeline runs without the attribute
# ruler that maps them (with the lemmatizer it costs a fifth of parsing time); these are
# the only distinctions claim building makes.
_TAG_POS = {"NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "CD": "NUM", "MD": "AUX",
            "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "IN": "ADP", "DT": "DET", "PRP": "PRON",
            "RB": "ADV", "RBR": "ADV", "RBS": "ADV"}


IRREGULAR: dict[str, str] = {}  # from rules/context.toml [lemmas], set by ClaimBuilder


def pos_of(tok: Any) -> str:
    if tok.pos_:
        return str(tok.pos_)
    tag = tok.tag_
    if tag.startswith("VB"):
        return "AUX" if IRREGULAR.get(tok.lower_) in ("be", "have") else "VERB"
    return _TAG_POS.get(tag, "")


def lemma_in(tok: Any, words: frozenset[str]) -> bool:
    """Is the token a form of one of ``words``?  Tolerates the e the suffix rule cannot
    know about ("determined" -> determin(e))."""
    lemma = lemma_of(tok)
    return lemma in words or lemma + "e" in words or tok.lower_ in words


# Stems whose verb ends in a silent e once "-ed"/"-ing" is cut ("estimat-ed", "rais-ed").
_E_STEMS = ("at", "it", "iz", "v", "c", "g", "u", "ut", "is", "as", "os", "aus", "ys", "ur", "ir")


_NO_E = ("ct", "cus", "our", "air")  # "acted", "focused", "poured", "chaired"


def lemma_of(tok: Any) -> str:
    """spaCy's lemma when a lemmatizer ran, else a rule: irregular table, then suffixes."""
    if tok.lemma_:
        return str(tok.lemma_).lower()
    w = tok.lower_
    if w in IRREGULAR:
        return IRREGULAR[w]
    tag = tok.tag_
    if tag in ("NNS", "NNPS"):
        return singular(w)
    if tag in ("VBZ",) and len(w) > 3:
        return w[:-3] + "y" if w.endswith("ies") else w[:-2] if w.endswith(("ches", "shes", "sses", "xes")) else w[:-1]
    if tag in ("VBD", "VBN") and w.endswith("ed") and len(w) > 4:
        if w.endswith("ied"):
            return w[:-3] + "y"
        stem = w[:-2]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
            return stem[:-1]  # "planned" -> "plan"
        # "estimated" -> "estimate", "reported" -> "report", "raised" -> "raise": keep the e
        # after c/v/z/g/u/at/it and a vowel + s
        return stem + "e" if stem.endswith(_E_STEMS) and not stem.endswith(_NO_E) else stem
    if tag == "VBG" and w.endswith("ing") and len(w) > 5:
        stem = w[:-3]
        return stem + "e" if stem.endswith(_E_STEMS) and not stem.endswith(("it", "u") + _NO_E) else stem
    return w


def figure_between(figures: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Is a whole figure (of the sorted char spans ``figures``) inside ``[lo, hi)``?"""
    k = bisect_left(figures, (lo, -1))
    return k < len(figures) and figures[k][1] <= hi


def word_lemma(word: str) -> str:
    """A bare word's base form (irregular table, then plural folding): for text scans."""
    return IRREGULAR.get(word, singular(word))
