"""Bold text is not a ruling line (ingest/ocr_tables.drop_text_strokes), and a cell
crop is read cut to its ink (ingest/ocr_cells.trim_to_ink)."""

from __future__ import annotations

import numpy as np

from iki_extract.ingest.image_prep import binarise
from iki_extract.ingest.ocr_cells import trim_to_ink
from iki_extract.ingest.ocr_tables import find_grids, rule_masks

DPI = 300


def _grid_with_bold_text() -> np.ndarray:
    """A 3x2 ruled grid; in the top-left cell a "bold photocopy" text line whose
    letters run together along their baseline (a 200 px dark run with stems on it);
    in the top-right cell a stacked fraction's bar standing clear of its text."""
    g = np.full((3300, 1000), 250, np.uint8)  # page height: vertical kernel of a real page
    for y in (100, 300, 500, 650):
        g[y - 2 : y + 3, 100:901] = 10
    for x in (100, 500, 900):
        g[100:651, x - 2 : x + 3] = 10
    # bold text: stems 30 px tall on a 4 px baseline run 200 px long
    g[196:200, 150:350] = 15
    for x in range(150, 350, 14):
        g[166:196, x : x + 8] = 15
    # a fraction: numerator and denominator strokes, the bar 6 px clear of both
    for x in range(560, 760, 14):
        g[150:180, x : x + 8] = 15
        g[196:226, x : x + 8] = 15
    g[186:190, 550:780] = 15
    return g


def test_baseline_run_of_bold_text_is_not_a_rule_but_a_bar_is() -> None:
    g = _grid_with_bold_text()
    hor, _ = rule_masks(binarise(g), DPI)
    assert not hor[196:200, 160:340].any()  # the text's baseline run is gone
    assert hor[186:190, 560:770].any()  # the fraction bar stays
    assert hor[98:103, 200:800].any()  # and so do the rules
    (grid,) = find_grids(binarise(g), DPI)
    assert [round(y) for y in grid.ys] == [100, 300, 500, 650]
    bars = [b for b in grid.bars if 180 < b[2] < 200]
    assert len(bars) == 1 and bars[0][0] >= 540  # the fraction's bar only


def test_trim_to_ink_keeps_the_text_and_reports_the_offset() -> None:
    crop = np.full((400, 300), 250, np.uint8)
    crop[40:70, 30:200] = 20  # one text line at the top of a tall, empty cell
    out, (dx, dy) = trim_to_ink(crop)
    assert (dx, dy) == (24, 34)
    assert out.shape == (30 + 12, 170 + 12)
    assert (out < 128).sum() == (crop < 128).sum()
    blank = np.full((50, 50), 250, np.uint8)
    same, off = trim_to_ink(blank)
    assert same.shape == blank.shape and off == (0, 0)


def _signature_with_stamp(text_grey: int) -> np.ndarray:
    """A name line (dark strokes) under a faint round stamp that crosses it."""
    import cv2

    g = np.full((1200, 1200), 250, np.uint8)
    for x in range(300, 900, 30):  # the name: strokes at ``text_grey``
        g[700:740, x : x + 12] = text_grey
        for y in range(820, 1180, 60):  # and the page's other lines below it
            g[y : y + 40, x : x + 12] = text_grey
    cv2.circle(g, (600, 600), 180, 170, 14)  # the stamp's ring, mid-grey
    cv2.circle(g, (600, 600), 120, 170, 6)
    return g


def test_faint_stamp_is_lifted_and_the_text_under_it_stays() -> None:
    from iki_extract.ingest.image_prep import lift_stamps

    g = _signature_with_stamp(20)
    out = lift_stamps(g, DPI)
    assert (out[g < 100] == g[g < 100]).all()  # every text stroke untouched
    ring = (g == 170) & (np.abs(np.arange(1200)[:, None] - 700) > 30)
    assert (out[ring] == 255).mean() > 0.95  # the stamp, away from the strokes, gone


def test_a_faint_copy_keeps_its_mid_grey_text() -> None:
    from iki_extract.ingest.image_prep import lift_stamps

    g = _signature_with_stamp(160)  # every stroke mid-grey: nothing can be told apart
    assert lift_stamps(g, DPI) is g
