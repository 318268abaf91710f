"""Layout parsing: decree segmentation, header, body sections, jabatan blocks."""

from conftest import extract_text

from iki_extract.normalize.dates import parse_date

DECREE = """PEMERINTAH KABUPATEN TANAH ANGIN
KECAMATAN BUKIT RAYA

KEPUTUSAN CAMAT BUKIT RAYA
NOMOR : 061 / 7 / 2021
TENTANG
INDIKATOR KINERJA INDIVIDU KECAMATAN BUKIT RAYA
TAHUN 2021

CAMAT BUKIT RAYA,

- Menimbang : a. bahwa pertama;
- b. bahwa kedua.
- Menimbang : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;
2. Peraturan Bupati Tanah Angin Nomor 4 Tahun 2020

tentang Kecamatan;

MEMUTUSKAN :
Menetapkan :
- KESATU : Indikator sebagaimana Lampiran.
- Kedua : Tujuan untuk :
- a. satu;
- b. dua.
KETIGA.....
KETIGA : Berlaku sejak ditetapkan.

Ditetapkan di Bukit Raya
Pada tanggal 3 Maret 2021

CAMAT BUKIT RAYA

BUDI SANTOSO, S.Sos
Penata Tingkat I (III/d)
NIP. 19800101 200501 1 002

Tembusan :
1. Bupati Tanah Angin;
2. Inspektur.

INDIKATOR KINERJA INDIVIDU

1. JABATAN
2. TUGAS
3. FUNGSI

- : KASI TRANTIB
- : Membantu Camat di bidang ketertiban
- a. menyusun program;
- b. melaksanakan patroli.

SASARAN\tINDIKATOR KINERJA\tFORMULASI\tSUMBER DATA
Tertib lingkungan\tJumlah patroli\tJumlah patroli per bulan\tSeksi Trantib

INDIKATOR KINERJA INDIVIDU

1. Jabatan : **Bendahara**
2. Tugas :
❖ Membayar tagihan
3. Fungsi : -

SASARAN\tINDIKATOR KINERJA\tFORMULASI\tSUMBER DATA
Tertib keuangan\tJumlah SPJ\t$\\frac{\\text{SPJ tepat}}{\\text{SPJ}} \\times 100\\%$\tBendahara

INDIKATOR KINERJA INDIVIDU

1. Jabatan : **Bendahara**
2. Tugas :
❖ Membayar tagihan
3. Fungsi : -

SASARAN\tINDIKATOR KINERJA\tFORMULASI\tSUMBER DATA
Tertib keuangan\tJumlah SPJ\t$\\frac{\\text{SPJ tepat}}{\\text{SPJ}} \\times 100\\%$\tBendahara
"""


def test_header_fields():
    (d,) = extract_text(DECREE)
    h = d.header
    assert d.kind == "IKI"
    assert h.pemerintah == "Pemerintah Kabupaten Tanah Angin"
    assert h.kabupaten_kota == "Kabupaten Tanah Angin"
    assert h.kecamatan == "Bukit Raya"
    assert h.pejabat_penetap == "Camat Bukit Raya"
    assert h.nomor == "061/7/2021"
    assert h.tentang == "Indikator Kinerja Individu Kecamatan Bukit Raya Tahun 2021"
    assert h.tahun == 2021
    assert (h.tempat_penetapan, h.tanggal_penetapan) == ("Bukit Raya", "2021-03-03")
    s = h.penandatangan
    assert (s.nama, s.nip, s.pangkat, s.jabatan) == (
        "BUDI SANTOSO, S.Sos", "198001012005011002", "Penata Tingkat I (III/d)", "Camat Bukit Raya",
    )


