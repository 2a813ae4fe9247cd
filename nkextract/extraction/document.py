"""What a whole document says about its figures: its main entities (title and lede first), which
fill the holder of a figure whose sentence names none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from nkextract.extraction.frames import EntityRef, FrameRules


@dataclass
class DocContext:
    """What a whole document says about its figures: its main entities, best first."""

    ranked: list[EntityRef] = field(default_factory=list)
    by_label: dict[str, EntityRef] = field(default_factory=dict)
    full_names: dict[str, str] = field(default_factory=dict)  # surname key -> the full name

    def names(self, n: int = 4) -> list[str]:
        return [e.name for e in self.ranked[:n]]


def document_context(fr: FrameRules, head_ents: Iterable[tuple[str, str, float]],
                     body_ents: Iterable[tuple[str, str, float]], sources: Iterable[str] = ()) -> DocContext:
    """Rank a document's entities: its title and first lines (``head_ents``: text, label,
    weight) count most, then mentions in the sentences with figures (``body_ents``,
    weighted twice in the lede, once after).  An
    entity that vouches for figures (``sources``: "Reuters", "the WHO said") is who
    speaks, not what the article is about: it is left out."""
    speaking = {fr.key(s) for s in sources if s}
    score: Counter[str] = Counter()
    first: dict[str, EntityRef] = {}
    order: dict[str, int] = {}
    for text, label, weight in [*head_ents, *body_ents]:
        if label in fr.labels and label != "CONCEPT":
            r = fr.ref(text, label)
            if not r.key:
                continue
            score[r.key] += weight
            first.setdefault(r.key, r)
            order.setdefault(r.key, len(order))
    # "Bernie Ebbers ... Ebbers, 63, faces": a surname alone is the person named in full
    full: dict[str, EntityRef] = {}
    for k, r in first.items():
        if r.label == "PERSON" and " " in k:
            full.setdefault(k.rsplit(" ", 1)[1], r)
    for short, r in full.items():
        if short in score and first[short].label == "PERSON":
            score[r.key] += score.pop(short)
    ranked = sorted((k for k in score if not any(_within(k, s) or _within(s, k) for s in speaking if len(s) > 3)),
                    key=lambda k: (-score[k], order[k]))
    ctx = DocContext([first[k] for k in ranked], full_names={short: r.name for short, r in full.items()})
    for r in ctx.ranked:
        ctx.by_label.setdefault(r.label, r)
    return ctx


def _within(a: str, b: str) -> bool:
    """Is name ``a`` a run of whole words of name ``b``?  "WHO" is the speaker "the WHO
    says"; "Syria" is not the speaker "Syrian Observatory for Human Rights"."""
    return f" {a} " in f" {b} "


def finish_document(claims: Sequence[Any], ctx: DocContext) -> None:
    """Fill what needs the whole document: "the firm" is its main organisation (the frame
    says ``?ORG`` until now), a figure with no holder in its sentence is its main
    subject's (``document``).  Every claim keeps the document's main entities, so a later
    comparison can tell "the same story" from "another story"."""
    names = ctx.names()
    last: Any = None  # the last claim whose own sentence named its holder
    for c in sorted(claims, key=lambda c: c.start):
        c.doc_entities = names
        how = c.frame.get("holder", "")
        if c.holder and " " not in c.holder.strip():
            c.holder = ctx.full_names.get(c.holder.strip().lower(), c.holder)
        if c.holder or c.kind == "year":
            if c.holder and how not in ("antecedent", "") and not how.startswith("?") \
                    and c.modality in ("actual", "estimate"):
                last = c  # a target's or a forecast's holder ("the Bank's 2% target") is not the story's
            continue
        ref = None
        if how.startswith("?"):
            ref = ctx.by_label.get(how[1:])
            how = f"anaphora:{how[1:]}" if ref is not None else ""
        if ref is None and last is not None and 0 < c.start - last.end <= NEAR_CHARS \
                and last.sentence != c.sentence and not _names_someone(c.sentence):
            # the story goes on about the holder the sentence before named: "The UK
            # economy shrank 0.1% ... About 1.4 million people were out of work"
            c.holder = last.holder
            c.frame = {**c.frame, "holder": "previous sentence"}
            continue
        if ref is None and ctx.ranked:
            ref, how = ctx.ranked[0], "document"
        if ref is not None:
            c.holder = ref.name
        c.frame = {**c.frame, "holder": how}


# A figure with no holder of its own takes the one named this close before it (characters:
# about two sentences), before it takes the article's main subject.
NEAR_CHARS = 300


def _names_someone(sentence: str) -> bool:
    """Does a sentence name anyone or anything (a capitalised word after its first)?  Then
    a holder it does not give is not the previous sentence's to lend."""
    words = sentence.split()[1:]
    return any(w[:1].isupper() and w[:1].isalpha() for w in words)
