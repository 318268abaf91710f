"""Tables without full borders, part 1: the header line that opens one.

See :func:`.pdf_open_tables.extract_open_tables`.  Here: the geometry of
lines (top, bottom, size, boldness), the header vocabulary, the page's word
space, and finding a header band whose word groups name at least two columns,
with the column boundaries those groups give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .pdf_words import Word, _size, group_lines, line_text

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
