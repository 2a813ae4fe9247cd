"""The rule engine's weights and limits, set by hand on the development set.

Each says how much one piece of evidence counts towards "one quantity"; a learned model
would estimate them (docs/linkage.md).  Kept together so they can be read, and changed,
in one place.
"""

from __future__ import annotations

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
