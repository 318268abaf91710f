"""The PDF reader: small PDFs drawn with reportlab, checked at the IR level."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from iki_extract.errors import InputError  # noqa: E402
from iki_extract.ingest.pdf import iter_pages, pdf_has_text, read_pdf  # noqa: E402
from iki_extract.model import Table, TextLine  # noqa: E402
from iki_extract.tables.formula import formula_text  # noqa: E402

W, H = A4
FONT, BOLD = "Helvetica", "Helvetica-Bold"

NUMERATOR = "Jumlah berkas terlayani"
DENOMINATOR = "Jumlah berkas diajukan"


def _y(top: float) -> float:
    """reportlab baseline y for a distance from the top of an A4 page."""
    return H - top


def _text(c: canvas.Canvas, x: float, top: float, s: str, *, bold=False, size=11) -> None:
    c.setFont(BOLD if bold else FONT, size)
    c.drawString(x, _y(top), s)


def _table(c: canvas.Canvas, top: float) -> float:
    """A bordered 4-column table: header + 3 rows, SASARAN merged over the 3 rows.

    Row 1's FORMULASI cell holds a stacked fraction with "x 100%" to its right.
    Returns the table's bottom (distance from the page top).
    """
    xs = [60, 170, 290, 460, 540]
    heights = [22, 50, 30, 30]
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    c.setLineWidth(0.8)
    for x in xs:
        c.line(x, _y(ys[0]), x, _y(ys[-1]))
    c.line(xs[0], _y(ys[0]), xs[-1], _y(ys[0]))
    c.line(xs[0], _y(ys[1]), xs[-1], _y(ys[1]))
    for y in ys[2:-1]:  # inner row lines stop at the merged SASARAN cell
        c.line(xs[1], _y(y), xs[-1], _y(y))
    c.line(xs[0], _y(ys[-1]), xs[-1], _y(ys[-1]))
    for x, head in zip(xs, ["SASARAN", "INDIKATOR", "FORMULASI", "SUMBER DATA"]):
        _text(c, x + 4, ys[0] + 15, head, bold=True, size=9)
    _text(c, xs[0] + 4, ys[1] + 14, "Meningkatnya mutu", size=9)
    _text(c, xs[0] + 4, ys[1] + 25, "layanan kecamatan", size=9)
    # row 1: indikator, stacked fraction, sumber
    _text(c, xs[1] + 4, ys[1] + 14, "Persentase berkas", size=9)
    _text(c, xs[1] + 4, ys[1] + 25, "yang terlayani", size=9)
    mid = ys[1] + 25
    _text(c, xs[2] + 4, mid - 4, NUMERATOR, size=9)
    c.setLineWidth(0.5)
    c.line(xs[2] + 4, _y(mid), xs[2] + 118, _y(mid))
    _text(c, xs[2] + 4, mid + 11, DENOMINATOR, size=9)
    _text(c, xs[2] + 122, mid + 3, "x 100%", size=9)
    _text(c, xs[3] + 4, ys[1] + 14, "Buku agenda", size=9)
    # rows 2 and 3
    _text(c, xs[1] + 4, ys[2] + 18, "Jumlah rapat warga", size=9)
    _text(c, xs[2] + 4, ys[2] + 18, "Hitung rapat", size=9)
    _text(c, xs[3] + 4, ys[2] + 18, "Notulen", size=9)
    _text(c, xs[1] + 4, ys[3] + 18, "Nilai survei warga", size=9)
    _text(c, xs[2] + 4, ys[3] + 18, "Rerata nilai", size=9)
    _text(c, xs[3] + 4, ys[3] + 18, "Laporan", size=9)
    return ys[-1]


def decree_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    # page 1: kop, title, hanging-indent items, table, page number
    _text(c, 150, 60, "PEMERINTAH KABUPATEN SUKAMAJU", bold=True, size=14)
    _text(c, 185, 78, "KECAMATAN TELUK ANGGREK", bold=True, size=14)
    _text(c, 160, 120, "KEPUTUSAN CAMAT TELUK ANGGREK", bold=True)
    _text(c, 60, 160, "Menimbang")
    _text(c, 150, 160, ":")
    _text(c, 160, 160, "a.")
    _text(c, 175, 160, "bahwa capaian kerja pegawai perlu diukur dengan")
    _text(c, 175, 173, "indikator yang jelas dan terukur;")
    _text(c, 160, 186, "b.")
    _text(c, 175, 186, "bahwa perlu menetapkan keputusan camat;")
    _text(c, 60, 220, "Mengingat")
    _text(c, 150, 220, ":")
    _text(c, 160, 220, "1.")
    _text(c, 175, 220, "Undang-Undang Nomor 5 Tahun 2014;")
    bottom = _table(c, 260)
    _text(c, 60, bottom + 30, "Ditetapkan di Teluk Anggrek")
    _text(c, W / 2 - 8, 815, "- 1 -", size=10)
    c.showPage()
    # page 2: one paragraph and a "Halaman" footer
    _text(c, 60, 100, "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    _text(c, 250, 810, "Halaman 2 dari 2", size=9)
    c.showPage()
    c.save()
    return buf.getvalue()


def _texts(page) -> list[str]:
    return [b.text for b in page.blocks if isinstance(b, TextLine)]


@pytest.fixture(scope="module")
def doc():
    return read_pdf(Path("sk.pdf"), decree_pdf())


def test_document_shape(doc):
    assert doc.origin == "pdf"
    assert doc.source_file == "sk.pdf"
    assert [p.number for p in doc.pages] == [1, 2]
    for p in doc.pages:
        assert p.origin == "pdf"
        for b in p.blocks:
            assert b.page == p.number
            if not (isinstance(b, TextLine) and b.kind == "blank"):
                assert b.bbox is not None and len(b.bbox) == 4


def test_text_lines_in_order_with_blanks(doc):
    texts = _texts(doc.pages[0])
    assert texts == [
        "PEMERINTAH KABUPATEN SUKAMAJU",
        "KECAMATAN TELUK ANGGREK",
        "",
        "KEPUTUSAN CAMAT TELUK ANGGREK",
        "",
        "Menimbang : a. bahwa capaian kerja pegawai perlu diukur dengan",
        "indikator yang jelas dan terukur;",
        "b. bahwa perlu menetapkan keputusan camat;",
        "",
        "Mengingat : 1. Undang-Undang Nomor 5 Tahun 2014;",
        "",
        "",
        "Ditetapkan di Teluk Anggrek",
    ]
    lines = [b for b in doc.pages[0].blocks if isinstance(b, TextLine) and b.text]
    assert lines[0].bold and lines[2].bold
    assert not lines[3].bold


def test_table_in_reading_order(doc):
    kinds = [type(b).__name__ for b in doc.pages[0].blocks]
    t = kinds.index("Table")
    texts = _texts(doc.pages[0])
    before = [b for b in doc.pages[0].blocks[:t] if isinstance(b, TextLine) and b.text]
    assert before[-1].text.startswith("Mengingat")
    assert doc.pages[0].blocks[-1].text == "Ditetapkan di Teluk Anggrek"
    assert "SASARAN" not in " ".join(texts)  # table words are not text lines


def _the_table(doc) -> Table:
    tables = [b for b in doc.pages[0].blocks if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def test_table_grid_and_merged_cell(doc):
    t = _the_table(doc)
    assert (t.n_rows, t.n_cols) == (4, 4)
    rows = t.rows()
    assert [c.text for c in rows[0]] == ["SASARAN", "INDIKATOR", "FORMULASI", "SUMBER DATA"]
    sasaran = rows[1][0]
    assert (sasaran.row, sasaran.col, sasaran.row_span, sasaran.col_span) == (1, 0, 3, 1)
    assert sasaran.lines == ["Meningkatnya mutu", "layanan kecamatan"]
    # the spanned positions are absent from rows 2 and 3
    assert [c.col for c in rows[2]] == [1, 2, 3]
    assert [c.col for c in rows[3]] == [1, 2, 3]
    assert rows[1][1].lines == ["Persentase berkas", "yang terlayani"]
    assert rows[3][0].text == "Nilai survei warga"
    assert all(c.page == 1 and c.bbox for c in t.cells)


def test_stacked_fraction(doc):
    cell = _the_table(doc).rows()[1][2]
    assert cell.lines == [NUMERATOR, DENOMINATOR, "x 100%"]
    assert cell.fraction_bars == [0]
    assert formula_text(cell.lines, cell.fraction_bars) == f"{NUMERATOR} / {DENOMINATOR} x 100%"
    plain = _the_table(doc).rows()[2][1]  # col 2 (col 0 is spanned)
    assert plain.col == 2
    assert plain.fraction_bars == [] and plain.lines == ["Hitung rapat"]


def test_page_numbers_dropped(doc):
    all_text = [t for p in doc.pages for t in _texts(p)]
    assert "- 1 -" not in all_text
    assert not any(t.startswith("Halaman") for t in all_text)
    assert _texts(doc.pages[1]) == ["KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan."]


def test_running_header_dropped():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(1, 5):
        _text(c, 60, 40, f"Lampiran Keputusan Camat Nomor 7 Tahun 2024 hal {n}", size=9)
        _text(c, 60, 150, f"Isi halaman ke {n} tentang tugas jabatan.")
        c.showPage()
    c.save()
    doc = read_pdf(Path("r.pdf"), buf.getvalue())
    assert [_texts(p) for p in doc.pages] == [
        [f"Isi halaman ke {n} tentang tugas jabatan."] for n in range(1, 5)
    ]


SEKSI = ("Pemerintahan", "Pelayanan", "Ketertiban", "Pembangunan")


def test_repeated_label_under_page_text_is_not_a_running_header():
    """A "2. Tugas :" label at the same place on every page, under a line that
    changes from page to page, is content: only lines at the page edge run."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in SEKSI:
        _text(c, 60, 40, "LAMPIRAN KEPUTUSAN CAMAT", size=9)
        _text(c, 60, 70, f"1. Jabatan : Kepala Seksi {n}")
        _text(c, 60, 85, "2. Tugas :")
        _text(c, 60, 300, f"a. tugas pokok seksi {n};")
        c.showPage()
    c.save()
    doc = read_pdf(Path("r.pdf"), buf.getvalue())
    assert [_texts(p) for p in doc.pages] == [
        [f"1. Jabatan : Kepala Seksi {n}", "2. Tugas :", "", f"a. tugas pokok seksi {n};"]
        for n in SEKSI
    ]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_reads_in_order(rotation):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setPageRotation(rotation)  # /Rotate 90: the text shows sideways until turned back
    c.setFont(FONT, 11)
    c.drawString(60, 500, "Baris pertama halaman putar")
    c.drawString(60, 485, "baris kedua halaman putar")
    c.drawString(60, 440, "Paragraf baru di bawahnya")
    c.showPage()
    c.setFont(FONT, 11)  # a normal page after it
    c.drawString(60, 700, "Halaman biasa")
    c.showPage()
    c.save()
    doc = read_pdf(Path("rot.pdf"), buf.getvalue())
    assert _texts(doc.pages[0]) == [
        "Baris pertama halaman putar",
        "baris kedua halaman putar",
        "",
        "Paragraf baru di bawahnya",
    ]
    assert _texts(doc.pages[1]) == ["Halaman biasa"]


