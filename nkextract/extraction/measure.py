"""A figure's measure: what is counted or measured ("death toll", "revenue", "customers"),
from its counted noun, the verb it hangs from, a share's whole, or the measure words near it,
normalized by ``rules/measures.toml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from nkextract.extraction.frames import GENERIC, FrameRules, SentenceView, compound_phrase, norm, path_up, singular
from nkextract.rules import Measure


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
    own = counted is not None and fr.measure_for(compound_phrase(counted, lemma_of), kind) is not None
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
    things = counted is not None and not people and not own and norm(counted.text) not in GENERIC \
        and view.pos_of(counted) == "NOUN"  # "dozens of offices": a count of things
    for tok, how in order:
        words = compound_phrase(tok, lemma_of) if how != "verb" else _verb_phrase(tok, lemma_of)
        if how != "verb" and norm(tok.text) in GENERIC and len(words) <= 2:
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
        if (norm(tok.text) not in GENERIC and view.pos_of(tok) == "NOUN" and w.isalpha()
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
    if norm(tok.text) in GENERIC:
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
        words = _verb_phrase(tok, lemma_of) if other == "verb" else compound_phrase(tok, lemma_of)
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
