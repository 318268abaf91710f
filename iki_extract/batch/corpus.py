"""Build the corpus outputs from the manifest and the per-decree JSON files.

Everything here is (re)built from scratch at the end of every run, from the
decrees the manifest lists as done, in ``decree_id`` order, so a killed and
resumed run gives exactly the corpus of a clean run:

* ``decrees/<decree_id>.json``: the kept decrees, with ``sources`` (every input
  the decree was read from, ``source`` being the first) and
  ``duplicates/<decree_id>.json``: decrees merged into another one
  (``duplicate_of``);
* ``<table>.csv``: the flat tables (``export.to_frames``) plus a
  ``source_files`` column in ``decrees``;
* ``parquet/<table>/kabupaten_kota=<v>/tahun=<v>/part-0.parquet``: the same tables
  as a Hive-partitioned Parquet dataset (null values -> ``__unknown__``; values
  are percent-encoded).  ``mengingat`` has its own ``tahun`` (the law's year), so
  it is partitioned by ``kabupaten_kota`` and ``decree_tahun``;
* ``corpus.duckdb``: views over that dataset, plus ``errors`` and ``corrections``;
* ``corrections.csv`` / ``.parquet``: the review decisions (``review.sqlite``) replayed
  onto the tables, which gain ``reviewed`` / ``corrected`` columns;
* ``errors.csv`` / ``errors.parquet``: every bad input;
* ``unmatched_jabatan.csv`` / ``unmatched_indikator.csv``: titles without a canonical
  position and indicators without a theme, for review.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from ..export import TABLE_NAMES, atomic_write, to_frames
from ..export.csv_out import write_csv
from ..export.json_out import DECREES_SUBDIR, atomic_write_text
from ..export.tables import write_unmatched
from ..model import Decree
from .dedupe import DEFAULT_THRESHOLD, find_duplicates
from .manifest import Manifest

log = logging.getLogger(__name__)

DUPLICATES_SUBDIR = "duplicates"
PARQUET_SUBDIR = "parquet"
DUCKDB_NAME = "corpus.duckdb"
UNKNOWN = "__unknown__"
ERROR_COLUMNS = {
    "file": "string",
    "sha256": "string",
    "stage": "string",
    "error_class": "string",
    "message": "string",
}
_DECREE_JSON = re.compile(r"^[0-9a-f]{16}-[0-9]+\.json$")


@dataclass
class CorpusStats:
    decrees: int = 0
    duplicates: int = 0
    jabatan: int = 0
    indikator: int = 0
    errors: int = 0
    missing: list[str] = field(default_factory=list)  # decree ids listed but without JSON


def decree_json_path(corpus: Path, decree_id: str) -> Path | None:
    """Where a decree's JSON is (kept or merged), ``None`` when missing."""
    for sub in (DECREES_SUBDIR, DUPLICATES_SUBDIR):
        p = corpus / sub / f"{decree_id}.json"
        if p.is_file():
            return p
    return None


def write_decree_dict(corpus: Path, d: dict[str, Any], *, duplicate: bool = False) -> Path:
    """Write a decree dict to ``decrees/`` (or ``duplicates/``) atomically, if it changed."""
    sub, other = (
        (DUPLICATES_SUBDIR, DECREES_SUBDIR) if duplicate else (DECREES_SUBDIR, DUPLICATES_SUBDIR)
    )
    target = corpus / sub / f"{d['decree_id']}.json"
    text = json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    if not (target.is_file() and target.read_text(encoding="utf-8") == text):
        atomic_write_text(target, text)
    (corpus / other / target.name).unlink(missing_ok=True)
    return target


def with_sources(
    d: dict[str, Any], sources: list[dict[str, Any]], duplicate_of: str | None = None
) -> dict[str, Any]:
    """The decree dict with ``source`` = ``sources[0]`` and ``sources`` right after it."""
    out: dict[str, Any] = {}
    for key, value in d.items():
        if key in ("sources", "duplicate_of"):
            continue
        out[key] = sources[0] if key == "source" and sources else value
        if key == "source":
            out["sources"] = sources
    if duplicate_of:
        out["duplicate_of"] = duplicate_of
    return out


