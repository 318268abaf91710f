"""Tesseract's words cleaned before they become lines and cells.

Ruling-line debris and dust are dropped, per-word slips the later stages rely on
are fixed (``Σ`` → ``∑``, a misread ``x 100%``, the case of letters whose capital
has the small letter's shape), and each word gets a font-size estimate.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from .ocr_noise import drop_noise_words

SPECK = 0.35  # × median word height: a smaller box is a speck of dust, not a glyph

_BAR = re.compile(r"^[|¦]+$")
_RULE_DEBRIS = re.compile(r"^[|¦!_\[\]{}—–=~]+$")
# "x 100%" as Tesseract's ind model often reads it: "X 10046", "x 10096", "x 100 %"
_PERCENT = re.compile(r"(?<![\w])[xX×*]\s*100\s*(?:%|96|46|40|9o|o/o|0/0|°/o)(?!\d)")


def fix_ocr_text(s: str) -> str:
    """OCR slips the later stages rely on: ``Σ`` → ``∑``, a misread ``x 100%``."""
    return _PERCENT.sub("x 100%", s.replace("\u03a3", "\u2211"))


# letters whose capital is the small letter drawn larger: OCR mixes their case
_SAME_SHAPE = frozenset("cosuvwxz")


def fix_case_slip(word: str) -> str:
    """A capitalised word with a small letter of the same shape as its capital:
    ``SUWARSo`` → ``SUWARSO``.  Only words of at least three capitals whose one or
    two small letters are all such letters; "MSc" (two capitals) stays."""
    lower = [c for c in word if c.islower()]
    if not lower or len(lower) > 2 or any(c not in _SAME_SHAPE for c in lower):
        return word
    if sum(c.isupper() for c in word) < 3:
        return word
    return word.upper()


def clean_words(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop ruling-line debris and specks; fix ``Σ`` and ``x 100%`` slips."""
    words: list[dict[str, Any]] = []
    for w in raw:
        text = w["text"]
        if _BAR.match(text) or (_RULE_DEBRIS.match(text) and w["conf"] < 0.6):
            continue  # remains of a ruling line
        words.append({**w, "text": fix_case_slip(fix_ocr_text(text))})
    return _drop_specks(drop_noise_words(words))


def _drop_specks(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop "words" that are dust: boxes far smaller than a glyph (``.``/``,`` kept)."""
    if not words:
        return words
    med = statistics.median(w["bottom"] - w["top"] for w in words)
    out = [
        w
        for w in words
        if w["text"] in (".", ",") or max(w["x1"] - w["x0"], w["bottom"] - w["top"]) >= SPECK * med
    ]
    _set_sizes(out)
    return out


def _set_sizes(words: list[dict[str, Any]]) -> None:
    """A font-size estimate per word (for baseline grouping and spacing).

    A word box is ink height (x-height for "ini", more with capitals and
    descenders); the page median over 0.75 approximates the font size.
    """
    if not words:
        return
    med = statistics.median(w["bottom"] - w["top"] for w in words)
    base = max(med / 0.75, 1.0)
    for w in words:
        h = w["bottom"] - w["top"]
        w["size"] = max(base, h / 0.9) if h > 1.6 * med else base
