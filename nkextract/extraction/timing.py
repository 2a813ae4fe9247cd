"""When a figure holds: the nearest period of its sentence, a report's year, or the
document's date; and the claims a bare year makes ("the commission was established in 2013").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from nkextract.extraction.claims import Claim, claim_id
from nkextract.extraction.figures import FigureFinder
from nkextract.extraction.frames import FrameRules, singular, text_of
from nkextract.extraction.periods import Period, PeriodMention
from nkextract.extraction.sentence import SentInfo, context_of, figure_between, lemma_in, lemma_of, pos_of
from nkextract.extraction.subjects import np_tokens, phrase_text
from nkextract.extraction.vocab import YearMention


class TimeReader:
    """When a figure holds, and the claims a bare year makes ("established in 2013").  Mixed
    into :class:`ClaimBuilder`, whose rules it reads."""

    # set by ClaimBuilder.__init__ (the rules this reader reads)
    att_verbs: frozenset[str]
    fact_words: frozenset[str]
    finder: FigureFinder
    frames: FrameRules
    markers: list[tuple[str, ...]]
    report_nouns: frozenset[str]

    def _period(self, doc: Any, span: Any, si: SentInfo, pub: Period | None) -> tuple[Period | None, str]:
        """When the figure holds: the nearest period of its sentence (one written as a date
        "in"/"as of" beats a report's year), else the document's date.

        A period written after another figure is that figure's ("4% in January, compared
        with 11.1% in October 2022"); one that opens the clause holds for all its figures.
        """
        fs, fe = span.start_char, span.end_char
        best: list[tuple[int, int, PeriodMention, str]] = []
        for m in si.periods:
            if m.start < fe and fs < m.end:
                continue
            if pub is not None and m.period.grain == "day" and m.period.key() == pub.key():
                continue  # the article's own date line, glued to its first sentence
            if m.start >= fe and figure_between(si.figures, fe, m.start):
                continue
            dist = m.start - fe if m.start >= fe else fs - m.end
            toks = doc.char_span(m.start, m.end, alignment_mode="expand")
            kind = "sentence"
            if toks is not None and m.period.grain == "year" and m.kind == "point" and \
                    self._is_report_year(doc, YearMention(toks.start, toks.end, m.period.year or 0)):
                kind = "report"
            elif m.period.source == "relative":
                kind = "relative"
            best.append((0 if kind != "report" else 1, dist, m, kind))
        best = [b for b in best if b[2].period.start is not None or b[2].period.end is not None]
        if best:
            best.sort(key=lambda b: (b[0], b[1]))
            _, _, m, kind = best[0]
            p = m.period
            lo = m.start
            text = text_of(doc)
            for marker in self.markers:  # "as of 2017", "in 2015": the anchoring word is shown
                w = " ".join(marker)
                if text[max(0, lo - len(w) - 1):lo].lower().rstrip() == w and not p.text.lower().startswith(w):
                    p = replace(p, text=f"{text[lo - len(w) - 1:lo].strip()} {p.text}")
                    break
            return p, kind
        if pub is not None:
            return pub, "document"
        return None, ""

    def _is_report_year(self, doc: Any, y: YearMention) -> bool:
        """"the 2022 TIP report", "Reports in 2017", "Reuters reported in 2016": a source's year."""
        near = doc[y.end:y.end + 4]
        for t in near:
            if t.lower_ in self.report_nouns or (t.ent_type_ == "REPORT"):
                return True
            if t.is_punct:
                break
        if y.start >= 2 and doc[y.start - 1].lower_ == "in":
            t = doc[y.start - 2]
            if t.lower_ in self.report_nouns or t.ent_type_ == "REPORT" or (
                    lemma_in(t, self.att_verbs) and pos_of(t) in ("VERB", "") and t.dep_ != "amod"):
                return True
        return False

    def _year_claim(self, doc: Any, y: YearMention, si: SentInfo, base: int, source: str, parsed: bool,
                    original: str) -> Claim | None:
        tok = doc[y.start]
        i = y.start - 1
        if i >= 0 and doc[i].lower_ in self.finder.months:
            i -= 1  # "in February 2014"
        if i < 0 or doc[i].lower_ != "in":
            return None
        sent = si.span
        trigger = None
        if parsed:
            node = tok.head if tok.head.lower_ in self.finder.months else tok
            prep = node.head
            anchor = prep.head if prep.dep_ == "prep" else None
            if anchor is not None and (anchor.lower_ in self.fact_words or lemma_in(anchor, self.fact_words)):
                trigger = anchor
        else:  # no parse: the nearest fact word in the sentence, before or after
            near = [t for t in doc[max(sent.start, i - 25):min(sent.end, y.end + 15)]
                    if t.lower_ in self.fact_words]
            if near:
                trigger = min(near, key=lambda t: abs(t.i - y.start))
        if trigger is None:
            return None
        if not parsed:
            subj_toks = list(doc[max(sent.start, trigger.i - 4):trigger.i + 1])
        elif pos_of(trigger) in ("NOUN", "PROPN"):
            subj_toks = [t for t in trigger.subtree if t.i < i]  # "the establishment of the COI"
        else:
            # what came to be: the object ("enacted the Act"), else the passive or active subject
            deps = {c.dep_: c for c in trigger.children}
            what = deps.get("dobj") or deps.get("nsubjpass")
            if what is None and trigger.dep_ == "acl":
                what = trigger.head  # "the report, released in 2014"
            what = what or deps.get("nsubj")
            subj_toks = (np_tokens(what, set()) if what is not None else []) + [trigger]
            subj_toks = [t for t in subj_toks if t.i < i or t.i > y.end]
        subj_toks = [t for t in subj_toks if t.i != y.start]
        subject = phrase_text(doc, subj_toks, doc[y.start:y.end])
        start, end = base + tok.idx, base + tok.idx + len(tok.text)
        words = [singular(lemma_of(t)) for t in subj_toks if not (t.is_stop or t.is_punct)]
        concepts = self._concepts(subject)
        key = " ".join(dict.fromkeys([*concepts, *words]))
        return Claim(
            id=claim_id(source, start, end, original[tok.idx:tok.idx + len(tok.text)]), source=source,
            start=start, end=end, text=original[tok.idx:tok.idx + len(tok.text)], sentence=context_of(si, doc[y.start:y.end]), low=float(y.year),
            high=float(y.year),
            qualifier="exact", unit="year", kind="year", subject=subject, subject_key=key,
            time=y.year, time_source="sentence", time_text=f"in {y.year}", attribution=si.attribution,
            rule=f"year/fact:{trigger.lower_}", concepts=concepts, head=singular(lemma_of(trigger)),
            measure=f"year {trigger.lower_}", period=str(y.year), period_grain="year",
            holder=next((si.view.ent_of[t.i].text for t in subj_toks if t.i in si.view.ent_of
                         and si.view.ent_of[t.i].label_ in self.frames.labels), None),
            frame={"holder": "subject", "measure": f"fact:{trigger.lower_}", "period": "sentence",
                   "modality": ""},
        )
