"""Confidence of an OCR'd cell or line: how likely its text is exactly right.

Tesseract's word confidence alone tracks errors poorly (a clean row at 0.02
because of one dot).  A word's *quality* here also asks whether the word is a
known word (:mod:`.ocr_lexicon`), a number or punctuation, and whether the
corrector changed it:

* a known word (or a number) read at confidence ``c``: ``0.5 + 0.5 c``;
* an unknown word of three letters or more: ``0.6 c``;
* a word the corrector changed: at most ``0.4 + 0.4 c``;
* lone punctuation counts only half as much against the cell.

A cell's raw score mixes its weakest word and its mean word quality; the score
is then mapped to a probability with a logistic curve fitted on the corpus scans
(``models/ocr_confidence.yaml``, fitted by :mod:`iki_extract.eval.calibration`,
leave-one-seed-out).  ``IKI_RAW_CONFIDENCE=1`` leaves the raw score (for fitting).
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from typing import Any

import yaml

from ..resources import models_dir
from .ocr_lexicon import DocLexicon, is_known

MODEL_FILE = "ocr_confidence.yaml"
W_MIN = 0.6  # weight of the weakest word in the raw score (the rest: the mean)
_NUMBER = re.compile(r"^[\W]*[\d.,:/%()-]+[\W]*$")
_LETTERS = re.compile(r"[A-Za-z]")


def word_quality(w: dict[str, Any], lex: DocLexicon | None = None) -> float:
    c = float(w["conf"])
    t = w["text"]
    if "text_ocr" in w:
        return min(0.4 + 0.4 * c, 0.5 + 0.5 * c)
    core = re.sub(r"[^A-Za-z]", "", t)
    if not _LETTERS.search(t):
        if _NUMBER.match(t):
            return 0.5 + 0.5 * c
        return 0.75 + 0.25 * c  # punctuation: counts little against the cell
    if len(core) < 3:
        return 0.5 + 0.5 * c
    extra = lex.words() if lex is not None else None
    return 0.5 + 0.5 * c if is_known(core, extra) else 0.6 * c


def raw_score(words: list[dict[str, Any]], lex: DocLexicon | None = None) -> float | None:
    """The uncalibrated confidence of a cell or line (``None`` without words)."""
    if not words:
        return None
    qs = [word_quality(w, lex) for w in words]
    return W_MIN * min(qs) + (1 - W_MIN) * sum(qs) / len(qs)


@lru_cache(maxsize=1)
def _model() -> tuple[float, float] | None:
    if os.environ.get("IKI_RAW_CONFIDENCE"):
        return None
    path = models_dir() / MODEL_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return float(data["slope"]), float(data["intercept"])
    except (KeyError, TypeError, ValueError):
        return None


def calibrate(score: float | None) -> float | None:
    """The probability that the text is right, from a raw score."""
    if score is None:
        return None
    m = _model()
    if m is None:
        return round(score, 3)
    a, b = m
    return round(1.0 / (1.0 + math.exp(-(a * score + b))), 3)


def confidence(words: list[dict[str, Any]], lex: DocLexicon | None = None) -> float | None:
    """Calibrated confidence of a cell or line from its words."""
    return calibrate(raw_score(words, lex))
