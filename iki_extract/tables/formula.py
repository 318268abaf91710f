"""Formulas: stacked fractions and "N x 100% D" layouts to ``N / D x 100%``.

SCHEMA.md text rule 3: a fraction, whether typeset (a rule between
numerator and denominator lines) or only implied by layout (numerator line,
"x 100%" beside it, denominator line under it), is written
``NUMERATOR / DENOMINATOR x 100%``.
"""

from __future__ import annotations

import re

from ..normalize.text import fold
from .cells import join_lines

_MULT = r"(?:[xX×*]\s*)"
_PCT = r"100\s*%"
# numerator, optional "x", 100%, then a denominator that starts a new phrase
_INLINE = re.compile(rf"^(?P<n>.+?)\s*{_MULT}?{_PCT}\s+(?P<d>[A-Z∑Σ(].+)$")
_TRAILING_PCT = re.compile(rf"\s*{_MULT}?{_PCT}\s*$")
_KALI = re.compile(r"(?:di\s*kali|dikalikan|kali)\s*$", re.I)
_LIST_START = re.compile(r"^\d{1,2}[.)]\s")


def _inline_fraction(text: str) -> str | None:
    m = _INLINE.match(text)
    if not m:
        return None
    n, d = m.group("n").strip(), m.group("d").strip()
    if _KALI.search(n) or "%" in d or "%" in n or _LIST_START.match(d):
        return None
    if len(d.split()) < 2 or len(n.split()) < 2:
        return None
    return f"{n} / {d} x 100%"


def stacked_fraction(numerator: list[str], denominator: list[str], suffix: str = "") -> str:
    """Join a typeset fraction's lines; a ``x 100%`` found anywhere goes last."""
    num = join_lines(numerator)
    den = join_lines(denominator)
    pct = bool(_TRAILING_PCT.search(num) or _TRAILING_PCT.search(den) or re.search(_PCT, suffix))
    num = _TRAILING_PCT.sub("", num)
    den = _TRAILING_PCT.sub("", den)
    out = f"{num} / {den}"
    return out + " x 100%" if pct else out


def formula_text(lines: list[str], fraction_bars: list[int] | None = None) -> str:
    """The plain-text formula of a FORMULASI cell."""
    lines = [fold(x) for x in lines if fold(x)]
    if not lines:
        return ""
    if fraction_bars:
        k = fraction_bars[0]
        return stacked_fraction(lines[: k + 1], lines[k + 1 :])
    text = join_lines(lines)
    return _inline_fraction(text) or text
