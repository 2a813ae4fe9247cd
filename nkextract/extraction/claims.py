"""Claims: a figure with its story (subject, time, source) and exact provenance.

:func:`build_claims` turns one processed spaCy Doc (a segment of a file) into
:class:`Claim` records.  It uses the dependency parse when the pipeline has one, and
falls back to word-window heuristics on ``--model blank`` (every figure is still found;
subjects are poorer).
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterable

from nkextract.extraction.figures import Figure, FigureFinder, YearMention
from nkextract.extraction.frames import (FrameRules, SentenceView, ents_of, find_evidence, find_holder, find_increment, find_measure,
                     find_modality, find_running, find_scope, measure_near, measure_words, path_up, singular)
from nkextract.extraction.periods import Period, PeriodFinder, PeriodMention
from nkextract.extraction.lexicon import Lexicon
from nkextract.rules import Rules

# Character ranges that are never figures: URLs, e-mail addresses, phone numbers.
_MASK_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\S+@\S+\.\w+"
    r"|(?<![\w.,])(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\w|[.,]\d)"
    r"|(?<![\w.,-])(?:1[89]|20)\d\d-[01]\d-[0-3]\d(?![\w-])",  # ISO dates: 2022-05-05
    re.I,
)
_DETS = {"the", "a", "an", "some", "these", "those", "this", "that", "its", "their", "his", "her", "our"}


@dataclass
class Claim:
    """One numeric claim.  The field list is a contract read by other commands and tools."""

    id: str
    source: str
    start: int
    end: int
    text: str
    sentence: str
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    kind: str
    subject: str
    subject_key: str
    time: int | None
    time_source: str | None
    time_text: str | None
    attribution: str | None
    rule: str
    per: str | None = None
    head: str = ""
    concepts: list[str] = field(default_factory=list)
    # the quantity frame (frames.py): whose figure, what measure, when, how sure, which part
    holder: str | None = None
    measure: str = ""
    period: str | None = None
    period_grain: str | None = None
    modality: str = "actual"
    scope: list[str] = field(default_factory=list)
    doc_entities: list[str] = field(default_factory=list)
    frame: dict[str, str] = field(default_factory=dict)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    # --- number grammar (issue 9): see README "The claim record" ---
    # the same figure in other currencies, bracketed after it: [{text, start, end, low, high, unit}]
    equivalents: list[dict[str, Any]] = field(default_factory=list)
    relative_to: str | None = None  # what a ratio compares with ("than in 2010")
    # what the sentence says about the figure's identity, beyond the frame's one reading
    # (frames.find_evidence): {"ents": [[key, role, gap], ...], "words": [lemma, ...]}
    evidence: dict[str, list[Any]] = field(default_factory=dict)
    lang: str = "en"  # the document's language (language.py): "en" unless --languages read another
    page: int | None = None  # the PDF page (1-based) the figure is on; None for other files

    def to_dict(self, with_mentions: bool = True) -> dict[str, Any]:
        # by hand, not dataclasses.asdict: its deep copy was half the time of a cached run
        d = {name: getattr(self, name) for name in CLAIM_FIELDS}
        d["scope"] = list(self.scope)
        d["concepts"] = list(self.concepts)
        d["doc_entities"] = list(self.doc_entities)
        d["frame"] = dict(self.frame)
        d["equivalents"] = [dict(e) for e in self.equivalents]
        d["evidence"] = {k: list(v) for k, v in self.evidence.items()}
        if with_mentions:
            d["mentions"] = [dict(m) for m in self.mentions]
        else:
            d.pop("mentions")
        for k in ("low", "high"):  # JSON has no inf/NaN: such a bound is unknown
            v = d[k]
            if v is not None and (math.isinf(v) or math.isnan(v)):
                d[k] = None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        names = {f.name for f in fields(cls)}
        if "places" in d and "scope" not in d:  # records written before the frame existed
            d = {**d, "scope": d["places"]}
        missing = [n for n in ("id", "source", "start", "end", "text", "low", "high", "unit", "kind")
                   if n not in d]
        if missing:
            raise ValueError(f"claim record lacks '{missing[0]}'")
        defaults = {"sentence": "", "qualifier": "exact", "subject": "", "subject_key": "", "head": "",
                    "time": None, "time_source": None, "time_text": None, "attribution": None,
                    "rule": ""}
        kw = {**defaults, **{k: v for k, v in d.items() if k in names and v is not None or k in _NULLABLE}}
        for k in ("low", "high"):
            v = kw.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                                  or not math.isfinite(v)):
                raise ValueError(f"'{k}' must be a finite number or null, not {v!r}")
            kw[k] = None if v is None else float(v)
        for k in ("start", "end"):
            if isinstance(kw[k], bool) or not isinstance(kw[k], int):
                raise ValueError(f"'{k}' must be an integer, not {kw[k]!r}")
        for k in ("id", "source", "text", "sentence", "qualifier", "kind", "subject", "subject_key", "head", "rule"):
            if not isinstance(kw[k], str):
                raise ValueError(f"'{k}' must be a string, not {kw[k]!r}")
        if kw["time"] is not None and (isinstance(kw["time"], bool) or not isinstance(kw["time"], int)):
            raise ValueError(f"'time' must be a year or null, not {kw['time']!r}")
        for k in ("scope", "concepts", "doc_entities", "mentions", "equivalents"):
            if not isinstance(kw.get(k, []), list):
                raise ValueError(f"'{k}' must be a list")
        for k in ("frame", "evidence"):
            if not isinstance(kw.get(k, {}), dict):
                raise ValueError(f"'{k}' must be an object")
        for k in ("measure", "modality", "lang"):
            if k in kw and not isinstance(kw[k], str):
                raise ValueError(f"'{k}' must be a string")
        page = kw.get("page")
        if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
            raise ValueError(f"'page' must be a page number (1, 2, ...) or null, not {page!r}")
        if kw.get("relative_to") is not None and not isinstance(kw["relative_to"], str):
            raise ValueError(f"'relative_to' must be a string or null, not {kw['relative_to']!r}")
        return cls(**kw)

    def mention(self) -> dict[str, Any]:
        """Provenance of this claim as one mention (kept when duplicates merge)."""
        return {"source": self.source, "start": self.start, "end": self.end, "text": self.text,
                "low": self.low, "high": self.high, "qualifier": self.qualifier,
                "sentence": self.sentence, "time": self.time, "attribution": self.attribution,
                "id": self.id, "page": self.page}


CLAIM_FIELDS = [f.name for f in fields(Claim)]
_NULLABLE = {"low", "high", "unit", "time", "time_source", "time_text", "attribution", "per", "holder",
             "period", "period_grain", "relative_to", "page"}


def claim_id(source: str, start: int, end: int, text: str) -> str:
    """Stable across runs: the same figure at the same place in the same file."""
    return hashlib.sha1(f"{source}\0{start}\0{end}\0{text}".encode()).hexdigest()[:16]


class ClaimBuilder:
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
        global _IRREGULAR
        _IRREGULAR = {k.lower(): v.lower() for k, v in ctx.get("lemmas", {}).items()}
        self.concept_re, self.concept_of = _concept_matcher(rules)
        self.frames = FrameRules(rules)
        self.periods = PeriodFinder(rules)
        # unit words ("hours", "percent") are never what a figure counts
        self.unit_words = frozenset(p[-1] for p, _ in lex.unit_words) | frozenset(
            w for ps, _ in lex.periods for w in ps)

    # --- public -------------------------------------------------------------------------

    def find(self, doc: Any, at_line_start: bool = True) -> tuple[list[Figure], list[YearMention]]:
        """Figures and bare years in a tokenized Doc (no statistical annotation needed)."""
        text = doc.text
        words, raw, gaps, line_starts = _tokens(doc, at_line_start)
        figures, years = self.finder.find(words, line_starts, raw, gaps)
        masked = [(m.start(), m.end()) for m in _MASK_RE.finditer(text)]
        if masked:
            figures = [f for f in figures if not _overlaps(doc[f.start:f.end], masked)]
            years = [y for y in years if not _overlaps(doc[y.start:y.end], masked)]
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
        original = doc.text if original is None else original
        figures, years = found if found is not None else self.find(doc, at_line_start)
        parsed = doc.has_annotation("DEP")
        if not figures and not years:
            return []
        sents = list(doc.sents)
        owner = [0] * len(doc)
        for k, sent in enumerate(sents):
            owner[sent.start:sent.end] = [k] * (sent.end - sent.start)
        infos: dict[int, _SentInfo] = {}

        def info(k: int) -> _SentInfo:
            """What every claim of sentence k shares, computed once (n figures in one
            sentence must not cost n passes over it)."""
            if k not in infos:
                sent = sents[k]
                raw = sent.text
                infos[k] = _SentInfo(
                    span=sent, raw=raw, text=" ".join(raw.split()), concepts=self._concepts(raw),
                    attribution=(self._attribution_parsed(doc, sent) if parsed else None)
                    or self._attribution_window(doc, sent),
                    years=[y for y in years if sent.start <= y.start < sent.end],
                    gpes=[e for e in ents_of(doc) if e.label_ in ("GPE", "LOC") and sent.start <= e.start < sent.end],
                    prev=sents[k - 1].text if k > 0 else prev_text,
                    view=SentenceView.build(doc, sent, _lemma, _pos),
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

    def _claim(self, doc: Any, span: Any, fig: Figure, si: _SentInfo, base: int, source: str,
               pub: Period | None, parsed: bool, earlier: list[Claim], original: str) -> Claim:
        q = fig.quantity
        sent = si.span
        head, phrase_toks = (self._subject_parsed(doc, span, q.kind) if parsed
                             else self._subject_window(doc, span, q.kind))
        subject = _phrase_text(doc, phrase_toks, span)
        unit = q.unit
        per = q.per or self._period_after(doc, span, sent)
        head_lemma = _lemma(head) if head is not None else ""
        counted = head if head is not None and head.i >= span.end else None
        if parsed and head is not None and head_lemma in self.anaphora:
            # never walk the tree of an unparsed Doc: spaCy 3.8 can crash (segfault) on
            # Token.children when only a sentencizer has run
            of = _of_object(head.doc[head.i:head.i + 1], set())
            if of is not None:  # "the number of unemployed people rose to 1.7 million"
                counted, head_lemma = of, _lemma(of)
        inherit = None
        if not subject or head_lemma in self.anaphora:
            inherit = self._antecedent(earlier, q.kind)
        if inherit is not None and not (q.kind == "percent" and subject):
            subject = inherit.subject
            unit = unit or (inherit.unit.split("/")[0] if inherit.unit else None)
        if (unit is None and q.kind in ("count", "rate", "change") and counted is not None
                and head_lemma not in self.anaphora
                and _pos(counted) in ("NOUN", "PROPN", "")):
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
        if not concepts and borrows and si.prev and _anaphoric(subject, si.text):
            concepts = self._concepts(si.prev)
        key = self._subject_key(doc, phrase_toks, span, subject, concepts, inherit)
        period, psrc = self._period(doc, span, si, pub)
        start = base + span.start_char
        end = base + span.end_char
        surface = original[span.start_char:span.end_char]
        claim = Claim(
            id=claim_id(source, start, end, surface), source=source, start=start, end=end,
            text=surface, sentence=_context(si, span), low=q.low, high=q.high,
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

    def _frame(self, c: Claim, si: _SentInfo, span: Any, counted: Any, places: list[str],
               concepts: list[str], antecedent: Claim | None, previous: Claim | None) -> None:
        """Holder, measure, modality and scope of a claim (frames.py), with their sources."""
        fr, view = self.frames, si.view
        if counted is not None and counted.i < span.end:
            counted = None
        people = (c.unit or "").startswith("people") or (counted is not None and _lemma(counted) in self.people)
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
                si.measure_words = measure_words(fr, si.raw, _word_lemma)
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
            measure, msrc = measure_near(fr, measure_words(fr, si.prev[-CONTEXT_CHARS:], _word_lemma), c.kind)
            msrc = msrc.replace("context:", "previous sentence:")
        holder, hsrc, anaphor = find_holder(fr, view, span, counted, concepts, si.concepts, mtok)
        if holder is not None and holder.label == "CONCEPT" and people and msrc != "noun:" + _lemma(counted or span.root):
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

    def _subject_parsed(self, doc: Any, span: Any, kind: str) -> tuple[Any, list[Any]]:
        """Head noun of what is counted and the tokens of its restricting phrase."""
        inside = set(range(span.start, span.end))
        head = None
        if kind == "percent" or span[-1].lower_ in self.lex.vague:
            head = _of_object(span, inside)  # "85 percent of X", "hundreds of thousands of X"
        if head is None:
            for tok in span:
                h = tok.head
                if h.i not in inside and tok.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod",
                                                        "npadvmod", "appos", "det") \
                        and _pos(h) in ("NOUN", "PROPN") and (h.i > span.start or tok.dep_ == "appos") \
                        and h.lower_ not in self.unit_words:
                    head = h
                    break
        if head is None and kind in ("count", "rate"):
            # "13 North Korean restaurant workers": tagger attached numbers elsewhere
            for tok in doc[span.end:span.end + 5]:
                if _pos(tok) in ("NOUN", "PROPN") and tok.dep_ not in ("pobj",):
                    if tok.head.i in inside or any(c.i in inside for c in tok.children):
                        head = tok
                        break
        if head is None:
            verb = _governing_verb(span.root, inside)
            if verb is not None:
                subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subj:
                    s = subj[0]
                    if s.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
                        s = verb.head  # "... a trafficker who sold her": the trafficker
                    if _lemma(verb) == "be" or _lemma(s) in self.anaphora:
                        return s, _np_tokens(s, inside)
                    return s, _np_tokens(s, inside) + [verb]
            return None, []
        return head, _np_tokens(head, inside)

    def _subject_window(self, doc: Any, span: Any, kind: str) -> tuple[Any, list[Any]]:
        """Without a parse: the content words right after the figure ("... people in camps")."""
        toks = []
        i = span.end
        if kind == "percent" and i < len(doc) and doc[i].lower_ == "of":
            i += 1
            while i < len(doc) and doc[i].lower_ in _DETS:
                i += 1
        while i < len(doc) and len(toks) < 4 and doc[i].is_alpha and not doc[i].is_stop:
            toks.append(doc[i])
            i += 1
        if not toks:
            return None, []
        head = toks[-1]
        if i + 1 < len(doc) and doc[i].lower_ in ("in", "of", "from", "at", "abroad") and doc[i + 1].is_alpha:
            j = i + 1
            tail = [doc[i]]
            while j < len(doc) and len(tail) < 5 and (doc[j].is_alpha or doc[j].text == "'s") \
                    and not (doc[j].is_stop and doc[j].lower_ not in ("the",)):
                tail.append(doc[j])
                j += 1
            if len(tail) > 1:
                toks += tail
        return head, toks

    def _count_unit(self, head: Any) -> str:
        lemma = _lemma(head)
        words = lemma.split()
        if lemma in self.people or (words and words[-1] in self.people) or singular(lemma) in self.people:
            return "people"
        return singular(lemma)

    def _period_after(self, doc: Any, span: Any, sent: Any) -> str | None:
        """A rate word later in the clause: "1,000 North Koreans defect every year"."""
        words = []
        for tok in doc[span.end:min(sent.end, span.end + 8)]:
            if tok.is_punct or tok.like_num:
                break
            words.append(tok.lower_)
        for phrase, per in self.lex.periods:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == phrase:
                    return per
        return None

    def _places(self, phrase_toks: list[Any], span: Any, si: _SentInfo, head: Any) -> list[str]:
        """Where the figure holds: places in the subject's restricting phrase ("workers in
        Russia"), not in its modifiers ("DPRK workers" are workers from the DPRK)."""
        first = head.i if head is not None else -1
        idx = {t.i for t in phrase_toks if t.i > first}
        if si.view.parsed:  # tree navigation only on a parsed Doc (see _claim)
            for child in span.root.children:
                if child.dep_ == "poss":  # "South Korea's $1.383 trillion"
                    idx.update(t.i for t in child.subtree)
        places = [e for e in si.gpes if any(t.i in idx for t in e)]
        if not places:
            # "In China, traffickers traffick about 80 percent ..."
            opening = si.span[0:2]
            if len(opening) == 2 and opening[0].lower_ == "in":
                places.extend(e for e in si.gpes if e.start == opening[1].i)
        return sorted({_clean_place(e.text) for e in places})

    def _concepts(self, text: str) -> list[str]:
        if self.concept_re is None:
            return []
        found = {self.concept_of[m.group(0).lower()] for m in self.concept_re.finditer(text)}
        return sorted(found)

    def _subject_key(self, doc: Any, toks: list[Any], span: Any, subject: str, concepts: list[str],
                     inherit: Claim | None) -> str:
        if inherit is not None:
            return inherit.subject_key
        words = []
        for t in toks:
            if t.is_stop or t.is_punct or t.like_num or not t.text.strip():
                continue
            words.append(singular(_lemma(t)))
        if not words:
            words = [singular(w) for w in re.findall(r"[a-z]+", subject.lower())]
        key = []
        for w in [*concepts, *words]:
            if w not in key:
                key.append(w)
        return " ".join(key)

    # --- time ---------------------------------------------------------------------------

    def _period(self, doc: Any, span: Any, si: _SentInfo, pub: Period | None) -> tuple[Period | None, str]:
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
            if m.start >= fe and _figure_between(si.figures, fe, m.start):
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
            text = doc.text
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
                    _lemma_in(t, self.att_verbs) and _pos(t) in ("VERB", "") and t.dep_ != "amod"):
                return True
        return False

    # --- attribution ----------------------------------------------------------------------

    def _attribution_for(self, doc: Any, span: Any, si: _SentInfo, parsed: bool) -> str | None:
        """Who vouches for this figure, when its sentence gives two sources for two figures
        ("a million according to Rwandan figures, 800 000 according to United Nations";
        "the ministry said 38,195, while the centre said 30,920"; "the State Council's count
        of 300 to a student union estimate of 4,000").  None: the sentence's source applies."""
        fs, fe = span.start_char, span.end_char
        # "according to X" right after the figure, or before it with no other figure between
        best = None
        for i in si.according:
            tok = doc[i]
            at = tok.idx
            if _figure_between(si.figures, fe, at) if at >= fe else _figure_between(si.figures, at, fs):
                continue
            dist = at - fe if at >= fe else fs - at
            if best is None or dist < best[0]:
                best = (dist, tok)
        if best is not None:
            tok = best[1]
            if parsed:
                objs = [o for c in tok.children if c.lower_ == "to" for o in c.children if o.dep_ == "pobj"]
                if objs:
                    return self._source_phrase(doc, objs[0])
            ents = [e for e in ents_of(doc) if tok.i + 2 <= e.start <= tok.i + 4]
            if ents:
                return self._entity_with_year(doc, ents[0])
        if not parsed:
            return None
        # the subject of the reporting verb the figure hangs from ("the ministry said 38,195")
        inside = set(range(span.start, span.end))
        for tok in path_up(span.root)[1:]:
            if tok.i in inside:
                continue
            if _pos(tok) == "NOUN" and tok.lower_ in self.report_nouns:
                # "the State Council's official count of around 300", "a student union estimate of 4,000"
                owners = [c for c in tok.children if c.dep_ in ("poss", "compound") and c.i < tok.i]
                if owners:
                    return self._source_phrase(doc, owners[0])
            if _pos(tok) == "VERB" and _lemma_in(tok, self.att_verbs) and tok.lower_ != "according":
                subj = [c for c in tok.children if c.dep_ in ("nsubj",)]
                if subj and subj[0].lower_ not in ("it", "which", "that", "who", "they", "he", "she", "i", "we"):
                    return self._source_phrase(doc, subj[0])
                break
        return None

    def _attribution_parsed(self, doc: Any, sent: Any) -> str | None:
        for tok in sent:
            if tok.lower_ == "according":
                for c in tok.children:
                    if c.lower_ == "to":
                        objs = [o for o in c.children if o.dep_ == "pobj"]
                        if objs:
                            return self._source_phrase(doc, objs[0])
        for tok in sent:
            if _pos(tok) == "VERB" and _lemma_in(tok, self.att_verbs):
                subj = [c for c in tok.children if c.dep_ in ("nsubj",)]
                if subj and subj[0].lower_ not in ("it", "which", "that", "who", "they", "he", "she"):
                    return self._source_phrase(doc, subj[0])
        for tok in sent:
            if tok.lower_ in self.report_nouns:
                for c in tok.children:
                    if c.dep_ == "prep" and c.lower_ == "by":
                        objs = [o for o in c.children if o.dep_ == "pobj"]
                        if objs:
                            return self._source_phrase(doc, objs[0])
        return None

    def _attribution_window(self, doc: Any, sent: Any) -> str | None:
        toks = list(sent)
        for i, t in enumerate(toks[:-1]):
            if t.lower_ == "according" and toks[i + 1].lower_ == "to":
                for e in ents_of(doc):
                    if e.start >= toks[i + 1].i + 1 and e.start <= toks[i + 1].i + 4 and e.label_ in ("ORG", "REPORT"):
                        return self._entity_with_year(doc, e)
        ents = [e for e in ents_of(doc) if e.label_ in ("ORG", "REPORT") and sent.start <= e.start < sent.end]
        for e in ents:
            nxt = doc[e.end:e.end + 3]
            if any(_lemma_in(t, self.att_verbs) for t in nxt if t.is_alpha):
                return self._entity_with_year(doc, e)
        for e in ents:
            if e.label_ == "REPORT":
                return self._entity_with_year(doc, e)
        return None

    def _entity_with_year(self, doc: Any, ent: Any) -> str:
        start = ent.start
        if start > 0 and self.lex.is_year(doc[start - 1].text):
            start -= 1
        elif start > 1 and self.lex.is_year(doc[start - 2].text) and doc[start - 1].text in ("'s",):
            start -= 2
        return _clean_source(doc[start:ent.end].text)

    def _source_phrase(self, doc: Any, head: Any) -> str:
        """A source's name: an entity from the rules inside the phrase, else the noun phrase."""
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        ents = [e for e in ents_of(doc) if lo <= e.start < hi and e.label_ in ("REPORT", "ORG")]
        if ents:
            rep = [e for e in ents if e.label_ == "REPORT"]
            return self._entity_with_year(doc, (rep or ents)[0])
        toks = [t for t in head.subtree if t.i <= head.i or t.dep_ in ("compound",)]
        toks = [t for t in toks if t.dep_ not in ("det", "punct", "advmod")]
        end = head.i + 1
        # "the Office for National Statistics", "Analysts at Goldman Sachs": the name goes on
        # through its prepositional phrase, up to a bracket or comma
        for c in head.rights:
            if c.dep_ == "prep" and c.lower_ in ("of", "for", "at", "on", "from"):
                stop = next((t.i for t in c.subtree if t.is_punct), c.right_edge.i + 1)
                end = max(end, stop)
                break
        text = doc[toks[0].i:end].text if toks else doc[head.i:end].text
        return _clean_source(text)

    # --- "the commission was established in 2013" ------------------------------------------

    def _year_claim(self, doc: Any, y: YearMention, si: _SentInfo, base: int, source: str, parsed: bool,
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
            if anchor is not None and (anchor.lower_ in self.fact_words or _lemma_in(anchor, self.fact_words)):
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
        elif _pos(trigger) in ("NOUN", "PROPN"):
            subj_toks = [t for t in trigger.subtree if t.i < i]  # "the establishment of the COI"
        else:
            # what came to be: the object ("enacted the Act"), else the passive or active subject
            deps = {c.dep_: c for c in trigger.children}
            what = deps.get("dobj") or deps.get("nsubjpass")
            if what is None and trigger.dep_ == "acl":
                what = trigger.head  # "the report, released in 2014"
            what = what or deps.get("nsubj")
            subj_toks = (_np_tokens(what, set()) if what is not None else []) + [trigger]
            subj_toks = [t for t in subj_toks if t.i < i or t.i > y.end]
        subj_toks = [t for t in subj_toks if t.i != y.start]
        subject = _phrase_text(doc, subj_toks, doc[y.start:y.end])
        start, end = base + tok.idx, base + tok.idx + len(tok.text)
        words = [singular(_lemma(t)) for t in subj_toks if not (t.is_stop or t.is_punct)]
        concepts = self._concepts(subject)
        key = " ".join(dict.fromkeys([*concepts, *words]))
        return Claim(
            id=claim_id(source, start, end, original[tok.idx:tok.idx + len(tok.text)]), source=source,
            start=start, end=end, text=original[tok.idx:tok.idx + len(tok.text)], sentence=_context(si, doc[y.start:y.end]), low=float(y.year),
            high=float(y.year),
            qualifier="exact", unit="year", kind="year", subject=subject, subject_key=key,
            time=y.year, time_source="sentence", time_text=f"in {y.year}", attribution=si.attribution,
            rule=f"year/fact:{trigger.lower_}", concepts=concepts, head=singular(_lemma(trigger)),
            measure=f"year {trigger.lower_}", period=str(y.year), period_grain="year",
            holder=next((si.view.ent_of[t.i].text for t in subj_toks if t.i in si.view.ent_of
                         and si.view.ent_of[t.i].label_ in self.frames.labels), None),
            frame={"holder": "subject", "measure": f"fact:{trigger.lower_}", "period": "sentence",
                   "modality": ""},
        )


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


@dataclass
class _SentInfo:
    """Per-sentence facts shared by all claims of the sentence."""

    span: Any
    raw: str  # as in the Doc
    text: str  # whitespace-normalized
    concepts: list[str]
    attribution: str | None
    years: list[YearMention]
    gpes: list[Any]
    prev: str  # the sentence before, for "these camps ..."
    view: SentenceView  # tokens, entities and parse, for the frame functions
    periods: list[PeriodMention]  # char offsets in the Doc
    figures: list[tuple[int, int]]  # char spans of the sentence's figures, in order
    according: list[int]  # token indices of "according to"
    measure_words: list[tuple[int, str, str]] | None = None  # frames.measure_words, when first needed


# A figure with no measure of its own looks for one this far around it (characters).
CONTEXT_CHARS = 300

# A "sentence" longer than this is not prose (a table flattened into one line, a list of
# 20,000 numbers): each claim keeps a window around itself instead of the whole run, so
# memory per claim stays bounded.
MAX_SENTENCE = 1000


def _context(si: _SentInfo, span: Any) -> str:
    if len(si.text) <= MAX_SENTENCE:
        return si.text
    base = si.span.start_char
    lo = max(0, span.start_char - base - MAX_SENTENCE // 2)
    hi = min(len(si.raw), span.end_char - base + MAX_SENTENCE // 2)
    text = " ".join(si.raw[lo:hi].split())
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(si.raw) else "")


# Kinds that keep their own reading whatever follows the figure ("rose 3% a year" stays a change).
_OWN_KINDS = ("change", "ratio", "rank")


def _equivalent(fig: Figure, doc: Any, base: int, original: str) -> dict[str, Any]:
    """A bracketed conversion of a figure ("$590m" in "450m euros ($590m; £310m)")."""
    span = doc[fig.start:fig.end]
    q = fig.quantity
    return {"text": original[span.start_char:span.end_char], "start": base + span.start_char,
            "end": base + span.end_char, "low": q.low, "high": q.high, "unit": q.unit}


def _tokens(doc: Any, seg_at_line_start: bool) -> tuple[list[str], list[str], list[str], list[bool]]:
    """One pass over the Doc for what the figure rules read: each token lower-cased and as
    written ("1MM" is a million, "5mm" is not), the text between it and the token before
    ("1 071 000" is one number only with single spaces), and whether it is the first
    thing on its line (list numbering)."""
    text = doc.text
    words, raw, gaps, starts = [], [], [], []
    prev_end = 0
    first = seg_at_line_start
    for t in doc:
        gap = text[prev_end:t.idx]
        if "\n" in gap:
            first = True
        words.append(t.lower_)
        raw.append(t.text)
        gaps.append(gap)
        starts.append(first)
        first = False
        prev_end = t.idx + len(t.text)
    return words, raw, gaps, starts


def _overlaps(span: Any, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(span.start_char < e and s < span.end_char for s, e in ranges)


# Penn Treebank tag -> coarse part of speech.  The pipeline runs without the attribute
# ruler that maps them (with the lemmatizer it costs a fifth of parsing time); these are
# the only distinctions claim building makes.
_TAG_POS = {"NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "CD": "NUM", "MD": "AUX",
            "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "IN": "ADP", "DT": "DET", "PRP": "PRON",
            "RB": "ADV", "RBR": "ADV", "RBS": "ADV"}
_IRREGULAR: dict[str, str] = {}  # from rules/context.toml [lemmas], set by ClaimBuilder


def _pos(tok: Any) -> str:
    if tok.pos_:
        return str(tok.pos_)
    tag = tok.tag_
    if tag.startswith("VB"):
        return "AUX" if _IRREGULAR.get(tok.lower_) in ("be", "have") else "VERB"
    return _TAG_POS.get(tag, "")


def _lemma_in(tok: Any, words: frozenset[str]) -> bool:
    """Is the token a form of one of ``words``?  Tolerates the e the suffix rule cannot
    know about ("determined" -> determin(e))."""
    lemma = _lemma(tok)
    return lemma in words or lemma + "e" in words or tok.lower_ in words


# Stems whose verb ends in a silent e once "-ed"/"-ing" is cut ("estimat-ed", "rais-ed").
_E_STEMS = ("at", "it", "iz", "v", "c", "g", "u", "ut", "is", "as", "os", "aus", "ys", "ur", "ir")
_NO_E = ("ct", "cus", "our", "air")  # "acted", "focused", "poured", "chaired"


def _lemma(tok: Any) -> str:
    """spaCy's lemma when a lemmatizer ran, else a rule: irregular table, then suffixes."""
    if tok.lemma_:
        return str(tok.lemma_).lower()
    w = tok.lower_
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    tag = tok.tag_
    if tag in ("NNS", "NNPS"):
        return singular(w)
    if tag in ("VBZ",) and len(w) > 3:
        return w[:-3] + "y" if w.endswith("ies") else w[:-2] if w.endswith(("ches", "shes", "sses", "xes")) else w[:-1]
    if tag in ("VBD", "VBN") and w.endswith("ed") and len(w) > 4:
        if w.endswith("ied"):
            return w[:-3] + "y"
        stem = w[:-2]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
            return stem[:-1]  # "planned" -> "plan"
        # "estimated" -> "estimate", "reported" -> "report", "raised" -> "raise": keep the e
        # after c/v/z/g/u/at/it and a vowel + s
        return stem + "e" if stem.endswith(_E_STEMS) and not stem.endswith(_NO_E) else stem
    if tag == "VBG" and w.endswith("ing") and len(w) > 5:
        stem = w[:-3]
        return stem + "e" if stem.endswith(_E_STEMS) and not stem.endswith(("it", "u") + _NO_E) else stem
    return w


def _figure_between(figures: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Is a whole figure (of the sorted char spans ``figures``) inside ``[lo, hi)``?"""
    k = bisect_left(figures, (lo, -1))
    return k < len(figures) and figures[k][1] <= hi


def _word_lemma(word: str) -> str:
    """A bare word's base form (irregular table, then plural folding): for text scans."""
    return _IRREGULAR.get(word, singular(word))


def _of_object(span: Any, inside: set[int]) -> Any:
    """"85 percent of North Korean refugees" -> refugees."""
    for tok in span:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of" and c.i not in inside:
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return None


def _np_tokens(head: Any, exclude: set[int]) -> list[Any]:
    """The head noun with its modifiers and restricting phrases, at most ~12 tokens."""
    keep = [head]
    for c in head.lefts:
        if c.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod", "nummod") and c.i not in exclude:
            keep.extend(t for t in c.subtree if t.i not in exclude)
    doc = head.doc
    for c in head.rights:
        if c.dep_ not in ("prep", "acl", "relcl", "advmod", "amod") or c.i in exclude:
            continue
        if c.left_edge.i > 0 and doc[c.left_edge.i - 1].is_punct:
            break  # ", including entire families, who ...": not restrictive
        if c.lower_ in ("including", "such", "like", "with"):
            break
        sub = sorted((t for t in c.subtree if t.i not in exclude), key=lambda t: t.i)
        # stop at another figure, or at a comma or bracket that opens an aside (", a very
        # common destination"), not at the commas of a list ("Russia, China, Africa and ...")
        stops = [t.i for t in sub if (t.like_num and not t.is_alpha) or t.text in ("(", ";", "—", "–")
                 or (t.text == "," and not _in_list(t))]
        if stops:
            sub = [t for t in sub if t.i < stops[0]]
        sub = sub[:14]
        while sub and (sub[-1].is_stop or sub[-1].is_punct) and _pos(sub[-1]) != "PROPN":
            sub.pop()
        if len(sub) < 2:
            break
        keep.extend(sub)
        if c.dep_ == "relcl":
            break
    return sorted(set(keep), key=lambda t: t.i)


def _in_list(comma: Any) -> bool:
    """Is this comma one of a list's ("A, B and C")?  The word after it is a conjunct."""
    doc = comma.doc
    if comma.i + 1 >= len(doc):
        return False
    nxt = doc[comma.i + 1]
    node = nxt
    for _ in range(4):  # "the Middle East": climb to the phrase head
        if node.dep_ in ("conj", "cc"):
            return True
        if node.head is node or node.head.i < comma.i:
            break
        node = node.head
    return False


def _governing_verb(tok: Any, inside: set[int]) -> Any:
    """The verb a figure hangs from: "ruled ... for over six decades" -> ruled."""
    for _ in range(5):
        if _pos(tok) in ("VERB", "AUX") and tok.i not in inside:
            return tok
        if tok.head is tok:
            return None
        if tok.i not in inside and _pos(tok) in ("NOUN", "PROPN") and tok.dep_ not in ("pobj",):
            return None
        tok = tok.head
    return None


def _phrase_text(doc: Any, toks: list[Any], figure: Any) -> str:
    if not toks:
        return ""
    toks = sorted(toks, key=lambda t: t.i)
    lo, hi = toks[0].i, toks[-1].i + 1
    # a contiguous stretch, skipping the figure itself if it sits inside
    parts = []
    for t in doc[lo:hi]:
        if figure.start <= t.i < figure.end:
            continue
        parts.append(t.text_with_ws)
    text = "".join(parts).strip(" ,;:-–—\n\t")
    words = text.split()
    while words and words[0].lower() in _DETS:
        words = words[1:]
    return " ".join(words)


def _anaphoric(subject: str, sent_text: str) -> bool:
    s = sent_text.lower()
    return bool(re.search(r"\b(these|such|those)\s+\w+", s)) or not subject


def _clean_place(text: str) -> str:
    """"South Korea’s" -> "South Korea", "the Middle East" -> "Middle East"."""
    t = re.sub(r"[’']s$", "", " ".join(text.split()))
    return re.sub(r"^the\s+", "", t, flags=re.I)


def _clean_source(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETS:
        words = words[1:]
    out = " ".join(words).strip(" ,;:'\"“”")  # keep the dot of "U.N."
    if out.endswith("'s"):
        out = out[:-2]
    return out
