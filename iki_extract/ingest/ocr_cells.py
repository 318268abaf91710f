"""Table cells read as cells: each grid cell OCR'd on its own crop.

A whole-page reading of a ruled table mixes the cells' lines (a SASARAN
spanning four rows is read line by line with its neighbours), keeps the specks
between cells as words, and reads a cell with the page's segmentation mode.
Here every cell of a :class:`~.ocr_tables.Grid` is cropped (inside its rules,
with a white margin), cleared of isolated specks and read as one block of text
(``--psm 6``); a cell whose words read with low confidence is read again at
another scale and mode, and the reading with the higher mean confidence is
kept.  Words come back in page pixels, ready for :func:`.ocr_tables.fill_grid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .image_prep import drop_specks, glyph_count, ink_mask
from .ocr_engine import PageReader
from .ocr_tables import Grid

Word = dict[str, Any]
Clean = Callable[[list[Word]], list[Word]]

BAR_MIN_SHARE = 0.3  # a fraction bar spans at least this share of its cell
MULTIPLIER_CHARS = "xX0123456789%,."  # what stands beside a stacked fraction: "x 100%"
MARGIN = 12  # px of white around a cell crop
INK_MIN = 12  # ink pixels below which a cell is empty
MIN_GLYPHS = 2  # glyph-sized blobs a cell with text has at least
NOISE_MEAN = 0.55  # a reading below this mean confidence with no confident word is noise


@dataclass(frozen=True)
class CellSettings:
    psm: int = 6  # one uniform block of text
    retry_psm: int = 4
    retry_below: float = 0.75  # mean word confidence that triggers a second reading
    retry_scale: float = 1.4


def cell_crop_box(
    bbox: tuple[float, float, float, float], shape: tuple[int, int], dpi: float
) -> tuple[int, int, int, int] | None:
    """The pixel box inside a cell's rules (``None`` when too small to hold text)."""
    inset = max(3, int(dpi / 60))
    h, w = shape
    x0, y0 = max(0, int(bbox[0]) + inset), max(0, int(bbox[1]) + inset)
    x1, y1 = min(w, int(bbox[2]) - inset), min(h, int(bbox[3]) - inset)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return x0, y0, x1, y1


def _framed(crop: np.ndarray, scale: float = 1.0) -> np.ndarray:
    import cv2

    if scale != 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)
    return cv2.copyMakeBorder(crop, MARGIN, MARGIN, MARGIN, MARGIN, cv2.BORDER_CONSTANT, value=255)


def mean_conf(words: list[Word]) -> float:
    """Mean confidence weighted by word length (a stray "." counts little)."""
    if not words:
        return 0.0
    weights = [max(1, len(w["text"])) for w in words]
    return sum(w["conf"] * k for w, k in zip(words, weights)) / sum(weights)


def read_cell(
    grey: np.ndarray,
    box: tuple[int, int, int, int],
    *,
    lang: str,
    oem: int,
    clean: Clean,
    settings: CellSettings = CellSettings(),
    whitelist: str | None = None,
    dpi: float = 300.0,
) -> list[Word]:
    """The words of one cell crop, in page pixels (best of one or two readings)."""
    x0, y0, x1, y1 = box
    crop = grey[y0:y1, x0:x1]
    ink = ink_mask(crop)
    if int(np.count_nonzero(ink)) < INK_MIN or glyph_count(ink, dpi) < MIN_GLYPHS:
        return []  # an empty cell (a SASARAN continued from the last page): grain only
    crop = drop_specks(crop, ink)
    crop, (dx, dy) = trim_to_ink(crop)
    x0, y0 = x0 + dx, y0 + dy

    def read(scale: float, psm: int) -> list[Word]:
        img = _framed(crop, scale)
        words = PageReader(img, lang=lang, oem=oem).words(psm=psm, whitelist=whitelist)
        out = []
        for w in words:
            out.append(
                {
                    **w,
                    "x0": (w["x0"] - MARGIN) / scale + x0,
                    "x1": (w["x1"] - MARGIN) / scale + x0,
                    "top": (w["top"] - MARGIN) / scale + y0,
                    "bottom": (w["bottom"] - MARGIN) / scale + y0,
                }
            )
        return clean(out)

    best = read(1.0, settings.psm)
    if mean_conf(best) < settings.retry_below:
        alt = read(settings.retry_scale, settings.retry_psm)
        if mean_conf(alt) > mean_conf(best) + 0.02:
            best = alt
    if whitelist is None and is_noise_reading(best):
        return []
    return best