def test_body_lists():
    (d,) = extract_text(DECREE)
    assert d.menimbang == ["bahwa pertama;", "bahwa kedua."]
    # a second "Menimbang" with numbered items is the mengingat; item 2 joined over the blank
    assert d.mengingat == [
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
        "Peraturan Bupati Tanah Angin Nomor 4 Tahun 2020 tentang Kecamatan;",
    ]
    assert [(k.label, k.text) for k in d.diktum] == [
        ("KESATU", "Indikator sebagaimana Lampiran."),
        ("KEDUA", "Tujuan untuk : a. satu; b. dua."),
        ("KETIGA", "Berlaku sejak ditetapkan."),
    ]
    assert d.tembusan == ["Bupati Tanah Angin;", "Inspektur."]


def test_blocks_split_layout_and_dedupe():
    (d,) = extract_text(DECREE)
    assert [j.jabatan for j in d.jabatan] == ["KASI TRANTIB", "Bendahara"]
    trantib, bendahara = d.jabatan
    assert trantib.tugas == ["Membantu Camat di bidang ketertiban"]
    assert trantib.fungsi == ["menyusun program;", "melaksanakan patroli."]
    assert bendahara.fungsi == []
    assert bendahara.indikator[0].formulasi == "SPJ tepat / SPJ x 100%"


def test_bound_twice_is_one_decree_and_iku_iki_are_two():
    iku = DECREE.replace("INDIKATOR KINERJA INDIVIDU KECAMATAN", "INDIKATOR KINERJA UTAMA KECAMATAN", 1)
    iku = iku.split("Tembusan :")[0]
    ds = extract_text(iku + "\n" + DECREE + "\n" + DECREE)
    assert [d.kind for d in ds] == ["IKU", "IKI"]
    assert ds[0].jabatan == [] and len(ds[1].jabatan) == 2


def test_not_a_decree():
    ds = extract_text("Festival desa berlangsung meriah.\nWarga berkumpul di lapangan.\n")
    assert len(ds) == 1 and ds[0].kind == "OTHER" and ds[0].jabatan == []


def test_dates():
    assert parse_date("16 Januari 2020") == "2020-01-16"
    assert parse_date("Januari2022") == "2022-01"
    assert parse_date("1 Pebruari 2021") == "2021-02-01"
    assert parse_date("31 Febuari 2021") == "2021-02"
    assert parse_date("tanpa tanggal") is None


def test_numeric_date_and_roman_labels():
    assert parse_date("Pada tanggal 05-01-2021") == "2021-01-05"
    text = DECREE.replace("1. Jabatan : **Bendahara**", "I. Jabatan : **Bendahara**")
    (d,) = extract_text(text)
    assert [j.jabatan for j in d.jabatan] == ["KASI TRANTIB", "Bendahara"]


def test_ocr_specks_and_lost_bullets_in_lists():
    from iki_extract.layout.lampiran import _items
    from iki_extract.layout.sections import collect_items
    from iki_extract.model import TextLine

    def line(t, x1):
        return TextLine(text=t, bbox=(100.0, 0.0, x1, 10.0))

    lines = [
        line("- menyusun program kerja seksi dan rencana kegiatan tahunan yang", 500),
        line("ditetapkan;", 160),  # short, punctuated: the item ends here
        line("melaksanakan pembinaan ketertiban umum di wilayah kecamatan:", 330),
        line("melaksanakan tugas lain.", 250),
    ]
    assert collect_items(lines) == [
        "menyusun program kerja seksi dan rencana kegiatan tahunan yang ditetapkan;",
        "melaksanakan pembinaan ketertiban umum di wilayah kecamatan:",
        "melaksanakan tugas lain.",
    ]
    assert _items([TextLine(text="5")]) == []
    assert collect_items([TextLine(text="1. Arsip.")]) == ["Arsip."]  # tembusan keeps it


MATRIX = DECREE.split("INDIKATOR KINERJA INDIVIDU\n\n1. JABATAN")[0] + (
    "LAMPIRAN KEPUTUSAN CAMAT BUKIT RAYA\n\n"
    "NO\tJABATAN\tSASARAN\tINDIKATOR KINERJA\tFORMULASI\tSUMBER DATA\n"
    "1\tSekretaris Kecamatan\tTertib administrasi\tJumlah surat\tJumlah surat keluar\tAgenda\n"
    "\t\t\tJumlah arsip\tJumlah arsip tertata\tArsip\n"
    "2\tKasi Trantib\tTertib lingkungan\tJumlah patroli\tJumlah patroli per bulan\tSeksi\n"
)


