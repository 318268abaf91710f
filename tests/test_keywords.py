"""OCR post-correction of label words (never of body text)."""

import pytest
from conftest import extract_text

from iki_extract.ingest.cleanup import correct_label
from iki_extract.ingest.text import parse_text
from iki_extract.model import Document, Page
from iki_extract.pipeline import extract_document


@pytest.mark.parametrize(
    "raw, fixed",
    [
        ("Menimbanq : a. bahwa x", "MENIMBANG : a. bahwa x"),
        ("MENGlNGAT : 1. Undang", "MENGINGAT : 1. Undang"),
        ("KETlGA : Keputusan ini", "KETIGA : Keputusan ini"),
        ("1. JA8ATAN : Kasi Trantib", "1. JABATAN : Kasi Trantib"),
        ("TEMBU5AN :", "TEMBUSAN :"),
        ("Fungsl : a. menyusun", "FUNGSI : a. menyusun"),
    ],
)
def test_damaged_labels_are_fixed(raw, fixed):
    assert correct_label(raw) == fixed


@pytest.mark.parametrize(
    "line",
    ["Ketua : Budi", "Penetapan : x", "Daerah;", "bahwa Menimbanq x", "Mengingat : 1. a", "Kegiatan : x"],
)
def test_other_lines_untouched(line):
    assert correct_label(line) == line


def test_only_ocr_pages_are_corrected():
    from iki_extract.ingest.cleanup import clean_document

    text = "KEPUTUSAN CAMAT X\nNOMOR : 1/2/2020\nTENTANG\nINDIKATOR KINERJA INDIVIDU\n\nMenimbanq : a. bahwa satu;\n"
    # layout's label matchers tolerate the slip in any input (flattened OCR text has them)
    assert extract_text(text)[0].menimbang == ["bahwa satu;"]
    pages = [Page(number=1, blocks=parse_text(text), origin="text"), Page(number=2, blocks=parse_text(text), origin="ocr")]
    doc = clean_document(Document(source_file="s.pdf", pages=pages))
    texts = [[b.text for b in p.blocks if b.text.startswith("Men") or b.text.startswith("MEN")] for p in doc.pages]
    assert texts == [["Menimbanq : a. bahwa satu;"], ["MENIMBANG : a. bahwa satu;"]]
    (d,) = extract_document(doc)
    assert d.menimbang == ["bahwa satu;"]


@pytest.mark.parametrize(
    "raw, fixed",
    [
        ("Mengingat 1 1. Undang-Undang", "Mengingat : 1. Undang-Undang"),
        ("3. Fungsi 1 penyiapan bahan", "3. Fungsi : penyiapan bahan"),
        ("2. Tugas :.- Memimpin", "2. Tugas : - Memimpin"),
        ("2. Tugas 1.- menyusun", "2. Tugas : - menyusun"),
        ("“4. Jabatan : KASI", "4. Jabatan : KASI"),
        ("Cc. bahwa dalam", "c. bahwa dalam"),
        ("2. Tugas : -. Menyiapkan", "2. Tugas : - Menyiapkan"),
    ],
)
def test_ocr_line_slips(raw, fixed):
    from iki_extract.ingest.cleanup import clean_ocr_line

    assert clean_ocr_line(raw) == fixed


def test_lost_item_number_dot_and_percent_slips():
    from iki_extract.ingest.cleanup import clean_ocr_line
    from iki_extract.ingest.ocr_tables import fix_ocr_line

    assert clean_ocr_line(". Jabatan : BENDAHARA") == "Jabatan : BENDAHARA"
    assert fix_ocr_line("1. 100 Yo dari peserta 2. 100 Yo") == "1. 100 % dari peserta 2. 100 %"
    assert fix_ocr_line("Yogyakarta 100") == "Yogyakarta 100"
