"""Ruled tables of a scanned page → IR :class:`~iki_extract.model.Table` grids.

The image counterpart of :mod:`.pdf_tables`:

* ruling lines come from morphology on the binarised page: an opening with a
  long thin horizontal (vertical) kernel keeps only horizontal (vertical)
  strokes; each connected stroke is a line segment;
* a horizontal segment is a *table rule* when both its ends meet a vertical
  segment; a segment inside a table that touches no vertical rule is a
  fraction bar candidate;
* the grid is the distinct x of the vertical rules and y of the table rules
  (clustered within a few pixels); a grid boundary with no rule segment along
  it (a SASARAN cell over four rows has no horizontal rule inside it) joins the
  two grid cells into one spanning :class:`Cell`;
* Tesseract's words are assigned to cells by their centre and filled in with
  :func:`.pdf_tables.fill_cell` (lines by baseline, stacked fractions as
  ``fraction_bars`` with ``x 100%`` last).

All geometry here is in image pixels; :func:`words_to_points` and
:func:`scale_table` convert to the page units (pt) the IR uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..model import Cell, Table
from .ink import components
from .pdf_tables import fill_cell

Word = dict[str, Any]
Segment = tuple[float, float, float]  # along-start, along-end, position across

MIN_COLS = 2  # one-column grids are frames, not tables
COVERAGE = 0.5  # share of a grid edge a rule must cover to count as present


@dataclass
class Grid:
    """One table found on the image (pixel units)."""

    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    cells: list[Cell]
    bars: list[Segment] = field(default_factory=list)  # (x0, x1, y) non-table rules

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


# --------------------------------------------------------------------------
# Ruling lines
# --------------------------------------------------------------------------


def _segments(mask: np.ndarray, horizontal: bool) -> list[Segment]:
    n, _, stats = components(mask, labels=False)
    out: list[Segment] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if horizontal:
            out.append((float(x), float(x + w - 1), y + (h - 1) / 2.0))
        else:
            out.append((float(y), float(y + h - 1), x + (w - 1) / 2.0))
    return out


def rule_masks(binary: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the horizontal and vertical strokes (ink = 255)."""
    import cv2

    h, w = binary.shape
    kh = int(max(30, min(w // 30, dpi / 5)))
    kv = int(max(30, min(h // 40, dpi / 4)))
    gap = max(3, int(dpi / 40))
    hor = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, kh), np.uint8))
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    ver = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((kv, 1), np.uint8))
    ver = cv2.morphologyEx(ver, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    return drop_text_strokes(hor, binary, ver, dpi), ver


TOUCH_EM = 1 / 50  # inch: the run of ink a letter stroke makes beside a baseline run
TEXT_TOUCH = 0.3  # share of a stroke's columns with such a run above or below it: text


def drop_text_strokes(
    hor: np.ndarray, binary: np.ndarray, ver: np.ndarray, dpi: float = 300.0
) -> np.ndarray:
    """``hor`` without the strokes that are the bottoms (or tops) of bold text.

    On a dark photocopy the letters of a line run together along the baseline, and
    the opening keeps that run as if it were a rule: it would be erased (taking the
    bowls of "b", "p", "g" with it) and cut its cell as a fraction bar.  A rule or a
    fraction bar stands clear of the text around it (its blurred edge is a pixel or
    two); a baseline run carries the letters it belongs to: in many of its columns
    the ink goes on, unbroken, for :data:`TOUCH_EM` inch above it (or below, the
    descenders).  A stroke with such columns on at least :data:`TEXT_TOUCH` of its
    length is dropped (columns of a vertical rule crossing it do not count).  On
    the corpus scans rules score 0.00-0.02 and baseline runs 0.58 and more.
    """
    n, labels, stats = components(hor)
    if n <= 1:
        return hor
    h_img = hor.shape[0]
    depth = max(3, round(dpi * TOUCH_EM))
    drop: list[int] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        cols = ~(ver[y : y + h, x : x + w] > 0).any(axis=0)
        m = int(cols.sum())
        if m == 0:
            continue
        share = 0.0
        for a, b in ((y - depth, y), (y + h, y + h + depth)):
            if a < 0 or b > h_img:
                continue
            run = (binary[a:b, x : x + w] > 0).all(axis=0)
            share = max(share, float((run & cols).sum()) / m)
        if share >= TEXT_TOUCH:
            drop.append(i)
    if not drop:
        return hor
    out = hor.copy()
    out[np.isin(labels, drop)] = 0
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    """Cluster sorted values within ``tol``; each cluster's mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _coverage(segs: list[Segment], pos: float, a: float, b: float, tol: float) -> float:
    """Share of [a, b] covered by segments lying within ``tol`` of ``pos``."""
    if b <= a:
        return 0.0
    spans = sorted((max(s0, a), min(s1, b)) for s0, s1, p in segs if abs(p - pos) <= tol)
    covered = 0.0
    end = a
    for s0, s1 in spans:
        if s1 <= end:
            continue
        covered += s1 - max(s0, end)
        end = s1
    return covered / (b - a)


def _touches(x: float, y: float, vsegs: list[Segment], tol: float) -> bool:
    return any(abs(vx - x) <= tol and v0 - tol <= y <= v1 + tol for v0, v1, vx in vsegs)


FAINT_MARGIN = 6  # px kept clear of the vertical rules when a cell column is profiled
FAINT_DARKER = 45  # grey levels below the column's background that count as dark
FAINT_SHARE = 0.9  # share of a column's width a faint rule darkens (a text line never does)
FAINT_MAX_PX = 4  # px (at least; dpi/50): a rule is this thin, a shaded header row is a band
FAINT_COLUMNS = 0.6  # share of the grid's columns a row rule crosses (a fraction bar crosses one)


def _thin_runs(share: np.ndarray, top: int, max_px: int) -> list[float]:
    """Centres of the thin runs of rows whose dark share reaches FAINT_SHARE.

    The run is widened over its blurred edges (rows half dark), must stay at most
    ``max_px`` tall, and the rows beyond it must be light.
    """
    out: list[float] = []
    hit = share >= FAINT_SHARE
    i, n = 0, len(hit)
    while i < n:
        if not hit[i]:
            i += 1
            continue
        j = i
        while j < n and hit[j]:
            j += 1
        a, b = i, j
        while a > 0 and share[a - 1] >= 0.5:
            a -= 1
        while b < n and share[b] >= 0.5:
            b += 1
        above, below = share[max(0, a - 3) : a], share[b : b + 3]
        if b - a <= max_px and (above < 0.5).all() and (below < 0.5).all():
            out.append(top + (i + j - 1) / 2.0)
        i = j
    return out


def faint_rules(
    grey: np.ndarray, xs: list[float], y0: float, y1: float, tol: float, dpi: float
) -> list[Segment]:
    """Thin row rules that binarisation lost, found on the grey image of one grid.

    A photocopied 0.5 pt rule is often lighter than the binarisation threshold, so
    the morphology sees only the table's heavier frame.  Along each cell column
    (its interior, clear of the vertical rules) a thin run of pixel rows that is
    dark across nearly the whole width is a rule candidate: text never darkens a
    full row, a shaded header is a band, not a thin run.  A candidate is a row rule
    only when it crosses most of the grid's columns at the same height (a stacked
    fraction's bar crosses one cell).  Returns one segment per column it crosses,
    so a merged cell, which has no rule inside it, keeps none.
    """
    h, w = grey.shape
    top, bottom = max(0, int(y0 + tol)), min(h, int(y1 - tol))
    if bottom <= top:
        return []
    max_px = max(FAINT_MAX_PX, round(dpi / 50))
    found: list[tuple[float, int]] = []  # (y, column)
    cols = list(zip(xs[:-1], xs[1:]))
    for c, (a, b) in enumerate(cols):
        c0, c1 = max(0, int(a) + FAINT_MARGIN), min(w, int(b) - FAINT_MARGIN)
        if c1 - c0 < 10:
            continue
        sub = grey[top:bottom, c0:c1].astype(np.float32)
        bg = float(np.percentile(sub, 90))
        share = (sub < bg - FAINT_DARKER).mean(axis=1)
        found += [(y, c) for y in _thin_runs(share, top, max_px)]
    out: list[Segment] = []
    need = max(2, FAINT_COLUMNS * len(cols))
    for y in _cluster([y for y, _ in found], tol):
        crossed = sorted({c for fy, c in found if abs(fy - y) <= tol})
        if len(crossed) >= need:
            out += [(float(cols[c][0]), float(cols[c][1]), y) for c in crossed]
    return out


def find_grids(
    binary: np.ndarray,
    dpi: float,
    grey: np.ndarray | None = None,
    masks: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Grid]:
    """The ruled tables of a binarised page (ink = 255), top to bottom.

    With ``grey`` (the page before binarisation), row rules too faint for the
    binarised page are looked for inside each grid (:func:`faint_rules`).
    ``masks``: the page's :func:`rule_masks`, when already made.
    """
    import cv2

    hor, ver = masks if masks is not None else rule_masks(binary, dpi)
    h_img, w_img = binary.shape
    tol = max(4.0, dpi / 40)  # px: clustering and joint tolerance
    combined = cv2.dilate(cv2.bitwise_or(hor, ver), np.ones((5, 5), np.uint8))
    n, _, stats = components(combined, labels=False)
    hsegs_all = _segments(hor, horizontal=True)
    vsegs_all = [s for s in _segments(ver, horizontal=False) if s[1] - s[0] >= dpi / 4]
    grids: list[Grid] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < w_img / 10 or h < dpi / 8:
            continue
        box = (x - tol, y - tol, x + w + tol, y + h + tol)
        vsegs = [
            s for s in vsegs_all if box[0] <= s[2] <= box[2] and s[0] >= box[1] and s[1] <= box[3]
        ]
        hsegs = [
            s for s in hsegs_all if box[1] <= s[2] <= box[3] and s[0] >= box[0] and s[1] <= box[2]
        ]
        grid = _build_grid(hsegs, vsegs, tol)
        if grid is not None and grey is not None:
            extra = [
                f for f in faint_rules(grey, grid.xs, grid.ys[0], grid.ys[-1], tol, dpi)
                if all(abs(f[2] - y) > tol for y in grid.ys)
            ]
            if extra:
                grid = _build_grid(hsegs + extra, vsegs, tol) or grid
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    return grids


def _build_grid(hsegs: list[Segment], vsegs: list[Segment], tol: float) -> Grid | None:
    if len(vsegs) < MIN_COLS + 1:
        return None
    joint = tol * 1.5
    table_h: list[Segment] = []
    bars: list[Segment] = []
    for s in hsegs:
        if _touches(s[0], s[2], vsegs, joint) and _touches(s[1], s[2], vsegs, joint):
            table_h.append(s)
        else:
            bars.append(s)
    xs = _cluster([s[2] for s in vsegs], tol)
    ys = _cluster([s[2] for s in table_h], tol)
    if len(xs) < MIN_COLS + 1 or len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    def h_rule(k: int, c: int) -> bool:  # horizontal boundary ys[k] across column c
        return _coverage(table_h, ys[k], xs[c], xs[c + 1], tol) >= COVERAGE

    def v_rule(k: int, r: int) -> bool:  # vertical boundary xs[k] down row r
        return _coverage(vsegs, xs[k], ys[r], ys[r + 1], tol) >= COVERAGE

    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            cs = 1
            while c + cs < n_cols and (r, c + cs) not in taken and not v_rule(c + cs, r):
                cs += 1
            rs = 1
            while (
                r + rs < n_rows
                and not any(h_rule(r + rs, cc) for cc in range(c, c + cs))
                and not any((r + rs, cc) in taken for cc in range(c, c + cs))
            ):
                rs += 1
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            cells.append(
                Cell(
                    row=r,
                    col=c,
                    row_span=rs,
                    col_span=cs,
                    bbox=(xs[c], ys[r], xs[c + cs], ys[r + rs]),
                )
            )
    # rows/columns no cell starts in are grid noise (a rule drawn twice)
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    inside = [b for b in bars if bbox[0] <= b[0] and b[1] <= bbox[2] and bbox[1] < b[2] < bbox[3]]
    return Grid(bbox=bbox, xs=xs, ys=ys, cells=cells, bars=inside)


def erase_rules(
    grey: np.ndarray,
    binary: np.ndarray,
    dpi: float,
    masks: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """A copy of ``grey`` with the long ruling lines painted white (cleaner OCR)."""
    import cv2

    hor, ver = masks if masks is not None else rule_masks(binary, dpi)
    mask = cv2.dilate(cv2.bitwise_or(hor, ver), np.ones((3, 3), np.uint8))
    out = grey.copy()
    out[mask > 0] = 255
    return out


# --------------------------------------------------------------------------
# Filling
# --------------------------------------------------------------------------


def _centre(w: Word) -> tuple[float, float]:
    return (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2


def _in(pt: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= pt[0] <= box[2] and box[1] <= pt[1] <= box[3]


def snap_lines(words: list[Word], tol: float = 0.3) -> list[list[Word]]:
    """Group OCR words into lines by their vertical centre; align each line's bottoms.

    A word box is its ink: a dash sits at mid x-height, "yang" reaches below the
    baseline, so box bottoms scatter by half an em along one line while box
    centres stay within a tenth.  Words join the line whose mean centre is
    within ``tol × size``; every word of a line then gets the line's lowest
    bottom, so baseline grouping (:func:`.pdf_tables.group_lines`) keeps them
    together.  Returns the lines top to bottom, each left to right.
    """
    lines: list[list[Word]] = []
    centres: list[float] = []
    for w in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        cy = (w["top"] + w["bottom"]) / 2
        lim = tol * w.get("size", w["bottom"] - w["top"])
        best = None
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            d = abs(centres[i] - cy)
            if d <= lim and (best is None or d < abs(centres[best] - cy)):
                best = i
        if best is None:
            lines.append([w])
            centres.append(cy)
        else:
            lines[best].append(w)
            n = len(lines[best])
            centres[best] += (cy - centres[best]) / n
    for ln in lines:
        bottom = max(w["bottom"] for w in ln)
        for w in ln:
            w["bottom"] = bottom
        ln.sort(key=lambda w: w["x0"])
    return lines


def mean_conf(words: list[Word]) -> float:
    return sum(w["conf"] for w in words) / len(words) if words else 0.0


ReOCR = Callable[[tuple[float, float, float, float]], list[Word]]


def assign_words(
    grids: list[Grid], words: list[Word]
) -> tuple[dict[int, dict[int, list[Word]]], list[Word]]:
    """Words per grid per cell (by index) and the words outside every grid."""
    per: dict[int, dict[int, list[Word]]] = {gi: {} for gi in range(len(grids))}
    free: list[Word] = []
    for w in words:
        pt = _centre(w)
        for gi, g in enumerate(grids):
            if not _in(pt, g.bbox):
                continue
            ci = next((k for k, c in enumerate(g.cells) if c.bbox and _in(pt, c.bbox)), None)
            if ci is not None:
                per[gi].setdefault(ci, []).append(w)
                break
        else:
            free.append(w)
    return per, free


def fill_grid(
    grid: Grid,
    cell_words: dict[int, list[Word]],
    page_no: int,
    *,
    reocr: ReOCR | None = None,
    reocr_below: float = 0.6,
    confidence: Callable[[list[Word]], float | None] | None = None,
) -> Table:
    """The grid as an IR :class:`Table` (pixel units) with its cells' text.

    ``reocr`` (optional) re-reads a cell crop; it is called for cells whose
    words' mean confidence is below ``reocr_below`` and its words are kept
    when their mean confidence is higher.
    """
    for k, cell in enumerate(grid.cells):
        ws = cell_words.get(k, [])
        if reocr is not None and ws and mean_conf(ws) < reocr_below and cell.bbox:
            alt = reocr(cell.bbox)
            if alt and mean_conf(alt) > mean_conf(ws):
                ws = alt
        cell.page = page_no
        snap_lines(ws)
        fill_cell(cell, ws, grid.bars)
        cell.lines = [fix_ocr_line(t) for t in cell.lines]
        if confidence is not None:
            cell.confidence = confidence(ws) if ws else None
        else:
            cell.confidence = round(min(w["conf"] for w in ws), 3) if ws else None
    cells = sorted(grid.cells, key=lambda c: (c.row, c.col))
    return Table(cells=cells, n_rows=grid.n_rows, n_cols=grid.n_cols, page=page_no, bbox=grid.bbox)


# "%" read as "Yo", "o/o", ... after a number ("100 Yo dari peserta")
_PCT_SLIP = re.compile(r"(?<=\d)\s*(?:Yo|yo|Vo|vo|%o|o/o|0/0|°/o|9o)(?![\w/])")


def fix_ocr_line(s: str) -> str:
    """Line-level OCR slips: a percent sign read as letters after a number."""
    return _PCT_SLIP.sub(" %", s)


def scale_table(table: Table, k: float) -> Table:
    """Multiply every bbox of ``table`` by ``k`` (pixels → points)."""

    def sc(b):  # noqa: ANN001, ANN202
        return None if b is None else tuple(round(float(v) * k, 2) for v in b)

    table.bbox = sc(table.bbox)
    for c in table.cells:
        c.bbox = sc(c.bbox)
    return table
