"""Tolerant label matchers (layout/labels.py) and labels held in tables (label_tables.py)."""

import pytest

from iki_extract.layout.label_tables import expand_label_tables, pull_centred_labels
from iki_extract.layout.labels import best, score_line
from iki_extract.model import Cell, Table, TextLine


def _label(text, kind):
    return best(score_line(text), kind)


@pytest.mark.parametrize(
    "text, kind, rest",
    [
        ("Menimbang : a. bahwa satu;", "menimbang", "a. bahwa satu;"),
        ("M e n i m b a n g : a. bahwa satu;", "menimbang", "a. bahwa satu;"),
        ("MENGINGAT", "mengingat", ""),
        ("Mengingat. 1. Undang-Undang", "mengingat", "1. Undang-Undang"),
        ("Menimbanq : a. bahwa", "menimbang", "a. bahwa"),
        ("# **MEMUTUSKAN** :", "memutuskan", ""),
        ("KESATU Indikator Kinerja Individu", "diktum", "Indikator Kinerja Individu"),
        ("K E D U A : Penyusunan", "diktum", "Penyusunan"),
        ("Pasal 3", "diktum", ""),
        ("NOMOR 000/0010/400.02", "nomor", "000/0010/400.02"),
        ("Nomor: 12 Tahun 2022", "nomor", "12 Tahun 2022"),
        ("K E P U T U S A N  C A M A T  P A L A R A N", "title", "CAMAT PALARAN"),
        ("PERATURAN BUPATI MALANG", "title", "BUPATI MALANG"),
        ("Ditetapkan di : Samarinda", "penetapan", "Samarinda"),
        ("Tembusan : Keputusan ini disampaikan kepada Yth.", "tembusan", "Keputusan ini disampaikan kepada Yth."),
        ("CAMAT PALARAN,", "issuer", "CAMAT PALARAN,"),
        ("DENGAN RAHMAT TUHAN YANG MAHA ESA", "preamble", ""),
        ("1. Jabatan : CAMAT", "jabatan", "CAMAT"),
    ],
)
def test_labels_in_their_variations(text, kind, rest):
    lb = _label(text, kind)
    assert lb is not None and lb.score >= 0.7, score_line(text)
    assert lb.rest == rest


def test_lower_case_labels_score_lower_but_count():
    lb = _label("menimbang : a. bahwa satu;", "menimbang")
    assert lb is not None and 0.7 <= lb.score < 1.0
    assert best(score_line("menimbang bahwa satu;"), "menimbang").score < 0.7  # no colon, no item: weak


@pytest.mark.parametrize(
    "text, kind",
    [
        ("KEDUANYA berlaku", "diktum"),  # the word goes on
        ("Merumuskan kebijakan teknis", "memutuskan"),  # an OCR-like slip needs a colon or the line end
        ("Menyiapkan bahan penyusunan", "menetapkan"),
        ("Jl. Merdeka Nomor 75 Palaran Kode Pos 48241", "nomor"),  # not at the line start
        ("Nomor Tambahan Lembaran Negara", "nomor"),  # no number after it
        ("Peraturan Kepala Daerah;", "title"),
    ],
)
def test_not_labels(text, kind):
    lb = _label(text, kind)
    assert lb is None or lb.score < 0.7


def test_label_table_becomes_labelled_lines():
    cells = [
        Cell(0, 0, ["Menimbang"]), Cell(0, 1, [":"]), Cell(0, 2, ["a. bahwa satu;", "b. bahwa dua."]),
        Cell(1, 0, ["Mengingat"]), Cell(1, 1, [":"]), Cell(1, 2, ["1. Undang-Undang Nomor 23 Tahun 2014;"]),
    ]
    out = expand_label_tables([Table(cells=cells, n_rows=2, n_cols=3)])
    assert [b.text for b in out] == [
        "Menimbang : a. bahwa satu;",
        "b. bahwa dua.",
        "Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014;",
    ]


def test_indicator_table_stays_a_table():
    cells = [Cell(0, 0, ["NO"]), Cell(0, 1, ["SASARAN"]), Cell(0, 2, ["INDIKATOR"]), Cell(1, 0, ["1"]),
             Cell(1, 1, ["x"]), Cell(1, 2, ["y"])]
    t = Table(cells=cells, n_rows=2, n_cols=3)
    assert expand_label_tables([t]) == [t]


def test_centred_label_pulled_to_the_items_first_line():
    def ln(text, x0, top):
        return TextLine(text=text, page=1, bbox=(x0, top, 500.0, top + 10))

    blocks = [
        ln("CAMAT PALARAN,", 250, 100),
        ln("a. bahwa untuk melaksanakan ketentuan", 180, 120),
        ln("Menimbang :", 70, 132),
        ln("Peraturan Menteri Nomor 9 Tahun 2007;", 190, 144),
        ln("b. bahwa kedua.", 180, 156),
    ]
    blocks[2] = TextLine(text="Menimbang :", page=1, bbox=(70, 132, 140, 142))
    out = pull_centred_labels(blocks)
    assert [b.text for b in out][:3] == ["CAMAT PALARAN,", "Menimbang :", "a. bahwa untuk melaksanakan ketentuan"]


def test_flattened_block_labels_and_table_header():
    """Lampiran block as pdftotext gives it: labels grouped, values after, a table flattened."""
    from iki_extract.layout.lampiran import is_table_header_line, parse_block

    lines = ["1. Jabatan", "2. Tugas", ": KASI PELAYANAN UMUM", ": Melaksanakan pelayanan umum.", ":",
             "1) Merencanakan program;", "2) Melaksanakan koordinasi.", "NO. KINERJA INDIKATOR KINERJA FORMULASI SUMBER DATA",
             "1", "Meningkatnya pelayanan"]
    rb = parse_block([TextLine(text=t) for t in lines])
    assert rb is not None and rb.title == "KASI PELAYANAN UMUM"
    assert rb.tugas == ["Melaksanakan pelayanan umum."]
    assert rb.fungsi == ["Merencanakan program;", "Melaksanakan koordinasi."]
    assert is_table_header_line("PENJELASAN/") and not is_table_header_line("KINERJA PEGAWAI BAIK")
