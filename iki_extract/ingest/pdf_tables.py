"""Ruled tables of one PDF page → IR :class:`~iki_extract.model.Table` grids.

The grid comes from pdfplumber's ``lines`` strategy (ruling lines and rectangle
edges).  Every cell pdfplumber found is a rectangle; the distinct x positions
of all cell edges are the column boundaries and the distinct y positions the
row boundaries, so a rectangle covering several grid rows/columns becomes one
:class:`Cell` with ``row_span``/``col_span``.

Words are assigned to cells by their centre and grouped into lines by
baseline.  A short horizontal rule strictly inside a cell with text above and
below is a typeset fraction: ``fraction_bars`` holds the index of the last
numerator line, and words right of the rule at its height (``x 100%``) become
the cell's last line.

Regions without a ruled table may hold a table drawn without vertical rules
(Word tables with only horizontal borders, or none): see
:func:`extract_open_tables`, which builds the same grid IR from a header line
recognised by its wording, the header cells' x extents and the body's rules or
vertical spacing.

Words and lines (baseline grouping, line text, cell filling) live in
:mod:`.pdf_words`, tables without full borders in :mod:`.pdf_open_header` and
:mod:`.pdf_open_tables`; the names the page and OCR readers use are
re-exported here.
"""


from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import BBox, Cell, Table
from .pdf_open_tables import extract_open_tables
from .pdf_words import (
    Word,
    _centre,
    _cluster,
    _index,
    _inside,
    fill_cell,
    fix_text,
    group_lines,
    horizontal_rules,
    insert_blanks,
    is_page_number,
    line_bbox,
    line_text,
)

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
MIN_COLS = 2  # one-column grids are frames (page borders, boxed notes), not tables


@dataclass
class _Grid:
    bbox: BBox
    xs: list[float]
    ys: list[float]
    cells: list[Cell]

    def position(self, x: float, y: float) -> tuple[int, int]:
        col = max(0, min(len(self.xs) - 2, sum(1 for b in self.xs[1:-1] if x > b)))
        row = max(0, min(len(self.ys) - 2, sum(1 for b in self.ys[1:-1] if y > b)))
        return row, col


def _build_grid(cell_boxes: list[BBox], page_no: int) -> _Grid | None:
    if not cell_boxes:
        return None
    xs = _cluster([v for b in cell_boxes for v in (b[0], b[2])])
    ys = _cluster([v for b in cell_boxes for v in (b[1], b[3])])
    if len(xs) < 2 or len(ys) < 2:
        return None
    cells: list[Cell] = []
    seen: set[tuple[int, int]] = set()
    for b in sorted(cell_boxes, key=lambda b: (b[1], b[0])):
        c0, c1 = _index(xs, b[0]), _index(xs, b[2])
        r0, r1 = _index(ys, b[1]), _index(ys, b[3])
        if c1 <= c0 or r1 <= r0 or (r0, c0) in seen:
            continue
        seen.add((r0, c0))
        cells.append(
            Cell(
                row=r0,
                col=c0,
                row_span=r1 - r0,
                col_span=c1 - c0,
                bbox=(xs[c0], ys[r0], xs[c1], ys[r1]),
                page=page_no,
            )
        )
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return _Grid(bbox=bbox, xs=xs, ys=ys, cells=cells)


def _cell_for(grid: _Grid, pt: tuple[float, float]) -> Cell:
    for c in grid.cells:
        if c.bbox and _inside(pt, c.bbox, pad=0.0):
            return c
    # a grid position pdfplumber left without a cell: make a 1x1 one
    r, c = grid.position(*pt)
    for cell in grid.cells:
        if cell.row <= r < cell.row + cell.row_span and cell.col <= c < cell.col + cell.col_span:
            return cell
    cell = Cell(row=r, col=c, bbox=(grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1]))
    grid.cells.append(cell)
    return cell



def extract_tables(page: Any, words: list[Word], page_no: int) -> tuple[list[Table], list[Word]]:
    """The page's ruled tables and the words outside them.

    One-column grids (a page border, a boxed note, a kop frame crossed by a
    rule) are not tables: their words stay running text.
    """
    try:
        found = page.find_tables(table_settings=TABLE_SETTINGS)
    except (ValueError, IndexError, ZeroDivisionError):  # degenerate geometry
        found = []
    grids: list[_Grid] = []
    for t in found:
        g = _build_grid([tuple(c) for c in t.cells], page_no)
        if g is None or len(g.xs) - 1 < MIN_COLS:
            continue  # a framed box or page border, not a table
        grids.append(g)
    if not grids:
        return extract_open_tables(page, list(words), page_no)
    rules = horizontal_rules(page)
    free: list[Word] = []
    per_cell: dict[int, list[Word]] = {}
    cell_of: dict[int, Cell] = {}
    for w in words:
        pt = _centre(w)
        g = next((g for g in grids if _inside(pt, g.bbox)), None)
        if g is None:
            free.append(w)
            continue
        cell = _cell_for(g, pt)
        per_cell.setdefault(id(cell), []).append(w)
        cell_of[id(cell)] = cell
    tables: list[Table] = []
    for g in sorted(grids, key=lambda g: (g.bbox[1], g.bbox[0])):
        for cell in g.cells:
            cell.page = page_no
            fill_cell(cell, per_cell.get(id(cell), []), rules)
        cells = sorted(g.cells, key=lambda c: (c.row, c.col))
        tables.append(
            Table(
                cells=cells,
                n_rows=len(g.ys) - 1,
                n_cols=len(g.xs) - 1,
                page=page_no,
                bbox=g.bbox,
            )
        )
    # regions the lines strategy left without a table may hold borderless ones
    more, free = extract_open_tables(page, free, page_no, [g.bbox for g in grids])
    if more:
        tables = sorted(
            [*tables, *more], key=lambda t: (t.bbox[1], t.bbox[0]) if t.bbox else (0, 0)
        )
    return tables, free


__all__ = [
    "Word",
    "extract_open_tables",
    "extract_tables",
    "fill_cell",
    "fix_text",
    "group_lines",
    "horizontal_rules",
    "insert_blanks",
    "is_page_number",
    "line_bbox",
    "line_text",
]
