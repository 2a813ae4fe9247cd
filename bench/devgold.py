"""Labelled pairs from a gold file built as ``shared/dev`` is (topics, figures with quotes,
conflicts, not_conflicts): shared by ``fit_linkage.py`` and ``eval_conflicts.py``.

A claim is matched to the gold figures its occurrences overlap (the scorer's own
``Gold.touched``).  A candidate pair of claims is labelled:

* **one quantity** (1): the two figures are a gold conflict (clear or debatable), or a
  not_conflict whose gold values meet (a figure restated, rounded, a compatible bound),
  or the very same gold figure;
* **two quantities** (0): a not_conflict whose values do not meet (a trend, another
  holder, period, measure, flow or scope), or figures of two different topics;
* **weak negative** (0, kept apart): one claim touches a gold figure and the other, in a
  file of the same story, touches none (nearly always another quantity of the story:
  injured beside killed, a city beside the country);
* unlabelled (-1) otherwise.

The scorer (``score.py``, stdlib only) is imported from beside the gold file.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCORER = ROOT.parent / "shared" / "dev" / "score.py"
DEFAULT_CORPUS = os.path.join(os.environ.get("NKX_DEV") or os.path.join(tempfile.gettempdir(), "nkx-dev"), "corpus")

POSITIVE, NEGATIVE, WEAK_NEGATIVE, UNLABELLED = 1, 0, 2, -1


def scorer(path: Path = DEFAULT_SCORER) -> Any:
    spec = importlib.util.spec_from_file_location("nkx_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"error: cannot load scorer {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _meet(a: dict[str, Any], b: dict[str, Any], tol: float = 0.1) -> bool:
    inf = float("inf")
    alo = a["low"] if a["low"] is not None else -inf
    ahi = a["high"] if a["high"] is not None else inf
    blo = b["low"] if b["low"] is not None else -inf
    bhi = b["high"] if b["high"] is not None else inf
    if alo <= bhi and blo <= ahi:
        return True
    lower_hi, upper_lo = (ahi, blo) if ahi < blo else (bhi, alo)
    return upper_lo - lower_hi <= tol * max(abs(upper_lo), abs(lower_hi))


@dataclass
class DevGold:
    """The gold, with each topic's story and each claim's gold figures."""

    sc: Any
    gold: Any
    path: str
    story_of_topic: dict[str, str]
    story_files: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, gold_path: str, corpus: str, scorer_path: Path = DEFAULT_SCORER) -> DevGold:
        sc = scorer(scorer_path)
        gold = sc.Gold(gold_path, corpus)
        st = sc.stories(gold_path)
        story_of = {t: s for s, ts in st.items() for t in ts}
        dg = cls(sc, gold, gold_path, story_of)
        for f in gold.figs:
            dg.story_files.setdefault(story_of[f["topic"]], set()).add(f["file"])
        return dg

    @property
    def stories(self) -> list[str]:
        return sorted(set(self.story_of_topic.values()), key=self.sc._topic_order)

    def figures_of(self, claim: Any) -> set[int]:
        figs: set[int] = set()
        for m in claim.mentions or [claim.mention()]:
            figs |= self.gold.touched(m["source"], m["start"], m["end"])
        return figs

    def story_of_file(self, source: str) -> str | None:
        name = self.gold.resolve(source)
        for s, fs in self.story_files.items():
            if name in fs:
                return s
        return None

    def label(self, fa: set[int], fb: set[int], file_a: str, file_b: str) -> tuple[int, str | None]:
        """(label, story) of a pair of claims touching gold figures ``fa`` and ``fb``."""
        g = self.gold
        if fa and fb:
            story = self.story_of_topic[g.figs[next(iter(fa))]["topic"]]
            if fa & fb:
                return POSITIVE, story
            pairs = [frozenset((x, y)) for x in fa for y in fb if x != y]
            if any(p in g.conf_pairs for p in pairs):
                return POSITIVE, story
            for p in pairs:
                if p in g.not_pairs:
                    x, y = tuple(p)
                    return (POSITIVE if _meet(g.figs[x], g.figs[y]) else NEGATIVE), story
            ta = {g.figs[x]["topic"] for x in fa}
            tb = {g.figs[y]["topic"] for y in fb}
            if not ta & tb:
                return NEGATIVE, story
            return UNLABELLED, story
        if fa or fb:
            figs = fa or fb
            story = self.story_of_topic[g.figs[next(iter(figs))]["topic"]]
            other = file_b if fa else file_a
            if self.story_of_file(other) == story:
                return WEAK_NEGATIVE, story
        return UNLABELLED, None


def label_pairs(dg: DevGold, claims: Sequence[Any], pairs: Any) -> tuple[list[int], list[str | None]]:
    figs = [dg.figures_of(c) for c in claims]
    labels, stories = [], []
    for i, j in pairs.tolist():
        lab, st = dg.label(figs[i], figs[j], claims[i].source, claims[j].source)
        labels.append(lab)
        stories.append(st)
    return labels, stories


def gold_pair_claims(dg: DevGold, claims: Sequence[Any], strengths: tuple[str, ...] = ("clear", "debatable")
                     ) -> list[tuple[dict[str, Any], list[int], list[int]]]:
    """Each gold conflict of these strengths with the claims touching either side."""
    by_fig: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        for f in dg.figures_of(c):
            by_fig[f].append(i)
    out = []
    for k in dg.gold.conflicts:
        if k["excluded"] or k["strength"] not in strengths:
            continue
        out.append((k, by_fig.get(k["a"], []), by_fig.get(k["b"], [])))
    return out


def parse_counts(lines: Sequence[str]) -> dict[str, int]:
    """The counts behind the scorer's conflict ratios, read off its report lines."""
    out: dict[str, int] = {}
    for ln in lines:
        m = re.search(r"recall: clear (\d+)/(\d+) = [\d.]+\s+debatable (\d+)/(\d+)", ln)
        if m:
            out.update(clear=int(m.group(1)), n_clear=int(m.group(2)), deb=int(m.group(3)), n_deb=int(m.group(4)))
        m = re.search(r"precision: right (\d+), false alarms (\d+), unknown (\d+)", ln)
        if m:
            out.update(right=int(m.group(1)), false=int(m.group(2)), unknown=int(m.group(3)))
        m = re.search(r"counted (\d+)", ln)
        if m and "counted" not in out:
            out["counted"] = int(m.group(1))
    return out
