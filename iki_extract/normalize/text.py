"""Small, pure text helpers shared by the layout and table stages."""

from __future__ import annotations

import re

from .. import rules

_WS = re.compile(r"\s+")
BULLET_CHARS = "❖•●▪◦·►➢✓✔□■-–—*>"
_LEADING_BULLET = re.compile(r"^\s*(?:[❖•●▪◦·►➢✓✔□■*>]|[-–—](?=\s))\s*")
# "a." "b)" "(c)" "1." "2)" "(3)" "1.1" — an item marker at the start of a line
_ITEM_MARKER = re.compile(
    r"^\s*(?:[❖•●▪◦·►➢✓✔□■*>]\s*|[-–—]\s+)?"
    r"(?:\(\s*(?:\d{1,2}|[a-zA-Z])\s*\)|\d{1,2}\s*[.)](?!\d)|[a-zA-Z]\s*[.)](?![a-zA-Z.]))\s*"
)
_CATCHWORD = re.compile(r"^.{1,60}?\.{4,}\s*$")


def fold(s: str | None) -> str:
    """White space folded to single spaces, trimmed."""
    return _WS.sub(" ", s or "").strip()


def strip_bullet(s: str) -> str:
    """Drop one leading bullet glyph (not an item number)."""
    return _LEADING_BULLET.sub("", s, count=1).strip()


def strip_item_marker(s: str) -> str:
    """Drop a leading bullet and/or item marker ("a.", "1)", "(2)", "❖")."""
    s2 = _ITEM_MARKER.sub("", s, count=1)
    if s2 == s:
        s2 = strip_bullet(s)
    return s2.strip()


def has_item_marker(s: str) -> bool:
    return bool(_ITEM_MARKER.match(s)) or bool(_LEADING_BULLET.match(s))


def is_catchword(s: str) -> bool:
    """A page-turn catchword such as ``"7. Peraturan....."``."""
    return bool(_CATCHWORD.match(s.strip()))


def is_upper_text(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def title_case(s: str | None) -> str | None:
    """Indonesian title case: small words lower, acronyms kept."""
    if s is None:
        return None
    kw = rules.keywords()
    lower = set(kw["title_case_lower"])
    upper = {u.upper() for u in kw["title_case_upper"]}
    words = fold(s).split(" ")
    out = []
    for i, w in enumerate(words):
        if w.upper() in upper or re.fullmatch(r"\(?[IVX]+\)?", w.upper()) and len(w) > 1:
            out.append(w.upper())
        elif i > 0 and w.lower() in lower:
            out.append(w.lower())
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
    return " ".join(out)
