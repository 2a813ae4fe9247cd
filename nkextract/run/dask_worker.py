"""What runs on a Dask worker: the run's pipeline, loaded once per worker, and the task using it.

Workers import this module when they unpickle the plugin and the tasks (both are pickled
by reference), so it imports ``distributed`` at the top and holds nothing only the client
needs; the client side is :mod:`nkextract.run.cluster`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin, get_worker

from nkextract.errors import UsageError
from nkextract.rules import Rules

if TYPE_CHECKING:  # the extraction stage is imported only where a file is parsed
    from nkextract.extraction.pipeline import Chunk


def versions(model: str) -> dict[str, str]:
    """What must match between the client and every worker: the cache key is made of these
    on the client, so a worker with another nkextract or model would poison the cache."""
    from nkextract.version import __version__
    from nkextract.run.work import model_version

    return {"nkextract": __version__, "model": f"{model} {model_version(model)}"}


class ExtractorPlugin(WorkerPlugin):
    """Loads the spaCy pipeline and the run's rules once per worker, when the plugin joins it
    (at registration, or when a worker joins or is restarted later).

    The rules travel inside the plugin, so workers need no copy of ``--rules`` folders.
    """

    def __init__(self, rules: Rules, model: str, expected: dict[str, str]) -> None:
        self.rules = rules
        self.model = model
        self.expected = expected
        self.extractor: Any = None
        self.lock: threading.Lock | None = None

    def setup(self, worker: Any) -> None:
        from nkextract.extraction.pipeline import Extractor
        from nkextract.extraction.nlp import load_pipeline

        found = versions(self.model)
        for name, want in self.expected.items():
            if found[name] != want:
                raise UsageError(f"Dask worker {worker.address} has {name} {found[name]}, this machine "
                                 f"{want}: install the same nkextract and model on every worker")
        self.extractor = Extractor(load_pipeline(self.model, self.rules))
        # a worker with several threads runs several tasks at once; one pipeline (and its
        # memory zone) must not be used by two of them together
        self.lock = threading.Lock()

    def teardown(self, worker: Any) -> None:
        self.extractor = None

    def run(self, pack: list[Chunk]) -> list[list[dict[str, Any]]]:
        from nkextract.run.work import run_task

        assert self.lock is not None, "plugin used before setup"
        with self.lock:
            return run_task(pack, self.extractor)


def run_pack(pack: list[Chunk], plugin: str) -> list[list[dict[str, Any]]]:
    """One Dask task: the claim records of each chunk in ``pack``, by the run's plugin."""
    return get_worker().plugins[plugin].run(pack)
