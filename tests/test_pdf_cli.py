"""The CLI on PDF input: encrypted files, corrupt files, a good file beside them."""

import json

import pytest
from conftest import REPO

from iki_extract.cli import main
from iki_extract.synth import render_decree_pdf

reportlab = pytest.importorskip("reportlab")


@pytest.fixture()
def good_pdf(tmp_path):
    gold = json.loads((REPO / "samples" / "kec_sukamaju_2024.gold.json").read_text(encoding="utf-8"))
    p = tmp_path / "in" / "good.pdf"
    render_decree_pdf(gold, p, variant="f4-landscape-no")
    return p


def _encrypted(path, password):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=password)
    c.drawString(72, 760, "KEPUTUSAN CAMAT RAHASIA")
    c.drawString(72, 740, "NOMOR : 1/2/2024")
    c.showPage()
    c.save()
    return path


def test_encrypted_needs_password_and_run_goes_on(tmp_path, good_pdf, capsys):
    _encrypted(good_pdf.parent / "locked.pdf", "kunci")
    (good_pdf.parent / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n% truncated")
    code = main(["extract", str(good_pdf.parent), "-o", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "locked.pdf: encrypted PDF: password required (use --password)" in err
    assert "broken.pdf: corrupt PDF" in err or "broken.pdf: PDF has no pages" in err
    out = json.loads(next((tmp_path / "out" / "decrees").glob("*.json")).read_text(encoding="utf-8"))
    assert out["source"]["file"] == "good.pdf" and len(out["jabatan"]) == 8


def test_password_option_opens_it(tmp_path):
    p = _encrypted(tmp_path / "locked.pdf", "kunci")
    code = main(["extract", str(p), "-o", str(tmp_path / "out"), "--password", "kunci", "--quiet"])
    assert code == 0
    (d,) = [json.loads(x.read_text()) for x in (tmp_path / "out" / "decrees").glob("*.json")]
    assert d["header"]["nomor"] == "1/2/2024"
