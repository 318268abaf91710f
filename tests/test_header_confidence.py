"""Header fields carry the confidence of the OCR lines they came from."""

from __future__ import annotations

from iki_extract.layout.header_confidence import field_confidence
from iki_extract.model import Header, Penandatangan, TextLine


def _h() -> Header:
    return Header(
        nomor="000/0010/400.02",
        tentang="Penetapan Indikator Kinerja Individu di Lingkungan Kecamatan Palaran Tahun 2019",
        tempat_penetapan="Samarinda",
        tanggal_penetapan="2019-04-01",
        penandatangan=Penandatangan(nama="SUWARSO, A.Ks.,M.Si", nip="196909201991121001"),
    )


def test_each_field_gets_the_lowest_confidence_of_its_lines() -> None:
    lines = [
        TextLine("NOMOR : 000/0010/400.02", confidence=0.93),
        TextLine("TENTANG", confidence=0.99),
        TextLine("PENETAPAN INDIKATOR KINERJA INDIVIDU DI LINGKUNGAN", confidence=0.9),
        TextLine("KECAMATAN PALARAN TAHUN 2019", confidence=0.7),
        TextLine("Ditetapkan di : Samarinda", confidence=0.95),
        TextLine("pada tanggal : 01 April 2019", confidence=0.88),
        TextLine("SUWARSO, A.Ks.,M.Si", confidence=0.41),
        TextLine("NIP. 19690920 199112 1 001", confidence=0.97),
    ]
    assert field_confidence(_h(), lines) == {
        "nomor": 0.93,
        "tentang": 0.7,
        "tempat_penetapan": 0.95,
        "tanggal_penetapan": 0.88,
        "penandatangan_nama": 0.41,
        "penandatangan_nip": 0.97,
    }


def test_no_confidence_without_ocr_lines_or_when_the_value_is_not_found() -> None:
    born_digital = [TextLine("NOMOR : 000/0010/400.02"), TextLine("SUWARSO, A.Ks.,M.Si")]
    assert field_confidence(_h(), born_digital) == {}
    other = [TextLine("NOMOR : 999/1/2020", confidence=0.9)]
    assert field_confidence(_h(), other) == {}
