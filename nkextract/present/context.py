"""A claim back in its document: the sentences around it, its line and page.

What a reader does with a figure they doubt is read it where it was written; ``nkextract
show ID`` prints this.  The document is read again (the same reader as extraction, so
the offsets are those of ``nkextract text FILE``) and checked: a file that changed since
its claims were written is said to have changed, never silently misquoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from nkextract.extraction.claims import Claim
from nkextract.extraction.pipeline import sentences
from nkextract.read.files import Document, read_document

# Text read either side of a claim for its neighbouring sentences.
WINDOW = 4000


@dataclass(frozen=True)
class InContext:
    claim: Claim
    before: str  # the sentence before (on the same or an earlier line), "" at the start
    sentence: str  # the claim's sentence as the document has it now
    at: int  # where the figure starts in ``sentence``
    after: str
    line: int | None  # 1-based line of the figure in the extracted text
    page: int | None
    problem: str = ""  # why the document could not be used ("" when it was)


def find_claims(claims: Sequence[Claim], prefix: str) -> list[Claim]:
    """Claims whose id starts with ``prefix`` (ids are hashes: a few characters suffice),
    each once (a merged claim is found under every mention's id)."""
    p = prefix.strip().lower()
    return [c for c in claims if c.id.lower().startswith(p)] if p else []


def in_context(claim: Claim, doc: Document | None = None) -> InContext:
    """``claim`` with the sentences around it, from ``doc`` or its source file read again."""
    if doc is None:
        got = read_document(Path(claim.source))
        if not isinstance(got, Document):
            return _alone(claim, f"cannot read {claim.source} now: {got.message}")
        doc = got
    text = doc.text
    if text[claim.start:claim.end] != claim.text:
        return _alone(claim, f"{claim.source} has changed since the claim was read")
    lo = text.rfind("\n", 0, max(0, claim.start - WINDOW)) + 1
    hi = text.find("\n", claim.end + WINDOW)
    hi = len(text) if hi < 0 else hi
    spans = [(lo + s, lo + e) for s, e, _ in sentences(text[lo:hi])]
    k = next((i for i, (s, e) in enumerate(spans) if s <= claim.start < e), None)
    if k is None:
        return _alone(claim, "")
    s, e = spans[k]
    before = text[slice(*spans[k - 1])] if k > 0 else ""
    after = text[slice(*spans[k + 1])] if k + 1 < len(spans) else ""
    return InContext(claim, before, text[s:e], claim.start - s, after, text.count("\n", 0, claim.start) + 1,
                     claim.page if claim.page is not None else doc.page_of(claim.start))


def _alone(claim: Claim, problem: str) -> InContext:
    """The claim with only what its record holds (its sentence), and why."""
    at = claim.sentence.find(claim.text)
    return InContext(claim, "", claim.sentence, max(at, 0), "", None, claim.page, problem)
