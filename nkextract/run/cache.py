"""Per-file results in an embedded SQLite cache, so an unchanged file is never parsed twice.

The key is everything that decides a file's claims: its path as shown, the SHA-256 of
its bytes, the rules digest, the model name and version, and the nkextract version.
SQLite gives the safety for free: each file's entry is written in one transaction (a
run killed mid-write leaves the previous state), WAL mode plus a busy timeout lets two
runs share the cache.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from nkextract.version import __version__

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    payload BLOB NOT NULL
)
"""


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nkextract"))


def run_key(rules_digest: str, model: str, model_version: str) -> str:
    """The part of every key that is the same for a whole run."""
    return f"{__version__}|{rules_digest}|{model}|{model_version}"


class Cache:
    """A key -> claims (or skip reason) store.  ``None`` directory means caching is off."""

    def __init__(self, directory: Path | None, run: str) -> None:
        self.run = run
        self.problem = ""  # why the cache is off, when it could not be opened
        self.db: sqlite3.Connection | None = None
        if directory is None:
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(directory / "cache.sqlite3", timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(SCHEMA)
        except (OSError, sqlite3.Error) as e:
            # an unusable cache must never stop a run: parse instead, and say so
            self.db = None
            self.problem = f"cache disabled ({directory}: {getattr(e, 'strerror', None) or e})"

    def key(self, source: str, sha256: str) -> str:
        return hashlib.sha256(f"{self.run}|{source}|{sha256}".encode()).hexdigest()

    def get(self, key: str) -> list[dict[str, Any]] | dict[str, str] | None:
        """A file's claims, or ``{"skipped": reason}`` for a file its content made unusable."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT payload FROM results WHERE key = ?", (key,)).fetchone()
            return None if row is None else json.loads(zlib.decompress(row[0]))
        except (sqlite3.Error, zlib.error, ValueError):
            return None

    def put(self, key: str, claims: list[dict[str, Any]] | dict[str, str]) -> None:
        if self.db is None:
            return
        blob = zlib.compress(json.dumps(claims, ensure_ascii=False).encode(), 3)
        try:
            self.db.execute("INSERT OR REPLACE INTO results (key, payload) VALUES (?, ?)", (key, blob))
        except sqlite3.Error:
            pass  # a full disk or a locked cache costs speed, not results

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
