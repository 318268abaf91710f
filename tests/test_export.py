"""Export: per-decree JSON and the four flat tables, on hand-built decrees."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from iki_extract.export import to_frames, write_decree_json, write_tables
from iki_extract.export.json_out import atomic_write
from iki_extract.export.tables import unmatched_jabatan
from iki_extract.ids import decree_id
from iki_extract.model import Decree, Diktum, Header, IndikatorRow, Jabatan, Penandatangan
from iki_extract.resources import schema_path

EXPECTED_COLUMNS = {
    "decrees": [
        "decree_id", "pemerintah", "kabupaten_kota", "kecamatan", "pejabat_penetap", "nomor",
        "tentang", "tahun", "tempat_penetapan", "tanggal_penetapan", "penandatangan_nama",
        "penandatangan_nip", "penandatangan_pangkat", "penandatangan_jabatan",
        # normalised (Kemendagri codes, decoded NIP, golongan)
        "kode_kecamatan", "kode_kabkota", "provinsi", "kode_provinsi", "region_score", "region_note",
        "penandatangan_nip_valid",
        "penandatangan_tanggal_lahir", "penandatangan_jenis_kelamin", "penandatangan_tmt_cpns",
        "penandatangan_golongan_ruang",
        # OCR'd input: confidence of the lines each field came from
        "confidence_nomor", "confidence_tentang", "confidence_tempat_penetapan",
        "confidence_tanggal_penetapan", "confidence_penandatangan_nama", "confidence_penandatangan_nip",
        "kind", "source_file", "source_files", "n_jabatan", "n_indikator",
    ],
    "jabatan": [
        "decree_id", "jabatan_no", "jabatan", "jabatan_canonical", "jabatan_level",
        "jabatan_unit", "jabatan_match_score", "kecamatan", "kabupaten_kota", "tahun",
    ],
    "indikator": [
        "decree_id", "jabatan_no", "row_no", "jabatan", "jabatan_canonical", "sasaran",
        "indikator", "formulasi", "sumber_data", "numerator", "denominator", "multiplier",
        "indikator_type", "indikator_theme", "indikator_theme_score",
        "kecamatan", "kabupaten_kota", "kode_kecamatan", "tahun",
        "source_file", "page", "confidence",
        "confidence_sasaran", "confidence_indikator", "confidence_formulasi",
        "confidence_sumber_data",
    ],
    "mengingat": ["decree_id", "item_no", "text", "jenis", "nomor", "tahun", "tentang", "key"],
}  # fmt: skip

SHA = "c8d51b738327ab4e" + "0" * 48


def make_decree(index: int = 1, source_file: str = "karangploso.txt") -> Decree:
    """A small but complete IKI decree: 2 jabatan blocks with 3 + 2 indicator rows."""
    camat = Jabatan(
        jabatan="Camat",
        tugas=["memimpin penyelenggaraan pemerintahan kecamatan"],
        fungsi=["koordinasi kegiatan pemberdayaan masyarakat"],
        indikator=[
            IndikatorRow("Meningkatnya kinerja", "Nilai SAKIP", "Nilai hasil evaluasi", "LHE"),
            IndikatorRow("Meningkatnya kinerja", "IKM", "∑ A / ∑ B x 100%", "Survei"),
            IndikatorRow("Meningkatnya kinerja", "Persentase", None, None, page=2, confidence=0.8),
        ],
        jabatan_canonical="camat",
        jabatan_level="camat",
        jabatan_match_score=100.0,
    )
    kasi = Jabatan(
        jabatan="Kasi Pemerintahan",
        indikator=[
            IndikatorRow("Tertib administrasi", "Jumlah desa tertib", "desa tertib / desa", "sda"),
            IndikatorRow("Tertib administrasi", "Persentase laporan", None, "Laporan"),
        ],
    )
    header = Header(
        pemerintah="Pemerintah Kabupaten Malang",
        kabupaten_kota="Kabupaten Malang",
        kecamatan="Karangploso",
        pejabat_penetap="Camat Karangploso",
        nomor="188.45/05/35.07.23/2020",
        tentang="Indikator Kinerja Individu Kecamatan Karangploso Kabupaten Malang",
        tahun=2020,
        tempat_penetapan="Karangploso",
        tanggal_penetapan="2020-01-16",
        penandatangan=Penandatangan(
            nama="DYAH EKAWATI N.W.", nip="197001011990032001", pangkat="Pembina (IV/a)"
        ),
    )
    return Decree(
        kind="IKI",
        source_file=source_file,
        header=header,
        menimbang=["bahwa untuk dapat mengukur kinerja ..."],
        mengingat=[
            "Undang – Undang Nomor 23 tahun 2014 tentang Pemerintahan Daerah;",
            "Peraturan Pemerintah Nomor 38 Tahun 2007 tentang Pembagian Urusan;",
        ],
        diktum=[Diktum("KESATU", "Menetapkan Indikator Kinerja Individu ...")],
        tembusan=["Bupati Malang"],
        jabatan=[camat, kasi],
        decree_id=decree_id(SHA, index),
    )


def make_other(index: int = 2) -> Decree:
    """A decree with no Lampiran (no jabatan, no mengingat)."""
    return Decree(kind="OTHER", source_file="karangploso.txt", decree_id=decree_id(SHA, index))


def load_schema() -> dict:
    path = schema_path()
    if not path.is_file():
        pytest.skip(f"decree.schema.json not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


# -- flat tables ---------------------------------------------------------------


def test_columns_are_exactly_the_contract():
    frames = to_frames([make_decree()])
    assert list(frames) == ["decrees", "jabatan", "indikator", "mengingat"]
    for name, columns in EXPECTED_COLUMNS.items():
        assert list(frames[name].columns) == columns, name


def test_row_counts_and_numbering():
    frames = to_frames([make_decree(1), make_other(2)])
    assert len(frames["decrees"]) == 2
    assert len(frames["jabatan"]) == 2
    assert len(frames["indikator"]) == 5
    assert len(frames["mengingat"]) == 2

    dec = frames["decrees"].set_index("decree_id")
    assert dec.loc["c8d51b738327ab4e-1", "n_jabatan"] == 2
    assert dec.loc["c8d51b738327ab4e-1", "n_indikator"] == 5
    assert dec.loc["c8d51b738327ab4e-1", "penandatangan_nip"] == "197001011990032001"
    assert dec.loc["c8d51b738327ab4e-2", "n_indikator"] == 0

    ind = frames["indikator"]
    assert ind["jabatan_no"].tolist() == [1, 1, 1, 2, 2]
    assert ind["row_no"].tolist() == [1, 2, 3, 1, 2]
    assert set(ind["kecamatan"]) == {"Karangploso"}
    assert ind["tahun"].tolist() == [2020] * 5
    assert ind.loc[2, "page"] == 2 and ind.loc[2, "confidence"] == pytest.approx(0.8)
    assert pd.isna(ind.loc[2, "formulasi"])
    assert frames["mengingat"]["item_no"].tolist() == [1, 2]


def test_empty_tables_keep_their_schema(tmp_path: Path):
    frames = to_frames([])
    for name, columns in EXPECTED_COLUMNS.items():
        assert list(frames[name].columns) == columns
        assert len(frames[name]) == 0
    assert str(frames["indikator"]["row_no"].dtype) == "Int64"
    assert str(frames["jabatan"]["jabatan_match_score"].dtype) == "Float64"
    write_tables(frames, tmp_path)
    back = pd.read_parquet(tmp_path / "indikator.parquet")
    assert list(back.columns) == EXPECTED_COLUMNS["indikator"]
    assert str(back["row_no"].dtype) == "Int64"


def test_stable_dtypes():
    frames = to_frames([make_decree()])
    ind = frames["indikator"]
    assert str(ind["jabatan_no"].dtype) == "Int64"
    assert str(ind["page"].dtype) == "Int64"
    assert str(ind["confidence"].dtype) == "Float64"
    assert isinstance(ind["sasaran"].dtype, pd.StringDtype)


def test_parquet_and_csv_round_trip(tmp_path: Path):
    frames = to_frames([make_decree(1), make_other(2)])
    written = write_tables(frames, tmp_path)
    assert sorted(p.name for p in written) == sorted(
        [f"{n}.{ext}" for n in EXPECTED_COLUMNS for ext in ("csv", "parquet")]
        + ["unmatched_jabatan.csv", "unmatched_indikator.csv"]
    )
    for name, frame in frames.items():
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, frame, check_dtype=False)
        assert list(back.columns) == EXPECTED_COLUMNS[name]
        csv = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(csv.columns) == EXPECTED_COLUMNS[name]
        assert len(csv) == len(frame)
    csv = pd.read_csv(tmp_path / "indikator.csv", encoding="utf-8")
    assert "∑ A / ∑ B x 100%" in csv["formulasi"].tolist()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*"))


def test_mengingat_parts_from_normaliser():
    d = make_decree()
    d.mengingat_refs = [
        {"jenis": "Undang-Undang", "nomor": "23", "tahun": "2014", "tentang": "X", "key": "UU 23/2014"},
        None,
    ]
    men = to_frames([d])["mengingat"]
    assert men.loc[0, "jenis"] == "Undang-Undang"
    assert men.loc[0, "tahun"] == 2014 and men.loc[0, "key"] == "UU 23/2014"
    assert pd.isna(men.loc[1, "jenis"]) and pd.isna(men.loc[1, "tahun"])


def test_mengingat_parts_null_when_not_parsed():
    men = to_frames([make_decree()])["mengingat"]
    assert len(men) == 2
    assert men[["jenis", "nomor", "tahun", "tentang", "key"]].isna().all().all()
    assert men.loc[0, "text"].startswith("Undang")


# -- JSON ------------------------------------------------------------------------


def test_decree_json_is_valid_and_utf8(tmp_path: Path):
    schema = load_schema()
    decree = make_decree()
    path = write_decree_json(decree, tmp_path)
    assert path == tmp_path / "decrees" / "c8d51b738327ab4e-1.json"
    raw = path.read_text(encoding="utf-8")
    assert "Undang – Undang" in raw  # ensure_ascii=False keeps the dash as is
    data = json.loads(raw)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["decree_id"] == "c8d51b738327ab4e-1"
    assert len(data["jabatan"]) == 2
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_other_decree_json_is_valid(tmp_path: Path):
    schema = load_schema()
    data = json.loads(write_decree_json(make_other(), tmp_path).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_decree_json_needs_an_id(tmp_path: Path):
    decree = make_decree()
    decree.decree_id = ""
    with pytest.raises(ValueError, match="decree_id"):
        write_decree_json(decree, tmp_path)


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path: Path):
    target = tmp_path / "t.json"
    target.write_text("old", encoding="utf-8")

    def failing(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, failing)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


# -- ids -------------------------------------------------------------------------


def test_decree_id_is_stable_and_validated():
    assert decree_id(SHA, 1) == "c8d51b738327ab4e-1"
    assert decree_id(SHA.upper(), 3) == "c8d51b738327ab4e-3"
    with pytest.raises(ValueError):
        decree_id(SHA, 0)
    with pytest.raises(ValueError):
        decree_id("not-hex", 1)


def test_unmatched_jabatan_report(tmp_path: Path):
    d = make_decree()
    d.jabatan[1].jabatan_canonical = None
    d.jabatan[1].jabatan_match_score = 41.0
    frames = to_frames([d])
    report = unmatched_jabatan(frames)
    assert list(report["jabatan"]) == ["Kasi Pemerintahan"]
    assert report.loc[0, "n"] == 1 and report.loc[0, "best_score"] == 41.0
    write_tables(frames, tmp_path)
    assert (tmp_path / "unmatched_jabatan.csv").read_text(encoding="utf-8").startswith("jabatan,")


def test_decree_from_dict_round_trip():
    d = make_decree()
    d.mengingat_refs = [{"jenis": "Undang-Undang", "key": "UU 23/2014"}, None]
    d.header.kode_kecamatan = "35.07.23"
    d.jabatan[0].indikator[0].indikator_type = "jumlah"
    data = d.to_dict()
    assert Decree.from_dict(data).to_dict() == data
    data["header"]["unknown_future_key"] = 1  # newer JSON still loads
    assert Decree.from_dict(data).header.kode_kecamatan == "35.07.23"
