"""The quantity frame: whose figure it is, what it measures, for when, how sure, which part.

Two figures are comparable only when they are figures of the *same quantity*: the same
holder (Japan, Vodafone, Hurricane Maria), the same measure (economic growth, customers,
death toll), a compatible period, the same modality (an actual figure is not a forecast)
and the same scope (workers in Russia are a part of workers abroad).  This module reads
those fields off one parsed sentence; :func:`finish_document` fills what only the whole
document can say (the firm that "the firm" means, the article's main subject).

Each field is found by a small function over the sentence's tokens, and each says where
it came from (``Frame.sources``: "possessive", "verb:kill", "document", ...), in the
spirit of Presidio's decision process: a user debugging a wrong holder sees which rule
chose it.  All vocabulary comes from ``rules/measures.toml``, ``rules/frames.toml`` and
``rules/concepts.toml``.

On ``--model blank`` (no parse, no NER) the functions fall back to word windows: every
figure still gets a measure and a period; holders come from the rules' entity patterns.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from nkextract.rules import Measure, Rules

MODALITIES = ("actual", "estimate", "forecast", "target", "hypothetical")
# Nouns that name a figure without saying what it measures: look further for the measure.
_GENERIC = frozenset("""people person persons number figure total count tally amount estimate
estimates sum level rate value it that this one those these some others who which what
all majority minority proportion share percentage percent""".split())


@dataclass(frozen=True)
class EntityRef:
    """A named entity as a possible holder: shown as ``name``, compared by ``key``."""

    name: str
    key: str
    label: str


class FrameRules:
    """The frame vocabulary of one :class:`Rules`, compiled once per process."""

    def __init__(self, rules: Rules) -> None:
        fr = rules.frames
        h = fr.get("holders", {})
        self.labels = tuple(h.get("labels", ["EVENT", "ORG", "GPE", "PERSON", "PRODUCT"]))
        self.anaphora: dict[str, str] = {}
        for label, words in h.get("anaphora", {}).items():
            for w in words:
                self.anaphora.setdefault(w.lower(), label)
        self.alias: dict[str, str] = {}
        for key, names in h.get("aliases", {}).items():
            k = _norm(key)
            self.alias[k] = k
            for n in names:
                self.alias.setdefault(_norm(n), k)
        self.demonyms = {_norm(k): _norm(v) for k, v in h.get("demonyms", {}).items()}
        self.measures: list[Measure] = list(rules.measures)
        self.noun_measure: dict[str, list[Measure]] = {}
        self.verb_measure: dict[str, list[Measure]] = {}
        for m in self.measures:
            for n in m.nouns:
                self.noun_measure.setdefault(n, []).append(m)
            for v in m.verbs:
                self.verb_measure.setdefault(v, []).append(m)
        self.flows = frozenset(m.key for m in self.measures if m.flow)
        self.named = frozenset(m.key for m in self.measures if m.named)
        self.exact = frozenset(m.key for m in self.measures if m.exact)
        self.known = frozenset(m.key for m in self.measures)
        phrases = sorted({w for w in self.noun_measure if " " in w} | {w for w in self.verb_measure if " " in w},
                         key=lambda p: (-len(p), p))
        self.phrase_re = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b") \
            if phrases else re.compile(r"(?!x)x")
        mo = fr.get("modality", {})
        self.modality_cues = {cls: _phrases(mo.get(cls, [])) for cls in ("forecast", "target", "hypothetical",
                                                                            "estimate")}
        # each cue as find_modality tests it, built once (not per figure): a one-word cue is
        # matched against the words and lemmas, a longer one inside the space-padded words
        self.modality_tests = {cls: [(len(p) == 1, p[0] if len(p) == 1 else f" {' '.join(p)} ", " ".join(p))
                                     for p in phrases] for cls, phrases in self.modality_cues.items()}
        self.reporting = frozenset(w.lower() for w in mo.get("reporting", []))
        sc = fr.get("scope", {})
        self.subgroups = frozenset(w.lower() for w in sc.get("subgroups", []))
        self.soft_scope = frozenset(w.lower() for w in sc.get("soft", []))
        part, units = sc.get("part_of_period", []), sc.get("period_units", [])
        # "the first night", "in the first three days", "the opening week of": a part of a period
        self.period_part = re.compile(
            r"\b(" + "|".join(map(re.escape, part)) + r")\s+(?:(?:\w+|\d+)\s+)?("
            + "|".join(map(re.escape, sorted(units, key=len, reverse=True))) + r")\b", re.I) \
            if part and units else None
        att = rules.context.get("attribution", {})
        self.att_verbs = frozenset(w.lower() for w in att.get("verbs", []))
        self.report_nouns = frozenset(w.lower() for w in att.get("report_nouns", []))
        self.physical_units = frozenset(u.name for u in rules.units if u.kind in ("other",))
        self.running = frozenset(w.lower() for w in fr.get("periods", {}).get("running", []))
        self.holder_concepts = {c.key for c in rules.concepts if c.holder}
        self.concept_measure = {c.key: c.measure for c in rules.concepts if c.measure}
        self.people = rules.people

    # --- names ----------------------------------------------------------------------------

    def key(self, name: str, label: str = "") -> str:
        """How holders are compared: lower case, no article or possessive, aliases folded,
        nationality words mapped to their country ("Iraqis", "Iraqi" -> "iraq")."""
        k = _norm(name)
        if k in self.alias:
            return self.alias[k]
        if label in ("NORP", "") or k not in self.alias:
            for cand in (k, k[:-1] if k.endswith("s") else k, k[:-3] if k.endswith("ese") else k):
                if cand in self.demonyms:
                    d = self.demonyms[cand]
                    return self.alias.get(d, d)
        return k

    def ref(self, name: str, label: str) -> EntityRef:
        """An entity as a holder; a nationality is shown as its country."""
        name = _clean_name(name)
        key = self.key(name, label)
        if label == "NORP" and _norm(name) != key:
            return EntityRef(key.title(), key, "GPE")
        return EntityRef(name, key, label)

    def is_reporting(self, tok: Any, lemma_of: Any) -> bool:
        """A verb that says who vouches for a figure ("said", "estimated", "claims")."""
        lem = lemma_of(tok)
        return lem in self.att_verbs or lem + "e" in self.att_verbs or tok.lower_ in self.att_verbs

    def is_report_noun(self, tok: Any) -> bool:
        return tok.lower_ in self.report_nouns

    def measure_for(self, words: Sequence[str], kind: str, verb: bool = False) -> Measure | None:
        """The measure a noun phrase or verb lemma names, if any fits the figure's kind; a
        verb's own measures first ("paid $192m" is a price, though "pay" is also a noun of wages)."""
        for w in words:
            nouns, verbs = self.noun_measure.get(w, []), self.verb_measure.get(w, [])
            for m in (verbs + nouns if verb else nouns + verbs):
                if not m.kinds or kind in m.kinds:
                    return m
        return None


