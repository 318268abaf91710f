"""The OCR reader: page images drawn with PIL, read by Tesseract, checked at the IR level."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pytesseract")
pytest.importorskip("cv2")
pytest.importorskip("rapidfuzz")

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from iki_extract.errors import InputError  # noqa: E402
from iki_extract.ingest import image_prep  # noqa: E402
from iki_extract.ingest.ocr import (  # noqa: E402
    fix_ocr_text,
    ocr_page,
    ocr_pdf_pages,
    read_images,
)
from iki_extract.model import Page, Table, TextLine  # noqa: E402
from iki_extract.tables.formula import formula_text  # noqa: E402

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"

if not FONT.exists() or not BOLD.exists():
    pytest.skip("DejaVu fonts not installed", allow_module_level=True)
if shutil.which("tesseract") is None:
    pytest.skip("tesseract not installed", allow_module_level=True)

DPI = 300
HEADERS = ["SASARAN", "INDIKATOR KINERJA", "FORMULASI", "SUMBER DATA"]
NUMERATOR = "Jumlah berkas selesai"
DENOMINATOR = "Jumlah berkas masuk"
# grid row → column → expected cell text (the SASARAN cell spans rows 1-2)
EXPECTED = {
    (0, 0): "SASARAN",
    (0, 1): "INDIKATOR KINERJA",
    (0, 2): "FORMULASI",
    (0, 3): "SUMBER DATA",
    (1, 0): "Meningkatnya mutu layanan",
    (1, 1): "Persentase berkas terlayani",
    (1, 3): "Laporan",
    (2, 1): "Jumlah pengaduan",
    (2, 2): "Jumlah aduan",
    (2, 3): "Register",
}


def draw_page(scale: float = 1.0, *, table: bool = True) -> Image.Image:
    """An A4 page at ``300 × scale`` dpi: decree header, a ruled IKI table, signature."""
    W, H = int(2480 * scale), int(3508 * scale)
    im = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(im)

    def s(v: float) -> int:
        return int(v * scale)

    f, fb, fs = (
        ImageFont.truetype(str(FONT), s(40)),
        ImageFont.truetype(str(BOLD), s(40)),
        ImageFont.truetype(str(FONT), s(34)),
    )
    y = s(250)
    for t in ["KEPUTUSAN CAMAT SUKAMAJU", "NOMOR : 12/34/2024", "TENTANG"]:
        d.text(((W - d.textlength(t, font=fb)) / 2, y), t, font=fb, fill=0)
        y += s(60)
    y += s(60)
    d.text((s(200), y), "Menimbang : bahwa untuk melaksanakan ketentuan Pasal 5", font=f, fill=0)
    y += s(60)
    d.text((s(200), y), "Mengingat : Undang-Undang Nomor 23 Tahun 2014", font=f, fill=0)
    y += s(120)
    if table:
        xs = [s(200), s(650), s(1150), s(1900), s(2300)]
        ys = [y, y + s(110), y + s(330), y + s(530)]
        lw = max(2, s(4))
        for x in xs:
            d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=lw)
        d.line([(xs[0], ys[0]), (xs[-1], ys[0])], fill=0, width=lw)
        d.line([(xs[0], ys[1]), (xs[-1], ys[1])], fill=0, width=lw)
        d.line([(xs[1], ys[2]), (xs[-1], ys[2])], fill=0, width=lw)  # SASARAN merged
        d.line([(xs[0], ys[3]), (xs[-1], ys[3])], fill=0, width=lw)

        def cell(col: int, row_top: int, *lines: str, dx: int = 20) -> None:
            yy = row_top + s(20)
            for ln in lines:
                d.text((xs[col] + s(dx), yy), ln, font=fs, fill=0)
                yy += s(45)

        cell(0, ys[0], "SASARAN")
        cell(1, ys[0], "INDIKATOR", "KINERJA")
        cell(2, ys[0], "FORMULASI")
        cell(3, ys[0], "SUMBER DATA")
        cell(0, ys[1], "Meningkatnya mutu", "layanan")
        cell(1, ys[1], "Persentase berkas", "terlayani")
        cell(3, ys[1], "Laporan")
        cell(1, ys[2], "Jumlah pengaduan")
        cell(2, ys[2], "Jumlah aduan")
        cell(3, ys[2], "Register")
        # a stacked fraction with "x 100%" beside its rule
        d.text((xs[2] + s(30), ys[1] + s(30)), NUMERATOR, font=fs, fill=0)
        bar = ys[1] + s(90)
        d.line([(xs[2] + s(30), bar), (xs[2] + s(500), bar)], fill=0, width=max(2, s(3)))
        d.text((xs[2] + s(520), bar - s(22)), "x 100%", font=fs, fill=0)
        d.text((xs[2] + s(30), bar + s(20)), DENOMINATOR, font=fs, fill=0)
        y = ys[3] + s(150)
    d.text((s(1400), y), "Ditetapkan di Sukamaju", font=f, fill=0)
    d.text((s(1400), y + s(60)), "CAMAT SUKAMAJU,", font=f, fill=0)
    d.text((W // 2 - s(20), H - s(150)), "2", font=f, fill=0)  # page number
    return im


def png_bytes(im: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG", **kw)
    return buf.getvalue()


def tables(page: Page) -> list[Table]:
    return [b for b in page.blocks if isinstance(b, Table)]


def texts(page: Page) -> list[str]:
    return [b.text for b in page.blocks if isinstance(b, TextLine) and b.kind != "blank"]


def check_table(page: Page) -> Table:
    found = tables(page)
    assert len(found) == 1, [type(b).__name__ for b in page.blocks]
    t = found[0]
    assert (t.n_rows, t.n_cols) == (3, 4)
    by_pos = {(c.row, c.col): c for c in t.cells}
    assert by_pos[(1, 0)].row_span == 2
    assert (2, 0) not in by_pos
    for pos, want in EXPECTED.items():
        got = by_pos[pos].text
        assert fuzz.ratio(got, want) >= 85, (pos, got, want)
    return t


@pytest.fixture(scope="module")
def page_image() -> Image.Image:
    return draw_page()


@pytest.fixture(scope="module")
def upright(page_image: Image.Image) -> Page:
    return ocr_page(page_image, 1, dpi=DPI)


# --------------------------------------------------------------------------
# One clean page
# --------------------------------------------------------------------------


def test_table_grid_spans_and_text(upright: Page) -> None:
    assert upright.origin == "ocr"
    assert upright.width == pytest.approx(595, abs=2)
    check_table(upright)


def test_fraction_cell(upright: Page) -> None:
    t = tables(upright)[0]
    cell = next(c for c in t.cells if (c.row, c.col) == (1, 2))
    assert cell.fraction_bars == [0]
    assert fuzz.ratio(cell.lines[0], NUMERATOR) >= 85
    assert fuzz.ratio(cell.lines[1], DENOMINATOR) >= 85
    assert cell.lines[-1] == "x 100%"
    formula = formula_text(cell.lines, cell.fraction_bars)
    assert fuzz.ratio(formula, f"{NUMERATOR} / {DENOMINATOR} x 100%") >= 85


def test_confidences_in_range(upright: Page) -> None:
    for b in upright.blocks:
        if isinstance(b, Table):
            for c in b.cells:
                assert c.confidence is None or 0.0 <= c.confidence <= 1.0
                assert (c.confidence is None) == c.empty
        elif b.kind != "blank":
            assert b.confidence is not None and 0.0 <= b.confidence <= 1.0


def test_running_text_order_blanks_and_page_number(upright: Page) -> None:
    lines = texts(upright)
    assert fuzz.ratio(lines[0], "KEPUTUSAN CAMAT SUKAMAJU") >= 85
    assert any(fuzz.ratio(x, "NOMOR : 12/34/2024") >= 85 for x in lines[:3])
    assert lines[-1].startswith("CAMAT")
    assert "2" not in lines  # page number dropped
    kinds = [
        "table" if isinstance(b, Table) else b.kind for b in upright.blocks
    ]  # header, blank, Menimbang/Mengingat, blank, table, blank, signature
    assert kinds.count("table") == 1
    assert kinds[kinds.index("table") - 1] == "blank"
    assert kinds[3] == "blank"  # after "TENTANG"
    # blocks are in reading order
    tops = [b.bbox[1] for b in upright.blocks if b.bbox]
    assert tops == sorted(tops)


def test_fix_ocr_text() -> None:
    assert fix_ocr_text("Jumlah X 10046") == "Jumlah x 100%"
    assert fix_ocr_text("Σ berkas") == "∑ berkas"
    assert fix_ocr_text("tahun 10046") == "tahun 10046"


# --------------------------------------------------------------------------
# Scan defects
# --------------------------------------------------------------------------


@pytest.mark.parametrize("angle", [90, 180])
def test_rotated_page_is_turned_upright(page_image: Image.Image, angle: int) -> None:
    rotated = page_image.rotate(angle, expand=True, fillcolor=255)
    page = ocr_page(rotated, 1, dpi=DPI)
    check_table(page)
    assert fuzz.ratio(texts(page)[0], "KEPUTUSAN CAMAT SUKAMAJU") >= 85


def test_skewed_page_still_yields_the_table(page_image: Image.Image) -> None:
    skewed = page_image.rotate(2, fillcolor=255, resample=Image.Resampling.BICUBIC)
    prep = image_prep.prepare(skewed, fix_orientation=False)
    assert prep.skew == pytest.approx(2.0, abs=0.3)
    check_table(ocr_page(skewed, 1, dpi=DPI))


def test_uneven_light_is_normalised(page_image: Image.Image) -> None:
    import numpy as np

    a = np.asarray(page_image, dtype=np.float32)
    ramp = np.linspace(1.0, 0.55, a.shape[1], dtype=np.float32)[None, :]
    dim = Image.fromarray((a * ramp).astype("uint8"))
    prep = image_prep.prepare(dim, fix_orientation=False, deskew=False)
    assert not prep.blank
    # the paper on the dark side is white again
    assert prep.grey[100:400, -400:-100].mean() > 240


def test_blank_page_has_no_blocks() -> None:
    im = Image.new("L", (1240, 1754), 250)
    ImageDraw.Draw(im).point([(300, 300), (900, 1200)], fill=0)  # scanner dust
    page = ocr_page(im, 1, dpi=150)
    assert page.blocks == []
    assert page.origin == "ocr"


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def test_multi_page_tiff(tmp_path: Path) -> None:
    small = [draw_page(0.5, table=False), Image.new("L", (1240, 1754), 255)]
    path = tmp_path / "scan.tif"
    small[0].save(path, save_all=True, append_images=small[1:], dpi=(150, 150))
    doc = read_images(path, path.read_bytes())
    assert doc.origin == "ocr"
    assert [p.number for p in doc.pages] == [1, 2]
    assert fuzz.ratio(texts(doc.pages[0])[0], "KEPUTUSAN CAMAT SUKAMAJU") >= 85
    assert doc.pages[1].blocks == []
    assert all(b.page == 1 for b in doc.pages[0].blocks)


def test_image_only_pdf(tmp_path: Path) -> None:
    im = draw_page(0.5, table=False)
    buf = io.BytesIO()
    im.save(buf, format="PDF", resolution=150.0)
    pages = ocr_pdf_pages(tmp_path / "scan.pdf", buf.getvalue(), None, dpi=200)
    assert list(pages) == [1]
    assert fuzz.ratio(texts(pages[1])[0], "KEPUTUSAN CAMAT SUKAMAJU") >= 85
    assert pages[1].width == pytest.approx(595, abs=2)
    with pytest.raises(InputError, match="out of range"):
        ocr_pdf_pages(tmp_path / "scan.pdf", buf.getvalue(), [3])


def test_decompression_bomb_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000), 1).save(path)
    with pytest.raises(InputError, match=r"image too large: 20000x20000 px \(limit 60 MP\)"):
        read_images(path, path.read_bytes())


def test_broken_image(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    data = png_bytes(Image.new("L", (50, 50), 255))[:40]
    with pytest.raises(InputError, match="cannot read image"):
        list(image_prep.load_images(path, data))


def test_missing_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    path = tmp_path / "scan.png"
    path.write_bytes(png_bytes(Image.new("L", (200, 200), 255)))
    with pytest.raises(InputError, match="apt-get install tesseract-ocr tesseract-ocr-ind"):
        read_images(path, path.read_bytes())
    im = draw_page(0.4, table=False)
    from iki_extract.ingest import ocr_engine

    monkeypatch.setattr(ocr_engine, "_BACKEND", ["subprocess"])  # tesserocr needs no binary
    with pytest.raises(InputError, match="Tesseract OCR is not installed"):
        ocr_page(im, 1, dpi=120, path=path)


def test_missing_language(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(png_bytes(Image.new("L", (200, 200), 255)))
    with pytest.raises(InputError, match="tesseract-ocr-xyz"):
        read_images(path, path.read_bytes(), lang="xyz")


def test_tesseract_timeout_is_an_input_error(page_image: Image.Image) -> None:
    from iki_extract.ingest.ocr import OcrSettings

    settings = OcrSettings(timeout=0.01, fix_orientation=False)
    with pytest.raises(InputError, match="OCR timed out on page 1"):
        ocr_page(page_image, 1, dpi=DPI, settings=settings)
