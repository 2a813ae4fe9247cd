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
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from .claims import Claim, ClaimBuilder
from .io import Document
from .nlp import Pipeline
from .quantities import regex_alternation
from .rules import Rules

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
    pub: tuple[int, str] | None
    prev: str  # the sentence before the chunk, for "these camps ..."


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


def publication(text: str, rules: Rules) -> tuple[int, str] | None:
    """The document's publication year, from a cue ("Published on ...") or a date-only line."""
    rx = _publication_regex(rules)
    for chunk in (text[:4000], text[-4000:]):
        m = rx.search(chunk)
        if m:
            year = next(int(v) for k, v in m.groupdict().items() if v and k[0] in "ay" and len(k) == 2)
            return year, " ".join(m.group(0).split()).lstrip("#*|> ")
    return None


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
        text = doc.text
        pub = publication(text, self.pipe.rules)
        pieces = [Chunk(text[s:e], s, doc.source, pub, last_sentence(text, s) if s else "")
                  for s, e in chunks(text)]
        return [c for claims in self.extract_chunks(pieces) for c in claims]

    def extract_chunks(self, pieces: Sequence[Chunk]) -> list[list[Claim]]:
        """Claims of each chunk, with one ``nlp.pipe`` stream over the sentences that need it.

        One stream (not one per chunk) keeps spaCy's batches full, and one memory zone
        keeps the tokenizer cache warm across the chunks while still freeing it after.
        """
        jobs = [(k, seg) for k, piece in enumerate(pieces)
                for seg in self.candidate_sentences(piece.text, piece.prev)]
        out: list[list[Claim]] = [[] for _ in pieces]
        nlp = self.pipe.nlp
        finder = self.builder.finder
        with _memory_zone(nlp):
            # stage 1: tokenizer + figure rules; stage 2 parses only what holds a claim
            kept = []
            for k, seg in jobs:
                doc = nlp.make_doc(pieces[k].text[seg.start:seg.end].translate(SPACES))
                found = self.builder.find(doc, seg.at_line_start)
                figures, years = found
                if figures or (years and any(t.lower_ in finder.fact_words for t in doc)):
                    kept.append((k, seg, doc, found))
            docs = nlp.pipe((d for _, _, d, _ in kept), batch_size=self.batch_size)
            for (k, seg, _, found), sdoc in zip(kept, docs):
                p = pieces[k]
                out[k].extend(self.builder.build(sdoc, p.base + seg.start, p.source, p.pub,
                                                 p.text[seg.start:seg.end], seg.at_line_start,
                                                 seg.prev_text, found))
        return out


def _memory_zone(nlp: Any) -> Any:
    """spaCy's memory_zone frees per-Doc vocabulary growth (flat memory on long runs)."""
    from contextlib import nullcontext

    zone = getattr(nlp, "memory_zone", None)
    return zone() if zone is not None else nullcontext()
