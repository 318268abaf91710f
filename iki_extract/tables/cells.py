"""Joining the text lines of one table cell."""

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
