"""Text out of saved web pages, PDF reports and Word files, with what they say of themselves.

Each reader turns a file's bytes into :class:`Extracted`: the text every claim's offsets
point into (``nkextract text FILE`` prints it), the document's title, date, author and
site where the file records them, and, for a PDF, where each page starts.  A file that
cannot be read returns a one-line reason instead (the caller makes it a skipped input).

The libraries are the maintained ones for each format, not hand-written parsers:

* HTML: trafilatura keeps the article (navigation, banners, scripts and comments are left
  out) and reads the page's metadata (htmldate for the date);
* PDF: pdfminer.six, chosen over pypdf on real reports (``bench/bench_formats.py``): it
  fuses far fewer words ("substantialincome") and recovers files with a broken xref, at
  about 3x pypdf's time;
* DOCX: python-docx, paragraphs and tables in document order.

What is hand-written here is layout repair none of them offers: a PDF paragraph's lines
are joined into one line (the sentence splitter never crosses a line end) and a word
hyphenated at a line or column end is mended; and the PDF bomb guard below.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, Callable

# A PDF may have no more pages than this: a page tree of a million empty pages is a bomb.
MAX_PDF_PAGES = 5_000
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class Extracted:
    """A document's text and what the file says about it."""

    text: str
    kind: str  # text | html | pdf | docx
    extractor: str = ""  # "trafilatura 2.3.1": part of the cache key ("" for plain text)
    title: str | None = None
    date: date | None = None
    author: str | None = None
    site: str | None = None
    pages: tuple[int, ...] = field(default=())  # PDF: where page 1, 2, ... starts in ``text``


def kind_of(name: str, data: bytes) -> str:
    """The format of a file: its signature first (a PDF saved as .txt is still a PDF), then
    its suffix (HTML has no signature, and a .docx is a ZIP like any other)."""
    suffix = PurePath(name).suffix.lower()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == ".pdf":
        return "pdf"
    return "text"


def reader_for(kind: str) -> Callable[[bytes, int], Extracted | str]:
    return {"html": read_html, "pdf": read_pdf, "docx": read_docx}[kind]


_LIBRARY = {"html": "trafilatura", "pdf": "pdfminer.six", "docx": "python-docx"}


def extractor_of(kind: str) -> str:
    """The library that takes a ``kind`` of file's text, and its version ("" for plain
    text): known before the file is parsed, so it can be part of the cache key."""
    return _version(_LIBRARY[kind]) if kind in _LIBRARY else ""


@lru_cache(maxsize=None)
def _version(dist: str) -> str:
    from importlib.metadata import version

    return f"{dist} {version(dist)}"


# --- HTML ---------------------------------------------------------------------------------


