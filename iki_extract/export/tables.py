"""The corpus as four flat tables (SCHEMA.md, "Flat tables").

Each table has a fixed column order and fixed pandas dtypes (``string`` for text,
``Int64`` for nullable integers, ``Float64`` for nullable floats), so an empty
table still carries the right schema into CSV and Parquet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..model import HEADER_CONFIDENCE_FIELDS as CONFIDENCE_FIELDS
from ..model import Decree
from .json_out import atomic_write

log = logging.getLogger(__name__)

STR, INT, FLOAT, BOOL = "string", "Int64", "Float64", "boolean"

HEADER_COLUMNS: dict[str, str] = {
    "pemerintah": STR,
    "kabupaten_kota": STR,
    "kecamatan": STR,
    "pejabat_penetap": STR,
    "nomor": STR,
    "tentang": STR,
    "tahun": INT,
    "tempat_penetapan": STR,
    "tanggal_penetapan": STR,
    "penandatangan_nama": STR,
    "penandatangan_nip": STR,
    "penandatangan_pangkat": STR,
    "penandatangan_jabatan": STR,
}

# normalised header fields (normalize stage)
NORMALIZED_HEADER_COLUMNS: dict[str, str] = {
    "kode_kecamatan": STR,
    "kode_kabkota": STR,
    "provinsi": STR,
    "kode_provinsi": STR,
    "region_score": FLOAT,
    "region_note": STR,
    "penandatangan_nip_valid": BOOL,
    "penandatangan_tanggal_lahir": STR,
    "penandatangan_jenis_kelamin": STR,
    "penandatangan_tmt_cpns": STR,
    "penandatangan_golongan_ruang": STR,
}

# OCR'd input: the reader's confidence of the lines a header field came from
HEADER_CONFIDENCE_COLUMNS: dict[str, str] = {f"confidence_{f}": FLOAT for f in CONFIDENCE_FIELDS}

COLUMNS: dict[str, dict[str, str]] = {
    "decrees": {
        "decree_id": STR,
        **HEADER_COLUMNS,
        **NORMALIZED_HEADER_COLUMNS,
        **HEADER_CONFIDENCE_COLUMNS,
        "kind": STR,
        "source_file": STR,
        "source_files": STR,
        "n_jabatan": INT,
        "n_indikator": INT,
    },
    "jabatan": {
        "decree_id": STR,
        "jabatan_no": INT,
        "jabatan": STR,
        "jabatan_canonical": STR,
        "jabatan_level": STR,
        "jabatan_unit": STR,
        "jabatan_match_score": FLOAT,
        "kecamatan": STR,
        "kabupaten_kota": STR,
        "tahun": INT,
    },
    "indikator": {
        "decree_id": STR,
        "jabatan_no": INT,
        "row_no": INT,
        "jabatan": STR,
        "jabatan_canonical": STR,
        "sasaran": STR,
        "indikator": STR,
        "formulasi": STR,
        "sumber_data": STR,
        "numerator": STR,
        "denominator": STR,
        "multiplier": FLOAT,
        "indikator_type": STR,
        "indikator_theme": STR,
        "indikator_theme_score": FLOAT,
        "kecamatan": STR,
        "kabupaten_kota": STR,
        "kode_kecamatan": STR,
        "tahun": INT,
        "source_file": STR,
        "page": INT,
        "confidence": FLOAT,
        "confidence_sasaran": FLOAT,
        "confidence_indikator": FLOAT,
        "confidence_formulasi": FLOAT,
        "confidence_sumber_data": FLOAT,
    },
    "mengingat": {
        "decree_id": STR,
        "item_no": INT,
        "text": STR,
        "jenis": STR,
        "nomor": STR,
        "tahun": INT,
        "tentang": STR,
        "key": STR,
    },
}

TABLE_NAMES: tuple[str, ...] = tuple(COLUMNS)

Row = dict[str, object]


def to_frames(decrees: Iterable[Decree]) -> dict[str, pd.DataFrame]:
    """Build the four flat tables ``decrees``, ``jabatan``, ``indikator``, ``mengingat``."""
    rows: dict[str, list[Row]] = {name: [] for name in COLUMNS}
    for d in decrees:
        rows["decrees"].append(_decree_row(d))
        rows["jabatan"].extend(_jabatan_rows(d))
        rows["indikator"].extend(_indikator_rows(d))
        rows["mengingat"].extend(_mengingat_rows(d))
    return {name: _frame(name, rows[name]) for name in COLUMNS}


def empty_frames() -> dict[str, pd.DataFrame]:
    """The four tables with no rows (but their full schema)."""
    return to_frames([])


def write_tables(frames: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write each table as ``OUT/<name>.csv`` and ``OUT/<name>.parquet`` atomically,
    plus ``OUT/unmatched_jabatan.csv``: the titles the normaliser could not map to
    the canonical vocabulary (for review, never guessed)."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    for name, frame in frames.items():
        written.append(atomic_write(out_dir / f"{name}.csv", _csv_writer(frame)))
        written.append(atomic_write(out_dir / f"{name}.parquet", _parquet_writer(frame)))
    written.extend(write_unmatched(frames, out_dir))
    return written


def write_unmatched(frames: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """``unmatched_jabatan.csv`` and ``unmatched_indikator.csv`` (for review)."""
    return [
        atomic_write(out_dir / "unmatched_jabatan.csv", _csv_writer(unmatched_jabatan(frames))),
        atomic_write(out_dir / "unmatched_indikator.csv", _csv_writer(unmatched_indikator(frames))),
    ]


def unmatched_jabatan(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Titles without a canonical match: one row per title, with where it was seen."""
    jab = frames["jabatan"]
    miss = jab[jab["jabatan_canonical"].isna()]
    out = (
        miss.groupby("jabatan", sort=True, dropna=False)
        .agg(
            n=("decree_id", "size"),
            best_score=("jabatan_match_score", "max"),
            decree_ids=("decree_id", lambda s: "; ".join(sorted(set(s)))),
        )
        .reset_index()
    )
    return out


