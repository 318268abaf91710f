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

Also home of :func:`group_lines`, the baseline grouping the page reader uses
for running text.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from ..model import BBox, Cell, Table, TextLine
from .spacing import join_letter_spacing

Word = dict[str, Any]

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
BASELINE_TOLERANCE = 0.4  # × font size
EDGE_CLUSTER = 2.0  # pt: cell edges closer than this are one grid boundary
RULE_MARGIN = 2.0  # pt: a fraction rule must be this far inside its cell
MIN_COLS = 2  # one-column grids are frames (page borders, boxed notes), not tables


_CID = re.compile(r"\(cid:\d+\)")


MARGIN_BAND = 0.08  # share of the page height where page numbers are looked for
_PAGE_NUMBER = re.compile(
    r"^(?:"
    r"[-–—]?\s*\d{1,4}\s*[-–—]?"
    r"|(?:halaman|hal\.?|page)\s*:?\s*\d{1,4}(?:\s*(?:dari|of|/)\s*\d{1,4})?"
    r"|\d{1,4}\s*(?:dari|/)\s*\d{1,4}"
    r")$",
    re.I,
)


def is_page_number(line: TextLine, height: float) -> bool:
    """A page number ("- 3 -", "Halaman 3 dari 9") in the top or bottom band of a page."""
    if line.bbox is None or not _PAGE_NUMBER.match(line.text.strip()):
        return False
    top, bottom = line.bbox[1], line.bbox[3]
    return bottom <= height * MARGIN_BAND or top >= height * (1 - MARGIN_BAND)


BLANK_GAP = 1.2  # × line height: a larger gap between two lines is a paragraph break


