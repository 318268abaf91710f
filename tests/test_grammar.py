"""The section grammar (layout/grammar.py) decoded over whole documents."""

import pytest
from conftest import extract_text

from iki_extract.layout.grammar import Unit, decode
from iki_extract.layout.labels import score_line

KOP = "PEMERINTAH KABUPATEN TANAH ANGIN\nKECAMATAN BUKIT RAYA\nJl. Merdeka Nomor 48 Bukit Raya Kode Pos 78763\n\n"

BODY = """Menimbang : a. bahwa pertama;
b. bahwa kedua.

Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;
2. Peraturan Bupati Tanah Angin Nomor 4 Tahun 2020 tentang Kecamatan;

MEMUTUSKAN :
Menetapkan : KEPUTUSAN CAMAT BUKIT RAYA TENTANG INDIKATOR KINERJA INDIVIDU.
KESATU : Indikator sebagaimana Lampiran.
KEDUA : Keputusan ini berlaku sejak tanggal ditetapkan.

Ditetapkan di Bukit Raya
pada tanggal 3 Maret 2021
CAMAT BUKIT RAYA,

BUDI SANTOSO
"""


def _decree(title: str, body: str = BODY) -> str:
    return KOP + title + "\n\nCAMAT BUKIT RAYA,\n\n" + body


def _path(text: str) -> list[str]:
    lines = [t for t in text.splitlines() if t.strip()]
    return decode([Unit(labels=tuple(score_line(t))) for t in lines])


