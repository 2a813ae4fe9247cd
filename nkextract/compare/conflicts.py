"""Compare claims about the same quantity and judge where sources disagree.

A figure is compared only with figures of the *same quantity* (frames.py): the same unit
family and measure, a compatible holder, period, modality and scope.  The flow:

1. block: claims meet only inside a block of one unit family, one measure and one holder
   key (a claim's own holder or one of its document's main entities), so most pairs are
   never looked at, and a block of the same story stays small;
2. relate: each pair in a block gets one relation, or none: ``same`` (one quantity),
   ``trend`` (one quantity at two explicit periods), ``forecast`` (a forecast against an
   outcome), ``part`` (one scope inside the other) or ``scope`` (sibling scopes);
3. group without chaining: a group is a set whose *every* pair has the group's relation
   (greedy cliques around the best-connected claim), never a connected component: A like
   B and B like C does not put A with C;
4. judge: a ``same`` group whose intervals do not meet is a ``conflict``; one that meets
   is ``agree``; a part larger than its whole is an ``inconsistency``; ``trend``,
   ``forecast`` and ``scope`` groups say the figures differ for a reason.  Each group has
   a ``confidence`` (how sure we are it is one quantity) and a ``why`` naming what
   matched.

Two figures in *one* document are one quantity only when the document sets them against
each other (two named sources, or a contrast: "while", "but", "others say"); otherwise
the article itself tells them apart (a revision "from 64 to 2,975", a part, a period we
did not read) and they are not compared.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any, Iterable, Sequence

from nkextract.extraction.claims import Claim
from nkextract.compare.dedupe import content_words
from nkextract.extraction.frames import FrameRules
from nkextract.extraction.scope import hard_scope
from nkextract.extraction.periods import Period, parse_key
from nkextract.rules import Rules

VERDICTS = ("inconsistency", "conflict", "forecast", "trend", "scope", "agree")
_RANK = {v: i for i, v in enumerate(VERDICTS)}
SEVERE = ("conflict", "inconsistency")
# Kinds that are never a quantity to compare: a year fact, a rank, a label.
_NOT_COMPARED = frozenset({"year", "rank", "label"})
# Holder evidence, 0-1: how sure two claims are about one holder.  Set on the development
# set's reading (see bench/eval_conflicts.py): a holder named in both sentences is near
# certain; one named in one sentence and among the other article's main subjects is a
# good bet; two articles' main subjects alone are a weak one.
HOLDER_SAME = 1.0
HOLDER_CONTEXT = 0.75
HOLDER_DOCUMENT = 0.6
HOLDER_SAME_FILE = 0.7
HOLDER_NONE = 0.6
# A measure read from the text around a figure (not its own noun or verb) is weaker, and
# so is a noun the rules do not know as a measure ("nominations", "laptops").
MEASURE_RULES = 1.0
MEASURE_NOUN = 0.8
MEASURE_WEAK = 0.7
# Periods: stated and overlapping 1.0; one or both unknown, or only articles' dates: less.
PERIOD_UNKNOWN = 0.8
PERIOD_DOCUMENT = 0.85
# Articles dated this far apart with no period stated: the figures may be of two moments.
DOCUMENT_DAYS = 400
# Two running totals ("to date", "by July 2006") this far apart are two moments of a count.
CUMULATIVE_DAYS = 31
# Two articles about one story (Stories) count fully at a cosine of STORY_FULL; unrelated
# articles count STORY_FLOOR, even when a figure's sentence names the same holder ("the
# Soviets admitted 2 deaths" at Chernobyl, "8.7 million deaths in the USSR" in a famine).
STORY_FULL = 0.12
STORY_FLOOR = 0.35
STORY_TERMS = 3
# Below this cosine two articles are not one story (nearly all random pairs of articles).
STORY_MIN = 0.08
# At this cosine two articles are reports of one story (a quarter of the development set's
# document pairs holding a gold disagreement; no random pair of its articles).
STORY_SAME = 0.3
SAME_STORY_BONUS = 1.0
STORY_PSEUDO_DOCS = 10
# The default report lists conflicts at least this confident (see README, "Conflicts").
# Set by reading: on the development corpus, of the conflicts listed at >= 0.75, 10 of 14
# are disagreements an editor would defend; at >= 0.5, 18 of 46 (bench/eval_conflicts.py
# --sweep shows the trade).  Precision first: the rest is under --all.
DEFAULT_MIN_CONFIDENCE = 0.75
# A disagreeing pair at least this sure seeds a group and may be its headline; weaker
# pairs only join groups.
SEED_MIN = 0.5
# Pairs weaker than this are not one quantity at all: no group joins them.
EDGE_MIN = 0.1
CONTRAST_BONUS = 1.25
# A disagreement group sharing this share of its claims (Jaccard) with an earlier one is a
# repeat of it and is not listed again.
GROUP_OVERLAP = 0.5
# Without a holder named in either sentence, the sentences must be alike: a Jaccard
# overlap of their content words at SENTENCE_FULL or more counts fully (two reports of
# one event share about a third of their words), none counts SENTENCE_FLOOR.
SENTENCE_FULL = 0.35
SENTENCE_FLOOR = 0.6
# Counts under INCIDENT_MAX are usually one incident's ("three were killed"); across
# articles they need alike sentences, down to INCIDENT_FLOOR for unlike ones.
INCIDENT_MAX = 100
INCIDENT_FLOOR = 0.4
# Two such small counts: a disagreement only with more evidence than that.
SMALL_PAIR = 0.45
# A vague magnitude ("hundreds", "dozens") against a figure.
VAGUE = 0.7
GAP_MAX = 2e3
GAP_MAX_COUNT = 100
GAP_DOUBT = 0.6
# A block larger than this is cut by year: an archive's "people / death toll / United
# States" block must not cost n^2 pairs.
BLOCK_MAX = 1500


@dataclass
class Group:
    verdict: str
    subject: str
    unit: str
    kind: str
    severity: float | None
    why: str
    sources: int
    claims: list[Claim] = field(default_factory=list)
    confidence: float = 1.0
    pair: tuple[str, ...] | None = None  # the bounds of the two figures the why names (a conflict's)
    holder: str | None = None
    measure: str | None = None
    period: str | None = None
    modality: str | None = None

    @property
    def id(self) -> str:
        """Stable across runs: the group's claim ids."""
        h = hashlib.sha1("\0".join(sorted(c.id for c in self.claims)).encode()).hexdigest()[:12]
        return f"g{h}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "verdict": self.verdict, "subject": self.subject, "holder": self.holder,
            "measure": self.measure, "period": self.period, "modality": self.modality,
            "unit": self.unit, "kind": self.kind,
            "severity": None if self.severity is None else round(self.severity, 3),
            "confidence": round(self.confidence, 2), "why": self.why, "sources": self.sources,
            "claims": [{**c.to_dict(), "backing": backing(c)} for c in self.claims],
        }


