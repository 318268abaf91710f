"""Write the decrees' IKI matrix as an Excel workbook (openpyxl): see :mod:`.office`."""

from __future__ import annotations

from pathlib import Path

from .parts import HEADERS, KEYS, row_groups
from .text import clean


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
                    v = clean(row.get(key))
                    if v:
                        ws.cell(r, c, v).alignment = Alignment(wrap_text=True, vertical="top")
                r += 1
            ws.cell(first, 1, no)
            ws.cell(first, 2, clean(jb.get("jabatan")))
            if r - 1 > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=r - 1, end_column=1)
                ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
            for a, b in row_groups(rows, "sasaran"):
                if b > a:
                    for k in range(a + 1, b + 1):
                        ws.cell(first + k, 3).value = None
                    ws.merge_cells(start_row=first + a, start_column=3, end_row=first + b,
                                   end_column=3)
            recap.append((clean(jb.get("jabatan")), len(rows)))
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