def build_corpus(
    corpus: Path, manifest: Manifest, *, threshold: float = DEFAULT_THRESHOLD
) -> CorpusStats:
    """Dedupe, rewrite the decree JSON files and (re)build every table output."""
    stats = CorpusStats()
    names = manifest.names()
    decrees: list[dict[str, Any]] = []
    file_of: dict[str, str] = {}
    for sha, ids in manifest.done():
        files = names.get(sha) or [f"{sha[:16]}"]
        for decree_id in ids:
            path = decree_json_path(corpus, decree_id)
            if path is None:
                stats.missing.append(decree_id)
                continue
            d = json.loads(path.read_text(encoding="utf-8"))
            pages = list((d.get("source") or {}).get("pages") or [])
            d = with_sources(d, [{"file": f, "pages": pages} for f in files])
            decrees.append(d)
            file_of[decree_id] = sha
    decrees.sort(key=lambda d: d["decree_id"])
    dup_of = find_duplicates(decrees, file_of, threshold)
    by_id = {d["decree_id"]: d for d in decrees}
    merged: dict[str, list[dict[str, Any]]] = {}
    for dup_id in sorted(dup_of):
        merged.setdefault(dup_of[dup_id], []).extend(by_id[dup_id]["sources"])
    kept: list[dict[str, Any]] = []
    for d in decrees:
        decree_id = d["decree_id"]
        if decree_id in dup_of:
            write_decree_dict(
                corpus, with_sources(d, d["sources"], dup_of[decree_id]), duplicate=True
            )
            continue
        sources = list(d["sources"])
        seen = {s["file"] for s in sources}
        for s in merged.get(decree_id, []):
            if s["file"] not in seen:
                seen.add(s["file"])
                sources.append(s)
        d = with_sources(d, sources)
        write_decree_dict(corpus, d)
        kept.append(d)
    _prune(corpus / DECREES_SUBDIR, {d["decree_id"] for d in kept})
    _prune(corpus / DUPLICATES_SUBDIR, set(dup_of))

    frames = corpus_frames(kept)
    corrections = apply_review(corpus, frames)
    errors = pd.DataFrame(manifest.errors(), columns=list(ERROR_COLUMNS)).astype(ERROR_COLUMNS)
    write_outputs(corpus, frames, errors, corrections)
    stats.decrees = len(kept)
    stats.duplicates = len(dup_of)
    stats.jabatan = len(frames["jabatan"])
    stats.indikator = len(frames["indikator"])
    stats.errors = len(errors)
    return stats


