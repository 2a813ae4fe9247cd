"""Web pages, PDF reports and Word files, built here at test time (nothing is fetched): the
article's figures are found, the page's boilerplate figures are not, the file's own date
and page reach the claim, and offsets point into the text ``nkextract text`` prints."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nkextract.cli import app
from nkextract.read.files import Document, read_document
from nkextract.read.formats import MAX_PDF_PAGES, read_docx, read_html, read_pdf
from nkextract.run.runner import ExtractOptions, extract_paths

fpdf = pytest.importorskip("fpdf", reason="fpdf2 is a test dependency")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Prison camps hold 120,000, UN says | Example News</title>
<meta property="og:title" content="Prison camps hold 120,000, UN says">
<meta property="article:published_time" content="2023-03-14T08:00:00Z">
<meta name="author" content="Jane Reporter">
<meta property="og:site_name" content="Example News">
<script>var visitors = 987654; window.track(555555);</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World (24 new)</a></li>
<li><a href="/deals">Save 75% today</a></li></ul></nav>
<div class="cookie-banner" id="cookie-consent"><p>We and our 842 partners use cookies to improve
your experience. Accept all cookies?</p><button>Accept</button></div>
<main><article>
<h1>Prison camps hold 120,000, UN says</h1>
<p>The United Nations estimates that between 80,000 and 120,000 people are held in North Korea's
political prison camps, according to a report released on Tuesday by its commission of inquiry.</p>
<p>The number of prisoners rose last year to 130,000, a human rights group said, citing interviews
with 320 defectors who fled the country.</p>
<p>Officials in Pyongyang have denied that the camps exist, and have called the report a fabrication
by hostile forces seeking to topple the government.</p>
</article></main>
<footer><p>Copyright 2023 Example News. All 3,456 rights reserved.</p></footer>
</body></html>
"""
BOILERPLATE = {987654.0, 555555.0, 24.0, 75.0, 842.0, 3456.0}
PDF_SENTENCE = ("The United Nations estimates that between 80,000 and 120,000 people are held in political "
                "prison camps, a figure that has barely changed in a decade of reporting on the country.")


