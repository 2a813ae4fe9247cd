"""The Dask backend: a real scheduler and two real worker processes on 127.0.0.1.

The output must be the local run's, byte for byte, whatever happens to the workers.
Packs are made small (monkeypatched in this, the client, process) so every run spreads
over both workers.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Iterator

import distributed
import pytest
from typer.testing import CliRunner

from nkextract import __version__
from nkextract.cli import app
from nkextract.errors import UsageError
from nkextract.run import dask_worker, pool, work
from nkextract.run.runner import ExtractOptions, extract_paths

from .conftest import CORPUS

cli = CliRunner()


def run(*args: str | Path):
    return cli.invoke(app, [str(a) for a in args])


def _check_one_error_line(result, *needles: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:], result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


def _local_cluster() -> distributed.LocalCluster:
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                    silence_logs=logging.ERROR)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A scheduler with two worker processes, shared by the tests that do not harm it."""
    cluster = _local_cluster()
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(autouse=True)
def small_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(work, "PACK_CHARS", 5_000)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS, d)
    return d


@pytest.mark.model
def test_cluster_output_is_the_local_output(scheduler: str) -> None:
    local = run("extract", CORPUS, "-f", "jsonl", "--no-cache", "-j", "1")
    remote = run("extract", CORPUS, "-f", "jsonl", "--no-cache", "--dask", scheduler)
    assert local.exit_code == remote.exit_code == 0, (remote.stderr, remote.exception)
    assert remote.stdout == local.stdout
    assert local.stdout.count("\n") > 50


def test_local_cluster_reports_bad_files_like_the_local_run(corpus_copy: Path) -> None:
    (corpus_copy / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus_copy / "empty.txt").write_bytes(b"")
    local = run("extract", corpus_copy, "--model", "blank", "-f", "jsonl", "--no-cache", "-j", "1")
    remote = run("extract", corpus_copy, "--model", "blank", "-f", "jsonl", "--no-cache", "--dask", "local:2")
    assert local.exit_code == remote.exit_code == 3, (remote.stderr, remote.exception)
    assert remote.stdout == local.stdout and remote.stderr == local.stderr
    assert "binary.txt" in remote.stderr and "empty.txt" in remote.stderr


def test_conflicts_on_the_cluster_match_the_local_run(scheduler: str) -> None:
    args = ["conflicts", CORPUS, "--model", "blank", "--all", "--min-sources", "1", "-f", "json", "--no-cache"]
    local = run(*args, "-j", "1")
    remote = run(*args, "--dask", scheduler)
    assert local.exit_code == remote.exit_code == 0, (remote.stderr, remote.exception)
    assert remote.stdout == local.stdout and len(remote.stdout) > 1000


def test_only_cache_misses_go_to_the_cluster(scheduler: str, corpus_copy: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from nkextract.run.cluster import DaskMapper

    cache = tmp_path / "cache"
    extract_paths([corpus_copy], ExtractOptions(model="blank", workers=1, cache_dir=cache))
    changed = corpus_copy / "001_3fa1a3e745d87418.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nIt cost $7 million.\n", encoding="utf-8")
    sent: set[str] = set()
    original = DaskMapper.map

    def spy(self: DaskMapper, tasks: list) -> Iterator:
        sent.update(t.source for t in tasks)
        return original(self, tasks)

    monkeypatch.setattr(DaskMapper, "map", spy)
    on_cluster = extract_paths([corpus_copy], ExtractOptions(model="blank", cache_dir=cache, dask=scheduler))
    local = extract_paths([corpus_copy], ExtractOptions(model="blank", workers=1))
    assert on_cluster.cached == 4
    assert [Path(s).name for s in sent] == [changed.name]
    assert on_cluster.records == local.records


