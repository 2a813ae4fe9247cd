"""Claims: a figure with its story (subject, time, source) and exact provenance.

:func:`build_claims` turns one processed spaCy Doc (a segment of a file) into
:class:`Claim` records.  It uses the dependency parse when the pipeline has one, and
falls back to word-window heuristics on ``--model blank`` (every figure is still found;
subjects are poorer).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, fields
from typing import Any


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
    # (holder.find_evidence): {"ents": [[key, role, gap], ...], "words": [lemma, ...]}
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


# A "sentence" longer than this is not prose (a table flattened into one line, a list of
# 20,000 numbers): each claim keeps a window around itself instead of the whole run, so
# memory per claim stays bounded.
MAX_SENTENCE = 1000
