"""The scan simulator (iki_extract.synth.scan): image-only copies of synthetic decrees."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from iki_extract.synth import render_decree_pdf
from iki_extract.synth.__main__ import main as synth_main
from iki_extract.synth.scan import LEVELS, ScanInfo, huge_image, simulate_scan

NOMOR = "061/77/KEC.WR/2025"


def _decree() -> dict:
    rows = [
        {"sasaran": "Meningkatnya tertib arsip kecamatan",
         "indikator": "Persentase berkas masuk yang diarsipkan",
         "formulasi": "Berkas diarsipkan / Berkas masuk x 100%", "sumber_data": "Register arsip"},
        {"sasaran": "Meningkatnya tertib arsip kecamatan",
         "indikator": "Jumlah daftar arsip aktif yang dimutakhirkan",
         "formulasi": "Jumlah daftar yang dimutakhirkan", "sumber_data": None},
    ]
    return {
        "kind": "IKI",
        "source": {"file": "waringin.pdf", "pages": []},
        "header": {
            "pemerintah": "Pemerintah Kabupaten Tanjung Sari",
            "kabupaten_kota": "Kabupaten Tanjung Sari",
            "kecamatan": "Waringin",
            "pejabat_penetap": "Camat Waringin",
            "nomor": NOMOR,
            "tentang": "Indikator Kinerja Individu Pegawai Kecamatan Waringin Tahun 2025",
            "tahun": 2025,
            "tempat_penetapan": "Waringin",
            "tanggal_penetapan": "2025-01-20",
            "penandatangan": {"nama": "SITI NURHALIZA, S.Sos.", "nip": "198104152005012003",
                              "pangkat": "Penata Tingkat I", "jabatan": "Camat Waringin"},
        },
        "menimbang": ["bahwa kinerja setiap pegawai perlu diukur dengan indikator yang jelas;"],
        "mengingat": ["Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;"],
        "diktum": [{"label": "KESATU", "text": "Menetapkan indikator kinerja individu pegawai."},
                   {"label": "KEDUA", "text": "Keputusan ini berlaku sejak ditetapkan."}],
        "tembusan": ["Bupati Tanjung Sari."],
        "jabatan": [
            {"jabatan": "Kepala Seksi Pelayanan Umum", "role": None,
             "tugas": ["menyiapkan bahan pelayanan administrasi umum."],
             "fungsi": [], "indikator": rows},
        ],
    }


@pytest.fixture(scope="module")
def born(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scan") / "decree.pdf"
    render_decree_pdf([_decree()], out, "a4-portrait", seed=0)
    return out


@pytest.fixture(scope="module")
def source_sizes(born) -> list[tuple[float, float]]:
    with pdfplumber.open(born) as pdf:
        return [(float(p.width), float(p.height)) for p in pdf.pages]


@pytest.fixture(scope="module", params=list(LEVELS))
def scanned(request, born, tmp_path_factory) -> tuple[str, ScanInfo]:
    out = tmp_path_factory.mktemp("scan") / f"{request.param}.pdf"
    return request.param, simulate_scan(born, out, level=request.param, seed=7)


def _page_images(pdf_path: Path) -> list[np.ndarray]:
    """Decode each page's single embedded image (the JPEG) to a greyscale array."""
    out = []
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for page in doc:
            objs = [o for o in page.get_objects() if isinstance(o, pdfium.PdfImage)]
            assert len(objs) == 1
            out.append(np.asarray(objs[0].get_bitmap().to_pil().convert("L")))
    finally:
        doc.close()
    return out


