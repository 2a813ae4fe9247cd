"""From a decoded document to its claims: segmenting, the cheap candidate pass, nlp.pipe.

Two stages keep the statistical pipeline off text that cannot hold a figure:
1. cheap: split the file into lines (long lines into bounded chunks), then sentences
   with a rule-based splitter, and keep only sentences in which a regex built from
   the number lexicon finds a digit or a number word;
2. statistical: only those sentences go through ``nlp.pipe`` (tagger, parser,
   lemmatizer, entity rules), and claims are built from them with global offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterator, Sequence

from nkextract.extraction.builder import ClaimBuilder
from nkextract.extraction.claims import Claim, claim_id
from nkextract.extraction.document import document_context, finish_document
from nkextract.extraction.frames import ents_of, text_of
from nkextract.extraction.lexicon import regex_alternation
from nkextract.extraction.nlp import Pipeline
from nkextract.extraction.periods import Period, parse_date, year_period
from nkextract.read.files import Document, page_at
from nkextract.rules import Rules

# A segment longer than this is cut at whitespace: spaCy's max_length is never raised,
# and memory per Doc stays bounded whatever the file size.
MAX_SEGMENT = 20_000
_SENT_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9])")
# A period after these does not end a sentence ("U.S. Department", "Mr. Pak").
_ABBREV_RE = re.compile(
    r"(?:\b(?:[A-Za-z]\.){1,4}|\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|vs|etc|Inc|Ltd|Co|Corp|Jr|Sr|Gen|Gov|"
    r"Sen|Rep|Rev|Lt|Col|Capt|Sgt|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|est|fig|p|pp)\.)$"
)


@dataclass(frozen=True)
class Chunk:
    """A piece of a file handed to a worker: its text starts at ``base`` in the file."""

    text: str
    base: int
    source: str
    pub: Period | None  # the document's date
    prev: str  # the sentence before the chunk, for "these camps ..."
    head: str = ""  # the document's first lines (title, lede): its main entities
    original: str = ""  # the file's own text when ``text`` is a localized copy (language.localize)
    lang: str = "en"
    pages: tuple[int, ...] = ()  # a PDF's page starts in the document (Document.pages)


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    at_line_start: bool
    prev_text: str


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Non-blank lines as (start, end), whitespace-trimmed, long ones cut in chunks."""
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        while e - s > MAX_SEGMENT:
            cut = text.rfind(" ", s, s + MAX_SEGMENT)
            cut = cut if cut > s else s + MAX_SEGMENT
            yield s, cut
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            yield s, e
        pos = end + 1


def sentences(text: str) -> Iterator[tuple[int, int, bool]]:
    """Rule-based sentence spans ``(start, end, at_line_start)`` over the whole text."""
    for s, e in _lines(text):
        first = True
        cur = s
        for m in _SENT_END_RE.finditer(text, s, e):
            if _ABBREV_RE.search(text, max(s, m.start() - 12), m.start()):
                continue
            for a, b in _cut_long_runs(text, cur, m.start()):
                yield a, b, first
                first = False
            cur = m.end()
        if cur < e:
            for a, b in _cut_long_runs(text, cur, e):
                yield a, b, first
                first = False


# A run of this many characters without a space is not prose ("((((...", "1,1,1,...");
# spaCy strips affixes from such a token one at a time, rescanning the rest each time,
# so the run is cut: its two ends stay with their neighbours (a figure at its edge is
# still read), the middle becomes pieces of its own.
LONG_RUN = 200
_LONG_RUN_RE = re.compile(rf"\S{{{LONG_RUN},}}")


def _cut_long_runs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cur = start
    keep = LONG_RUN // 2
    for m in _LONG_RUN_RE.finditer(text, start, end):
        a, b = m.start(), m.end()
        yield cur, a + keep
        for x in range(a + keep, b - keep, LONG_RUN):
            yield x, min(x + LONG_RUN, b - keep)
        cur = b - keep
    if cur < end:
        yield cur, end