def test_iki_matrix_one_table_for_all_positions():
    (d,) = extract_text(MATRIX)
    assert [j.jabatan for j in d.jabatan] == ["Sekretaris Kecamatan", "Kasi Trantib"]
    sek, trantib = d.jabatan
    assert [r.cells() for r in sek.indikator] == [
        ("Tertib administrasi", "Jumlah surat", "Jumlah surat keluar", "Agenda"),
        ("Tertib administrasi", "Jumlah arsip", "Jumlah arsip tertata", "Arsip"),
    ]
    # fill-down restarts with each position
    assert trantib.indikator[0].sasaran == "Tertib lingkungan" and len(trantib.indikator) == 1
    assert trantib.jabatan_canonical == "Kepala Seksi Ketenteraman dan Ketertiban Umum"
    assert sek.jabatan_canonical == "Sekretaris Kecamatan"


# ------------------------------------------------------------------ flattened jabatan blocks (pdftotext)

FLAT_BLOCK = """INDIKATOR KINERJA INDIVIDU
KECAMATAN BUKIT RAYA
1.

Jabatan

2.

Tugas

NO.

: Kepala Seksi Pemerintahan
:
a. Menyusun rencana kerja seksi;
b. Melaksanakan tugas lain dari atasan.
: SASARAN

INDIKATOR KINERJA
INDIVIDU
"""


def test_flattened_label_column_opens_a_block_and_the_table_header_ends_its_lists():
    """pdftotext reads a label column first: item numbers on lines of their own, a lone
    "NO." of the table beside the labels, and the table's first header cell run into the
    colon column (": SASARAN") -- none of them is a duty, and the block is still found."""
    from iki_extract.ingest.text import parse_text
    from iki_extract.layout.lampiran import find_block_starts, parse_block

    blocks = parse_text(FLAT_BLOCK)
    starts = find_block_starts(blocks)
    assert len(starts) == 1
    rb = parse_block(blocks[starts[0] :])
    assert rb is not None and rb.title == "Kepala Seksi Pemerintahan"
    assert rb.tugas == ["Menyusun rencana kerja seksi;", "Melaksanakan tugas lain dari atasan."]
    assert rb.fungsi == []


def test_table_header_line_in_any_case():
    from iki_extract.layout.lampiran import is_table_header_line

    assert is_table_header_line("No   KINERJA   INDIKATOR KINERJA INDIVIDU   FORMULA   SUMBER DATA")
    assert is_table_header_line("INDIKATOR")  # upper case: one wording (a header set over lines)
    assert not is_table_header_line("NO.")  # a lone number column stands beside the labels
    assert not is_table_header_line("Indikator Kinerja")  # one wording, not upper case
    assert not is_table_header_line("Menyusun indikator kinerja seksi")
    # two header cells run together at a slash, where a header ends a block's lists
    assert is_table_header_line("INDIKATOR KINERJA        PENJELASAN/FORMULASI", split_slash=True)
    assert not is_table_header_line("INDIKATOR KINERJA        PENJELASAN/FORMULASI")


def test_running_lampiran_header_is_not_a_duty():
    from iki_extract.ingest.text import parse_text
    from iki_extract.layout.lampiran import find_block_starts, parse_block

    text = (
        "JABATAN : Kepala Seksi Pemerintahan\nTUGAS :\na. Menyusun rencana kerja seksi;\n\n"
        "Lampiran Keputusan Camat\nNomor : 061/7/2021\n\nb. Melaksanakan tugas lain dari atasan.\n"
    )
    blocks = parse_text(text)
    rb = parse_block(blocks[find_block_starts(blocks)[0] :])
    assert rb is not None
    assert rb.tugas == ["Menyusun rencana kerja seksi;", "Melaksanakan tugas lain dari atasan."]
