"""Apply the review decisions to the corpus tables (whenever they are rebuilt).

Decisions are replayed oldest first onto the flat tables built from the decree
JSON files, so they survive a re-run of ``batch`` and a re-extraction of the
same file (same content -> same decree id).  A correction applies only while
the extracted value is still the one the reviewer saw (``old``) — when a new
extractor changed it, the decision is kept but reported ``stale``, never
forced onto a different value.

Adds ``reviewed`` and ``corrected`` (boolean) to ``decrees``, ``jabatan`` and
``indikator``; drops rejected indicator rows; returns the ``corrections``
table (every decision with ``status`` applied / stale / accepted).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..export.tables import COLUMNS, HEADER_COLUMNS
from .store import Decision

ROW_FIELDS = ("sasaran", "indikator", "formulasi", "sumber_data")
BLOCK_FIELDS = ("jabatan",)
HEADER_FIELDS = tuple(HEADER_COLUMNS)
PLACE_FIELDS = ("kecamatan", "kabupaten_kota", "tahun")

CORRECTION_COLUMNS = {
    "decree_id": "string",
    "block": "Int64",
    "row": "Int64",
    "field": "string",
    "action": "string",
    "old": "string",
    "new": "string",
    "reviewer": "string",
    "time": "string",
    "status": "string",
}


def editable_fields(block: int, row: int) -> tuple[str, ...]:
    if block == 0:
        return HEADER_FIELDS
    return BLOCK_FIELDS if row == 0 else ROW_FIELDS


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    return text if text.strip() else None


def _same(a: object, b: object) -> bool:
    ta, tb = _text(a), _text(b)
    if ta is None or tb is None:
        return ta is tb
    return " ".join(ta.split()) == " ".join(tb.split())


def _typed(value: str | None, dtype: str) -> object:
    if value is None:
        return pd.NA
    if dtype in ("Int64", "Float64"):
        num = pd.to_numeric(value.strip(), errors="coerce")
        return pd.NA if pd.isna(num) else (int(num) if dtype == "Int64" else float(num))
    return value


def _mask(frame: pd.DataFrame, decree_id: str, block: int, row: int) -> pd.Series:
    m = frame["decree_id"] == decree_id
    if block and "jabatan_no" in frame:
        m &= frame["jabatan_no"] == block
    if row and "row_no" in frame:
        m &= frame["row_no"] == row
    return m.fillna(False).astype(bool)


def apply_decisions(frames: dict[str, pd.DataFrame], decisions: Iterable[Decision]) -> pd.DataFrame:
    """Apply ``decisions`` to ``frames`` in place; return the corrections table."""
    for name in ("decrees", "jabatan", "indikator"):
        f = frames[name]
        for col in ("reviewed", "corrected"):
            if col not in f:
                f[col] = pd.array([False] * len(f), dtype="boolean")
    rejected: set[tuple[str, int, int]] = set()
    log: list[dict[str, object]] = []
    for d in decisions:
        status = _apply_one(frames, d, rejected)
        log.append(
            {**{k: getattr(d, k) for k in CORRECTION_COLUMNS if k != "status"}, "status": status}
        )
    if rejected:
        ind = frames["indikator"]
        keep = pd.Series(True, index=ind.index)
        for decree_id, block, row in rejected:
            keep &= ~_mask(ind, decree_id, block, row)
        frames["indikator"] = ind[keep].reset_index(drop=True)
    table = pd.DataFrame(log, columns=list(CORRECTION_COLUMNS))
    return table.astype(CORRECTION_COLUMNS)


def _apply_one(frames: dict[str, pd.DataFrame], d: Decision, rejected: set) -> str:
    target = (d.decree_id, d.block, d.row)
    if d.block == 0:
        name = "decrees"
    elif d.row == 0:
        name = "jabatan"
    else:
        name = "indikator"
    frame = frames[name]
    m = _mask(frame, *target)
    if not m.any():
        return "stale"
    if d.action == "accept":
        rejected.discard(target)
        frame.loc[m, "reviewed"] = True
        return "accepted"
    if d.action == "reject":
        if d.old is not None and d.field != "*" and not _same(frame.loc[m, d.field].iloc[0], d.old):
            return "stale"
        rejected.add(target)
        frame.loc[m, "reviewed"] = True
        return "applied"
    if d.field not in editable_fields(d.block, d.row) or d.field not in frame:
        return "stale"
    current = frame.loc[m, d.field].iloc[0]
    if not (_same(current, d.old) or _same(current, d.new)):
        return "stale"
    dtype = COLUMNS[name].get(d.field, "string")
    frame.loc[m, d.field] = _typed(d.new, dtype)
    frame.loc[m, ["reviewed", "corrected"]] = True
    _propagate(frames, d, dtype)
    return "applied"


def _propagate(frames: dict[str, pd.DataFrame], d: Decision, dtype: str) -> None:
    """A corrected jabatan title or place field also changes the rows that copy it."""
    if d.block == 0 and d.field in PLACE_FIELDS:
        for name in ("jabatan", "indikator"):
            f = frames[name]
            f.loc[_mask(f, d.decree_id, 0, 0), d.field] = _typed(d.new, dtype)
    elif d.block and d.row == 0 and d.field == "jabatan":
        f = frames["indikator"]
        f.loc[_mask(f, d.decree_id, d.block, 0), "jabatan"] = d.new
