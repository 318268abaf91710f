"""How sure the reader was of each header field: the confidence of the lines it came from.

A header field is read from one or a few text lines (the NOMOR line, the TENTANG
lines, the signer's name above the NIP).  On OCR'd input each line carries the
reader's confidence (``TextLine.confidence``, 0–1); a field's confidence is the
lowest confidence among the lines that hold its value.  A field whose lines cannot
be found, or whose lines carry no confidence (born-digital and text input), gets
none.  The rules are plain: a line holds a text value when its folded text
contains the folded value; a long value (TENTANG over several lines) is held by
the lines whose text it contains; a NIP by the line whose digits contain it; the
date by the "pada tanggal" / "Tempat, tanggal" line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Header, TextLine
from .patterns import patterns

MIN_PART_WORDS = 3  # a line held inside a long value has at least this many words


def _fold(s: str) -> str:
    return " ".join(re.sub(r"[^\w/.\-]+", " ", s.casefold()).split())


def _text_lines(value: str, lines: list[TextLine]) -> list[TextLine]:
    v = _fold(value)
    if not v:
        return []
    whole = [ln for ln in lines if v in _fold(ln.text)]
    if whole:
        return whole[:1]
    return [
        ln for ln in lines
        if len(_fold(ln.text).split()) >= MIN_PART_WORDS and _fold(ln.text) in v
    ]


def _nip_lines(nip: str, lines: list[TextLine]) -> list[TextLine]:
    return [ln for ln in lines if nip in re.sub(r"\D", "", ln.text)][:1]


def _date_lines(lines: list[TextLine]) -> list[TextLine]:
    p = patterns()
    return [ln for ln in lines if p.pada_tanggal.match(ln.text.strip()) or p.date_line.match(ln.text.strip())][:1]


def _min_conf(found: Iterable[TextLine]) -> float | None:
    confs = [ln.confidence for ln in found]
    if not confs or None in confs:
        return None
    return round(min(confs), 3)


def field_confidence(header: Header, lines: list[TextLine]) -> dict[str, float]:
    """Confidence per header field (keys of ``model.HEADER_CONFIDENCE_FIELDS``), for the fields found."""
    sig = header.penandatangan
    values = {
        "nomor": header.nomor,
        "tentang": header.tentang,
        "tempat_penetapan": header.tempat_penetapan,
        "penandatangan_nama": sig.nama,
    }
    out: dict[str, float] = {}
    for name, value in values.items():
        if value:
            c = _min_conf(_text_lines(value, lines))
            if c is not None:
                out[name] = c
    if sig.nip:
        c = _min_conf(_nip_lines(sig.nip, lines))
        if c is not None:
            out["penandatangan_nip"] = c
    if header.tanggal_penetapan:
        c = _min_conf(_date_lines(lines))
        if c is not None:
            out["tanggal_penetapan"] = c
    return out
