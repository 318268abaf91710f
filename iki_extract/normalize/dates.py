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


# OCR slips inside a number: "2O2O" -> "2020", "l6" -> "16"
_DIGITISH = re.compile(r"\b[0-9OoIlS]{1,4}\b")
_SLIPS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5"})


def _fix_digits(text: str) -> str:
    """Digit look-alikes in number-like tokens (``"2O2O"``) become digits.

    A token is fixed only when it already holds a real digit, so words such as
    ``"Oli"`` stay as they are.
    """
    return _DIGITISH.sub(
        lambda m: m.group(0).translate(_SLIPS) if re.search(r"\d", m.group(0)) else m.group(0), text
    )


def parse_penetapan_date(text: str | None) -> str | None:
    """The date of a "Pada tanggal" value, tolerating OCR slips in the digits.

    ``": 16 Januari 2O20"`` → ``"2020-01-16"``; ``"Januari 2022"`` → ``"2022-01"``.
    """
    if not text:
        return None
    return parse_date(text) or parse_date(_fix_digits(text))


_PLACE = re.compile(r"^[A-Za-z][A-Za-z .'-]{1,40}$")
_PLACE_STOP = {"dengan", "yang", "dan", "untuk", "pada", "oleh", "sebagaimana", "tanggal", "di"}


def parse_place(text: str | None) -> str | None:
    """The place of a "Ditetapkan di" value: a short name, title-cased when in capitals.

    ``": KARANGPLOSO"`` → ``"Karangploso"``; a sentence that merely starts with
    "ditetapkan" (``"dengan Surat Keputusan ..."``) gives ``None``.
    """
    if not text:
        return None
    s = re.sub(r"\s+", " ", text).strip(" :;,.")
    s = re.sub(r"^di\s+", "", s, flags=re.I).strip(" :")
    if not s or not _PLACE.match(s):
        return None
    words = s.split(" ")
    if len(words) > 4 or any(w.lower() in _PLACE_STOP for w in words):
        return None
    if not words[0][:1].isupper():
        return None
    letters = [c for c in s if c.isalpha()]
    if sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return " ".join(w[:1].upper() + w[1:].lower() for w in words)
    return s