def source_identity(mention: dict[str, Any]) -> str:
    """Who vouches for a mention: its attribution if named, else its file.

    Two articles quoting the same report are one source, not two.
    """
    att = (mention.get("attribution") or "").strip().lower()
    return f"said:{att}" if att else f"file:{mention['source']}"


def backing(c: Claim) -> int:
    """How many independent sources back this claim's value."""
    return len({source_identity(m) for m in _mentions(c)})


def _mentions(c: Claim) -> list[dict[str, Any]]:
    return c.mentions or [c.mention()]


def unit_family(c: Claim | None = None, unit: str | None = None, kind: str | None = None) -> str:
    """Units that can be compared: 'USD/year' meets 'USD' (sources state a yearly amount
    loosely), but 'people/year' (a flow) never meets 'people' (a stock), and a change
    ("fell 2%") never meets a level ("2%").  Currencies are ISO 4217 codes: three capitals.
    Counts are one family: "655,000 Iraqis", "30,000 people" and an elliptical "30,000"
    are told apart by their measure, not by the noun they happen to count."""
    if c is not None:
        unit, kind = c.unit, c.kind
    if kind == "count":
        return "count"  # what is counted is the measure's business: "Iraqis", "people", none
    u = unit or ""
    base = u.split("/")[0]
    fam = base if base.isupper() and len(base) == 3 else u
    return f"change:{fam}" if kind == "change" else fam


# --- intervals -------------------------------------------------------------------------

def _bounds(c: Claim) -> tuple[float, float]:
    lo = c.low if c.low is not None else float("-inf")
    hi = c.high if c.high is not None else float("inf")
    return lo, hi


def overlaps(a: Claim, b: Claim, tol: float) -> bool:
    """Do the intervals meet, or is the gap between them within the relative tolerance?

    The gap is measured against the larger of the two facing ends: at ``tol`` 0.1,
    100 and 110 agree, 100 and 115 do not.  Open ends reach any value.
    """
    alo, ahi = _bounds(a)
    blo, bhi = _bounds(b)
    if alo <= bhi and blo <= ahi:
        return True
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    return upper_lo - lower_hi <= tol * max(abs(upper_lo), abs(lower_hi))


def gap_ratio(a: Claim, b: Claim) -> float | None:
    """How far apart two disjoint intervals are: higher one's low / lower one's high."""
    alo, ahi = _bounds(a)
    blo, bhi = _bounds(b)
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    if lower_hi <= 0 or lower_hi == float("inf") or upper_lo == float("-inf"):
        return None
    return upper_lo / lower_hi


def _about(c: Claim) -> tuple[float | None, str]:
    """A figure's value for a part-versus-whole check: "more than X" and "at least X" are
    read as about X (a whole said to be "more than 50,000" is not thereby any size)."""
    if c.high is not None:
        return c.high, ""
    if c.low is not None:
        return c.low, f"“{c.text}” read as about {_num(c.low)}"
    return None, ""