# --- helpers over tokens ---------------------------------------------------------------------


def _norm(text: str) -> str:
    t = text.lower().replace("’", "'").strip()
    t = re.sub(r"'s$|'$", "", t)
    t = re.sub(r"^(?:the|a|an)\s+", "", t)
    t = re.sub(r"[^\w\s&-]", "", t) if "." not in t or len(t) > 6 else t
    return " ".join(t.split())


def _clean_name(text: str) -> str:
    t = " ".join(text.replace("’", "'").split())
    t = re.sub(r"\s*[(\[][^)\]]*$", "", t)  # "World Health Organization (WHO" cut by the tokenizer
    t = re.sub(r"^(?:the|The)\s+", "", t)
    return re.sub(r"'s$|'$", "", t).strip(" ,;:-–—\"“”'")


def _phrases(words: Iterable[str]) -> list[tuple[str, ...]]:
    return sorted({tuple(w.lower().split()) for w in words if w.strip()}, key=lambda p: (-len(p), p))


def ents_of(doc: Any) -> tuple[Any, ...]:
    """A parsed Doc's entities, computed once: ``Doc.ents`` rebuilds its spans from the
    tokens on every access, a second of a 600-article run when read per claim."""
    cached = doc.user_data.get("nk_ents")
    if cached is None:
        cached = doc.user_data["nk_ents"] = tuple(doc.ents)
    return cached


