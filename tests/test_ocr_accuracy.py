"""Scanned decrees end to end: OCR path accuracy and awkward scans.

A gold decree (the project's own sample) is rendered as a born-digital PDF,
turned into a simulated photocopy (``iki_extract.synth.scan``, level medium:
~1° skew, blur, speckle, uneven light, JPEG, 200 dpi), read back through OCR
and scored.  The bar is the issue's: jabatan F1 ≥ 0.95, row F1 ≥ 0.85, header
accuracy ≥ 0.90.  The full four-seed figures come from ``bench/bench_ocr.py``.
"""

import json
import shutil

import pytest
from conftest import REPO

from iki_extract.cli import main
from iki_extract.eval import evaluate
from iki_extract.synth import render_decree_pdf
from iki_extract.synth.scan import huge_image, simulate_scan

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")

BAR = {"jabatan_f1": 0.95, "row_f1": 0.85, "header_accuracy": 0.90}


def _gold(name="kec_sukamaju_2024"):
    return json.loads((REPO / "samples" / f"{name}.gold.json").read_text(encoding="utf-8"))


def _scan_score(tmp_path, gold, seed: int):
    from iki_extract import extract

    born = tmp_path / "kec_sukamaju_2024.pdf"
    render_decree_pdf(gold, born, variant="a4-portrait")
    scan = tmp_path / "in" / "kec_sukamaju_2024.scan-medium.pdf"
    simulate_scan(born, scan, level="medium", seed=seed)
    decrees = extract(scan)
    assert all(r.confidence is not None for d in decrees for j in d.jabatan for r in j.indikator)
    report = evaluate({"kec_sukamaju_2024": gold}, {scan.name: [d.to_dict() for d in decrees]})
    got = {k: getattr(report.pooled, k) for k in BAR}
    low = {k: v for k, v in got.items() if v is None or v < BAR[k]}
    assert not low, f"OCR accuracy below the bar: {low}"


@pytest.mark.slow
def test_medium_scan_accuracy(tmp_path):
    _scan_score(tmp_path, _gold(), seed=3)


def test_medium_scan_accuracy_quick(tmp_path):
    """The quick guard of the test above: the first jabatan block only (3 pages)."""
    _scan_score(tmp_path, _small_decree(), seed=3)


def _small_decree():
    d = _gold()[0]
    return [{**d, "jabatan": d["jabatan"][:1]}]


@pytest.mark.slow
def test_awkward_scans_never_stop_a_run(tmp_path, capsys):
    """Upside-down pages, a blank page, fax quality, a decompression bomb and a page
    in another language: clear errors or empty results, never a crash; the rest of
    the run still extracts."""
    from PIL import Image, ImageDraw

    src = tmp_path / "in"
    src.mkdir()
    born = tmp_path / "small.pdf"
    render_decree_pdf(_small_decree(), born, variant="a4-portrait")
    simulate_scan(born, src / "upside_down.pdf", level="medium", rotate={1: 180, 2: 180},
                  blank_after=[1], seed=2)
    simulate_scan(born, src / "fax.pdf", level="fax", seed=2)
    huge_image(src / "bomb.png")
    page = Image.new("L", (1654, 2339), 255)
    text = ImageDraw.Draw(page)
    for i, line in enumerate(["MINUTES OF THE GARDEN CLUB", "The committee met on Tuesday.",
                              "Members discussed the spring planting schedule."]):
        text.text((150, 200 + 60 * i), line, fill=0, font_size=36)
    page.save(src / "english.png", dpi=(200, 200))
    code = main(["extract", str(src), "-o", str(tmp_path / "out"), "--quiet", "--keep-duplicates",
                 "--timeout", "3600"])  # about awkward pages, not time limits (a busy machine)
    captured = capsys.readouterr()
    err = captured.err
    assert code == 1  # the bomb failed, with a one-line reason naming the file
    assert "bomb.png: image too large" in err
    assert "Traceback" not in err
    out = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "out" / "decrees").glob("*.json")]
    by_file = {d["source"]["file"]: d for d in out}
    upside = by_file["upside_down.pdf"]
    assert upside["header"]["nomor"] == "800/123/35.99.01/2024"
    assert len(upside["jabatan"]) == 1 and upside["jabatan"][0]["indikator"]
    assert "english.png" not in by_file  # not a decree: skipped, no row
    assert "1 skipped (not a decree)" in captured.out
    assert "fax.pdf" in by_file  # read (poorly, at 72 dpi) without failing


def test_no_ocr_option_reports_scans(tmp_path, capsys):
    born = tmp_path / "small.pdf"
    render_decree_pdf(_small_decree(), born, variant="a4-portrait")
    simulate_scan(born, tmp_path / "in" / "scan.pdf", level="light", seed=1)
    code = main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-ocr", "-q"])
    assert code == 1
    assert "scan.pdf: no text layer: needs OCR" in capsys.readouterr().err
