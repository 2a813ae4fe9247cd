"""Hostile files: encodings, binaries, empties, unreadable, vanishing, links, sizes, names.

Whatever is in the folder, the run never crashes, every good file's claims are still
emitted, the skipped files are named on stderr and in ``--errors FILE``, and the exit
code says what happened (0 ok, 3 completed with inputs skipped).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hostile_helpers import check_offsets, invoke, invoke_budget, strict_json, strict_jsonl

from nkextract.read.files import Document, decode, read_document

GOOD = "Officials counted 12,345 people in the camp.\n"


def _values(claims: list[dict]) -> dict[str, tuple]:
    return {c["text"]: (c["low"], c["high"], c["unit"]) for c in claims}


def _value(claims: list[dict], needle: str) -> tuple:
    """(low, high, unit) of the one claim whose text contains ``needle`` ("Around 80,000")."""
    hits = [(c["low"], c["high"], c["unit"]) for c in claims if needle in c["text"]]
    assert len(hits) == 1, (needle, [c["text"] for c in claims])
    return hits[0]


def _skipped(run, errors_file: Path | None = None) -> dict[str, str]:
    """Skipped sources from the stderr summary (and the --errors file, which must agree)."""
    named = {line.strip().split(": ")[0] for line in run.stderr.splitlines() if line.startswith("  ")}
    if errors_file is not None:
        errs = strict_json(errors_file.read_text(encoding="utf-8"))
        assert {e["source"] for e in errs} >= named
        return {e["source"]: e["error"] for e in errs}
    return {n: "" for n in named}


# --- encodings -------------------------------------------------------------------------

LEGACY = "The council paid “£600m” to settle — the café’s owner said €1.2bn more is due.\n"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_western_text_is_decoded_and_its_figures_found(tmp_path, encoding):
    text = LEGACY if encoding == "cp1252" else "Le comité a payé £600m à Zürich, naïvement.\n"
    (tmp_path / "legacy.txt").write_bytes(text.encode(encoding))
    # the latin-1 text is French: read it, as --languages all does (by default it is skipped)
    claims = strict_json(invoke("extract", "legacy.txt", "-f", "json", "--languages", "all").ok().stdout)
    doc = read_document(Path("legacy.txt"))
    assert doc.text == text and doc.encoding == "cp1252"
    vals = _values(claims)
    assert vals["\u00a3600m"] == (600e6, 600e6, "GBP")
    if encoding == "cp1252":
        assert vals["\u20ac1.2bn"] == (1.2e9, 1.2e9, "EUR")
    check_offsets(claims)


@pytest.mark.parametrize("text", ["\u00a3600m", "Prix: \u00a3600m, caf\u00e9", "na\u00efve r\u00e9sum\u00e9 \u00a35"])
def test_short_latin1_text_is_not_misread_as_an_asian_or_central_european_code_page(text):
    # charset-normalizer alone read "£600m" as cp932 ("｣600m") and "café" as cp1250 ("Ł")
    assert decode(text.encode("latin-1")) == (text, "cp1252")


def test_cyrillic_code_page_still_detected():
    text = "Правительство потратило 600 миллионов рублей на дороги."
    assert decode(text.encode("cp1251"))[0] == text


BOM_TEXT = "Around 80,000 people \u2014 and \u00a3600m \u2014 were counted in 2019 \U0001F600.\n"


@pytest.mark.parametrize("bom,codec", [
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
])
def test_bom_files_are_decoded_and_offsets_do_not_count_the_bom(tmp_path, bom, codec):
    (tmp_path / "bom.txt").write_bytes(bom + BOM_TEXT.encode(codec))
    claims = strict_json(invoke("extract", "bom.txt", "-f", "json").ok().stdout)
    assert read_document(Path("bom.txt")).text == BOM_TEXT  # no U+FEFF kept
    assert _value(claims, "80,000")[:2] == (80_000, 80_000)
    assert _value(claims, "\u00a3600m") == (600e6, 600e6, "GBP")
    money = next(c for c in claims if c["text"] == "\u00a3600m")
    assert money["start"] == BOM_TEXT.index("\u00a3600m")
    check_offsets(claims)


def test_bom_with_invalid_utf16_after_it_is_skipped_not_fatal(tmp_path):
    (tmp_path / "bad16.txt").write_bytes(b"\xff\xfe" + "12 people".encode("utf-16-le") + b"\x00\xd8")
    (tmp_path / "good.txt").write_text(GOOD)
    run = invoke("extract", ".", "-f", "json").ok(3)
    assert "bad16.txt" in _skipped(run)
    assert _value(strict_json(run.stdout), "12,345")[0] == 12_345


# --- files that are not (usable) text -------------------------------------------------------


def test_binary_file_named_txt_is_skipped_and_good_files_still_emitted(tmp_path):
    (tmp_path / "a_good.txt").write_text(GOOD)
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR 12 people" + bytes(range(256)) * 4)
    (tmp_path / "z_good.txt").write_text("The fine was \u00a3600m.\n")
    run = invoke("extract", ".", "-f", "json", "--errors", "errors.json").ok(3)
    skipped = _skipped(run, tmp_path / "errors.json")
    assert list(skipped) == ["image.txt"] and "binary" in skipped["image.txt"]
    assert "warning: 1 input skipped" in run.stderr
    claims = strict_json(run.stdout)
    assert {c["source"] for c in claims} == {"a_good.txt", "z_good.txt"}
    check_offsets(claims)


def test_empty_and_whitespace_only_files_are_skipped(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\t\r\n  \n")
    (tmp_path / "bomonly.txt").write_bytes(b"\xff\xfe")
    (tmp_path / "nbsp.txt").write_text("\u00a0\u2003\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD)
    run = invoke("extract", ".", "-f", "jsonl", "--errors", "errors.json").ok(3)
    skipped = _skipped(run, tmp_path / "errors.json")
    assert set(skipped) == {"empty.txt", "blank.txt", "bomonly.txt", "nbsp.txt"}
    assert all("empty" in why for why in skipped.values())
    assert [c["low"] for c in strict_jsonl(run.stdout)] == [12_345]


def test_only_bad_files_still_gives_valid_empty_output(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    run = invoke("extract", ".", "-f", "json").ok(3)
    assert strict_json(run.stdout) == []


def test_unreadable_file_chmod_000(tmp_path):
    f = tmp_path / "secret.txt"
    f.write_text(GOOD)
    f.chmod(0)
    try:
        try:
            f.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop reading; "
                        "see test_unreadable_file_simulated")
        (tmp_path / "good.txt").write_text("The fine was \u00a3600m.\n")
        run = invoke("extract", ".", "-f", "json", "--errors", "errors.json").ok(3)
        assert "Permission denied" in _skipped(run, tmp_path / "errors.json")["secret.txt"]
        assert [c["source"] for c in strict_json(run.stdout)] == ["good.txt"]
    finally:
        f.chmod(0o644)


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """What chmod 000 does for a normal user, made to happen even when tests run as root."""
    import nkextract.read.files as nio

    (tmp_path / "secret.txt").write_text(GOOD)
    (tmp_path / "good.txt").write_text("The fine was \u00a3600m.\n")
    real = nio._read_file

    def deny(path, max_bytes):
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, max_bytes)

    monkeypatch.setattr(nio, "_read_file", deny)
    run = invoke("extract", ".", "-f", "json", "--errors", "errors.json").ok(3)
    skipped = _skipped(run, tmp_path / "errors.json")
    assert skipped == {"secret.txt": "cannot read (Permission denied)"}
    assert "secret.txt: cannot read (Permission denied)" in run.stderr
    assert [c["source"] for c in strict_json(run.stdout)] == ["good.txt"]


def test_file_vanishing_between_discovery_and_read(tmp_path, monkeypatch):
    import nkextract.run.runner as runner

    for name in ("a.txt", "b_gone.txt", "c.txt"):
        (tmp_path / name).write_text(GOOD)
    real = runner.discover

    def discover_then_delete(*args, **kwargs):
        items = list(real(*args, **kwargs))
        (tmp_path / "b_gone.txt").unlink()  # found, then gone before it is read
        yield from items

    monkeypatch.setattr(runner, "discover", discover_then_delete)
    run = invoke("extract", ".", "-f", "json", "--errors", "errors.json").ok(3)
    assert _skipped(run, tmp_path / "errors.json") == {"b_gone.txt": "file vanished before it could be read"}
    assert sorted(c["source"] for c in strict_json(run.stdout)) == ["a.txt", "c.txt"]


def test_file_replaced_by_a_fifo_after_discovery_does_not_hang(tmp_path, monkeypatch):
    """A blocking open() of a FIFO waits for a writer forever; the read must not block.

    In-process (the swap needs a monkeypatch), so a watchdog rescues a hung read by
    opening the FIFO for writing, and the test then fails instead of stalling the suite.
    """
    import threading

    import nkextract.run.runner as runner

    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text(GOOD)
    fifo = tmp_path / "b.txt"
    real = runner.discover

    def discover_then_swap(*args, **kwargs):
        items = list(real(*args, **kwargs))
        fifo.unlink()
        os.mkfifo(fifo)  # nobody will ever write to it
        yield from items

    done, rescued = threading.Event(), []

    def watchdog():
        deadline = time.monotonic() + 15
        while not done.wait(0.2):
            if time.monotonic() > deadline:
                try:  # succeeds only while a reader is blocked on the FIFO
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                    rescued.append(True)
                except OSError:
                    pass

    monkeypatch.setattr(runner, "discover", discover_then_swap)
    t = threading.Thread(target=watchdog, daemon=True)
    t.start()
    try:
        run = invoke("extract", ".", "-f", "json")
    finally:
        done.set()
        t.join()
    assert not rescued, "the run blocked reading a FIFO"
    run.ok(3)
    assert "b.txt: not a regular file" in run.stderr
    assert [c["source"] for c in strict_json(run.stdout)] == ["a.txt"]


# --- links, fifos -----------------------------------------------------------------------------


def test_symlink_loops_neither_hang_nor_crash(tmp_path):
    d = tmp_path / "corpus"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "a.txt").write_text(GOOD)
    (d / "sub" / "up").symlink_to("..")  # folder loop: corpus/sub/up -> corpus
    (d / "self").symlink_to("self")  # a link to itself
    (d / "loop.txt").symlink_to("loop.txt")
    (d / "ping.txt").symlink_to("pong.txt")
    (d / "pong.txt").symlink_to("ping.txt")
    run = invoke_budget("extract", "corpus", "-f", "json", "--errors", "errors.json", budget=20).ok(3)
    skipped = _skipped(run, tmp_path / "errors.json")
    assert {"corpus/loop.txt", "corpus/ping.txt", "corpus/pong.txt"} <= set(skipped)
    claims = strict_json(run.stdout)
    assert [c["source"] for c in claims] == ["corpus/sub/a.txt"]  # once, not once per loop


def test_broken_symlink_is_named_as_itself(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "dangling.txt").symlink_to("does-not-exist.txt")
    run = invoke("extract", ".", "-f", "json", "--errors", "errors.json").ok(3)
    assert list(_skipped(run, tmp_path / "errors.json")) == ["dangling.txt"]
    assert [c["source"] for c in strict_json(run.stdout)] == ["good.txt"]
    run = invoke("extract", "dangling.txt", "good.txt", "-f", "json").ok(3)  # named on the command line
    assert "dangling.txt" in run.stderr


def test_fifo_named_txt_does_not_hang(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.txt")
    run = invoke_budget("extract", ".", "pipe.txt", "-f", "json", budget=20).ok(3)
    assert "pipe.txt" in run.stderr
    assert [c["source"] for c in strict_json(run.stdout)] == ["good.txt"]


def test_symlinked_file_is_read_once(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").symlink_to("a.txt")
    claims = strict_json(invoke("extract", ".", "-f", "json").ok().stdout)
    assert len(claims) == 1


def test_a_folder_link_changed_between_two_runs_is_resolved_again(tmp_path, monkeypatch):
    """files._real_folder remembers a folder's real path within a run only."""
    from nkextract.read.files import discover, read_raw

    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text(GOOD)
    (tmp_path / "link").symlink_to("a")
    first = [read_raw(p).source for p in discover(["link"])]
    (tmp_path / "link").unlink()
    (tmp_path / "link").symlink_to("b")
    second = [read_raw(p).source for p in discover(["link"])]
    assert (first, second) == (["a/x.txt"], ["b/x.txt"])


