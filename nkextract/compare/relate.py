"""Whether two claims are figures of one quantity, and how they relate: :class:`Comparer`
blocks claims, relates each pair (same, trend, forecast, part, scope) and judges a group.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Sequence

from nkextract.compare.fields import (
    PairFields,
    common,
    files_of,
    gap_doubt,
    group_subject,
    holder_how,
    is_explicit,
    is_headline,
    is_incident,
    is_vague,
    mid,
    modality_class,
    part_of,
    period_of,
    scope_phrase,
    scope_text,
    shown,
    similar,
)
from nkextract.compare.records import (
    NOT_COMPARED,
    Group,
    bounds_of,
    gap_ratio,
    mentions_of,
    overlaps,
    source_identity,
    unit_family,
)
from nkextract.compare.stories import Stories
from nkextract.compare.weights import (
    CONTRAST_BONUS,
    INCIDENT_FLOOR,
    SAME_STORY_BONUS,
    SEED_MIN,
    SMALL_PAIR,
    STORY_SAME,
    VAGUE,
)
from nkextract.extraction.claims import Claim
from nkextract.extraction.frames import FrameRules
from nkextract.rules import Rules


@dataclass(frozen=True)
class Relation:
    """How two claims relate: ``kind`` (same, trend, forecast, part, scope), how sure
    (``strength``), and the evidence in words."""

    kind: str
    strength: float
    evidence: tuple[str, ...]
    part: int = 0  # for "part": 1 if the first claim given to relate() is the part, 2 if the second


class Comparer(PairFields):
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
        if not c.measure or c.kind in NOT_COMPARED or (c.low is None and c.high is None):
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
        if not is_explicit(holder_how(c)):
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
        ma, mb = modality_class(a.modality), modality_class(b.modality)
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
        scope_rel = "same" if sa == sb else ("part1" if part_of(sa, sb) else "part2" if part_of(sb, sa)
                                             else "scope")
        same_file = bool(files_of(a) & files_of(b))
        if not same_file and self.stories is not None:
            strength *= self.stories.factor(a, b)
        # small counts of people are usually incidents; a person's age is small and is one
        # quantity wherever it is stated
        counts = a.measure not in self.fr.named
        inc_a, inc_b = counts and is_incident(a), counts and is_incident(b)
        if not same_file and (a.holder or b.holder) and not (is_explicit(holder_how(a)) or is_explicit(holder_how(b))):
            # neither sentence names the holder: only the articles' subjects and the
            # figures' own words say it is one quantity; two reports of one story (their
            # rare words shared) say it as well as alike sentences do
            if self.stories is not None and self.stories.best(a, b) >= STORY_SAME:
                strength *= SAME_STORY_BONUS
                evidence.append("two reports of one story")
            else:
                strength *= similar(a, b)
        elif not same_file and (inc_a or inc_b):
            # "three Israelis were killed" and "234 Israelis killed": a small count is
            # usually one incident's; only near-identical sentences make it the same one
            strength *= similar(a, b, INCIDENT_FLOOR)
        if is_vague(a) or is_vague(b):
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
            evidence.append(f"scope {scope_text(sa)} vs {scope_text(sb)}")
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
            evidence.append(scope_phrase(sa))
        return Relation("same", min(1.0, strength), tuple(e for e in evidence if e))

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
                disagree.append((ratio, a, b, r, relation_score(r) * gap_doubt(ratio, a.kind)))
        if not disagree:
            rel = max((r for _, _, r in pairs), key=lambda r: r.strength)
            return self._group("agree", cs, None, rel.strength,
                               "; ".join(rel.evidence) + f"; intervals meet at {self.tol_of(cs[0]):.0%} tolerance")
        disagree = [d for d in disagree if is_headline(d[1]) and is_headline(d[2])] or disagree
        sure = [d for d in disagree if d[4] >= SEED_MIN] or [max(disagree, key=lambda d: d[4])]
        ratio, a, b, rel, confidence = max(sure, key=lambda d: (d[0], d[4]))
        lo, hi = sorted((a, b), key=lambda c: bounds_of(c)[0])
        sev = None if math.isinf(ratio) else ratio
        why = "; ".join(rel.evidence) + f"; {shown(lo)} vs {shown(hi)}" + (f", ×{ratio:.1f}" if sev else "")
        g = self._group("conflict", cs, sev, confidence, why)
        # the disagreement by its values: "30,000" vs "about 655,000" and "30,000" vs
        # "655,000" from two other articles are one disagreement to a reader
        g.pair = tuple(sorted((f"{a.low}:{a.high}", f"{b.low}:{b.high}")))
        return g

    def _group(self, verdict: str, cs: Sequence[Claim], severity: float | None, confidence: float,
               why: str) -> Group:
        cs = sorted(cs, key=lambda c: (c.low if c.low is not None else -math.inf, c.source, c.start))
        if verdict == "trend":
            cs.sort(key=lambda c: (period_of(c) is None, mid(period_of(c)) if period_of(c) else 0, c.source))
        ids = {source_identity(m) for c in cs for m in mentions_of(c)}
        first = cs[0]
        return Group(verdict=verdict, subject=group_subject(cs), unit=first.unit or "", kind=first.kind,
                     severity=severity, why=why, sources=len(ids), claims=list(cs),
                     confidence=max(0.0, min(1.0, confidence)), holder=common(c.holder for c in cs),
                     measure=first.measure, period=common(c.period for c in cs),
                     modality=common(c.modality for c in cs))


def relation_score(rel: Relation) -> float:
    """A pair's confidence: its strength, raised when a document sets the two figures
    against each other (the strongest evidence that they are one quantity)."""
    bonus = CONTRAST_BONUS if any(e.startswith("the article") for e in rel.evidence) else 1.0
    return min(1.0, rel.strength * bonus)
