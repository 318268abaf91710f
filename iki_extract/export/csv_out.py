"""CSV writing that a spreadsheet cannot turn into formulas (CSV injection).

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``).
Following the OWASP rule, :func:`csv_safe` prefixes such a text cell with a
single quote, which spreadsheets show as text.  Only the CSV files are
neutralised: Parquet and DuckDB keep the raw values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`csv_safe`."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            out[col] = series.map(csv_safe, na_action="ignore").astype(series.dtype)
    return out


def write_csv(frame: pd.DataFrame, path: Path | str) -> None:
    """Write ``frame`` as UTF-8 CSV (no index) with formula-like cells neutralised."""
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8")