def read_html(data: bytes, max_chars: int) -> Extracted | str:
    """The main text of a web page (paragraphs as lines), headed by its title, and the
    page's metadata.  A page that yields no main text is a reason, not an empty document."""
    from trafilatura import bare_extraction

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    try:
        # the original publication date from the page's markup only: a date guessed from
        # the text (extensive search) is as often a date the article talks about
        found: Any = bare_extraction(data, include_comments=False, include_tables=True, with_metadata=True,
                                     deduplicate=False,
                                     date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as e:  # noqa: BLE001 - a page lxml cannot parse is a skipped input
        return f"cannot read HTML ({_first_line(e)}), skipped"
    body = (found.text or "").strip() if found is not None else ""
    if not body:
        return "no main text found in the page, skipped"
    title = _clean(found.title)
    # the headline names the story's subject; trafilatura's text often lacks it
    text = body if title is None or body.startswith(title) else f"{title}\n\n{body}"
    if len(text) > max_chars:
        return f"page text too large (more than {max_chars:,} characters), skipped"
    return Extracted(text + "\n", "html", _version("trafilatura"), title, _iso_day(found.date),
                     _clean(found.author), _clean(found.sitename))


# --- PDF ----------------------------------------------------------------------------------

# Raw streams in a PDF (the bomb guard inflates them before pdfminer does).
_STREAM_RE = re.compile(rb"stream\r?\n")
_ENDSTREAM = b"endstream"


def inflated_size(data: bytes, limit: int) -> int:
    """How many bytes the file's Flate streams inflate to, counted up to ``limit``.

    pdfminer inflates a stream whole, in memory, with no bound: a 5 MB file can hold a
    stream of 5 GB of zeros.  This pass inflates each stream in bounded pieces and keeps
    none of it, so such a file is refused before pdfminer sees it.  Streams that are not
    Flate (images, encrypted data) fail to inflate at once and count nothing.
    """
    import zlib

    total = 0
    for m in _STREAM_RE.finditer(data):
        end = data.find(_ENDSTREAM, m.end())
        if end < 0:
            break
        d = zlib.decompressobj()
        buf = data[m.end():end]
        try:
            while buf and total <= limit:
                out = d.decompress(buf, 1 << 20)
                total += len(out)
                buf = d.unconsumed_tail
                if not out:
                    break
        except zlib.error:
            continue
    return total


def read_pdf(data: bytes, max_chars: int) -> Extracted | str:
    """A PDF's text page by page (``pages`` records where each starts), with paragraphs as
    lines and line-end hyphenation mended; its title, author and creation date."""
    from pdfminer.layout import LAParams, LTFigure, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    if inflated_size(data, max_chars) > max_chars:
        return f"PDF streams inflate to more than {max_chars:,} bytes (a PDF bomb?), skipped"
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect:
        return "encrypted (needs a password), skipped"
    except PDFEncryptionError as e:
        return f"encrypted ({_first_line(e)}), skipped"
    except Exception as e:  # noqa: BLE001 - any parse failure of a broken file is a skipped input
        return f"cannot read PDF ({_first_line(e) or type(e).__name__}), skipped"
    try:
        tree = resolve1(doc.catalog.get("Pages"))
        count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
        if isinstance(count, int) and count > MAX_PDF_PAGES:
            return f"PDF has {count:,} pages (more than {MAX_PDF_PAGES:,}), skipped"
        info = doc.info[0] if doc.info else {}
        rm = PDFResourceManager(caching=True)
        device = _stable_aggregator()(rm, laparams=LAParams())
        interp = PDFPageInterpreter(rm, device)
        # a page whose text is all inside figures (form XObjects) is laid out again with
        # their text analysed too; not every page, or a chart's axis labels become lines
        fig_device = _stable_aggregator()(rm, laparams=LAParams(all_texts=True))
        fig_interp = PDFPageInterpreter(rm, fig_device)
        parts: list[str] = []
        starts: list[int] = []
        size = 0
        for n, page in enumerate(PDFPage.create_pages(doc), 1):
            if n > MAX_PDF_PAGES:
                return f"PDF has more than {MAX_PDF_PAGES:,} pages, skipped"
            interp.process_page(page)
            layout = device.get_result()
            boxes = [b.get_text() for b in layout if isinstance(b, LTTextContainer)]
            if not boxes and any(isinstance(b, LTFigure) for b in layout):
                fig_interp.process_page(page)
                boxes = [b.get_text() for b in _text_boxes(fig_device.get_result())]
            page_text = _paragraphs(boxes)
            starts.append(size)
            parts.append(page_text)
            size += len(page_text)
            if size > max_chars:
                return f"PDF text too large (more than {max_chars:,} characters), skipped"
    except Exception as e:  # noqa: BLE001 - a page pdfminer cannot interpret ends the file, not the run
        return f"cannot read PDF ({_first_line(e) or type(e).__name__}), skipped"
    text = "".join(parts)
    if not starts:
        return "PDF has no pages, skipped"
    if not text.strip():
        return "no text layer (scanned?), skipped"
    return Extracted(text, "pdf", _version("pdfminer.six"), _info(info, "Title"),
                     _pdf_date(_info(info, "CreationDate")), _info(info, "Author"), None, tuple(starts))


@lru_cache(maxsize=1)
def _stable_aggregator() -> type:
    """pdfminer's PDFPageAggregator, laying text boxes out in the same order every time.

    pdfminer groups a page's text boxes nearest pair first, and breaks ties between
    equal distances by ``id()`` of the boxes: by where they happen to sit in memory.  So a
    page of equal boxes (a table, a diagram) came out in another order in another process,
    or later in the same one, and a file's claims depended on what was read before it.
    The pages and figures made here break ties by the order the boxes were made in; the
    grouping is otherwise pdfminer's own (``LTLayoutContainer.group_textboxes``, MIT, with
    ``id()`` replaced by that order).  Built on first use: pdfminer loads only for PDFs.
    """
    import heapq
    from itertools import count

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import (LTFigure, LTPage, LTTextBoxVertical, LTTextGroupLRTB, LTTextGroupTBRL)
    from pdfminer.utils import Plane, mult_matrix

    class StableGrouping:
        bbox: Any

        def group_textboxes(self, laparams: Any, boxes: Any) -> list[Any]:
            plane: Any = Plane(self.bbox)
            order = count()
            rank = {id(b): next(order) for b in boxes}

            def dist(a: Any, b: Any) -> float:
                x0, y0 = min(a.x0, b.x0), min(a.y0, b.y0)
                x1, y1 = max(a.x1, b.x1), max(a.y1, b.y1)
                return (x1 - x0) * (y1 - y0) - a.width * a.height - b.width * b.height

            def isany(a: Any, b: Any) -> bool:
                x0, y0 = min(a.x0, b.x0), min(a.y0, b.y0)
                x1, y1 = max(a.x1, b.x1), max(a.y1, b.y1)
                return bool(set(plane.find((x0, y0, x1, y1))).difference((a, b)))

            dists = [(False, dist(a, b), rank[id(a)], rank[id(b)], a, b)
                     for i, a in enumerate(boxes) for b in boxes[i + 1:]]
            heapq.heapify(dists)
            plane.extend(boxes)
            done: set[int] = set()
            while dists:
                skip_isany, d, r1, r2, a, b = heapq.heappop(dists)
                if r1 in done or r2 in done:
                    continue
                if not skip_isany and isany(a, b):
                    heapq.heappush(dists, (True, d, r1, r2, a, b))
                    continue
                vertical = (LTTextBoxVertical, LTTextGroupTBRL)
                group = (LTTextGroupTBRL if isinstance(a, vertical) or isinstance(b, vertical)
                         else LTTextGroupLRTB)([a, b])
                plane.remove(a)
                plane.remove(b)
                done.update((r1, r2))
                rank[id(group)] = r = next(order)
                for other in plane:
                    heapq.heappush(dists, (False, dist(group, other), r, rank[id(other)], group, other))
                plane.add(group)
            return list(plane)

    class StablePage(StableGrouping, LTPage):
        pass

    class StableFigure(StableGrouping, LTFigure):
        pass

    class StableAggregator(PDFPageAggregator):
        page_class = StablePage

        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            self.cur_item = StablePage(self.cur_item.pageid, self.cur_item.bbox)

        def begin_figure(self, name: str, bbox: Any, matrix: Any) -> None:
            super().begin_figure(name, bbox, matrix)
            self.cur_item = StableFigure(name, bbox, mult_matrix(matrix, self.ctm))

    return StableAggregator


def _text_boxes(items: Any) -> list[Any]:
    """Text boxes in a layout, those inside figures included, in order."""
    from pdfminer.layout import LTFigure, LTTextContainer

    out: list[Any] = []
    for item in items:
        if isinstance(item, LTTextContainer):
            out.append(item)
        elif isinstance(item, LTFigure):
            out.extend(_text_boxes(item))
    return out


_HYPHEN_END = re.compile(r"(?<=[^\W\d_])-$")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


def _paragraphs(boxes: list[str]) -> str:
    """One page's text boxes as lines: each box's lines joined with a space, a word split
    by a hyphen at a line end joined again ("Ex-" + "isting"), and a box continued in the
    next one (no sentence end, next starts in lower case: a column or block break inside a
    sentence) joined to it.  The page ends with a blank line."""
    out: list[str] = []
    for box in boxes:
        lines = [" ".join(ln.split()) for ln in box.splitlines()]
        lines = [ln for ln in lines if ln]
        if not lines:
            continue
        para = lines[0]
        for ln in lines[1:]:
            para = _join(para, ln)
        if out and not _SENTENCE_END.search(out[-1]) and para[:1].islower():
            out[-1] = _join(out[-1], para)
        else:
            out.append(para)
    return "".join(p + "\n" for p in out) + "\n"


def _join(left: str, right: str) -> str:
    """``left`` continued by ``right``: "pre-" + "liminary" is "preliminary" (a lower-case
    continuation after a hyphen is a broken word), else one space between."""
    if _HYPHEN_END.search(left) and right[:1].islower():
        return left[:-1] + right
    return f"{left} {right}"


def _info(info: dict[str, Any], key: str) -> str | None:
    """A text entry of the PDF's Info dictionary (bytes in PDFDocEncoding or UTF-16)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    value = resolve1(info.get(key))
    if isinstance(value, bytes):
        value = value.decode("utf-16") if value.startswith((b"\xfe\xff", b"\xff\xfe")) else decode_text(value)
    return _clean(value) if isinstance(value, str) else None


def _pdf_date(value: str | None) -> date | None:
    """A PDF date string ("D:20230415093000+02'00'") as its day."""
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


# --- DOCX ---------------------------------------------------------------------------------


def read_docx(data: bytes, max_chars: int) -> Extracted | str:
    """A Word file's paragraphs and table rows (cells joined by " | ") in document order, its
    core properties' title, author and creation date."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unzipped = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "not a Word document (not a ZIP file), skipped"
    if "word/document.xml" not in names:
        return "not a Word document (a ZIP file with no word/document.xml), skipped"
    if unzipped > max_chars:
        return f"Word document unzips to more than {max_chars:,} bytes, skipped"
    import docx

    try:
        d = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in d.iter_inner_content():
            if isinstance(block, docx.table.Table):
                lines.extend(_table_rows(block))
            else:
                lines.append(" ".join(block.text.split()))
        props = d.core_properties
    except Exception as e:  # noqa: BLE001 - a broken package is a skipped input
        return f"cannot read Word document ({_first_line(e) or type(e).__name__}), skipped"
    text = "".join(ln + "\n" for ln in lines if ln)
    if not text.strip():
        return "Word document has no text, skipped"
    when = props.created or props.modified
    return Extracted(text, "docx", _version("python-docx"), _clean(props.title),
                     when.date() if isinstance(when, datetime) else None, _clean(props.author), None)


def _table_rows(table: Any) -> list[str]:
    """A table's rows as lines; a merged cell (repeated by python-docx) is written once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []
        for cell in row.cells:
            if any(cell._tc is s for s in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(cell.text.split()))
        rows.append(" | ".join(c for c in cells if c))
    return rows


# --- helpers ------------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _iso_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [""])[0][:120]