def test_pages_no_text_and_size(scanned, source_sizes):
    level, info = scanned
    n = len(source_sizes)
    assert n >= 2 and info.pages == n == info.source_pages
    assert info.level == level and info.dpi == LEVELS[level].dpi
    assert info.blank_pages == [] and info.rotations == {}
    assert info.page_map == list(range(1, n + 1))
    with pdfplumber.open(info.path) as pdf:
        assert len(pdf.pages) == n
        for page, (w, h) in zip(pdf.pages, source_sizes):
            assert page.chars == []
            assert abs(page.width - w) < 0.01 and abs(page.height - h) < 0.01
            assert len(page.images) == 1
            img = page.images[0]
            assert abs(img["width"] - w) < 0.01 and abs(img["height"] - h) < 0.01
    imgs = _page_images(info.path)
    for arr, (w, h), size in zip(imgs, source_sizes, info.sizes):
        assert (arr.shape[1], arr.shape[0]) == size
        assert abs(arr.shape[1] - w * info.dpi / 72) <= 1
        assert abs(arr.shape[0] - h * info.dpi / 72) <= 1


def test_degradations(scanned):
    level, info = scanned
    lv = LEVELS[level]
    assert len(info.skew) == info.pages
    assert all(0.2 * lv.skew <= abs(a) <= lv.skew for a in info.skew)
    page1 = _page_images(info.path)[0]
    if level == "fax":
        assert info.dpi == 72
        mid = np.mean((page1 > 60) & (page1 < 195))  # only JPEG ringing between black/white
        assert mid < 0.05
        assert np.mean(page1 < 60) > 0.005
        return
    paper = float(np.median(page1))
    # greyish paper for medium/heavy (darker towards the edges), near white for light
    assert lv.paper * (1 - lv.vignette - lv.gradient) - 8 < paper < lv.paper + 8
    if level != "light":
        assert paper < 235
    assert page1.min() < 90  # ink is still dark
    assert page1.max() < 256 and page1.std() > 5


