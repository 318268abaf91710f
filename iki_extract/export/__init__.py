"""Writers: per-decree JSON and the flat corpus tables (CSV + Parquet)."""

from __future__ import annotations

from .json_out import atomic_write, write_decree_json
from .tables import COLUMNS, TABLE_NAMES, to_frames, write_tables

__all__ = [
    "COLUMNS",
    "TABLE_NAMES",
    "atomic_write",
    "to_frames",
    "write_decree_json",
    "write_tables",
]
