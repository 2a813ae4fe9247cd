"""Candidate pairs: which claims are worth comparing at all (blocking).

A pair is a candidate when both claims are of one unit family and at least one of these
holds, none of which depends on a guessed holder or measure:

* they name a shared entity that is rare in the folder ("Freddie Mac", "Haiti");
* their measures are of one class (both "death toll"), or related;
* their articles tell one story: they share one of the words that most mark each
  article (TF-IDF top terms found in few articles: "hurricane", "kwanliso").

Keys are built per claim, so the work is linear in the claims plus the pairs inside each
block; a block larger than ``BLOCK_MAX`` (an archive's "death toll" claims) is cut by
magnitude, in overlapping half-decades, then in slices, so no block is quadratic in the
folder.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations
from typing import Iterable, Iterator

import numpy as np

from .evidence import Evidence, Folder

# A block holds at most this many claims; larger ones are cut (see the module docstring).
BLOCK_MAX = 400
# An article's story keys: its top terms, each found in at most STORY_MAX_DF articles (or
# STORY_MAX_SHARE of the folder, whichever is larger): a word in every article is no story.
STORY_TERMS = 4
STORY_MAX_DF = 25
STORY_MAX_SHARE = 0.02
# An entity found in more articles than this share of the folder blocks nothing on its own.
ENTITY_MAX_SHARE = 0.05
ENTITY_MAX_DF = 40


def block_keys(e: Evidence, folder: Folder, related: dict[str, frozenset[str]]) -> Iterator[tuple[str, ...]]:
    """The keys a claim is blocked under."""
    fam = e.family
    max_df = max(ENTITY_MAX_DF, ENTITY_MAX_SHARE * folder.n_docs)
    for k in {*e.ents, *e.doc_ents}:
        if folder.ent_df.get(k, 0) <= max_df:
            yield ("e", fam, k)
    if e.mclass:
        for m in related.get(e.mclass, frozenset()) | {e.mclass}:
            yield ("m", fam, m)
    story_df = max(STORY_MAX_DF, STORY_MAX_SHARE * folder.n_docs)
    for f in e.files:
        for t in folder.top_terms(f, STORY_TERMS, int(story_df)):
            yield ("s", fam, t)


def candidate_pairs(folder: Folder, related: dict[str, frozenset[str]]) -> np.ndarray:
    """All candidate pairs ``(i, j)``, ``i < j``, as an array of shape (n, 2), sorted."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for e in folder.ev:
        if e.eligible:
            for key in set(block_keys(e, folder, related)):
                blocks[key].append(e.index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        for sub in _cut(members, folder):
            pairs.update(combinations(sorted(sub), 2))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.array(sorted(pairs), dtype=np.int64)


def random_pairs(folder: Folder, n: int, seed: int) -> np.ndarray:
    """``n`` random pairs of comparable claims (one unit family), whatever they share: the
    sample u is estimated on, as Splink estimates u from random pairs of records."""
    by_family: dict[str, list[int]] = defaultdict(list)
    for e in folder.ev:
        if e.eligible:
            by_family[e.family].append(e.index)
    fams = [f for f, m in by_family.items() if len(m) >= 2]
    if not fams:
        return np.zeros((0, 2), dtype=np.int64)
    # families drawn in proportion to their pairs
    sizes = np.array([len(by_family[f]) for f in fams], dtype=float)
    weights = sizes * (sizes - 1)
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(fams), size=n, p=weights / weights.sum())
    out = np.zeros((n, 2), dtype=np.int64)
    for k, f in enumerate(picks):
        members = by_family[fams[f]]
        i, j = rng.choice(len(members), 2, replace=False)
        out[k] = sorted((members[i], members[j]))
    return out


def _cut(members: list[int], folder: Folder) -> Iterable[list[int]]:
    """A block as it is compared: whole when small; else by magnitude in overlapping
    half-decades (figures of one quantity are seldom ten times apart), then in slices."""
    if len(members) <= BLOCK_MAX:
        yield members
        return
    buckets: dict[int, list[int]] = defaultdict(list)
    for i in members:
        mag = folder.ev[i].mag
        b = -99 if mag is None else math.floor(2 * mag)
        buckets[b].append(i)
        buckets[b + 1].append(i)
    for part in buckets.values():
        for k in range(0, len(part), BLOCK_MAX):
            yield part[k:k + BLOCK_MAX]