def insert_blanks(blocks: list, page_no: int) -> list:
    """Blank separators (``TextLine(kind="blank")``) where a vertical gap is a paragraph break.

    The gap is compared with the line height and with the page's usual leading (lower
    quartile of the gaps, so paragraph gaps do not count): a page set with wide leading
    needs a wider gap for a break.
    """
    heights = [b.bbox[3] - b.bbox[1] for b in blocks if isinstance(b, TextLine) and b.bbox]
    gaps = [
        b.bbox[1] - a.bbox[3]
        for a, b in zip(blocks, blocks[1:])
        if isinstance(a, TextLine) and isinstance(b, TextLine) and a.bbox and b.bbox
    ]
    typical_gap = sorted(gaps)[len(gaps) // 4] if len(gaps) >= 3 else 0.0
    default_h = statistics.median(heights) if heights else 10.0
    out: list = []
    prev = None
    for b in blocks:
        if prev is not None and prev.bbox and b.bbox:
            h = prev.bbox[3] - prev.bbox[1] if isinstance(prev, TextLine) else default_h
            if isinstance(b, TextLine):
                bh = b.bbox[3] - b.bbox[1]
                h = max(h, bh) if isinstance(prev, TextLine) else bh
            if b.bbox[1] - prev.bbox[3] > max(BLANK_GAP * h, 1.5 * typical_gap):
                out.append(TextLine(text="", page=page_no, kind="blank"))
        out.append(b)
        prev = b
    return out


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
    wide = _letter_spacing_gaps(words)
    prev: Word | None = None
    for i, w in enumerate(words):
        if prev is not None:
            gap = w["x0"] - prev["x1"]
            out.append(("  " if i in wide else " ") if gap > 0.1 * _size(w) else "")
        out.append(fix_text(w["text"]))
        prev = w
    text = "".join(out).strip()
    return join_letter_spacing(text) if wide else text


def _letter_spacing_gaps(words: list[Word]) -> set[int]:
    """Where a letter-spaced line ("K E P U T U S A N   L U R A H") parts two words.

    Between single letters the gaps of a spaced title are alike; a gap well wider
    than their median is a word break.  Returns the indices of the words after
    such gaps (empty when the line is not letter-spaced).
    """
    def letter(w: Word) -> bool:
        return len(w["text"]) == 1 and w["text"].isalpha()

    pairs = [i for i in range(1, len(words)) if letter(words[i - 1]) and letter(words[i])]
    if len(pairs) < 3:
        return set()
    gaps = {i: words[i]["x0"] - words[i - 1]["x1"] for i in pairs}
    base = statistics.median(gaps.values())
    return {i for i, g in gaps.items() if g > max(1.8 * base, base + 0.25 * _size(words[i]))}


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


# --------------------------------------------------------------------------
# Tables without full borders
# --------------------------------------------------------------------------
#
# Word tables are often drawn with no vertical borders (a rule under the
# header, maybe rules between rows) or with no rules at all.  The lines
# strategy finds no cell there, so the page's remaining words are searched
# for a header line: a band of 1-6 stacked lines whose words, grouped by
# horizontal gaps, name at least two columns (``vocab.header_field``).
# The header's groups give the columns; the lines below are assigned to
# them by x-centre until the table ends (a large vertical gap, a word
# crossing a column boundary, a ruled table, a new header, the page end).
# Rows come from horizontal rules when rules run between the body lines,
# else from extra vertical space (and a first column that starts anew).

HEADER_MAX_LINES = 6  # distinct baselines of a header band (centred cells of 1-3 lines)
HEADER_LINE_GAP = 1.0  # × font size: stacked header lines are at most this far apart
HEADER_GAP_FACTORS = (1.3, 1.8, 2.5, 3.5, 5.0)  # × word space: column-group gap candidates
HEADER_MIN_SCORE = 80.0
DEFAULT_SPACE = 0.28  # × font size: the word space when a page has too few gaps to measure
ROW_GAP_FACTOR = 1.3  # × normal line pitch: a larger pitch starts a new row
NORMAL_PITCH_CAP = 1.4  # × font size: the normal line pitch is at most this
END_GAP = 3.2  # × font size: a larger baseline pitch ends the table
SIZE_CHANGE = 0.2  # a body line whose font size differs more from the header's ends the table
RULE_Y_CLUSTER = 1.0  # pt: rule pieces this close vertically are one rule
RULE_JOIN = 1.5  # pt: collinear rule pieces this close horizontally are one rule
SPAN_FIELDS = ("no", "sasaran")  # columns a merged cell fills down when no rules tell

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_TOKEN = re.compile(r"[a-z]+")

Line = list[Word]
Rule = tuple[float, float, float]


def _top(ln: Line) -> float:
    return min(w["top"] for w in ln)


def _bottom(ln: Line) -> float:
    return max(w["bottom"] for w in ln)


def _line_size(ln: Line) -> float:
    sizes = sorted(_size(w) for w in ln)
    return sizes[len(sizes) // 2]


def _bold(ln: Line) -> bool:
    total = sum(len(w["text"]) for w in ln)
    bold = sum(len(w["text"]) for w in ln if _BOLD_FONT.search(w.get("fontname") or ""))
    return total > 0 and bold * 2 >= total


def _header_vocab() -> frozenset[str]:
    from .. import rules as _rules

    out: set[str] = set()
    for words in (_rules.table_headers().get("fields") or {}).values():
        for wording in words:
            out.update(_TOKEN.findall(str(wording).lower()))
    return frozenset(out)


def _is_header_word(w: Word, vocab: frozenset[str]) -> bool:
    toks = _TOKEN.findall(w["text"].lower())
    return bool(toks) and all(t in vocab for t in toks)


@lru_cache(maxsize=4096)
def _field(text: str) -> tuple[str | None, float]:
    from ..vocab import header_field

    return header_field(text)


def _space_ratio(lines: list[Line]) -> float:
    """The page's word space as a share of the font size (median inner-line gap)."""
    gaps = []
    for ln in lines:
        for a, b in zip(ln, ln[1:]):
            g = (b["x0"] - a["x1"]) / _size(b)
            if 0.05 < g < 1.0:
                gaps.append(g)
    if len(gaps) < 5:
        return DEFAULT_SPACE
    gaps.sort()
    return gaps[len(gaps) // 2]


@dataclass
class _Group:
    """The words of one header cell."""

    words: list[Word]
    field: str | None
    score: float

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)

    @property
    def lines(self) -> list[str]:
        return [t for t in (line_text(ln) for ln in group_lines(self.words)) if t]


def _partition(words: list[Word], gap: float) -> list[list[Word]]:
    """Words grouped into columns: x extents closer than ``gap`` join (across lines)."""
    groups: list[list[Word]] = []
    right = -1e9
    for w in sorted(words, key=lambda w: w["x0"]):
        if groups and w["x0"] - right <= gap:
            groups[-1].append(w)
            right = max(right, w["x1"])
        else:
            groups.append([w])
            right = w["x1"]
    return groups


def _header_groups(words: list[Word], space: float) -> tuple[tuple, list[_Group]] | None:
    """The best grouping of a header band's words into named column headers.

    Each candidate gap (a few times the word space, never less) gives one
    grouping; a grouping is a header when at least two groups name different
    output columns and at most one group (of three or more named) names
    nothing.  Returns (score, groups) for the best such grouping.
    """
    from ..vocab import FIELDS

    size = sorted(_size(w) for w in words)[len(words) // 2]
    best: tuple[tuple, list[_Group]] | None = None
    seen: set[int] = set()
    for f in HEADER_GAP_FACTORS:
        parts = _partition(words, f * space * size)
        if len(parts) < 2 or len(parts) in seen:
            continue
        seen.add(len(parts))
        groups = []
        for p in parts:
            g = _Group(words=p, field=None, score=0.0)
            fld, score = _field(" ".join(g.lines))
            if fld and score >= HEADER_MIN_SCORE:
                g.field, g.score = fld, score
            groups.append(g)
        named = [g for g in groups if g.field]
        real = {g.field for g in named if g.field in FIELDS}
        unnamed = len(groups) - len(named)
        dups = len([g for g in named if g.field != "ignore"]) - len(
            {g.field for g in named if g.field != "ignore"}
        )
        if len(real) < 2 or unnamed > (1 if len(named) >= 3 else 0):
            continue
        key = (len(named) - unnamed - dups, sum(g.score for g in named))
        if best is None or key > best[0]:
            best = (key, groups)
    return best


def _find_header(
    lines: list[Line], i: int, space: float, vocab: frozenset[str]
) -> tuple[int, list[_Group]] | None:
    """A table header starting at line ``i``: (number of lines, column groups)."""
    first = lines[i]
    if not any(_is_header_word(w, vocab) for w in first):
        return None
    bold = _bold(first)
    band: list[Line] = []
    best: tuple[tuple, int, list[_Group]] | None = None
    for k in range(HEADER_MAX_LINES):
        if i + k >= len(lines):
            break
        ln = lines[i + k]
        if band:
            if _top(ln) - _bottom(band[-1]) > HEADER_LINE_GAP * _line_size(ln):
                break
            if bold and not _bold(ln):
                break
        band.append(ln)
        words = [w for b in band for w in b]
        n_tok = sum(1 for w in words if _is_header_word(w, vocab))
        if n_tok < 2 or n_tok * 2 < len(words):
            continue
        found = _header_groups(words, space)
        # on a tie the taller band wins: a header line that leaves every cell a
        # wording ("INDIKATOR KINERJA" + "INDIVIDU") is part of the header
        if found and (best is None or found[0] >= best[0]):
            best = (found[0], k + 1, found[1])
    if best is None:
        return None
    return best[1], best[2]


def _free_runs(lo: float, hi: float, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    runs = []
    cur = lo
    for s0, s1 in sorted(spans):
        if s0 > cur:
            runs.append((cur, s0))
        cur = max(cur, s1)
    if cur < hi:
        runs.append((cur, hi))
    return runs


def _boundaries(groups: list[_Group], words: list[Word]) -> list[float]:
    """Column boundaries between neighbouring header cells.

    Header text is centred, body text mostly left-aligned, so the midpoint
    between two header cells can cut body words.  The boundary is put in the
    widest vertical strip between the two header cells that no body word
    crosses (or, failing that, the one fewest words cross).
    """
    out = []
    for a, b in zip(groups, groups[1:]):
        lo, hi = a.x1, b.x0
        if hi <= lo:
            out.append((lo + hi) / 2)
            continue
        spans = [
            (max(lo, w["x0"]), min(hi, w["x1"])) for w in words if w["x1"] > lo and w["x0"] < hi
        ]
        runs = _free_runs(lo, hi, spans)
        if runs:
            r = max(runs, key=lambda r: r[1] - r[0])
            out.append((r[0] + r[1]) / 2)
            continue
        # every position is crossed: the one the fewest words cross
        points = sorted({lo, hi, *(s for sp in spans for s in sp)})
        cands = [(p + q) / 2 for p, q in zip(points, points[1:]) if q > p]
        out.append(min(cands, key=lambda x: sum(1 for s0, s1 in spans if s0 < x < s1)))
    return out


def _col(bounds: list[float], x: float) -> int:
    return sum(1 for b in bounds if x > b)


def _crosses(ln: Line, bounds: list[float]) -> bool:
    return any(w["x0"] < b - 1 and w["x1"] > b + 1 for w in ln for b in bounds)


def _rule_runs(rules: list[Rule]) -> list[Rule]:
    """Horizontal rule pieces joined: one (x0, x1, y) per continuous rule."""
    rows: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r[2]):
        if rows and r[2] - rows[-1][-1][2] <= RULE_Y_CLUSTER:
            rows[-1].append(r)
        else:
            rows.append([r])
    out: list[Rule] = []
    for row in rows:
        y = sum(r[2] for r in row) / len(row)
        cur: list[float] | None = None
        for x0, x1, _ in sorted(row):
            if cur is not None and x0 <= cur[1] + RULE_JOIN:
                cur[1] = max(cur[1], x1)
                continue
            if cur is not None:
                out.append((cur[0], cur[1], y))
            cur = [x0, x1]
        if cur is not None:
            out.append((cur[0], cur[1], y))
    return out


def _covers(run: Rule, lo: float, hi: float) -> bool:
    return run[0] <= lo + 1 and run[1] >= hi - 1


@dataclass
class _Open:
    """One borderless table part found on a page."""

    table: Table
    first: int  # index of its first (header) line
    last: int  # index after its last line


def _body_lines(
    lines: list[Line],
    start: int,
    head_bottom: float,
    head_size: float,
    stops: list[float],
    space: float,
    vocab: frozenset[str],
) -> int:
    """Index after the last line that may belong to the table.

    The table ends before a line far below the one above it, a line set in
    another font size than the header's (the heading of the next block), a
    ruled table, or a new header.
    """
    j = start
    prev_base = head_bottom
    while j < len(lines):
        ln = lines[j]
        base = _bottom(ln)
        if base - prev_base > END_GAP * _line_size(ln):
            break
        if abs(_line_size(ln) - head_size) > SIZE_CHANGE * head_size:
            break
        if any(head_bottom < s <= _bottom(ln) for s in stops):
            break
        if _find_header(lines, j, space, vocab):
            break
        prev_base = base
        j += 1
    return j


def _build_open(
    lines: list[Line],
    i: int,
    k: int,
    groups: list[_Group],
    page_no: int,
    rules: list[Rule],
    stops: list[float],
    space: float,
    vocab: frozenset[str],
) -> _Open | None:
    head = lines[i : i + k]
    head_words = [w for ln in head for w in ln]
    head_top = min(_top(ln) for ln in head)
    head_bottom = max(_bottom(ln) for ln in head)
    end = _body_lines(lines, i + k, head_bottom, _line_size(head_words), stops, space, vocab)
    # the body ends at the first line with a word across a column boundary
    bounds: list[float] = []
    for _ in range(3):
        body_words = [w for ln in lines[i + k : end] for w in ln]
        bounds = _boundaries(groups, body_words)
        cut = next((j for j in range(i + k, end) if _crosses(lines[j], bounds)), end)
        if cut == end:
            break
        end = cut
    body = lines[i + k : end]
    if not body:
        return None
    size = sorted(_size(w) for w in head_words)[len(head_words) // 2]
    body_words = [w for ln in body for w in ln]
    all_words = head_words + body_words
    body_top, body_bottom = _top(body[0]), _bottom(body[-1])
    left = min(w["x0"] for w in all_words)
    right = max(w["x1"] for w in all_words)

    # rules in the table's reach: row rules cover a whole column, the rest are fraction bars
    runs = [
        r
        for r in _rule_runs([r for r in rules if r[1] > left - 5 and r[0] < right + 5])
        if head_top - 2 * size <= r[2] <= body_bottom + 1.5 * size
    ]
    ext: dict[int, tuple[float, float]] = {}
    for w in all_words:
        c = _col(bounds, _centre(w)[0])
        lo, hi = ext.get(c, (w["x0"], w["x1"]))
        ext[c] = (min(lo, w["x0"]), max(hi, w["x1"]))
    row_runs = [r for r in runs if any(_covers(r, lo, hi) for lo, hi in ext.values())]
    bars = [r for r in runs if r not in row_runs]
    for r in row_runs:
        left, right = min(left, r[0]), max(right, r[1])
    if any(r[2] < head_top for r in row_runs):
        head_top = min(r[2] for r in row_runs if r[2] < head_top)

    # rows and cells
    inner = _cluster(r[2] for r in row_runs if body_top - 1 < r[2] < body_bottom + 1)
    under = [r[2] for r in row_runs if head_bottom - 1 < r[2] <= body_top + 1]
    below = [r[2] for r in row_runs if r[2] >= body_bottom - 1]
    first_top = max(under) if under else (head_bottom + body_top) / 2
    last_bottom = min(below) if below else body_bottom + 2
    xs = [left, *bounds, right]
    by_col: dict[int, list[Word]] = {}
    for w in body_words:
        by_col.setdefault(_col(bounds, _centre(w)[0]), []).append(w)
    if inner:
        ys = [first_top, *inner, last_bottom]
        placed = _ruled_rows(ys, by_col, xs, row_runs)
    else:
        ys, placed = _gap_rows(by_col, xs, bars, [g.field for g in groups], first_top, last_bottom)
    # empty grid rows (two rules with nothing between) stay: the table stage skips them
    cells: list[Cell] = []
    for c, g in enumerate(groups):
        cells.append(
            Cell(
                row=0,
                col=c,
                lines=g.lines,
                bbox=(xs[c], head_top, xs[c + 1], first_top),
                page=page_no,
            )
        )
    for r0, r1, c, ws in placed:
        cell = Cell(
            row=r0 + 1,
            col=c,
            row_span=r1 - r0,
            bbox=(xs[c], ys[r0], xs[c + 1], ys[r1]),
            page=page_no,
        )
        fill_cell(cell, ws, bars)
        cells.append(cell)
    cells.sort(key=lambda c: (c.row, c.col))
    table = Table(
        cells=cells,
        n_rows=len(ys),
        n_cols=len(groups),
        page=page_no,
        bbox=(left, head_top, right, ys[-1]),
    )
    return _Open(table=table, first=i, last=end)


Placed = tuple[int, int, int, list[Word]]  # first row, row after the last, column, words


def _ruled_rows(
    ys: list[float], by_col: dict[int, list[Word]], xs: list[float], row_runs: list[Rule]
) -> list[Placed]:
    """Cells of a table whose rows are ruled: a column without the rule at a
    row boundary has one merged cell across it (Word draws merged cells so)."""
    n_rows = len(ys) - 1
    out: list[Placed] = []
    for c in range(len(xs) - 1):
        mid = (xs[c] + xs[c + 1]) / 2
        ws = by_col.get(c, [])

        def row_of(w: Word) -> int:
            y = _centre(w)[1]
            return max(0, min(n_rows - 1, sum(1 for b in ys[1:-1] if y > b)))

        r0 = 0
        for r in range(1, n_rows + 1):
            ruled = r == n_rows or any(
                abs(run[2] - ys[r]) <= EDGE_CLUSTER and run[0] - 1 <= mid <= run[1] + 1
                for run in row_runs
            )
            if ruled:
                out.append((r0, r, c, [w for w in ws if r0 <= row_of(w) < r]))
                r0 = r
    return out


def _gap_rows(
    by_col: dict[int, list[Word]],
    xs: list[float],
    bars: list[Rule],
    fields: list[str | None],
    first_top: float,
    last_bottom: float,
) -> tuple[list[float], list[Placed]]:
    """Cells of a table without row rules, from vertical space.

    In each column, a pitch between two lines clearly larger than the normal
    line pitch (and not bridged by a fraction bar) ends a cell.  Every cell
    start in any column starts a row.  NO, SASARAN and INDIKATOR cells are
    kept whole (a merged cell's text may run past the next row's start) and
    NO/SASARAN cells span the rows down to their column's next cell;
    FORMULASI and SUMBER DATA lines go to the row they sit in.
    """
    frags = {c: group_lines(ws) for c, ws in by_col.items()}
    sizes = sorted(_size(w) for ws in by_col.values() for w in ws)
    size = sizes[len(sizes) // 2]
    pitches = sorted(
        _bottom(b) - _bottom(a)
        for fs in frags.values()
        for a, b in zip(fs, fs[1:])
        if _bottom(b) > _bottom(a)
    )
    normal = pitches[len(pitches) // 4] if pitches else 1.2 * size
    normal = min(normal, NORMAL_PITCH_CAP * size)
    chunks: dict[int, list[list[Line]]] = {}
    for c, fs in frags.items():
        col_bars = [r for r in bars if r[1] > xs[c] and r[0] < xs[c + 1]]
        out: list[list[Line]] = []
        for f in fs:
            if out:
                prev = out[-1][-1]
                gap = _bottom(f) - _bottom(prev) > ROW_GAP_FACTOR * normal
                bridged = any(_bottom(prev) - 1 < r[2] < _top(f) + 1 for r in col_bars)
                if not gap or bridged:
                    out[-1].append(f)
                    continue
            out.append([f])
        chunks[c] = out
    starts = _cluster((_top(ch[0]) for chs in chunks.values() for ch in chs), 0.5 * size)
    tol = 0.3 * size

    def row_of(y: float) -> int:
        return max(0, sum(1 for s in starts if s <= y + tol) - 1)

    n_rows = len(starts)
    ys = [first_top]
    for s in starts[1:]:
        above = [_bottom(f) for fs in frags.values() for f in fs if _top(f) < s - tol]
        ys.append(min(s - 0.5, (max(above) + s) / 2) if above else s - 0.5)
    ys.append(last_bottom)
    out_cells: list[Placed] = []
    for c in range(len(xs) - 1):
        fld = fields[c] if c < len(fields) else None
        whole = fld in (*SPAN_FIELDS, "indikator") or c == 0
        chs = chunks.get(c, [])
        taken: dict[int, tuple[int, list[Word]]] = {}  # start row -> (end row, words)
        if whole:
            rows0 = [row_of(_top(ch[0])) for ch in chs]
            for k, ch in enumerate(chs):
                r0 = rows0[k]
                r1 = row_of(_top(ch[-1])) + 1
                if fld in SPAN_FIELDS or c == 0:
                    r1 = rows0[k + 1] if k + 1 < len(chs) else n_rows
                r1 = max(r1, r0 + 1)
                words = [w for f in ch for w in f]
                if r0 in taken:  # two cells in one row: one cell
                    e, ws = taken[r0]
                    taken[r0] = (max(e, r1), ws + words)
                else:
                    taken[r0] = (r1, words)
        else:
            for f in (f for ch in chs for f in ch):
                r = row_of(_top(f))
                e, ws = taken.get(r, (r + 1, []))
                taken[r] = (e, ws + list(f))
        r = 0
        while r < n_rows:
            if r in taken:
                e, ws = taken[r]
                e = min(max(e, r + 1), n_rows)
                # a cell reaching into rows where the column has its own cells stops there
                nxt = next((q for q in sorted(taken) if r < q < e), None)
                if nxt is not None:
                    e = nxt
                out_cells.append((r, e, c, ws))
                r = e
            else:
                out_cells.append((r, r + 1, c, []))
                r += 1
    return ys, out_cells


def extract_open_tables(
    page: Any, words: list[Word], page_no: int, ruled: list[BBox] | None = None
) -> tuple[list[Table], list[Word]]:
    """Tables without vertical rules (or without any rules) among ``words``.

    ``words`` are the page's words outside its ruled tables, ``ruled`` those
    tables' boxes (a borderless table never runs into one).  Returns the
    tables and the words left over as running text.
    """
    vocab = _header_vocab()
    if sum(1 for w in words if _is_header_word(w, vocab)) < 2:
        return [], list(words)
    lines = group_lines(words)
    space = _space_ratio(lines)
    ruled = ruled or []
    stops = [b[1] for b in ruled]
    rules = [
        r
        for r in horizontal_rules(page)
        if not any(
            b[0] - 1 <= r[0] and r[1] <= b[2] + 1 and b[1] - 1 <= r[2] <= b[3] + 1 for b in ruled
        )
    ]
    found: list[_Open] = []
    i = 0
    while i < len(lines):
        head = _find_header(lines, i, space, vocab)
        if head is not None and not any(b[1] - 1 <= _top(lines[i]) <= b[3] + 1 for b in ruled):
            part = _build_open(lines, i, head[0], head[1], page_no, rules, stops, space, vocab)
            if part is not None:
                found.append(part)
                i = part.last
                continue
        i += 1
    if not found:
        return [], list(words)
    used = {j for p in found for j in range(p.first, p.last)}
    free = [w for j, ln in enumerate(lines) if j not in used for w in ln]
    return [p.table for p in found], free