def test_sections_in_order():
    path = _path(_decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU"))
    seen = list(dict.fromkeys(path))
    assert seen == ["kop", "title", "issuer", "menimbang", "mengingat", "memutuskan", "menetapkan",
                    "diktum", "penetapan", "signature"]


def test_nomor_without_colon_and_lower_case_labels():
    body = BODY.replace("Menimbang :", "menimbang :").replace("Mengingat :", "mengingat").replace("MEMUTUSKAN :", "Memutuskan")
    (d,) = extract_text(_decree("Keputusan Camat Bukit Raya\nNOMOR 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU", body))
    assert d.header.nomor == "061/7/2021"
    assert d.menimbang == ["bahwa pertama;", "bahwa kedua."]
    assert len(d.mengingat) == 2
    assert [x.label for x in d.diktum] == ["KESATU", "KEDUA"]
    assert d.header.tempat_penetapan == "Bukit Raya"


def test_spaced_letters_and_title_in_one_line():
    title = "K E P U T U S A N  C A M A T  B U K I T  R A Y A NOMOR 061/7/2021 TENTANG INDIKATOR KINERJA INDIVIDU"
    body = BODY.replace("Menimbang :", "M e n i m b a n g :").replace("KESATU :", "K E S A T U :")
    (d,) = extract_text(_decree(title, body))
    assert d.menimbang == ["bahwa pertama;", "bahwa kedua."]
    assert [x.label for x in d.diktum] == ["KESATU", "KEDUA"]
    assert d.kind == "IKI"


def test_missing_memutuskan_and_odd_label_do_not_derail_the_rest():
    body = BODY.replace("MEMUTUSKAN :\n", "").replace("Mengingat :", "Mengingat")
    (d,) = extract_text(_decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU", body))
    assert len(d.mengingat) == 2
    assert [x.label for x in d.diktum] == ["KESATU", "KEDUA"]
    assert d.header.penandatangan.nama == "BUDI SANTOSO"


def test_single_unlettered_menimbang_diktum_period_and_tembusan_lead_in():
    body = BODY.replace("Menimbang : a. bahwa pertama;\nb. bahwa kedua.", "Menimbang : bahwa hanya satu pertimbangan.")
    body = body.replace("KESATU :", "KESATU.").replace("KEDUA :", "KEDUA.")
    body += "\nTembusan : Keputusan ini disampaikan kepada Yth.\n1. Bupati Tanah Angin;\n2. Inspektorat.\n"
    (d,) = extract_text(_decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU", body))
    assert d.menimbang == ["bahwa hanya satu pertimbangan."]
    assert [x.label for x in d.diktum] == ["KESATU", "KEDUA"]
    assert d.tembusan == ["Bupati Tanah Angin;", "Inspektorat."]


def test_two_decrees_in_one_file():
    one = _decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU")
    two = _decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 062/8/2021\nTENTANG\nINDIKATOR KINERJA UTAMA")
    lampiran = "\nLAMPIRAN : KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 061/7/2021\nTENTANG : INDIKATOR\n\n1. Jabatan : CAMAT\n\n"
    decrees = extract_text(one + lampiran + two)
    assert [d.header.nomor for d in decrees] == ["061/7/2021", "062/8/2021"]
    assert [d.kind for d in decrees] == ["IKI", "IKU"]
    assert all(len(d.diktum) == 2 for d in decrees)


def test_repeated_binding_is_one_decree():
    one = _decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR : 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU")
    (d,) = extract_text(one + "\n" + one)
    assert d.header.nomor == "061/7/2021" and len(d.menimbang) == 2


def test_peraturan_bupati_with_pasal():
    text = (
        "BUPATI TANAH ANGIN\nPROVINSI KALIMANTAN BARAT\n\nPERATURAN BUPATI TANAH ANGIN\nNOMOR 44 TAHUN 2022\n"
        "TENTANG\nINDIKATOR KINERJA UTAMA PEMERINTAH KABUPATEN TANAH ANGIN\n\n"
        "DENGAN RAHMAT TUHAN YANG MAHA ESA\n\nBUPATI TANAH ANGIN,\n\n"
        "Menimbang : bahwa untuk melaksanakan ketentuan perlu menetapkan Peraturan Bupati;\n"
        "Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014;\n2. Peraturan Daerah Nomor 6 Tahun 2016;\n\n"
        "MEMUTUSKAN:\nMenetapkan : PERATURAN BUPATI TENTANG INDIKATOR KINERJA UTAMA.\n\n"
        "BAB I\nKETENTUAN UMUM\nPasal 1\nDalam Peraturan Bupati ini yang dimaksud dengan Daerah adalah Kabupaten.\n"
        "Pasal 2\nIndikator Kinerja Utama tercantum dalam Lampiran.\nPasal 3\n"
        "Peraturan Bupati ini mulai berlaku pada tanggal diundangkan.\n\n"
        "Ditetapkan di Tanah Angin\npada tanggal 1 Maret 2022\nBUPATI TANAH ANGIN,\n\nAHMAD\n"
    )
    (d,) = extract_text(text)
    assert d.kind == "IKU"
    assert [x.label for x in d.diktum] == ["PASAL 1", "PASAL 2", "PASAL 3"]
    assert d.diktum[1].text == "Indikator Kinerja Utama tercantum dalam Lampiran."
    assert len(d.mengingat) == 2 and len(d.menimbang) == 1
    assert d.header.tahun == 2022


def test_flattened_pdf_text_labels_apart_from_their_values():
    """pdftotext without -layout: label alone, ": a." value lines, lone item numbers."""
    body = (
        "Menimbang\n\n: a. bahwa pertama;\nb. bahwa kedua.\n\nMengingat\n\n: 1.\n\n"
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;\n\n2.\n\n"
        "Peraturan Bupati Tanah Angin Nomor 4 Tahun 2020 tentang Kecamatan;\n\n-2-\n\n"
        "MEMUTUSKAN :\nMenetapkan : KEPUTUSAN CAMAT BUKIT RAYA.\nKESATU\n\n: Indikator sebagaimana Lampiran.\n"
        "KEDUA\n\n: Keputusan ini berlaku sejak tanggal ditetapkan.\n\nDitetapkan di Bukit Raya\npada tanggal 3 Maret 2021\n"
    )
    from iki_extract.ingest.cleanup import clean_document
    from iki_extract.ingest.text import parse_text
    from iki_extract.model import Document, Page
    from iki_extract.pipeline import extract_document

    text = _decree("KEPUTUSAN CAMAT BUKIT RAYA\nNOMOR 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU", body)
    doc = clean_document(Document(source_file="t.txt", pages=[Page(number=1, blocks=parse_text(text))]))
    (d,) = extract_document(doc)
    assert d.menimbang == ["bahwa pertama;", "bahwa kedua."]
    assert d.mengingat == [
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
        "Peraturan Bupati Tanah Angin Nomor 4 Tahun 2020 tentang Kecamatan;",
    ]
    assert [(x.label, x.text) for x in d.diktum][0] == ("KESATU", "Indikator sebagaimana Lampiran.")


@pytest.mark.parametrize(
    "title",
    [
        "KEPUTUSAN LURAH SUKAMAJU",
        "KEPUTUSAN KEPALA DINAS KESEHATAN KABUPATEN TANAH ANGIN",
        "KEPUTUSAN BUPATI TANAH ANGIN",
        "KEPUTUSAN WALIKOTA SAMARINDA",
        "Keputusan Kepala Badan Perencanaan Pembangunan Daerah",
    ],
)
def test_every_issuer_sets_a_decree(title):
    issuer = title.split(" ", 1)[1].upper()
    text = KOP + f"{title}\nNOMOR 061/7/2021\nTENTANG\nINDIKATOR KINERJA INDIVIDU\n\n{issuer},\n\n" + BODY
    (d,) = extract_text(text)
    assert d.header.nomor == "061/7/2021"
    assert len(d.menimbang) == 2 and len(d.diktum) == 2
