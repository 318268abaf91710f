"""NIP / NI PPPK and pangkat parsing (iki_extract.normalize.people)."""

from __future__ import annotations

import pytest

from iki_extract import rules
from iki_extract.normalize.people import NipInfo, PangkatInfo, parse_nip, parse_pangkat

# --------------------------------------------------------------------------
# NIP
# --------------------------------------------------------------------------


def test_seed_nip_decodes():
    n = parse_nip("196701011991031006")
    assert n.valid and n.reason is None
    assert n.nip == "196701011991031006"
    assert n.birth_date == "1967-01-01"
    assert n.appointment == "1991-03"
    assert n.gender == "L"
    assert n.kind == "PNS"
    assert n.sequence == "006"


def test_female_pns():
    n = parse_nip("198505122010012014")
    assert n.valid and n.gender == "P" and n.appointment == "2010-01"


@pytest.mark.parametrize(
    "raw",
    ["NIP. 19670101 199103 1 006", "NIP: 19670101.199103.1.006", "19670101-199103-1-006"],
)
def test_nip_as_written_with_label_and_separators(raw):
    n = parse_nip(raw)
    assert n.valid and n.nip == "196701011991031006"


def test_ocr_letters_in_nip():
    n = parse_nip("1967O1011991031OO6")
    assert n.valid and n.nip == "196701011991031006" and n.note


def test_int_nip():
    assert parse_nip(196701011991031006).valid


@pytest.mark.parametrize(
    "raw, nip",
    [("199402162023212044", "199402162023212044"), ("NI PPPK. 198011092022211013", None)],
)
def test_pppk_numbers(raw, nip):
    n = parse_nip(raw)
    assert n.valid and n.kind == "PPPK"
    assert n.appointment == raw[-10:-6]  # the year alone
    if nip:
        assert n.nip == nip


def test_pppk_fields():
    n = parse_nip("199402162023212044")
    assert (n.birth_date, n.appointment, n.gender, n.sequence) == ("1994-02-16", "2023", "P", "044")


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("19670101199103100", "17 digits"),
        ("1967010119910310066", "19 digits"),
        ("010123456", "old 9-digit"),
        ("196713011991031006", "impossible birth date 1967-13-01"),
        ("196702301991031006", "impossible birth date 1967-02-30"),
        ("196701011991131006", "impossible appointment month 13"),
        ("196701011991001006", "impossible appointment month 00"),
        ("196701011980031006", "before age 17"),
        ("199001012000011001", "before age 17"),
        ("196701011991033006", "gender digit 3"),
        ("196701011991031000", "sequence number 000"),
        ("196701011991211006", "PPPK marker 21"),
        ("189901011930011001", "birth year 1899"),
        ("abc", "non-digit"),
        ("", "empty"),
        ("NIP.", "empty"),
        (None, "no NIP"),
        (1.96701011991031e17, "not text"),
        (["196701011991031006"], "not text"),
    ],
)
def test_invalid_nip_gives_reason_never_raises(raw, reason):
    n = parse_nip(raw)
    assert isinstance(n, NipInfo)
    assert n.valid is False
    assert reason in n.reason
    assert n.birth_date is None and n.appointment is None and n.gender is None and n.kind is None


# --------------------------------------------------------------------------
# Pangkat
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, pangkat, gr, consistent, source",
    [
        ("Pembina Tingkat I (IV/b)", "Pembina Tingkat I", "IV/b", True, "name+golongan"),
        ("PEMBINA IV/a", "Pembina", "IV/a", True, "name+golongan"),
        ("Penata Tk. I", "Penata Tingkat I", "III/d", None, "name"),
        ("Penata Muda Tingkat I, III/b", "Penata Muda Tingkat I", "III/b", True, "name+golongan"),
        ("IV/a", "Pembina", "IV/a", None, "golongan"),
        ("Pembina Tk.I / IV.b", "Pembina Tingkat I", "IV/b", True, "name+golongan"),
        ("Penata Muda Tk.1 (III / b)", "Penata Muda Tingkat I", "III/b", True, "name+golongan"),
        ("Pembina Utama Muda (IV/c)", "Pembina Utama Muda", "IV/c", True, "name+golongan"),
        ("Pembina Utama Madya, IV/d", "Pembina Utama Madya", "IV/d", True, "name+golongan"),
        ("Pembina Utama IV/e", "Pembina Utama", "IV/e", True, "name+golongan"),
        ("Pengatur Muda Tk. I II/b", "Pengatur Muda Tingkat I", "II/b", True, "name+golongan"),
        ("Juru Muda I/a", "Juru Muda", "I/a", True, "name+golongan"),
        ("Pembina IVa", "Pembina", "IV/a", True, "name+golongan"),
        ("lV/a", "Pembina", "IV/a", None, "golongan"),  # OCR l for I
        ("Pembna Tingkat I", "Pembina Tingkat I", "IV/b", None, "name"),  # OCR slip
        ("Penata Tingkat l (III/d)", "Penata Tingkat I", "III/d", True, "name+golongan"),
    ],
)
def test_pangkat_forms(raw, pangkat, gr, consistent, source):
    p = parse_pangkat(raw)
    assert p.pangkat == pangkat
    assert p.golongan_ruang == gr
    assert (p.golongan, p.ruang) == tuple(gr.split("/"))
    assert p.consistent is consistent
    assert p.source == source
    assert p.kind == "PNS"
    assert p.reason is None


def test_name_and_golongan_that_disagree():
    p = parse_pangkat("Penata IV/a")
    assert p.consistent is False
    assert (p.pangkat, p.golongan_ruang) == ("Penata", "IV/a")
    assert "III/c" in p.reason and "Pembina" in p.reason


def test_table_is_complete_and_ordered():
    table = rules.load("pangkat.yaml")["table"]
    assert len(table) == 17
    assert table[0] == {"golongan": "I", "ruang": "a", "name": "Juru Muda"}
    assert table[-1] == {"golongan": "IV", "ruang": "e", "name": "Pembina Utama"}
    for row in table:  # every canonical name reads back to its own grade
        p = parse_pangkat(f"{row['name']} ({row['golongan']}/{row['ruang']})")
        assert p.consistent is True and p.pangkat == row["name"]


def test_pppk_golongan():
    p = parse_pangkat("Golongan IX")
    assert (p.golongan, p.ruang, p.kind, p.pangkat) == ("IX", None, "PPPK", None)


@pytest.mark.parametrize(
    "raw, reason",
    [
        (None, "no pangkat"),
        ("", "no pangkat"),
        ("   ", "no pangkat"),
        (42, "not text"),
        ("garbage text", "no pangkat or golongan"),
        ("III/e", "no PNS grade III/e"),
        ("III", "golongan without ruang"),
        ("Pembinax Foo IV/a", "not recognised"),
    ],
)
def test_malformed_pangkat_gives_reason_never_raises(raw, reason):
    p = parse_pangkat(raw)
    assert isinstance(p, PangkatInfo)
    assert p.reason and reason in p.reason
    assert p.consistent is not True
