"""Recognise the indicator table's header row and column-numbering rows."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import rules
from ..model import Cell
from ..vocab import FIELDS, header_field, header_wordings

__all__ = ["FIELDS", "header_field", "header_mapping", "is_header_tail"]

_NUMBER_CELL = re.compile(r"^\(?\s*\d{1,2}\s*\)?\.?$")


@lru_cache(maxsize=1)
def _header_tokens() -> frozenset[str]:
    return frozenset(tok for w, _ in header_wordings() for tok in re.findall(r"[a-z]+", w))


def is_header_tail(cells: list[Cell]) -> bool:
    """A row made only of header words ("PENGHITUNGAN" under an empty row):
    the rest of a header set over two rows whose first row stayed on the page
    before (or a header row too broken to name two columns)."""
    words = [tok for c in cells for tok in re.findall(r"[a-z]+", c.text.lower())]
    if not words or any(ch.isdigit() for c in cells for ch in c.text):
        return False
    return all(tok in _header_tokens() for tok in words)


def header_mapping(cells: list[Cell], n_cols: int) -> dict[int, str] | None:
    """Column index → field when ``cells`` form a header row, else None."""
    cfg = rules.table_headers()
    min_score = float(cfg.get("min_score", 80))
    mapping: dict[int, str] = {}
    hits = 0
    for c in cells:
        fld, score = header_field(c.text)
        if fld and score >= min_score:
            hits += 1
            mapping[c.col] = fld
    if hits < int(cfg.get("min_header_cells", 2)):
        return None
    # every output field at most once: keep the leftmost of duplicates
    seen: set[str] = set()
    for col in sorted(mapping):
        fld = mapping[col]
        if fld in seen and fld in FIELDS:
            mapping[col] = "ignore"
        seen.add(fld)
    return mapping


def header_rows(grid: list[list[Cell]], n_cols: int) -> tuple[dict[int, str] | None, int]:
    """The header mapping and how many grid rows the header takes (1 to 3).

    A header may be set over two or three rows ("INDIKATOR KINERJA" / "INDIVIDU", or a
    merged "INDIKATOR" over sub-columns): the rows' texts are stacked per column and
    read together when the first row alone is not a header.
    """
    if not grid:
        return None, 0
    hm = header_mapping(grid[0], n_cols)
    if hm is not None:
        return hm, 1
    if len(grid) > 1 and not numbering_row(grid[0])[0]:
        hm = header_mapping(grid[1], n_cols)  # a title row above the header
        if hm is not None:
            return hm, 2
    for k in (2, 3):
        if len(grid) < k:
            break
        stacked: dict[int, list[str]] = {}
        for row in grid[:k]:
            for c in row:
                for col in range(c.col, c.col + max(1, c.col_span)):
                    if c.text:
                        stacked.setdefault(col, []).append(c.text)
        # per column, the stacked text or one of its rows, whichever reads best as a header
        cells = [
            Cell(row=0, col=col, lines=[max([" ".join(t), *t], key=lambda x: header_field(x)[1])])
            for col, t in sorted(stacked.items())
        ]
        if any(is_number_cell(c.text) for row in grid[:k] for c in row if c.text):
            break  # a numbering row is not part of a header
        hm = header_mapping(cells, n_cols)
        if hm is not None:
            return hm, k
    return None, 0


def default_mapping(n_cols: int) -> dict[int, str]:
    """Mapping for a table without a header, by its width."""
    if n_cols >= 5:
        base = ["no", *FIELDS] + ["ignore"] * (n_cols - 5)
    elif n_cols == 4:
        base = list(FIELDS)
    elif n_cols == 3:
        base = ["indikator", "formulasi", "sumber_data"]
    else:
        base = ["indikator", "formulasi"][:n_cols]
    return dict(enumerate(base))


def is_number_cell(text: str) -> bool:
    return bool(_NUMBER_CELL.match(text.strip()))


def numbering_row(cells: list[Cell]) -> tuple[bool, str | None]:
    """Whether the row is a column-numbering row ("1 2 3 4", "(1) (2) ...").

    Returns (is_numbering, leftover): a text sitting in the first cell of such
    a row (a SASARAN the OCR put on the numbering line) is the leftover.
    """
    filled = [c for c in cells if not c.empty]
    nums = [c for c in filled if is_number_cell(c.text)]
    if len(nums) < 2:
        return False, None
    others = [c for c in filled if not is_number_cell(c.text)]
    if not others:
        return True, None
    if len(others) == 1 and others[0] is filled[0] and len(nums) >= len(cells) - 1 - (len(cells) - len(filled)):
        return True, others[0].text
    return False, None