def candidate_regex(number_words: frozenset[str], context: str = "") -> re.Pattern[str]:
    """Stage 1's first sieve: a digit or a number word somewhere in the sentence, or a
    ``context`` pattern (words that count only in context: "the fourth straight year")."""
    extra = f"|{context}" if context else ""
    return re.compile(r"\d|\b(?:" + regex_alternation(number_words) + r")\b" + extra, re.I)


_PUB_CACHE: dict[str, re.Pattern[str]] = {}  # by rules digest


def _publication_regex(rules: Rules) -> re.Pattern[str]:
    key = rules.digest
    if key not in _PUB_CACHE:
        months = "|".join(sorted(rules.context["not_claims"]["months"], key=len, reverse=True))
        cues = "|".join(re.escape(c) for c in sorted(rules.context["publication"]["cues"], key=len, reverse=True))
        date = (rf"(?:(?:{months})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
                rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{months})\.?,?\s+(?P<y2>\d{{4}})"
                rf"|(?:{months})\.?,?\s+(?P<y3>\d{{4}})"
                rf"|(?P<y4>\d{{4}})-\d{{2}}-\d{{2}})")
        _PUB_CACHE[key] = re.compile(
            rf"(?:\b(?:{cues})\b[^\n\d]{{0,25}}?\s*(?P<d1>{date.replace('?P<y', '?P<a')})"
            rf"|^[ \t#*|>-]*(?P<d2>{date})[ \t*]*$)",
            re.I | re.M,
        )
    return _PUB_CACHE[key]


def publication(text: str, rules: Rules) -> Period | None:
    """The document's date, from a cue ("Published on ...", "date: 2017-12-24") or a
    date-only line at its top or bottom; a day when the line gives one, else its year."""
    rx = _publication_regex(rules)
    for chunk in (text[:4000], text[-4000:]):
        m = rx.search(chunk)
        if m:
            year = next(int(v) for k, v in m.groupdict().items() if v and k[0] in "ay" and len(k) == 2)
            shown = " ".join(m.group(0).split()).lstrip("#*|> ")
            day = parse_date(m.group("d1") or m.group("d2") or "")
            if day is not None and day.year == year:
                return Period(day, day, "day", shown, "document")
            return year_period(year, shown, "document")
    return None


# A segment longer than this (characters) is not prose: parsed without NER (Extractor._parse).
LONG_SEGMENT = 3000


# Words that may sit inside a name ("Department of State", "Bank of England").
_NAME_GLUE = frozenset({"of", "for", "and", "the", "de", "la", "'s", "’s", "-", "&"})


def name_windows(doc: Any) -> list[tuple[int, int]]:
    """Character spans of a parsed sentence where NER may find a name: each run of proper
    nouns and capitalised words (glue words inside), one token of context either side."""
    spans: list[tuple[int, int]] = []
    n = len(doc)
    i = 0
    while i < n:
        t = doc[i]
        capital = t.tag_ in ("NNP", "NNPS") or (t.is_alpha and t.text[:1].isupper() and i > 0)
        if not capital:
            i += 1
            continue
        j = i + 1
        while j < n and (doc[j].tag_ in ("NNP", "NNPS") or (doc[j].is_alpha and doc[j].text[:1].isupper())
                         or (doc[j].lower_ in _NAME_GLUE and j + 1 < n and doc[j + 1].text[:1].isupper())):
            j += 1
        a, b = max(0, i - 1), min(n, j + 1)
        start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        i = j
    return spans


def add_entities(doc: Any, small: Any, windows: list[tuple[int, int]]) -> None:
    """Map the entities NER found in ``small`` (the windows joined by " ; ") onto ``doc``;
    an entity the rules already found there (or overlapping one) keeps the rules' label."""
    starts, pos = [], 0
    for a, b in windows:
        starts.append((pos, a))
        pos += (b - a) + 3
    taken = {t for e in doc.ents for t in range(e.start, e.end)}
    new = []
    for e in small.ents:
        k = max(idx for idx, (p, _) in enumerate(starts) if p <= e.start_char)
        p, a = starts[k]
        span = doc.char_span(a + e.start_char - p, a + e.end_char - p, label=e.label_, alignment_mode="contract")
        if span is not None and len(span) and not any(t in taken for t in range(span.start, span.end)):
            new.append(span)
            taken.update(range(span.start, span.end))
    if new:
        doc.ents = sorted([*doc.ents, *new], key=lambda s: s.start)

