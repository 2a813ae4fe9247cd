"""A hand-built claim, as the extractor would build it: shared by the dedupe and conflict tests."""

from __future__ import annotations

from itertools import count

from nkextract.extraction.claims import Claim, claim_id

_SEQ = count()
CAMP = "political prison camp"


def make_claim(low: float | None, high: float | None = ..., *, source: str = "a.txt",
               subject: str = "prisoners in political prison camps",
               key: str = "political prison camp prisoner", head: str = "prisoner",
               sentence: str | None = None, text: str | None = None, unit: str | None = "people",
               kind: str = "count", qualifier: str | None = None, time: int | None = None,
               time_source: str | None = None, attribution: str | None = None,
               places: tuple[str, ...] = (), concepts: tuple[str, ...] = (CAMP,),
               start: int | None = None, holder: str | None = CAMP, holder_how: str = "concept",
               measure: str = "people held", measure_how: str = "noun:prisoners",
               period: str | None = None, period_grain: str | None = None, modality: str = "actual",
               doc_entities: tuple[str, ...] = ("North Korea",)) -> Claim:
    """Every field that matters is explicit; the rest are what the extractor would give."""
    if high is ...:
        high = low
    start = next(_SEQ) * 97 if start is None else start
    text = text or (f"{low:,.0f}" if low is not None else f"{high:,.0f}")
    if qualifier is None:
        qualifier = "exact" if low == high else "range"
    if period is None and time is not None:
        period, period_grain = str(time), "year"
    sentence = sentence or f"North Korea holds {text} {subject}."
    return Claim(
        id=claim_id(source, start, start + len(text), text), source=source, start=start,
        end=start + len(text), text=text, sentence=sentence, low=low, high=high, qualifier=qualifier,
        unit=unit, kind=kind, subject=subject, subject_key=key, time=time, time_source=time_source,
        time_text=None if time is None else str(time), attribution=attribution, rule="test",
        head=head, scope=list(places), concepts=list(concepts), holder=holder, measure=measure,
        period=period, period_grain=period_grain, modality=modality, doc_entities=list(doc_entities),
        frame={"holder": holder_how, "measure": measure_how, "period": time_source or "", "modality": ""},
    )
