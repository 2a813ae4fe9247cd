"""Load and validate the rule files in ``rules/`` (and any ``--rules DIR`` on top).

Rules are data: number lexicons, units, context words, subject concepts (TOML) and
entity patterns (spaCy SpanRuler JSONL).  Every file is checked against a small schema
on load, and every error names the file and the line, because a user editing these
files by hand must be able to find their typo without reading a traceback.

Merging: a user directory adds to the defaults.  Lists are extended, tables merged
key by key, arrays of tables ([[unit]], [[concept]]) appended, JSONL lines appended.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from nkextract.errors import RulesError

# --- schema -------------------------------------------------------------------------
# A schema is a type marker or a dict of key -> schema.  Markers:
STR_LIST = "list[str]"
NUM = "number"
INT = "int"
NUM_LIST = "list[number]"
NUM_MAP = "dict[str, number]"
PAIR_MAP = "dict[str, [number, number]]"
LIST_MAP = "dict[str, list[str]]"
STR_MAP = "dict[str, str]"
BOOL = "bool"

SCHEMAS: dict[str, dict[str, Any]] = {
    "numbers.toml": {
        "cardinals": STR_LIST,
        "ignore_alone": STR_LIST,
        "scales": NUM_MAP,
        "scales_need_currency": STR_LIST,
        "scales_upper_need_currency": STR_LIST,
        "scales_upper": STR_MAP,
        "foreign_scales": STR_MAP,
        "words": NUM_MAP,
        "vague": PAIR_MAP,
        "vague_need_of": STR_LIST,
        "negative_words": STR_LIST,
        "decimals": {"point": STR_LIST, "zero": STR_LIST},
        "fractions": {"words": NUM_MAP, "chars": NUM_MAP, "slash_denominators": NUM_LIST,
                      "share_joiners": STR_LIST},
        "ordinals": {"suffixes": STR_LIST, "words": NUM_MAP},
        "multipliers": {"more": STR_LIST, "same": STR_LIST, "less": STR_LIST, "occasions": STR_LIST,
                        "words": NUM_MAP},
        "changes": {"rise": STR_LIST, "fall": STR_LIST, "rise_after": STR_LIST,
                    "fall_after": STR_LIST, "links": STR_LIST, "from_to": STR_LIST,
                    "levels": STR_LIST, "range_words": STR_LIST, "particles": STR_LIST,
                    "particles_after": STR_LIST, "rise_percent": STR_LIST, "fall_percent": STR_LIST},
        "science": {"plus_minus": STR_LIST},
        "qualifiers": {
            "approx": STR_LIST,
            "at_least": STR_LIST,
            "at_most": STR_LIST,
            "trailing_at_least": STR_LIST,
            "trailing_at_most": STR_LIST,
            "trailing_approx": STR_LIST,
        },
        "ranges": {"openers": STR_LIST, "joiners": STR_LIST, "bounds": STR_LIST},
        "years": {"min": INT, "max": INT},
    },
    "units.toml": {
        "unit": [{"name": "str", "kind": "str", "symbols": STR_LIST, "words": STR_LIST, "factor": NUM}],
        "periods": LIST_MAP,
        "people": {"nouns": STR_LIST},
    },
    "context.toml": {
        "not_claims": {
            "labels_before": STR_LIST,
            "furniture_after": STR_LIST,
            "months": STR_LIST,
            "models_before": STR_LIST,
            "models_after": STR_LIST,
            "idioms": STR_LIST,
            "score_words": STR_LIST,
            "seed_words": STR_LIST,
            "furniture_line_start": STR_LIST,
        },
        "ranks": {"context_after": STR_LIST, "labels_after": STR_LIST},
        "metres": {"after": STR_LIST, "context": STR_LIST, "window": INT, "function_words": STR_LIST},
        "ratios": {"refs": STR_LIST, "dropped": STR_LIST, "stops": STR_LIST},
        "conversions": {"separators": STR_LIST},
        "years": {"fact_words": STR_LIST, "markers": STR_LIST},
        "attribution": {
            "verbs": STR_LIST,
            "report_nouns": STR_LIST,
            "according": STR_LIST,
            "anaphora": STR_LIST,
        },
        "publication": {"cues": STR_LIST},
        "subjects": {"not_actuals": STR_LIST},
        "lemmas": STR_MAP,
    },
    "concepts.toml": {"concept": [{"key": "str", "aliases": STR_LIST, "holder": BOOL, "measure": "str"}]},
    "measures.toml": {"measure": [{"key": "str", "nouns": STR_LIST, "verbs": STR_LIST, "needs": "str",
                                   "kinds": STR_LIST, "flow": BOOL, "people": BOOL, "named": BOOL,
                                   "exact": BOOL}]},
    "frames.toml": {
        "holders": {"labels": STR_LIST, "anaphora": LIST_MAP, "aliases": LIST_MAP, "demonyms": STR_MAP},
        "modality": {"forecast": STR_LIST, "target": STR_LIST, "hypothetical": STR_LIST,
                     "estimate": STR_LIST, "reporting": STR_LIST},
        "periods": {"this": STR_LIST, "last": STR_LIST, "next": STR_LIST, "cumulative": STR_LIST,
                    "weekdays": STR_LIST, "running": STR_LIST},
        "scope": {"subgroups": STR_LIST, "soft": STR_LIST, "part_of_period": STR_LIST, "period_units": STR_LIST},
        "contrast": {"cues": STR_LIST},
    },
}
JSONL_FILES = ("entities.jsonl",)
UNIT_KINDS = {"count", "money", "percent", "duration", "rate", "ratio", "other"}
MEASURE_KINDS = {"count", "money", "percent", "duration", "rate", "other", "change", "ratio"}
MEASURE_NEEDS = {"any", "noun+verb"}
ENTITY_KEYS = {"label", "pattern", "id"}


@dataclass(frozen=True)
class Unit:
    """One unit: ``name`` is canonical ("USD"), ``factor`` converts ("decades" -> years)."""

    name: str
    kind: str
    symbols: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    factor: float = 1.0


@dataclass(frozen=True)
class Concept:
    key: str
    aliases: tuple[str, ...]
    holder: bool = False  # may stand as a figure's holder where no named one exists
    measure: str = ""  # what a count of people held by it measures ("people held")


@dataclass(frozen=True)
class Measure:
    """A property figures measure, and the words that name it (``rules/measures.toml``)."""

    key: str
    nouns: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    needs: str = "any"  # "noun+verb": both a noun and a verb of the measure must be found
    kinds: tuple[str, ...] = ()
    flow: bool = False
    people: bool = False  # it counts people: a count of things never takes it from a verb
    named: bool = False  # one holder's property only when its sentence names the holder (a person's age)
    exact: bool = False  # figures meet only when equal, whatever --tolerance says (an age)


@dataclass
class Rules:
    """Everything the extractor knows about the language of figures, as plain data."""

    numbers: dict[str, Any]
    units: list[Unit]
    periods: dict[str, list[str]]
    people: frozenset[str]
    context: dict[str, Any]
    concepts: list[Concept]
    entities: list[dict[str, Any]]
    measures: list[Measure] = field(default_factory=list)
    frames: dict[str, Any] = field(default_factory=dict)
    entity_lines: list[str] = field(default_factory=list)  # "file:line" of each entity pattern
    sources: list[str] = field(default_factory=list)
    digest: str = ""


def default_rules_dir() -> Path:
    """The default rules: in the wheel they sit inside the package (``default_rules``, built
    from the repo's top-level ``rules/``); in a source checkout (editable install, tests run
    from the repo) they are the ``rules/`` folder beside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "default_rules", here.parent / "rules"):
        if (candidate / "numbers.toml").is_file():
            return candidate
    return here / "default_rules"


