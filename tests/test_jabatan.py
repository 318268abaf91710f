"""Canonical jabatan vocabulary and matcher (iki_extract.normalize.jabatan)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iki_extract import rules
from iki_extract.eval.metrics import bcubed
from iki_extract.model import Jabatan
from iki_extract.normalize.jabatan import (
    JabatanMatch,
    canonicalize,
    match_title,
    normalize_title,
    threshold,
    unmatched_report,
)

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
LEVELS = {
    "camat",
    "sekretaris_kecamatan",
    "kepala_subbagian",
    "kepala_seksi",
    "lurah",
    "sekretaris_kelurahan",
    "jabatan_pelaksana",
    "jabatan_fungsional",
    "bendahara",
}


def key(title: str) -> str | None:
    return match_title(title).key


# --------------------------------------------------------------------------
# The vocabulary files
# --------------------------------------------------------------------------


def test_vocabulary_is_well_formed():
    voc = rules.load("jabatan.yaml")
    positions = voc["positions"]
    keys = [p["key"] for p in positions]
    titles = [p["title"] for p in positions]
    assert len(keys) == len(set(keys)), "duplicate keys"
    assert len(titles) == len(set(titles)), "canonical titles must be unique per key"
    for p in positions:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", p["key"]), p["key"]
        assert p["level"] in LEVELS, p
        assert p["scope"] in ("kecamatan", "kelurahan"), p
        assert p.get("aliases"), p["key"]
        if "nomenclature_2023" in p:
            assert p["level"] == "jabatan_pelaksana", p["key"]
        if p["key"].startswith("kel_") or p["key"] in ("lurah", "seklur"):
            assert p["scope"] == "kelurahan", p["key"]
    for lvl in voc["levels"]:
        assert lvl["level"] in LEVELS
    assert 0 < voc["threshold"] <= 100
    for required in (
        "camat",
        "sekcam",
        "kasubag_umum_kepegawaian",
        "kasubag_program_keuangan",
        "kasubag_perencanaan_evaluasi_pelaporan",
        "kasi_pemerintahan",
        "kasi_trantib",
        "kasi_kesos",
        "kasi_pemberdayaan",
        "kasi_ekbang",
        "kasi_pelayanan",
        "kasi_lingkungan_hidup",
        "bendahara",
        "pembantu_bendahara",
        "bendahara_barang",
        "lurah",
        "seklur",
        "kel_kasi_pemerintahan_trantib",
        "kel_kasi_pelayanan",
        "pengadministrasi_umum",
        "pengelola_data",
        "analis_kinerja",
        "arsiparis",
        "pengemudi",
    ):
        assert required in keys, required


def test_every_canonical_title_matches_itself():
    for p in rules.load("jabatan.yaml")["positions"]:
        m = match_title(p["title"])
        assert m.key == p["key"], (p["title"], m)
        assert m.title == p["title"]
        for alias in p["aliases"]:
            assert match_title(alias).key == p["key"], (alias, match_title(alias))


def test_abbreviations_file_expands():
    assert normalize_title("Kasi Trantib") == "kepala seksi ketenteraman dan ketertiban umum"
    assert normalize_title("Kasubag. Prog/Keu") == "kepala subbagian program dan keuangan"
    assert normalize_title("Ka. Subbag Umum & Kepegawaian") == (
        "kepala subbagian umum dan kepegawaian"
    )
    assert normalize_title("Sekcam") == "sekretaris kecamatan"
    assert normalize_title("STAFF") == "staf"


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def test_abbreviation_and_spelling_variants_share_a_canonical():
    forms = [
        "Kasi Trantib",
        "Kepala Seksi Ketentraman dan Ketertiban Umum",
        "KASI KETENTRAMAN DAN KETERTIBAN UMUM",
        "Kepala Seksi Ketenteraman dan Ketertiban",
        "Kasi Trantibum",
        "Kepala Seksi Keamanan dan Ketertiban",
    ]
    matches = [match_title(f) for f in forms]
    assert {m.key for m in matches} == {"kasi_trantib"}
    assert {m.title for m in matches} == {"Kepala Seksi Ketenteraman dan Ketertiban Umum"}
    assert all(m.level == "kepala_seksi" for m in matches)
    assert all(m.unit == "Seksi Ketenteraman dan Ketertiban Umum" for m in matches)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Sekcam", "sekcam"),
        ("Sekretaris Camat", "sekcam"),
        ("Kasubag Umum dan Kepegawaian", "kasubag_umum_kepegawaian"),
        ("Kepala Sub Bagian Tata Usaha", "kasubag_umum_kepegawaian"),
        ("Kepala Subag Umum dan Kepegawaian Kecamatan Ciruas", "kasubag_umum_kepegawaian"),
        ("Kasubbag. Perencanaan dan Keuangan", "kasubag_program_keuangan"),
        ("Kepala Subbagian Program dan Keuangan", "kasubag_program_keuangan"),
        ("KASUBAG PERENCANAAN, EVALUASI DAN PELAPORAN", "kasubag_perencanaan_evaluasi_pelaporan"),
        ("Kasi Kesos", "kasi_kesos"),
        ("Kasi Kesejahteraan Sosial dan Kepemudaan", "kasi_kesos"),
        ("Kasi Kesra", "kasi_kesra"),
        ("Kasi PMD", "kasi_pemberdayaan"),
        ("KASI EKBANG", "kasi_ekbang"),
        ("Kepala Seksi Ekonomi Pembangunan", "kasi_ekbang"),
        ("Kasi Pelayanan Publik", "kasi_pelayanan"),
        ("Kasi Yanum", "kasi_pelayanan"),
        ("Plt. Camat", "camat"),
        ("Camat Wonoasih", "camat"),
        ("Seklur", "seklur"),
        ("SEKRETARIS LURAH", "seklur"),
        ("Bendahara Pengeluaran", "bendahara"),
        ("Bendahara Pengeluaran Pembantu", "pembantu_bendahara"),
        ("Pembantu Bendahara", "pembantu_bendahara"),
        ("Pengurus Barang", "bendahara_barang"),
        ("Arsiparis Ahli Pertama", "arsiparis"),
        ("Sopir", "pengemudi"),
    ],
)
def test_known_wordings(raw, expected):
    assert key(raw) == expected


def test_ocr_typos_are_fixed():
    m = match_title("BENDAHAHA BARANG")
    assert m.key == "bendahara_barang"
    assert m.level == "bendahara"
    assert m.title == "Bendahara Barang"
    staff = match_title("STAFF KESRA DAN PEMBERDAYAAN MASYRAKAT")
    assert staff.key == "staf_kesra_pemberdayaan"
    assert staff.level == "jabatan_pelaksana"
    assert staff.unit == "Seksi Kesejahteraan Rakyat dan Pemberdayaan Masyarakat"
    assert key("Penata Layanan Operasionl") == "penata_layanan_operasional"
    assert key("Kepala Seksi Pemerintahn") == "kasi_pemerintahan"


def test_unit_and_place_suffixes_are_stripped_but_read():
    m = match_title("Analis Kinerja pada Sub Bagian Tata Usaha Sekretariat Kecamatan Wonoasih")
    assert m.key == "analis_kinerja"
    assert m.title == "Analis Kinerja"
    assert m.level == "jabatan_fungsional"
    assert m.unit == "Subbagian Umum dan Kepegawaian"
    assert m.scope == "kecamatan"
    m = match_title("Arsiparis pada Sub Bagian Tata Usaha Sekretariat Kecamatan X Kota Y")
    assert (m.key, m.unit) == ("arsiparis", "Subbagian Umum dan Kepegawaian")
    m = match_title("Pengelola Keuangan pada Sub Bagian Program dan Keuangan Kecamatan X")
    assert (m.key, m.unit) == ("pengelola_keuangan", "Subbagian Program dan Keuangan")
    m = match_title("Pengadministrasi Umum Seksi Pelayanan")
    assert (m.key, m.unit) == ("pengadministrasi_umum", "Seksi Pelayanan Umum")
    m = match_title("Pelaksana pada Seksi Pemerintahan")
    assert (m.key, m.unit) == ("staf_pemerintahan", "Seksi Pemerintahan")
    assert key("KEPALA SEKSI PEMERINTAHAN KECAMATAN CIRUAS KABUPATEN SERANG") == (
        "kasi_pemerintahan"
    )


def test_kelurahan_scope():
    m = match_title("Kepala Seksi Pelayanan pada Kelurahan")
    assert m.key == "kel_kasi_pelayanan"
    assert m.scope == "kelurahan"
    assert m.title == "Kepala Seksi Pelayanan Umum Kelurahan"
    assert m.unit == "Seksi Pelayanan Umum Kelurahan"
    assert key("Kasi Pelayanan Kelurahan Sukamaju") == "kel_kasi_pelayanan"
    m = match_title("Bendahara pada Sekretariat Kelurahan")
    assert (m.key, m.unit, m.scope) == ("kel_bendahara", "Sekretariat Kelurahan", "kelurahan")
    assert m.title == "Bendahara Pengeluaran Kelurahan"
    assert key("Pengadministrasi Umum pada Sekretariat Kelurahan") == ("kel_pengadministrasi_umum")
    # a kecamatan position stays kecamatan
    assert match_title("Kepala Seksi Pelayanan").key == "kasi_pelayanan"
    assert match_title("Lurah").scope == "kelurahan"
    # "Pemberdayaan Masyarakat dan Kelurahan" names an area, not a scope
    assert key("Kasi Pemberdayaan Masyarakat dan Kelurahan") == "kasi_pemberdayaan"
    assert key("Kasi PMK") == "kasi_pemberdayaan"


def test_combined_units():
    m = match_title("Kasi PMK & Kesos")
    assert m.key == "kasi_kesos_pemberdayaan"
    assert m.title == "Kepala Seksi Kesejahteraan Sosial dan Pemberdayaan Masyarakat"
    assert m.level == "kepala_seksi"
    # the order of the areas in the title does not matter
    assert key("Kasi Kesos dan PMK") == "kasi_kesos_pemberdayaan"
    m = match_title("Kasi Pembangunan dan Pemberdayaan Masyarakat")
    assert m.key == "kasi_pembangunan_pemberdayaan"
    assert m.unit == "Seksi Pembangunan dan Pemberdayaan Masyarakat"
    m = match_title("KASI PEMERINTAHAN UMUM, KETENTRAMAN DAN KETERTIBAN KELURAHAN")
    assert m.key == "kel_kasi_pemerintahan_trantib"
    assert m.title == "Kepala Seksi Pemerintahan, Ketenteraman dan Ketertiban Umum Kelurahan"
    assert key("Kepala Seksi Pemerintahan, Ketenteraman dan Ketertiban pada Kelurahan") == (
        "kel_kasi_pemerintahan_trantib"
    )
    m = match_title("KASUBAG UMUM, KEPEGAWAIAN, KEUANGAN dan ASET")
    assert m.key == "kasubag_umum_kepegawaian_keuangan_aset"
    assert m.title == "Kepala Subbagian Umum dan Kepegawaian, Keuangan dan Aset"
    # "Ekonomi dan Pembangunan" absorbs "Pembangunan"
    assert key("Kasi Ekonomi, Pembangunan dan Pemberdayaan Masyarakat") == (
        "kasi_ekbang_pemberdayaan"
    )
    assert key("STAFF PERENCANAAN PROGRAM& KEUANGAN") == "staf_program_keuangan"
    assert key("STAFF UMUM & KEPEGAWAIAN") == "staf_umum_kepegawaian"


def test_qualified_pelaksana_titles():
    m = match_title("Pengelola Data Keamanan dan Ketertiban pada Seksi Ketentraman dan Ketertiban")
    assert m.key == "pengelola_data_trantib"
    assert m.unit == "Seksi Ketenteraman dan Ketertiban Umum"
    assert key("Pengelola Data Pemberdayaan Masyarakat dan Kelembagaan") == (
        "pengelola_data_pemberdayaan"
    )
    # an exact alias wins over base + area ("Umum" is also an area)
    assert key("Pengadministrasi Umum") == "pengadministrasi_umum"


def test_nomenclature_2023():
    assert match_title("Pengadministrasi Umum").nomenclature_2023 == (
        "Pengadministrasi Perkantoran"
    )
    assert match_title("Pengelola Data").nomenclature_2023 == "Pengolah Data dan Informasi"
    assert match_title("Pengemudi").nomenclature_2023 == "Operator Layanan Operasional"
    assert match_title("Kepala Seksi Pemerintahan").nomenclature_2023 is None


def test_nonsense_is_unmatched_and_reported():
    m = match_title("Koordinator Festival Layang-layang")
    assert isinstance(m, JabatanMatch)
    assert m.key is None and m.title is None and m.level is None and m.unit is None
    assert m.score < threshold()
    for raw in ("Kepala Seksi Festival", "Sekretaris", "", "Kepala Desa"):
        assert match_title(raw).key is None, raw
    js = [
        Jabatan("Kasi Trantib"),
        Jabatan("Koordinator Festival Layang-layang"),
        Jabatan("Koordinator Festival Layang-layang"),
        Jabatan("Lurah"),
    ]
    for j in js:
        canonicalize(j)
    assert js[1].jabatan_canonical is None
    assert js[1].jabatan_match_score is not None and js[1].jabatan_match_score < threshold()
    assert unmatched_report(js) == ["Koordinator Festival Layang-layang"]
    assert unmatched_report(["Camat", "Tukang Sulap"]) == ["Tukang Sulap"]


def test_canonicalize_sets_fields_and_keeps_raw():
    j = Jabatan("KASI KETENTRAMAN DAN KETERTIBAN UMUM")
    canonicalize(j)
    assert j.jabatan == "KASI KETENTRAMAN DAN KETERTIBAN UMUM"
    assert j.jabatan_canonical == "Kepala Seksi Ketenteraman dan Ketertiban Umum"
    assert j.jabatan_level == "kepala_seksi"
    assert j.jabatan_unit == "Seksi Ketenteraman dan Ketertiban Umum"
    assert j.jabatan_match_score == 100.0
    k = Jabatan("Kasi Trantib")
    canonicalize(k)
    assert k.jabatan_canonical == j.jabatan_canonical


def test_scores_are_bounded_and_deterministic():
    for raw in ("Camat", "Kepala Seksi Pemerintahan Wonoasih", "Operator Komputer", "x"):
        m = match_title(raw)
        assert 0.0 <= m.score <= 100.0
        assert match_title(raw) == m


# --------------------------------------------------------------------------
# All seed titles against the gold role clusters
# --------------------------------------------------------------------------


def _seed_titles() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted(SEEDS.glob("*.gold.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        decrees = data if isinstance(data, list) else data.get("decrees", [data])
        for d in decrees:
            for j in d.get("jabatan", []):
                out.append((j["jabatan"], j.get("role")))
    return out


def seed_table(pairs: list[tuple[str, str]]) -> str:
    """The raw title -> canonical table (markdown), one row per distinct title."""
    lines = [
        "| raw title | canonical key | canonical title | level | unit | score |",
        "|---|---|---|---|---|---|",
    ]
    seen: set[str] = set()
    for raw, _ in pairs:
        if raw in seen:
            continue
        seen.add(raw)
        m = match_title(raw)
        lines.append(
            f"| {raw} | {m.key or '—'} | {m.title or '—'} | {m.level or '—'} "
            f"| {m.unit or '—'} | {m.score:g} |"
        )
    return "\n".join(lines)


def test_seed_titles_cluster_like_gold_roles():
    pairs = _seed_titles()
    if not pairs:
        pytest.skip(f"no gold seeds at {SEEDS}")
    gold = [role for _, role in pairs]
    # an unmatched title is a cluster of its own (never lumped with others)
    pred = [match_title(raw).key or f"__unmatched_{i}" for i, (raw, _) in enumerate(pairs)]
    p, r, f = bcubed(gold, pred)
    print()
    print(seed_table(pairs))
    print(f"B-cubed over {len(pairs)} seed titles: P={p:.4f} R={r:.4f} F1={f:.4f}")
    assert f >= 0.95, (p, r, f)
