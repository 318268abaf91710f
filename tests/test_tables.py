"""Table reconstruction rules (SCHEMA.md) on small hand-made grids."""

from iki_extract.ingest.text import parse_text
from iki_extract.model import Cell, Table
from iki_extract.tables.columns import header_field, numbering_row
from iki_extract.tables.formula import formula_text
from iki_extract.tables.rows import reconstruct

HDR = "SASARAN KINERJA\tINDIKATOR KINERJA\tFORMULASI PERHITUNGAN\tSUMBER DATA"


def parts(text: str) -> list[Table]:
    return [b for b in parse_text(text) if isinstance(b, Table)]


def rows(text: str):
    return [r.cells() for r in reconstruct(parts(text))]


def test_header_wordings():
    assert header_field("PENJELASAN/FORMULASI PENGHITUNGAN")[0] == "formulasi"
    assert header_field("Sasaran Kinerja")[0] == "sasaran"
    assert header_field("KINERJA UTAMA")[0] == "sasaran"
    assert header_field("INDIKATOR KINERJA UTAMA")[0] == "indikator"
    assert header_field("SUMBER  DATA")[0] == "sumber_data"
    assert header_field("INDIKATOR KINERJA INDIVIDUU")[0] == "indikator"  # OCR slip


def test_numbering_row_with_sasaran_leftover():
    cells = [Cell(0, 0, ["Meningkatnya X"]), Cell(0, 1, ["1"]), Cell(0, 2, ["2"]), Cell(0, 3, ["3"])]
    assert numbering_row(cells) == (True, "Meningkatnya X")
    assert numbering_row([Cell(0, i, [f"({i + 1})"]) for i in range(5)]) == (True, None)
    assert numbering_row([Cell(0, 0, ["1"]), Cell(0, 1, ["Teks"])]) == (False, None)


def test_fill_down_and_no_column_dropped():
    text = (
        "No\tSasaran Kinerja\tIndikator Kinerja\tFormula\tSumber Data\n"
        "(1)\t(2)\t(3)\t(4)\t(5)\n"
        "1\tMeningkatnya A\tJumlah A\tJumlah A yang selesai\tArsip\n"
        "\t\tJumlah B\tJumlah B yang selesai\t\n"
        "2\tMeningkatnya C\tJumlah C\tJumlah C\tsda\n"
    )
    assert rows(text) == [
        ("Meningkatnya A", "Jumlah A", "Jumlah A yang selesai", "Arsip"),
        ("Meningkatnya A", "Jumlah B", "Jumlah B yang selesai", None),
        ("Meningkatnya C", "Jumlah C", "Jumlah C", "sda"),
    ]


def test_indikator_filled_over_formulasi_subrows():
    text = HDR + "\nTertib A\tLaporan A\tJumlah draf A\tSeksi A\n\t\tJumlah draf B\tSeksi A\n"
    assert rows(text)[1] == ("Tertib A", "Laporan A", "Jumlah draf B", "Seksi A")


def test_merged_numbering_stripped_from_first_row():
    text = HDR + "\n1 Tersusunnya X\t2 Jumlah X\t3 1. Dokumen X\t4 Data X\n"
    assert rows(text) == [("Tersusunnya X", "Jumlah X", "1. Dokumen X", "Data X")]


def test_row_cut_by_page_break_is_joined():
    text = (
        HDR + "\nMeningkatnya layanan kepada\tJumlah layanan yang\tJumlah meliputi : 1. KTP 2. KK\tRegister\n"
        "\n" + HDR + "\nmasyarakat desa\tdiselesaikan\t3. Akta\t\n"
        "Tertib arsip\tJumlah arsip\tJumlah arsip tertata\tArsip\n"
    )
    assert rows(text) == [
        ("Meningkatnya layanan kepada masyarakat desa", "Jumlah layanan yang diselesaikan",
         "Jumlah meliputi : 1. KTP 2. KK 3. Akta", "Register"),
        ("Tertib arsip", "Jumlah arsip", "Jumlah arsip tertata", "Arsip"),
    ]


def test_fresh_row_after_break_is_not_joined():
    text = HDR + "\nTertib A\t- Laporan A\tJumlah A\tSeksi\n\n\t- Laporan B\tJumlah B\tSeksi\n"
    out = rows(text)
    assert len(out) == 2 and out[1] == ("Tertib A", "Laporan B", "Jumlah B", "Seksi")


