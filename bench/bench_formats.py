"""Reading PDF reports: pdfminer.six (what nkextract uses) against pypdf, on real PDFs.

    python bench/bench_formats.py FOLDER [FOLDER ...]

For every PDF under the folders, each library's text is timed and checked for the damage
that costs figures: words fused together ("substantialincome", "1,000in") and numbers
found.  pypdf is not a dependency: ``pip install pypdf`` to compare (without it only
pdfminer is measured).  Then the HTML pages and Word files there are read the way
nkextract reads them, timed per file.  No figure here is hard-coded: run it on your own
reports; nothing in this repo holds third-party PDFs.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nkextract.read.formats import read_docx, read_html, read_pdf  # noqa: E402

LIMIT = 512 * 1024 * 1024
FUSED = re.compile(r"\b[a-z]{18,}\b|[a-z]{3,}\d|\d[a-z]{4,}")  # 18+ letters: two words glued
NUMBER = re.compile(r"\d[\d,.]*")


def pypdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdfminer_text(data: bytes) -> str:
    got = read_pdf(data, LIMIT)
    if isinstance(got, str):
        raise ValueError(got)
    return got.text


def measure(files: list[Path], read: Callable[[bytes], str]) -> dict[str, float]:
    out = {"seconds": 0.0, "words": 0, "numbers": 0, "fused": 0, "failed": 0}
    for f in files:
        data = f.read_bytes()
        t = time.perf_counter()
        try:
            text = read(data)
        except Exception:  # noqa: BLE001 - a library's failure on a file is what is counted
            out["failed"] += 1
            text = ""
        out["seconds"] += time.perf_counter() - t
        out["words"] += len(text.split())
        out["numbers"] += len(NUMBER.findall(text))
        out["fused"] += len(FUSED.findall(text))
    return out


def main(folders: list[str]) -> None:
    logging.disable(logging.CRITICAL)
    files = sorted(p for d in folders for p in Path(d).rglob("*") if p.is_file())
    pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
    print(f"{len(pdfs)} PDFs, {sum(p.stat().st_size for p in pdfs) / 1e6:.1f} MB")
    libs: list[tuple[str, Callable[[bytes], str]]] = [("pdfminer.six (nkextract)", pdfminer_text)]
    try:
        import pypdf  # noqa: F401

        libs.append(("pypdf", pypdf_text))
    except ImportError:
        print("pypdf not installed: pip install pypdf to compare")
    print(f"{'library':26} {'seconds':>8} {'words':>8} {'words/s':>8} {'numbers':>8} {'fused':>6} {'failed':>6}")
    for name, fn in libs:
        m = measure(pdfs, fn)
        print(f"{name:26} {m['seconds']:8.2f} {m['words']:8.0f} {m['words'] / max(m['seconds'], 1e-9):8.0f} "
              f"{m['numbers']:8.0f} {m['fused']:6.0f} {m['failed']:6.0f}")
    for suffix, reader in ((".html", read_html), (".docx", read_docx)):
        group = [p for p in files if p.suffix.lower() in ((".html", ".htm") if suffix == ".html" else (suffix,))]
        if not group:
            continue
        m = measure(group, lambda data, r=reader: getattr(r(data, LIMIT), "text", ""))
        print(f"{suffix[1:]:5} {len(group):4} files {m['seconds']:6.2f} s, {m['words']:8.0f} words "
              f"({m['words'] / max(m['seconds'], 1e-9):,.0f} words/s)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