def test_iter_pages_streams():
    gen = iter_pages(Path("sk.pdf"), decree_pdf())
    first = next(gen)
    assert first.number == 1
    gen.close()


def test_encrypted_pdf():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt="rahasia")
    _text(c, 60, 100, "Isi rahasia kecamatan")
    c.showPage()
    c.save()
    data = buf.getvalue()
    expected = {
        None: "encrypted PDF: password required (use --password)",
        "salah": "encrypted PDF: wrong password (the --password given does not open it)",
    }
    for pw, reason in expected.items():
        with pytest.raises(InputError) as err:
            read_pdf(Path("enc.pdf"), data, password=pw)
        assert err.value.reason == reason
        assert err.value.stage == "ingest"
    doc = read_pdf(Path("enc.pdf"), data, password="rahasia")
    assert _texts(doc.pages[0]) == ["Isi rahasia kecamatan"]


def test_corrupt_pdf():
    with pytest.raises(InputError) as err:
        read_pdf(Path("bad.pdf"), b"%PDF-1.4\nthis is not really a pdf at all\n")
    assert err.value.reason.startswith("corrupt PDF: ")
    assert "\n" not in str(err.value)


def test_truncated_pdf_is_an_input_error():
    data = decree_pdf()
    with pytest.raises(InputError) as err:
        read_pdf(Path("cut.pdf"), data[: len(data) // 3])
    assert err.value.reason.startswith(("corrupt PDF: ", "PDF has no pages", "no text layer"))


def _zero_page_pdf() -> bytes:
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_zero_pages():
    with pytest.raises(InputError) as err:
        read_pdf(Path("empty.pdf"), _zero_page_pdf())
    assert err.value.reason == "PDF has no pages"


def _image_only_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)  # no text layer at all
    c.showPage()
    c.save()
    return buf.getvalue()


def test_no_text_layer(tmp_path):
    with pytest.raises(InputError) as err:
        read_pdf(Path("scan.pdf"), _image_only_pdf())
    assert err.value.reason == "no text layer: needs OCR"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_image_only_pdf())
    assert pdf_has_text(scan) is False
    good = tmp_path / "sk.pdf"
    good.write_bytes(decree_pdf())
    assert pdf_has_text(good) is True


