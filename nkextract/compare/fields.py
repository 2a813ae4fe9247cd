"""How two claims compare field by field (holder, measure, period, story, scope, contrast),
and the small readings of one claim those comparisons use.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from nkextract.compare.dedupe import content_words
from nkextract.compare.records import mentions_of, overlaps
from nkextract.compare.weights import (
    CUMULATIVE_DAYS,
    DOCUMENT_DAYS,
    GAP_DOUBT,
    GAP_MAX,
    GAP_MAX_COUNT,
    HOLDER_CONTEXT,
    HOLDER_DOCUMENT,
    HOLDER_NONE,
    HOLDER_SAME,
    HOLDER_SAME_FILE,
    INCIDENT_MAX,
    MEASURE_NOUN,
    MEASURE_RULES,
    MEASURE_WEAK,
    PERIOD_DOCUMENT,
    PERIOD_UNKNOWN,
    SENTENCE_FLOOR,
    SENTENCE_FULL,
    STORY_MIN,
)
from nkextract.extraction.claims import Claim
from nkextract.extraction.periods import Period, parse_key
from nkextract.extraction.scope import hard_scope


def is_headline(c: Claim) -> bool:
    """A figure that may stand for its group's disagreement: its own words say what it
    measures, and it is a figure, not a magnitude.  A bare small number whose measure was
    borrowed from the words around it ("40", "three") or a vague "dozens" joins a group
    but is not the headline."""
    if is_vague(c):
        return False
    how = (c.frame or {}).get("measure", "")
    borrowed = how.startswith(("context", "previous sentence", "antecedent", "window", "clause noun"))
    v = c.high if c.high is not None else c.low
    return not (borrowed and v is not None and abs(v) < 1000)


def gap_doubt(ratio: float, kind: str) -> float:
    """Figures of one quantity orders of magnitude apart are more often two quantities
    (a village's toll and a nation's, a misread figure) than a disagreement: less sure,
    not hidden.  Counts disputed by sources differ by up to ~75x on the development set
    (64 official deaths against a survey's 4,645); money by up to 1,000x (a "million"
    typed for a "billion")."""
    return GAP_DOUBT if ratio > (GAP_MAX_COUNT if kind in ("count", "rate") else GAP_MAX) else 1.0


def holder_how(c: Claim) -> str:
    return (c.frame or {}).get("holder", "") or ""


def _place_holder(how: str) -> bool:
    """A holder read from "in X": a place the figure is restricted to."""
    return "'in'" in how


def is_explicit(how: str) -> bool:
    """Holder named by the figure's own sentence (not guessed from the document)."""
    return bool(how) and how not in ("document", "antecedent", "previous sentence") and not how.startswith("?")


def similar(a: Claim, b: Claim, floor: float | None = None) -> float:
    """How alike two figures' sentences are, as a factor: 1.0 for sentences that say the
    same thing in other words, down to ``floor`` for sentences that share nothing."""
    low = SENTENCE_FLOOR if floor is None else floor
    wa, wb = set(content_words(a.sentence).split()), set(content_words(b.sentence).split())
    score = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    return low + (1 - low) * min(1.0, score / SENTENCE_FULL)


_VAGUE_RE = re.compile(r"(?:\w+\s+)?(?:dozens|scores|tens|hundreds|thousands|millions|billions)"
                       r"(?:\s+of\s+(?:thousands|millions|billions))?"
                       r"|hundred|thousand|million|billion|trillion", re.I)  # a bare scale word: "million"


def is_vague(c: Claim) -> bool:
    return bool(_VAGUE_RE.fullmatch(" ".join(c.text.split())))


def is_incident(c: Claim) -> bool:
    """A small count of people (under INCIDENT_MAX) that is not a running total."""
    v = c.high if c.high is not None else c.low
    return (c.kind == "count" and v is not None and v < INCIDENT_MAX
            and not (c.period_grain == "cumulative"))


def _running(c: Claim) -> str:
    return (c.frame or {}).get("running", "")


def is_stated(c: Claim) -> bool:
    """Is the claim's period written in its own sentence (not the article's date)?"""
    return c.period is not None and c.time_source in ("sentence", "relative")


def modality_class(m: str) -> str:
    return "actual" if m in ("actual", "estimate", "") else m


def period_of(c: Claim) -> Period | None:
    return parse_key(c.period, c.period_grain) if c.period else None


def years_of(p: Period) -> set[int]:
    return {d.year for d in (p.start, p.end) if d is not None}


def near_years(p: Period, years: set[int]) -> bool:
    """Is one of ``years`` within a year of period ``p`` (or before the end of an open total)?"""
    lo, hi = min(years_of(p)) - 1, max(years_of(p)) + 1
    return any(lo <= y <= hi for y in years) or (p.start is None and min(years) <= hi)


def mid(p: Period | None) -> float:
    if p is None:
        return 0.0
    s = p.start or p.end
    e = p.end or p.start
    assert s is not None and e is not None
    return (s.toordinal() + e.toordinal()) / 2