TRIM_PAD = 6  # px of the crop kept around its ink


def trim_to_ink(crop: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """``crop`` cut down to its ink (plus :data:`TRIM_PAD`) and the offset of the cut.

    A cell's text often fills its top lines only (a SASARAN cell spanning four
    rows); the empty rest is paper grain.  Tesseract's row-noise rejection weighs
    a text row against the page's other rows, and on a grainy crop it rejected
    whole lines of text ("serta Organisasi Sosial" of a heavy scan); cut to the
    ink, the crop reads every line, and faster.
    """
    ink = ink_mask(crop) > 0
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return crop, (0, 0)
    h, w = crop.shape
    r0, r1 = max(0, rows[0] - TRIM_PAD), min(h, rows[-1] + 1 + TRIM_PAD)
    c0, c1 = max(0, cols[0] - TRIM_PAD), min(w, cols[-1] + 1 + TRIM_PAD)
    return crop[r0:r1, c0:c1], (int(c0), int(r0))


def is_noise_reading(words: list[Word]) -> bool:
    """A cell reading that is specks read as text: no confident word of three letters."""
    if not words:
        return True
    return mean_conf(words) < NOISE_MEAN and not any(
        w["conf"] >= 0.8 and sum(ch.isalpha() for ch in w["text"]) >= 3 for w in words
    )


def read_grid_cells(
    grey: np.ndarray,
    grid: Grid,
    dpi: float,
    *,
    lang: str,
    oem: int,
    clean: Clean,
    settings: CellSettings = CellSettings(),
) -> dict[int, list[Word]]:
    """Words per cell index of ``grid``, each cell read on its own crop."""
    out: dict[int, list[Word]] = {}
    for k, cell in enumerate(grid.cells):
        if cell.bbox is None:
            continue
        box = cell_crop_box(cell.bbox, grey.shape, dpi)
        if box is None:
            continue
        words: list[Word] = []
        for part, bar_y in split_at_bars(box, grid.bars):
            got = read_cell(
                grey,
                part,
                lang=lang,
                oem=oem,
                clean=clean,
                settings=settings,
                whitelist=MULTIPLIER_CHARS if bar_y is not None else None,
                dpi=dpi,
            )
            if bar_y is not None:
                got = _on_bar(got, bar_y)
            words += got
        if words:
            out[k] = words
    return out


def split_at_bars(
    box: tuple[int, int, int, int], bars: list[tuple[float, float, float]]
) -> list[tuple[tuple[int, int, int, int], float | None]]:
    """A cell box cut along its fraction bars: strips above, between and below the
    bars (as wide as the bars) and the part right of them (``x 100%``).

    Read whole, a stacked fraction with its multiplier beside it mixes the
    numerator, the multiplier and the denominator into one line.
    """
    x0, y0, x1, y1 = box
    min_len = BAR_MIN_SHARE * (x1 - x0)
    inside = [
        b
        for b in bars
        if x0 - 4 <= b[0] and b[1] <= x1 + 4 and y0 + 8 < b[2] < y1 - 8 and b[1] - b[0] >= min_len
    ]
    if not inside:
        return [(box, None)]
    right = int(max(b[1] for b in inside)) + 2
    ys = [y0] + sorted(int(b[2]) for b in inside) + [y1]
    parts: list[tuple[tuple[int, int, int, int], float | None]] = [
        ((x0, a, min(right, x1), b), None) for a, b in zip(ys, ys[1:]) if b - a >= 8
    ]
    if x1 - right >= 8:
        parts.append(((right, y0, x1, y1), float(min(b[2] for b in inside))))
    return parts


def _on_bar(words: list[Word], bar_y: float) -> list[Word]:
    """Centre the words beside a stacked fraction on its bar (the multiplier of the
    whole fraction, wherever the numerator's height put it)."""
    out = []
    for w in words:
        half = (w["bottom"] - w["top"]) / 2
        out.append({**w, "top": bar_y - half, "bottom": bar_y + half})
    return out


def blank_grids(grey: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """A copy of ``grey`` with every grid's area painted white (text outside only)."""
    out = grey.copy()
    h, w = out.shape
    for g in grids:
        x0, y0, x1, y1 = g.bbox
        out[
            max(0, int(y0) - 2) : min(h, int(y1) + 3), max(0, int(x0) - 2) : min(w, int(x1) + 3)
        ] = 255
    return out
