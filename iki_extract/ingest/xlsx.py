"""Reader for Excel workbooks (.xlsx) → the shared IR.

Each visible sheet, in workbook order, becomes one IR page holding one
:class:`Table`: the sheet's used range with fully empty rows and columns dropped,
merged ranges as ``row_span``/``col_span`` (the value sits in the range's top-left
cell), values as Excel displays them: numbers without a spurious ``.0``,
percentages through their ``number_format`` (``0.0%`` → ``"12.5%"``), dates as
``YYYY-MM-DD``, formulas as their cached values (``data_only=True``; a formula never
calculated by Excel has no cached value and is left empty), multi-line cells as
several lines.  A title row merged across the whole width (before the header) is
the sheet's title and comes out as a text line above the table.  Which table is an
IKI matrix (a JABATAN column) is for the table stage to see.

openpyxl's read-only mode does not report merged ranges, so the workbook is loaded
in full mode; the container guard (:mod:`.container`) bounds what that can cost.
Macros (``keep_vba=False``) and external links (``keep_links=False``) are never
loaded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from ..errors import InputError
from ..model import Cell, Document, Page, Table, TextLine
from .container import check_zip, require_member
from .spacing import join_letter_spacing

_DECIMALS = re.compile(r"0\.(0+)")


def display_value(value, number_format: str | None) -> str:
    """A cell value as Excel shows it (the common formats; others as plain text)."""
    if value is None:
        return ""
    fmt = number_format or "General"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        m = _DECIMALS.search(fmt)
        decimals = len(m.group(1)) if m else 0
        if "%" in fmt:
            return f"{value * 100:.{decimals}f}%"
        if m or fmt.startswith(("0", "#")):
            s = f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
            return s
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return f"{value:.10g}" if isinstance(value, float) else str(value)
    return str(value)


def read_xlsx(path: Path, data: bytes) -> Document:
    """Read a .xlsx into a :class:`Document` (``origin="office"``), one page per sheet."""
    zf = check_zip(path, data, "XLSX")
    require_member(path, zf, "xl/workbook.xml", "XLSX")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types on broken packages
        raise InputError(path, f"corrupt XLSX: {type(exc).__name__}: {str(exc)[:100]}") from exc
    pages: list[Page] = []
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            n = len(pages) + 1
            table = sheet_table(ws, n)
            if table is not None:
                blocks = [*title_lines(table, n), table]
                pages.append(Page(number=n, blocks=blocks, origin="office"))
    finally:
        wb.close()
    if not pages:
        raise InputError(path, "empty workbook: no visible sheet holds a value")
    return Document(source_file=Path(path).name, pages=pages, origin="office")


def title_lines(table: Table, page_no: int) -> list[TextLine]:
    """Leading rows that hold one value across the whole width are the sheet's title
    (a banner merged over the table, as Excel users set one): they are moved out of
    the table into text lines, and the table's rows renumbered."""
    titles: list[TextLine] = []
    while table.n_rows > 1:
        first = [c for c in table.cells if c.row == 0]
        if len(first) != 1 or first[0].row_span != 1:
            break
        only = first[0]
        if table.n_cols > 1 and only.col_span < table.n_cols:
            break
        titles.append(TextLine(text=" ".join(only.lines), page=page_no, bold=True))
        table.cells = [c for c in table.cells if c.row > 0]
        for c in table.cells:
            c.row -= 1
        table.n_rows -= 1
    return titles


def sheet_table(ws, page_no: int) -> Table | None:
    """One worksheet's used range as a :class:`Table` (None when it holds nothing)."""
    values: dict[tuple[int, int], list[str]] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            text = display_value(c.value, c.number_format)
            lines = [" ".join(join_letter_spacing(s).split()) for s in text.splitlines()]
            lines = [s for s in lines if s]
            if lines:
                values[(c.row, c.column)] = lines
    if not values:
        return None
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row, rng.min_col, rng.max_row, rng.max_col
        merges[(r0, c0)] = (r1, c1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.add((r, c))
    used_rows = sorted({r for r, _ in values})
    used_cols = sorted({c for _, c in values})
    row_ix = {r: i for i, r in enumerate(used_rows)}
    col_ix = {c: i for i, c in enumerate(used_cols)}
    cells: list[Cell] = []
    seen: set[tuple[int, int]] = set()
    for (r, c), lines in sorted(values.items()):
        if (r, c) in covered:
            continue  # Excel shows only the top-left value of a merged range
        r1, c1 = merges.get((r, c), (r, c))
        rows = [x for x in used_rows if r <= x <= r1]
        cols = [x for x in used_cols if c <= x <= c1]
        i, j = row_ix[r], col_ix[c]
        if (i, j) in seen:
            continue
        seen.add((i, j))
        cells.append(Cell(row=i, col=j, lines=lines, row_span=max(1, len(rows)),
                          col_span=max(1, len(cols)), page=page_no))
    return Table(cells=cells, n_rows=len(used_rows), n_cols=len(used_cols), page=page_no)