def test_determinism(born, tmp_path):
    a, b, c = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    ia = simulate_scan(born, a, level="medium", seed=3)
    ib = simulate_scan(born, b, level="medium", seed=3)
    simulate_scan(born, c, level="medium", seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert ia.skew == ib.skew
    assert a.read_bytes() != c.read_bytes()


def test_rotation(born, source_sizes, tmp_path):
    out = tmp_path / "rot.pdf"
    info = simulate_scan(born, out, level="light", dpi=100, seed=1,
                         rotate={1: 90, 2: 180})
    assert info.rotations == {1: 90, 2: 180}
    (w1, h1), (w2, h2) = source_sizes[:2]
    with pdfplumber.open(out) as pdf:
        p1, p2 = pdf.pages[:2]
        assert abs(p1.width - h1) < 0.01 and abs(p1.height - w1) < 0.01
        assert abs(p2.width - w2) < 0.01 and abs(p2.height - h2) < 0.01
    imgs = _page_images(out)
    rot, upside = imgs[0], imgs[1]
    assert rot.shape[1] > rot.shape[0]  # landscape image for a portrait page fed sideways
    assert info.sizes[0] == (rot.shape[1], rot.shape[0])
    # clockwise quarter turn: the letterhead (top of the page) ends up on the right
    ink = rot < 128
    half = ink.shape[1] // 2
    assert ink[:, half:].sum() > 2 * ink[:, :half].sum()
    # half turn: the letterhead ends up at the bottom
    ink = upside < 128
    upright = _page_images(simulate_scan(born, tmp_path / "up.pdf", level="light", dpi=100,
                                         seed=1).path)
    ink_up = upright[1] < 128
    q = ink.shape[0] // 4
    assert abs(int(ink[-q:].sum()) - int(ink_up[:q].sum())) < 0.2 * ink_up[:q].sum() + 50


def test_blank_after(born, source_sizes, tmp_path):
    out = tmp_path / "blank.pdf"
    n = len(source_sizes)
    info = simulate_scan(born, out, level="medium", seed=2, blank_after=[1, n])
    assert info.pages == n + 2
    assert info.blank_pages == [2, n + 2]
    assert info.page_map == [1, None, *range(2, n + 1), None]
    assert info.source_page(2) is None and info.source_page(3) == 2
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == n + 2
        assert all(p.chars == [] for p in pdf.pages)
    imgs = _page_images(out)
    blank, text = imgs[1], imgs[0]
    assert blank.shape == text.shape
    assert np.mean(blank < 128) < 0.001 < np.mean(text < 128)  # only a few specks
    assert blank.std() > 1  # noise and uneven illumination, not a flat fill


def test_tiff_multipage(born, source_sizes, tmp_path):
    out = tmp_path / "scan.tiff"
    info = simulate_scan(born, out, level="heavy", seed=5, blank_after=[1])
    with Image.open(out) as im:
        assert im.n_frames == info.pages == len(source_sizes) + 1
        for i in range(im.n_frames):
            im.seek(i)
            assert im.mode == "L"
            assert im.size == info.sizes[i]
            assert round(float(im.info["dpi"][0])) == 150


def test_single_image_outputs(born, source_sizes, tmp_path):
    w, h = source_sizes[0]
    for name in ("p1.png", "p1.jpg"):
        info = simulate_scan(born, tmp_path / name, level="medium", seed=1)
        with Image.open(tmp_path / name) as im:
            assert im.mode == "L"
            assert im.size == info.sizes[0]
            assert abs(im.size[0] - w * 200 / 72) <= 1
    fax = simulate_scan(born, tmp_path / "fax.png", level="fax")
    assert fax.dpi == 72
    with Image.open(tmp_path / "fax.png") as im:
        assert abs(im.size[0] - w) <= 1 and abs(im.size[1] - h) <= 1


def test_dpi_override_and_errors(born, tmp_path):
    info = simulate_scan(born, tmp_path / "o.png", level="medium", dpi=100)
    assert info.dpi == 100
    with pytest.raises(ValueError):
        simulate_scan(born, tmp_path / "x.pdf", level="blurry")
    with pytest.raises(ValueError):
        simulate_scan(born, tmp_path / "x.bmp")
    with pytest.raises(ValueError):
        simulate_scan(born, tmp_path / "x.pdf", rotate={1: 45})
    with pytest.raises(ValueError):
        simulate_scan(born, tmp_path / "x.pdf", blank_after=[99])


def test_cli(born, source_sizes, tmp_path):
    out = tmp_path / "cli.pdf"
    assert synth_main(["scan", str(born), str(out), "--level", "heavy", "--seed", "9",
                       "--rotate", "1:270", "--blank-after", "1"]) == 0
    with pdfplumber.open(out) as pdf:
        assert all(p.chars == [] for p in pdf.pages)
        assert pdf.pages[0].width > pdf.pages[0].height
        assert len(pdf.pages) == len(source_sizes) + 1


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_medium_is_legible(born, tmp_path):
    png = tmp_path / "medium.png"
    simulate_scan(born, png, level="medium", seed=11)
    text = subprocess.run(["tesseract", str(png), "-", "--psm", "3"], capture_output=True,
                          text=True, check=True).stdout
    words = text.upper()
    assert "KEPUTUSAN" in words and "WARINGIN" in words
    assert NOMOR in text.replace(" ", "")


def test_huge_image(tmp_path):
    out = huge_image(tmp_path / "huge.png")
    assert out.stat().st_size < 200_000  # 400 Mpx, tiny on disk
    with pytest.raises(Image.DecompressionBombError):
        Image.open(out)
    assert out.read_bytes()[16:24] == (20000).to_bytes(4, "big") * 2  # IHDR width, height


@pytest.mark.parametrize("bits", [1, 8])
def test_huge_image_is_a_valid_png(tmp_path, bits):
    out = huge_image(tmp_path / "small.png", 37, 11, bits=bits)
    with Image.open(out) as im:
        arr = np.asarray(im.convert("L"))
    assert arr.shape == (11, 37)
    assert (arr[0] == 0).all() and (arr[-1] == 0).all()
    assert (arr[:, 0] == 0).all() and (arr[:, -1] == 0).all()
    assert (arr[1:-1, 1:-1] == 255).all()
    buf = io.BytesIO(out.read_bytes())
    assert Image.open(buf).size == (37, 11)