def test_repeated_header_is_not_a_row():
    text = HDR + "\nA\tB\tC\tD\n\n" + HDR + "\nE\tF\tG\tH\n"
    assert len(rows(text)) == 2


def test_narrow_part_aligned_by_content():
    text = (
        HDR + "\nTersedianya laporan\tJumlah verifikasi berkas\tJumlah berkas diajukan\tBendahara\n"
        "\tJumlah penyiapan pencairan\tJumlah berkas pencairan\t\n"
        "\nJumlah penyiapan laporan pajak\tJumlah berkas pajak\t\n"
    )
    assert rows(text)[-1] == ("Tersedianya laporan", "Jumlah penyiapan laporan pajak", "Jumlah berkas pajak", None)


def test_narrow_part_aligned_under_an_extra_target_column():
    """A TARGET column the output does not keep is still a column a narrow part's
    cells may land in: its "100%" goes there, not into SUMBER DATA."""
    text = (
        HDR + "\tTARGET\nTersedianya laporan\tJumlah verifikasi berkas\tJumlah berkas diajukan\tBendahara\t100%\n"
        "\tJumlah penyiapan pencairan\tJumlah berkas pencairan\t\t100%\n"
        "\nJumlah penyiapan laporan pajak\tJumlah berkas pajak\t\t100%\n"
    )
    assert rows(text)[-1] == ("Tersedianya laporan", "Jumlah penyiapan laporan pajak", "Jumlah berkas pajak", None)


def test_formulas():
    assert formula_text(["Jumlah A X 100%", "Jumlah B"]) == "Jumlah A / Jumlah B x 100%"
    assert formula_text(["Jumlah A yang selaras 100% Jumlah seluruh A"]) == (
        "Jumlah A yang selaras / Jumlah seluruh A x 100%"
    )
    # an inline multiplication followed by a list is not a fraction
    assert formula_text(["Jumlah A dikali 100% Jenis A 1. x"]) == "Jumlah A dikali 100% Jenis A 1. x"
    assert formula_text(["a / b x 100%"]) == "a / b x 100%"
    assert formula_text(["Jumlah A", "Jumlah B"], fraction_bars=[0]) == "Jumlah A / Jumlah B"
    assert formula_text(["Jumlah A", "Jumlah B x 100%"], fraction_bars=[0]) == "Jumlah A / Jumlah B x 100%"


def test_bullets_removed_from_cells():
    text = HDR + "\nA\t❖ Laporan A\t- Jumlah A\t- Profil - Monografi\n"
    assert rows(text) == [("A", "Laporan A", "Jumlah A", "Profil Monografi")]


def test_header_over_two_rows():
    text = (
        "URAIAN\tUKURAN\tCARA\tSUMBER\n"
        "SASARAN\tKEBERHASILAN\tPENGHITUNGAN\tDATA\n"
        "Tertib A\tJumlah A\tJumlah A selesai\tArsip\n"
    )
    assert rows(text) == [("Tertib A", "Jumlah A", "Jumlah A selesai", "Arsip")]


def test_title_row_above_the_header():
    html = (
        '<table><tr><th colspan="4">RENCANA KERJA TAHUNAN</th></tr>'
        "<tr><th>Sasaran</th><th>Indikator Kinerja</th><th>Formulasi</th><th>Sumber Data</th></tr>"
        "<tr><td>Tertib A</td><td>Jumlah A</td><td>Jumlah A selesai</td><td>Arsip</td></tr></table>"
    )
    assert rows(html) == [("Tertib A", "Jumlah A", "Jumlah A selesai", "Arsip")]


NHDR = "No\t" + HDR


