"""Joining the text lines of one table cell, and its numbered-list marks."""

from __future__ import annotations

import re

from ..normalize.text import fold

# a word broken after its own hyphen at the line end: "perundang-" / "undangan",
# "ke-" / "3" (a hyphen after a space is a dash, and stays apart)
_HYPHEN_END = re.compile(r"\w-$")
_WORD_START = re.compile(r"^\w")


def join_lines(lines: list[str]) -> str:
    """The lines of a cell as one text: a line-end hyphen of a word joins the
    next line without a space; other lines join with one space."""
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if out and _HYPHEN_END.search(out) and _WORD_START.match(ln):
            out += ln
        else:
            out = f"{out} {ln}" if out else ln
    return fold(out)


# a list mark before an item's first letter: "1. ", and as OCR leaves it "1, " / "1.Aplikasi"
_LIST_MARK = re.compile(r"(?:(?<=\s)|^)(\d{1,2})([.,])(\s*)(?=[A-Za-z(])")


def fix_list_marks(text: str) -> str:
    """Numbered-list marks made whole: ``1. Data LKK 2, Data UMKM`` -> ``... 2. Data UMKM``.

    Only in a cell whose marks count on by one (``1 2 3``, or ``5 6`` in the part
    of a list that a page break carried over), two of them or more: there
    ``N,`` and ``N.Word`` are the same mark misread.  A misread first mark must
    open the cell or follow a colon ("Pasal 1, ayat 2. ..." is left alone).
    """
    marks = list(_LIST_MARK.finditer(text))
    if len(marks) < 2:
        return text
    nums = [int(m.group(1)) for m in marks]
    if nums != list(range(nums[0], nums[0] + len(nums))):
        return text
    whole = [m.group(2) == "." and bool(m.group(3)) for m in marks]
    if all(whole):
        return text
    before = text[: marks[0].start()].rstrip()
    if not whole[0] and before and not before.endswith(":"):
        return text
    out, last = [], 0
    for m, ok in zip(marks, whole):
        out.append(text[last : m.start()])
        out.append(m.group(0) if ok else f"{m.group(1)}. ")
        last = m.end()
    out.append(text[last:])
    return "".join(out)