# --- names ---------------------------------------------------------------------------------


def test_paths_with_spaces_and_non_ascii_names(tmp_path):
    d = tmp_path / "donn\u00e9es \u00e9t\u00e9"
    d.mkdir()
    (d / "\u00e4rtikel 1.txt").write_text(GOOD, encoding="utf-8")
    (d / "\u65b0\u95fb \U0001F4F0.md").write_text("The fine was \u00a3600m.\n", encoding="utf-8")
    for target in ("donn\u00e9es \u00e9t\u00e9", "donn\u00e9es \u00e9t\u00e9/\u00e4rtikel 1.txt"):
        claims = strict_json(invoke("extract", target, "-f", "json").ok().stdout)
        assert "donn\u00e9es \u00e9t\u00e9/\u00e4rtikel 1.txt" in {c["source"] for c in claims}
        check_offsets(claims)
    csv_out = invoke("extract", "donn\u00e9es \u00e9t\u00e9", "-f", "csv").ok().stdout
    assert "donn\u00e9es \u00e9t\u00e9/\u65b0\u95fb \U0001F4F0.md" in csv_out


def test_hostile_file_names_cannot_forge_output_or_crash_writers(tmp_path):
    """Undecodable bytes, ESC sequences, newlines, bidi overrides in names: escaped, not raw."""
    names = [b"bad\xffname.txt", "esc\x1b[2J\x1b[31mred.txt".encode(), b"two\nlines.txt",
             "evil\u202etxt.exe.txt".encode()]
    for n in names:
        with open(os.path.join(os.fsencode(tmp_path), n), "wb") as f:
            f.write(GOOD.encode())
        with open(os.path.join(os.fsencode(tmp_path), b"empty-" + n), "wb"):
            pass
    for fmt in ("json", "csv", "md", "table"):
        run = invoke("extract", ".", "-f", fmt, "-o", f"out.{fmt}", "--errors", "errors.json").ok(3)
        out = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
        for raw in ("\x1b", "\u202e", "\udcff", "two\nlines"):
            assert raw not in out and raw not in run.stderr, (fmt, raw)
    claims = strict_json((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert sorted(c["source"] for c in claims) == sorted(
        ["bad\\xffname.txt", "esc\\x1b[2J\\x1b[31mred.txt", "two\\x0alines.txt", "evil\\u202etxt.exe.txt"])
    # one summary line per skipped file: a newline in a name cannot forge a line
    assert len([ln for ln in run.stderr.splitlines() if ln.startswith("  ")]) == 4
    assert len(strict_json((tmp_path / "errors.json").read_text(encoding="utf-8"))) == 4


# --- sizes -----------------------------------------------------------------------------------


def test_50_mb_file_completes_with_exact_offsets_at_the_end(tmp_path):
    prose = ("Officials in the capital described the situation as \u201cdifficult\u201d \u2014 caf\u00e9 owners "
             "\U0001F600 and r\u00e9sidents agreed the talks would go on.\n")
    fig = "The ministry said about 80,000 people were held, and the report estimated \u00a3600m in costs.\n"
    block = prose * 49 + fig
    n = 50 * 2**20 // len(block.encode())
    tail = "At the very end the total was 4,321 tonnes.\n"
    big = tmp_path / "big.txt"
    with open(big, "w", encoding="utf-8") as f:
        f.write(block * n)
        f.write(tail)
    assert big.stat().st_size >= 50 * 10**6
    t = time.perf_counter()
    invoke("extract", "big.txt", "-f", "jsonl", "-o", "big.jsonl").ok()
    took = time.perf_counter() - t
    assert took < 90, f"50 MB took {took:.0f} s"
    claims = strict_jsonl((tmp_path / "big.jsonl").read_text(encoding="utf-8"))
    text = (block * n) + tail
    assert len(claims) == 2 * n + 1
    last = claims[-1]
    assert "4,321" in last["text"] and last["low"] == 4321
    assert last["start"] == len(text) - len(tail) + tail.index("4,321")  # characters, not bytes
    money = claims[-2]
    assert "\u00a3600m" in money["text"] and money["start"] == len(block * n) - len(fig) + fig.index(money["text"])
    check_offsets(claims[-50:], {"big.txt": text})


def test_10000_tiny_files(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(10_000):
        (d / f"f{i:05d}.txt").write_text(f"Officials counted {10_000 + i:,} people.\n")
    t = time.perf_counter()
    run = invoke("extract", "many", "-f", "jsonl", "-o", "many.jsonl", "--errors", "errors.json").ok()
    took = time.perf_counter() - t
    assert took < 30, f"10,000 files took {took:.0f} s"
    claims = strict_jsonl((tmp_path / "many.jsonl").read_text(encoding="utf-8"))
    got = {c["source"]: c["low"] for c in claims}
    assert got == {f"many/f{i:05d}.txt": 10_000 + i for i in range(10_000)}
    assert strict_json((tmp_path / "errors.json").read_text(encoding="utf-8")) == []
    assert run.stderr.count("warning") == 0


# --- everything at once ---------------------------------------------------------------------


def test_mixed_folder_every_good_claim_survives_every_bad_file_is_named(tmp_path):
    d = tmp_path / "mix"
    d.mkdir()
    good = {
        "utf8.txt": ("Officials counted 12,345 people.\n".encode(), "12,345"),
        "cp1252.txt": ("The fine was \u201c\u00a3600m\u201d.\n".encode("cp1252"), "\u00a3600m"),
        "utf16.txt": (b"\xff\xfe" + "About 7,000 troops.\n".encode("utf-16-le"), "7,000"),
        "sub dir/\u00e9t\u00e9.md": ("Some 4,500 homes.\n".encode(), "4,500"),
    }
    bad = {"bin.txt": b"\x00\x01\x02 12 people", "empty.txt": b"", "ws.txt": b"  \n \n"}
    for name, (data, _) in good.items():
        (d / name).parent.mkdir(exist_ok=True)
        (d / name).write_bytes(data)
    for name, data in bad.items():
        (d / name).write_bytes(data)
    (d / "broken.txt").symlink_to("nope.txt")
    (d / "ignored.csv").write_text("=1+1,12 people\n")  # not matched by the default globs
    run = invoke("extract", "mix", "-f", "json", "--errors", "errors.json").ok(3)
    skipped = _skipped(run, tmp_path / "errors.json")
    assert set(skipped) == {f"mix/{n}" for n in [*bad, "broken.txt"]}
    for n in skipped:
        assert n in run.stderr
    claims = strict_json(run.stdout)
    for n, (_, needle) in good.items():
        assert any(c["source"] == f"mix/{n}" and needle in c["text"] for c in claims), n
    check_offsets(claims)
    # the same claims whatever the output format
    jl = strict_jsonl(invoke("extract", "mix", "-f", "jsonl").ok(3).stdout)
    assert [c["id"] for c in jl] == [c["id"] for c in claims]


def test_exit_codes(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    assert invoke("extract", "good.txt", "-f", "json").ok(0)
    assert invoke("extract", ".", "-f", "json").ok(3)
    assert invoke("conflicts", ".", "-f", "json").ok(3)
    run = invoke("extract", "missing-folder", "good.txt", "-f", "json")  # a missing path is a usage error
    assert run.exit_code == 2 and run.stderr.startswith("error: missing-folder") and "Traceback" not in run.all
    run = invoke("extract", "good.txt", "--format", "yaml")
    assert run.exit_code == 2 and "Traceback" not in run.all
    run = invoke("diff", "good.txt", "missing.txt", "-f", "json")
    assert run.exit_code == 2 and "Traceback" not in run.all
    (tmp_path / "other.txt").write_text("Officials counted 99,999 people in the camp.\n")
    run = invoke("diff", "good.txt", "other.txt", "-f", "json")
    assert run.exit_code in (0, 1) and "Traceback" not in run.all


def test_read_document_never_raises_on_odd_paths(tmp_path):
    (tmp_path / "d.txt").mkdir()
    for p in (tmp_path / "d.txt", tmp_path / "nope.txt", Path("/dev/null")):
        r = read_document(p)
        assert not isinstance(r, Document), r
