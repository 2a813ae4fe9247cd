"""nkextract as a spaCy pipeline component: ``nlp.add_pipe("nkextract_claims")``.

For users who already run spaCy: after the component, ``doc._.claims`` holds the claims
of the Doc's text (the records the CLI writes, offsets into ``doc.text``) and
``doc.spans["nkextract"]`` a span per figure (label: its kind), for displaCy or matchers.

The factory is registered through the ``spacy_factories`` entry point, so spaCy finds it
without an import.  The claims are read by nkextract's own pipeline (``model``: ``auto``,
a package or path, or ``blank``; extra ``rules`` folders), loaded once on the first Doc:
its tokenizer rules and entity patterns are not the host pipeline's, so reading through
it is what makes the claims the CLI's.  The host pipeline is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nkextract.read.files import Document

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)

SPANS_KEY = "nkextract"


class ClaimsComponent:
    """Sets ``doc._.claims`` and ``doc.spans["nkextract"]``."""

    def __init__(self, model: str = "auto", rules: tuple[str, ...] = ()) -> None:
        self.model = model
        self.rules = tuple(rules)
        self._extractor: Any = None

    def __call__(self, doc: Doc) -> Doc:
        claims = self._get().extract(Document(str(doc.user_data.get("source", "doc")), doc.text, "utf-8", ""))
        doc._.claims = claims
        spans = [doc.char_span(c.start, c.end, label=c.kind, alignment_mode="expand") for c in claims]
        doc.spans[SPANS_KEY] = [s for s in spans if s is not None]
        return doc

    def _get(self) -> Any:
        if self._extractor is None:
            from nkextract.extraction.nlp import load_pipeline
            from nkextract.extraction.pipeline import Extractor
            from nkextract.rules import load_rules

            self._extractor = Extractor(load_pipeline(self.model, load_rules(tuple(Path(r) for r in self.rules))))
        return self._extractor


@Language.factory("nkextract_claims", default_config={"model": "auto", "rules": []})
def make_claims_component(nlp: Language, name: str, model: str, rules: list[str]) -> ClaimsComponent:
    return ClaimsComponent(model, tuple(rules))
