"""Claims: a figure with its story (subject, time, source, frame) and exact provenance.

:class:`ClaimBuilder` turns one processed spaCy Doc (a segment of a file) into
:class:`~nkextract.extraction.claims.Claim` records, with the readers it is made of
(subjects, timing, attribution) and the frame readers of :mod:`.frames`.  It uses the
dependency parse when the pipeline has one, and falls back to word-window heuristics on
``--model blank`` (every figure is still found; subjects are poorer).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from nkextract.extraction.attribution import AttributionReader
from nkextract.extraction.claims import Claim, claim_id
from nkextract.extraction.figures import FigureFinder
from nkextract.extraction.frames import FrameRules, SentenceView, ents_of, singular, text_of
from nkextract.extraction.holder import find_evidence, find_holder
from nkextract.extraction.lexicon import Lexicon
from nkextract.extraction.measure import find_measure, measure_near, measure_words
from nkextract.extraction.modality import find_modality
from nkextract.extraction.periods import Period, PeriodFinder, PeriodMention
from nkextract.extraction.scope import find_increment, find_running, find_scope
from nkextract.extraction.sentence import (
    CONTEXT_CHARS,
    IRREGULAR,
    SentInfo,
    context_of,
    lemma_of,
    overlaps,
    pos_of,
    token_rows,
    word_lemma,
)
from nkextract.extraction.subjects import SubjectReader, is_anaphoric, of_object, phrase_text
from nkextract.extraction.timing import TimeReader
from nkextract.extraction.vocab import Figure, YearMention
from nkextract.rules import Rules

# Character ranges that are never figures: URLs, e-mail addresses, phone numbers.
_MASK_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\S+@\S+\.\w+"
    r"|(?<![\w.,])(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\w|[.,]\d)"
    r"|(?<![\w.,-])(?:1[89]|20)\d\d-[01]\d-[0-3]\d(?![\w-])",  # ISO dates: 2022-05-05
    re.I,
)


class ClaimBuilder(SubjectReader, AttributionReader, TimeReader):
    """Builds claims from processed Docs with one set of rules (one per process)."""

    def __init__(self, rules: Rules, lex: Lexicon) -> None:
        self.rules = rules
        self.lex = lex
        self.finder = FigureFinder(rules, lex)
        ctx = rules.context
        att = ctx.get("attribution", {})
        self.att_verbs = frozenset(w.lower() for w in att.get("verbs", []))
        self.report_nouns = frozenset(w.lower() for w in att.get("report_nouns", []))
        self.anaphora = frozenset(w.lower() for w in att.get("anaphora", []))
        self.not_actuals = frozenset(w.lower() for w in ctx.get("subjects", {}).get("not_actuals", []))
        self.fact_words = frozenset(w.lower() for w in ctx.get("years", {}).get("fact_words", []))
        self.markers = [tuple(m.lower().split()) for m in ctx.get("years", {}).get("markers", [])]
        self.people = rules.people
        IRREGULAR.clear()  # the lemma rules' table: one rule set per process
        IRREGULAR.update({k.lower(): v.lower() for k, v in ctx.get("lemmas", {}).items()})
        self.concept_re, self.concept_of = _concept_matcher(rules)
        self.frames = FrameRules(rules)
        self.periods = PeriodFinder(rules)
        # unit words ("hours", "percent") are never what a figure counts
        self.unit_words = frozenset(p[-1] for p, _ in lex.unit_words) | frozenset(
            w for ps, _ in lex.periods for w in ps)

    # --- public -------------------------------------------------------------------------

    def find(self, doc: Any, at_line_start: bool = True) -> tuple[list[Figure], list[YearMention]]:
        """Figures and bare years in a tokenized Doc (no statistical annotation needed)."""
        text = text_of(doc)
        words, raw, gaps, line_starts = token_rows(doc, at_line_start, text)
        figures, years = self.finder.find(words, line_starts, raw, gaps)
        masked = [(m.start(), m.end()) for m in _MASK_RE.finditer(text)]
        if masked:
            figures = [f for f in figures if not overlaps(doc[f.start:f.end], masked)]
            years = [y for y in years if not overlaps(doc[y.start:y.end], masked)]
        return figures, years

    def build(self, doc: Any, base: int, source: str, pub: Period | None,
              original: str | None = None, at_line_start: bool = True, prev_text: str = "",
              found: tuple[list[Figure], list[YearMention]] | None = None) -> list[Claim]:
        """Claims in ``doc``, whose text starts at character ``base`` of the file.

        ``original`` is the file's own text for the segment when ``doc`` was built from a
        normalized copy (Unicode spaces made plain): claim texts are cut from it, so
        ``text == file_text[start:end]`` always holds.  ``found`` is what :meth:`find` gave
        for the same Doc before it was parsed (stage 1), so the rules are not run twice.
        """
        original = text_of(doc) if original is None else original
        figures, years = found if found is not None else self.find(doc, at_line_start)
        parsed = doc.has_annotation("DEP")
        if not figures and not years:
            return []
        sents = list(doc.sents)
        owner = [0] * len(doc)
        for k, sent in enumerate(sents):
            owner[sent.start:sent.end] = [k] * (sent.end - sent.start)
        infos: dict[int, SentInfo] = {}

        def info(k: int) -> SentInfo:
            """What every claim of sentence k shares, computed once (n figures in one
            sentence must not cost n passes over it)."""
            if k not in infos:
                sent = sents[k]
                raw = sent.text
                infos[k] = SentInfo(
                    span=sent, raw=raw, text=" ".join(raw.split()), concepts=self._concepts(raw),
                    attribution=(self._attribution_parsed(doc, sent) if parsed else None)
                    or self._attribution_window(doc, sent),
                    years=[y for y in years if sent.start <= y.start < sent.end],
                    gpes=[e for e in ents_of(doc) if e.label_ in ("GPE", "LOC") and sent.start <= e.start < sent.end],
                    prev=sents[k - 1].text if k > 0 else prev_text,
                    view=SentenceView.build(doc, sent, lemma_of, pos_of),
                    periods=[PeriodMention(m.start + sent.start_char, m.end + sent.start_char, m.period, m.kind)
                             for m in self.periods.find(raw, pub)],
                    figures=sorted((doc[f.start].idx, doc[f.end - 1].idx + len(doc[f.end - 1]))
                                   for f in figures if sent.start <= f.start < sent.end),
                    according=[t.i for t in sent if t.lower_ == "according" and t.i + 2 < sent.end
                               and doc[t.i + 1].lower_ == "to"],
                )
            return infos[k]

        claims: list[Claim] = []
        for fig in figures:
            span = doc[fig.start:fig.end]
            claims.append(self._claim(doc, span, fig, info(owner[fig.start]), base, source, pub, parsed,
                                      claims, original))
        for y in years:
            c = self._year_claim(doc, y, info(owner[y.start]), base, source, parsed, original)
            if c is not None:
                claims.append(c)
        claims.sort(key=lambda c: c.start)
        return claims

    # --- one claim ----------------------------------------------------------------------

    def _claim(self, doc: Any, span: Any, fig: Figure, si: SentInfo, base: int, source: str,
               pub: Period | None, parsed: bool, earlier: list[Claim], original: str) -> Claim:
        q = fig.quantity
        sent = si.span
        head, phrase_toks = (self._subject_parsed(doc, span, q.kind) if parsed
                             else self._subject_window(doc, span, q.kind))
        subject = phrase_text(doc, phrase_toks, span)
        unit = q.unit
        per = q.per or self._period_after(doc, span, sent)
        head_lemma = lemma_of(head) if head is not None else ""
        counted = head if head is not None and head.i >= span.end else None
        if parsed and head is not None and head_lemma in self.anaphora:
            # never walk the tree of an unparsed Doc: spaCy 3.8 can crash (segfault) on
            # Token.children when only a sentencizer has run
            of = of_object(head.doc[head.i:head.i + 1], set())
            if of is not None:  # "the number of unemployed people rose to 1.7 million"
                counted, head_lemma = of, lemma_of(of)
        inherit = None
        if not subject or head_lemma in self.anaphora:
            inherit = self._antecedent(earlier, q.kind)
        if inherit is not None and not (q.kind == "percent" and subject):
            subject = inherit.subject
            unit = unit or (inherit.unit.split("/")[0] if inherit.unit else None)
        if (unit is None and q.kind in ("count", "rate", "change") and counted is not None
                and head_lemma not in self.anaphora
                and pos_of(counted) in ("NOUN", "PROPN", "")):
            unit = self._count_unit(counted)  # the counted noun: after its number, or "number of X"
        elliptical = False
        prior = None
        if unit is None and q.kind == "count" and counted is None:
            # elliptical: "104.3 million barrels per day in 2025, up from 102.1 million",
            # "2,300 people were killed and more than 10,000 injured"
            # "an initial budget of 1.7 billion euros has reached 6.5 billion": money too
            prior = next((c for c in reversed(earlier[-8:]) if c.unit and c.kind in ("count", "rate", "other", "money")
                          and c.start >= base + si.span.start_char), None)
            if prior is not None:
                unit, per, elliptical = prior.unit, per or prior.per, True
        if per and unit and "/" not in unit:
            unit = f"{unit}/{per}"
        kind = "rate" if per and q.kind not in _OWN_KINDS else q.kind
        if elliptical and prior is not None and prior.kind == "money" and kind == "count":
            kind = "money"  # "an initial budget of 1.7 billion euros has reached 6.5 billion"
        places = self._places(phrase_toks, span, si, head)
        if inherit is not None and not places:
            places = list(inherit.scope)
        # the subject's own concept first; the sentence's ("these camps, known as gulags, hold
        # 200,000 prisoners") only when the subject names none
        # A figure may borrow its sentence's concept ("these camps, known as gulags, hold
        # 200,000 prisoners"; "unemployment stood at 4.6% of the workforce") only when it
        # counts people or is a share; "more than 10,000 injured" beside "2,300 killed",
        # "$50m" of aid beside a population, "the 2% target" beside inflation are other
        # quantities.
        borrows = ((unit or "").split("/")[0] in ("people", "percent") and inherit is None
                   and not elliptical and singular(head_lemma) not in self.not_actuals)
        concepts = self._concepts(subject) or (list(si.concepts) if borrows else [])
        if not concepts and borrows and si.prev and is_anaphoric(subject, si.text):
            concepts = self._concepts(si.prev)
        key = self._subject_key(doc, phrase_toks, span, subject, concepts, inherit)
        period, psrc = self._period(doc, span, si, pub)
        start = base + span.start_char
        end = base + span.end_char
        surface = original[span.start_char:span.end_char]
        claim = Claim(
            id=claim_id(source, start, end, surface), source=source, start=start, end=end,
            text=surface, sentence=context_of(si, span), low=q.low, high=q.high,
            qualifier=q.qualifier, unit=unit, kind=kind, subject=subject, subject_key=key,
            time=period.year if period else None, time_source=psrc if period else None,
            time_text=period.text if period else None,
            attribution=self._attribution_for(doc, span, si, parsed) or si.attribution,
            rule=f"figure/{fig.rule}", per=per, concepts=concepts,
            head=inherit.head if inherit is not None else singular(head_lemma),
            period=period.key() if period else None, period_grain=period.grain if period else None,
            equivalents=[_equivalent(e, doc, base, original) for e in fig.equivalents],
            relative_to=doc[fig.relative_to[0]:fig.relative_to[1]].text if fig.relative_to else None,
        )
        self._frame(claim, si, span, counted, places, concepts, inherit or (prior if elliptical else None),
                    earlier[-1] if earlier else None)
        return claim

    def _frame(self, c: Claim, si: SentInfo, span: Any, counted: Any, places: list[str],
               concepts: list[str], antecedent: Claim | None, previous: Claim | None) -> None:
        """Holder, measure, modality and scope of a claim (frames.py), with their sources."""
        fr, view = self.frames, si.view
        if counted is not None and counted.i < span.end:
            counted = None
        people = (c.unit or "").startswith("people") or (counted is not None and lemma_of(counted) in self.people)
        measure, msrc, mtok = find_measure(fr, view, span, counted, c.kind, people, c.unit)
        if (msrc.startswith("share:") and previous is not None and previous.measure in fr.known
                and previous.sentence == c.sentence and 0 <= c.start - previous.end <= 40):
            # "1.4 million people were out of work, roughly 4.2% of the workforce": the
            # share restates the count beside it, and keeps its scope
            measure, msrc = previous.measure, "apposition"
            places = list(dict.fromkeys([*places, *previous.scope]))
        if not measure and antecedent is not None and antecedent.measure:
            measure, msrc = antecedent.measure, "antecedent"
        if not measure:
            # a measure word of the sentence, between the figures either side: "About three
            # million people were hit by the quake, 316,000 of them lost their lives" gives
            # "lives" to 316,000, not to three million
            if si.measure_words is None:
                si.measure_words = measure_words(fr, si.raw, word_lemma)
            base0 = si.span.start_char
            at = span.start_char - base0
            k = bisect_left(si.figures, (span.start_char, -1))
            lo = si.figures[k - 1][1] - base0 if k > 0 else 0
            hi = si.figures[k + 1][0] - base0 if k + 1 < len(si.figures) else len(si.raw)
            if counted is not None:
                lo = at  # a figure with a noun of its own: only what is said of it after it
            words = [w for w in si.measure_words if lo <= w[0] < hi]
            measure, msrc = measure_near(fr, words, c.kind, at, CONTEXT_CHARS)
        if not measure and si.prev and counted is None:
            # "Some talk about more than 1 million, others say 500,000", after "how many
            # were slain": only a figure with no noun of its own borrows the sentence before's
            measure, msrc = measure_near(fr, measure_words(fr, si.prev[-CONTEXT_CHARS:], word_lemma), c.kind)
            msrc = msrc.replace("context:", "previous sentence:")
        holder, hsrc, anaphor = find_holder(fr, view, span, counted, concepts, si.concepts, mtok)
        if holder is not None and holder.label == "CONCEPT" and people and msrc != "noun:" + lemma_of(counted or span.root):
            # a concept may say what its people are ("people in political prison camps"
            # are prisoners): it beats a verb, not a noun that names its own measure
            measure, msrc = fr.concept_measure.get(holder.key, measure), f"concept:{holder.key}" \
                if holder.key in fr.concept_measure else msrc
        if holder is None and antecedent is not None and antecedent.holder:
            c.holder, hsrc = antecedent.holder, "antecedent"
        elif holder is not None:
            c.holder = holder.name
        modality, cue = find_modality(fr, view, span, counted)
        c.measure, c.modality = measure, modality
        if msrc == "apposition" and c.unit is None and c.kind == "count":
            c.unit, c.kind = "years", "duration"  # "Smith, 29,": an age, as "a 29-year-old" is
        c.scope = find_scope(fr, view, [counted, mtok], places, holder, span)
        c.frame = {"holder": hsrc or (f"?{anaphor}" if anaphor else ""), "measure": msrc,
                   "period": c.time_source or "", "modality": cue}
        running = find_running(fr, view, span)
        if running:
            c.frame["running"] = running
        increment = find_increment(view, span)
        if increment:
            c.frame["increment"] = increment
        c.evidence = find_evidence(fr, view, span, counted, mtok)

    def _antecedent(self, earlier: list[Claim], kind: str) -> Claim | None:
        """The claim an anaphoric subject ("this number", elliptical "South Korea's $1.4tn") means:
        one of the last few before it."""
        for c in reversed(earlier[-8:]):
            same_family = (c.kind == kind) or {c.kind, kind} <= {"count", "rate"}
            if same_family and c.subject:
                return c
        return None

    # --- subject ------------------------------------------------------------------------

    # --- time ---------------------------------------------------------------------------

    # --- attribution ----------------------------------------------------------------------

    # --- "the commission was established in 2013" ------------------------------------------



# --- helpers ------------------------------------------------------------------------------


def _concept_matcher(rules: Rules) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    concept_of: dict[str, str] = {}
    for c in rules.concepts:
        for a in (c.key, *c.aliases):
            concept_of.setdefault(a.lower(), c.key)
    if not concept_of:
        return None, {}
    alts = sorted(concept_of, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)", re.I), concept_of


# Kinds that keep their own reading whatever follows the figure ("rose 3% a year" stays a change).
_OWN_KINDS = ("change", "ratio", "rank")


def _equivalent(fig: Figure, doc: Any, base: int, original: str) -> dict[str, Any]:
    """A bracketed conversion of a figure ("$590m" in "450m euros ($590m; £310m)")."""
    span = doc[fig.start:fig.end]
    q = fig.quantity
    return {"text": original[span.start_char:span.end_char], "start": base + span.start_char,
            "end": base + span.end_char, "low": q.low, "high": q.high, "unit": q.unit}