def load_rules(extra: Iterable[Path] = ()) -> Rules:
    """Load the default rules, then each extra directory on top, validating every file."""
    dirs = [default_rules_dir(), *[Path(d) for d in extra]]
    merged: dict[str, dict[str, Any]] = {name: {} for name in SCHEMAS}
    entities: list[dict[str, Any]] = []
    entity_lines: list[str] = []
    sources: list[str] = []
    h = hashlib.sha256()
    for i, d in enumerate(dirs):
        if not d.is_dir():
            raise RulesError(f"{d}: rules directory not found")
        names = sorted(p.name for p in d.iterdir() if p.suffix in {".toml", ".jsonl"})
        for name in names:
            path = d / name
            if name not in SCHEMAS and name not in JSONL_FILES:
                known = ", ".join([*SCHEMAS, *JSONL_FILES])
                raise RulesError(f"{path}: unknown rules file (expected one of: {known})")
            text = _read_text(path)
            h.update(name.encode() + b"\0" + text.encode() + b"\0")
            sources.append(str(path))
            if name in JSONL_FILES:
                for lineno, obj in _parse_entities(path, text):
                    entities.append(obj)
                    entity_lines.append(f"{path}:{lineno}")
            else:
                data = _parse_toml(path, text)
                _validate(path, text, data, SCHEMAS[name], "")
                _merge(merged[name], data)
        if i == 0 and not sources:
            raise RulesError(f"{d}: default rules are missing (broken install?)")
    rules = _build(merged, entities)
    rules.entity_lines = entity_lines
    rules.sources = sources
    rules.digest = h.hexdigest()[:16]
    return rules