def unmatched_indikator(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Indicators without a theme: one row per text, with the best guess and where seen."""
    from ..normalize.themes import match_theme

    ind = frames["indikator"]
    miss = ind[ind["indikator_theme"].isna() & ind["indikator"].notna()]
    out = (
        miss.groupby("indikator", sort=True, dropna=False)
        .agg(
            n=("decree_id", "size"),
            best_score=("indikator_theme_score", "max"),
            decree_ids=("decree_id", lambda s: "; ".join(sorted(set(s)))),
        )
        .reset_index()
    )
    guess = [match_theme(t).best_guess for t in out["indikator"]]
    out.insert(1, "best_guess", pd.array(guess, dtype="string"))
    return out


# -- rows -------------------------------------------------------------------


def _place(d: Decree) -> Row:
    return {
        "kecamatan": d.header.kecamatan,
        "kabupaten_kota": d.header.kabupaten_kota,
        "tahun": d.header.tahun,
    }


def _decree_row(d: Decree) -> Row:
    """The header flattened (signer fields prefixed ``penandatangan_``), plus counts."""
    header = asdict(d.header)
    signer = header.pop("penandatangan")
    conf = header.pop("confidence") or {}
    return {
        "decree_id": d.decree_id,
        **header,
        **{f"penandatangan_{k}": v for k, v in signer.items()},
        **{f"confidence_{f}": conf.get(f) for f in CONFIDENCE_FIELDS},
        "kind": d.kind,
        "source_file": d.source_file,
        "source_files": "; ".join(s["file"] for s in d.source_list()),
        "n_jabatan": len(d.jabatan),
        "n_indikator": sum(len(j.indikator) for j in d.jabatan),
    }


def _jabatan_rows(d: Decree) -> list[Row]:
    return [
        {
            "decree_id": d.decree_id,
            "jabatan_no": no,
            "jabatan": j.jabatan,
            "jabatan_canonical": j.jabatan_canonical,
            "jabatan_level": j.jabatan_level,
            "jabatan_unit": j.jabatan_unit,
            "jabatan_match_score": j.jabatan_match_score,
            **_place(d),
        }
        for no, j in enumerate(d.jabatan, 1)
    ]


def _indikator_rows(d: Decree) -> list[Row]:
    from ..normalize.themes import match_theme

    out: list[Row] = []
    for jabatan_no, j in enumerate(d.jabatan, 1):
        for row_no, r in enumerate(j.indikator, 1):
            theme = match_theme(r.indikator, r.sasaran)
            out.append(
                {
                    "decree_id": d.decree_id,
                    "jabatan_no": jabatan_no,
                    "row_no": row_no,
                    "jabatan": j.jabatan,
                    "jabatan_canonical": j.jabatan_canonical,
                    **asdict(r),
                    "indikator_theme": theme.theme,
                    "indikator_theme_score": theme.score if r.indikator else None,
                    **_place(d),
                    "kode_kecamatan": d.header.kode_kecamatan,
                    "source_file": d.source_file,
                }
            )
    return out


def _mengingat_rows(d: Decree) -> list[Row]:
    """One row per legal basis, with the parts the normaliser read from it."""
    refs = list(d.mengingat_refs) + [None] * (len(d.mengingat) - len(d.mengingat_refs))
    out: list[Row] = []
    for no, (text, ref) in enumerate(zip(d.mengingat, refs), 1):
        ref = ref or {}
        out.append(
            {
                "decree_id": d.decree_id,
                "item_no": no,
                "text": text,
                "jenis": ref.get("jenis"),
                "nomor": ref.get("nomor"),
                "tahun": _as_int(ref.get("tahun")),
                "tentang": ref.get("tentang"),
                "key": ref.get("key"),
            }
        )
    return out


def _as_int(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


# -- frames and files -------------------------------------------------------


def _frame(name: str, rows: list[Row]) -> pd.DataFrame:
    dtypes = COLUMNS[name]
    data = {col: pd.array([r.get(col) for r in rows], dtype=dt) for col, dt in dtypes.items()}
    return pd.DataFrame(data, columns=list(dtypes))


def _csv_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    from .csv_out import write_csv

    return lambda tmp: write_csv(frame, tmp)


def _parquet_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    return lambda tmp: frame.to_parquet(tmp, index=False, engine="pyarrow")
