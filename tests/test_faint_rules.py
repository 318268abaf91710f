"""Faint row rules of a scanned table (ingest/ocr_tables.faint_rules)."""

from __future__ import annotations

import numpy as np

from iki_extract.ingest.image_prep import binarise
from iki_extract.ingest.ocr_tables import faint_rules, find_grids

DPI = 300


def _page() -> tuple[np.ndarray, list[float]]:
    """A grid: heavy frame and column rules, light thin row rules at y=400 and 600,
    a shaded header band (y 210-290), a stacked fraction's bar in one cell (y=500),
    and a text-like line of dashes (y=700)."""
    g = np.full((900, 1200), 245, np.uint8)
    xs = [100, 400, 700, 1100]
    g[195:205, 100:1101] = 20  # top rule, heavy
    g[845:855, 100:1101] = 20  # bottom rule, heavy
    for x in xs:
        g[195:855, x - 4 : x + 5] = 20
    g[210:290, 105:1096] = 200  # shaded header row: a band, not a rule
    g[299:302, 105:1096] = 20  # header rule, heavy
    for y in (400, 600):  # photocopied 0.5 pt rules: thin and light
        g[y : y + 2, 105:1096] = 175
    g[500:502, 420:680] = 120  # a fraction bar inside the middle column only
    for x in range(120, 1080, 24):  # text: dark strokes with gaps
        g[690:712, x : x + 12] = 40
    return g, [float(x) for x in xs]


def test_faint_row_rules_found_and_nothing_else() -> None:
    g, xs = _page()
    rules = faint_rules(g, xs, 200.0, 850.0, 7.0, DPI)
    ys = sorted({round(y) for _, _, y in rules})
    assert ys == [300, 400, 600]  # the heavy header rule too; find_grids keeps only new ones
    # each rule is one segment per column it crosses
    assert sorted((a, b) for a, b, y in rules if round(y) == 400) == [(100, 400), (400, 700), (700, 1100)]


def test_grid_gains_the_faint_rows_with_grey() -> None:
    g, _ = _page()
    b = binarise(g)
    (plain,) = find_grids(b, DPI)
    (seen,) = find_grids(b, DPI, grey=g)
    assert seen.n_rows == plain.n_rows + 2
    assert [round(y) for y in seen.ys if 350 < y < 650] == [400, 600]
