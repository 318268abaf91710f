"""Tables without full borders, part 2: the body under a recognised header.

The header (:mod:`.pdf_open_header`) gives the columns; the lines below are
assigned to them by x-centre until the table ends (a large vertical gap, a word
crossing a column boundary, a ruled table, a new header, the page end).  Rows
come from horizontal rules when rules run between the body lines, else from
extra vertical space (and a first column that starts anew).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import BBox, Cell, Table
from .pdf_open_header import (
    Line,
    Rule,
    _bottom,
    _boundaries,
    _find_header,
    _Group,
    _header_vocab,
    _is_header_word,
    _line_size,
    _space_ratio,
    _top,
)
from .pdf_words import (
    EDGE_CLUSTER,
    Word,
    _centre,
    _cluster,
    _size,
    fill_cell,
    group_lines,
    horizontal_rules,
)

ROW_GAP_FACTOR = 1.3  # × normal line pitch: a larger pitch starts a new row
NORMAL_PITCH_CAP = 1.4  # × font size: the normal line pitch is at most this
END_GAP = 3.2  # × font size: a larger baseline pitch ends the table
SIZE_CHANGE = 0.2  # a body line whose font size differs more from the header's ends the table
RULE_Y_CLUSTER = 1.0  # pt: rule pieces this close vertically are one rule
RULE_JOIN = 1.5  # pt: collinear rule pieces this close horizontally are one rule
SPAN_FIELDS = ("no", "sasaran")  # columns a merged cell fills down when no rules tell

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