def test_unnumbered_row_after_break_lacking_a_never_filled_cell_is_joined():
    """No wording clue ("Pengelolaan" / "Keuangan Desa"), but the first row of
    the new part has no number and no SUMBER DATA although the row above has
    both: it is the rest of the cut row."""
    text = (
        NHDR + "\n1\tTertib desa\tPembinaan dan Monitoring Pengelolaan\t"
        "Jumlah Pembinaan dan Monitoring\tSeluruh Desa\n"
        "\n" + NHDR + "\n\t\tKeuangan Desa\tPengelolaan Keuangan Desa\t\n"
        "2\t\tPendampingan RKP\tJumlah RKP\tSeluruh Desa\n"
    )
    assert rows(text) == [
        ("Tertib desa", "Pembinaan dan Monitoring Pengelolaan Keuangan Desa",
         "Jumlah Pembinaan dan Monitoring Pengelolaan Keuangan Desa", "Seluruh Desa"),
        ("Tertib desa", "Pendampingan RKP", "Jumlah RKP", "Seluruh Desa"),
    ]


def test_unnumbered_formulasi_subrow_after_break_stays_a_row():
    """A FORMULASI sub-row (its own FORMULASI and SUMBER DATA) is not a cut row."""
    text = (
        NHDR + "\n1\tTertib desa\tLaporan desa\tJumlah laporan A\tSeksi A\n"
        "\n" + NHDR + "\n\t\t\tJumlah laporan B\tSeksi B\n"
    )
    assert rows(text) == [
        ("Tertib desa", "Laporan desa", "Jumlah laporan A", "Seksi A"),
        ("Tertib desa", "Laporan desa", "Jumlah laporan B", "Seksi B"),
    ]


def test_merged_sasaran_running_on_over_break_above_a_numbered_row():
    text = (
        NHDR + "\n1\tMenciptakan situasi aman dan\tPembinaan FGD\tJumlah FGD\tSeksi\n"
        "\n" + NHDR + "\n2\tmasyarakat yang kondusif.\tSosialisasi IMB\tJumlah IMB\tDesa\n"
        "3\t\tPengawasan PERDA\tJumlah PERDA\tDesa\n"
    )
    sas = "Menciptakan situasi aman dan masyarakat yang kondusif."
    assert [r[0] for r in rows(text)] == [sas, sas, sas]
    # a numbered row that starts in upper case opens its own SASARAN
    fresh = text.replace("masyarakat yang kondusif.", "Masyarakat kondusif")
    assert [r[0] for r in rows(fresh)][1:] == ["Masyarakat kondusif"] * 2


def test_lower_case_run_on_outweighs_cells_without_evidence():
    """Upper-case starts are no evidence of a fresh row: one cell running on in
    lower case ("data asset yang benar") joins the cut row."""
    text = (
        NHDR + "\n1\tTertib Administrasi Data\tJumlah draf laporan Aset\t"
        "Jumlah draf/konsep validasi\tBadan Pengelola\n"
        "\n" + NHDR + "\n\tAset\t\tdata asset yang benar\tKeuangan dan Aset Daerah\n"
        "\t\t\tJumlah draf inventaris\tAplikasi SIMBADA\n"
    )
    assert rows(text) == [
        ("Tertib Administrasi Data Aset", "Jumlah draf laporan Aset",
         "Jumlah draf/konsep validasi data asset yang benar",
         "Badan Pengelola Keuangan dan Aset Daerah"),
        ("Tertib Administrasi Data Aset", "Jumlah draf laporan Aset", "Jumlah draf inventaris",
         "Aplikasi SIMBADA"),
    ]


def test_cut_row_under_a_merged_sasaran_without_numbers():
    text = (
        HDR + "\nTertib desa\tPendampingan RKP\tJumlah RKP\tSeluruh Desa\n"
        "\tMonitoring dan Evaluasi\tJumlah Monitoring dan Evaluasi\tSeluruh Desa\n"
        "\n" + HDR + "\n\tPenyerapan APB Des\tPenyerapan APB Des\t\n"
        "\tPembinaan Keuangan\tJumlah Pembinaan Keuangan\tSeluruh Desa\n"
    )
    out = rows(text)
    assert len(out) == 3
    assert out[1] == ("Tertib desa", "Monitoring dan Evaluasi Penyerapan APB Des",
                      "Jumlah Monitoring dan Evaluasi Penyerapan APB Des", "Seluruh Desa")


def test_slash_joined_header_wordings_read_part_by_part():
    assert header_field("PENJELASAN/ FORMULASI")[0] == "formulasi"
    assert header_field("PENJELASAN/ FORMULASI")[1] >= 80
    assert header_field("Sumber / Data Dukung")[0] == "sumber_data"
    # parts naming different columns: no part wins over the whole wording
    assert header_field("SASARAN / TARGET")[1] < 80