# --- parsing & validation -------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a BOM (Notepad) is not an error
    except UnicodeDecodeError as e:
        raise RulesError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise RulesError(f"{path}: cannot read ({e.strerror})") from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise RulesError(f"{path}:1: invalid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        where = f"{path}:{m.group(1)}" if m else f"{path}"
        col = f" (column {m.group(2)})" if m else ""
        raise RulesError(f"{where}: invalid TOML: {msg}{col}") from None


def _line_of(text: str, key: str, after: int = 0) -> int:
    """Best line number for a key at or after char ``after``: tomllib keeps no positions."""
    pat = re.compile(rf"^[ \t]*(\[\[?)?[ \t]*(\S+\.)?\"?{re.escape(key)}\"?[ \t]*(=|\]|\.)", re.M)
    m = pat.search(text, after)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _header_start(text: str, name: str, after: int) -> int:
    """Char offset of the ``[name]`` (or ``[parent.name]``) header at or after ``after``."""
    m = re.compile(rf"^[ \t]*\[[ \t]*(?:[\w.\"]+\.)?\"?{re.escape(name)}\"?[ \t]*\]", re.M).search(text, after)
    return m.start() if m else after


def _table_start(text: str, name: str, index: int) -> int:
    """Char offset of the ``index``-th ``[[name]]`` header (0 if not found)."""
    found = [m.start() for m in re.finditer(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]", text, re.M)]
    return found[index] if index < len(found) else 0


def _validate(path: Path, text: str, data: Any, schema: Any, where: str, after: int = 0) -> None:
    def fail(key: str, msg: str) -> None:
        raise RulesError(f"{path}:{_line_of(text, key, after)}: {msg}")

    if isinstance(schema, list):  # array of tables
        item_schema = schema[0]
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            fail(where, f"'{where}' must be an array of tables ([[{where}]])")
        for n, item in enumerate(data):
            after = _table_start(text, where, n)
            _validate(path, text, item, item_schema, where, after)
            missing = [k for k in ("name", "kind", "key", "aliases") if k in item_schema and k not in item]
            if missing:
                fail(where, f"[[{where}]] entry is missing '{missing[0]}'")
            if where == "unit" and item["kind"] not in UNIT_KINDS:
                fail("kind", f"unit kind '{item['kind']}' is not one of {sorted(UNIT_KINDS)}")
            if where == "measure":
                bad = [k for k in item.get("kinds", []) if k not in MEASURE_KINDS]
                if bad:
                    fail("kinds", f"measure kind '{bad[0]}' is not one of {sorted(MEASURE_KINDS)}")
                if item.get("needs", "any") not in MEASURE_NEEDS:
                    fail("needs", f"'needs' must be one of {sorted(MEASURE_NEEDS)}")
        return
    for key, value in data.items():
        if key not in schema:
            fail(key, f"unknown key '{key}'" + (f" in [{where}]" if where else "")
                 + f" (expected one of: {', '.join(schema)})")
        s = schema[key]
        if isinstance(s, (dict, list)):
            if isinstance(s, dict) and not isinstance(value, dict):
                fail(key, f"'{key}' must be a table")
            start = _header_start(text, key, after) if isinstance(s, dict) else after
            _validate(path, text, value, s, key, start)
        elif not _type_ok(value, s):
            fail(key, f"'{key}' must be {s}")


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _type_ok(v: Any, marker: str) -> bool:
    if marker == "str":
        return isinstance(v, str) and bool(v.strip())
    if marker == STR_LIST:
        return isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)
    if marker == NUM:
        return _is_num(v) and v == v and abs(v) != float("inf")
    if marker == BOOL:
        return isinstance(v, bool)
    if marker == INT:
        return isinstance(v, int) and not isinstance(v, bool)
    if marker == NUM_LIST:
        return isinstance(v, list) and all(_type_ok(x, NUM) for x in v)
    if marker == NUM_MAP:
        return isinstance(v, dict) and all(_type_ok(x, NUM) for x in v.values())
    if marker == PAIR_MAP:
        return isinstance(v, dict) and all(
            isinstance(x, list) and len(x) == 2 and all(_type_ok(y, NUM) for y in x) and x[0] <= x[1]
            for x in v.values()
        )
    if marker == STR_MAP:
        return isinstance(v, dict) and all(isinstance(x, str) and x.strip() for x in v.values())
    if marker == LIST_MAP:
        return isinstance(v, dict) and all(_type_ok(x, STR_LIST) for x in v.values())
    raise AssertionError(marker)


def _parse_entities(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    """Parse SpanRuler JSONL: the structure here; token patterns by spaCy in
    :func:`check_entity_patterns`, only when a pipeline is about to run (so a run answered
    from the cache never imports spaCy)."""
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise RulesError(f"{path}:{lineno}: invalid JSON: {e.msg} (column {e.colno})") from None
        except RecursionError:
            raise RulesError(f"{path}:{lineno}: invalid JSON: nested too deeply") from None
        if not isinstance(obj, dict):
            raise RulesError(f"{path}:{lineno}: each line must be a JSON object")
        unknown = set(obj) - ENTITY_KEYS
        if unknown:
            raise RulesError(f"{path}:{lineno}: unknown key '{sorted(unknown)[0]}' "
                             f"(expected: label, pattern, id)")
        if not isinstance(obj.get("label"), str) or not obj["label"].strip():
            raise RulesError(f"{path}:{lineno}: 'label' must be a non-empty string")
        pat = obj.get("pattern")
        if isinstance(pat, str):
            if not pat.strip():
                raise RulesError(f"{path}:{lineno}: 'pattern' is empty")
        elif not (isinstance(pat, list) and pat and all(isinstance(t, dict) for t in pat)):
            raise RulesError(f"{path}:{lineno}: 'pattern' must be a phrase string "
                             f"or a non-empty list of token objects")
        out.append((lineno, obj))
    return out


def check_entity_patterns(rules: Rules) -> None:
    """Validate token patterns with spaCy's own Matcher validator; errors name file:line.

    A bare Vocab is enough for the validator: building ``English()`` for its vocab cost
    0.14 s of every process's start (its tokenizer loads every special case)."""
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    vocab = Vocab()
    for obj, where in zip(rules.entities, rules.entity_lines):
        if isinstance(obj["pattern"], list):
            try:
                Matcher(vocab, validate=True).add("check", [obj["pattern"]])
            except Exception as e:  # spaCy raises ValueError/MatchPatternError with a long text
                msg = " ".join(str(e).split())[:200]
                raise RulesError(f"{where}: invalid spaCy token pattern: {msg}") from None


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            old.extend(v for v in value if v not in old)
        else:
            into[key] = value


def _lower_list(xs: Iterable[str]) -> list[str]:
    return [x.lower().strip() for x in xs]


def _build(m: dict[str, dict[str, Any]], entities: list[dict[str, Any]]) -> Rules:
    units_toml = m["units.toml"]
    units = [
        Unit(
            name=u["name"],
            kind=u["kind"],
            symbols=tuple(_lower_list(u.get("symbols", []))),
            words=tuple(_lower_list(u.get("words", []))),
            factor=float(u.get("factor", 1.0)),
        )
        for u in units_toml.get("unit", [])
    ]
    periods = {k: _lower_list(v) for k, v in units_toml.get("periods", {}).items()}
    people = frozenset(_lower_list(units_toml.get("people", {}).get("nouns", [])))
    concepts = [Concept(c["key"].lower(), tuple(_lower_list(c["aliases"])), bool(c.get("holder", False)),
                        c.get("measure", "").lower())
                for c in m["concepts.toml"].get("concept", [])]
    measures = [Measure(key=x["key"].lower(), nouns=tuple(_lower_list(x.get("nouns", []))),
                        verbs=tuple(_lower_list(x.get("verbs", []))), needs=x.get("needs", "any"),
                        kinds=tuple(x.get("kinds", [])), flow=bool(x.get("flow", False)),
                        people=bool(x.get("people", False)), named=bool(x.get("named", False)),
                        exact=bool(x.get("exact", False)))
                for x in m["measures.toml"].get("measure", [])]
    return Rules(
        numbers=m["numbers.toml"],
        units=units,
        periods=periods,
        people=people,
        context=m["context.toml"],
        concepts=concepts,
        entities=entities,
        measures=measures,
        frames=m["frames.toml"],
    )
