"""Write decrees as a Word document (python-docx): see :mod:`.office`."""

from __future__ import annotations

import copy
from pathlib import Path

from .parts import HEADERS, KEYS, decree_parts, row_groups
from .text import clean, nip_grouped, parse_fraction, split_subitems, tanggal_words

DOCX_VARIANTS = ("list", "table")

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
        x = decree_parts(d)
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
        menimbang = [clean(t) for t in d.get("menimbang") or []]
        mengingat = [clean(t) for t in d.get("mengingat") or []]
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
            self.para(f"{clean(dk.get('label')).upper()}\t:\t{clean(dk.get('text'))}",
                      tabs=[3.0, 3.5])
        self.para()
        hdr, pen = x["hdr"], x["pen"]
        self.para(f"Ditetapkan di\t: {clean(hdr.get('tempat_penetapan'))}", left_cm=9.0,
                  tabs=[12.0])
        self.para(f"Pada tanggal\t: {tanggal_words(hdr.get('tanggal_penetapan'))}",
                  left_cm=9.0, tabs=[12.0])
        self.para()
        jab = clean(pen.get("jabatan")) or x["pejabat"]
        self.para(f"{jab.upper()},", bold=True, left_cm=9.0)
        for _ in range(3):
            self.para()
        if clean(pen.get("nama")):
            self.para(clean(pen["nama"]), bold=True, left_cm=9.0)
        if pen.get("pangkat"):
            self.para(clean(pen["pangkat"]), left_cm=9.0)
        if pen.get("nip"):
            self.para(f"NIP. {nip_grouped(pen['nip'])}", left_cm=9.0)
        tembusan = [clean(t) for t in d.get("tembusan") or []]
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
            self.para(f"1.\tJabatan\t:\t{clean(jb.get('jabatan'))}", tabs=[0.7, 3.5, 4.0])
            for no, lab, key in ((2, "Tugas", "tugas"), (3, "Fungsi", "fungsi")):
                items = [clean(t) for t in jb.get(key) or []]
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
        for a, b in row_groups(rows, "sasaran"):
            if b > a:
                tbl.cell(n0 + a, 0).merge(tbl.cell(n0 + b, 0))
                merged.update((r, 0) for r in range(a + 1, b + 1))
            for a2, b2 in row_groups(rows, "indikator", a, b + 1):
                if b2 > a2:
                    tbl.cell(n0 + a2, 1).merge(tbl.cell(n0 + b2, 1))
                    merged.update((r, 1) for r in range(a2 + 1, b2 + 1))
        for r, row in enumerate(rows):
            for c, key in enumerate(KEYS):
                if (r, c) in merged:
                    continue
                cell = tbl.cell(n0 + r, c)
                text = clean(row.get(key))
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
