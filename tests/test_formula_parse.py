"""Formula parsing and indicator typing (iki_extract.normalize.formula)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iki_extract.normalize.formula import TYPES, FormulaInfo, parse_formula

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


@pytest.mark.parametrize(
    "formula, num, den",
    [
        (
            "∑ Pengajuan yang dicairkan / ∑ Pengajuan yang seharusnya Cair x 100%",
            "∑ Pengajuan yang dicairkan",
            "∑ Pengajuan yang seharusnya Cair",
        ),
        (
            "Jumlah realisasi Keuangan / Jumlah Anggaran X 100 %",
            "Jumlah realisasi Keuangan",
            "Jumlah Anggaran",
        ),
        (
            "Jumlah RT aktif dibandingkan dengan jumlah RT se Kecamatan di kali 100%",
            "Jumlah RT aktif",
            "jumlah RT se Kecamatan",
        ),
        (
            "Jumlah usulan prioritas berbanding jumlah seluruh usulan X 100 %",
            "Jumlah usulan prioritas",
            "jumlah seluruh usulan",
        ),
        (
            "Jumlah peserta hadir, berbanding jumlah seluruh peserta X 100%",
            "Jumlah peserta hadir",
            "jumlah seluruh peserta",
        ),
        (
            "Jumlah kelurahan dengan nilai SKM 75 dibagi jumlah kelurahan x 100 %",
            "Jumlah kelurahan dengan nilai SKM 75",
            "jumlah kelurahan",
        ),
        (
            "Jumlah pelayanan sesuai standar dibanding dengan jumlah pelayanan dikali 100%",
            "Jumlah pelayanan sesuai standar",
            "jumlah pelayanan",
        ),
        ("A ÷ B × 100%", "A", "B"),
        ("(A + B) / (C - D) x 100%", "A + B", "C - D"),
    ],
)
def test_fraction_with_percent(formula, num, den):
    f = parse_formula(formula, "Tingkat pelayanan")
    assert (f.numerator, f.denominator, f.multiplier) == (num, den, 100)
    assert f.indikator_type == "persentase"
    assert f.reason is None


def test_split_is_top_level_only():
    f = parse_formula(
        "∑ Pegawai x (∑ Hari kerja efektif - ∑ hari tidak masuk kerja) / "
        "∑ Pegawai x ∑ harikerja efektif x 100%",
        "Persentase Tingkat Kehadiran PNS",
    )
    assert f.numerator == "∑ Pegawai x (∑ Hari kerja efektif - ∑ hari tidak masuk kerja)"
    assert f.denominator == "∑ Pegawai x ∑ harikerja efektif"
    assert f.multiplier == 100
    # a slash inside parentheses is not the fraction
    f = parse_formula("Jumlah A (x / y) berbanding jumlah B x 100%", None)
    assert (f.numerator, f.denominator) == ("Jumlah A (x / y)", "jumlah B")


def test_word_slashes_are_not_fractions():
    f = parse_formula("Jumlah Desa/Kelurahan yang melapor", "Jumlah laporan Desa/Kelurahan")
    assert (f.numerator, f.denominator, f.division) == (None, None, None)
    assert f.indikator_type == "jumlah"
    f = parse_formula("Jumlah laporan /verifikasi Data SIK NG", None)
    assert f.division is None


def test_word_slash_with_spaces_picks_the_slash_before_a_denominator_word():
    f = parse_formula(
        "Realisasi capaian kinerja program / kegiatan / Target capaian kinerja program / "
        "kegiatan x 100% Target capaian kinerja program / kegiatan Kec. Ciruas",
        "Persentase Capaian Kinerja Program atau Kegiatan",
    )
    assert f.numerator == "Realisasi capaian kinerja program / kegiatan"
    assert f.denominator == "Target capaian kinerja program / kegiatan"
    assert f.rest == "Target capaian kinerja program / kegiatan Kec. Ciruas"


def test_list_slash_without_multiplier_is_not_a_fraction():
    f = parse_formula(
        "Pembinaan terdiri dari : 1. Pembinaan LKK 2. Sosialisasi KLA / Forum Anak", "Jumlah X"
    )
    assert f.division is None and f.numerator is None
    assert f.indikator_type == "jumlah"


@pytest.mark.parametrize(
    "mult",
    [
        "x 100%",
        "X 100 %",
        "× 100%",
        "* 100%",
        "dikali 100%",
        "di kali 100%",
        "dikalikan dengan 100%",
        "x 100",
    ],
)
def test_multiplier_forms(mult):
    f = parse_formula(f"Jumlah A / Jumlah B {mult}", None)
    assert f.multiplier == 100
    assert (f.numerator, f.denominator) == ("Jumlah A", "Jumlah B")


def test_sum_symbols_are_kept():
    f = parse_formula("∑ Monitoring Pembangunan Desa / ∑ Pembangunan dari dana DD x 100%", None)
    assert f.numerator.startswith("∑ ") and f.denominator.startswith("∑ ")


def test_percentage_without_denominator():
    f = parse_formula(
        "Jumlah pelayanan administrasi sesuai standar di kali 100% Jenis pelayanan : 1. KTP 2. KK",
        "Persentase pelayanan administrasi",
    )
    assert f.numerator == "Jumlah pelayanan administrasi sesuai standar"
    assert f.denominator is None and f.multiplier == 100
    assert f.rest == "Jenis pelayanan : 1. KTP 2. KK"
    assert f.reason == "no denominator written"
    assert f.indikator_type == "persentase"


def test_plain_count():
    f = parse_formula("Jumlah Dokumen Perencanaan yang disusun", "Menyusun dokumen perencanaan")
    assert f.indikator_type == "jumlah"
    assert (f.numerator, f.denominator, f.multiplier) == (None, None, None)
    assert f.reason is None


@pytest.mark.parametrize(
    "indikator, formula, kind",
    [
        ("Jumlah Kehadiran PNS dalam 1 Tahun", "∑ A / ∑ B x 100%", "persentase"),  # formula wins
        ("Prosentase sekolah yang mengikuti lomba", "100 %", "persentase"),
        ("Presentase pelayanan", None, "persentase"),
        (
            "Nilai Survey Kepuasan Masyarakat Kecamatan",
            "Nilai Survey Kepuasan Masyarakat",
            "nilai/indeks",
        ),
        ("Nilai IKM Pelayanan Internal Kecamatan", "IKM Kecamatan", "nilai/indeks"),
        ("Indeks Kepuasan Masyarakat", None, "nilai/indeks"),
        ("Skor SAKIP", "Hasil evaluasi", "nilai/indeks"),
        ("Rasio guru terhadap murid", "Jumlah guru berbanding jumlah murid", "rasio"),
        ("Perbandingan realisasi", None, "rasio"),
        ("Tingkat kelancaran", "Jumlah guru dibagi jumlah murid", "rasio"),  # no x 100%
        ("Pembinaan Kelompok IKM dan UMKM", "Jumlah Pembinaan Kelompok IKM dan UMKM", "jumlah"),
        ("Pembinaan Pemerintahan Desa", "Banyaknya pembinaan", "jumlah"),
        ("Rekap Administrasi Pelayanan Publik", "Rekap Pelayanan Perijinan", "other"),
        (None, None, "other"),
    ],
)
def test_indikator_type(indikator, formula, kind):
    assert parse_formula(formula, indikator).indikator_type == kind


@pytest.mark.parametrize(
    "formula, reason",
    [
        (None, "no formula"),
        ("", "no formula"),
        ("   ", "no formula"),
        (float("nan"), "not text"),
        (42, "not text"),
        (["A / B"], "not text"),
        ("/ Jumlah B x 100%", "empty numerator"),
        ("Jumlah A / x 100%", "empty denominator"),
        ("Jumlah A dibagi", "empty denominator"),
        ("x 100%", "multiplier without a formula"),
    ],
)
def test_malformed_never_raises(formula, reason):
    f = parse_formula(formula, "Persentase X")
    assert isinstance(f, FormulaInfo)
    assert reason in f.reason
    assert f.indikator_type in TYPES


def test_every_seed_formula_parses():
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not found")
    n = fractions = 0
    for gold in sorted(SEEDS.glob("*.gold.json")):
        for decree in json.loads(gold.read_text(encoding="utf-8")):
            for jab in decree["jabatan"]:
                for row in jab["indikator"]:
                    f = parse_formula(row["formulasi"], row["indikator"])
                    assert f.indikator_type in TYPES
                    n += 1
                    if f.denominator:
                        fractions += 1
                        assert f.numerator and f.multiplier in (100, None)
    assert n > 100 and fractions >= 10