def text_of(doc: Any) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token on each access)."""
    cached = doc.user_data.get("nk_text")
    if cached is None:
        cached = doc.user_data["nk_text"] = doc.text
    return cached


@dataclass
class SentenceView:
    """What frame functions need of one sentence: tokens, entities by token, the parse."""

    doc: Any
    sent: Any
    parsed: bool
    ent_of: dict[int, Any]  # token index -> entity span
    lemma_of: Any  # callable tok -> lemma
    pos_of: Any  # callable tok -> coarse POS

    @classmethod
    def build(cls, doc: Any, sent: Any, lemma_of: Any, pos_of: Any) -> SentenceView:
        ent_of = {}
        for e in ents_of(doc):
            if sent.start <= e.start < sent.end:
                for i in range(e.start, e.end):
                    ent_of[i] = e
        return cls(doc, sent, doc.has_annotation("DEP"), ent_of, lemma_of, pos_of)


def path_up(tok: Any, limit: int = 8) -> list[Any]:
    """The token and its heads up to the root (bounded: a malformed tree cannot loop)."""
    out = [tok]
    while tok.head is not tok and len(out) < limit:
        tok = tok.head
        out.append(tok)
    return out


def _compound_phrase(tok: Any, lemma_of: Any) -> list[str]:
    """Lemma phrases a noun can be looked up by, longest first: "excess death", "death"."""
    mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod") and c.i == tok.i - 1]
    head = lemma_of(tok)
    out = []
    if mods:
        m = mods[-1]
        out.append(f"{lemma_of(m)} {head}")
        out.append(f"{m.lower_} {head}")
    out.append(head)
    out.append(tok.lower_)
    if mods:  # "unemployed people": the modifier may name the measure when the noun is people
        out.append(mods[-1].lower_)
    return out


# --- measure ----------------------------------------------------------------------------


def find_measure(fr: FrameRules, view: SentenceView, span: Any, counted: Any, kind: str,
                 people: bool, unit: str | None = None) -> tuple[str, str, Any]:
    """(measure, where it came from, the token that named it) for a figure; ("", "", None)
    if nothing names one.

    Candidates in order: the counted noun ("4,645 deaths"), the noun the figure is "of"
    or set "at"/"to" ("a toll of 1,052", "placed the death toll at 64"), the verbs it
    hangs from ("killed", "grew") and the nouns those verbs are said of ("profits rose").
    A count of people looks at the verbs first: "200 civilians were killed" counts deaths.
    A generic noun ("the number of Iraqi deaths") is looked through to its "of" object;
    the subject of a reporting verb ("the president estimated ...") is the source, never
    the measure.  A percentage "of" something is a share of it ("13.3 percent of its
    population" is not a population): its measure comes from its verb, else "share of X".
    """
    if not view.parsed:
        key, how = _measure_window(fr, view, span, kind)
        return key, how, None
    if _is_age(view, span):
        return "age", "apposition", None
    lemma_of = view.lemma_of
    nouns: list[tuple[Any, str]] = []
    verbs: list[tuple[Any, str]] = []
    if counted is not None:
        nouns.append((counted, "noun"))
        # "50,000 citizens working abroad", "230 people killed", "50,000 civilians dead"
        verbs.extend((c, "verb") for c in counted.rights
                     if c.dep_ in ("acl", "relcl", "amod") and view.pos_of(c) in ("VERB", "ADJ"))
    root = span.root
    inside = set(range(span.start, span.end))
    # "more than 120 injured", "20 dead": the word right after a figure with no noun
    nxt = view.doc[span.end] if span.end < view.sent.end else None
    if counted is None and nxt is not None and view.pos_of(nxt) in ("VERB", "ADJ"):
        verbs.insert(0, (nxt, "verb"))
    if kind == "money" and nxt is not None and nxt.lower_ == "in":
        # "owes $24bn in back taxes", "$5m in damages": what the sum is of
        nouns.extend((o, "noun") for o in nxt.children if o.dep_ == "pobj")
    path = path_up(root)
    for below, tok in zip(path, path[1:]):
        if tok.i in inside:
            continue
        if verbs and below.dep_ in _OTHER_CLAUSE:
            break  # "three million were hit by the quake, 316,000 of them lost their lives"
        pos = view.pos_of(tok)
        if pos in ("NOUN", "PROPN") and tok is not counted:
            nouns.append((tok, "of" if any(c.lower_ == "of" for c in tok.children) else "governing noun"))
            if tok.dep_ not in ("pobj", "dobj", "attr", "appos", "conj"):
                continue
        elif pos in ("VERB", "AUX", "ADJ"):
            reporting = fr.is_reporting(tok, lemma_of)
            if not reporting:
                verbs.append((tok, "verb"))
            for c in tok.children:
                if c.i in inside or c is counted:
                    continue
                if c.dep_ in ("dobj", "attr") or (c.dep_ in ("nsubj", "nsubjpass") and not reporting):
                    nouns.append((c, "clause noun"))
            if len(verbs) >= 3:
                break
    nouns = [_through_generic(fr, n, how) for n, how in nouns]
    # the word the figure hangs from directly ("worth $2bn", "a toll of 1,052") is the most
    # specific: it goes first
    direct = next((t for t in path_up(root)[1:3] if t.i not in inside and t.lower_ not in ("of", "to", "at", "by")), None)
    if direct is not None and direct.lower_ == "worth" and direct.i > root.i:
        # "$16.4 billion worth of stock" is an amount of stock, not a valuation
        verbs = [(t, h) for t, h in verbs if t is not direct]
        direct = None
    share_of = None
    if kind == "percent":
        share_of = next((n for n, how in nouns if how == "of" and n is not counted), None) or \
            (counted if counted is not None and counted.i > span.end and
             any(t.lower_ == "of" for t in view.doc[span.end:counted.i]) else None)
        nouns = [(n, how) for n, how in nouns if n is not share_of and n is not counted]
    # a count of people takes its measure from what happened to them ("200 civilians were
    # killed"), unless the counted noun names its own ("80,000 prisoners", "4,645 deaths")
    own = counted is not None and fr.measure_for(_compound_phrase(counted, lemma_of), kind) is not None
    if (people or share_of is not None) and not own:
        order = verbs + nouns
    elif kind in ("money", "rate"):
        # "bought the social media giant for $44m": a sum takes its measure from what
        # was done with it before the object it was done to; "revenue of $2bn" first
        order = [n for n in nouns if n[1] != "clause noun"] + verbs + [n for n in nouns if n[1] == "clause noun"]
    else:
        order = nouns + verbs
    if direct is not None and not own:
        for k, (tok, how) in enumerate(order):
            if tok is direct:
                order.insert(0, order.pop(k))
                break
    noun_hit: Measure | None = None
    verb_hit: Measure | None = None
    things = counted is not None and not people and not own and _norm(counted.text) not in _GENERIC \
        and view.pos_of(counted) == "NOUN"  # "dozens of offices": a count of things
    for tok, how in order:
        words = _compound_phrase(tok, lemma_of) if how != "verb" else _verb_phrase(tok, lemma_of)
        if how != "verb" and _norm(tok.text) in _GENERIC and len(words) <= 2:
            continue
        m = fr.measure_for(words, kind, verb=how == "verb")
        if m is None or (things and m.people and tok is not counted):
            continue
        if m.needs == "noun+verb":
            if how == "verb":
                verb_hit = verb_hit or m
            else:
                noun_hit = noun_hit or m
            if noun_hit is not None and noun_hit is verb_hit:
                return m.key, f"{how}:{words[-1]}", tok
            # a "noun+verb" measure needs its partner among the other candidates
            partner = _partner(fr, m, order, how, lemma_of, kind)
            if partner:
                return m.key, f"{how}:{words[-1]}+{partner}", tok
            continue
        return m.key, f"{how}:{words[-1]}", tok
    if share_of is not None:
        w = singular(lemma_of(share_of))
        return f"share of {w}", f"share:{w}", share_of
    # nothing in the rules: a physical unit says it ("5,000 barrels a day"), else the
    # counted noun itself if it names something other than people in general
    if unit and unit.split("/")[0] in fr.physical_units:
        return unit, f"unit:{unit}", None
    for tok, how in nouns:
        if how not in ("noun", "of") and not (how == "clause noun" and kind in ("percent", "change", "money")):
            continue  # "China's exports rose 7%": the noun a change is said of
        w = lemma_of(tok)
        if (_norm(tok.text) not in _GENERIC and view.pos_of(tok) == "NOUN" and w.isalpha()
                and w not in fr.subgroups and w not in fr.people):
            return singular(w), f"{how}:{w}", tok
    return "", "", None


# Edges into another clause: what is said there is said of that clause's figures.
_OTHER_CLAUSE = frozenset({"ccomp", "conj", "advcl", "parataxis", "relcl"})


def _is_age(view: SentenceView, span: Any) -> bool:
    """"Smith, 29, was fined": a bare whole number set off beside a name is an age."""
    root = span.root
    if root.dep_ != "appos" or view.pos_of(root.head) != "PROPN" or len(span) != 1:
        return False
    try:
        v = float(root.text)
    except ValueError:
        return False
    return v == int(v) and 0 < v < 120


def _through_generic(fr: FrameRules, tok: Any, how: str) -> tuple[Any, str]:
    """"the number of Iraqi deaths" -> deaths: a generic noun stands for its "of" object."""
    if _norm(tok.text) in _GENERIC:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs:
                    return objs[0], how
    return tok, how


def _partner(fr: FrameRules, m: Measure, order: list[tuple[Any, str]], how: str, lemma_of: Any,
             kind: str) -> str:
    for tok, other in order:
        if (other == "verb") == (how == "verb"):
            continue
        words = _verb_phrase(tok, lemma_of) if other == "verb" else _compound_phrase(tok, lemma_of)
        pool = m.verbs if other == "verb" else m.nouns
        if any(w in pool for w in words):
            return words[-1]
    return ""


def _verb_phrase(tok: Any, lemma_of: Any) -> list[str]:
    """A verb's lemma with its particle or adverb first ("lay off", "work abroad") or its
    prepositional phrase ("take to the streets"), then alone."""
    base = lemma_of(tok)
    out = [f"{base} {c.lower_}" for c in tok.rights if c.dep_ in ("prt", "advmod") and c.i <= tok.i + 2]
    for prep in (c for c in tok.rights if c.dep_ == "prep" and c.i <= tok.i + 2):
        for obj in (o for o in prep.children if o.dep_ == "pobj"):
            det = " ".join(d.lower_ for d in obj.lefts if d.dep_ == "det")
            out += [f"{base} {prep.lower_} {det} {obj.lower_}".replace("  ", " "), f"{base} {prep.lower_} {obj.lower_}"]
    return out + [base, tok.lower_]


def _measure_window(fr: FrameRules, view: SentenceView, span: Any, kind: str) -> tuple[str, str]:
    """No parse: measure words in a window around the figure, nearest first."""
    doc = view.doc
    lo, hi = max(view.sent.start, span.start - 6), min(view.sent.end, span.end + 6)
    near = sorted((t for t in doc[lo:hi] if not (span.start <= t.i < span.end) and t.is_alpha),
                  key=lambda t: abs(t.i - span.start))
    for t in near:
        m = fr.measure_for([view.lemma_of(t), *_variants(t.lower_)], kind)
        if m is not None and m.needs != "noun+verb":
            return m.key, f"window:{t.lower_}"
    return "", ""


def _variants(word: str) -> list[str]:
    """Base forms a word may have when no tagger ran: killed -> kill, died -> die, deaths -> death."""
    out = [word]
    for cut in (1, 2, 3):
        if len(word) - cut >= 3:
            out.append(word[:-cut])
    return out


def measure_words(fr: FrameRules, text: str, lemma_word: Any) -> list[tuple[int, str, str]]:
    """The words and phrases of a text that name a measure, as (offset, lemma, as written),
    in order: computed once per sentence, looked up per figure by :func:`measure_near`."""
    low = text.lower()
    found = [(m.start(), m.group(0), m.group(0)) for m in fr.phrase_re.finditer(low)]
    for m in re.finditer(r"[a-z]+(?:-[a-z]+)?", low):
        if m.start() > 0 and text[m.start()].isupper():
            continue  # a name or a month ("in March"), not a measure word
        w = m.group(0)
        lem = lemma_word(w)
        if lem in fr.noun_measure or lem in fr.verb_measure or w in fr.noun_measure or w in fr.verb_measure:
            found.append((m.start(), lem, w))
    found.sort()
    return found


def measure_near(fr: FrameRules, words: list[tuple[int, str, str]], kind: str, at: int | None = None,
                 reach: int | None = None) -> tuple[str, str]:
    """The measure named nearest to character ``at`` (the figure), within ``reach``
    characters: the sentence itself ("1.4 million people were out of work"), or the
    sentence before ("others say 500,000" after "how many were slain")."""
    if at is not None:
        if reach is not None:
            lo, hi = bisect_left(words, (at - reach, "")), bisect_left(words, (at + reach, ""))
            words = words[lo:hi]
        words = sorted(words, key=lambda f: abs(f[0] - at))
    for _, word, shown in words:
        m = fr.measure_for([word, shown], kind)
        if m is not None and m.needs != "noun+verb":
            return m.key, f"context:{shown}"
    return "", ""


def singular(word: str) -> str:
    """Crude plural folding for keys and lemmas (the pipeline runs without its lemmatizer):
    deaths -> death, casualties -> casualty, taxes -> tax, losses -> loss."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


# --- holder -----------------------------------------------------------------------------


def find_holder(fr: FrameRules, view: SentenceView, span: Any, counted: Any, concepts: Sequence[str],
                sentence_concepts: Sequence[str], measured: Any = None) -> tuple[EntityRef | None, str, str | None]:
    """(holder, where it came from, anaphor label) for a figure.

    Order: a concept of the rules named in the figure's own phrase ("people in political
    prison camps"); an entity tied to the counted or measured noun (possessive "Japan's
    economy", compound "the Haiti earthquake", nationality "655,000 Iraqis", "of/from/for
    X"); the subject of the verb the figure hangs from ("Vodafone has 10m customers");
    an apposition ("Smith, 29,"); "in X"; a concept named elsewhere in the sentence.
    An anaphor ("the firm", "he") is returned as a label for :func:`finish_document`.
    """
    concept = next((c for c in concepts if c in fr.holder_concepts), None)
    if concept is not None:
        return EntityRef(concept, concept, "CONCEPT"), "concept", None
    anaphor = None
    if view.parsed:
        for tok, how in _holder_candidates(fr, view, span, counted, measured):
            ent = _entity_at(fr, view, tok)
            if ent is None and how in _NAME_SLOTS and _unlabelled_name(view, tok):
                # "Ebbers, 63, faces ...", "Rosneft paid $9.35bn": a proper noun in a holder's
                # place is a name even where NER missed it (a person in apposition, else a firm)
                name = " ".join(t.text for t in tok.lefts if t.dep_ == "compound" and t.i == tok.i - 1)
                ent = fr.ref(f"{name} {tok.text}".strip(), "PERSON" if how == "apposition" else "ORG")
            if ent is not None:
                return ent, how, None
            if how in ("subject", "possessive", "counted"):
                if tok.lower_ in ("it", "its", "we", "our"):
                    # "Vodafone said it had 10m customers": the speaker speaks of itself
                    speaker = _speaker(fr, view, tok)
                    if speaker is not None:
                        return speaker, "speaker", None
                anaphor = fr.anaphora.get(tok.lower_)
                if anaphor is not None:
                    break  # "the company employs 5,000 staff in Britain": the company's
    else:
        ents = [e for e in view.ent_of.values() if e.label_ in fr.labels]
        if ents:
            near = min(ents, key=lambda e: abs(e.start - span.start))
            return fr.ref(near.text, near.label_), "window", None
    concept = next((c for c in sentence_concepts if c in fr.holder_concepts), None)
    if concept is not None:
        return EntityRef(concept, concept, "CONCEPT"), "sentence concept", None
    return None, "", anaphor


def find_evidence(fr: FrameRules, view: SentenceView, span: Any, counted: Any,
                  measured: Any = None) -> dict[str, list[Any]]:
    """Everything the sentence says about whose figure this is and what it counts, not
    one guess, for a comparison to weigh against another figure's (the record-linkage
    prototype in bench/linkage reads it; users see it in the claim record).

    ``ents``: every named entity or unlabelled proper name of the sentence as
    ``[key, role, gap]``: the role that ties it to the figure when there is one (the
    holder candidates' relations: possessive, compound, subject, apposition, 'of', 'in',
    ...), else ``sentence``, and how many tokens lie between it and the figure.
    ``words``: the lemmas that say what is counted, nearest first: the counted noun and
    its modifiers, the noun the figure is of, the verbs it hangs from.  Reporting verbs and
    what is above them are left out: they say who vouches for a figure, not what it is.
    """
    ents: dict[str, list[Any]] = {}

    def add(ent: EntityRef | None, how: str, start: int, end: int) -> None:
        if ent is not None and ent.key and ent.key not in ents:
            gap = max(0, span.start - end, start - span.end)  # tokens between the name and the figure
            ents[ent.key] = [ent.key, how.replace("'", ""), gap]

    words: list[str] = []
    if view.parsed:
        for tok, how in _holder_candidates(fr, view, span, counted, measured):
            ent = _entity_at(fr, view, tok)
            e = view.ent_of.get(tok.i)
            if ent is None and _unlabelled_name(view, tok):
                ent = fr.ref(tok.text, "ORG")
            add(ent, how, e.start if e is not None else tok.i, e.end if e is not None else tok.i + 1)
        inside = set(range(span.start, span.end))
        lemma_of = view.lemma_of
        if counted is not None:
            words.extend(lemma_of(c) for c in counted.lefts
                         if c.dep_ in ("compound", "amod", "nmod") and c.i not in inside and c.is_alpha
                         and view.pos_of(c) != "PROPN" and c.i not in view.ent_of)
            words.append(lemma_of(counted))
        if measured is not None and measured is not counted:
            words.append(lemma_of(measured))
        for tok in path_up(span.root)[1:5]:
            if tok.i in inside or not tok.is_alpha:
                continue
            pos = view.pos_of(tok)
            if pos in ("VERB", "AUX") and fr.is_reporting(tok, lemma_of):
                break
            if pos in ("NOUN", "VERB", "ADJ"):
                words.append(lemma_of(tok))
    for e in {id(e): e for e in view.ent_of.values()}.values():
        if e.label_ in fr.labels:
            add(fr.ref(e.text, e.label_), "sentence", e.start, e.end)
    return {"ents": list(ents.values()),
            "words": list(dict.fromkeys(w.lower() for w in words if w and _norm(w) not in _GENERIC))}


# Where a proper noun NER did not label may still be taken for the holder's name.
_NAME_SLOTS = frozenset({"apposition", "subject", "possessive", "counted"})


def _unlabelled_name(view: SentenceView, tok: Any) -> bool:
    """A proper noun NER left unlabelled that reads as a name: capitalised, alphabetic, not a
    sentence's first word alone (a capitalised common word), not a month or weekday (DATE)."""
    return (view.pos_of(tok) == "PROPN" and tok.text[:1].isupper() and tok.is_alpha and len(tok.text) > 2
            and tok.ent_type_ == "" and not (tok.is_sent_start and tok.tag_ != "NNP"))


def _one_of(noun: Any) -> bool:
    """"Australia's largest investor", "Britain's second-biggest bank": a superlative says
    the noun is one member of the possessor (a firm), not the possessor itself."""
    return noun.tag_ in ("NN", "NNS") and any(c.tag_ in ("JJS", "RBS") for c in noun.lefts)


def _holder_candidates(fr: FrameRules, view: SentenceView, span: Any, counted: Any,
                       measured: Any = None) -> Iterable[tuple[Any, str]]:
    """Tokens that may name the holder, best first, with the relation that links them.

    The subject of a reporting verb ("Greenpeace claims 100,000", "the New York Times
    estimated a toll of 1,052") and the owner of a report noun ("UN data", "the
    ministry's estimate") are the figure's *source*, not its holder: never candidates.
    """
    inside = set(range(span.start, span.end))
    lemma_of = view.lemma_of
    nouns = [counted] if counted is not None else []
    if measured is not None and measured is not counted and view.pos_of(measured) in ("NOUN", "PROPN"):
        nouns.append(measured)  # "estimated the number of Iraqi deaths at 30,000": whose deaths
    # "more than 4,000 in India": an elliptical figure's own place is its holder
    for c in span.root.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "for", "at") and c.i not in inside:
            for o in c.children:
                if o.dep_ == "pobj":
                    yield o, "own 'in'"
    if counted is not None:
        yield counted, "counted"
    path = [t for t in path_up(span.root)[1:] if t.i not in inside]
    clause_verb = None
    for tok in path:
        if view.pos_of(tok) in ("NOUN", "PROPN") and tok is not counted and not fr.is_report_noun(tok):
            nouns.append(tok)
        if view.pos_of(tok) in ("VERB", "AUX"):
            clause_verb = tok
            if not fr.is_reporting(tok, lemma_of):
                for c in tok.children:
                    if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside and not fr.is_report_noun(c):
                        nouns.append(c)
            break
    for n in nouns:
        for c in n.children:
            if c.dep_ == "poss" and not _one_of(n):
                yield c, "possessive"
        for c in n.lefts:
            if c.dep_ in ("compound", "amod", "nmod") and c.i not in inside:
                yield c, "compound"
        for c in n.rights:
            if c.dep_ == "prep" and c.lower_ in ("of", "from", "for", "at"):
                for o in c.children:
                    if o.dep_ == "pobj":
                        yield o, f"'{c.lower_}'"
                        for oc in o.children:
                            if oc.dep_ in ("poss", "compound"):
                                yield oc, f"'{c.lower_}'"
    subject_verb = clause_verb
    while (subject_verb is not None and subject_verb.dep_ == "xcomp"
           and not any(c.dep_ in ("nsubj", "nsubjpass") for c in subject_verb.children)):
        subject_verb = subject_verb.head  # "The Bank aims to cut inflation to 2%": the Bank's
    if subject_verb is not None and not fr.is_reporting(subject_verb, lemma_of):
        for c in subject_verb.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside and not fr.is_report_noun(c):
                yield c, "subject"
                for cc in c.children:
                    if cc.dep_ in ("poss", "compound") and not _one_of(c):
                        yield cc, "subject"
    if span.root.dep_ == "appos":
        yield span.root.head, "apposition"
    for n in nouns + ([clause_verb] if clause_verb is not None else []):
        for c in n.rights:
            if c.dep_ == "prep" and c.lower_ in ("in", "at", "on", "during"):
                for o in c.children:
                    if o.dep_ == "pobj":
                        yield o, "'in'"
                        for oc in o.children:
                            if oc.dep_ in ("poss", "compound"):
                                yield oc, "'in'"


def _speaker(fr: FrameRules, view: SentenceView, tok: Any) -> EntityRef | None:
    """The named subject of the reporting verb above ``tok``, if any."""
    for up in path_up(tok)[1:]:
        if view.pos_of(up) in ("VERB", "AUX") and fr.is_reporting(up, view.lemma_of):
            for c in up.children:
                if c.dep_ == "nsubj":
                    return _entity_at(fr, view, c)
            return None
    return None


def _entity_at(fr: FrameRules, view: SentenceView, tok: Any) -> EntityRef | None:
    ent = view.ent_of.get(tok.i)
    if ent is not None and ent.label_ in fr.labels:
        return fr.ref(ent.text, ent.label_)
    if tok.ent_type_ == "" and tok.lower_ in fr.demonyms:
        return fr.ref(tok.text, "NORP")
    return None


# --- modality ---------------------------------------------------------------------------


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
