"""Comparisons with levels: how two claims' evidence agrees, field by field, as data.

As in Splink, each comparison sorts a pair into one of a few ordered *levels* ("same named
holder", "a rare entity shared", "unknown", "two different named holders"); the model
(model.py) gives every level a learned weight.  The level names, their order and the
bins of the similarity comparisons live in ``rules/comparisons.toml``; the functions that
read evidence into a level live here, one small function per comparison, registered by
name so the rules file can list which to use.

A level named ``unknown`` is no evidence: its weight is 0 by construction, never a veto.
"""

from __future__ import annotations

from .spec import error, params, spec  # noqa: F401

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from nkextract.extraction.frames import FrameRules
from nkextract.rules import Rules
from .evidence import Evidence, Folder, cosine
from .intervals import meet

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Comparison:
    """One comparison: its name, its ordered levels (as the rules file lists them), what
    each level says in words, and its bins (for similarity comparisons)."""

    name: str
    levels: tuple[str, ...]
    labels: dict[str, str]
    bins: tuple[float, ...] = ()
    # the relation a pair has when this comparison alone says "not the same" while every
    # other comparison says "same": a trend (period), a forecast (modality), a scope
    relation: str = ""
    relation_levels: frozenset[str] = frozenset()
    # levels that are no evidence either way (weight 0, left out of m and u, as Splink's
    # null levels): "unknown" always; "values meet" for the magnitude, since agreement
    # is no evidence that two figures are rivals
    null_levels: frozenset[str] = frozenset({"unknown"})


class Context:
    """What comparisons need besides the two claims: the folder's statistics, the rules'
    vocabulary and the user's tolerance."""

    def __init__(self, folder: Folder, fr: FrameRules, rules: Rules, tol: float) -> None:
        self.folder = folder
        self.fr = fr
        self.tol = tol
        cmp = spec()
        related = cmp.get("measures", {}).get("related", [])
        self.related = {frozenset(pair) for pair in related}
        cues = rules.frames.get("contrast", {}).get("cues", [])
        self.contrast = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + r")(?!\w)",
            re.I) if cues else None


Level = Callable[[Evidence, Evidence, Context, Comparison], str]
REGISTRY: dict[str, Level] = {}


def register(name: str) -> Callable[[Level], Level]:
    def deco(fn: Level) -> Level:
        REGISTRY[name] = fn
        return fn
    return deco


def binned(value: float, bins: Sequence[float], names: Sequence[str]) -> str:
    """The first level whose lower bound ``value`` reaches (bins high to low); the last
    level below them all."""
    for b, name in zip(bins, names):
        if value >= b:
            return name
    return names[len(bins)]


# --- the comparisons ------------------------------------------------------------------------


