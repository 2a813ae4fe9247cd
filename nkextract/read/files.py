"""Find input files and decode them to text, collecting per-file errors instead of raising.

One bad file must never stop a run or lose other files' results, so :func:`read_document`
returns a :class:`SourceError` value rather than raising; the CLI reports them in a short
summary and in the machine output.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Iterator, Sequence

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.html", "*.htm", "*.pdf", "*.docx")
# Bytes sniffed for NULs; text files (other than UTF-16/32, recognised by BOM) have none.
_SNIFF = 8192
# BOM -> codec, longest first (the UTF-32 LE BOM starts with the UTF-16 LE one).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Legacy text that is not UTF-8 is taken as cp1252 (what browsers assume for English pages,
# a superset of Latin-1's printable range) unless most of its letters come out non-ASCII
# (Western languages: under 15%): then it is Cyrillic, Greek, ... in another code page,
# and charset-normalizer decides.  charset-normalizer alone is unreliable on short Western
# text: it read "£600m" as cp932 ("｣600m") and "café" as cp1250.
_LEGACY_MAX_NON_ASCII_LETTERS = 0.5
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# Characters never shown raw in a file name: controls (a name can hold ESC sequences or a
# newline that forges a line of the summary), bidi overrides (a name can display reversed),
# line separators, and lone surrogates (undecodable bytes, which no UTF-8 writer accepts).
_UNSAFE_NAME_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class SourceError:
    """A file that could not be used, and why (one line)."""

    source: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "error": self.message}


@dataclass(frozen=True)
class Document:
    """A file's text (what claims' offsets point into) and what the file says of itself."""

    source: str  # the path as the user gave it (relative where possible)
    text: str
    encoding: str  # the text's encoding; for a page, PDF or Word file its format
    sha256: str  # of the file's bytes
    extractor: str = ""  # the library that made ``text`` and its version ("" for plain text)
    title: str | None = None
    date: date | None = None  # from the file's metadata (a page's, a PDF's, a Word file's)
    author: str | None = None
    site: str | None = None
    pages: tuple[int, ...] = ()  # a PDF's: where page 1, 2, ... starts in ``text``

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding ``offset`` (None when the file has no pages)."""
        return page_at(self.pages, offset)


def page_at(pages: Sequence[int], offset: int) -> int | None:
    from bisect import bisect_right

    if not pages:
        return None
    return max(1, bisect_right(pages, offset))


def safe_name(name: str) -> str:
    """A file name as printable, encodable text: unsafe characters become escapes.

    ``bad\\xff.txt`` for an undecodable byte, ``\\x1b`` for ESC, ``\\u202e`` for a bidi
    override: every writer (terminal, JSON, CSV, cache key) can take the result, and no
    name can rewrite the reader's screen.
    """
    def esc(m: re.Match[str]) -> str:
        c = ord(m.group(0))
        if 0xDC80 <= c <= 0xDCFF:  # os.fsdecode's surrogateescape for byte c - 0xDC00
            return f"\\x{c - 0xDC00:02x}"
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    return _UNSAFE_NAME_RE.sub(esc, name)


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is inside it, else as given (safe).

    Only the folder is resolved: a symlink (or a broken one) is named as itself, not as
    its target.
    """
    try:
        shown = str((_real_folder(path.parent) / path.name).relative_to(_real_folder(Path.cwd())))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: symlink loop (Python < 3.13)
        shown = str(path)
    return safe_name(shown)


@lru_cache(maxsize=1024)
def _real_folder(folder: Path) -> Path:
    """``folder.resolve()``, remembered: the files of one folder share it, and resolving
    walks every component of the path (a third of a warm run over 2,225 files).  Cleared
    by each :func:`discover`, so a run never sees a symlink as it was in an earlier run."""
    return folder.resolve()


def discover(paths: Sequence[str | Path], include: Sequence[str] = DEFAULT_INCLUDE,
             left_out: Counter[str] | None = None) -> Iterator[Path | SourceError]:
    """Yield files under ``paths`` (recursively, sorted, each once) or errors for bad paths.

    Explicitly named files are taken whatever their name; files inside folders must
    match one of the ``include`` globs, and the suffixes of those that do not are counted
    in ``left_out`` (so a run that matched nothing can say what it saw).  Symlinked
    folders are followed once (a loop is cut by remembering resolved folders).
    """
    _real_folder.cache_clear()
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            yield SourceError(safe_name(str(raw)), "no such file or directory")
            continue
        if p.is_dir():
            yield from _walk(p, include, seen, left_out)
        elif p.is_file():
            key = _resolved(p)
            if key not in seen:
                seen.add(key)
                yield p
        else:
            yield SourceError(safe_name(str(raw)), "not a regular file (broken symlink, loop, device or socket)")


def _resolved(p: Path) -> Path:
    """The dedupe key of a file: its real path, or the path itself if it cannot be resolved."""
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return p.absolute()


def _walk(root: Path, include: Sequence[str], seen: set[Path],
          left_out: Counter[str] | None) -> Iterator[Path | SourceError]:
    visited: set[Path] = set()
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            real = d.resolve()
        except (OSError, RuntimeError):
            yield SourceError(display_path(d), "cannot resolve folder (symlink loop?)")
            continue
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as e:
            yield SourceError(display_path(d), f"cannot list folder ({e.strerror or e})")
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
                if left_out is not None and is_file:
                    left_out[path.suffix.lower() or e.name] += 1
                continue
            if not is_file:
                yield SourceError(display_path(path), "not a regular file (broken symlink, loop, fifo?)")
                continue
            # a plain file's real path is its real folder's, plus its name
            key = _resolved(path) if e.is_symlink() else real / e.name
            if key not in seen:
                seen.add(key)
                yield path
        stack.extend(reversed(subdirs))


def decode(data: bytes) -> tuple[str, str] | str:
    """Decode bytes to ``(text, encoding)``, or return a one-line reason they are not text.

    A BOM names its encoding (UTF-8/16/32), so it is trusted and stripped: offsets then
    count characters of the text, not of the BOM.  Otherwise UTF-8, strict so mojibake is
    never produced silently; then cp1252 for Western legacy text (see
    ``_LEGACY_MAX_NON_ASCII_LETTERS``); then charset-normalizer for other code pages.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)  # these codecs drop the BOM themselves
            except UnicodeDecodeError as e:
                return f"invalid {codec.upper()} text after its BOM ({e.reason} at byte {e.start}), skipped"
            return _checked(text, codec.replace("-sig", ""))
    if b"\x00" in data[:_SNIFF]:
        return "binary file (NUL bytes; or UTF-16 without a BOM), skipped"
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # a byte cp1252 leaves undefined: not Western legacy text
        text = None
    if text is not None:
        sample = text[:65536]
        letters = sum(1 for c in sample if c.isalpha())
        foreign = sum(1 for c in sample if c.isalpha() and not c.isascii())
        if foreign <= _LEGACY_MAX_NON_ASCII_LETTERS * letters:
            return _checked(text, "cp1252")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return "not text in any known encoding, skipped"
    return _checked(str(best), best.encoding)


