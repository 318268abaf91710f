"""One small reader per section of a decree.

Each reader gets the lines the grammar (``grammar.py``) gave its section, the
first of them carrying the section's label, and returns that section's part
of the :class:`~iki_extract.model.Decree`: list items (menimbang, mengingat,
tembusan) and diktum.  The penetapan and signer are read by ``signature.py``,
the header fields by ``header.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Diktum, TextLine
from ..normalize.text import (
    fold,
    has_item_marker,
    is_catchword,
    is_upper_text,
    strip_item_marker,
)
from .labels import Label, best, normalise

_TERMINAL = (".", ";", ":")
_JUNK_START = re.compile(r"^[\s:;.,\-–•❖]+(?=\w)")
_BAB = re.compile(r"^BAB\s+[IVXL]+\b", re.I)


@dataclass
class Line:
    """A text line with the labels it was scored for."""

    line: TextLine
    labels: tuple[Label, ...] = ()

    @property
    def text(self) -> str:
        return normalise(self.line.text)


# -- lists -------------------------------------------------------------------


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


def _gap(prev: TextLine, right: float, left: float) -> float:
    assert prev.bbox is not None
    return (right - prev.bbox[2]) / max(right - left, 1.0)


def _paragraph_ended(prev: TextLine | None, right: float | None, left: float | None) -> bool:
    """Whether ``prev`` ends its paragraph: it stops well short of the right edge the
    list's lines reach (a wrapped line runs nearly to the edge), the more clearly so
    when it ends with ``; . , :``."""
    if prev is None or prev.bbox is None or right is None or left is None:
        return False
    punctuated = prev.text.rstrip().endswith((";", ".", ",", ":"))
    return _gap(prev, right, left) > (0.15 if punctuated else 0.25)


def ended_far(prev: TextLine | None, right: float | None, left: float | None) -> bool:
    """The line above ends with punctuation and so far short of the edge that no single
    long word explains the wrap: a paragraph end even before a lower-case line."""
    if prev is None or prev.bbox is None or right is None or left is None:
        return False
    return _gap(prev, right, left) > 0.25 and prev.text.rstrip().endswith((";", ".", ",", ":"))


def _body_lines(lines: list[Line], kind: str) -> list[TextLine]:
    """The section's lines with its label cut off the first one."""
    out: list[TextLine] = []
    for n, ln in enumerate(lines):
        t = ln.text
        if n == 0:
            lb = best(list(ln.labels), kind)
            if lb is not None:
                if lb.rest:
                    out.append(TextLine(text=lb.rest, kind="item", bbox=ln.line.bbox, page=ln.line.page))
                continue
        out.append(TextLine(text=t, kind=ln.line.kind, bbox=ln.line.bbox, page=ln.line.page))
    return out


_VALUE = re.compile(r"^\s*:\s*")
_LONE_MARKER = re.compile(r"^(?:[-–•❖]\s*)?(?:\(?\d{1,2}[.)]|[a-zA-Z][.)]|\([a-zA-Z0-9]{1,2}\))$")


def join_markers(lines: list[TextLine]) -> list[TextLine]:
    """Flattened layouts: a value line (": a. bahwa ...") loses its colon, and an item
    marker left alone on its line ("2.", ": 1.") joins the text line after it."""
    out: list[TextLine] = []
    pending: TextLine | None = None
    for ln in lines:
        t = ln.text.strip()
        if not t:
            if pending is None:
                out.append(ln)
            continue
        if _VALUE.match(t) and len(t) > 1:
            t = _VALUE.sub("", t, count=1)
            ln = TextLine(text=t, kind="item" if has_item_marker(t) or not out else ln.kind, bbox=ln.bbox, page=ln.page)
        if _LONE_MARKER.match(t):
            pending = ln if pending is None else pending
            pending = TextLine(text=t, kind="item", bbox=ln.bbox, page=ln.page)
            continue
        if pending is not None:
            ln = TextLine(text=f"{pending.text} {t}", kind="item", bbox=ln.bbox, page=ln.page)
            pending = None
        out.append(ln)
    if pending is not None:
        out.append(pending)
    return out


def read_list(lines: list[Line], kind: str) -> list[str]:
    """Menimbang / mengingat / memperhatikan items (a single unlettered item too)."""
    return collect_items([ln for ln in join_markers(_body_lines(lines, kind)) if ln.text.strip()])


def read_tembusan(lines: list[Line]) -> list[str]:
    """Tembusan items, without a lead-in sentence ("Keputusan ini disampaikan kepada Yth.")."""
    body = join_markers(_body_lines(lines, "tembusan"))
    # the list ends at a blank line followed by an unmarked line (page furniture, notes)
    kept: list[TextLine] = []
    for n, ln in enumerate(body):
        if ln.kind == "blank" or not ln.text.strip():
            nxt = next((x for x in body[n + 1 :] if x.text.strip()), None)
            if kept and (nxt is None or not has_item_marker(nxt.text)):
                break
            continue
        kept.append(ln)
    marked = [n for n, ln in enumerate(kept) if has_item_marker(ln.text)]
    if marked and marked[0] > 0:
        kept = kept[marked[0] :]  # what stands before the first item is a lead-in
    elif kept and not marked and len(kept) > 1 and _lead_in(kept[0].text):
        kept = kept[1:]
    for ln in kept:
        if has_item_marker(ln.text):
            ln.kind = "item"
    return collect_items(kept)


def _lead_in(text: str) -> bool:
    t = text.strip()
    return t.endswith(":") or bool(re.search(r"\b(?:kepada|yth)\b", t, re.I))


# -- diktum ------------------------------------------------------------------


def read_diktum(lines: list[Line]) -> list[Diktum]:
    """Diktum KESATU ... / Pasal n: each label opens one; BAB headings are skipped."""
    out: list[tuple[str, list[str]]] = []
    skip_title = False
    for ln in lines:
        t = ln.text
        if not t or is_catchword(t):
            continue
        lb = best(list(ln.labels), "diktum")
        if lb is not None and lb.score >= 0.5:
            out.append((lb.word.replace("KEDUA BELAS", "KEDUABELAS"), [lb.rest] if lb.rest else []))
            skip_title = False
            continue
        if _BAB.match(t):
            skip_title = True
            continue
        if skip_title and is_upper_text(t):
            skip_title = False
            continue
        skip_title = False
        if out:
            if not out[-1][1]:
                t = _VALUE.sub("", t, count=1)  # the text under a label alone: ": Indikator ..."
            if t:
                out[-1][1].append(t)
    return [Diktum(label, fold(" ".join(text))) for label, text in out]
