"""The PDFium page source (``ingest/pdf_fast.py``) against pdfplumber on the same pages.

Words, ruled tables and the extracted decrees must be the same whichever engine reads
the page; the pdfplumber engine stays selectable (``--pdf-engine`` / ``IKI_PDF_ENGINE``).
"""

from __future__ import annotations

import json

import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import REPO

from iki_extract import extract
from iki_extract.ingest.pdf import iter_pages
from iki_extract.ingest.pdf_fast import ENV, FastPage, pdf_engine
from iki_extract.model import Table
from iki_extract.synth import render_decree_pdf

KW = dict(keep_blank_chars=False, use_text_flow=False, extra_attrs=["fontname", "size"])
SAMPLE = REPO / "samples" / "kec_sukamaju_2024.gold.json"


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    gold = json.loads(SAMPLE.read_text(encoding="utf-8"))
    p = tmp_path_factory.mktemp("fast") / "s.pdf"
    render_decree_pdf(gold, p, variant="a4-times-numbered")
    return p


def test_words_and_rules_match_pdfplumber(sample_pdf):
    data = sample_pdf.read_bytes()
    doc = pdfium.PdfDocument(data)
    with pdfplumber.open(sample_pdf) as pl:
        assert len(pl.pages) == len(doc) >= 3
        for i, page in enumerate(pl.pages):
            fp = FastPage(doc, i)
            # the same words; PDFium may list the text runs in another order
            order = lambda w: (round(w["x0"]), w["top"])  # noqa: E731
            wa_ = sorted(page.extract_words(**KW), key=order)
            wb_ = sorted(fp.extract_words(**KW), key=order)
            a = [(w["text"], w["fontname"], round(w["size"], 1)) for w in wa_]
            b = [(w["text"], w["fontname"], round(w["size"], 1)) for w in wb_]
            # pdfminer leaves a glyph without a Unicode map as "(cid:N)" where PDFium
            # reads the font's own encoding (the sample's "•" bullets)
            b = [y if "(cid:" not in x[0] else x for x, y in zip(a, b)]
            assert a == b, f"page {i + 1}"
            for wa, wb in zip(wa_, wb_):
                # boxes hang from the baseline by the font's descent, which PDFium and
                # pdfminer take from different metrics for the built-in Symbol font
                tol = 0.35 * wa["size"] if wa["fontname"] == "Symbol" else 1.0
                assert abs(wa["x0"] - wb["x0"]) < 0.5 and abs(wa["bottom"] - wb["bottom"]) < tol
            ha = sorted(round(e["top"]) for e in page.edges if e["orientation"] == "h")
            hb = sorted(round(e["top"]) for e in fp.edges if e["orientation"] == "h")
            assert ha == hb, f"page {i + 1}: horizontal rules differ"
    doc.close()


def _tables(path, engine):
    data = path.read_bytes()
    out = []
    for page in iter_pages(path, data, engine=engine):
        for b in page.blocks:
            if isinstance(b, Table):
                out.append([(c.row, c.col, c.row_span, c.col_span, tuple(c.lines),
                             tuple(c.fraction_bars)) for c in b.cells])
    return out


def test_ir_tables_are_engine_independent(sample_pdf):
    assert _tables(sample_pdf, "pdfium") == _tables(sample_pdf, "pdfplumber")


@pytest.mark.slow
def test_decrees_are_engine_independent(sample_pdf, monkeypatch):
    monkeypatch.setenv(ENV, "pdfplumber")
    slow = [d.to_dict() for d in extract(sample_pdf)]
    monkeypatch.setenv(ENV, "pdfium")
    fast = [d.to_dict() for d in extract(sample_pdf)]
    assert fast == slow


def test_engine_setting(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert pdf_engine() == "pdfium"
    monkeypatch.setenv(ENV, "pdfplumber")
    assert pdf_engine() == "pdfplumber"
    monkeypatch.setenv(ENV, "pdfminer")
    with pytest.raises(ValueError):
        pdf_engine()
