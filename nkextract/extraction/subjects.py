"""A figure's subject: the phrase it counts, its head noun and unit, the places and concepts
in it, and its key for comparison.  Reads the dependency parse when the pipeline has one,
else a window of words (``--model blank``).
"""

from __future__ import annotations

import re
from typing import Any

from nkextract.extraction.claims import Claim
from nkextract.extraction.frames import singular
from nkextract.extraction.lexicon import Lexicon
from nkextract.extraction.sentence import DETERMINERS, SentInfo, lemma_of, pos_of


def of_object(span: Any, inside: set[int]) -> Any:
    """"85 percent of North Korean refugees" -> refugees."""
    for tok in span:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of" and c.i not in inside:
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return None


def np_tokens(head: Any, exclude: set[int]) -> list[Any]:
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
        while sub and (sub[-1].is_stop or sub[-1].is_punct) and pos_of(sub[-1]) != "PROPN":
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
        if pos_of(tok) in ("VERB", "AUX") and tok.i not in inside:
            return tok
        if tok.head is tok:
            return None
        if tok.i not in inside and pos_of(tok) in ("NOUN", "PROPN") and tok.dep_ not in ("pobj",):
            return None
        tok = tok.head
    return None


def phrase_text(doc: Any, toks: list[Any], figure: Any) -> str:
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
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return " ".join(words)


def is_anaphoric(subject: str, sent_text: str) -> bool:
    s = sent_text.lower()
    return bool(re.search(r"\b(these|such|those)\s+\w+", s)) or not subject


def _clean_place(text: str) -> str:
    """"South Korea’s" -> "South Korea", "the Middle East" -> "Middle East"."""
    t = re.sub(r"[’']s$", "", " ".join(text.split()))
    return re.sub(r"^the\s+", "", t, flags=re.I)


class SubjectReader:
    """What a figure counts: its subject phrase, head noun, unit, places and concepts (the parse
    when there is one, else a word window).  Mixed into :class:`ClaimBuilder`, whose rules it reads."""

    # set by ClaimBuilder.__init__ (the rules this reader reads)
    anaphora: frozenset[str]
    concept_of: dict[str, str]
    concept_re: re.Pattern[str] | None
    lex: Lexicon
    people: frozenset[str]
    unit_words: frozenset[str]

    def _subject_parsed(self, doc: Any, span: Any, kind: str) -> tuple[Any, list[Any]]:
        """Head noun of what is counted and the tokens of its restricting phrase."""
        inside = set(range(span.start, span.end))
        head = None
        if kind == "percent" or span[-1].lower_ in self.lex.vague:
            head = of_object(span, inside)  # "85 percent of X", "hundreds of thousands of X"
        if head is None:
            for tok in span:
                h = tok.head
                if h.i not in inside and tok.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod",
                                                        "npadvmod", "appos", "det") \
                        and pos_of(h) in ("NOUN", "PROPN") and (h.i > span.start or tok.dep_ == "appos") \
                        and h.lower_ not in self.unit_words:
                    head = h
                    break
        if head is None and kind in ("count", "rate"):
            # "13 North Korean restaurant workers": tagger attached numbers elsewhere
            for tok in doc[span.end:span.end + 5]:
                if pos_of(tok) in ("NOUN", "PROPN") and tok.dep_ not in ("pobj",):
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
                    if lemma_of(verb) == "be" or lemma_of(s) in self.anaphora:
                        return s, np_tokens(s, inside)
                    return s, np_tokens(s, inside) + [verb]
            return None, []
        return head, np_tokens(head, inside)

    def _subject_window(self, doc: Any, span: Any, kind: str) -> tuple[Any, list[Any]]:
        """Without a parse: the content words right after the figure ("... people in camps")."""
        toks = []
        i = span.end
        if kind == "percent" and i < len(doc) and doc[i].lower_ == "of":
            i += 1
            while i < len(doc) and doc[i].lower_ in DETERMINERS:
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
        lemma = lemma_of(head)
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
        # the phrase first in the rules' order (longest first) wherever it stands, as a scan of
        # every phrase would find it; looked up by each word (20,000 figures: 0.3 s less)
        found = [self.lex.period_rank[p] for i in range(len(words)) for p, _ in self.lex.period_ix.starting(words, i)]
        return min(found)[1] if found else None

    def _places(self, phrase_toks: list[Any], span: Any, si: SentInfo, head: Any) -> list[str]:
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
            words.append(singular(lemma_of(t)))
        if not words:
            words = [singular(w) for w in re.findall(r"[a-z]+", subject.lower())]
        key = []
        for w in [*concepts, *words]:
            if w not in key:
                key.append(w)
        return " ".join(key)
