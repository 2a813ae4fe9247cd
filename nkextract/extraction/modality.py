"""A figure's modality: actual, estimate, forecast, target or hypothetical, read from the cues
on its way up to its clause, never elsewhere in the sentence.
"""

from __future__ import annotations

from typing import Any

from nkextract.extraction.frames import FrameRules, SentenceView, path_up


def find_modality(fr: FrameRules, view: SentenceView, span: Any, counted: Any) -> tuple[str, str]:
    """(modality, cue): is this an actual figure, an estimate, a forecast, a target or a
    condition?  Cues are read on the figure's way up to its clause (the verbs and nouns it
    hangs from and their auxiliaries, markers and modifiers), never elsewhere in the
    sentence: "sales rose 5% and will rise further" keeps 5% actual."""
    words = _modality_words(view, span, counted)
    text = " " + " ".join(w for w, _ in words) + " "
    lemmas = {w for w, _ in words} | {lem for _, lem in words}
    found: dict[str, str] = {}
    for cls in ("forecast", "target", "hypothetical", "estimate"):
        for single, probe, p in fr.modality_tests[cls]:
            if probe in lemmas if single else probe in text:
                found.setdefault(cls, p)
                break
    if "forecast" in found:
        return "forecast", found["forecast"]
    if "target" in found:
        return "target", found["target"]
    if "hypothetical" in found:
        cue = found["hypothetical"]
        # "the report states the dead may number 85,000": the reporter's estimate
        if cue in ("could", "may", "might") and (lemmas & fr.reporting):
            return "estimate", cue
        return "hypothetical", cue
    if "estimate" in found:
        return "estimate", found["estimate"]
    return "actual", ""


def _modality_words(view: SentenceView, span: Any, counted: Any) -> list[tuple[str, str]]:
    """(word, lemma) of the tokens that can carry the figure's modality: the figure's own
    clause (the path up to its first verb, that verb's auxiliaries, markers and the verbs
    it is the complement of: "is expected to grow", "aims to cut"), the nouns directly
    above the figure ("the 2% target", "a forecast of 2.1%") and the counted noun's
    modifiers ("potential victims").  Not a noun's relative clause further up: "a plan
    that said there were 1,427 deaths" does not make 1,427 a plan."""
    lemma_of = view.lemma_of
    doc = view.doc
    out: list[tuple[str, str]] = []
    if not view.parsed:
        for t in doc[max(view.sent.start, span.start - 8):span.end]:
            out.append((t.lower_, lemma_of(t)))
        return out
    toks: list[Any] = []
    for t in path_up(span.root):
        toks.append(t)
        if view.pos_of(t) in ("VERB", "AUX") and t.dep_ not in ("xcomp", "ccomp", "aux", "auxpass"):
            break
    else:
        toks = toks[:3]
    top = toks[-1]
    while top.dep_ in ("xcomp", "ccomp") and top.head is not top and len(toks) < 12:
        top = top.head  # "is forecast to grow", "plans to cut": the verb above the complement
        toks.append(top)
    if counted is not None and counted not in toks:
        toks.insert(0, counted)
    seen = set()
    for t in toks:
        for x in [t, *t.children]:
            if x.i in seen:
                continue
            if x is t or x.dep_ in ("aux", "auxpass", "advmod", "acomp", "xcomp", "mark", "neg", "amod",
                                    "prt", "npadvmod"):
                seen.add(x.i)
                out.append((x.lower_, lemma_of(x)))
                if x.dep_ == "xcomp":
                    out.extend((c.lower_, lemma_of(c)) for c in x.children if c.dep_ in ("aux", "advmod"))
    # the two words before the figure ("an estimated", "the target of")
    for t in doc[max(view.sent.start, span.start - 2):span.start]:
        out.append((t.lower_, lemma_of(t)))
    return out


# --- scope ------------------------------------------------------------------------------
