"""A figure's holder (whose quantity it is: a country, firm, person, event or concept) and
the evidence the sentence gives about its identity: every entity with the role that ties
it to the figure.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from nkextract.extraction.frames import GENERIC, EntityRef, FrameRules, SentenceView, norm, path_up


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
            "words": list(dict.fromkeys(w.lower() for w in words if w and norm(w) not in GENERIC))}


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
