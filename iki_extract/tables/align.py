"""Align a narrow continuation part to the table's columns by content.

After a page break a table part may show fewer columns than the header (the
spanned SASARAN column is not drawn, or OCR lost a column edge and split or
merged cells).  Each candidate placement of the part's columns onto the
table's columns is scored by how much its column texts resemble the texts
already read in those columns; a column whose cells read as fragments
(starting lower-case) may be merged into its left neighbour.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..model import Table

if TYPE_CHECKING:  # pragma: no cover
    from .rows import RawRow

_WORD = re.compile(r"[a-z]{3,}")


def _bag(texts: list[str]) -> Counter[str]:
    c: Counter[str] = Counter()
    for t in texts:
        c.update(_WORD.findall(t.lower()))
    return c


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    inter = sum((a & b).values())
    return inter / max(1, min(sum(a.values()), sum(b.values())))


def _fill(texts: list[str]) -> float:
    return sum(1 for t in texts if t.strip()) / max(1, len(texts))


def align_part(part: Table, mapping: dict[int, str], width: int, previous: list["RawRow"]) -> dict[int, str]:
    """Column index of ``part`` → field, for a part narrower than ``width``."""
    grid = part.rows()
    cols = [[(r[c].text if c < len(r) else "") for r in grid] for c in range(part.n_cols)]
    right = {c: mapping.get(c + width - part.n_cols, "ignore") for c in range(part.n_cols)}
    if not previous:
        return right
    # the columns a part's column may land in; an extra column the output does not
    # keep (TARGET, SATUAN) is one too, compared with what earlier rows held there
    target_cols = [c for c in range(width) if mapping.get(c) not in (None, "no")]
    ref = {
        c: [r.ignored.get(c, "") if mapping[c] == "ignore" else r.get(mapping[c]) for r in previous[-8:]]
        for c in target_cols
    }
    # fragment columns (mostly lower-case starts) merge into their left neighbour
    merged_into: dict[int, int] = {}
    for c in range(1, part.n_cols):
        filled = [t for t in cols[c] if t.strip()]
        if filled and sum(t.strip()[0].islower() for t in filled) >= max(1, len(filled) * 0.6):
            if any(t.strip() for t in cols[c - 1]):
                merged_into[c] = c - 1
    own = [c for c in range(part.n_cols) if c not in merged_into]
    best: tuple[float, dict[int, str]] | None = None
    for combo in itertools.combinations(target_cols, len(own)):
        score = 0.0
        for c, tc in zip(own, combo):
            texts = cols[c] + [cols[m][i] for m, into in merged_into.items() if into == c for i in range(len(cols[m]))]
            score += _overlap(_bag(texts), _bag(ref[tc]))
            score -= abs(_fill(cols[c]) - _fill(ref[tc])) * 0.5
        # prefer right alignment on ties (a missing SASARAN column is typical)
        score += 0.01 * sum(combo)
        cand = {c: mapping[tc] for c, tc in zip(own, combo)}
        for m, into in merged_into.items():
            cand[m] = cand[into]
        if best is None or score > best[0]:
            best = (score, cand)
    return best[1] if best else right
