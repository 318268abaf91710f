"""What is left to review: rows, blocks and header fields by ascending confidence.

Read from the corpus tables (``CORPUS/<table>.csv``, already with the earlier
decisions applied), so a reviewed target shows its current values and
``reviewed`` flag.

Confidence of a target:

* indicator row: the row's ``confidence`` (empty: unknown, sorted as 0.5 — after
  the rows known to be weak, before the confident ones);
* jabatan block: ``jabatan_match_score`` / 100 (empty -> 0);
* header: the lowest ``confidence_*`` column of the decree when the tables carry
  them, else the share of the key header fields that were read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..export.tables import COLUMNS
from .apply import HEADER_FIELDS, ROW_FIELDS

KEY_HEADER_FIELDS = (
    "nomor",
    "tahun",
    "kecamatan",
    "kabupaten_kota",
    "tanggal_penetapan",
    "penandatangan_nama",
)
KINDS = ("row", "block", "header")


@dataclass(frozen=True)
class Item:
    kind: str
    decree_id: str
    block: int
    row: int
    confidence: float | None
    label: str
    kecamatan: str
    kabupaten_kota: str
    reviewed: bool
    page: int | None

    @property
    def key(self) -> str:
        return f"{self.decree_id}/{self.block}/{self.row}"


def _clean(v: object) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


class Tables:
    """The corpus tables, re-read when a CSV changed."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = Path(corpus)
        self._stamp: tuple = ()
        self.frames: dict[str, pd.DataFrame] = {}

    def load(self) -> dict[str, pd.DataFrame]:
        """The tables as text (``None`` for empty), read through ``corpus.duckdb``: the raw
        values (the CSVs have formula-like cells neutralised for spreadsheets)."""
        db = self.corpus / "corpus.duckdb"
        stamp = (db.stat().st_mtime_ns if db.exists() else 0,)
        if stamp != self._stamp:
            frames = {}
            con = _connect(db)
            try:
                for name in ("decrees", "jabatan", "indikator"):
                    if con is None:
                        frames[name] = pd.DataFrame(
                            columns=[*COLUMNS[name], "reviewed", "corrected"]
                        )
                        continue
                    df = con.execute(f"SELECT * FROM {name}").df()
                    ints = [c for c, t in COLUMNS[name].items() if t == "Int64" and c in df]
                    for c in ints:
                        df[c] = df[c].astype("Int64")
                    frames[name] = df.astype(object).map(_as_text)
            finally:
                if con is not None:
                    con.close()
            self.frames, self._stamp = frames, stamp
        return self.frames

    def items(self) -> list[Item]:
        f = self.load()
        dec, jab, ind = f["decrees"], f["jabatan"], f["indikator"]
        place = {
            r["decree_id"]: (r.get("kecamatan") or "", r.get("kabupaten_kota") or "")
            for r in dec.to_dict("records")
        }
        first_page: dict[tuple[str, int], int] = {}
        out: list[Item] = []
        for r in ind.to_dict("records"):
            b, n = int(r["jabatan_no"]), int(r["row_no"])
            page = int(_num(r.get("page")) or 0) or None
            if page:
                first_page[(r["decree_id"], b)] = min(
                    first_page.get((r["decree_id"], b), page), page
                )
            kec, kab = place.get(r["decree_id"], ("", ""))
            out.append(
                Item(
                    "row",
                    r["decree_id"],
                    b,
                    n,
                    _num(r.get("confidence")),
                    (r.get("indikator") or "(no indicator)")[:120],
                    kec,
                    kab,
                    _flag(r.get("reviewed")),
                    page,
                )
            )
        for r in jab.to_dict("records"):
            b = int(r["jabatan_no"])
            kec, kab = place.get(r["decree_id"], ("", ""))
            score = (_num(r.get("jabatan_match_score")) or 0.0) / 100.0
            out.append(
                Item(
                    "block",
                    r["decree_id"],
                    b,
                    0,
                    min(score, 1.0),
                    r.get("jabatan") or "",
                    kec,
                    kab,
                    _flag(r.get("reviewed")),
                    first_page.get((r["decree_id"], b)),
                )
            )
        for r in dec.to_dict("records"):
            conf = [_num(v) for k, v in r.items() if k.startswith("confidence_")]
            conf = [c for c in conf if c is not None]
            if conf:
                c = min(conf)
            else:
                c = sum(bool(r.get(k)) for k in KEY_HEADER_FIELDS) / len(KEY_HEADER_FIELDS)
            out.append(
                Item(
                    "header",
                    r["decree_id"],
                    0,
                    0,
                    c,
                    f"{r.get('nomor') or '(no nomor)'} — {r.get('tentang') or ''}"[:120],
                    r.get("kecamatan") or "",
                    r.get("kabupaten_kota") or "",
                    _flag(r.get("reviewed")),
                    1,
                )
            )
        out.sort(key=lambda i: (i.reviewed, _rank(i.confidence), i.decree_id, i.block, i.row))
        return out

    def values(self, decree_id: str, block: int, row: int) -> dict[str, str | None] | None:
        """The target's editable fields and their current values (``None``: no such target)."""
        f = self.load()
        if block == 0:
            frame, fields = f["decrees"], HEADER_FIELDS
            m = frame["decree_id"] == decree_id
        elif row == 0:
            frame, fields = f["jabatan"], ("jabatan",)
            m = (frame["decree_id"] == decree_id) & (frame["jabatan_no"] == str(block))
        else:
            frame, fields = f["indikator"], ROW_FIELDS
            m = (
                (frame["decree_id"] == decree_id)
                & (frame["jabatan_no"] == str(block))
                & (frame["row_no"] == str(row))
            )
        hit = frame[m]
        if hit.empty:
            return None
        rec = hit.iloc[0].to_dict()
        return {k: _clean(rec.get(k)) for k in fields}

    def record(self, decree_id: str, block: int, row: int) -> dict[str, object]:
        f = self.load()
        name = "decrees" if block == 0 else "jabatan" if row == 0 else "indikator"
        frame = f[name]
        m = frame["decree_id"] == decree_id
        if block:
            m &= frame["jabatan_no"] == str(block)
        if row:
            m &= frame["row_no"] == str(row)
        hit = frame[m]
        return {} if hit.empty else {k: _clean(v) for k, v in hit.iloc[0].to_dict().items()}


def _connect(db: Path):
    if not db.exists():
        return None
    import duckdb

    return duckdb.connect(str(db), read_only=True)


def _as_text(v: object) -> str | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, bool):
        return str(v)
    text = str(v)
    return text if text != "" else None


def _rank(conf: float | None) -> float:
    return 0.5 if conf is None else conf


def _flag(v: object) -> bool:
    return str(v).strip().lower() in ("true", "1")


def filter_items(
    items: list[Item], *, kind: str = "", kabupaten: str = "", kecamatan: str = "", decree: str = ""
) -> list[Item]:
    return [
        i
        for i in items
        if (not kind or i.kind == kind)
        and (not kabupaten or i.kabupaten_kota == kabupaten)
        and (not kecamatan or i.kecamatan == kecamatan)
        and (not decree or i.decree_id == decree)
    ]