def test_image_page_among_text_pages():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    _text(c, 60, 100, "Halaman dengan teks")
    c.showPage()
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    doc = read_pdf(Path("mix.pdf"), buf.getvalue())
    assert [p.origin for p in doc.pages] == ["pdf", "image"]
    assert doc.pages[1].blocks == []


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="no TrueType font with a Greek sigma installed")
def test_sigma_becomes_n_ary_sum():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("DejaVuSans", 11)
    c.drawString(60, 700, "\u03a3 nilai survei warga")
    c.showPage()
    c.save()
    doc = read_pdf(Path("sigma.pdf"), buf.getvalue())
    assert _texts(doc.pages[0]) == ["\u2211 nilai survei warga"]


def test_page_border_is_not_a_table():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(30, 30, W - 60, H - 60)  # page border
    c.line(30, _y(100), W - 30, _y(100))  # kop rule touching the border
    _text(c, 60, 70, "PEMERINTAH KABUPATEN SUKAMAJU", bold=True)
    _text(c, 60, 140, "Isi keputusan di bawah garis kop.")
    c.showPage()
    c.save()
    doc = read_pdf(Path("frame.pdf"), buf.getvalue())
    assert not any(isinstance(b, Table) for b in doc.pages[0].blocks)
    assert _texts(doc.pages[0]) == [
        "PEMERINTAH KABUPATEN SUKAMAJU",
        "",
        "Isi keputusan di bawah garis kop.",
    ]


