"""The resumable manifest: ``CORPUS/manifest.sqlite``, keyed by the content SHA-256.

Tables:

* ``files``: one row per distinct input content once it has been processed:
  ``status`` (``done``/``failed``), ``n_decrees``, ``decree_ids`` (JSON list),
  ``pages``, ``stage``/``error_class``/``error`` for a failure, ``elapsed``
  (wall s), ``cpu_s``, ``max_rss_kb`` and ``worker`` (which process did it), ``finished_at``.
* ``sources``: every display name seen for a SHA-256 (``archive.zip!a/b.pdf``).
* ``inputs``: the current state of every input name (``archive.zip!a/b.pdf``): the
  content it holds now (``sha256``), or, when discovery refused it (unsafe or
  encrypted member, symlink, zip bomb), the refusal's ``stage``/``error_class``/
  ``message``.  Each run replaces the rows of every name it sees, so a member
  that now opens (the right ``--password``) or a file that was fixed loses its
  old error.
* ``errors`` (a view): one row per (content hash, input name) failure still
  standing: the refused inputs, and the inputs whose content is ``failed`` in
  ``files``.  Two members with one name but different bytes are two rows.
* ``runs``: one row per batch run (start, end, counts).

Every file's result is committed on its own (WAL journal), so a killed run loses
at most the files in flight; ``done`` hashes are skipped by the next run.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    n_decrees INTEGER NOT NULL DEFAULT 0,
    decree_ids TEXT NOT NULL DEFAULT '[]',
    pages INTEGER NOT NULL DEFAULT 0,
    stage TEXT,
    error_class TEXT,
    error TEXT,
    elapsed REAL,
    cpu_s REAL,
    max_rss_kb INTEGER,
    worker TEXT,
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS sources (
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (sha256, name)
);
CREATE TABLE IF NOT EXISTS inputs (
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL DEFAULT 0,
    stage TEXT,
    error_class TEXT,
    message TEXT,
    PRIMARY KEY (name, sha256, seq)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL,
    finished_at REAL,
    executor TEXT,
    workers INTEGER,
    tasks INTEGER,
    ok INTEGER,
    failed INTEGER,
    pages INTEGER,
    interrupted INTEGER
);
"""


_ERRORS_VIEW = """
CREATE VIEW IF NOT EXISTS errors AS
    SELECT name AS file, NULL AS sha256, seq, stage, error_class, message
    FROM inputs WHERE sha256 = ''
    UNION ALL
    SELECT i.name AS file, f.sha256, i.seq, f.stage, f.error_class, f.error AS message
    FROM inputs AS i JOIN files AS f ON f.sha256 = i.sha256
    WHERE f.status = 'failed';
"""


class Manifest:
    """A thin wrapper over the SQLite file; one connection, used by the driver only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        kind = self.db.execute("SELECT type FROM sqlite_master WHERE name = 'errors'").fetchone()
        if kind and kind[0] == "table":  # manifests of older versions kept an errors table
            self.db.execute("DROP TABLE errors")
        self.db.executescript(_SCHEMA + _ERRORS_VIEW)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads ------------------------------------------------------------------------

    def statuses(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT sha256, status FROM files"))

    def done(self) -> list[tuple[str, list[str]]]:
        """``(sha256, decree_ids)`` of every done file, by hash."""
        rows = self.db.execute(
            "SELECT sha256, decree_ids FROM files WHERE status = 'done' ORDER BY sha256"
        )
        return [(sha, json.loads(ids)) for sha, ids in rows]

    def names(self) -> dict[str, list[str]]:
        """Every display name per hash, sorted."""
        out: dict[str, list[str]] = {}
        for sha, name in self.db.execute("SELECT sha256, name FROM sources ORDER BY sha256, name"):
            out.setdefault(sha, []).append(name)
        return out

    def errors(self) -> list[dict[str, Any]]:
        """The failures still standing (the ``errors`` view), by file name then hash."""
        cur = self.db.execute(
            "SELECT file, sha256, stage, error_class, message FROM errors"
            " ORDER BY file, sha256, seq"
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row)) for row in cur]

    def count(self, status: str) -> int:
        return self.db.execute("SELECT count(*) FROM files WHERE status = ?", (status,)).fetchone()[
            0
        ]

    # -- writes (each one its own transaction) -------------------------------------------

    def add_sources(self, pairs: Iterable[tuple[str, str]]) -> None:
        with self._tx():
            self.db.executemany("INSERT OR IGNORE INTO sources VALUES (?, ?)", list(pairs))

    def set_inputs(
        self,
        found: Iterable[tuple[str, str]],
        refused: Iterable[tuple[str, str, str, str]],
    ) -> None:
        """Replace the state of every name seen by this run's discovery.

        ``found``: ``(name, sha256)``; ``refused``: ``(name, stage, error_class,
        message)``.  Names not seen by this run keep their rows.
        """
        found, refused = list(found), list(refused)
        seq: dict[str, int] = {}
        rows = [(name, sha, 0, None, None, None) for name, sha in found]
        for name, stage, error_class, message in refused:
            seq[name] = seq.get(name, 0) + 1  # one name refused twice (duplicate members)
            rows.append((name, "", seq[name], stage, error_class, message))
        with self._tx():
            self.db.executemany(
                "DELETE FROM inputs WHERE name = ?", [(n,) for n in {r[0] for r in rows}]
            )
            self.db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?, ?)", rows)

    def add_rejections(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """Record inputs refused before extraction: ``(file, stage, error_class, message)``."""
        self.set_inputs([], rows)

    def record(self, result: dict[str, Any], names: list[str]) -> None:
        """Store one file's result (and its ``errors`` rows) in one transaction."""
        ok = bool(result.get("ok"))
        ids = [d["decree_id"] for d in result.get("decrees", [])] if ok else []
        sha = result["sha256"]
        with self._tx():
            row = {
                "sha256": sha,
                "status": "done" if ok else "failed",
                "n_decrees": len(ids),
                "decree_ids": json.dumps(ids),
                "pages": int(result.get("pages") or 0),
                "stage": result.get("stage"),
                "error_class": result.get("error_class"),
                "error": result.get("error"),
                "elapsed": result.get("elapsed"),
                "cpu_s": result.get("cpu_s"),
                "max_rss_kb": result.get("max_rss_kb"),
                "worker": result.get("worker"),
                "finished_at": time.time(),
            }
            self.db.execute(
                f"INSERT OR REPLACE INTO files ({', '.join(row)})"
                f" VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )

    def start_run(self, executor: str, workers: int) -> int:
        with self._tx():
            cur = self.db.execute(
                "INSERT INTO runs (started_at, executor, workers) VALUES (?, ?, ?)",
                (time.time(), executor, workers),
            )
        return int(cur.lastrowid or 0)

    def end_run(self, run_id: int, **counts: int) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE runs SET finished_at = ?, tasks = ?, ok = ?, failed = ?, pages = ?,"
                " interrupted = ? WHERE run_id = ?",
                (
                    time.time(),
                    counts.get("tasks", 0),
                    counts.get("ok", 0),
                    counts.get("failed", 0),
                    counts.get("pages", 0),
                    counts.get("interrupted", 0),
                    run_id,
                ),
            )

    def _tx(self) -> _Tx:
        return _Tx(self.db)


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