def test_a_worker_killed_mid_run_loses_no_claims(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(8):  # ~780 kB: about 150 packs, so the run outlives the kill
        for f in CORPUS.glob("*.txt"):
            shutil.copy(f, folder / f"{n}_{f.name}")
    local = extract_paths([folder], ExtractOptions(model="blank", workers=1))
    cluster = _local_cluster()
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            pids = client.run(os.getpid)
            victim = sorted(pids.values())[0]
            killed: list[int] = []

            def kill_once(done: int, total: int) -> None:
                if not killed and done < total // 2:
                    os.kill(victim, signal.SIGKILL)
                    killed.append(done)

            res = extract_paths([folder], ExtractOptions(model="blank", dask=cluster.scheduler_address),
                                progress=kill_once)
            assert killed and killed[0] < 20
            assert victim not in client.run(os.getpid).values()  # it did die (the nanny started another)
    finally:
        cluster.close()
    assert res.files == 40 and not res.errors
    assert res.records == local.records


def test_worker_with_another_version_is_a_usage_error(scheduler: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the client expects other versions than the workers (separate processes) really have
    monkeypatch.setattr(dask_worker, "versions", lambda model: {"nkextract": "9.9.9", "model": "x 0"})
    r = run("extract", CORPUS, "--model", "blank", "--no-cache", "-f", "json", "--dask", scheduler)
    _check_one_error_line(r, f"has nkextract {__version__}, this machine 9.9.9", "same nkextract and model")
    assert r.stdout == ""


def test_plugin_setup_names_the_mismatch(rules) -> None:
    plugin = dask_worker.ExtractorPlugin(rules, "blank", {"nkextract": "0.0.1", "model": "blank 1"})

    class Worker:
        address = "tcp://10.0.0.9:4000"

    with pytest.raises(UsageError, match="tcp://10.0.0.9:4000 has nkextract"):
        plugin.setup(Worker())


@pytest.mark.parametrize(("spec", "needle"), [
    ("local:0", "local:N with N >= 1"),
    ("local:two", "local:N with N >= 1"),
    ("http://10.0.0.5:8786", "not a scheduler address"),
    ("10.0.0.5", "not a scheduler address"),
])
def test_bad_dask_target_is_a_usage_error(spec: str, needle: str) -> None:
    _check_one_error_line(run("extract", CORPUS, "--model", "blank", "--dask", spec), needle)


def test_unreachable_scheduler_is_a_usage_error() -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        r = run("extract", CORPUS, "--model", "blank", "--no-cache", "--dask", "tcp://127.0.0.1:1")
    _check_one_error_line(r, "cannot reach the Dask scheduler at tcp://127.0.0.1:1")


def test_scheduler_without_workers_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from nkextract.run import cluster as cluster_mod

    monkeypatch.setattr(cluster_mod, "WORKER_WAIT_S", 1)
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as empty:
        r = run("extract", CORPUS, "--model", "blank", "--no-cache", "--dask", empty.scheduler_address)
    _check_one_error_line(r, "no Dask worker joined the scheduler", "within 1 s")


def test_dask_without_the_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    r = run("extract", CORPUS, "--model", "blank", "--no-cache", "--dask", "local:2")
    _check_one_error_line(r, "--dask needs the cluster extra", "nkextract[cluster]")


KILLER = "KILL-THE-WORKER"


def _killing_pack(pack, plugin):
    """dask_worker.run_pack, except that a file holding KILLER ends the worker process (a
    crash in native code, the OOM killer); module level, so Dask pickles it by reference."""
    if any(KILLER in c.text for c in pack):
        os._exit(1)
    return dask_worker.run_pack(pack, plugin)


def test_a_file_that_kills_workers_is_skipped_and_the_run_goes_on(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    folder = tmp_path / "poisoned"
    shutil.copytree(CORPUS, folder)
    local = extract_paths([folder], ExtractOptions(model="blank", workers=1))
    (folder / "003b_poison.txt").write_text(f"{KILLER}: 5 people.\n", encoding="utf-8")
    monkeypatch.setattr(dask_worker, "run_pack", _killing_pack)
    # one death per task is enough to call it killing (the scheduler runs in this process)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = _local_cluster()
        try:
            res = extract_paths([folder], ExtractOptions(model="blank", dask=cluster.scheduler_address))
        finally:
            cluster.close()
    assert [(Path(e.source).name, e.message) for e in res.errors] == [("003b_poison.txt", pool.WORKER_DIED)]
    assert res.files == 5 and res.records == local.records