# --------------------------------------------------------------------------
# Tables without full borders
# --------------------------------------------------------------------------

OPEN_XS = [60, 170, 290, 460, 540]  # where the cells would be (only drawn as row rules)


def _centred(c: canvas.Canvas, col: int, top: float, s: str) -> None:
    x0, x1 = OPEN_XS[col], OPEN_XS[col + 1]
    c.setFont(BOLD, 9)
    c.drawString((x0 + x1) / 2 - c.stringWidth(s, BOLD, 9) / 2, _y(top), s)


def _open_table(c: canvas.Canvas, top: float, *, rules: bool, gap: float) -> float:
    """A 4-column table without vertical lines; returns its bottom.

    Header: bold, "INDIKATOR KINERJA" / "INDIVIDU" on two lines, the other
    cells on one line between them.  Row 1: SASARAN over rows 1-2 (drawn once),
    a stacked fraction in FORMULASI.  Row 3: a new SASARAN.  Row 4: a FORMULASI
    sub-row of row 3's INDIKATOR.  ``rules``: horizontal rules at the top, under
    the header, between rows (not across the merged SASARAN) and at the bottom.
    ``gap``: extra space between rows.
    """
    xs = OPEN_XS
    _centred(c, 0, top + 14, "SASARAN")
    _centred(c, 1, top + 9, "INDIKATOR KINERJA")
    _centred(c, 1, top + 20, "INDIVIDU")
    _centred(c, 2, top + 14, "FORMULASI")
    _centred(c, 3, top + 14, "SUMBER DATA")
    head = top + 26
    r1 = head + 12
    _text(c, xs[0] + 3, r1, "Meningkatnya mutu", size=9)
    _text(c, xs[0] + 3, r1 + 11, "layanan kecamatan", size=9)
    _text(c, xs[1] + 3, r1, "Persentase berkas", size=9)
    _text(c, xs[1] + 3, r1 + 11, "yang terlayani", size=9)
    _text(c, xs[2] + 3, r1, NUMERATOR, size=9)
    c.setLineWidth(0.5)
    c.line(xs[2] + 3, _y(r1 + 4), xs[2] + 117, _y(r1 + 4))
    _text(c, xs[2] + 3, r1 + 15, DENOMINATOR, size=9)
    _text(c, xs[2] + 121, r1 + 7, "x 100%", size=9)
    _text(c, xs[3] + 3, r1, "Buku agenda", size=9)
    r2 = r1 + 15 + 11 + gap
    _text(c, xs[1] + 3, r2, "Jumlah rapat warga", size=9)
    _text(c, xs[2] + 3, r2, "Hitung rapat", size=9)
    _text(c, xs[3] + 3, r2, "Notulen", size=9)
    r3 = r2 + 11 + gap
    _text(c, xs[0] + 3, r3, "Tertib arsip", size=9)
    _text(c, xs[1] + 3, r3, "Nilai survei warga", size=9)
    _text(c, xs[2] + 3, r3, "Rerata nilai", size=9)
    _text(c, xs[2] + 3, r3 + 11, "per semester", size=9)
    _text(c, xs[3] + 3, r3, "Laporan", size=9)
    r4 = r3 + 22 + gap
    _text(c, xs[2] + 3, r4, "Rekap tahunan", size=9)
    _text(c, xs[3] + 3, r4, "Arsip", size=9)
    bottom = r4 + 6
    if rules:
        c.setLineWidth(0.7)

        def rule(top_: float, x0: float) -> None:
            c.line(x0, _y(top_), xs[-1], _y(top_))

        rule(top, xs[0])
        rule(head, xs[0])
        rule(r2 - 9, xs[1])  # under row 1: the merged SASARAN is not crossed
        rule(r3 - 9, xs[0])
        rule(r4 - 9, xs[1])  # INDIKATOR and SASARAN merged over rows 3-4
        rule(bottom, xs[0])
    return bottom


