"""Write decrees (schema JSON dicts) as office documents with known truth.

* :func:`write_decree_docx` — a Word document as an office clerk sets one up: the
  Menimbang/Mengingat items and the Tugas/Fungsi items as real Word lists (numbering
  definitions in ``numbering.xml``, so the item letters are not in the text), diktum
  labels on tab stops, and the Lampiran table with merged SASARAN/INDIKATOR cells
  (``vMerge``), a title row spanning every column (``gridSpan``) and stacked fractions
  as a nested two-row table (numerator over a bottom border, ``x 100%`` merged beside).
  Variant ``"table"`` instead puts the kop in the page header and Menimbang/Mengingat in
  a borderless three-column layout table.
* :func:`write_decree_xlsx` — the IKI matrix only (one sheet with a JABATAN column,
  merged cells down JABATAN and SASARAN, a title row merged across), as Excel users
  keep it; a second sheet holds a small recap with a formula and a percentage format.
* :func:`write_decree_odt` — a text document (odfpy) with the same body and a ruled
  Lampiran table with ``number-rows-spanned`` merges.
"""

from __future__ import annotations

import copy
from pathlib import Path

from .text import nip_grouped, parse_fraction, split_subitems, tanggal_words

KEYS = ("sasaran", "indikator", "formulasi", "sumber_data")
HEADERS = ("SASARAN KINERJA", "INDIKATOR KINERJA INDIVIDU", "FORMULASI PERHITUNGAN", "SUMBER DATA")
DOCX_VARIANTS = ("list", "table")


def _clean(s) -> str:
    return " ".join(str(s).split()) if s is not None else ""


