"""The report's building blocks: DuckDB queries over ``CORPUS/corpus.duckdb``.

Each function takes a DuckDB connection (the corpus views ``decrees``,
``jabatan``, ``indikator``, ``mengingat``, ``corrections``) and returns a
pandas DataFrame; the report and ``notebooks/report_building_blocks.ipynb``
both use them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

UNCERTAIN = 0.6  # rows with a confidence below this (and not reviewed) are still uncertain


def connect(corpus: Path):
    """A read-only connection to the corpus's DuckDB views."""
    import duckdb

    path = Path(corpus) / "corpus.duckdb"
    if not path.is_file():
        raise FileNotFoundError(f"no corpus.duckdb in {corpus} (build it with iki-extract batch)")
    return duckdb.connect(str(path), read_only=True)


def _columns(con, view: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()}


def _has_view(con, name: str) -> bool:
    q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?"
    return bool(con.execute(q, [name]).fetchone()[0])


def decrees_per_place(con) -> pd.DataFrame:
    """Decrees per kabupaten/kota, kecamatan and year."""
    return con.execute(
        """SELECT COALESCE(kabupaten_kota, '(unknown)') AS kabupaten_kota,
                  COALESCE(kecamatan, '(unknown)') AS kecamatan, tahun,
                  COUNT(*) AS decrees, CAST(SUM(n_indikator) AS BIGINT) AS indikator
           FROM decrees GROUP BY ALL ORDER BY 1, 2, 3"""
    ).df()


def kecamatan_list(con) -> pd.DataFrame:
    """Every kecamatan of the corpus with its decrees, years and indicator count."""
    return con.execute(
        """SELECT COALESCE(kabupaten_kota, '(unknown)') AS kabupaten_kota,
                  COALESCE(kecamatan, '(unknown)') AS kecamatan,
                  COUNT(*) AS decrees,
                  string_agg(DISTINCT CAST(tahun AS VARCHAR), ', ' ORDER BY CAST(tahun AS VARCHAR))
                      AS years,
                  CAST(SUM(n_indikator) AS BIGINT) AS indikator,
                  string_agg(DISTINCT kind, ', ') AS kinds
           FROM decrees GROUP BY ALL ORDER BY 1, 2"""
    ).df()


def theme_by_kecamatan(con) -> pd.DataFrame:
    """Indicator counts per theme (rows) and kecamatan (columns); no theme -> (none)."""
    long = con.execute(
        """SELECT COALESCE(indikator_theme, '(none)') AS theme,
                  COALESCE(kecamatan, '(unknown)') AS kecamatan, COUNT(*) AS n
           FROM indikator GROUP BY ALL"""
    ).df()
    if long.empty:
        return pd.DataFrame()
    return long.pivot_table(index="theme", columns="kecamatan", values="n", fill_value=0).astype(
        int
    )


def indicators_per_position(con, top: int = 25) -> pd.DataFrame:
    """Indicator rows per canonical position (unmatched titles -> (unmatched))."""
    return con.execute(
        f"""SELECT COALESCE(jabatan_canonical, '(unmatched)') AS jabatan_canonical,
                   COUNT(*) AS indikator, COUNT(DISTINCT decree_id) AS decrees,
                   COUNT(DISTINCT kecamatan) AS kecamatan
            FROM indikator GROUP BY ALL ORDER BY indikator DESC, 1 LIMIT {int(top)}"""
    ).df()


def formula_types(con) -> pd.DataFrame:
    return con.execute(
        """SELECT COALESCE(indikator_type, '(not read)') AS indikator_type, COUNT(*) AS n
           FROM indikator GROUP BY ALL ORDER BY n DESC, 1"""
    ).df()


def sumber_data(con, top: int = 20) -> pd.DataFrame:
    """The most frequent data sources (normalised: casefold, spaces folded)."""
    return con.execute(
        f"""SELECT lower(regexp_replace(trim(sumber_data), '\\s+', ' ', 'g')) AS sumber_data,
                   COUNT(*) AS n, COUNT(DISTINCT kecamatan) AS kecamatan
            FROM indikator WHERE sumber_data IS NOT NULL AND trim(sumber_data) <> ''
            GROUP BY ALL ORDER BY n DESC, 1 LIMIT {int(top)}"""
    ).df()


def laws_cited(con, top: int = 25) -> pd.DataFrame:
    """The legal bases cited (by the normaliser's key when read, else the text)."""
    return con.execute(
        f"""SELECT COALESCE(key, left(text, 80)) AS law, any_value(jenis) AS jenis,
                   any_value(tahun) AS tahun, COUNT(DISTINCT decree_id) AS decrees
            FROM mengingat GROUP BY 1 ORDER BY decrees DESC, 1 LIMIT {int(top)}"""
    ).df()


def confidence_values(con) -> pd.DataFrame:
    return con.execute("SELECT confidence FROM indikator WHERE confidence IS NOT NULL").df()


def quality(con) -> pd.DataFrame:
    """One row of data-quality figures: rows, share reviewed, corrected, still uncertain."""
    cols = _columns(con, "indikator")
    reviewed = "SUM(CASE WHEN reviewed THEN 1 ELSE 0 END)" if "reviewed" in cols else "0"
    corrected = "SUM(CASE WHEN corrected THEN 1 ELSE 0 END)" if "corrected" in cols else "0"
    not_rev = "AND NOT COALESCE(reviewed, false)" if "reviewed" in cols else ""
    q = f"""SELECT COUNT(*) AS rows, {reviewed} AS reviewed, {corrected} AS corrected,
                   SUM(CASE WHEN confidence < {UNCERTAIN} {not_rev} THEN 1 ELSE 0 END)
                       AS uncertain,
                   SUM(CASE WHEN confidence IS NULL THEN 1 ELSE 0 END) AS without_confidence,
                   SUM(CASE WHEN indikator_theme IS NULL THEN 1 ELSE 0 END) AS without_theme,
                   AVG(confidence) AS mean_confidence
            FROM indikator"""
    df = con.execute(q).df().fillna(0)
    n = max(int(df.at[0, "rows"]), 1)
    df["share_reviewed"] = df["reviewed"] / n
    df["share_uncertain"] = df["uncertain"] / n
    return df


def uncertain_rows(con, limit: int = 30) -> pd.DataFrame:
    cols = _columns(con, "indikator")
    not_rev = "AND NOT COALESCE(reviewed, false)" if "reviewed" in cols else ""
    return con.execute(
        f"""SELECT decree_id, jabatan_no, row_no, kecamatan, confidence, indikator
            FROM indikator WHERE confidence < {UNCERTAIN} {not_rev}
            ORDER BY confidence, decree_id, jabatan_no, row_no LIMIT {int(limit)}"""
    ).df()


def corrections(con) -> pd.DataFrame:
    if not _has_view(con, "corrections"):
        return pd.DataFrame()
    return con.execute("SELECT * FROM corrections ORDER BY time").df()
