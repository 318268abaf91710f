"""The review decisions: an append-only SQLite table in ``CORPUS/review.sqlite``.

One row per decision on one field of one target:

* target ``(decree_id, block, row)``: ``block`` is the jabatan number (0 for the
  decree header), ``row`` the indicator row number within the block (0 for the
  block itself or the header);
* ``action``: ``accept`` (the row/field is right as extracted), ``correct``
  (``new`` replaces ``old``), ``reject`` (the row is not an indicator row);
* ``field``: the column (``indikator``, ``jabatan``, ``nomor``, ...; ``*`` for
  accept/reject of a whole row), ``old`` and ``new`` values, ``reviewer``, ``time``.

UPDATE and DELETE are refused by triggers: nothing a reviewer did is ever lost.
Each target has a *version* (the number of decisions on it); a decision carries
the version the reviewer saw, and :meth:`DecisionStore.append` refuses it with
:class:`Conflict` when someone else decided on that target in between.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REVIEW_DB = "review.sqlite"
ACTIONS = ("accept", "correct", "reject")
DECREE_ID = re.compile(r"^[0-9a-f]{16}-[0-9]{1,4}$")
FIELD = re.compile(r"^(\*|[a-z_]{1,40})$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decree_id TEXT NOT NULL,
    block INTEGER NOT NULL,
    "row" INTEGER NOT NULL,
    field TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'correct', 'reject')),
    old TEXT,
    new TEXT,
    reviewer TEXT NOT NULL,
    time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_target ON decisions (decree_id, block, "row");
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
"""


class Conflict(Exception):
    """Someone else decided on the same target since the reviewer loaded it."""

    def __init__(self, expected: int, actual: int, latest: list[Decision]) -> None:
        super().__init__(f"target changed: version {actual}, the page showed {expected}")
        self.expected, self.actual, self.latest = expected, actual, latest


@dataclass(frozen=True)
class Decision:
    decree_id: str
    block: int
    row: int
    field: str
    action: str
    old: str | None
    new: str | None
    reviewer: str
    time: str = ""
    id: int = 0

    def check(self) -> None:
        if not DECREE_ID.match(self.decree_id):
            raise ValueError(f"not a decree id: {self.decree_id!r}")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}")
        if not FIELD.match(self.field):
            raise ValueError(f"bad field name {self.field!r}")
        if self.block < 0 or self.row < 0:
            raise ValueError("block and row are 0 or more")


def valid_decree_id(text: str) -> bool:
    return bool(DECREE_ID.match(text or ""))


class DecisionStore:
    """``CORPUS/review.sqlite`` (created on first use)."""

    def __init__(self, corpus: Path) -> None:
        self.path = Path(corpus) / REVIEW_DB

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(_SCHEMA)
        return con

    def version(self, decree_id: str, block: int, row: int) -> int:
        if not self.path.exists():
            return 0
        con = self._connect()
        try:
            return _count(con, decree_id, block, row)
        finally:
            con.close()

    def append(self, decisions: Iterable[Decision], expected_version: int) -> int:
        """Append decisions on one target atomically; return the target's new version."""
        items = list(decisions)
        if not items:
            return expected_version
        targets = {(d.decree_id, d.block, d.row) for d in items}
        if len(targets) != 1:
            raise ValueError("one target per append")
        for d in items:
            d.check()
        (decree_id, block, row) = targets.pop()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            actual = _count(con, decree_id, block, row)
            if actual != expected_version:
                con.execute("ROLLBACK")
                raise Conflict(expected_version, actual, self._target(con, decree_id, block, row))
            con.executemany(
                'INSERT INTO decisions (decree_id, block, "row", field, action, old, new, '
                "reviewer, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        d.decree_id,
                        d.block,
                        d.row,
                        d.field,
                        d.action,
                        d.old,
                        d.new,
                        d.reviewer[:80] or "anonymous",
                        stamp,
                    )
                    for d in items
                ],
            )
            con.execute("COMMIT")
            return actual + len(items)
        finally:
            con.close()

    def all(self) -> list[Decision]:
        """Every decision, oldest first."""
        if not self.path.exists():
            return []
        con = self._connect()
        try:
            rows = con.execute(
                'SELECT decree_id, block, "row", field, action, old, new, reviewer, time, id '
                "FROM decisions ORDER BY id"
            ).fetchall()
        finally:
            con.close()
        return [Decision(*r) for r in rows]

    def target(self, decree_id: str, block: int, row: int) -> list[Decision]:
        if not self.path.exists():
            return []
        con = self._connect()
        try:
            return self._target(con, decree_id, block, row)
        finally:
            con.close()

    @staticmethod
    def _target(con: sqlite3.Connection, decree_id: str, block: int, row: int) -> list[Decision]:
        rows = con.execute(
            'SELECT decree_id, block, "row", field, action, old, new, reviewer, time, id '
            'FROM decisions WHERE decree_id = ? AND block = ? AND "row" = ? ORDER BY id',
            (decree_id, block, row),
        ).fetchall()
        return [Decision(*r) for r in rows]


def _count(con: sqlite3.Connection, decree_id: str, block: int, row: int) -> int:
    return con.execute(
        'SELECT COUNT(*) FROM decisions WHERE decree_id = ? AND block = ? AND "row" = ?',
        (decree_id, block, row),
    ).fetchone()[0]
