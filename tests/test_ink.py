"""ingest.ink.components: the labelling OpenCV gives, computed band by band."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from iki_extract.ingest import ink
from iki_extract.ingest.ocr import OcrSettings, limit_threads


def _sparse_page(seed: int, h: int = 900, w: int = 640) -> np.ndarray:
    """Rule-like strokes and letter-like blobs in separated bands (odd and even starts)."""
    rng = np.random.default_rng(seed)
    m = np.zeros((h, w), np.uint8)
    y = int(rng.integers(0, 5))
    while y < h - 20:
        band = int(rng.integers(1, 14))
        for _ in range(int(rng.integers(1, 6))):
            x0 = int(rng.integers(0, w - 40))
            m[y : y + band, x0 : x0 + int(rng.integers(1, 200))] = 255
            # diagonal touches: 8-connected only
            m[min(h - 1, y + band), min(w - 1, x0 + 201)] = 255
        y += band + int(rng.integers(1, 40))
    return m


def _same(mask: np.ndarray) -> None:
    n, lab, st, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    n2, lab2, st2 = ink.components(mask)
    assert n2 == n
    assert np.array_equal(lab2, lab)  # same labels in the same order
    assert np.array_equal(st2[1:], st[1:])
    n3, none, st3 = ink.components(mask, labels=False)
    assert none is None and n3 == n and np.array_equal(st3[1:], st[1:])


@pytest.mark.parametrize("seed", range(6))
def test_bands_label_as_opencv_does(seed: int) -> None:
    _same(_sparse_page(seed))


def test_dense_and_empty_masks() -> None:
    rng = np.random.default_rng(1)
    dense = (rng.random((300, 200)) < 0.3).astype(np.uint8) * 255
    _same(dense)
    n, lab, st = ink.components(np.zeros((50, 60), np.uint8))
    assert n == 1 and lab is not None and not lab.any() and st.shape == (1, 5)


def test_a_band_touching_the_page_edges() -> None:
    m = np.zeros((41, 30), np.uint8)
    m[0:3, :] = 255
    m[38:41, 5:9] = 255
    m[20, 29] = 255
    _same(m)


def test_the_reader_keeps_opencv_to_one_thread() -> None:
    cv2.setNumThreads(2)
    try:
        limit_threads(OcrSettings().cv_threads)
        assert cv2.getNumThreads() == 1
    finally:
        cv2.setNumThreads(-1)
