"""Office documents: DOCX, XLSX, ODT and legacy .doc read into the shared IR.

Accuracy: the shared seeds' gold written as DOCX (two layouts) and XLSX (the IKI
matrix only) by ``iki_extract.synth.office``, and (slow) written as ODT and as a
LibreOffice-saved .doc, read back and scored.  Unit tests pin the numbering
resolution, table spans, nested fractions, text boxes, headers/footers, displayed
cell values and the hostile-container guards.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from iki_extract import extract, extract_to
from iki_extract.errors import InputError
from iki_extract.eval import evaluate
from iki_extract.ingest import read
from iki_extract.ingest.numbering import Numbering, format_number
from iki_extract.ingest.office import soffice
from iki_extract.ingest.xlsx import display_value
from iki_extract.model import Table, TextLine
from iki_extract.synth.office import (
    DOCX_VARIANTS,
    write_decree_docx,
    write_decree_odt,
    write_decree_xlsx,
)

BAR = {"jabatan_f1": 1.0, "row_f1": 0.99, "header_accuracy": 0.97, "list_f1": 0.97}
MATRIX_BAR = {"jabatan_f1": 1.0, "row_f1": 0.99}


def _gold(folder: Path) -> dict[str, list]:
    return {g.name[: -len(".gold.json")]: json.loads(g.read_text(encoding="utf-8"))
            for g in sorted(folder.glob("*.gold.json"))}


def _score(gold: dict, folder: Path):
    pred: dict[str, list] = {}
    for d in extract(folder, merge=False):
        pred.setdefault(d.source_file, []).append(d.to_dict())
    return evaluate(gold, pred), pred


def _check(report, bar: dict) -> None:
    s = report.pooled
    got = {k: getattr(s, k) for k in bar}
    low = {k: v for k, v in got.items() if v is None or v < bar[k] - 1e-9}
    assert not low, f"office accuracy below the bar: {low}"


def matrix_gold(gold: dict) -> dict:
    """What an XLSX IKI matrix holds of the gold: the jabatan titles and their rows."""
    out = {}
    for stem, decrees in gold.items():
        out[stem] = [
            {"kind": d["kind"], "header": {},
             "jabatan": [{"jabatan": j["jabatan"], "tugas": [], "fungsi": [],
                          "indikator": j["indikator"]} for j in d["jabatan"] if j["indikator"]]}
            for d in decrees if any(j["indikator"] for j in d["jabatan"])
        ]
    return out


def test_seed_docx_accuracy(seeds_dir, tmp_path):
    """Quick: each seed in one of the layouts (alternating); every layout is used."""
    gold = _gold(seeds_dir)
    for i, (stem, g) in enumerate(gold.items()):
        v = DOCX_VARIANTS[i % len(DOCX_VARIANTS)]
        write_decree_docx(g, tmp_path / f"{stem}.{v}.docx", variant=v)
    report, pred = _score(gold, tmp_path)
    assert len(pred) == len(gold)
    _check(report, BAR)


@pytest.mark.slow
def test_seed_docx_accuracy_all_layouts(seeds_dir, tmp_path):
    gold = _gold(seeds_dir)
    for stem, g in gold.items():
        for v in DOCX_VARIANTS:
            write_decree_docx(g, tmp_path / f"{stem}.{v}.docx", variant=v)
    report, pred = _score(gold, tmp_path)
    assert len(pred) == len(gold) * len(DOCX_VARIANTS)
    _check(report, BAR)


def test_seed_xlsx_matrix_accuracy(seeds_dir, tmp_path):
    gold = _gold(seeds_dir)
    for stem, g in gold.items():
        write_decree_xlsx(g, tmp_path / f"{stem}.xlsx")
    report, pred = _score(matrix_gold(gold), tmp_path)
    assert len(pred) == len(gold)
    _check(report, MATRIX_BAR)


needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")


@pytest.mark.slow
@needs_soffice
def test_seed_odt_accuracy(seeds_dir, tmp_path):
    gold = _gold(seeds_dir)
    for stem, g in gold.items():
        write_decree_odt(g, tmp_path / f"{stem}.odt")
    report, _ = _score(gold, tmp_path)
    _check(report, BAR)


@pytest.mark.slow
@needs_soffice
def test_seed_docx_resaved_by_libreoffice_as_doc(seeds_dir, tmp_path):
    """Word 97 .doc written by LibreOffice from our DOCX: the legacy path end to end."""
    from iki_extract.ingest.office import convert

    gold = _gold(seeds_dir)
    for stem, g in gold.items():
        for v in DOCX_VARIANTS:
            src = write_decree_docx(g, tmp_path / "src" / f"{stem}.{v}.docx", variant=v)
            out = tmp_path / "doc" / f"{stem}.{v}.doc"
            out.parent.mkdir(exist_ok=True)
            out.write_bytes(convert(src, src.read_bytes(), "doc"))
    report, pred = _score(gold, tmp_path / "doc")
    assert len(pred) == len(gold) * len(DOCX_VARIANTS)
    _check(report, BAR)


# --------------------------------------------------------------------------
# Reader units
# --------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering_xml(levels: str, nums: str) -> bytes:
    return (f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="1">{levels}'
            f"</w:abstractNum>{nums}</w:numbering>").encode()


def test_numbering_labels_as_word_shows_them():
    from lxml import etree

    lv = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
          '<w:lvlText w:val="%1."/></w:lvl>'
          '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
          '<w:lvlText w:val="%2)"/></w:lvl>'
          '<w:lvl w:ilvl="2"><w:start w:val="3"/><w:numFmt w:val="upperRoman"/>'
          '<w:lvlText w:val="%1.%3"/></w:lvl>')
    nums = ('<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="6"><w:abstractNumId w:val="1"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    n = Numbering.from_xml(etree.fromstring(_numbering_xml(lv, nums)))
    got = [n.label("5", 0), n.label("5", 1), n.label("5", 1), n.label("5", 0), n.label("5", 1),
           n.label("5", 2), n.label("5", 2), n.label("6", 0), n.label("0", 0)]
    assert got == ["1.", "a)", "b)", "2.", "a)", "2.III", "2.IV", "1.", ""]
    assert [format_number(k, "lowerLetter") for k in (1, 26, 27)] == ["a", "z", "aa"]


def _docx_with(tmp_path: Path, build) -> Path:
    import docx

    d = docx.Document()
    build(d)
    p = tmp_path / "t.docx"
    d.save(str(p))
    return p


def test_docx_spans_nested_fraction_textbox_header_footer(tmp_path):
    from docx.oxml import parse_xml

    def build(d):
        sec = d.sections[0]
        sec.header.paragraphs[0].text = "KOP DI HEADER"
        sec.footer.paragraphs[0].text = "Halaman 1"
        p = d.add_paragraph("Paragraf dengan kotak")
        p.add_run("\tdan tab")
        box = (f'<w:r xmlns:w="{W}" xmlns:wps="http://schemas.microsoft.com/office/word/2010/'
               f'wordprocessingShape"><w:pict><w:txbxContent><w:p><w:r><w:t>ISI KOTAK</w:t>'
               f"</w:r></w:p></w:txbxContent></w:pict></w:r>")
        p._p.append(parse_xml(box))
        t = d.add_table(rows=3, cols=4)
        t.style = "Table Grid"
        t.cell(0, 0).merge(t.cell(0, 1)).paragraphs[0].text = "JUDUL"
        t.cell(1, 0).merge(t.cell(2, 0)).paragraphs[0].text = "SASARAN"
        inner = t.cell(1, 2).add_table(rows=2, cols=2)
        inner.cell(0, 0).paragraphs[0].text = "Jumlah A"
        inner.cell(1, 0).paragraphs[0].text = "Jumlah B"
        inner.cell(0, 1).merge(inner.cell(1, 1)).paragraphs[0].text = "x 100%"

    doc = read(_docx_with(tmp_path, build))
    blocks = [b for p in doc.pages for b in p.blocks]
    texts = [b.text for b in blocks if isinstance(b, TextLine) and b.text]
    assert texts[:3] == ["KOP DI HEADER", "Paragraf dengan kotak dan tab", "ISI KOTAK"]
    assert "Halaman 1" not in texts
    (tbl,) = [b for b in blocks if isinstance(b, Table)]
    cells = {(c.row, c.col): c for c in tbl.cells}
    assert (cells[(0, 0)].col_span, cells[(0, 0)].lines) == (2, ["JUDUL"])
    assert (cells[(1, 0)].row_span, cells[(1, 0)].lines) == (2, ["SASARAN"])
    frac = cells[(1, 2)]
    assert frac.lines == ["Jumlah A", "Jumlah B", "x 100%"] and frac.fraction_bars == [0]
    assert doc.origin == "office"


def test_xlsx_displayed_values():
    assert display_value(0.125, "0.0%") == "12.5%"
    assert display_value(0.5, "0%") == "50%"
    assert display_value(3.0, "General") == "3"
    assert display_value(1234.5, "#,##0.00") == "1,234.50"
    assert display_value(2.25, "General") == "2.25"


def test_xlsx_merges_title_and_uncached_formula(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "JUDUL LEMBAR"
    ws.merge_cells("A1:C1")
    ws.append(["JABATAN", "NILAI", "PORSI"])
    ws.append(["Camat", 0.25, "=B3*2"])
    ws["B3"].number_format = "0%"
    ws.merge_cells("A3:A4")
    ws["B4"] = 7
    p = tmp_path / "t.xlsx"
    wb.save(str(p))
    doc = read(p)
    (page,) = doc.pages
    title, table = page.blocks
    assert title.text == "JUDUL LEMBAR"
    cells = {(c.row, c.col): c for c in table.cells}
    assert (cells[(1, 0)].lines, cells[(1, 0)].row_span) == (["Camat"], 2)
    assert cells[(1, 1)].lines == ["25%"]
    assert (1, 2) not in cells  # a formula Excel never calculated has no cached value


# --------------------------------------------------------------------------
# Hostile containers
# --------------------------------------------------------------------------


def _good_docx(tmp_path: Path) -> Path:
    return _docx_with(tmp_path, lambda d: d.add_paragraph("Teks biasa"))


def _rezip(src: Path, dst: Path, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        for name, data in extra.items():
            zout.writestr(name, data)
    return dst


@pytest.fixture
def hostile(tmp_path) -> dict[str, Path]:
    good = _good_docx(tmp_path)
    out = tmp_path / "in"
    out.mkdir()
    files = {
        "bomb": _rezip(good, out / "bomb.docx", {"word/media/zeros.bin": b"\0" * (8 * 2**20)}),
        "traversal": _rezip(good, out / "traversal.docx", {"../../evil.txt": b"x"}),
        "corrupt": out / "corrupt.docx",
        "macro": out / "macro.docm",
        "good": out / "good.docx",
    }
    data = good.read_bytes()
    files["corrupt"].write_bytes(data[: len(data) // 2])
    files["macro"].write_bytes(data)
    files["good"].write_bytes(data)
    return files


@pytest.mark.parametrize("kind,fragment", [
    ("bomb", "zip bomb refused"),
    ("traversal", "path traversal"),
    ("corrupt", "corrupt DOCX container"),
    ("macro", "macro-enabled document refused"),
])
def test_hostile_office_inputs_fail_with_one_line(hostile, kind, fragment):
    with pytest.raises(InputError) as info:
        read(hostile[kind])
    msg = str(info.value)
    assert fragment in msg and "\n" not in msg


def test_hostile_office_inputs_do_not_stop_the_run(hostile, tmp_path):
    summary = extract_to([hostile["good"].parent], tmp_path / "out")
    failed = sorted(Path(e.split(":")[0]).name for e in map(str, summary.errors))
    assert len(summary.errors) == 4, summary.errors
    assert failed == ["bomb.docx", "corrupt.docx", "macro.docm", "traversal.docx"]


def test_bomb_ratio_on_odt_before_conversion(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", b" " * (4 * 2**20))
    p = tmp_path / "b.odt"
    p.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="zip bomb refused"):
        read(p)


def test_odt_without_libreoffice_is_one_clear_line(tmp_path, monkeypatch, seeds_dir):
    import iki_extract.ingest.office as office

    monkeypatch.setattr(office, "soffice", lambda: None)
    gold = json.loads(next(iter(sorted(seeds_dir.glob("*.gold.json")))).read_text("utf-8"))
    p = write_decree_odt(gold, tmp_path / "d.odt")
    with pytest.raises(InputError, match=r"\.odt needs LibreOffice \(soffice\)"):
        read(p)
