"""Write decrees as an OpenDocument text (odfpy): see :mod:`.office`."""

from __future__ import annotations

from pathlib import Path

from .parts import HEADERS, KEYS, decree_parts, row_groups
from .text import clean, nip_grouped, split_subitems, tanggal_words


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
        x = decree_parts(d)
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
                para(f"{head}{mark(i)}\t{clean(it)}")
            para()
        para("MEMUTUSKAN :", center)
        para(f"Menetapkan\t:\tKEPUTUSAN {x['pejabat'].upper()} TENTANG {x['tentang'].upper()}.")
        for dk in d.get("diktum") or []:
            para(f"{clean(dk.get('label')).upper()}\t:\t{clean(dk.get('text'))}")
        para()
        hdr, pen = x["hdr"], x["pen"]
        para(f"Ditetapkan di : {clean(hdr.get('tempat_penetapan'))}")
        para(f"Pada tanggal : {tanggal_words(hdr.get('tanggal_penetapan'))}")
        para()
        para(f"{(clean(pen.get('jabatan')) or x['pejabat']).upper()},")
        para()
        para()
        if clean(pen.get("nama")):
            para(clean(pen["nama"]))
        if pen.get("pangkat"):
            para(clean(pen["pangkat"]))
        if pen.get("nip"):
            para(f"NIP. {nip_grouped(pen['nip'])}")
        tembusan = [clean(t) for t in d.get("tembusan") or []]
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
            para(f"1.\tJabatan\t:\t{clean(jb.get('jabatan'))}")
            for no, lab, key in ((2, "Tugas", "tugas"), (3, "Fungsi", "fungsi")):
                items = [clean(t) for t in jb.get(key) or []]
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
            for a, b in row_groups(rows, "sasaran"):
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
                    for i, part in enumerate(split_subitems(clean(row.get(key)))):
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