def _groups(rows: list[dict], key: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Runs of equal non-empty ``key`` values in rows[lo:hi] as (first, last) indexes."""
    hi = len(rows) if hi is None else hi
    out, i = [], lo
    while i < hi:
        v = _clean(rows[i].get(key))
        j = i
        while v and j + 1 < hi and _clean(rows[j + 1].get(key)) == v:
            j += 1
        out.append((i, j))
        i = j + 1
    return out


def _parts(d: dict) -> dict:
    hdr = d.get("header") or {}
    kab = _clean(hdr.get("kabupaten_kota")) or "Kabupaten"
    kec = _clean(hdr.get("kecamatan"))
    pejabat = _clean(hdr.get("pejabat_penetap")) or (f"Camat {kec}" if kec else "Camat")
    return {
        "hdr": hdr,
        "pemerintah": _clean(hdr.get("pemerintah")) or f"Pemerintah {kab}",
        "kec": kec,
        "pejabat": pejabat,
        "nomor": _clean(hdr.get("nomor")),
        "tentang": _clean(hdr.get("tentang")),
        "pen": hdr.get("penandatangan") or {},
    }


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering(doc) -> dict[str, int]:
    """Add abstract numbering definitions; return a factory key -> abstractNumId."""
    from docx.oxml import parse_xml

    numbering = doc.part.numbering_part.element
    fmts = {"letter": ("lowerLetter", "%1."), "decimal": ("decimal", "%1."),
            "bullet": ("bullet", "\u2022")}
    ids = {}
    for n, (key, (fmt, text)) in enumerate(fmts.items(), start=90):
        xml = (
            f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{n}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="2880" w:hanging="360"/></w:pPr></w:lvl>'
            f"</w:abstractNum>"
        )
        first_num = numbering.find(f"{{{_W}}}num")
        el = parse_xml(xml)
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)
        ids[key] = n
    return ids


class _Docx:
    def __init__(self, variant: str) -> None:
        import docx

        self.variant = variant
        self.doc = docx.Document()
        self.abstract = _numbering(self.doc)
        self.numbering = self.doc.part.numbering_part.element
        self.next_num = 200
        style = self.doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = __import__("docx.shared", fromlist=["Pt"]).Pt(11)
        style.paragraph_format.space_after = 0

    # ---- helpers ---------------------------------------------------------------------
    def new_list(self, kind: str) -> int:
        """A fresh w:num over the abstract list ``kind`` (numbering restarts at 1)."""
        from docx.oxml import parse_xml

        n = self.next_num
        self.next_num += 1
        self.numbering.append(parse_xml(
            f'<w:num xmlns:w="{_W}" w:numId="{n}"><w:abstractNumId w:val="{self.abstract[kind]}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        return n

    def para(self, text: str = "", *, bold: bool = False, center: bool = False,
             container=None, num: int | None = None, left_cm: float | None = None,
             tabs: list[float] | None = None, page_break: bool = False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import parse_xml
        from docx.shared import Cm

        target = container if container is not None else self.doc
        p = target.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if left_cm is not None:
            p.paragraph_format.left_indent = Cm(left_cm)
        for t in tabs or []:
            p.paragraph_format.tab_stops.add_tab_stop(Cm(t))
        if num is not None:
            p._p.get_or_add_pPr().insert(0, parse_xml(
                f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'))
        if page_break:
            from docx.enum.text import WD_BREAK

            p.add_run().add_break(WD_BREAK.PAGE)
        parts = text.split("\t")
        for i, part in enumerate(parts):
            if i:
                p.add_run().add_tab()
            if part:
                p.add_run(part).bold = bold
        return p

    def items(self, items: list[str], kind: str, container=None, left_cm: float = 5.0) -> None:
        num = self.new_list(kind)
        for it in items:
            self.para(it, num=num, container=container, left_cm=left_cm)

    # ---- decree ----------------------------------------------------------------------
    def decree(self, d: dict, first: bool) -> None:
        x = _parts(d)
        kop = [(x["pemerintah"].upper(), True)]
        if x["kec"]:
            kop.append((f"KECAMATAN {x['kec'].upper()}", True))
        kop.append((f"Jl. Merdeka No. 1 {(x['kec'] or 'KANTOR').upper()}", False))
        if not first:
            self.para(page_break=True)
        if self.variant == "table" and first:
            header = self.doc.sections[0].header
            header.paragraphs[0].text = ""
            for t, b in kop:
                self.para(t, bold=b, center=True, container=header)
        else:
            for t, b in kop:
                self.para(t, bold=b, center=True)
        self.para()
        for t, b in (("KEPUTUSAN", True), (x["pejabat"].upper(), True),
                     (f"NOMOR : {x['nomor']}", False), ("TENTANG", True),
                     (x["tentang"].upper(), True), ("", False),
                     (f"{x['pejabat'].upper()},", True), ("", False)):
            self.para(t, bold=b, center=True)
        menimbang = [_clean(t) for t in d.get("menimbang") or []]
        mengingat = [_clean(t) for t in d.get("mengingat") or []]
        if self.variant == "table":
            tbl = self.doc.add_table(rows=2, cols=3)  # no style: no borders
            for r, (label, items, kind) in enumerate(
                    (("Menimbang", menimbang, "letter"), ("Mengingat", mengingat, "decimal"))):
                c0, c1, c2 = tbl.rows[r].cells
                c0.paragraphs[0].text = label
                c1.paragraphs[0].text = ":"
                num = self.new_list(kind)
                for i, it in enumerate(items):
                    p = c2.paragraphs[0] if i == 0 else c2.add_paragraph()
                    p.add_run(it)
                    from docx.oxml import parse_xml

                    p._p.get_or_add_pPr().insert(0, parse_xml(
                        f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="0"/>'
                        f'<w:numId w:val="{num}"/></w:numPr>'))
        else:
            for label, items, kind in (("Menimbang", menimbang, "letter"),
                                       ("Mengingat", mengingat, "decimal")):
                self.para(f"{label}\t:", tabs=[3.0])
                self.items(items, kind)
                self.para()
        self.para("MEMUTUSKAN :", bold=True, center=True)
        self.para(f"Menetapkan\t:\tKEPUTUSAN {x['pejabat'].upper()} TENTANG "
                  f"{x['tentang'].upper()}.", tabs=[3.0, 3.5])
        for dk in d.get("diktum") or []:
            self.para(f"{_clean(dk.get('label')).upper()}\t:\t{_clean(dk.get('text'))}",
                      tabs=[3.0, 3.5])
        self.para()
        hdr, pen = x["hdr"], x["pen"]
        self.para(f"Ditetapkan di\t: {_clean(hdr.get('tempat_penetapan'))}", left_cm=9.0,
                  tabs=[12.0])
        self.para(f"Pada tanggal\t: {tanggal_words(hdr.get('tanggal_penetapan'))}",
                  left_cm=9.0, tabs=[12.0])
        self.para()
        jab = _clean(pen.get("jabatan")) or x["pejabat"]
        self.para(f"{jab.upper()},", bold=True, left_cm=9.0)
        for _ in range(3):
            self.para()
        if _clean(pen.get("nama")):
            self.para(_clean(pen["nama"]), bold=True, left_cm=9.0)
        if pen.get("pangkat"):
            self.para(_clean(pen["pangkat"]), left_cm=9.0)
        if pen.get("nip"):
            self.para(f"NIP. {nip_grouped(pen['nip'])}", left_cm=9.0)
        tembusan = [_clean(t) for t in d.get("tembusan") or []]
        if tembusan:
            self.para()
            self.para("Tembusan :")
            self.items(tembusan, "decimal", left_cm=0.7)
        if d.get("jabatan"):
            self.lampiran(d, x)

    def lampiran(self, d: dict, x: dict) -> None:
        self.para(page_break=True)
        for lab, val in (("LAMPIRAN", f"KEPUTUSAN {x['pejabat'].upper()}"),
                         ("NOMOR", x["nomor"]),
                         ("TANGGAL", tanggal_words(x["hdr"].get("tanggal_penetapan")))):
            self.para(f"{lab}\t:\t{val}", left_cm=8.0, tabs=[11.0, 11.5])
        self.para()
        title = "INDIKATOR KINERJA UTAMA" if d.get("kind") == "IKU" else \
            "INDIKATOR KINERJA INDIVIDU"
        for jb in d.get("jabatan") or []:
            self.para(title, bold=True, center=True)
            self.para()
            self.para(f"1.\tJabatan\t:\t{_clean(jb.get('jabatan'))}", tabs=[0.7, 3.5, 4.0])
            for no, lab, key in ((2, "Tugas", "tugas"), (3, "Fungsi", "fungsi")):
                items = [_clean(t) for t in jb.get(key) or []]
                self.para(f"{no}.\t{lab}\t:" + ("" if items else "\t-"), tabs=[0.7, 3.5, 4.0])
                if items:
                    self.items(items, "letter" if self.variant == "list" else "bullet",
                               left_cm=4.6)
            self.para()
            self.table(jb.get("indikator") or [])
            self.para()

    def table(self, rows: list[dict]) -> None:
        from docx.shared import Pt

        title_row = self.variant == "table"
        n0 = 2 if title_row else 1
        tbl = self.doc.add_table(rows=n0 + len(rows), cols=4)
        tbl.style = "Table Grid"
        if title_row:
            top = tbl.cell(0, 0).merge(tbl.cell(0, 3))  # gridSpan=4
            top.paragraphs[0].add_run("INDIKATOR KINERJA").bold = True
        for c, h in enumerate(HEADERS):
            tbl.cell(n0 - 1, c).paragraphs[0].add_run(h).bold = True
        merged: set[tuple[int, int]] = set()
        for a, b in _groups(rows, "sasaran"):
            if b > a:
                tbl.cell(n0 + a, 0).merge(tbl.cell(n0 + b, 0))
                merged.update((r, 0) for r in range(a + 1, b + 1))
            for a2, b2 in _groups(rows, "indikator", a, b + 1):
                if b2 > a2:
                    tbl.cell(n0 + a2, 1).merge(tbl.cell(n0 + b2, 1))
                    merged.update((r, 1) for r in range(a2 + 1, b2 + 1))
        for r, row in enumerate(rows):
            for c, key in enumerate(KEYS):
                if (r, c) in merged:
                    continue
                cell = tbl.cell(n0 + r, c)
                text = _clean(row.get(key))
                if not text:
                    continue
                fr = parse_fraction(text) if key == "formulasi" else None
                if fr and self.variant == "list":
                    self._fraction(cell, fr)
                    continue
                parts = split_subitems(text)
                cell.paragraphs[0].text = parts[0]
                for part in parts[1:]:
                    cell.add_paragraph(part)
        for row in tbl.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(9)

    def _fraction(self, cell, fr: tuple[str, str]) -> None:
        """numerator over denominator (a bottom border between), ``x 100%`` beside both."""
        from docx.oxml import parse_xml

        inner = cell.add_table(rows=2, cols=2)
        inner.cell(0, 0).paragraphs[0].text = fr[0]
        inner.cell(1, 0).paragraphs[0].text = fr[1]
        suffix = inner.cell(0, 1).merge(inner.cell(1, 1))
        suffix.paragraphs[0].text = "x 100%"
        tcpr = inner.cell(0, 0)._tc.get_or_add_tcPr()
        tcpr.append(parse_xml(
            f'<w:tcBorders xmlns:w="{_W}"><w:bottom w:val="single" w:sz="4"/></w:tcBorders>'))
        # Word needs a paragraph after a nested table; the first one is left empty
        first = cell.paragraphs[0]._p
        first.getparent().remove(first)
        cell._tc.append(copy.deepcopy(parse_xml(f'<w:p xmlns:w="{_W}"/>')))


def write_decree_docx(decrees: list[dict], out_path: Path, variant: str = "list") -> Path:
    """Write decrees (schema dicts), in order, as one .docx at ``out_path``."""
    if variant not in DOCX_VARIANTS:
        raise ValueError(f"unknown DOCX variant {variant!r} (choose from {DOCX_VARIANTS})")
    w = _Docx(variant)
    for i, d in enumerate(decrees):
        w.decree(d, first=i == 0)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    w.doc.core_properties.author = "iki_extract.synth"
    w.doc.save(str(out_path))
    return out_path


# --------------------------------------------------------------------------
# XLSX: the IKI matrix
# --------------------------------------------------------------------------


def write_decree_xlsx(decrees: list[dict], out_path: Path) -> Path:
    """Write the decrees' IKI matrix (JABATAN + the four indicator columns) as .xlsx."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "IKI"
    cols = ("NO", "JABATAN") + HEADERS
    kinds = {d.get("kind") for d in decrees if any(j.get("indikator") for j in d.get("jabatan") or [])}
    title = "INDIKATOR KINERJA UTAMA" if kinds == {"IKU"} else "INDIKATOR KINERJA INDIVIDU"
    ws.cell(1, 1, f"MATRIKS {title}").font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    for c, h in enumerate(cols, start=1):
        ws.cell(3, c, h).font = Font(bold=True)
    r = 4
    recap = []
    no = 0
    for d in decrees:
        for jb in d.get("jabatan") or []:
            rows = jb.get("indikator") or []
            if not rows:
                continue
            no += 1
            first = r
            for row in rows:
                for c, key in enumerate(KEYS, start=3):
                    v = _clean(row.get(key))
                    if v:
                        ws.cell(r, c, v).alignment = Alignment(wrap_text=True, vertical="top")
                r += 1
            ws.cell(first, 1, no)
            ws.cell(first, 2, _clean(jb.get("jabatan")))
            if r - 1 > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=r - 1, end_column=1)
                ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
            for a, b in _groups(rows, "sasaran"):
                if b > a:
                    for k in range(a + 1, b + 1):
                        ws.cell(first + k, 3).value = None
                    ws.merge_cells(start_row=first + a, start_column=3, end_row=first + b,
                                   end_column=3)
            recap.append((_clean(jb.get("jabatan")), len(rows)))
    for i, w in enumerate((5, 30, 30, 30, 40, 20), start=1):
        ws.column_dimensions[chr(64 + i)].width = w
    rs = wb.create_sheet("Rekap")
    rs.append(("JABATAN", "JUMLAH INDIKATOR", "PORSI"))
    for i, (name, n) in enumerate(recap, start=2):
        rs.append((name, n, f"=B{i}/SUM(B$2:B${len(recap) + 1})"))
        rs.cell(i, 3).number_format = "0.0%"
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(out_path))
    return out_path


