"""Find input files and decode them to text, collecting per-file errors instead of raising.

One bad file must never stop a run or lose other files' results, so :func:`read_document`
returns a :class:`SourceError` value rather than raising; the CLI reports them in a short
summary and in the machine output.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

DEFAULT_INCLUDE = ("*.txt", "*.md")
# Bytes sniffed for NULs; text files (other than UTF-16/32, recognised by BOM) have none.
_SNIFF = 8192
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class SourceError:
    """A file that could not be used, and why (one line)."""

    source: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "error": self.message}


@dataclass(frozen=True)
class Document:
    source: str  # the path as the user gave it (relative where possible)
    text: str
    encoding: str
    sha256: str


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def discover(paths: Sequence[str | Path], include: Sequence[str] = DEFAULT_INCLUDE) -> Iterator[Path | SourceError]:
    """Yield files under ``paths`` (recursively, sorted, each once) or errors for bad paths.

    Explicitly named files are taken whatever their name; files inside folders must
    match one of the ``include`` globs.  Symlinked folders are followed once (a loop is
    cut by remembering resolved folders).
    """
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            yield SourceError(str(raw), "no such file or directory")
            continue
        if p.is_dir():
            yield from _walk(p, include, seen)
        elif p.is_file():
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                yield p
        else:
            yield SourceError(str(raw), "not a regular file (broken symlink, device or socket)")


def _walk(root: Path, include: Sequence[str], seen: set[Path]) -> Iterator[Path | SourceError]:
    visited: set[Path] = set()
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            real = d.resolve()
        except (OSError, RuntimeError):
            yield SourceError(str(d), "cannot resolve folder (symlink loop?)")
            continue
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as e:
            yield SourceError(str(d), f"cannot list folder ({e.strerror})")
            continue
        subdirs = []
        for e in entries:
            path = Path(e.path)
            try:
                if e.is_dir():
                    subdirs.append(path)
                    continue
                is_file = e.is_file()
            except OSError:
                is_file = False
            if not any(fnmatch.fnmatch(e.name, g) for g in include):
                continue
            if not is_file:
                yield SourceError(str(path), "not a regular file (broken symlink?)")
                continue
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path
        stack.extend(reversed(subdirs))


def decode(data: bytes) -> tuple[str, str] | str:
    """Decode bytes to ``(text, encoding)``, or return a one-line reason they are not text.

    UTF-8 first (the common case, and strict so mojibake is never produced silently);
    then charset-normalizer, which recognises BOMs (UTF-16/32) and legacy code pages
    such as cp1252 and Latin-1.
    """
    has_bom = data.startswith(_BOMS) or data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
    if not has_bom and b"\x00" in data[:_SNIFF]:
        return "binary file (NUL bytes), skipped"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return "not text in any known encoding, skipped"
    text = str(best)
    if "\x00" in text:
        return "binary file (NUL characters after decoding), skipped"
    return text, best.encoding


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | SourceError:
    """Read and decode one file; every failure becomes a :class:`SourceError`."""
    source = display_path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return SourceError(source, f"file too large ({size:,} bytes > {max_bytes:,}), skipped")
        data = path.read_bytes()
    except FileNotFoundError:
        return SourceError(source, "file vanished before it could be read")
    except IsADirectoryError:
        return SourceError(source, "is a directory")
    except OSError as e:
        return SourceError(source, f"cannot read ({e.strerror or e})")
    if not data.strip():
        return SourceError(source, "empty file, skipped")
    decoded = decode(data)
    if isinstance(decoded, str):
        return SourceError(source, decoded)
    text, encoding = decoded
    if not text.strip():
        return SourceError(source, "empty file (whitespace only), skipped")
    return Document(source, text, encoding, hashlib.sha256(data).hexdigest())


def iter_documents(paths: Sequence[str | Path], include: Sequence[str] = DEFAULT_INCLUDE,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterable[Document | SourceError]:
    for item in discover(paths, include):
        yield item if isinstance(item, SourceError) else read_document(item, max_bytes)
