"""The decree body: menimbang, mengingat, diktum, penetapan, signature, tembusan.

Input is the segment's text lines (blank lines kept as separators); output
fills the :class:`~iki_extract.model.Decree` fields.  Sections are found by
their labels (``models/keywords.yaml``); a second "Menimbang" whose items are
numbered is read as the mengingat it really is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Diktum, Penandatangan, TextLine
from ..normalize.text import (
    fold,
    has_item_marker,
    is_catchword,
    is_upper_text,
    strip_item_marker,
)
from .patterns import patterns
from .signature import parse_penetapan, parse_signature

__all__ = ["Body", "collect_items", "ended_far", "is_continuation", "parse_body", "parse_signature"]

_TERMINAL = (".", ";", ":")
_JUNK_START = re.compile(r"^[\s:;.,\-–•❖]+(?=\w)")
_PENETAPAN = re.compile(r"^ditetapkan\s*(?:di\b|:|$)", re.I)
_DIGIT_ITEM = re.compile(r"^\s*(?:[-–•❖]\s*)?\(?\d{1,2}[.)]")


@dataclass
class Body:
    menimbang: list[str] = field(default_factory=list)
    mengingat: list[str] = field(default_factory=list)
    diktum: list[Diktum] = field(default_factory=list)
    tembusan: list[str] = field(default_factory=list)
    tempat: str | None = None
    tanggal: str | None = None
    signer: Penandatangan = field(default_factory=Penandatangan)
    end: int = 0  # index (into the given lines) where the body ended


def is_continuation(prev: str, line: str) -> bool:
    """Whether a marker-less ``line`` continues the item ``prev``."""
    s = line.strip()
    if not s:
        return False
    if s[0].islower() or s[0] in "([,":
        return True
    return not prev.rstrip().endswith(_TERMINAL) and not is_upper_text(s)


def collect_items(lines: list[TextLine]) -> list[str]:
    """Items of a lettered/numbered/bulleted list; marker-less lines continue."""
    items: list[str] = []
    marked = False  # once items carry markers, a marker-less line is a wrapped line
    right = max((ln.bbox[2] for ln in lines if ln.bbox), default=None)
    left = min((ln.bbox[0] for ln in lines if ln.bbox), default=None)
    prev: TextLine | None = None
    for ln in lines:
        t = ln.text.strip()
        if not t or is_catchword(t):
            continue
        ended = _paragraph_ended(prev, right, left)
        prev_line, prev = prev, ln
        if has_item_marker(t) or ln.kind == "item" or not items:
            marked = marked or has_item_marker(t) or ln.kind == "item"
            items.append(strip_item_marker(t))
        elif ended and (t[0].isupper() or ended_far(prev_line, right, left)):
            items.append(t)  # the line above stopped short: a new item whose bullet was lost
        elif marked or is_continuation(items[-1], t):
            items[-1] = items[-1] + " " + t
        else:
            items.append(t)
    cleaned = (_JUNK_START.sub("", fold(i)) for i in items)
    return [i for i in cleaned if i]


def _paragraph_ended(prev: TextLine | None, right: float | None, left: float | None) -> bool:
    """Whether ``prev`` ends its paragraph: it stops well short of the right edge the
    list's lines reach (a wrapped line runs nearly to the edge), the more clearly so
    when it ends with ``; . , :``."""
    if prev is None or prev.bbox is None or right is None or left is None:
        return False
    gap = (right - prev.bbox[2]) / max(right - left, 1.0)
    punctuated = prev.text.rstrip().endswith((";", ".", ",", ":"))
    return gap > (0.15 if punctuated else 0.25)


def ended_far(prev: TextLine | None, right: float | None, left: float | None) -> bool:
    """The line above ends with punctuation and so far short of the edge that no single
    long word explains the wrap: a paragraph end even before a lower-case line."""
    if prev is None or prev.bbox is None or right is None or left is None:
        return False
    gap = (right - prev.bbox[2]) / max(right - left, 1.0)
    return gap > 0.25 and prev.text.rstrip().endswith((";", ".", ",", ":"))


def parse_body(lines: list[TextLine]) -> Body:
    """Walk the body lines once, switching section on each label."""
    p = patterns()
    body = Body()
    section = None
    buf: list[TextLine] = []
    diktum_label: str | None = None
    diktum_buf: list[str] = []
    skip_title = False
    sig_lines: list[str] = []
    tembusan_lines: list[TextLine] = []

    def close() -> None:
        nonlocal buf, diktum_label, diktum_buf
        if section == "menimbang":
            body.menimbang.extend(collect_items(buf))
        elif section == "mengingat":
            body.mengingat.extend(collect_items(buf))
        if diktum_label is not None:
            body.diktum.append(Diktum(diktum_label, fold(" ".join(diktum_buf))))
        buf, diktum_label, diktum_buf = [], None, []

    for i, ln in enumerate(lines):
        t = ln.text.strip()
        if not t:
            if section == "tembusan" and tembusan_lines:
                tembusan_lines.append(ln)
            continue
        if is_catchword(t):
            continue
        if section in ("menimbang", "mengingat", None):
            m = p.menimbang.match(t)
            if m:
                rest = m.group("rest")
                mislabel = section == "menimbang" and (body.menimbang or buf)
                close()
                section = "mengingat" if mislabel and _DIGIT_ITEM.match(rest) else "menimbang"
                if rest:
                    buf.append(TextLine(text=rest, kind="item"))
                continue
            m = p.mengingat.match(t)
            if m:
                close()
                section = "mengingat"
                if m.group("rest"):
                    buf.append(TextLine(text=m.group("rest"), kind="item"))
                continue
        if section not in ("signature", "tembusan"):
            if p.memperhatikan.match(t) and section in ("menimbang", "mengingat"):
                close()
                section = "memperhatikan"
                continue
            if p.memutuskan.match(t) and len(t) < 40:
                close()
                section = "memutuskan"
                continue
            if section in ("memutuskan", "menetapkan", "diktum", "mengingat"):
                m = p.menetapkan.match(t)
                if m and section != "diktum":
                    close()
                    section = "menetapkan"
                    continue
                m = p.diktum.match(t)
                if m and (m.group("colon") or m.group("rest")[:1].isupper()):
                    close()
                    section = "diktum"
                    diktum_label = m.group("label").upper()
                    diktum_buf = [m.group("rest")] if m.group("rest") else []
                    continue
                m = p.pasal.match(t)
                if m:
                    close()
                    section = "diktum"
                    diktum_label = f"PASAL {int(m.group('n'))}"
                    diktum_buf = [m.group("rest")] if m.group("rest") else []
                    continue
                if p.bab.match(t):
                    close()
                    section = "menetapkan"  # BAB heading: skip it and its title
                    skip_title = True
                    continue
        m = p.ditetapkan.match(t)
        # "ditetapkan dengan Surat Keputusan ..." is a sentence, not the penetapan
        if m and section not in ("signature", "tembusan") and _PENETAPAN.match(t):
            close()
            section = "signature"
            sig_lines.append(t)
            continue
        if section == "signature":
            if p.tembusan.match(t):
                section = "tembusan"
                rest = p.tembusan.match(t).group("rest")
                if rest:
                    tembusan_lines.append(TextLine(text=rest, kind="item"))
                continue
            sig_lines.append(t)
            continue
        if section == "tembusan":
            if tembusan_lines and tembusan_lines[-1].kind == "blank" and not has_item_marker(t):
                body.end = i
                break
            tembusan_lines.append(ln)
            continue
        if section == "menetapkan":
            if skip_title and is_upper_text(t):
                skip_title = False
            continue
        if section == "diktum":
            diktum_buf.append(t)
            continue
        if section in ("menimbang", "mengingat"):
            buf.append(ln)
    else:
        body.end = len(lines)
    close()
    pen = parse_penetapan(sig_lines)
    body.tempat, body.tanggal, body.signer = pen.tempat, pen.tanggal, pen.signer
    body.tembusan = collect_items([x for x in tembusan_lines if x.kind != "blank"])
    return body
