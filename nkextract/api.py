"""The Python face of nkextract: what the CLI does, as functions that return records.

    >>> from pathlib import Path
    >>> from nkextract import extract, conflicts
    >>> claims = extract([Path("corpus/")])                  # files and folders
    >>> claims = extract(["Police said 40 people died."])    # or texts
    >>> for group in conflicts(claims):                      # claims, files or texts
    ...     print(group.verdict, group.to_dict()["why"])

Records are :class:`~nkextract.extraction.claims.Claim` and
:class:`~nkextract.compare.records.Group`; ``to_dict()`` gives the JSON the CLI writes.
A ``str`` is an article's text, a :class:`~pathlib.Path` a file or folder (a string is
never guessed to be a path).  An input that cannot be read is skipped with a Python
warning naming it and why (``warnings.catch_warnings`` turns that into what you need);
a bad option or rules file raises :class:`~nkextract.errors.NkError`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence, Union

if TYPE_CHECKING:
    from nkextract.compare.records import Group
    from nkextract.extraction.claims import Claim

Inputs = Union[str, Path, Iterable[Union[str, Path]]]


class SkippedInput(UserWarning):
    """An input file or text that was skipped (binary, encrypted, another language, ...)."""


def extract(inputs: Inputs, *, model: str = "auto", rules: Sequence[Path | str] = (),
            languages: Sequence[str] | None = ("en",), workers: int = 1, cache_dir: Path | None = None,
            dates: Path | None = None) -> list[Claim]:
    """Every numeric claim in ``inputs`` (texts, files, folders), in input order.

    The options are the CLI's: ``model`` (``auto``, a spaCy package or path, ``blank``),
    extra ``rules`` folders, the ``languages`` read (None: all), worker processes, a
    cache folder (None: no cache) and a ``dates`` CSV."""
    from nkextract.run.runner import extract_paths
    from nkextract.run.work import ExtractOptions

    paths, texts = _split(inputs)
    opts = ExtractOptions(rules_dirs=tuple(Path(r) for r in rules), model=model, workers=workers,
                          cache_dir=cache_dir, dates=dates,
                          languages=None if languages is None else frozenset(languages))
    result = extract_paths(paths, opts, texts=texts)
    for e in result.errors:
        warnings.warn(f"{e.source}: {e.message}", SkippedInput, stacklevel=2)
    return result.claims


def conflicts(inputs: Inputs | Sequence[Claim], *, tolerance: float = 0.1, min_sources: int = 2,
              min_confidence: float | None = None, show_all: bool = False, rules: Sequence[Path | str] = (),
              **extract_options: object) -> list[Group]:
    """The conflict report of ``inputs`` (claims from :func:`extract`, or texts, files and
    folders to extract first): groups of claims about one quantity, duplicates merged.

    By default only what ``nkextract conflicts`` lists (conflicts and inconsistencies at
    least ``min_confidence`` sure); ``show_all`` gives every group, trends and agreements
    included."""
    from nkextract.compare.conflicts import default_report, group_claims
    from nkextract.compare.weights import DEFAULT_MIN_CONFIDENCE
    from nkextract.compare.dedupe import dedupe
    from nkextract.extraction.claims import Claim
    from nkextract.rules import load_rules

    items = _items(inputs)
    if items and all(isinstance(c, Claim) for c in items):
        claims: list[Claim] = items  # type: ignore[assignment]
    else:
        claims = extract(items, rules=rules, **extract_options)  # type: ignore[arg-type]
    groups = [g for g in group_claims(dedupe(claims), tolerance, load_rules(tuple(Path(r) for r in rules)))
              if g.sources >= min_sources]
    if show_all:
        return groups
    return default_report(groups, DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence)


def _split(inputs: Inputs) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files and folders, and texts named ``text-1``, ``text-2``, ... (their ``source``)."""
    paths, texts = [], []
    for item in _items(inputs):
        if isinstance(item, Path):
            paths.append(item)
        elif isinstance(item, str):
            texts.append((f"text-{len(texts) + 1}", item))
        else:
            raise TypeError(f"an input is a str (a text) or a Path (a file or folder), not {type(item).__name__}")
    return paths, texts


def _items(inputs: object) -> list:
    """One input or many, as a list (a str is one text, not many characters)."""
    return [inputs] if isinstance(inputs, (str, Path)) else list(inputs)  # type: ignore[call-overload]
