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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from nkextract.rules import Measure, Rules

MODALITIES = ("actual", "estimate", "forecast", "target", "hypothetical")


# Nouns that name a figure without saying what it measures: look further for the measure.
GENERIC = frozenset("""people person persons number figure total count tally amount estimate
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
            k = norm(key)
            self.alias[k] = k
            for n in names:
                self.alias.setdefault(norm(n), k)
        self.demonyms = {norm(k): norm(v) for k, v in h.get("demonyms", {}).items()}
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
        k = norm(name)
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
        if label == "NORP" and norm(name) != key:
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


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """A name's comparable form; cached: the same names are normalized for every figure
    of a sentence and every candidate of a frame (48,000 calls on 3,000 claims)."""
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
    """The token and its heads up to the root (bounded: a malformed tree cannot loop).

    The root is its own head, but spaCy makes a new Token object on every access, so the
    test is by index (``is`` never held: the root was repeated up to ``limit``)."""
    out = [tok]
    while tok.head.i != tok.i and len(out) < limit:
        tok = tok.head
        out.append(tok)
    return out


def compound_phrase(tok: Any, lemma_of: Any) -> list[str]:
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