def part_of(a: frozenset[str], b: frozenset[str]) -> bool:
    return a != b and b < a


def scope_text(s: frozenset[str]) -> str:
    return "all" if not s else " + ".join(sorted(s)).title()


def scope_phrase(s: frozenset[str]) -> str:
    return f"same scope {scope_text(s)}" if s else ""


def files_of(c: Claim) -> set[str]:
    return {m["source"] for m in mentions_of(c)}


def _att(c: Claim) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (c.attribution or "").lower()))


def _named(source: str | None) -> bool:
    """A source a reader can tell apart: a name ("Greenpeace", "the New York Times") or a
    described one ("a student union"), not a word the parser took for one ("families",
    "350,209", "others")."""
    words = (source or "").split()
    if not words or any(ch.isdigit() for ch in source or ""):
        return False
    if any(w[:1].isupper() and w[:1].isalpha() for w in words):
        return True
    return len(words) >= 2 and words[0].lower() not in _VAGUE_SOURCES


_VAGUE_SOURCES = frozenset({"some", "others", "other", "they", "many", "most", "families", "people", "residents"})


def shown(c: Claim) -> str:
    return f"“{' '.join(c.text.split())}”"


def common(values: Iterable[str | None]) -> str | None:
    vs = [v for v in values if v]
    if not vs:
        return None
    return Counter(vs).most_common(1)[0][0]


# --- grouping --------------------------------------------------------------------------


def group_subject(cs: Sequence[Claim]) -> str:
    """A readable name: the measure and whose it is, else the best-attested subject."""
    measure = common(c.measure for c in cs)
    holder = common(c.holder for c in cs)
    if measure and holder:
        return f"{measure} · {holder}"
    best = max(cs, key=lambda c: (len(mentions_of(c)), bool(c.subject), -len(c.subject)))
    return best.subject or measure or best.subject_key