# --------------------------------------------------------------------------
# ODT
# --------------------------------------------------------------------------


def write_decree_odt(decrees: list[dict], out_path: Path) -> Path:
    """Write decrees as an OpenDocument text (.odt) with ruled, merged Lampiran tables."""
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        ParagraphProperties,
        Style,
        TableCellProperties,
        TextProperties,
    )
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import LineBreak, P, Tab

    doc = OpenDocumentText()
    center = Style(name="Center", family="paragraph")
    center.addElement(ParagraphProperties(textalign="center"))
    center.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(center)
    boxed = Style(name="Boxed", family="table-cell")
    boxed.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.05cm"))
    doc.automaticstyles.addElement(boxed)
    brk = Style(name="Break", family="paragraph")
    brk.addElement(ParagraphProperties(breakbefore="page"))
    doc.automaticstyles.addElement(brk)

    def para(text: str = "", style=None) -> None:
        p = P(stylename=style) if style is not None else P()
        for i, part in enumerate(text.split("\t")):
            if i:
                p.addElement(Tab())
            if part:
                p.addText(part)
        doc.text.addElement(p)

    for n, d in enumerate(decrees):
        x = _parts(d)
        if n:
            doc.text.addElement(P(stylename=brk))
        para(x["pemerintah"].upper(), center)
        if x["kec"]:
            para(f"KECAMATAN {x['kec'].upper()}", center)
        para()
        for t in ("KEPUTUSAN", x["pejabat"].upper(), f"NOMOR : {x['nomor']}", "TENTANG",
                  x["tentang"].upper(), "", f"{x['pejabat'].upper()},", ""):
            para(t, center)
        for label, items, mark in (
                ("Menimbang", d.get("menimbang") or [], lambda i: f"{chr(97 + i)}."),
                ("Mengingat", d.get("mengingat") or [], lambda i: f"{i + 1}.")):
            for i, it in enumerate(items):
                head = f"{label}\t:\t" if i == 0 else "\t\t"
                para(f"{head}{mark(i)}\t{_clean(it)}")
            para()
        para("MEMUTUSKAN :", center)
        para(f"Menetapkan\t:\tKEPUTUSAN {x['pejabat'].upper()} TENTANG {x['tentang'].upper()}.")
        for dk in d.get("diktum") or []:
            para(f"{_clean(dk.get('label')).upper()}\t:\t{_clean(dk.get('text'))}")
        para()
        hdr, pen = x["hdr"], x["pen"]
        para(f"Ditetapkan di : {_clean(hdr.get('tempat_penetapan'))}")
        para(f"Pada tanggal : {tanggal_words(hdr.get('tanggal_penetapan'))}")
        para()
        para(f"{(_clean(pen.get('jabatan')) or x['pejabat']).upper()},")
        para()
        para()
        if _clean(pen.get("nama")):
            para(_clean(pen["nama"]))
        if pen.get("pangkat"):
            para(_clean(pen["pangkat"]))
        if pen.get("nip"):
            para(f"NIP. {nip_grouped(pen['nip'])}")
        tembusan = [_clean(t) for t in d.get("tembusan") or []]
        if tembusan:
            para()
            para("Tembusan :")
            for i, t in enumerate(tembusan):
                para(f"{i + 1}.\t{t}")
        if not d.get("jabatan"):
            continue
        doc.text.addElement(P(stylename=brk))
        para(f"LAMPIRAN\t:\tKEPUTUSAN {x['pejabat'].upper()}")
        para(f"NOMOR\t:\t{x['nomor']}")
        para(f"TANGGAL\t:\t{tanggal_words(hdr.get('tanggal_penetapan'))}")
        para()
        title = "INDIKATOR KINERJA UTAMA" if d.get("kind") == "IKU" else \
            "INDIKATOR KINERJA INDIVIDU"
        for jb in d.get("jabatan") or []:
            para(title, center)
            para(f"1.\tJabatan\t:\t{_clean(jb.get('jabatan'))}")
            for no, lab, key in ((2, "Tugas", "tugas"), (3, "Fungsi", "fungsi")):
                items = [_clean(t) for t in jb.get(key) or []]
                if not items:
                    para(f"{no}.\t{lab}\t:\t-")
                for i, it in enumerate(items):
                    head = f"{no}.\t{lab}\t:\t" if i == 0 else "\t\t\t"
                    para(f"{head}{chr(97 + i % 26)}.\t{it}")
            para()
            rows = jb.get("indikator") or []
            t = Table()
            t.addElement(TableColumn(numbercolumnsrepeated=4))
            tr = TableRow()
            for h in HEADERS:
                tc = TableCell(stylename=boxed)
                tc.addElement(P(text=h))
                tr.addElement(tc)
            t.addElement(tr)
            spans: dict[tuple[int, int], int] = {}
            covered: set[tuple[int, int]] = set()
            for a, b in _groups(rows, "sasaran"):
                if b > a:
                    spans[(a, 0)] = b - a + 1
                    covered.update((r, 0) for r in range(a + 1, b + 1))
            for r, row in enumerate(rows):
                tr = TableRow()
                for c, key in enumerate(KEYS):
                    if (r, c) in covered:
                        tr.addElement(CoveredTableCell())
                        continue
                    tc = TableCell(stylename=boxed)
                    if (r, c) in spans:
                        tc.setAttribute("numberrowsspanned", str(spans[(r, c)]))
                    p = P()
                    for i, part in enumerate(split_subitems(_clean(row.get(key)))):
                        if i:
                            p.addElement(LineBreak())
                        p.addText(part)
                    tc.addElement(p)
                    tr.addElement(tc)
                t.addElement(tr)
            doc.text.addElement(t)
            para()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out_path))
    return out_path