def open_table_pdf(*, rules: bool, gap: float, second_page: bool = False) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    _text(c, 200, 80, "INDIKATOR KINERJA INDIVIDU", bold=True)
    _text(c, 60, 110, "1. Jabatan : Kepala Seksi Umum")
    _text(c, 60, 125, "2. Tugas : menyusun laporan kinerja dan sumber data seksi")
    bottom = _open_table(c, 160, rules=rules, gap=gap)
    _text(c, 200, bottom + 40, "INDIKATOR KINERJA INDIVIDU", bold=True)
    _text(c, 60, bottom + 70, "1. Jabatan : Kepala Seksi Pelayanan")
    _text(c, W / 2 - 8, 815, "- 1 -", size=10)
    c.showPage()
    if second_page:  # the table goes on under a repeated header
        _open_table(c, 60, rules=rules, gap=gap)
        c.showPage()
    c.save()
    return buf.getvalue()


def _tables(page) -> list[Table]:
    return [b for b in page.blocks if isinstance(b, Table)]


def _grid(t: Table) -> list[list[tuple[int, int, str]]]:
    return [[(c.col, c.row_span, c.text) for c in row] for row in t.rows()]


HEADER = ["SASARAN", "INDIKATOR KINERJA INDIVIDU", "FORMULASI", "SUMBER DATA"]
FRACTION = f"{NUMERATOR} {DENOMINATOR} x 100%"


@pytest.mark.parametrize("rules,gap", [(True, 2.0), (True, 0.0), (False, 8.0)],
                         ids=["row-rules", "row-rules-tight", "no-rules"])
