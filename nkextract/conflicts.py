"""Group claims about the same quantity and judge each group: where do sources disagree?

1. block: claims meet only inside a block of the same unit family (people counts never
   meet dollar amounts) and the same concept (from ``rules/concepts.toml``) or head noun;
2. link: inside a block, rapidfuzz ``process.cdist`` scores subject keys and sentence
   words; pairs above the threshold are linked, linked claims form a group;
3. judge every pair in a group, most severe first: part larger than whole in the same
   period (inconsistency), different places or groups (scope), different years stated
   with the figures (trend), intervals that overlap after the tolerance (agree), the same document giving
   both figures (scope: the source itself tells them apart), else a conflict.

Every group says ``why`` in one line, so a user can see why two figures were compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Sequence

from .claims import Claim
from .dedupe import _UnionFind, content_words

VERDICTS = ("inconsistency", "conflict", "trend", "scope", "agree")
_RANK = {v: i for i, v in enumerate(VERDICTS)}
# Linking scores (0-100).  A shared concept from the rules ("kwanliso" = "political prison
# camps") is evidence of one topic, so subject words decide; without one, claims share
# only a head noun ("North Koreans"), and the sentence must agree too.  Set by hand on
# the sample corpus and the economy stories; the verdict tests in tests/test_conflicts.py
# and tests/test_news.py hold them.
CONCEPT_THRESHOLD = 55.0
HEAD_THRESHOLD = 65.0
HEAD_MIN_SENTENCE = 55.0
ROWS = 1000  # cdist rows per slice: a block of n claims needs ROWS x n scores in memory


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict, "subject": self.subject, "unit": self.unit, "kind": self.kind,
            "severity": None if self.severity is None else round(self.severity, 3),
            "why": self.why, "sources": self.sources,
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
    return len({source_identity(m) for m in (c.mentions or [c.mention()])})


def unit_family(unit: str | None) -> str:
    """Units that can be compared: 'USD/year' meets 'USD' (sources state a yearly amount
    loosely), but 'people/year' (a flow) never meets 'people' (a stock).  Currencies
    are the ISO 4217 codes of ``rules/units.toml``: three capital letters."""
    u = unit or ""
    base = u.split("/")[0]
    return base if base.isupper() and len(base) == 3 else u


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


# --- scope -----------------------------------------------------------------------------

def scope(c: Claim) -> frozenset[str] | None:
    """Where the figure holds: one or two named places, or ``None`` for the whole.

    An enumeration of three or more places ("abroad in Russia, China, Africa and the
    Middle East") describes the whole, not a part.
    """
    places = frozenset(p.lower() for p in c.places)
    return places if 1 <= len(places) <= 2 else None


def _scope_text(s: frozenset[str] | None) -> str:
    return "all" if s is None else " + ".join(sorted(s)).title()


def part_of(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    return a is not None and (b is None or a < b)


# --- judging ---------------------------------------------------------------------------

def judge_pair(a: Claim, b: Claim, tol: float) -> tuple[str, float | None, str]:
    """Verdict, severity and one-line reason for two claims of one group."""
    sa, sb = scope(a), scope(b)
    additive = a.kind in ("count", "money", "rate") and b.kind in ("count", "money", "rate")
    if sa != sb:
        for part, whole, sp, sw in ((a, b, sa, sb), (b, a, sb, sa)):
            if (part_of(sp, sw) and additive and part.time is not None and part.time == whole.time
                    and whole.high is not None and part.low is not None
                    and part.low > whole.high * (1 + tol)):
                return ("inconsistency", part.low / whole.high if whole.high > 0 else None,
                        f"part ({_scope_text(sp)}) larger than whole ({_scope_text(sw)}) in {part.time}")
        return "scope", None, f"different scope: {_scope_text(sa)} vs {_scope_text(sb)}"
    if (a.time is not None and b.time is not None and a.time != b.time
            and {a.time_source, b.time_source} <= {"sentence", "document"}
            and "sentence" in (a.time_source, b.time_source)):
        # years written with the figure (or a dated article's own year) that differ: a
        # trend.  A report's year is when it was published, not what it measured.
        first, second = sorted((a, b), key=lambda c: c.time)
        if overlaps(a, b, tol):
            return "agree", None, f"same figure in {first.time} and {second.time}"
        return "trend", gap_ratio(a, b), f"figures for different years: {first.time} → {second.time}"
    if overlaps(a, b, tol):
        return "agree", None, f"intervals overlap at {tol:.0%} tolerance"
    if _files(a) & _files(b):
        return "scope", None, "one document gives both figures, so it tells them apart"
    return "conflict", gap_ratio(a, b), f"no overlap at {tol:.0%} tolerance"


def _files(c: Claim) -> set[str]:
    return {m["source"] for m in (c.mentions or [c.mention()])}


def judge(claims: Sequence[Claim], tol: float) -> tuple[str, float | None, str]:
    """The group's verdict: its most severe pair (the widest gap among equals)."""
    best: tuple[str, float | None, str] | None = None
    for a, b in combinations(claims, 2):
        v = judge_pair(a, b, tol)
        if best is None or (_RANK[v[0]], -(v[1] or 0)) < (_RANK[best[0]], -(best[1] or 0)):
            best = v
    return best or ("agree", None, "single claim")


# --- grouping --------------------------------------------------------------------------

def _blocks(claims: Sequence[Claim]) -> dict[tuple[str, str, bool], list[int]]:
    """Candidate blocks keyed by (unit family, anchor, anchor is a concept)."""
    blocks: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        fam = unit_family(c.unit)
        if not fam or not (c.subject_key.strip() or c.concepts):
            continue
        if c.concepts:
            for concept in c.concepts:
                blocks[(fam, concept, True)].append(i)
        else:
            words = c.subject_key.split()
            blocks[(fam, c.head or (words[-1] if words else ""), False)].append(i)
    return blocks


def link(claims: Sequence[Claim]) -> list[list[int]]:
    """Connected components of similar claims (indices), found block by block.

    Inside a block every pair is scored (rapidfuzz ``cdist``, in C), a slice of rows at a
    time so memory stays bounded however large the block.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    uf = _UnionFind(len(claims))
    for (_, _, by_concept), idx in _blocks(claims).items():
        if len(idx) < 2:
            continue
        keys = [claims[i].subject_key for i in idx]
        sents = [content_words(claims[i].sentence) for i in idx]
        for r0 in range(0, len(idx), ROWS):
            subj = cdist(keys[r0:r0 + ROWS], keys, scorer=fuzz.token_set_ratio, dtype="uint8", workers=1)
            sent = cdist(sents[r0:r0 + ROWS], sents, scorer=fuzz.token_set_ratio, dtype="uint8", workers=1)
            if by_concept:
                linked = 0.6 * subj + 0.4 * sent >= CONCEPT_THRESHOLD
            else:
                linked = (0.5 * subj + 0.5 * sent >= HEAD_THRESHOLD) & (sent >= HEAD_MIN_SENTENCE)
            rows, cols = linked.nonzero()
            for r, c in zip(rows.tolist(), cols.tolist()):
                if r0 + r < c:
                    uf.union(idx[r0 + r], idx[c])
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(len(claims)):
        comps[uf.find(i)].append(i)
    return [m for m in comps.values() if len(m) > 1]


def group_claims(claims: Sequence[Claim], tol: float = 0.1) -> list[Group]:
    """All groups of two or more claims, most severe first."""
    groups = []
    for members in link(claims):
        cs = sorted((claims[i] for i in members), key=lambda c: (c.low if c.low is not None else -1, c.source))
        verdict, severity, why = judge(cs, tol)
        if verdict == "trend":
            cs.sort(key=lambda c: (c.time is None, c.time or 0, c.source))
        ids = {source_identity(m) for c in cs for m in (c.mentions or [c.mention()])}
        groups.append(Group(verdict=verdict, subject=_group_subject(cs), unit=cs[0].unit or "",
                            kind=cs[0].kind, severity=severity, why=why, sources=len(ids), claims=cs))
    groups.sort(key=lambda g: (_RANK[g.verdict], -(g.severity or 0), g.subject))
    return groups


def _group_subject(cs: Sequence[Claim]) -> str:
    """A readable name: a subject that names the shared concept, else the best-attested one."""
    concepts = Counter(k for c in cs for k in c.concepts)
    top = concepts.most_common(1)[0][0] if concepts else ""

    def names_top(text: str) -> bool:
        words = {w.rstrip("s") for w in text.lower().split()}
        return bool(top) and all(w.rstrip("s") in words for w in top.split())

    best = max(cs, key=lambda c: (names_top(c.subject), len(c.mentions or [1]), bool(c.subject),
                                  -len(c.subject)))
    subject = best.subject or best.subject_key
    if top and not names_top(subject):
        subject = f"{subject} ({top})"
    return subject


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

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "subject": self.subject, "unit": self.unit,
                "severity": None if self.severity is None else round(self.severity, 3), "why": self.why,
                "a": [c.to_dict() for c in self.a], "b": [c.to_dict() for c in self.b]}


def diff_claims(a: Sequence[Claim], b: Sequence[Claim], tol: float = 0.1) -> list[DiffRow]:
    """Quantities both sides state, judged across the sides only, disagreements first."""
    side = {id(c): "a" for c in a} | {id(c): "b" for c in b}
    rows = []
    for g in group_claims([*a, *b], tol):
        ca = [c for c in g.claims if side[id(c)] == "a"]
        cb = [c for c in g.claims if side[id(c)] == "b"]
        if not ca or not cb:
            continue
        verdicts = [judge_pair(x, y, tol) for x in ca for y in cb]
        agreeing = [v for v in verdicts if v[0] == "agree"]
        # a figure both sides state settles the quantity; otherwise the worst pair speaks
        best = agreeing[0] if agreeing else min(verdicts, key=lambda v: (_RANK[v[0]], -(v[1] or 0)))
        rows.append(DiffRow(best[0], g.subject, g.unit, best[1], best[2], ca, cb))
    rows.sort(key=lambda r: (_RANK[r.verdict], -(r.severity or 0), r.subject))
    return rows