def test_header_tail_cut_by_page_break_is_not_a_row():
    """A header set over two rows, cut by the page break after its first row:
    the tail ("PENGHITUNGAN") opens the next part above the numbering row."""
    head = "NO.\tKINERJA\tINDIKATOR KINERJA\tPENJELASAN/ FORMULASI\tSUMBER DATA"
    text = (
        head + "\n\n\t\t\tPENGHITUNGAN\t\n1\t2\t3\t4\t5\n"
        "1\tTertib data\tDraf dokumen\tJumlah draf yang benar\tKasubag\n"
    )
    assert rows(text) == [("Tertib data", "Draf dokumen", "Jumlah draf yang benar", "Kasubag")]


def test_cut_row_whose_rest_has_sasaran_but_no_indikator_is_joined():
    text = (
        HDR + "\nMeningkatnya partisipasi Organisasi Sosial\tProsentase kehadiran\t"
        "Jumlah peserta x\tLaporan\n"
        "\n" + HDR + "\nKemasyarakatan\t\t100%\t\n"
        "\tProsentase organisasi aktif\tJumlah organisasi aktif\tLaporan kegiatan\n"
    )
    sas = "Meningkatnya partisipasi Organisasi Sosial Kemasyarakatan"
    assert rows(text) == [
        (sas, "Prosentase kehadiran", "Jumlah peserta x 100%", "Laporan"),
        (sas, "Prosentase organisasi aktif", "Jumlah organisasi aktif", "Laporan kegiatan"),
    ]


def test_word_broken_at_its_hyphen_joins_without_space():
    from iki_extract.tables.cells import join_lines

    assert join_lines(["peraturan perundang-", "undangan"]) == "peraturan perundang-undangan"
    assert join_lines(["(UP/GU/LS- Pihak ke-", "3/LS-GAJI)"]) == "(UP/GU/LS- Pihak ke-3/LS-GAJI)"
    assert join_lines(["SPP UP -", "GU"]) == "SPP UP - GU"  # a dash after a space stays apart
    assert join_lines(["Jumlah A", "dibagi B"]) == "Jumlah A dibagi B"


def test_row_with_its_own_measure_and_an_empty_sumber_data_is_not_joined():
    """After a page break, a row under the merged SASARAN whose INDIKATOR opens with
    a measure word ("Jumlah ...") is a row of its own even with its SUMBER DATA
    empty; the tail of a cut row ("Penyerapan APB Des") is still joined."""
    text = (
        HDR + "\nTertib persuratan\tJumlah surat yang diagendakan\tJumlah surat dicatat\tBuku agenda\n"
        "\n" + HDR + "\n\tJumlah arsip yang ditata\tJumlah berkas arsip yang diberi kode\t\n"
    )
    assert rows(text) == [
        ("Tertib persuratan", "Jumlah surat yang diagendakan", "Jumlah surat dicatat", "Buku agenda"),
        ("Tertib persuratan", "Jumlah arsip yang ditata", "Jumlah berkas arsip yang diberi kode", None),
    ]


def test_list_marks_as_ocr_leaves_them_are_made_whole() -> None:
    from iki_extract.tables.cells import fix_list_marks as fix

    assert fix("1. Data LKK 2. Data UMKM 3, Data DTKS") == "1. Data LKK 2. Data UMKM 3. Data DTKS"
    assert fix("1.Aplikasi SIMGAJI 2, Absensi Pegawai") == "1. Aplikasi SIMGAJI 2. Absensi Pegawai"
    assert fix("Laporan yang disusun : 1, Laporan A 2. Laporan B") == (
        "Laporan yang disusun : 1. Laporan A 2. Laporan B"
    )
    assert fix("5. Lingkungan hidup 6,Bidang kesejahteraan") == "5. Lingkungan hidup 6. Bidang kesejahteraan"
    # not a list counting on by one, a single mark, or a first mark inside a sentence
    for text in ("1. A 3, B", "Jumlah 3, Data", "1, 2, dan 3 Laporan", "Pasal 1, Ayat 2. Data",
                 "1. Laporan 2. Daftar hadir", "Nilai 2,5 persen", "1. 100%dari peserta 2.100"):
        assert fix(text) == text, text