def _num(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


# --- stories ---------------------------------------------------------------------------


class Stories:
    """How alike two documents are: TF-IDF cosine of the content words of their figures'
    sentences.  Two outlets' reports of one event share their rare words (the place, the
    names, "hurricane", "toll", "study"); two unrelated articles share almost none.  On
    the development set, document pairs holding a gold disagreement score a median of
    0.16 (nearly all above 0.05), random pairs of its documents a median of 0.02; the
    same holds on a 350-article general news folder (median 0.01)."""

    def __init__(self, claims: Sequence[Claim]) -> None:
        bags: dict[str, Counter[str]] = defaultdict(Counter)
        seen: set[tuple[str, str]] = set()
        for c in claims:
            for m in _mentions(c):
                key = (m["source"], m.get("sentence") or c.sentence)
                if key in seen:
                    continue
                seen.add(key)
                bags[m["source"]].update({w for w in content_words(key[1]).split() if len(w) > 2})
        df: Counter[str] = Counter()
        for b in bags.values():
            df.update(b.keys())
        self.df = df
        n = len(bags)
        self.vec: dict[str, dict[str, float]] = {}
        for src, b in bags.items():
            # IDF with STORY_PSEUDO_DOCS imaginary documents that hold none of the words: on
            # a folder of three articles every shared word would otherwise count for nothing
            v = {w: (1 + math.log(tf)) * math.log((n + STORY_PSEUDO_DOCS) / (df[w] + 0.5)) for w, tf in b.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vec[src] = {w: x / norm for w, x in v.items()}
        self._cache: dict[tuple[str, str], float] = {}
        # the years each article states for its figures: what its story is about
        self.years: dict[str, Counter[int]] = defaultdict(Counter)
        for c in claims:
            p = _period_of(c) if c.time_source in ("sentence", "relative") else None
            if p is None:
                continue
            for m in _mentions(c):
                self.years[m["source"]].update(_years(p))

    def speaks_of(self, c: Claim, p: Period) -> bool:
        """Can a figure that states no time be about period ``p``?  Not when its article
        states times for its figures and none is within a year of ``p`` (a tsunami report
        of 2004 against a toll stated for 1883)."""
        stated = set().union(*(self.years.get(f, Counter()).keys() for f in _files(c)))
        return not stated or _near(p, stated)

    def aside(self, c: Claim, p: Period) -> bool:
        """Is ``c``'s stated period ``p`` an aside into the past of an article about later
        years ("an estimated 36,000 died in 1883" in a report of 2004)?  Such a figure is no
        rival to an undated figure of another report of the story."""
        years: Counter[int] = Counter()
        for f in _files(c):
            years.update(self.years.get(f, Counter()))
        years.subtract(_years(p))
        others = {y for y, n in years.items() if n > 0}
        return bool(others) and not _near(p, others) and max(_years(p)) < min(others)

    def top_terms(self, source: str, k: int = STORY_TERMS) -> list[str]:
        """The words that most mark a document's story and that another document shares
        (highest TF-IDF among words found in two documents or more)."""
        v = self.vec.get(source, {})
        shared = [(w, x) for w, x in v.items() if self.df[w] >= 2]
        return [w for w, _ in sorted(shared, key=lambda wx: (-wx[1], wx[0]))[:k]]

    def similarity(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        key = (a, b) if a < b else (b, a)
        if key not in self._cache:
            va, vb = self.vec.get(a, {}), self.vec.get(b, {})
            if len(va) > len(vb):
                va, vb = vb, va
            self._cache[key] = sum(x * vb.get(w, 0.0) for w, x in va.items())
        return self._cache[key]

    def best(self, a: Claim, b: Claim) -> float:
        return max((self.similarity(x, y) for x in _files(a) for y in _files(b)), default=0.0)

    def factor(self, a: Claim, b: Claim) -> float:
        """1.0 for two reports of one story, down to STORY_FLOOR for unrelated articles."""
        return STORY_FLOOR + (1 - STORY_FLOOR) * min(1.0, self.best(a, b) / STORY_FULL)


# --- relations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """How two claims relate: ``kind`` (same, trend, forecast, part, scope), how sure
    (``strength``), and the evidence in words."""

    kind: str
    strength: float
    evidence: tuple[str, ...]
    part: int = 0  # for "part": 1 if the first claim given to relate() is the part, 2 if the second


class Comparer:
    """Decides whether two claims are figures of one quantity, with the rules' vocabulary."""

    def __init__(self, rules: Rules, tol: float = 0.1, stories: Stories | None = None) -> None:
        self.fr = FrameRules(rules)
        self.tol = tol
        self.stories = stories
        contrast = rules.frames.get("contrast", {}).get("cues", [])
        self.contrast = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(c) for c in sorted(contrast, key=len, reverse=True)) + r")(?!\w)",
            re.I) if contrast else None
        self.key = lru_cache(maxsize=65536)(self.fr.key)
        self.known = self.fr.known

    def tol_of(self, c: Claim) -> float:
        """The tolerance two figures of ``c``'s measure meet at: none for an exact measure
        (a person is 76 or 77, not "about" either), else the user's."""
        return 0.0 if c.measure in self.fr.exact else self.tol

    # --- keys ---------------------------------------------------------------------------

    def eligible(self, c: Claim) -> bool:
        """Claims worth comparing: a measure, a value, a quantity kind; not a bare
        fractional "count" ("16.5 and 4.0 per cent" read as 16.5 of nothing), not a step
        added to an earlier figure ("19 more were injured")."""
        if not c.measure or c.kind in _NOT_COMPARED or (c.low is None and c.high is None):
            return False
        if (c.frame or {}).get("increment"):
            return False
        v = c.low if c.low is not None else c.high
        return not (c.kind == "count" and c.unit is None and v is not None and v != int(v) and v < 1000)

    def holder_keys(self, c: Claim) -> list[str]:
        """Block keys for a claim's holder: its own, and, when its sentence names none, its
        document's main subjects and the words that most mark its story (two reports of
        an unnamed "quake" share "quake" or "rubble"), so blocks stay small at any size."""
        keys = []
        if c.holder:
            keys.append(self.key(c.holder))
        if not _explicit(_holder_how(c)):
            keys.extend(self.key(e) for e in c.doc_entities[:2])
            if self.stories is not None:
                keys.extend("story:" + w for w in self.stories.top_terms(c.source))
        if not keys:
            keys.append("file:" + c.source)
        return list(dict.fromkeys(k for k in keys if k))

    def block_keys(self, c: Claim) -> list[tuple[str, str, str]]:
        fam = unit_family(c)
        return [(fam, c.measure, h) for h in self.holder_keys(c)]

    # --- pairs --------------------------------------------------------------------------

    def relate(self, a: Claim, b: Claim) -> Relation | None:
        """The relation between two claims of one block, or None: not one quantity."""
        if unit_family(a) != unit_family(b) or a.measure != b.measure:
            return None
        holder = self._holder(a, b)
        if holder is None:
            return None
        h_strength, h_why = holder
        evidence = [h_why, f"same measure {a.measure}"]
        strength = h_strength * min(self._measure_strength(a), self._measure_strength(b))
        # modality: actual and estimate compare; a forecast only with a forecast
        ma, mb = _modality_class(a.modality), _modality_class(b.modality)
        if "hypothetical" in (ma, mb) or ("target" in (ma, mb) and ma != mb):
            return None
        forecast = ma != mb
        # period
        period = self._period(a, b)
        if period is None:
            return None
        p_kind, p_strength, p_why = period
        evidence.append(p_why)
        strength *= p_strength
        # scope
        sa, sb = self._scope(a), self._scope(b)
        scope_rel = "same" if sa == sb else ("part1" if _part_of(sa, sb) else "part2" if _part_of(sb, sa)
                                             else "scope")
        same_file = bool(_files(a) & _files(b))
        if not same_file and self.stories is not None:
            strength *= self.stories.factor(a, b)
        # small counts of people are usually incidents; a person's age is small and is one
        # quantity wherever it is stated
        counts = a.measure not in self.fr.named
        inc_a, inc_b = counts and _incident(a), counts and _incident(b)
        if not same_file and (a.holder or b.holder) and not (_explicit(_holder_how(a)) or _explicit(_holder_how(b))):
            # neither sentence names the holder: only the articles' subjects and the
            # figures' own words say it is one quantity; two reports of one story (their
            # rare words shared) say it as well as alike sentences do
            if self.stories is not None and self.stories.best(a, b) >= STORY_SAME:
                strength *= SAME_STORY_BONUS
                evidence.append("two reports of one story")
            else:
                strength *= _similar(a, b)
        elif not same_file and (inc_a or inc_b):
            # "three Israelis were killed" and "234 Israelis killed": a small count is
            # usually one incident's; only near-identical sentences make it the same one
            strength *= _similar(a, b, INCIDENT_FLOOR)
        if _vague(a) or _vague(b):
            strength *= VAGUE  # "dozens", "hundreds of thousands": a magnitude, not a figure to dispute
        if inc_a and inc_b:
            # "five died on Queensland roads" vs "seven", "killed 10 Israelis ..., while two
            # bombers killed four": small counts are usually two incidents, even side by side
            strength *= SMALL_PAIR
        kinds = [k for k, on in (("trend", p_kind == "trend"), ("forecast", forecast),
                                 ("scope", scope_rel != "same")) if on]
        if len(kinds) > 1:
            return None  # two differences at once: not one quantity seen two ways
        if kinds == ["scope"]:
            evidence.append(f"scope {_scope_text(sa)} vs {_scope_text(sb)}")
            if scope_rel.startswith("part"):
                return Relation("part", strength, tuple(evidence), 1 if scope_rel == "part1" else 2)
            return Relation("scope", strength, tuple(evidence))
        if kinds == ["trend"]:
            return Relation("trend", strength, tuple(evidence))
        if kinds == ["forecast"]:
            return Relation("forecast", strength, tuple(evidence))
        if same_file and not overlaps(a, b, self.tol_of(a)):
            # one article giving two values of one quantity: a disagreement only when it
            # sets them against each other; else it tells them apart in a way we missed
            contrast = self._contrast(a, b)
            if contrast is None:
                return None
            evidence.append(contrast)
        elif not same_file:
            evidence.append(_scope_phrase(sa))
        return Relation("same", min(1.0, strength), tuple(e for e in evidence if e))

    def _measure_strength(self, c: Claim) -> float:
        """A measure from the rules, read off the figure's own noun or verb, is sure; one
        read from the words around it, or a noun the rules do not know, less so."""
        how = (c.frame or {}).get("measure", "")
        if how.startswith(("context", "previous sentence", "window")):
            return MEASURE_WEAK
        return MEASURE_RULES if c.measure in self.known else MEASURE_NOUN

    def _holder(self, a: Claim, b: Claim) -> tuple[float, str] | None:
        ha, hb = a.holder, b.holder
        how_a, how_b = _holder_how(a), _holder_how(b)
        ka, kb = (self.key(ha) if ha else ""), (self.key(hb) if hb else "")
        strong_a, strong_b = _explicit(how_a), _explicit(how_b)
        if a.measure in self.fr.named and not (strong_a and strong_b and ka == kb):
            return None  # a person's age is that person's: both sentences must name them
        docs_a = {self.key(e) for e in a.doc_entities}
        docs_b = {self.key(e) for e in b.doc_entities}
        if not ka and not kb:
            # an unnamed event ("the quake") in two articles: only the story can join them
            if _files(a) & _files(b):
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
            if _files(a) & _files(b):
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
        pa = None if a.time_source == "report" else _period_of(a)
        pb = None if b.time_source == "report" else _period_of(b)
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
        if (da or db) and _files(a) & _files(b):
            # one article: a figure that states no time speaks of the time it is about
            return "same", PERIOD_DOCUMENT, f"period {(pb if da else pa).key()} in one article"
        if da or db:
            # an article's date (or a report's year) is when it was written, not what the
            # figure measured: only far-apart dates say two moments
            if (da and db) and abs(_mid(pa) - _mid(pb)) > DOCUMENT_DAYS:
                return "trend", PERIOD_DOCUMENT, f"articles dated {pa.key()} and {pb.key()}"
            if not (da and db) and not pa.overlaps(pb) and abs(_mid(pa) - _mid(pb)) > DOCUMENT_DAYS:
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

    # --- groups -------------------------------------------------------------------------

    def judge_same(self, claims: Sequence[Claim], members: Sequence[int],
                   rels: dict[tuple[int, int], Relation]) -> Group:
        """A ``same`` group: a conflict if any two of its intervals do not meet.

        The group's confidence is that of the disagreement it reports (the most severe
        among the pairs sure enough to seed a group, huge gaps doubted), not of its weakest
        pair: a third source that agrees with one side does not make the disagreement
        less sure.
        """
        cs = [claims[i] for i in members]
        pairs = [(claims[i], claims[j], rels[(i, j)]) for i, j in combinations(sorted(members), 2)]
        disagree = []
        for a, b, r in pairs:
            if not overlaps(a, b, self.tol_of(a)):
                ratio = gap_ratio(a, b) or float("inf")
                disagree.append((ratio, a, b, r, _score(r) * _gap_doubt(ratio, a.kind)))
        if not disagree:
            rel = max((r for _, _, r in pairs), key=lambda r: r.strength)
            return self._group("agree", cs, None, rel.strength,
                               "; ".join(rel.evidence) + f"; intervals meet at {self.tol_of(cs[0]):.0%} tolerance")
        disagree = [d for d in disagree if _headline(d[1]) and _headline(d[2])] or disagree
        sure = [d for d in disagree if d[4] >= SEED_MIN] or [max(disagree, key=lambda d: d[4])]
        ratio, a, b, rel, confidence = max(sure, key=lambda d: (d[0], d[4]))
        lo, hi = sorted((a, b), key=lambda c: _bounds(c)[0])
        sev = None if math.isinf(ratio) else ratio
        why = "; ".join(rel.evidence) + f"; {_shown(lo)} vs {_shown(hi)}" + (f", ×{ratio:.1f}" if sev else "")
        g = self._group("conflict", cs, sev, confidence, why)
        # the disagreement by its values: "30,000" vs "about 655,000" and "30,000" vs
        # "655,000" from two other articles are one disagreement to a reader
        g.pair = tuple(sorted((f"{a.low}:{a.high}", f"{b.low}:{b.high}")))
        return g

    def _group(self, verdict: str, cs: Sequence[Claim], severity: float | None, confidence: float,
               why: str) -> Group:
        cs = sorted(cs, key=lambda c: (c.low if c.low is not None else -math.inf, c.source, c.start))
        if verdict == "trend":
            cs.sort(key=lambda c: (_period_of(c) is None, _mid(_period_of(c)) if _period_of(c) else 0, c.source))
        ids = {source_identity(m) for c in cs for m in _mentions(c)}
        first = cs[0]
        return Group(verdict=verdict, subject=_group_subject(cs), unit=first.unit or "", kind=first.kind,
                     severity=severity, why=why, sources=len(ids), claims=list(cs),
                     confidence=max(0.0, min(1.0, confidence)), holder=_common(c.holder for c in cs),
                     measure=first.measure, period=_common(c.period for c in cs),
                     modality=_common(c.modality for c in cs))


def _headline(c: Claim) -> bool:
    """A figure that may stand for its group's disagreement: its own words say what it
    measures, and it is a figure, not a magnitude.  A bare small number whose measure was
    borrowed from the words around it ("40", "three") or a vague "dozens" joins a group
    but is not the headline."""
    if _vague(c):
        return False
    how = (c.frame or {}).get("measure", "")
    borrowed = how.startswith(("context", "previous sentence", "antecedent", "window", "clause noun"))
    v = c.high if c.high is not None else c.low
    return not (borrowed and v is not None and abs(v) < 1000)


def _score(rel: Relation) -> float:
    """A pair's confidence: its strength, raised when a document sets the two figures
    against each other (the strongest evidence that they are one quantity)."""
    bonus = CONTRAST_BONUS if any(e.startswith("the article") for e in rel.evidence) else 1.0
    return min(1.0, rel.strength * bonus)


def _gap_doubt(ratio: float, kind: str) -> float:
    """Figures of one quantity orders of magnitude apart are more often two quantities
    (a village's toll and a nation's, a misread figure) than a disagreement: less sure,
    not hidden.  Counts disputed by sources differ by up to ~75x on the development set
    (64 official deaths against a survey's 4,645); money by up to 1,000x (a "million"
    typed for a "billion")."""
    return GAP_DOUBT if ratio > (GAP_MAX_COUNT if kind in ("count", "rate") else GAP_MAX) else 1.0


def _holder_how(c: Claim) -> str:
    return (c.frame or {}).get("holder", "") or ""


def _place_holder(how: str) -> bool:
    """A holder read from "in X": a place the figure is restricted to."""
    return "'in'" in how


def _explicit(how: str) -> bool:
    """Holder named by the figure's own sentence (not guessed from the document)."""
    return bool(how) and how not in ("document", "antecedent", "previous sentence") and not how.startswith("?")


def _similar(a: Claim, b: Claim, floor: float | None = None) -> float:
    """How alike two figures' sentences are, as a factor: 1.0 for sentences that say the
    same thing in other words, down to ``floor`` for sentences that share nothing."""
    low = SENTENCE_FLOOR if floor is None else floor
    wa, wb = set(content_words(a.sentence).split()), set(content_words(b.sentence).split())
    score = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    return low + (1 - low) * min(1.0, score / SENTENCE_FULL)


_VAGUE_RE = re.compile(r"(?:\w+\s+)?(?:dozens|scores|tens|hundreds|thousands|millions|billions)"
                       r"(?:\s+of\s+(?:thousands|millions|billions))?"
                       r"|hundred|thousand|million|billion|trillion", re.I)  # a bare scale word: "million"


def _vague(c: Claim) -> bool:
    return bool(_VAGUE_RE.fullmatch(" ".join(c.text.split())))


def _incident(c: Claim) -> bool:
    """A small count of people (under INCIDENT_MAX) that is not a running total."""
    v = c.high if c.high is not None else c.low
    return (c.kind == "count" and v is not None and v < INCIDENT_MAX
            and not (c.period_grain == "cumulative"))


def _running(c: Claim) -> str:
    return (c.frame or {}).get("running", "")


def _stated(c: Claim) -> bool:
    """Is the claim's period written in its own sentence (not the article's date)?"""
    return c.period is not None and c.time_source in ("sentence", "relative")


def _modality_class(m: str) -> str:
    return "actual" if m in ("actual", "estimate", "") else m


def _period_of(c: Claim) -> Period | None:
    return parse_key(c.period, c.period_grain) if c.period else None


def _years(p: Period) -> set[int]:
    return {d.year for d in (p.start, p.end) if d is not None}


def _near(p: Period, years: set[int]) -> bool:
    """Is one of ``years`` within a year of period ``p`` (or before the end of an open total)?"""
    lo, hi = min(_years(p)) - 1, max(_years(p)) + 1
    return any(lo <= y <= hi for y in years) or (p.start is None and min(years) <= hi)


def _mid(p: Period | None) -> float:
    if p is None:
        return 0.0
    s = p.start or p.end
    e = p.end or p.start
    assert s is not None and e is not None
    return (s.toordinal() + e.toordinal()) / 2


def _part_of(a: frozenset[str], b: frozenset[str]) -> bool:
    return a != b and b < a


def _scope_text(s: frozenset[str]) -> str:
    return "all" if not s else " + ".join(sorted(s)).title()


def _scope_phrase(s: frozenset[str]) -> str:
    return f"same scope {_scope_text(s)}" if s else ""


def _files(c: Claim) -> set[str]:
    return {m["source"] for m in _mentions(c)}


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


def _shown(c: Claim) -> str:
    return f"“{' '.join(c.text.split())}”"


def _common(values: Iterable[str | None]) -> str | None:
    vs = [v for v in values if v]
    if not vs:
        return None
    return Counter(vs).most_common(1)[0][0]


# --- grouping --------------------------------------------------------------------------


def relate_all(claims: Sequence[Claim], cmp: Comparer) -> dict[tuple[int, int], Relation]:
    """Relations of every pair that shares a block (each pair once), keyed by the claims'
    indices ``(i, j)``, ``i < j``: deterministic, whatever the order of memory addresses."""
    blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        if cmp.eligible(c):
            for k in cmp.block_keys(c):
                blocks[k].append(i)
    rels: dict[tuple[int, int], Relation] = {}
    seen: set[tuple[int, int]] = set()
    for idx in blocks.values():
        for sub in _sub_blocks(idx, claims):
            for i, j in combinations(sorted(sub), 2):
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                r = cmp.relate(claims[i], claims[j])
                if r is not None:
                    rels[(i, j)] = r
    return rels


def _sub_blocks(idx: list[int], claims: Sequence[Claim]) -> Iterable[list[int]]:
    if len(idx) <= BLOCK_MAX:
        yield idx
        return
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for i in idx:
        by_year[claims[i].time].append(i)
    for part in by_year.values():
        for k in range(0, len(part), BLOCK_MAX):
            yield part[k:k + BLOCK_MAX]


def cliques(nodes: Sequence[int], weight: Any) -> list[list[int]]:
    """Greedy cliques: seed on the node with the most (and strongest) edges left, add the
    nodes most strongly joined to the seed if they are joined to every member.  Each
    node is in at most one clique; no chaining.  ``weight(i, j)`` is 0 for no edge."""
    left = set(nodes)
    w = {n: {m: weight(n, m) for m in nodes if m != n} for n in nodes}
    nbrs = {n: {m for m, x in w[n].items() if x > 0} for n in nodes}
    out = []
    while left:
        seed = max(left, key=lambda n: (sum(w[n][m] for m in nbrs[n] & left), -n))
        group = [seed]
        for cand in sorted(nbrs[seed] & left, key=lambda n: (-w[seed][n], n)):
            if all(cand in nbrs[g] for g in group):
                group.append(cand)
        left -= set(group)
        if len(group) > 1:
            out.append(group)
    return out


def group_claims(claims: Sequence[Claim], tol: float = 0.1, rules: Rules | None = None) -> list[Group]:
    """All groups of two or more claims, most severe and most confident first."""
    if rules is None:
        from nkextract.rules import load_rules

        rules = load_rules()
    cmp = Comparer(rules, tol, Stories(claims))
    rels = relate_all(claims, cmp)
    adj: dict[int, dict[int, Relation]] = defaultdict(dict)
    for (i, j), r in rels.items():
        adj[i][j] = adj[j][i] = r
    groups: list[Group] = []
    nodes = sorted(adj)

    def weight(kinds: tuple[str, ...]) -> Any:
        def w(i: int, j: int) -> float:
            r = adj[i].get(j)
            return r.strength if r is not None and r.kind in kinds and r.strength >= EDGE_MIN else 0.0
        return w

    for comp in _components(nodes, adj):
        placed: set[int] = set()
        for members in _disagreements(comp, adj, claims, cmp):
            groups.append(cmp.judge_same(claims, members, rels))
            placed.update(members)
        for members in cliques([i for i in comp if i not in placed], weight(("same",))):
            groups.append(cmp.judge_same(claims, members, rels))
        for kind in ("trend", "forecast", "scope"):
            for members in cliques([i for i in comp if any(r.kind == kind for r in adj[i].values())],
                                   weight((kind, "same"))):
                cs = [claims[i] for i in members]
                pairs = [rels[p] for p in combinations(sorted(members), 2)]
                if not any(p.kind == kind for p in pairs):
                    continue
                rel = next(p for p in pairs if p.kind == kind)
                sev = _max_ratio(cs, cmp.tol_of(cs[0])) if kind == "trend" else None
                groups.append(cmp._group(kind, cs, sev, min(p.strength for p in pairs),
                                         "; ".join(rel.evidence)))
        groups.extend(_inconsistencies(comp, adj, claims, rels, cmp))
    groups = _drop_contained(groups)
    groups.sort(key=lambda g: (_RANK[g.verdict], -round(g.confidence, 1), -(g.severity or 0), g.subject))
    return groups


def _drop_contained(groups: list[Group]) -> list[Group]:
    """A group whose claims all stand in a larger group of the same verdict says nothing
    new, and neither does a second conflict naming the same two figures."""
    sets = [frozenset(id(c) for c in g.claims) for g in groups]
    keep = []
    pairs: set[frozenset[str]] = set()
    for k in sorted(range(len(groups)), key=lambda k: (-groups[k].confidence, -len(groups[k].claims), k)):
        g = groups[k]
        if any(j != k and groups[j].verdict == g.verdict and sets[k] < sets[j] for j in range(len(groups))):
            continue
        if g.pair is not None:
            if frozenset(g.pair) in pairs:
                continue
            pairs.add(frozenset(g.pair))
        keep.append(g)
    return keep


def _disagreements(comp: Sequence[int], adj: dict[int, dict[int, Relation]], claims: Sequence[Claim],
                   cmp: Comparer) -> list[list[int]]:
    """Groups around disagreements: each sure pair of one quantity whose figures do not
    meet (most confident first) seeds a group, joined by every claim that is one quantity
    with all its members, unless an earlier group already holds that pair.  A claim may
    stand in two groups (64 against 1,052 one day, against 4,645 a study later); a pair
    below SEED_MIN, or with a vague magnitude ("dozens"), joins groups but seeds none."""
    def same(i: int, j: int) -> Relation | None:
        r = adj[i].get(j)
        return r if r is not None and r.kind == "same" and r.strength >= EDGE_MIN else None

    seeds = []
    for i in comp:
        for j, r in adj[i].items():
            a, b = claims[i], claims[j]
            if j > i and same(i, j) and _score(r) >= SEED_MIN and not overlaps(a, b, cmp.tol_of(a)) \
                    and not (_vague(a) or _vague(b)):
                seeds.append((_score(r), i, j))
    covered: set[tuple[int, int]] = set()
    out: list[list[int]] = []
    for _, i, j in sorted(seeds, key=lambda s: (-s[0], s[1], s[2])):
        if (i, j) in covered:
            continue
        members = [i, j]
        cands = [k for k in comp if k not in members and same(i, k) and same(j, k)]
        cands.sort(key=lambda k: (-min(adj[i][k].strength, adj[j][k].strength), k))
        for k in cands:
            if all(same(m, k) for m in members):
                members.append(k)
        covered.update((x, y) if x < y else (y, x) for x, y in combinations(members, 2))
        new = set(members)
        if any(len(new & set(g)) / len(new | set(g)) >= GROUP_OVERLAP for g in out):
            continue  # mostly the figures of a group already made: it would read as a repeat
        out.append(sorted(members))
    return out


def _components(nodes: Sequence[int], adj: dict[int, dict[int, Relation]]) -> list[list[int]]:
    """Connected pieces of the relation graph: cliques are searched piece by piece."""
    seen: set[int] = set()
    out = []
    for n in nodes:
        if n in seen:
            continue
        stack, comp = [n], []
        seen.add(n)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in adj[x]:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        out.append(sorted(comp))
    return out


def _inconsistencies(comp: Sequence[int], adj: dict[int, dict[int, Relation]], claims: Sequence[Claim],
                     rels: dict[tuple[int, int], Relation], cmp: Comparer) -> list[Group]:
    """Part larger than its whole, for the same holder, measure and period."""
    out = []
    for i in comp:
        for j, r in adj[i].items():
            if j <= i or r.kind != "part":
                continue
            rel = rels[(i, j)]  # relate(claims[i], claims[j]), i < j
            part, whole = (claims[i], claims[j]) if rel.part == 1 else (claims[j], claims[i])
            if not (_stated(part) and _stated(whole)) or part.period != whole.period:
                continue  # "in the same year": a part and a whole of other or unknown times may differ
            whole_v, note = _about(whole)
            if part.low is None or whole_v is None or not part.low > whole_v * (1 + cmp.tol_of(part)):
                continue
            why = "; ".join(rel.evidence) + f"; the part {_shown(part)} is larger than the whole {_shown(whole)}"
            if note:
                why += f" ({note})"
            out.append(cmp._group("inconsistency", [part, whole], part.low / whole_v if whole_v > 0 else None,
                                  rel.strength, why))
    return out


def _max_ratio(cs: Sequence[Claim], tol: float) -> float | None:
    best = None
    for a, b in combinations(cs, 2):
        if not overlaps(a, b, tol):
            r = gap_ratio(a, b)
            if r is not None and (best is None or r > best):
                best = r
    return best


def _group_subject(cs: Sequence[Claim]) -> str:
    """A readable name: the measure and whose it is, else the best-attested subject."""
    measure = _common(c.measure for c in cs)
    holder = _common(c.holder for c in cs)
    if measure and holder:
        return f"{measure} · {holder}"
    best = max(cs, key=lambda c: (len(_mentions(c)), bool(c.subject), -len(c.subject)))
    return best.subject or measure or best.subject_key


def default_report(groups: Sequence[Group], min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Group]:
    """What ``conflicts`` shows without ``--all``: disagreements a careful reader would accept."""
    return [g for g in groups if g.verdict in SEVERE and g.confidence >= min_confidence]


@dataclass
class DiffRow:
    """One quantity both sides speak about: their claims and the verdict between them."""

    verdict: str
    subject: str
    unit: str
    severity: float | None
    why: str
    a: list[Claim]
    b: list[Claim]
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "subject": self.subject, "unit": self.unit,
                "severity": None if self.severity is None else round(self.severity, 3), "why": self.why,
                "confidence": round(self.confidence, 2),
                "a": [c.to_dict() for c in self.a], "b": [c.to_dict() for c in self.b]}


def diff_claims(a: Sequence[Claim], b: Sequence[Claim], tol: float = 0.1, rules: Rules | None = None) -> list[DiffRow]:
    """Quantities both sides state, judged across the sides only, disagreements first."""
    side = {id(c): "a" for c in a} | {id(c): "b" for c in b}
    shared = {f for c in a for f in _files(c)} & {f for c in b for f in _files(c)}
    rows = []
    for g in group_claims([*a, *b], tol, rules):
        ca = [c for c in g.claims if side[id(c)] == "a"]
        cb = [c for c in g.claims if side[id(c)] == "b"]
        if not ca or not cb:
            continue
        if all(_files(x) <= shared and _files(y) <= shared for x in ca for y in cb):
            # files read on both sides: whatever they say, both sides say it
            rows.append(DiffRow("agree", g.subject, g.unit, None, "the same files on both sides", ca, cb,
                                g.confidence))
            continue
        rows.append(DiffRow(g.verdict, g.subject, g.unit, g.severity, g.why, ca, cb, g.confidence))
    rows.sort(key=lambda r: (_RANK[r.verdict], -(r.severity or 0), r.subject))
    return rows
