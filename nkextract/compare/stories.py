"""Which articles tell one story: TF-IDF over the claims' sentences per file, so that two
figures from one story are more likely one quantity.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Sequence

from nkextract.compare.dedupe import content_words
from nkextract.compare.fields import files_of, near_years, period_of, years_of
from nkextract.compare.records import mentions_of
from nkextract.compare.weights import STORY_FLOOR, STORY_FULL, STORY_PSEUDO_DOCS, STORY_TERMS
from nkextract.extraction.claims import Claim
from nkextract.extraction.periods import Period


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
            for m in mentions_of(c):
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
            p = period_of(c) if c.time_source in ("sentence", "relative") else None
            if p is None:
                continue
            for m in mentions_of(c):
                self.years[m["source"]].update(years_of(p))

    def speaks_of(self, c: Claim, p: Period) -> bool:
        """Can a figure that states no time be about period ``p``?  Not when its article
        states times for its figures and none is within a year of ``p`` (a tsunami report
        of 2004 against a toll stated for 1883)."""
        stated = set().union(*(self.years.get(f, Counter()).keys() for f in files_of(c)))
        return not stated or near_years(p, stated)

    def aside(self, c: Claim, p: Period) -> bool:
        """Is ``c``'s stated period ``p`` an aside into the past of an article about later
        years ("an estimated 36,000 died in 1883" in a report of 2004)?  Such a figure is no
        rival to an undated figure of another report of the story."""
        years: Counter[int] = Counter()
        for f in files_of(c):
            years.update(self.years.get(f, Counter()))
        years.subtract(years_of(p))
        others = {y for y, n in years.items() if n > 0}
        return bool(others) and not near_years(p, others) and max(years_of(p)) < min(others)

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
        return max((self.similarity(x, y) for x in files_of(a) for y in files_of(b)), default=0.0)

    def factor(self, a: Claim, b: Claim) -> float:
        """1.0 for two reports of one story, down to STORY_FLOOR for unrelated articles."""
        return STORY_FLOOR + (1 - STORY_FLOOR) * min(1.0, self.best(a, b) / STORY_FULL)


# --- relations -------------------------------------------------------------------------
