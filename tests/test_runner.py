"""Workers, cache and chunking: the run is fast, but the output never depends on how."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nkextract.extraction import pipeline as extract_mod
from nkextract.read.files import Document
from nkextract.run import pool, work
from nkextract.run.runner import ExtractOptions, extract_paths

from .conftest import CORPUS


def _dicts(result) -> list[dict]:
    return [c.to_dict() for c in result.claims]


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS, d)
    return d


def test_two_workers_give_the_same_output_as_one(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # force the pool even for a small corpus, and several packs per batch
    monkeypatch.setattr(pool, "POOL_MIN_CHARS", 0)
    monkeypatch.setattr(work, "PACK_CHARS", 10_000)
    one = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=1))
    two = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=2))
    assert one.files == two.files == 5
    assert len(one.claims) > 30
    assert _dicts(one) == _dicts(two)


def test_cache_answers_unchanged_files_and_reparses_changed_ones(corpus_copy: Path, tmp_path: Path) -> None:
    opts = ExtractOptions(model="blank", workers=1, cache_dir=tmp_path / "cache")
    cold = extract_paths([corpus_copy], opts)
    assert cold.cached == 0
    warm = extract_paths([corpus_copy], opts)
    assert warm.cached == 5
    assert _dicts(warm) == _dicts(cold)
    target = corpus_copy / "004_689646877552a5ac.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nIt cost $7 million.\n", encoding="utf-8")
    changed = extract_paths([corpus_copy], opts)
    assert changed.cached == 4
    assert any(c.text == "$7 million" and c.low == 7e6 for c in changed.claims)


def test_cache_key_includes_rules(corpus_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    extract_paths([corpus_copy], ExtractOptions(model="blank", cache_dir=cache))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "concepts.toml").write_text('[[concept]]\nkey = "famine"\naliases = ["arduous march"]\n')
    other = extract_paths([corpus_copy], ExtractOptions(model="blank", cache_dir=cache, rules_dirs=(extra,)))
    assert other.cached == 0


def test_unusable_cache_dir_does_not_stop_the_run(corpus_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    res = extract_paths([corpus_copy], ExtractOptions(model="blank", cache_dir=blocker / "cache"))
    assert res.files == 5 and res.claims


def test_big_file_in_chunks_keeps_global_offsets(blank_extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    para = "Officials said 1,200 people were moved in 2019.\nThe fund holds $3.5bn.\n"
    text = para * 400
    whole = blank_extractor.extract(Document("big.txt", text, "utf-8", ""))
    monkeypatch.setattr(extract_mod, "CHUNK_CHARS", 1000)
    assert len(extract_mod.chunks(text)) > 20
    chunked = blank_extractor.extract(Document("big.txt", text, "utf-8", ""))
    assert [c.to_dict() for c in chunked] == [c.to_dict() for c in whole]
    assert len(whole) == 800
    for c in chunked:
        assert text[c.start:c.end] == c.text


def test_chunks_cut_at_line_ends() -> None:
    text = "".join(f"line {i} has 12 words\n" for i in range(1000))
    pieces = extract_mod.chunks(text, 500)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(text[e - 1] == "\n" for _, e in pieces)


def test_two_runs_share_the_cache_and_a_killed_run_leaves_it_usable(corpus_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cmd = [sys.executable, "-m", "nkextract.cli", "extract", str(corpus_copy), "--model", "blank",
           "--cache-dir", str(cache), "--format", "json", "--quiet", "--workers", "1"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    # one run killed as soon as it has started
    victim = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    # two at once
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    a, b = (json.loads(o[0]) for o in outs)
    assert a == b and len(a) > 30
    # and the cache now answers everything
    res = extract_paths([corpus_copy], ExtractOptions(model="blank", cache_dir=cache))
    assert res.cached == 5


def test_a_run_answered_by_the_cache_starts_no_cluster(corpus_copy: Path, tmp_path: Path) -> None:
    """A scheduler nobody listens at is never contacted when every file is cached."""
    cache = tmp_path / "cache"
    cold = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=1, cache_dir=cache))
    warm = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=1, cache_dir=cache,
                                                       dask="tcp://127.0.0.1:1"))
    assert warm.cached == 5 and not warm.errors
    assert _dicts(warm) == _dicts(cold)


KILLER = "KILL-THE-WORKER"


def _killing_task(pack):
    """What a worker runs, except that a file holding KILLER ends the worker process, as a
    crash in native code or the OOM killer would (module level: pickled by reference)."""
    if any(KILLER in c.text for c in pack):
        os._exit(1)
    return work.run_task(pack)


def test_a_file_that_kills_its_worker_is_skipped_and_the_run_goes_on(corpus_copy: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    clean = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=1))
    (corpus_copy / "003b_poison.txt").write_text(f"{KILLER}: 5 people.\n", encoding="utf-8")
    monkeypatch.setattr(pool, "POOL_MIN_CHARS", 0)
    monkeypatch.setattr(work, "PACK_CHARS", 10_000)  # several packs, the poison among them
    monkeypatch.setattr(pool.LocalPool, "task", staticmethod(_killing_task))
    got = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=2))
    assert [(Path(e.source).name, e.message) for e in got.errors] == [("003b_poison.txt", pool.WORKER_DIED)]
    assert got.files == 5
    assert _dicts(got) == _dicts(clean)


def test_workers_that_die_on_every_file_end_the_run(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nkextract.errors import NkError

    for f in corpus_copy.iterdir():
        f.write_text(f"{KILLER}\n" + f.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(pool, "POOL_MIN_CHARS", 0)
    monkeypatch.setattr(pool.LocalPool, "task", staticmethod(_killing_task))
    with pytest.raises(NkError, match="worker processes died on 3 files in a row"):
        extract_paths([corpus_copy], ExtractOptions(model="blank", workers=2))
