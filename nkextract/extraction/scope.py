"""A figure's scope (the places, subgroups and parts of a period that restrict it), and whether
it is a running total ("rose to") or a step added to an earlier figure ("19 more").
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from nkextract.extraction.frames import EntityRef, FrameRules, SentenceView, path_up, text_of

# How far from a figure (characters) "the first night" is read as restricting it: about
# the clause before it ("The first night of bombings left nearly 80 dead and 150 wounded")
# and a short one after ("150 were wounded in the first week").
PERIOD_PART_BEFORE = 150


PERIOD_PART_AFTER = 80


def find_scope(fr: FrameRules, view: SentenceView, nouns: Sequence[Any], places: Sequence[str],
               holder: EntityRef | None, span: Any = None) -> list[str]:
    """Places and subgroups that restrict the figure: the counted noun itself
    ("civilians"), and the modifiers of it and of the noun that names the measure
    ("rural and urban excess deaths", "the civilian death toll"), places ("in Russia"),
    and a part of a period its sentence names ("the first night").

    A place that is the holder itself is not a restriction of it.
    """
    out = [p for p in places if holder is None or fr.key(p) != holder.key]
    if span is not None and view.parsed:
        # "one in 13 victims was a woman — 27,727": the group the figure stands beside
        for tok in path_up(span.root)[1:3]:
            lem = view.lemma_of(tok)
            if view.pos_of(tok) == "NOUN" and tok.i not in range(span.start, span.end) \
                    and lem in fr.subgroups and lem not in fr.soft_scope and lem not in out:
                out.append(lem)
                break
    for i, noun in enumerate(n for n in nouns if n is not None):
        words = [(view.lemma_of(noun), noun.lower_)] if i == 0 else []
        if view.parsed:
            words += [(c.lower_, c.lower_) for c in noun.lefts if c.dep_ in ("amod", "compound")]
            words += [(cc.lower_, cc.lower_) for c in noun.lefts if c.dep_ == "amod"
                      for cc in c.children if cc.dep_ == "conj"]  # "rural and urban"
        for base, w in words:
            if (w in fr.subgroups or base in fr.subgroups) and base not in out:
                out.append(base)
    if fr.period_part is not None and span is not None:
        # near the figure (a bounded window: a 400,000-character "sentence" stays linear)
        lo = max(view.sent.start_char, span.start_char - PERIOD_PART_BEFORE)
        m = fr.period_part.search(text_of(view.doc)[lo:min(view.sent.end_char, span.end_char + PERIOD_PART_AFTER)])
        if m is not None:
            out.append(" ".join(m.group(0).lower().split()))
    return out


def find_running(fr: FrameRules, view: SentenceView, span: Any) -> str:
    """The verb that makes a figure a running count ("rose to 64", "nears 30,000"), or ""."""
    if view.parsed:
        for tok in path_up(span.root)[1:5]:
            if tok.i in range(span.start, span.end):
                continue
            if tok.lower_ in ("to", "at") and tok.dep_ == "prep":
                continue
            lem = view.lemma_of(tok)
            if view.pos_of(tok) in ("VERB", "AUX", "ADV", "ADP", "") and (lem in fr.running or tok.lower_ in fr.running):
                return tok.lower_
            if view.pos_of(tok) in ("VERB", "AUX") or (view.pos_of(tok) == "NOUN" and tok.dep_ != "dobj"):
                break  # "raised the toll from 64 to 2,975": through the object to its verb
        return ""
    for tok in view.doc[max(view.sent.start, span.start - 3):span.start]:
        if view.lemma_of(tok) in fr.running or tok.lower_ in fr.running:
            return tok.lower_
    return ""


def find_increment(view: SentenceView, span: Any) -> str:
    """The word that makes a figure an addition to an earlier one ("19 more were injured",
    "a further 12 died", "another 500 jobs"), or "": a step, not a total to compare.
    "1,427 more deaths ... than the average" is a difference from a baseline (a level)."""
    doc, sent = view.doc, view.sent
    after = doc[span.end] if span.end < sent.end else None
    if after is not None and after.lower_ == "more":
        if not any(t.lower_ == "than" for t in doc[after.i + 1:sent.end]):
            return "more"
        return ""
    before = [t.lower_ for t in doc[max(sent.start, span.start - 2):span.start]]
    if before[-1:] == ["another"] or before[-2:] == ["a", "further"]:
        return before[-1]
    return ""


def hard_scope(fr: FrameRules, scope: Iterable[str]) -> frozenset[str]:
    """The scope that splits a comparison: places and subgroups, not how a figure was
    counted ("official", "excess")."""
    return frozenset(s.lower() for s in scope if s.lower() not in fr.soft_scope)


# --- document ---------------------------------------------------------------------------
