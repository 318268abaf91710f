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

Also home of :func:`group_lines`, the baseline grouping the page reader uses
for running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from ..model import BBox, Cell, Table

Word = dict[str, Any]

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
BASELINE_TOLERANCE = 0.4  # × font size
EDGE_CLUSTER = 2.0  # pt: cell edges closer than this are one grid boundary
RULE_MARGIN = 2.0  # pt: a fraction rule must be this far inside its cell
MIN_COLS = 2  # one-column grids are frames (page borders, boxed notes), not tables


_CID = re.compile(r"\(cid:\d+\)")


def fix_text(s: str) -> str:
    """Character fixes every PDF string gets.

    Greek capital sigma becomes the n-ary sum; a glyph without a Unicode
    mapping (pdfminer's ``(cid:N)``) standing alone is a list bullet in these
    documents (``•``/``❖`` in a font with a custom encoding); inside a word it is
    dropped.
    """
    s = s.replace("\u03a3", "\u2211")
    if "(cid:" in s:
        s = "•" if _CID.fullmatch(s.strip()) else _CID.sub("", s)
    return s


def _size(w: Word) -> float:
    size = w.get("size") or (w["bottom"] - w["top"])
    return max(float(size), 1.0)


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into lines by baseline, top to bottom, each line left to right.

    Two words share a line when their bottoms differ by at most
    ``0.4 × font size``.
    """
    lines: list[list[Word]] = []
    bases: list[float] = []
    for w in sorted(words, key=lambda w: (w["bottom"], w["x0"])):
        tol = BASELINE_TOLERANCE * _size(w)
        if lines and abs(w["bottom"] - bases[-1]) <= tol:
            lines[-1].append(w)
            continue
        lines.append([w])
        bases.append(w["bottom"])
    for ln in lines:
        ln.sort(key=lambda w: w["x0"])
    return lines


def line_text(words: list[Word]) -> str:
    """The words of one line left to right, single-spaced.

    Pieces that touch (a word pdfplumber split at a font change) are glued.
    """
    out: list[str] = []
    prev: Word | None = None
    for w in words:
        if prev is not None:
            gap = w["x0"] - prev["x1"]
            out.append(" " if gap > 0.1 * _size(w) else "")
        out.append(fix_text(w["text"]))
        prev = w
    return "".join(out).strip()


def line_bbox(words: list[Word]) -> BBox:
    return (
        min(w["x0"] for w in words),
        min(w["top"] for w in words),
        max(w["x1"] for w in words),
        max(w["bottom"] for w in words),
    )


def _centre(w: Word) -> tuple[float, float]:
    return (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2


def _inside(pt: tuple[float, float], box: BBox, pad: float = 1.0) -> bool:
    x, y = pt
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


def _cluster(values: Iterable[float], tol: float = EDGE_CLUSTER) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


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


def _rules_in(
    box: BBox, rules: list[tuple[float, float, float]]
) -> list[tuple[float, float, float]]:
    """Horizontal rules (x0, x1, y) strictly inside ``box`` (not on its border)."""
    x0, top, x1, bottom = box
    found = [
        r
        for r in rules
        if r[0] >= x0 - 1 and r[1] <= x1 + 1 and top + RULE_MARGIN < r[2] < bottom - RULE_MARGIN
    ]
    out: list[tuple[float, float, float]] = []
    for r in sorted(found, key=lambda r: r[2]):
        if out and r[2] - out[-1][2] <= EDGE_CLUSTER:
            continue  # the two edges of one thin filled rectangle
        out.append(r)
    return out


def fill_cell(cell: Cell, words: list[Word], rules: list[tuple[float, float, float]]) -> None:
    """Set ``cell.lines`` (and ``fraction_bars``) from the words inside it."""
    rest = list(words)
    suffix: list[Word] = []
    bars_y: list[float] = []
    for rx0, rx1, ry in _rules_in(cell.bbox, rules) if cell.bbox else []:
        beside = [
            w for w in rest if w["x0"] >= rx1 - 1 and abs(_centre(w)[1] - ry) <= 0.75 * _size(w)
        ]
        body = [w for w in rest if w not in beside]
        above = [w for w in body if _centre(w)[1] < ry]
        below = [w for w in body if _centre(w)[1] > ry]
        if not above or not below:
            continue
        bars_y.append(ry)
        suffix.extend(beside)
        rest = body
    lines = group_lines(rest)
    cell.lines = [t for t in (line_text(ln) for ln in lines) if t]
    bars: list[int] = []
    for ry in bars_y:
        k = sum(1 for ln in lines if line_bbox(ln)[3] <= ry + 1 and line_text(ln))
        if 0 < k < len(cell.lines):
            bars.append(k - 1)
    cell.fraction_bars = sorted(set(bars))
    if cell.fraction_bars and suffix:
        cell.lines.append(" ".join(line_text(ln) for ln in group_lines(suffix)))
    elif suffix:
        # no usable rule after all: the words are ordinary content
        lines = group_lines(rest + suffix)
        cell.lines = [t for t in (line_text(ln) for ln in lines) if t]


def horizontal_rules(page: Any) -> list[tuple[float, float, float]]:
    """All horizontal edges of the page as (x0, x1, y)."""
    out = []
    for e in page.edges:
        if e.get("orientation") == "h" and e["x1"] - e["x0"] >= 3:
            out.append((float(e["x0"]), float(e["x1"]), float(e["top"])))
    return out


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
        return [], list(words)
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
    return tables, free