@register("holder")
def holder(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """Whose figure: one name beside both figures; two different names beside them (each
    absent from the other's sentence and article); a rare entity both sentences name;
    only the articles' main subject shared; nothing to go by."""
    if a.near & b.near:
        return "same_named"
    if a.near and b.near and not (a.near & b.strong) and not (b.near & a.strong):
        return "different_named"
    if _one_sentence(a, b):
        return UNKNOWN  # every name of a sentence is "shared" by its figures: no evidence
    shared = a.ents.keys() & b.ents.keys()
    if any(cx.folder.rare(k) for k in shared):
        return "shared_rare"
    if shared:
        return "shared_common"
    if (a.near & b.doc_ents) or (b.near & a.doc_ents):
        return "named_subject_of_other"
    if a.doc_ents & b.doc_ents:
        return "same_subject"
    if a.ents and b.ents:
        return "nothing_shared"
    return UNKNOWN


@register("measure")
def measure(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """What is measured: the same measure of the rules (read off both figures' own words, or
    borrowed from the context); two related ones; the same noun the rules do not know; a
    word in common; two different measures."""
    if a.mclass and b.mclass:
        if a.mclass == b.mclass:
            return "same_own" if a.mown and b.mown else "same_borrowed"
        if frozenset((a.mclass, b.mclass)) in cx.related:
            return "related"
        return "different"
    if a.measure and a.measure == b.measure:
        return "same_noun"
    if a.words & b.words:
        return "shared_word"
    if a.measure and b.measure:
        return "different_noun"
    return UNKNOWN


@register("counted")
def counted(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """The words that say what is counted (the counted noun, the verbs it hangs from),
    as overlap."""
    if not a.words or not b.words:
        return UNKNOWN
    j = len(a.words & b.words) / len(a.words | b.words)
    return binned(j, spec.bins, spec.levels)


@register("period")
def period(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """For when: the same stated period, overlapping ones, disjoint ones, a flow over
    periods of different lengths, one stated against an article about other years,
    articles written far apart, a running count, or nothing to go by."""
    pa, pb = a.period, b.period
    if pa is not None and pb is not None:
        # a month's figure and a year's: a flow over periods of other lengths, or a count
        # at two moments; either way not rivals as they stand
        if pa.grain != pb.grain and "cumulative" not in (pa.grain, pb.grain) and pa.key() != pb.key():
            return "other_grain"
        if pa.key() == pb.key():
            return "same"
        if pa.overlaps(pb):
            return "overlap"
        return "disjoint"
    if pa is not None or pb is not None:
        stated, other = (pa, b) if pa is not None else (pb, a)
        assert stated is not None
        when = other.doc_period
        if when is not None and not stated.overlaps(when) and abs(_mid(stated) - _mid(when)) > DOCUMENT_DAYS:
            return "stated_vs_other_time"
        years = set().union(*(cx.folder.years.get(f, {}).keys() for f in other.files))
        if years and not _near(stated, years):
            return "stated_vs_other_time"
        return "one_stated"
    if a.doc_period is not None and b.doc_period is not None \
            and abs(_mid(a.doc_period) - _mid(b.doc_period)) > DOCUMENT_DAYS:
        return "articles_apart"
    if a.running or b.running:
        return "running"
    return UNKNOWN


@register("modality")
def modality(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """Actual against actual; forecast against an outcome; a target or a condition."""
    ma, mb = a.modality, b.modality
    if "hypothetical" in (ma, mb) or ("target" in (ma, mb) and ma != mb):
        return "target_or_condition"
    if ma != mb:
        return "forecast_vs_outcome"
    return "same" if ma == "actual" else "same_projection"


@register("scope")
def scope(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """Which part: the same scope, one inside the other, or two different parts."""
    if a.scope == b.scope:
        return "same"
    if a.scope < b.scope or b.scope < a.scope:
        return "part"
    return "different"


@register("article")
def article(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """Where the two figures stand.  One article: does it set them against each other (two
    named sources, or a contrast word between them)?  An article's own two figures of one
    thing are usually two things it tells apart (a revision, a part, another day).  Two
    articles: how alike they are (TF-IDF cosine of their figures' sentences, in bins)."""
    if not (a.files & b.files):
        return binned(cx.folder.story(a, b), spec.bins, spec.levels[4:])
    if a.attribution and b.attribution and a.attribution != b.attribution:
        return "two_sources"
    first, later = sorted((a, b), key=lambda e: e.start)
    s = later.sentence
    j = s.rfind(later.text) if later.text else -1
    i = s.find(first.text) if first.sentence == s and first.text else -1
    # one sentence: the words between the figures; else what leads up to the later one
    text = s[i + len(first.text):j] if 0 <= i < j else s[:max(0, j)]
    if cx.contrast is not None and cx.contrast.search(text):
        return "contrasted"
    return "one_sentence" if a.sentence == b.sentence else "one_article"


@register("context")
def context(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """How alike the words around the two figures are, numbers masked (TF-IDF cosine)."""
    if not a.ctx or not b.ctx or _one_sentence(a, b):
        return UNKNOWN  # one sentence's figures share their words: no evidence
    return binned(cosine(a.ctx, b.ctx), spec.bins, spec.levels)


@register("magnitude")
def magnitude(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """How far apart the values are: meeting at the tolerance, then ratio bins."""
    if meet(a.lo, a.hi, b.lo, b.hi, cx.tol):
        return "meet"
    if a.mag is None or b.mag is None:
        return UNKNOWN
    return binned(-abs(a.mag - b.mag), [-x for x in spec.bins], spec.levels[1:])


@register("source")
def source(a: Evidence, b: Evidence, cx: Context, spec: Comparison) -> str:
    """Who vouches: the same named source on both sides, two different ones, or unknown."""
    if not a.attribution or not b.attribution:
        return UNKNOWN
    return "same" if a.attribution == b.attribution else "different"


# --- helpers -------------------------------------------------------------------------------

# Articles written this far apart, with no period stated, may give figures of two moments.
DOCUMENT_DAYS = 400


def _one_sentence(a: Evidence, b: Evidence) -> bool:
    return a.doc == b.doc and a.sentence == b.sentence


def _mid(p: object) -> float:
    s = p.start or p.end  # type: ignore[attr-defined]
    e = p.end or p.start  # type: ignore[attr-defined]
    return (s.toordinal() + e.toordinal()) / 2 if s and e else 0.0


def _near(p: object, years: set[int]) -> bool:
    ys = {d.year for d in (p.start, p.end) if d is not None}  # type: ignore[attr-defined]
    lo, hi = min(ys) - 1, max(ys) + 1
    return any(lo <= y <= hi for y in years)
