"""Evidence per claim: everything a claim offers to the question "is this the same quantity
as that one?", computed once per claim (never per pair).

The frame fields (holder, measure, ...) are the extractor's best single reading, for
display.  Comparison weighs more than that one guess: every entity of the sentence with
the role that ties it to the figure, the words that say what is counted, the words around
the figure with the number masked, the article's main subjects, the period, modality and
scope cues, and the magnitude.  Records written before ``evidence`` existed still compare:
their entities are read off the sentence's capitalised words (role ``sentence``).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from nkextract.extraction.claims import Claim
from nkextract.extraction.frames import FrameRules, singular
from nkextract.extraction.scope import hard_scope
from nkextract.extraction.periods import Period, parse_key
from .intervals import NOT_COMPARED, bounds, files, unit_family

# A name this many tokens or fewer from the figure stands beside it ("Indonesia 5,000",
# "Sri Lanka's toll of 12,000"), whatever the parse says of it.
NEAR_GAP = 3
# Roles that tie an entity to the figure itself: whose figure it is.  "in X" (a place the
# figure happens in) and a mere mention elsewhere in the sentence are weaker.
STRONG_ROLES = frozenset({"counted", "possessive", "compound", "of", "from", "for", "subject", "apposition",
                          "concept", "sentence concept", "speaker", "anaphora", "own in", "holder"})
# Content words around the figure that make up its masked context, each side.
CONTEXT_WORDS = 8
_STOP = frozenset("""a an the of in on at to for from by with and or but is are was were be been being has have
had that this these those it its their there which who whom as than then so such also not no some any all
more most many much other into over under about between per he she they we you i his her our your them him
us said says say would could will may might can do does did just only up out if when while what where how
one two three four five six seven eight nine ten hundred hundreds thousand thousands million millions
billion billions trillion percent per cent nearly almost around roughly approximately least estimated
according year years month months day days week weeks mr mrs ms""".split())
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_CAPS = re.compile(r"(?<![\w.])(?:[A-Z][\w'’&.-]*)(?:\s+(?:of|the|de|for|and)?\s*[A-Z][\w'’&.-]*)*")


@dataclass(slots=True)
class Evidence:
    """One claim's evidence, as plain values (see the module docstring)."""

    index: int
    eligible: bool
    family: str
    lo: float
    hi: float
    mag: float | None  # log10 of the figure's size (geometric middle of its bounds)
    doc: str  # the claim's own file
    files: frozenset[str]
    start: int
    text: str  # the figure as written, whitespace folded
    sentence: str
    measure: str
    mclass: str  # the measure's rules key, "" when the rules do not know it
    mown: bool  # measure read off the figure's own noun or verb, not borrowed from context
    words: frozenset[str]  # lemmas saying what is counted
    ents: dict[str, str]  # entity key -> its role
    strong: frozenset[str]  # entities in a role that ties them to the figure
    near: frozenset[str]  # entities tied to the figure or standing beside it
    doc_ents: frozenset[str]  # the article's main subjects
    period: Period | None  # stated in the sentence (or resolved from it)
    doc_period: Period | None  # only the article's date
    grain: str
    modality: str
    scope: frozenset[str]
    running: str
    attribution: str
    ctx: dict[str, float]  # unit TF-IDF vector of the masked context window


