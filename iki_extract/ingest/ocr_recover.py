"""Text the page pass left out: ink that no word covers, read again on its own.

Tesseract's page layout sometimes drops a whole region of plain text: on a dark
photocopy the label column of a jabatan block ("1. Jabatan", "2. Tugas",
"3. Fungsi") came back with no words at all while the values beside it were read,
and the block's title was lost with its label.  Here the page's ink outside the
tables is compared with the word boxes the page pass returned: glyph-sized blobs
that no word box covers are joined into line-shaped regions, and each region of a
few glyphs or more is read alone (``--psm 7``, one line, or ``--psm 6`` for a region
several lines tall: ``ocr.RECOVER_LINE_IN``).  A reading is kept only
when it holds a confidently read word (:func:`.ocr_cells.is_noise_reading`), so
specks, a stamp's ring or a signature scribble add nothing.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .image_prep import ink_mask
from .ink import components
from .ocr_cells import is_noise_reading

Word = dict[str, Any]
Reader = Callable[[tuple[int, int, int, int]], list[Word]]

COVER_PAD = 0.02  # inch around a word box that counts as covered
GLYPH_MIN, GLYPH_MAX = 1 / 36, 1 / 4  # inch: the height of a printed glyph
JOIN_X, JOIN_Y = 0.08, 0.02  # inch: glyphs this close join into one line region
MIN_GLYPHS = 3  # a region with fewer glyphs is a speck, a dot leader, a stray mark
REGION_PAD = 0.03  # inch of the page kept around a region when it is read
MAX_REGIONS = 12  # a page with more uncovered regions is not a page of text the pass missed
SEARCH_DPI = 150  # resolution the uncovered glyphs are looked for at


def uncovered_regions(
    grey: np.ndarray, words: list[Word], dpi: float
) -> list[tuple[int, int, int, int]]:
    """Line-shaped boxes (x0, y0, x1, y1 px) of glyphs that no word of ``words`` covers.

    The search runs on a copy reduced to about :data:`SEARCH_DPI` (a glyph keeps a
    few pixels there); the boxes come back in ``grey``'s pixels.
    """
    import cv2

    k = min(1.0, SEARCH_DPI / dpi)
    full_h, full_w = grey.shape
    if k < 1.0:
        grey = cv2.resize(grey, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        words = [
            {**wd, "x0": wd["x0"] * k, "x1": wd["x1"] * k, "top": wd["top"] * k, "bottom": wd["bottom"] * k}
            for wd in words
        ]
        dpi = dpi * k
    ink = ink_mask(grey) > 0
    h, w = ink.shape
    pad = max(2, round(COVER_PAD * dpi))
    covered = np.zeros_like(ink)
    for wd in words:
        x0, y0 = max(0, int(wd["x0"]) - pad), max(0, int(wd["top"]) - pad)
        x1, y1 = min(w, int(wd["x1"]) + pad + 1), min(h, int(wd["bottom"]) + pad + 1)
        covered[y0:y1, x0:x1] = True
    # an underline joins the letters above it into one wide blob: leave strokes out
    u8 = ink.astype(np.uint8)
    strokes = cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((1, max(10, round(dpi / 5))), np.uint8)) > 0
    rest = (ink & ~covered & ~strokes).astype(np.uint8)
    n, labels, stats = components(rest)
    if n <= 1:
        return []
    hs, ws = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    glyph = np.zeros(n, bool)
    glyph[1:] = (hs >= GLYPH_MIN * dpi) & (hs <= GLYPH_MAX * dpi) & (ws <= 2 * GLYPH_MAX * dpi)
    if not glyph.any():
        return []
    glyphs = glyph[labels].astype(np.uint8)
    kx, ky = max(3, round(JOIN_X * dpi)), max(1, round(JOIN_Y * dpi))
    joined = cv2.dilate(glyphs, np.ones((2 * ky + 1, 2 * kx + 1), np.uint8))
    m, jl, jstats = components(joined)
    # glyphs per region: the distinct (glyph, region) pairs over the glyphs' pixels
    on = glyphs > 0
    pairs = np.unique(np.stack([labels[on], jl[on]]), axis=1)
    per_region = np.bincount(pairs[1], minlength=m)
    rp = max(2, round(REGION_PAD * dpi))
    out = []
    for r in range(1, m):
        if per_region[r] < MIN_GLYPHS:
            continue
        x, y, bw, bh = (int(v) for v in jstats[r, :4])
        x0, y0 = max(0, x + kx - rp), max(0, y + ky - rp)
        x1, y1 = min(w, x + bw - kx + rp), min(h, y + bh - ky + rp)
        out.append((
            max(0, int(x0 / k)), max(0, int(y0 / k)), min(full_w, int(x1 / k) + 1), min(full_h, int(y1 / k) + 1)
        ))
    if len(out) > MAX_REGIONS:
        return []
    return sorted(out, key=lambda b: (b[1], b[0]))


def recover_words(
    grey: np.ndarray, words: list[Word], dpi: float, read: Reader
) -> list[Word]:
    """Words read from the regions :func:`uncovered_regions` finds (page pixels)."""
    out: list[Word] = []
    for box in uncovered_regions(grey, words, dpi):
        got = read(box)
        if got and not is_noise_reading(got):
            out += got
    return out
