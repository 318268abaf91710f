"""The decree fields METRICS.md scores, and accessors tolerant of malformed predictions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .textsim import _norm

Decree = dict[str, Any]
DecreesByStem = Mapping[str, Sequence[Decree]]

#: Header fields compared for equality after normalisation (dotted = nested).
HEADER_FIELDS: tuple[str, ...] = (
    "nomor",
    "kecamatan",
    "kabupaten_kota",
    "tahun",
    "tanggal_penetapan",
    "tempat_penetapan",
    "penandatangan.nama",
    "penandatangan.nip",
)
#: Decree-level string lists scored by list F1 (besides every block's tugas/fungsi).
LIST_FIELDS: tuple[str, ...] = ("menimbang", "mengingat", "diktum", "tembusan")
#: The four cells of one indikator row.
ROW_COLUMNS: tuple[str, ...] = ("sasaran", "indikator", "formulasi", "sumber_data")

LIST_THRESHOLD = 90.0  #: list items match at this similarity or above
ROW_THRESHOLD = 90.0  #: a matched row is correct when every cell reaches this
BLOCK_THRESHOLD = 85.0  #: jabatan blocks match at this title similarity or above
TENTANG_THRESHOLD = 90.0  #: ``tentang`` is right at this token_sort_ratio or above


# --------------------------------------------------------------------------
# Accessors tolerant of malformed predictions
# --------------------------------------------------------------------------


def _as_dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _as_list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _text(x: Any) -> str | None:
    if x is None or isinstance(x, str):
        return x
    return str(x)


def _header_value(decree: Decree, name: str) -> Any:
    obj: Any = _as_dict(decree.get("header"))
    for part in name.split("."):
        obj = _as_dict(obj).get(part) if isinstance(obj, dict) else None
    return obj


def _list_items(decree: Decree, name: str) -> list[str | None]:
    items = _as_list(decree.get(name))
    if name == "diktum":
        return [_text(_as_dict(d).get("text")) if isinstance(d, dict) else _text(d) for d in items]
    return [_text(x) for x in items]


def _blocks(decree: Decree) -> list[dict[str, Any]]:
    return [_as_dict(b) for b in _as_list(decree.get("jabatan"))]


def _rows(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [_as_dict(r) for r in _as_list(block.get("indikator"))]


def _block_lists(block: Mapping[str, Any]) -> dict[str, list[str | None]]:
    return {k: [_text(x) for x in _as_list(block.get(k))] for k in ("tugas", "fungsi")}


def _nomor_key(decree: Decree) -> str | None:
    n = _norm(_header_value(decree, "nomor"))
    return n.replace(" ", "") if n else None


def decree_stem(file_name: str) -> str:
    """Stem of an input file name: the base name up to its first dot."""
    base = re.split(r"[\\/]", file_name)[-1]
    return base.split(".", 1)[0]