def _pdf(pages: list[str], **kw: object) -> bytes:
    pdf = fpdf.FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.set_creation_date(dt.datetime(2021, 5, 4, 10, 0, tzinfo=dt.timezone.utc))
    pdf.set_title("Detention report")
    if kw.get("encrypt"):
        pdf.set_encryption(owner_password="owner", user_password="secret")
    for text in pages:
        pdf.add_page()
        if kw.get("image_only"):  # drawn shapes only: no text layer
            pdf.rect(20, 20, 100, 60, style="F")
        else:
            pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Budget briefing", 1)
    d.add_paragraph("The ministry published its spending figures for the year on Monday.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Item", "Note"
    t.cell(1, 0).text = "Defence"
    t.cell(1, 1).text = "The defence budget rose to $4.5 billion in 2022."
    d.core_properties.title = "Budget briefing"
    d.core_properties.created = dt.datetime(2022, 6, 1, 12, 0)
    d.save(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of each kind of good file, and one bad file of each kind."""
    d = tmp_path_factory.mktemp("mixed")
    (d / "page.html").write_text(PAGE, encoding="utf-8")
    (d / "report.pdf").write_bytes(_pdf(["Annual report on detention in the north of the country.",
                                         PDF_SENTENCE]))
    _docx(d / "brief.docx")
    (d / "notes.txt").write_text("Police said 40 people were arrested on Sunday.\n", encoding="utf-8")
    bad = d / "bad"
    bad.mkdir()
    whole = _pdf(["One page.", "Two pages."])
    (bad / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    (bad / "locked.pdf").write_bytes(_pdf([PDF_SENTENCE], encrypt=True))
    (bad / "scan.pdf").write_bytes(_pdf(["", ""], image_only=True))
    (bad / "nobody.html").write_text("<html><head><title>Nothing</title></head><body></body></html>",
                                     encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a word file: 1,000 words")
    (bad / "renamed.docx").write_bytes(buf.getvalue())
    return d


@pytest.fixture(scope="module")
def run(folder: Path):
    return extract_paths([folder], ExtractOptions(model="blank", workers=1))


def _claims_of(run, name: str) -> list:
    return [c for c in run.claims if c.source.endswith(name)]


def test_every_bad_file_is_skipped_with_its_reason_and_the_rest_is_read(run) -> None:
    reasons = {Path(e.source).name: e.message for e in run.errors}
    assert set(reasons) == {"truncated.pdf", "locked.pdf", "scan.pdf", "nobody.html", "renamed.docx"}
    assert reasons["locked.pdf"].startswith("encrypted")
    assert reasons["scan.pdf"] == "no text layer (scanned?), skipped"
    assert reasons["nobody.html"] == "no main text found in the page, skipped"
    assert "no word/document.xml" in reasons["renamed.docx"]
    assert "PDF" in reasons["truncated.pdf"]
    assert all("\n" not in m for m in reasons.values())
    assert run.files == 4
    assert {Path(c.source).name for c in run.claims} == {"page.html", "report.pdf", "brief.docx", "notes.txt"}


def test_page_article_figures_are_found_and_its_boilerplate_is_not(run) -> None:
    claims = _claims_of(run, "page.html")
    values = {(c.low, c.high) for c in claims}
    assert (80_000, 120_000) in values and (130_000, 130_000) in values and (320, 320) in values
    assert not {v for c in claims for v in (c.low, c.high)} & BOILERPLATE


def test_page_date_comes_from_its_metadata_and_resolves_last_year(run) -> None:
    claims = {c.text: c for c in _claims_of(run, "page.html")}
    assert claims["between 80,000 and 120,000"].time == 2023
    assert claims["between 80,000 and 120,000"].time_source == "document"
    assert claims["130,000"].time == 2022  # "rose last year to 130,000" in a page of 14 March 2023


def test_dates_file_wins_over_the_page_metadata(folder: Path, tmp_path: Path) -> None:
    dates = tmp_path / "dates.csv"
    dates.write_text(f"{folder / 'page.html'},2019-01-02\n", encoding="utf-8")
    got = extract_paths([folder / "page.html"], ExtractOptions(model="blank", workers=1, dates=dates))
    assert {c.text: c.time for c in got.claims}["130,000"] == 2018


def test_pdf_claim_knows_its_page(run) -> None:
    claims = _claims_of(run, "report.pdf")
    camp = next(c for c in claims if (c.low, c.high) == (80_000, 120_000))
    assert camp.page == 2
    assert camp.sentence == PDF_SENTENCE  # the lines of the paragraph are one sentence again
    assert camp.time == 2021  # the PDF's creation date


def test_docx_table_cell_figure(run) -> None:
    budget = next(c for c in _claims_of(run, "brief.docx") if c.unit == "USD")
    assert budget.low == 4.5e9 and budget.page is None


@pytest.mark.parametrize("name", ["page.html", "report.pdf", "brief.docx", "notes.txt"])
def test_offsets_point_into_the_text_nkextract_text_prints(run, folder: Path, name: str) -> None:
    r = CliRunner().invoke(app, ["text", str(folder / name)])
    assert r.exit_code == 0, r.output
    assert _claims_of(run, name)
    for c in _claims_of(run, name):
        assert r.stdout[c.start:c.end] == c.text


def test_text_json_gives_the_metadata(folder: Path) -> None:
    r = CliRunner().invoke(app, ["text", str(folder / "page.html"), "--format", "json"])
    meta = json.loads(r.stdout)
    assert (meta["format"], meta["date"], meta["author"], meta["site"]) == ("html", "2023-03-14", "Jane Reporter",
                                                                          "Example News")
    assert meta["extractor"].startswith("trafilatura ")
    r = CliRunner().invoke(app, ["text", str(folder / "report.pdf"), "--format", "json"])
    meta = json.loads(r.stdout)
    assert meta["pages"][0] == 0 and len(meta["pages"]) == 2 and meta["date"] == "2021-05-04"


def test_text_of_a_bad_file_is_one_line_and_exit_3(folder: Path) -> None:
    r = CliRunner().invoke(app, ["text", str(folder / "bad" / "scan.pdf")])
    assert r.exit_code == 3
    assert r.stderr.strip().endswith("no text layer (scanned?), skipped") and r.stderr.count("\n") == 1


def test_cli_mixed_folder_exits_3_and_lists_the_skipped(folder: Path) -> None:
    r = CliRunner().invoke(app, ["extract", str(folder), "--model", "blank", "--no-cache", "-f", "json"])
    assert r.exit_code == 3
    assert "5 inputs skipped" in r.stderr and "Traceback" not in r.stderr
    assert {Path(c["source"]).name for c in json.loads(r.stdout)} == {"page.html", "report.pdf", "brief.docx",
                                                                       "notes.txt"}


# --- the readers alone: bombs and odd files ----------------------------------------------


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand (the bombs below cannot be made with a PDF library)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_whose_streams_inflate_past_the_limit_is_refused_unread() -> None:
    blob = zlib.compress(b"0" * 20_000_000, 9)  # 20 MB of zeros in about 20 kB
    data = _raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
                     b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(blob) + blob + b"\nendstream"])
    assert len(data) < 100_000
    got = read_pdf(data, 10_000_000)
    assert isinstance(got, str) and "PDF bomb" in got


def test_pdf_with_a_huge_page_count_is_refused() -> None:
    data = _raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 9999999 >>"])
    got = read_pdf(data, 10_000_000)
    assert got == f"PDF has 9,999,999 pages (more than {MAX_PDF_PAGES:,}), skipped"


def test_docx_that_unzips_past_the_limit_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document/>" + " " * 5_000_000)
    got = read_docx(buf.getvalue(), 1_000_000)
    assert isinstance(got, str) and "unzips to more than" in got


def test_html_that_is_not_a_page_is_a_reason() -> None:
    assert read_html(b"\x00\x01\x02 binary junk", 1_000_000) == "no main text found in the page, skipped"


def test_a_pdf_named_txt_is_read_as_a_pdf(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_bytes(_pdf(["First page.", PDF_SENTENCE]))
    doc = read_document(f)
    assert isinstance(doc, Document) and doc.encoding == "pdf" and doc.page_of(doc.text.index("80,000")) == 2


def test_pdf_hyphenated_line_end_is_mended() -> None:
    from nkextract.read.formats import _paragraphs

    assert _paragraphs(["The figure was pre-\nliminary, said 12 well-\nKnown experts.\n"]) == (
        "The figure was preliminary, said 12 well- Known experts.\n\n")
    # a box that ends mid-sentence continues in the next (a column break)
    assert _paragraphs(["Some 4,000 people were\n", "held in the camp.\n"]) == (
        "Some 4,000 people were held in the camp.\n\n")


def test_a_cached_pdf_or_page_is_not_parsed_again(folder: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from nkextract.read import formats

    opts = ExtractOptions(model="blank", workers=1, cache_dir=tmp_path / "cache")
    files = [folder / "report.pdf", folder / "page.html", folder / "brief.docx"]
    cold = extract_paths(files, opts)

    def never(data: bytes, max_chars: int) -> str:
        raise AssertionError("parsed again")

    for name in ("read_pdf", "read_html", "read_docx"):
        monkeypatch.setattr(formats, name, never)
    warm = extract_paths(files, opts)
    assert warm.cached == 3 and not warm.errors
    assert [c.to_dict() for c in warm.claims] == [c.to_dict() for c in cold.claims]


def test_report_places_a_pdf_claim_by_its_page(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", str(folder / "report.pdf"), str(folder / "page.html"), "--all",
                                 "--model", "blank", "--no-cache", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert 'report.pdf<span class="line"> p. 2</span>' in page


def test_a_skipped_pdf_is_remembered_not_parsed_again(folder: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from nkextract.read import formats

    opts = ExtractOptions(model="blank", workers=1, cache_dir=tmp_path / "cache")
    files = [folder / "bad" / "scan.pdf", folder / "bad" / "locked.pdf", folder / "notes.txt"]
    cold = extract_paths(files, opts)

    def never(data: bytes, max_chars: int) -> str:
        raise AssertionError("parsed again")

    monkeypatch.setattr(formats, "read_pdf", never)
    warm = extract_paths(files, opts)
    assert [(e.source, e.message) for e in warm.errors] == [(e.source, e.message) for e in cold.errors]
    assert len(warm.errors) == 2 and warm.files == 1


def test_pdf_layout_breaks_ties_by_the_order_boxes_were_made_not_their_address() -> None:
    """pdfminer grouped equal-distance text boxes by ``id()``: the same page came out in
    another order when its boxes sat elsewhere in memory (a real UML diagram and a
    Japanese report did, in other processes).  Four equal boxes in a row, made forwards
    and backwards, must group alike."""
    from pdfminer.layout import LAParams, LTTextBoxHorizontal

    from nkextract.read.formats import _stable_aggregator

    def boxes(backwards: bool) -> list:
        made = {}
        for x in sorted((0, 100, 200, 300), reverse=backwards):
            made[x] = LTTextBoxHorizontal()
            made[x].set_bbox((x, 0, x + 50, 10))
        return [made[x] for x in sorted(made)]

    def shape(group):
        return int(group.x0) if isinstance(group, LTTextBoxHorizontal) else tuple(shape(g) for g in group)

    page = _stable_aggregator().page_class
    shapes = {shape(page(1, (0, 0, 400, 20)).group_textboxes(LAParams(), boxes(b))[0]) for b in (False, True)}
    assert shapes == {((200, 300), (0, 100))}  # one grouping, whichever box was made first


def _killing_convert(raw, max_bytes):
    """io.to_document, except that a file named poison.* ends its reader process (module
    level: pickled by reference into the readers' pool)."""
    import os

    from nkextract.read.files import to_document

    if raw.name.startswith("poison."):
        os._exit(1)
    return to_document(raw, max_bytes)


def test_readers_pool_gives_the_one_process_output_and_survives_a_dying_reader(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nkextract.run import pool

    one = extract_paths([folder], ExtractOptions(model="blank", workers=1))
    two = extract_paths([folder], ExtractOptions(model="blank", workers=2))
    assert [c.to_dict() for c in two.claims] == [c.to_dict() for c in one.claims]
    assert [(e.source, e.message) for e in two.errors] == [(e.source, e.message) for e in one.errors]

    mixed = tmp_path / "mixed"
    shutil.copytree(folder, mixed)
    (mixed / "poison.html").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(pool.Readers, "convert", staticmethod(_killing_convert))
    got = extract_paths([mixed], ExtractOptions(model="blank", workers=2))
    assert ("poison.html", pool.READER_DIED) in [(Path(e.source).name, e.message) for e in got.errors]
    assert [(c.text, c.start) for c in got.claims] == [(c.text, c.start) for c in one.claims]
