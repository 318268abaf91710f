"""Indonesian dates ("16 Januari 2020", "Januari2022") to ISO strings."""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz import process

from .. import rules

_DATE = re.compile(r"(?:(?P<d>\d{1,2})\s*)?(?P<m>[A-Za-z]{3,10})\.?\s*(?P<y>(?:19|20)\d{2})\b")


def month_number(word: str) -> int | None:
    """Month number of an Indonesian month name, tolerating OCR slips."""
    months: dict[str, int] = rules.keywords()["months"]
    w = word.lower()
    if w in months:
        return months[w]
    if len(w) < 4:
        return None
    hit = process.extractOne(w, [k for k in months if len(k) > 3], score_cutoff=80)
    return months[hit[0]] if hit else None


_NUMERIC = re.compile(r"\b(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>(?:19|20)\d{2})\b")


def parse_date(text: str | None) -> str | None:
    """``"16 Januari 2020"`` → ``"2020-01-16"``; ``"Januari 2022"`` → ``"2022-01"``.

    Numeric dates are read day first ("05-01-2021" is 5 January), as written
    in Indonesia.
    """
    if not text:
        return None
    n = _NUMERIC.search(text)
    if n:
        try:
            return date(int(n.group("y")), int(n.group("m")), int(n.group("d"))).isoformat()
        except ValueError:
            pass
    for m in _DATE.finditer(text):
        month = month_number(m.group("m"))
        if month is None:
            continue
        year = int(m.group("y"))
        if m.group("d"):
            day = int(m.group("d"))
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return f"{year:04d}-{month:02d}"
        return f"{year:04d}-{month:02d}"
    return None