class PairFields:
    """The fields two claims are compared on (holder, measure strength, period, story, scope,
    a contrast in one article).  Mixed into :class:`Comparer`, whose rules it reads."""

    def _measure_strength(self, c: Claim) -> float:
        """A measure from the rules, read off the figure's own noun or verb, is sure; one
        read from the words around it, or a noun the rules do not know, less so."""
        how = (c.frame or {}).get("measure", "")
        if how.startswith(("context", "previous sentence", "window")):
            return MEASURE_WEAK
        return MEASURE_RULES if c.measure in self.known else MEASURE_NOUN

    def _holder(self, a: Claim, b: Claim) -> tuple[float, str] | None:
        ha, hb = a.holder, b.holder
        how_a, how_b = holder_how(a), holder_how(b)
        ka, kb = (self.key(ha) if ha else ""), (self.key(hb) if hb else "")
        strong_a, strong_b = is_explicit(how_a), is_explicit(how_b)
        if a.measure in self.fr.named and not (strong_a and strong_b and ka == kb):
            return None  # a person's age is that person's: both sentences must name them
        docs_a = {self.key(e) for e in a.doc_entities}
        docs_b = {self.key(e) for e in b.doc_entities}
        if not ka and not kb:
            # an unnamed event ("the quake") in two articles: only the story can join them
            if files_of(a) & files_of(b):
                return HOLDER_SAME_FILE, "one article, no holder named"
            if not self._one_story(a, b):
                return None
            return HOLDER_NONE, "no holder named in either article"
        if ka and ka == kb:
            if strong_a and strong_b:
                return HOLDER_SAME, f"same holder {ha}"
            if _place_holder(how_a) or _place_holder(how_b):
                # "6,000 killed in Indonesia" against an article's own total: the place
                # named in one sentence restricts that figure; the other is the whole
                return None
            if strong_a or strong_b:
                return HOLDER_CONTEXT + 0.1, f"same holder {ha}"
            if files_of(a) & files_of(b):
                return HOLDER_SAME_FILE, f"one article about {ha}"
            return HOLDER_DOCUMENT, f"both articles about {ha}"
        if strong_a and strong_b:
            return None  # two named holders: two quantities (two countries, two firms)
        if strong_a and ka in docs_b and not _place_holder(how_a):
            return HOLDER_CONTEXT, f"holder {ha} (an article about it)"
        if strong_b and kb in docs_a and not _place_holder(how_b):
            return HOLDER_CONTEXT, f"holder {hb} (an article about it)"
        if not strong_a and not strong_b and (ka in docs_b or kb in docs_a):
            return HOLDER_DOCUMENT * 0.9, f"articles about {ha or hb}"
        if not strong_a and not strong_b:
            # neither sentence names a holder, and the articles' main subjects differ:
            # as weak as no holder at all; only the story can join them
            if not self._one_story(a, b):
                return None
            return HOLDER_NONE * 0.8, "no holder named in either sentence"
        return None

    def _period(self, a: Claim, b: Claim) -> tuple[str, float, str] | None:
        """("same" or "trend", strength, words), or None: incomparable periods."""
        # a report's year is when it was published, not what it measured: no period
        pa = None if a.time_source == "report" else period_of(a)
        pb = None if b.time_source == "report" else period_of(b)
        da, db = a.time_source == "document", b.time_source == "document"
        if pa is None or pb is None:
            if pa is None and pb is None:
                run = _running(a) or _running(b)
                if run and not overlaps(a, b, self.tol_of(a)):
                    # "the toll rose to 51,000" against "25,000": a count that moved
                    return "trend", PERIOD_UNKNOWN, f"a running count (“{run}”), no dates"
                return "same", PERIOD_UNKNOWN, "no period stated"
            (stated, own), other = ((pa, a), b) if pa is not None else ((pb, b), a)
            assert stated is not None
            if own.time_source in ("sentence", "relative") and self.stories is not None \
                    and (not self.stories.speaks_of(other, stated) or self.stories.aside(own, stated)):
                # the other article speaks of other years, or this figure is its own
                # article's look back: another event, another time
                return "trend", PERIOD_UNKNOWN, f"period {stated.key()} vs an article about other years"
            return "same", PERIOD_UNKNOWN, f"period {stated.key()} vs none stated"
        flow = a.measure in self.fr.flows
        if (da or db) and files_of(a) & files_of(b):
            # one article: a figure that states no time speaks of the time it is about
            return "same", PERIOD_DOCUMENT, f"period {(pb if da else pa).key()} in one article"
        if da or db:
            # an article's date (or a report's year) is when it was written, not what the
            # figure measured: only far-apart dates say two moments
            if (da and db) and abs(mid(pa) - mid(pb)) > DOCUMENT_DAYS:
                return "trend", PERIOD_DOCUMENT, f"articles dated {pa.key()} and {pb.key()}"
            if not (da and db) and not pa.overlaps(pb) and abs(mid(pa) - mid(pb)) > DOCUMENT_DAYS:
                stated, other = (pb, pa) if da else (pa, pb)
                return "trend", PERIOD_DOCUMENT, f"stated {stated.key()} vs article of {other.key()}"
            if not (da and db) and self.stories is not None:
                stated, undated = (pb, a) if da else (pa, b)
                if not self.stories.speaks_of(undated, stated):
                    return "trend", PERIOD_DOCUMENT, f"period {stated.key()} vs an article about other years"
            return "same", PERIOD_DOCUMENT, "articles of about the same time"
        if flow and pa.grain != pb.grain and "span" not in (pa.grain, pb.grain):
            return None  # a quarterly and an annual growth rate are different measures
        if pa.grain == pb.grain == "cumulative" and pa.end and pb.end and abs((pa.end - pb.end).days) > CUMULATIVE_DAYS:
            return "trend", 1.0, f"totals to {pa.end.isoformat()} and to {pb.end.isoformat()}"
        if pa.overlaps(pb):
            return "same", 1.0, f"same period {pa.key()}" if pa.key() == pb.key() else \
                f"periods {pa.key()} and {pb.key()} overlap"
        return "trend", 1.0, f"periods {pa.key()} and {pb.key()}"

    def _one_story(self, a: Claim, b: Claim) -> bool:
        """With no holder to go by, only articles of one story may hold one quantity."""
        return self.stories is None or self.stories.best(a, b) >= STORY_MIN

    def _scope(self, c: Claim) -> frozenset[str]:
        """The scope that splits a comparison; an enumeration of three or more places
        ("abroad in Russia, China, Africa and the Middle East") describes the whole."""
        s = hard_scope(self.fr, c.scope)
        holder = self.key(c.holder) if c.holder else ""
        s = frozenset(x for x in s if self.key(x) != holder)
        places = [x for x in s if x[:1].isupper() or x not in self.fr.subgroups]
        if len(places) >= 3:
            s = s - frozenset(places)
        return frozenset(x.lower() for x in s)

    def _contrast(self, a: Claim, b: Claim) -> str | None:
        """Why one document's two figures are a disagreement it reports, or None: two named
        sources, or a contrast word between the figures (one sentence) or before the
        later figure in its sentence ("That same day, the New York Times estimated ...")."""
        att_a, att_b = _att(a), _att(b)
        if att_a and att_b and att_a != att_b and _named(a.attribution) and _named(b.attribution):
            return f"the article gives {a.attribution}'s and {b.attribution}'s figures"
        if self.contrast is None:
            return None
        first, later = sorted((a, b), key=lambda c: c.start)
        if first.sentence == later.sentence:
            s = first.sentence
            i, j = s.find(" ".join(first.text.split())), s.rfind(" ".join(later.text.split()))
            text = s[i + len(first.text):j] if 0 <= i < j else ""
        else:
            s = later.sentence
            j = s.find(" ".join(later.text.split()))
            text = s[:j] if j >= 0 else s
        m = self.contrast.search(text)
        return f"the article contrasts them (“{m.group(0)}”)" if m else None