def words_of(text: str) -> list[str]:
    """Content words of a text, lower case, plurals folded: what context is compared by."""
    return [singular(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


def masked_context(sentence: str, text: str, k: int = CONTEXT_WORDS) -> list[str]:
    """The content words around a figure in its sentence, the figure itself left out: what
    a reader sees said of it ("... the official death toll of [N] ...")."""
    flat = " ".join(sentence.split())
    fig = " ".join(text.split())
    at = flat.find(fig) if fig else -1
    if at < 0:
        return words_of(flat)[: 2 * k]
    left = words_of(flat[:at])[-k:]
    right = words_of(flat[at + len(fig):])[:k]
    return left + right


def _measure_class(fr: FrameRules, c: Claim) -> tuple[str, bool]:
    how = (c.frame or {}).get("measure", "")
    own = not how.startswith(("context", "previous sentence", "window", "antecedent"))
    return (c.measure if c.measure in fr.known else ""), own and bool(c.measure)


def _entities(fr: FrameRules, c: Claim) -> tuple[dict[str, str], set[str]]:
    """(entity key -> role, the keys standing beside the figure)."""
    ents: dict[str, str] = {}
    near: set[str] = set()
    ev = c.evidence or {}
    for item in ev.get("ents", []):
        if isinstance(item, (list, tuple)) and len(item) >= 2 and item[0]:
            ents.setdefault(str(item[0]), str(item[1]))
            if len(item) > 2 and isinstance(item[2], int) and item[2] <= NEAR_GAP:
                near.add(str(item[0]))
    if not ev:
        # a record without evidence: the sentence's capitalised phrases after its first word
        for m in _CAPS.finditer(c.sentence):
            if m.start() > 0:
                k = fr.key(m.group(0))
                if k and k not in _STOP:
                    ents.setdefault(k, "sentence")
    how = (c.frame or {}).get("holder", "") or ""
    if c.holder and how not in ("document", "previous sentence", "antecedent", "") and not how.startswith("?"):
        role = "own in" if "'in'" in how and "own" in how else ("in" if "'in'" in how else "holder")
        ents[fr.key(c.holder)] = role
    for s in c.scope:
        k = fr.key(s)
        if k and s[:1].isupper():
            ents.setdefault(k, "in")
    near.update(k for k, r in ents.items() if r in STRONG_ROLES)
    return ents, near


def _magnitude(lo: float, hi: float) -> float | None:
    vals = [abs(v) for v in (lo, hi) if math.isfinite(v) and v != 0]
    if not vals:
        return None
    return sum(math.log10(v) for v in vals) / len(vals)


def evidence_of(fr: FrameRules, c: Claim, i: int, event_words: frozenset[str] = frozenset()) -> Evidence:
    lo, hi = bounds(c)
    eligible = (c.kind not in NOT_COMPARED and (c.low is not None or c.high is not None)
                and not (c.frame or {}).get("increment") and not _names_event(c, event_words))
    v = c.low if c.low is not None else c.high
    if c.kind == "count" and c.unit is None and v is not None and v != int(v) and v < 1000:
        eligible = False  # "16.5 and 4.0 per cent" read as 16.5 of nothing
    mclass, mown = _measure_class(fr, c)
    ents, near = _entities(fr, c)
    words = set((c.evidence or {}).get("words", []))
    if c.head:
        words.add(c.head)
    words.update(c.measure.split() if c.measure and not mclass else [])
    period = None
    doc_period = None
    if c.period and c.time_source != "report":
        p = parse_key(c.period, c.period_grain)
        if c.time_source == "document":
            doc_period = p
        else:
            period = p
    modality = c.modality if c.modality in ("forecast", "target", "hypothetical") else "actual"
    scope = hard_scope(fr, c.scope)
    holder = fr.key(c.holder) if c.holder else ""
    scope = frozenset(s.lower() for s in scope if fr.key(s) != holder)
    return Evidence(
        index=i, eligible=eligible, family=unit_family(c), lo=lo, hi=hi, mag=_magnitude(lo, hi),
        doc=c.source, files=frozenset(files(c)), start=c.start,
        text=" ".join(c.text.split()), sentence=c.sentence, measure=c.measure,
        mclass=mclass, mown=mown, words=frozenset(w for w in words if w), ents=ents,
        strong=frozenset(k for k, r in ents.items() if r in STRONG_ROLES), near=frozenset(near),
        doc_ents=frozenset(fr.key(e) for e in c.doc_entities[:3]), period=period, doc_period=doc_period,
        grain=c.period_grain or "", modality=modality, scope=scope,
        running=(c.frame or {}).get("running", ""), attribution=_att(c.attribution), ctx={},
    )


def _names_event(c: Claim, event_words: frozenset[str]) -> bool:
    """"the 100m title", "a 200m final": a figure that names an event, not a quantity."""
    flat = " ".join(c.sentence.split())
    fig = " ".join(c.text.split())
    at = flat.find(fig) if fig else -1
    if at < 0 or not event_words:
        return False
    after = flat[at + len(fig):].lower().split()
    return bool(after) and (after[0].strip(",.;:") in event_words
                            or " ".join(after[:2]).strip(",.;:") in event_words)


def _att(source: str | None) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (source or "").lower()))


