"""Words and lines of a PDF page: baseline grouping, line text, page numbers,
paragraph breaks, and filling a table cell with its words (stacked fractions).

What the page reader (:mod:`.pdf`), the OCR reader and both table finders
(:mod:`.pdf_tables` for ruled grids, :mod:`.pdf_open_tables` for tables without
full borders) share.  ``Word`` is a pdfplumber word dict (``text``, ``x0``,
``x1``, ``top``, ``bottom``, ``size``, ``fontname``).
"""

from __future__ import annotations

import re
import statistics
from typing import Any, Iterable

from ..model import BBox, Cell, TextLine
from .spacing import join_letter_spacing

Word = dict[str, Any]

BASELINE_TOLERANCE = 0.4  # × font size
EDGE_CLUSTER = 2.0  # pt: cell edges closer than this are one grid boundary
RULE_MARGIN = 2.0  # pt: a fraction rule must be this far inside its cell


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


