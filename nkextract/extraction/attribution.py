"""Who says so: per figure when a sentence has two ("a million according to Rwandan figures,
800,000 according to the UN"), else the sentence's speaker or report.
"""

from __future__ import annotations

from typing import Any

from nkextract.extraction.frames import ents_of, path_up
from nkextract.extraction.lexicon import Lexicon
from nkextract.extraction.sentence import DETERMINERS, SentInfo, figure_between, lemma_in, pos_of


def _clean_source(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    out = " ".join(words).strip(" ,;:'\"“”")  # keep the dot of "U.N."
    if out.endswith("'s"):
        out = out[:-2]
    return out


class AttributionReader:
    """Who says so: the source of each figure, or of its sentence.  Mixed into
    :class:`ClaimBuilder`, whose rules it reads."""

    # set by ClaimBuilder.__init__ (the rules this reader reads)
    att_verbs: frozenset[str]
    lex: Lexicon
    report_nouns: frozenset[str]

    def _attribution_for(self, doc: Any, span: Any, si: SentInfo, parsed: bool) -> str | None:
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
            if figure_between(si.figures, fe, at) if at >= fe else figure_between(si.figures, at, fs):
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
            if pos_of(tok) == "NOUN" and tok.lower_ in self.report_nouns:
                # "the State Council's official count of around 300", "a student union estimate of 4,000"
                owners = [c for c in tok.children if c.dep_ in ("poss", "compound") and c.i < tok.i]
                if owners:
                    return self._source_phrase(doc, owners[0])
            if pos_of(tok) == "VERB" and lemma_in(tok, self.att_verbs) and tok.lower_ != "according":
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
            if pos_of(tok) == "VERB" and lemma_in(tok, self.att_verbs):
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
            if any(lemma_in(t, self.att_verbs) for t in nxt if t.is_alpha):
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
