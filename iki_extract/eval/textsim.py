"""Text normalisation and similarity of METRICS.md, and the one-to-one matching they feed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

# Tie-break weight for document order: small enough never to outweigh a real
# similarity difference, large enough to be above float noise.
_ORDER_EPS = 1e-7

# --------------------------------------------------------------------------
# Text normalisation and similarity
# --------------------------------------------------------------------------

# An HTML tag: "<" or "</" followed directly by a letter, so that comparisons
# inside formulas ("< 3 hari", "x<5") are left alone.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_FORMULA_OP_RE = re.compile(r"\s*([/%])\s*")
# Bullet glyphs that are symbols rather than punctuation in Unicode.
_BULLETS = frozenset("❖●▪◦➢►▸➤✓✔■□◆◇○")


def _is_edge_junk(ch: str) -> bool:
    """True for characters stripped from both ends: punctuation, space, bullets."""
    return ch.isspace() or ch in _BULLETS or unicodedata.category(ch).startswith("P")


def normalize_text(s: str | None, formula: bool = False) -> str | None:
    """Normalise text before comparison (METRICS.md).

    Casefold; remove markup (``**``, ``*``, HTML tags); fold white space to one
    space; strip punctuation (and bullets) at both ends.  With ``formula``,
    ``×`` becomes ``x`` and spaces around ``/`` and ``%`` are removed.
    ``None`` stays ``None``; non-strings (e.g. an int ``tahun``) are turned
    into strings first.  Text that normalises to nothing gives ``""``.
    """
    if s is None:
        return None
    t = s if isinstance(s, str) else str(s)
    t = _TAG_RE.sub(" ", t)
    t = t.replace("*", "")
    t = t.casefold()
    if formula:
        t = t.replace("×", "x")
    t = " ".join(t.split())
    if formula:
        t = _FORMULA_OP_RE.sub(r"\1", t)
    start, end = 0, len(t)
    while start < end and _is_edge_junk(t[start]):
        start += 1
    while end > start and _is_edge_junk(t[end - 1]):
        end -= 1
    return t[start:end]


def _norm(s: Any, formula: bool = False) -> str | None:
    """Normalised text with empty results mapped to ``None``."""
    t = normalize_text(s, formula=formula)
    return t or None


def _ratio_normed(a: str | None, b: str | None) -> float:
    """``fuzz.ratio`` on already-normalised text with the null rules."""
    if a is None and b is None:
        return 100.0
    if a is None or b is None:
        return 0.0
    return float(fuzz.ratio(a, b))


def similarity(a: str | None, b: str | None, formula: bool = False) -> float:
    """Similarity 0-100 of two texts: ``fuzz.ratio`` on normalised text.

    null vs null is 100, null vs text is 0; an empty (or markup-only) string
    counts as null.
    """
    return _ratio_normed(_norm(a, formula), _norm(b, formula))


def _sim_matrix(gold: Sequence[str | None], pred: Sequence[str | None]) -> np.ndarray:
    """Pairwise similarity of two lists of *normalised* texts."""
    out = np.zeros((len(gold), len(pred)), dtype=float)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            out[i, j] = _ratio_normed(g, p)
    return out


def _order_penalty(n: int, m: int) -> np.ndarray:
    """``|i - j|`` for every cell of an ``n x m`` matrix."""
    i, j = np.indices((n, m))
    return np.abs(i - j).astype(float)


def _match_thresholded(sim: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """One-to-one matching of pairs with ``sim >= threshold``.

    Maximises the number of pairs first, then their total similarity, then
    closeness in document order (``|i - j|``).
    """
    n, m = sim.shape
    if n == 0 or m == 0:
        return []
    eligible = sim >= threshold
    if not eligible.any():
        return []
    big = 100.0 * (min(n, m) + 1)  # one more pair always beats any similarity gain
    weight = np.where(eligible, big + sim - _ORDER_EPS * _order_penalty(n, m), 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if eligible[r, c]]