class Folder:
    """The evidence of every claim of one folder, with the folder's own statistics: how
    rare each entity and word is here, and how alike its articles are.

    IDF is taken over the folder being read, so "Korea" is rare in a general news archive
    and common in a folder about North Korea, and weighs accordingly.
    """

    def __init__(self, claims: Sequence[Claim], fr: FrameRules, event_words: frozenset[str] = frozenset()) -> None:
        self.claims = claims
        self.exact = fr.exact
        self.named = fr.named
        self.ev = [evidence_of(fr, c, i, event_words) for i, c in enumerate(claims)]
        docs = sorted({f for c in claims for f in files(c)})
        self.n_docs = max(1, len(docs))
        # entity document frequency
        ent_docs: dict[str, set[str]] = defaultdict(set)
        for e in self.ev:
            for k in e.ents:
                ent_docs[k].update(e.files)
            for k in e.doc_ents:
                ent_docs[k].update(e.files)
        self.ent_df = {k: len(v) for k, v in ent_docs.items()}
        self._doc_vectors(claims)
        # masked-context vectors, IDF over claims
        bags = [Counter(masked_context(c.sentence, c.text)) for c in claims]
        df: Counter[str] = Counter()
        for b in bags:
            df.update(b.keys())
        n = len(bags) + PSEUDO_DOCS
        for e, b in zip(self.ev, bags):
            e.ctx = _unit({w: (1 + math.log(tf)) * math.log(n / (df[w] + 0.5)) for w, tf in b.items()})

    def _doc_vectors(self, claims: Sequence[Claim]) -> None:
        """Articles as TF-IDF vectors of their figures' sentences: the rule engine's
        :class:`~nkextract.compare.stories.Stories` (two outlets' reports of one event share
        their rare words: the place, the names, "hurricane", "toll")."""
        from nkextract.compare.stories import Stories

        self.stories = Stories(claims)
        # the years each article states for its figures: what its story is about
        self.years: dict[str, Counter[int]] = defaultdict(Counter)
        for e in self.ev:
            if e.period is not None:
                for f in e.files:
                    self.years[f].update(_years(e.period))

    def top_terms(self, source: str, k: int, max_df: int) -> list[str]:
        """The words that most mark an article's story, found in 2 to ``max_df`` articles."""
        v = self.stories.vec.get(source, {})
        shared = [(w, x) for w, x in v.items() if 2 <= self.stories.df[w] <= max_df]
        return [w for w, _ in sorted(shared, key=lambda wx: (-wx[1], wx[0]))[:k]]

    def doc_similarity(self, a: str, b: str) -> float:
        return self.stories.similarity(a, b)

    def story(self, a: Evidence, b: Evidence) -> float:
        """How alike the two claims' articles are (the best pair of their files)."""
        return max(self.doc_similarity(x, y) for x in a.files for y in b.files)

    def rare(self, key: str) -> bool:
        """An entity few articles of this folder name: sharing it says something."""
        return self.ent_df.get(key, 0) <= max(RARE_MIN_DOCS, RARE_SHARE * self.n_docs)


# IDF with this many imaginary documents that hold none of the words: on a folder of three
# articles every shared word would otherwise count for nothing.
PSEUDO_DOCS = 10
# An entity named in at most this share of a folder's articles (or RARE_MIN_DOCS) is rare.
RARE_SHARE = 0.05
RARE_MIN_DOCS = 3


def _years(p: Period) -> set[int]:
    return {d.year for d in (p.start, p.end) if d is not None}


def _unit(v: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {w: x / norm for w, x in v.items() if x > 0}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())
