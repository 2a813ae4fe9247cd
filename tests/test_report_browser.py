"""The report in real headless Chromium: what a reader's browser shows, runs and hides.

Needs Debian's ``chromium`` (``.ci/run`` installs it); the tests skip, saying so, only
when no Chromium is found.  Screenshots go to ``test-artifacts/`` (git-ignored): look at
them after a change to the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from nkextract.cli import app

from .browser import Browser, Page, dump_dom, find_chromium
from .htmlpage import Element, parse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH: apt-get install chromium (.ci/run does), "
                                                "or set NKEXTRACT_CHROMIUM to a Chromium binary"),
]

runner = CliRunner()


def nk(*args: str | Path) -> Any:
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, (r.exit_code, r.stdout[-2000:], r.stderr[-2000:])
    return r


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """The sample corpus's report with the trained pipeline and ``--all``, written from the
    repo root so sources read ``corpus/...``; and the groups ``conflicts`` gives for it."""
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        nk("report", "corpus", "--all", "--cache-dir", out / "cache", "-o", out / "corpus.html", "-q")
        groups = json.loads(nk("conflicts", "corpus", "--all", "--cache-dir", out / "cache", "-f", "json").stdout)
    return out / "corpus.html", groups


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as b:
        yield b


def sections(root: Element) -> list[Element]:
    return root.find_all(lambda e: e.tag == "section" and "data-verdict" in e.attrs)


def classes(e: Element) -> list[str]:
    return (e.attrs.get("class") or "").split()


@pytest.mark.model
def test_the_rendered_page_has_a_section_and_a_chart_per_group(corpus_page: tuple[Path, list[dict[str, Any]]]) -> None:
    page, groups = corpus_page
    root = parse(dump_dom(CHROMIUM, page))
    secs = sections(root)
    assert [s.attrs["data-verdict"] for s in secs] == [g["verdict"] for g in groups]
    for sec, g in zip(secs, groups):
        (svg,) = [e for e in sec.find_all("svg") if "chart" in classes(e)]
        assert svg.attrs["role"] == "img"
        marks = [e for e in svg.find_all("g") if "mark" in classes(e)]
        assert len(marks) == len(g["claims"])
    conflict = next(s for s in secs if s.attrs["data-verdict"] == "conflict")
    text = conflict.text()
    assert "80,000–120,000" in text and "200,000" in text and "political prison camps" in text
    chart_title = conflict.find_all("title")[0].text()
    assert "80,000–120,000" in chart_title and "~200,000" in chart_title
    # the page's own script ran under its Content-Security-Policy
    assert "hidden" not in root.by_id("controls").attrs
    assert root.by_id("count").text() == f"{len(groups)} of {len(groups)} groups shown"


PAYLOAD = "document.body.setAttribute('data-pwned', 'yes')"


def test_markup_in_articles_and_file_names_shows_as_text_and_runs_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = f"<img src=x onerror=\"{PAYLOAD}\">.txt"
    (folder / name).write_text(
        f"Officials said <script>{PAYLOAD}</script> 5,000 people were displaced <img src=x onerror=\"{PAYLOAD}\"> "
        f"by the floods <svg onload=\"{PAYLOAD}\"></svg> in the north.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Aid groups said 20,000 people were displaced by the floods in the north.\n",
                                  encoding="utf-8")
    page = tmp_path / "r.html"
    nk("report", folder, "--all", "--model", "blank", "--no-cache", "-o", page, "-q")
    root = parse(dump_dom(CHROMIUM, page))
    (body,) = root.find_all("body")
    assert "data-pwned" not in body.attrs
    assert root.find_all("img") == [] and len(root.find_all("script")) == 1
    assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrs)]
    (sec,) = sections(root)
    quotes = " ".join(q.text() for q in sec.find_all("blockquote"))
    assert f"<script>{PAYLOAD}</script>" in quotes and "<svg onload=" in quotes
    assert name in sec.text()  # the file name, as text
    assert root.by_id("count").text() == "1 of 1 groups shown"  # our script, and only ours, ran


def visible(page: Page) -> list[str]:
    return page.eval("Array.from(document.querySelectorAll('section[data-verdict]'))"
                     ".filter(s => getComputedStyle(s).display !== 'none').map(s => s.dataset.verdict)")


@pytest.mark.model
def test_filters_search_and_sort_hide_show_and_reorder_groups(
        corpus_page: tuple[Path, list[dict[str, Any]]], browser: Browser) -> None:
    path, groups = corpus_page
    page = browser.open(path.as_uri())
    every = [g["verdict"] for g in groups]
    assert visible(page) == every and "scope" in every
    page.eval("document.querySelector('input[name=verdict][value=scope]').click()")
    assert visible(page) == [v for v in every if v != "scope"]
    assert page.eval("document.getElementById('count').textContent") == \
        f"{len(every) - every.count('scope')} of {len(every)} groups shown"
    page.eval("document.querySelector('input[name=verdict][value=scope]').click()")
    assert visible(page) == every

    page.eval("document.getElementById('search').focus()")
    page.call("Input.insertText", {"text": "PRISONERS tip report"})  # typed: case and word order do not matter
    assert visible(page) == ["conflict"]
    page.eval("const s = document.getElementById('search'); s.value = 'no such words'; "
              "s.dispatchEvent(new Event('input'))")
    assert visible(page) == []
    page.eval("const t = document.getElementById('search'); t.value = ''; t.dispatchEvent(new Event('input'))")
    assert visible(page) == every

    def order() -> list[str]:
        return page.eval("Array.from(document.querySelectorAll('section[data-verdict]')).map(s => s.dataset.order)")

    page.eval("const o = document.getElementById('sort'); o.value = 'severity'; o.dispatchEvent(new Event('change'))")
    severities = page.eval("Array.from(document.querySelectorAll('section[data-verdict]'))"
                           ".map(s => parseFloat(s.dataset.severity || '-1'))")
    assert severities == sorted(severities, reverse=True) and sorted(order()) == sorted(map(str, range(1, len(every) + 1)))
    page.eval("const p = document.getElementById('sort'); p.value = 'order'; p.dispatchEvent(new Event('change'))")
    assert order() == [str(n) for n in range(1, len(every) + 1)]


@pytest.mark.model
def test_screenshots_of_the_sample_report(corpus_page: tuple[Path, list[dict[str, Any]]], browser: Browser) -> None:
    """Desktop (whole page and first screen) and phone: PNGs in test-artifacts/ to look at."""
    path, _ = corpus_page
    desk = browser.open(path.as_uri(), 1280, 1180)  # the first screen: docs/report.png in the README
    full = desk.screenshot(ARTIFACTS / "report-corpus.png")
    top = desk.screenshot(ARTIFACTS / "report-corpus-top.png", full_page=False)
    phone = browser.open(path.as_uri(), 390, 844, mobile=True)
    small = phone.screenshot(ARTIFACTS / "report-corpus-phone.png")
    for png in (full, top, small):
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    assert int.from_bytes(top[16:20], "big") == 1280 and int.from_bytes(small[16:20], "big") == 390
    # nothing wider than a phone: the charts stretch, long file names wrap
    assert phone.eval("document.documentElement.scrollWidth") <= 390


@pytest.mark.model
def test_the_print_stylesheet_hides_the_controls(corpus_page: tuple[Path, list[dict[str, Any]]],
                                                 browser: Browser) -> None:
    path, groups = corpus_page
    page = browser.open(path.as_uri())
    page.call("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.eval("getComputedStyle(document.getElementById('controls')).display") == "none"
    assert len(visible(page)) == len(groups)
    pdf = page.call("Page.printToPDF", {"printBackground": True})["data"]
    assert len(pdf) > 10_000
