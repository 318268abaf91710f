"""Text the page pass left out is found and read again (ingest/ocr_recover)."""

from __future__ import annotations

import numpy as np

from iki_extract.ingest.ocr_recover import recover_words, uncovered_regions

DPI = 300


def _page() -> np.ndarray:
    """Two text lines of glyph-sized strokes (y 300 and 600), an underlined one
    (y 900), and scattered specks."""
    g = np.full((1400, 1600), 250, np.uint8)
    for y in (300, 600, 900):
        for x in range(200, 800, 36):
            g[y : y + 30, x : x + 20] = 20
    g[934:938, 190:810] = 20  # the underline under the third line
    rng = np.random.default_rng(0)
    for _ in range(40):  # dust: 2 px specks
        y, x = rng.integers(50, 1350), rng.integers(50, 1550)
        g[y : y + 2, x : x + 2] = 30
    return g


def _word(x0: float, y0: float, x1: float, y1: float, text: str = "kata", conf: float = 0.95) -> dict:
    return {"text": text, "x0": x0, "top": y0, "x1": x1, "bottom": y1, "conf": conf}


def test_only_the_lines_no_word_covers_are_regions() -> None:
    g = _page()
    read_first = [_word(195, 295, 805, 335)]  # the page pass read the first line only
    regions = uncovered_regions(g, read_first, DPI)
    assert len(regions) == 2
    (a, b) = regions
    assert a[1] < 600 < a[3] and b[1] < 900 < b[3]  # the second line, then the underlined one
    assert a[0] <= 200 and a[2] >= 790
    everything = read_first + [_word(195, 595, 805, 635), _word(195, 895, 805, 940)]
    assert uncovered_regions(g, everything, DPI) == []  # specks alone are no region


def test_readings_without_a_confident_word_are_dropped() -> None:
    g = _page()
    calls = []

    def read(box):
        calls.append(box)
        if box[1] < 700:
            return [_word(box[0], box[1], box[2], box[3], "Jabatan", 0.93)]
        return [_word(box[0], box[1], box[2], box[3], "~'", 0.2)]  # noise

    got = recover_words(g, [_word(195, 295, 805, 335)], DPI, read)
    assert len(calls) == 2
    assert [w["text"] for w in got] == ["Jabatan"]