def corpus_frames(decrees: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """``export.to_frames`` over the decree dicts (``decrees.source_files`` from ``sources``)."""
    return to_frames(decree_from_dict(d) for d in decrees)


def apply_review(corpus: Path, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Replay ``CORPUS/review.sqlite`` onto the tables; return the ``corrections`` table."""
    from ..review.apply import apply_decisions
    from ..review.store import DecisionStore

    return apply_decisions(frames, DecisionStore(corpus).all())


def decree_from_dict(d: dict[str, Any]) -> Decree:
    """Rebuild a :class:`Decree` from its ``to_dict()`` form (the JSON files)."""
    return Decree.from_dict(d)


def _prune(folder: Path, keep: set[str]) -> None:
    if not folder.is_dir():
        return
    for f in folder.iterdir():
        if _DECREE_JSON.match(f.name) and f.stem not in keep and f.is_file():
            f.unlink()


# -- table outputs ----------------------------------------------------------------------


def write_outputs(
    corpus: Path,
    frames: dict[str, pd.DataFrame],
    errors: pd.DataFrame,
    corrections: pd.DataFrame | None = None,
) -> None:
    if corrections is None:
        from ..review.apply import apply_decisions

        corrections = apply_decisions(frames, [])
    atomic_write(corpus / "corrections.csv", lambda tmp: write_csv(corrections, tmp))
    atomic_write(
        corpus / "corrections.parquet",
        lambda tmp: corrections.to_parquet(tmp, index=False, engine="pyarrow"),
    )
    for name, frame in frames.items():
        atomic_write(corpus / f"{name}.csv", lambda tmp, f=frame: write_csv(f, tmp))
    write_unmatched(frames, corpus)
    atomic_write(corpus / "errors.csv", lambda tmp: write_csv(errors, tmp))
    atomic_write(
        corpus / "errors.parquet", lambda tmp: errors.to_parquet(tmp, index=False, engine="pyarrow")
    )
    write_parquet_dataset(corpus / PARQUET_SUBDIR, frames)
    write_duckdb(corpus, frames)


def partition_columns(name: str) -> tuple[str, str]:
    return (
        ("kabupaten_kota", "decree_tahun") if name == "mengingat" else ("kabupaten_kota", "tahun")
    )


def _partitioned(name: str, frame: pd.DataFrame, decrees: pd.DataFrame) -> pd.DataFrame:
    if name != "mengingat":
        return frame
    place = decrees[["decree_id", "kabupaten_kota", "tahun"]].rename(
        columns={"tahun": "decree_tahun"}
    )
    return frame.merge(place, on="decree_id", how="left", sort=False)


def _part_value(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return UNKNOWN
    text = str(value).strip()
    return quote(text, safe=" ") if text else UNKNOWN


def write_parquet_dataset(root: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Write every table as a Hive-partitioned dataset; each table folder is swapped in whole."""
    root.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        keys = partition_columns(name)
        data = _partitioned(name, frame, frames["decrees"])
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
        try:
            parts = {}
            if len(data):
                k0 = data[keys[0]].map(_part_value)
                k1 = data[keys[1]].map(_part_value)
                for (v0, v1), idx in data.groupby([k0, k1], sort=True).groups.items():
                    parts[(v0, v1)] = data.loc[idx]
            else:  # an empty table keeps its schema through one empty file
                parts[(UNKNOWN, UNKNOWN)] = data
            for (v0, v1), part in parts.items():
                folder = tmp / f"{keys[0]}={v0}" / f"{keys[1]}={v1}"
                folder.mkdir(parents=True, exist_ok=True)
                part.drop(columns=list(keys)).reset_index(drop=True).to_parquet(
                    folder / "part-0.parquet", index=False, engine="pyarrow"
                )
            _swap_dir(tmp, root / name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def view_sql(corpus: Path, name: str, columns: list[str]) -> str:
    """``CREATE VIEW`` over ``parquet/<name>/**/*.parquet`` with the partition keys decoded."""
    k0, k1 = partition_columns(name)
    glob = (corpus.resolve() / PARQUET_SUBDIR / name / "**" / "*.parquet").as_posix()
    select = []
    for col in [*columns, *(k for k in (k0, k1) if k not in columns)]:
        if col == k0:
            select.append(f"NULLIF({col}, '{UNKNOWN}') AS {col}")
        elif col == k1:
            select.append(f"TRY_CAST(NULLIF({col}, '{UNKNOWN}') AS BIGINT) AS {col}")
        else:
            select.append(col)
    return (
        f"CREATE OR REPLACE VIEW {name} AS SELECT {', '.join(select)} FROM read_parquet("
        f"{_sql_str(glob)}, hive_partitioning = true, "
        f"hive_types = {{'{k0}': VARCHAR, '{k1}': VARCHAR}})"
    )


def write_duckdb(corpus: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """``corpus.duckdb`` with one view per table (and ``errors``), built then renamed in."""
    import duckdb

    target = corpus / DUCKDB_NAME
    fd, tmp_name = tempfile.mkstemp(prefix=f".{DUCKDB_NAME}.", dir=corpus)
    os.close(fd)
    os.unlink(tmp_name)  # duckdb wants to create the file itself
    try:
        con = duckdb.connect(tmp_name)
        try:
            for name in TABLE_NAMES:
                con.execute(view_sql(corpus, name, list(frames[name].columns)))
            for extra in ("errors", "corrections"):
                path = (corpus.resolve() / f"{extra}.parquet").as_posix()
                if Path(path).is_file():
                    con.execute(
                        f"CREATE OR REPLACE VIEW {extra} AS "
                        f"SELECT * FROM read_parquet({_sql_str(path)})"
                    )
        finally:
            con.close()
        os.replace(tmp_name, target)
    finally:
        for leftover in (Path(tmp_name), Path(tmp_name + ".wal")):
            leftover.unlink(missing_ok=True)
    return target