def _checked(text: str, encoding: str) -> tuple[str, str] | str:
    if "\x00" in text[:_SNIFF]:
        return "binary file (NUL characters), skipped"
    return text, encoding


def _read_file(path: Path, max_bytes: int) -> bytes | str:
    """The bytes of a regular file, or why not.

    Opened before it is checked (no race between a check and the read), non-blocking so
    a FIFO that appears under a file's name cannot hang the run, and never more than
    ``max_bytes + 1`` bytes are read even if the file grows meanwhile.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            return "is a directory"
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file (fifo, device or socket), skipped"
        if st.st_size > max_bytes:
            return f"file too large ({st.st_size:,} bytes > {max_bytes:,}), skipped"
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        return f"file too large (more than {max_bytes:,} bytes), skipped"
    return data


@dataclass(frozen=True)
class RawFile:
    """A file's bytes before its text is taken: enough for the cache key, so a cached PDF
    or page is never parsed again."""

    source: str
    name: str
    data: bytes
    sha256: str
    kind: str  # text | html | pdf | docx (formats.kind_of)
    extractor: str  # the library that will take its text, and its version ("" for text)


def read_raw(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile | SourceError:
    """A file's bytes, hash and format; every failure to read it becomes a :class:`SourceError`."""
    source = display_path(path)
    try:
        data = _read_file(path, max_bytes)
    except FileNotFoundError:
        return SourceError(source, "file vanished before it could be read")
    except IsADirectoryError:
        return SourceError(source, "is a directory")
    except OSError as e:
        return SourceError(source, f"cannot read ({e.strerror or e})")
    if isinstance(data, str):
        return SourceError(source, data)
    if not data or data.isspace():  # no copy: files can be large
        return SourceError(source, "empty file, skipped")
    from nkextract.read.formats import extractor_of, kind_of

    kind = kind_of(path.name, data)
    return RawFile(source, path.name, data, hashlib.sha256(data).hexdigest(), kind, extractor_of(kind))


def text_file(name: str, text: str) -> RawFile:
    """A text given in memory (the Python API), as if it were a UTF-8 file named ``name``."""
    data = text.encode("utf-8")
    return RawFile(safe_name(name), name, data, hashlib.sha256(data).hexdigest(), "text", "")


def to_document(raw: RawFile, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | SourceError:
    """The text of a file read by :func:`read_raw` (decoded, or extracted from a web page,
    PDF or Word file: formats.py), or why there is none."""
    if raw.kind != "text":
        from nkextract.read.formats import reader_for

        got = reader_for(raw.kind)(raw.data, max_bytes)
        if isinstance(got, str):
            return SourceError(raw.source, got)
        return Document(raw.source, got.text, raw.kind, raw.sha256, got.extractor, got.title, got.date, got.author,
                        got.site, got.pages)
    decoded = decode(raw.data)
    if isinstance(decoded, str):
        return SourceError(raw.source, decoded)
    text, encoding = decoded
    if not text or text.isspace():
        return SourceError(raw.source, "empty file (whitespace only), skipped")
    return Document(raw.source, text, encoding, raw.sha256)


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | SourceError:
    """Read one file and take its text; every failure becomes a :class:`SourceError`."""
    raw = read_raw(path, max_bytes)
    return raw if isinstance(raw, SourceError) else to_document(raw, max_bytes)