# The document's first characters: its title and lede, where its main subject is named.
HEAD_CHARS = 400


def head_text(text: str) -> str:
    """The title and first paragraph(s), cut at a line end near ``HEAD_CHARS``."""
    if len(text) <= HEAD_CHARS:
        return text
    cut = text.rfind("\n", 0, HEAD_CHARS)
    return text[:cut if cut > HEAD_CHARS // 3 else HEAD_CHARS]


# What stands before a name on its line when the name is the writer's, not the story's:
# "By Jennifer Sieg", "date 2019-12-01 John Smith", "(CNN)", "LONDON (Reuters)",
# "Posted May 31, 2011 by ...", "Photo: ...".
_BYLINE = re.compile(r"(?:^|\n)[ \t]*(?:(?:written\s+|reported\s+|words\s+)?by|photo(?:graph)?s?(?:\s+by)?|credit|"
                     r"(?-i:[A-Z][A-Z ,.]*)?\(|date\b[^\n]*|posted\b[^\n]*|updated\b[^\n]*|\d{4}-\d\d-\d\d)"
                     r"[ \t]*[:|,\-\u2013]?[ \t]*$", re.I)


def byline(text: str, start: int) -> bool:
    """Is the name at ``start`` a byline or a credit (the writer, not the subject)?"""
    return bool(_BYLINE.search(text, max(0, text.rfind("\n", 0, start)), start)) if start else False


# Unicode spaces (NBSP, thin space, ...) become plain spaces before spaCy sees the text:
# one character for one, so offsets stay those of the file.
SPACES = {ord(c): " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
          "\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"}


# Files are processed in chunks of about this many characters, cut at line ends: the
# unit of work for a worker process, and what bounds memory on a 50 MB file.  The cut
# never splits a sentence (sentences never cross a line end), so results are the same
# whatever the number of workers.
CHUNK_CHARS = 1_000_000


def chunks(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """Cut ``text`` into ``[start, end)`` pieces of about ``size`` characters at line ends."""
    size = size or CHUNK_CHARS
    out = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            nl = text.rfind("\n", start, end)
            end = nl + 1 if nl > start else end
        out.append((start, end))
        start = end
    return out


def last_sentence(text: str, end: int) -> str:
    """The sentence just before ``end`` (what "these camps" at a chunk start points back to)."""
    start = max(0, end - 2000)
    last = ""
    for s, e, _ in sentences(text[start:end]):
        last = text[start + s:start + e]
    return last


class Extractor:
    """Per-process state: the loaded pipeline and the claim builder."""

    def __init__(self, pipe: Pipeline, batch_size: int = 256) -> None:
        self.pipe = pipe
        self.builder = ClaimBuilder(pipe.rules, pipe.lex)
        self.candidate = candidate_regex(pipe.lex.candidate_words(), pipe.lex.candidate_context())
        self.batch_size = batch_size

    def candidate_sentences(self, text: str, prev: str = "") -> list[Segment]:
        """Sentences that may hold a figure (a digit or a number word), with the one before."""
        out = []
        for s, e, first in sentences(text):
            if self.candidate.search(text, s, e):
                out.append(Segment(s, e, first, prev))
            prev = text[s:e] if e - s < 2000 else ""
        return out

    def extract(self, doc: Document) -> list[Claim]:
        """All claims of one document, in text order."""
        pieces = make_chunks(doc, self.pipe.rules)
        return [c for claims in self.extract_chunks(pieces) for c in claims]

    def extract_chunks(self, pieces: Sequence[Chunk]) -> list[list[Claim]]:
        """Claims of each chunk, with one ``nlp.pipe`` stream over the sentences that need it.

        One stream (not one per chunk) keeps spaCy's batches full, and one memory zone
        keeps the tokenizer cache warm across the chunks while still freeing it after.
        """
        jobs = [(k, seg) for k, piece in enumerate(pieces)
                for seg in self.candidate_sentences(piece.text, piece.prev)]
        out: list[list[Claim]] = [[] for _ in pieces]
        body: list[list[tuple[str, str, float]]] = [[] for _ in pieces]
        nlp = self.pipe.nlp
        finder = self.builder.finder
        with _memory_zone(nlp), self.pipe.one_blas_thread():
            # stage 1: tokenizer + figure rules; stage 2 parses only what holds a claim
            kept = []
            for k, seg in jobs:
                doc = _make_doc(nlp, pieces[k].text[seg.start:seg.end].translate(SPACES))
                found = self.builder.find(doc, seg.at_line_start)
                figures, years = found
                if figures or (years and any(t.lower_ in finder.fact_words for t in doc)):
                    kept.append((k, seg, doc, found))
            # a document's first lines name its subject; the part of them that holds a
            # figure is parsed (with NER) anyway, so NER alone reads only what is before
            first_kept = {}
            for k, seg, _, _ in kept:
                first_kept.setdefault(k, pieces[k].base + seg.start)
            heads = self._head_entities([(p.head or p.text[:HEAD_CHARS])[:first_kept.get(k, HEAD_CHARS)]
                                         for k, p in enumerate(pieces)])
            docs = self._parse([d for _, _, d, _ in kept])
            for (k, seg, _, found), sdoc in zip(kept, docs):
                p = pieces[k]
                lede = 2.0 if p.base + seg.start < HEAD_CHARS else 1.0
                text = text_of(sdoc)
                body[k].extend((e.text, e.label_, lede) for e in ents_of(sdoc) if not byline(text, e.start_char))
                built = self.builder.build(sdoc, p.base + seg.start, p.source, p.pub,
                                           (p.original or p.text)[seg.start:seg.end], seg.at_line_start,
                                           seg.prev_text, found)
                if p.lang != "en":
                    built = [_foreign(c, p) for c in built]
                if p.pages:
                    for c in built:
                        c.page = page_at(p.pages, c.start)
                out[k].extend(built)
        for k in range(len(pieces)):
            if pieces[k].lang != "en":
                continue  # no English parse to say what another language's document is about
            ctx = document_context(self.builder.frames, heads[k], body[k], {c.attribution or "" for c in out[k]})
            finish_document(out[k], ctx)
        return out

    def _parse(self, docs: list[Any]) -> list[Any]:
        """Parse the kept sentences (tagger, parser, entity rules), then let NER read the
        names the tagger found.

        NER costs more than the tagger and parser together (en_core_web_sm), and a
        figure's holder is always a name: so NER reads, per sentence, only its runs of
        proper nouns and capitalised words with a word of context either side ("the U.S.
        Department of State estimates"), a fifth of the sentence's tokens; the labels it
        gives are mapped back onto the sentence, where the rules' entities win any
        overlap.  A "sentence" longer than LONG_SEGMENT (a flattened table, a run of
        numbers) gets no NER: it has no clause, so no holder to find."""
        nlp = self.pipe.nlp
        if "ner" not in nlp.pipe_names:
            return list(nlp.pipe(docs, batch_size=self.batch_size))
        with nlp.select_pipes(disable=["ner"]):
            parsed = list(nlp.pipe(docs, batch_size=self.batch_size))
        jobs = [(i, name_windows(d)) for i, d in enumerate(parsed) if len(d.text) <= LONG_SEGMENT]
        jobs = [(i, w) for i, w in jobs if w]
        ner = nlp.get_pipe("ner")
        texts = [" ; ".join(parsed[i].text[a:b] for a, b in w) for i, w in jobs]
        for (i, windows), small in zip(jobs, ner.pipe((nlp.make_doc(t) for t in texts), batch_size=self.batch_size)):
            add_entities(parsed[i], small, windows)
        return parsed

    def _head_entities(self, heads: list[str]) -> list[list[tuple[str, str, float]]]:
        """Entities of each document's first lines, with NER alone (no tagger or parser):
        the title's count three times, the lede's twice."""
        nlp = self.pipe.nlp
        out = []
        with nlp.select_pipes(enable=[n for n in ("nk_entities",) if n in nlp.pipe_names]):
            docs = list(nlp.pipe((h.translate(SPACES) for h in heads), batch_size=64))
        if "ner" in nlp.pipe_names:  # NER reads only the capitalised runs, as in _parse
            ner = nlp.get_pipe("ner")
            jobs = [(d, w) for d in docs if (w := name_windows(d))]
            small = ner.pipe((nlp.make_doc(" ; ".join(d.text[a:b] for a, b in w)) for d, w in jobs), batch_size=64)
            for (d, w), s in zip(jobs, small):
                add_entities(d, s, w)
        for text, d in zip(heads, docs):
            title_end = text.find("\n", text.find(text.strip()[:1]) if text.strip() else 0)
            title_end = len(text) if title_end < 0 else title_end
            out.append([(e.text, e.label_, 3.0 if e.start_char < title_end else 2.0) for e in d.ents
                        if not byline(text_of(d), e.start_char)])
        return out


def _make_doc(nlp: Any, text: str) -> Any:
    """``nlp.make_doc(text)``, remembering ``text``: spaCy's ``Doc.text`` joins every token
    on each access, and the stages after this read it several times per sentence."""
    doc = nlp.make_doc(text)
    doc.user_data["nk_text"] = text
    return doc


def _foreign(c: Claim, p: Chunk) -> Claim:
    """A claim of a document in another language: its number is read (in English
    conventions, from the localized copy), but nothing the English parser said of its
    words holds, so it has no subject, holder, measure or scope, and a count has no unit.
    Its text runs to the end of the original word a padded scale word stood for
    ("3,5 Millionen", not "3,5 Million")."""
    original = p.original or p.text
    end = c.end
    while end - p.base < len(original) and original[end - p.base].isalnum() and p.text[end - p.base] == " ":
        end += 1
    text = original[c.start - p.base:end - p.base]
    return replace(c, id=claim_id(c.source, c.start, end, text), end=end, text=text, lang=p.lang,
                   unit=None if c.kind == "count" else c.unit, subject="", subject_key="", head="",
                   concepts=[], holder=None, measure="", scope=[], evidence={}, frame={},
                   mentions=[])


def make_chunks(doc: Document, rules: Rules, pub: Period | None = None, original: str | None = None,
                lang: str = "en") -> list[Chunk]:
    """A document as chunk tasks, each knowing the document's date and first lines.

    The date is ``pub`` (``--dates``) if given, else the file's own metadata (a page's,
    a PDF's or a Word file's), else a date line in the text.  ``original``: the file's
    text, when ``doc.text`` is a localized copy of it."""
    text = doc.text
    pub = pub or document_date(doc) or publication(text, rules)
    head = head_text(text)
    return [Chunk(text[s:e], s, doc.source, pub, last_sentence(text, s) if s else "", head,
                  original[s:e] if original is not None else "", lang, doc.pages)
            for s, e in chunks(text)]


def document_date(doc: Document) -> Period | None:
    """The day the file's metadata gives, as the document's period."""
    if doc.date is None:
        return None
    return Period(doc.date, doc.date, "day", f"{doc.date.isoformat()} ({doc.encoding} metadata)", "document")


def _memory_zone(nlp: Any) -> Any:
    """spaCy's memory_zone frees per-Doc vocabulary growth (flat memory on long runs)."""
    from contextlib import nullcontext

    zone = getattr(nlp, "memory_zone", None)
    return zone() if zone is not None else nullcontext()