def test_open_table_grid(rules, gap):
    doc = read_pdf(Path("open.pdf"), open_table_pdf(rules=rules, gap=gap))
    (t,) = _tables(doc.pages[0])
    assert (t.n_rows, t.n_cols) == (5, 4)
    grid = _grid(t)
    assert [c[2] for c in grid[0]] == HEADER
    assert grid[1] == [
        (0, 2, "Meningkatnya mutu layanan kecamatan"),
        (1, 1, "Persentase berkas yang terlayani"),
        (2, 1, FRACTION),
        (3, 1, "Buku agenda"),
    ]
    assert grid[2] == [(1, 1, "Jumlah rapat warga"), (2, 1, "Hitung rapat"), (3, 1, "Notulen")]
    assert grid[3][0] == (0, 2, "Tertib arsip")
    assert grid[3][2] == (2, 1, "Rerata nilai per semester")
    assert [(c, txt) for c, _, txt in grid[4] if txt] == [(2, "Rekap tahunan"), (3, "Arsip")]
    assert [c[0] for c in grid[4]] == [1, 2, 3]  # SASARAN spanned from row 3
    frac = t.rows()[1][2]
    assert frac.lines == [NUMERATOR, DENOMINATOR, "x 100%"]
    assert frac.fraction_bars == [0]
    assert all(c.bbox and c.page == 1 for c in t.cells)
    # the lines around the table stay running text, in reading order
    texts = [b.text for b in doc.pages[0].blocks if isinstance(b, TextLine) and b.text]
    assert texts == [
        "INDIKATOR KINERJA INDIVIDU",
        "1. Jabatan : Kepala Seksi Umum",
        "2. Tugas : menyusun laporan kinerja dan sumber data seksi",
        "INDIKATOR KINERJA INDIVIDU",
        "1. Jabatan : Kepala Seksi Pelayanan",
    ]
    kinds = [type(b).__name__ for b in doc.pages[0].blocks if not getattr(b, "kind", "") == "blank"]
    assert kinds.index("Table") == 3


def test_open_table_repeated_header_is_a_new_part():
    doc = read_pdf(Path("open2.pdf"), open_table_pdf(rules=False, gap=8.0, second_page=True))
    (t1,) = _tables(doc.pages[0])
    (t2,) = _tables(doc.pages[1])
    assert _grid(t2) == _grid(t1)
    assert all(c.page == 2 for c in t2.cells)
    assert not [b for b in doc.pages[1].blocks if isinstance(b, TextLine) and b.text]


def test_open_table_rows_to_indikator_rows():
    from iki_extract.tables.rows import reconstruct

    doc = read_pdf(Path("open.pdf"), open_table_pdf(rules=False, gap=8.0))
    rows = reconstruct(_tables(doc.pages[0]))
    assert [(r.sasaran, r.indikator, r.formulasi, r.sumber_data) for r in rows] == [
        ("Meningkatnya mutu layanan kecamatan", "Persentase berkas yang terlayani",
         f"{NUMERATOR} / {DENOMINATOR} x 100%", "Buku agenda"),
        ("Meningkatnya mutu layanan kecamatan", "Jumlah rapat warga", "Hitung rapat", "Notulen"),
        ("Tertib arsip", "Nilai survei warga", "Rerata nilai per semester", "Laporan"),
        ("Tertib arsip", "Nilai survei warga", "Rekap tahunan", "Arsip"),
    ]


def test_prose_with_column_words_is_not_a_table():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    _text(c, 60, 100, "Sasaran dan Indikator Kinerja disusun bersama Sumber Data yang sah.")
    _text(c, 60, 114, "INDIKATOR KINERJA INDIVIDU", bold=True)
    _text(c, 60, 128, "Formulasi perhitungan mengikuti pedoman.")
    c.showPage()
    c.save()
    doc = read_pdf(Path("prose.pdf"), buf.getvalue())
    assert not _tables(doc.pages[0])
    assert len(_texts(doc.pages[0])) == 3


def test_ruled_table_keeps_the_lines_strategy(doc):
    # the bordered table of decree_pdf() is read from its grid, not re-read as open
    t = _the_table(doc)
    assert t.bbox is not None and abs(t.bbox[0] - 60) < 1 and abs(t.bbox[2] - 540) < 1
