"""Table reconstruction: table parts of one jabatan block → indikator rows.

Implements the Table rules of SCHEMA.md over the IR's table grids:

1. column-numbering rows dropped (also when merged into the first data row);
2. the NO column dropped (but read: a new number opens a new row group);
3. SASARAN filled down over the rows it spans, INDIKATOR filled down over
   FORMULASI sub-rows;
4. FORMULASI and SUMBER DATA never filled;
5. a row cut by a page/table break is joined to the row it continues;
6. repeated header rows dropped.

A table that continues on the next part (a new ``Table`` block after a
break) keeps the column mapping of the part before, unless it repeats the
header.  Parts narrower than the mapping are aligned by content
(:mod:`.align`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import rules
from ..model import Cell, IndikatorRow, Table
from ..normalize.text import fold, strip_bullet
from .align import align_part
from .cells import fix_list_marks, join_lines
from .columns import (
    FIELDS,
    default_mapping,
    header_mapping,
    header_rows,
    is_header_tail,
    is_number_cell,
    numbering_row,
)
from .formula import formula_text

_BULLET_START = re.compile(r"^\s*(?:[❖•●▪◦·►➢*]|[-–—](?=\s))")
_ITEM_NUM = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s")
#: cells that are never filled down (SCHEMA.md table rule 4)
_NEVER_FILLED = frozenset({"formulasi", "sumber_data"})
#: cells whose lower-case start is strong evidence of a run-on (sumber data may
#: start in lower case: "sda")
_RUN_ON_STRONG = frozenset({"indikator", "formulasi"})


@lru_cache(maxsize=1)
def _open_end() -> re.Pattern[str]:
    """A text that stops mid-sentence: a comma, hyphen or connective at its end."""
    words = "|".join(re.escape(w) for w in rules.keywords()["continuation_words"])
    return re.compile(rf"(?:,|-|\b(?:{words}))\s*$", re.I)


@dataclass
class RawRow:
    """One row before fill-down: field → (text, first raw line)."""

    text: dict[str, str] = field(default_factory=dict)
    raw_first: dict[str, str] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)
    bars: dict[str, list[int]] = field(default_factory=dict)
    page: int | None = None
    confidence: float | None = None
    field_conf: dict[str, float] = field(default_factory=dict)  # lowest cell confidence per field
    ignored: dict[int, str] = field(default_factory=dict)  # column -> text of a column not kept (TARGET)

    def get(self, f: str) -> str:
        return self.text.get(f, "")


def _clean_lines(cell: Cell) -> list[str]:
    """Text rule 1 on a cell's lines: leading bullets go (also squeezed ones)."""
    out: list[str] = []
    for ln in cell.lines:
        s = fold(ln)
        if _BULLET_START.match(s):
            glyph = s.lstrip()[0]
            s = strip_bullet(s)
            # a bulleted list squeezed onto one line: "- Profil - Monografi"
            if glyph in "-–":
                s = re.sub(rf"\s{re.escape(glyph)}\s(?=[A-Z])", " ", s)
            else:
                s = re.sub(rf"\s{re.escape(glyph)}\s*", " ", s)
        if s:
            out.append(s)
    return out


def _row_from_cells(cells: list[Cell], mapping: dict[int, str]) -> RawRow:
    row = RawRow()
    for c in cells:
        fld = mapping.get(c.col)
        if fld == "ignore" and c.text.strip():
            row.ignored[c.col] = c.text.strip()
        if fld is None or fld == "ignore":
            continue
        lines = _clean_lines(c)
        if not lines:
            continue
        prev = row.lines.get(fld, [])
        row.lines[fld] = prev + lines
        row.bars[fld] = list(c.fraction_bars)
        row.raw_first.setdefault(fld, c.lines[0] if c.lines else "")
        if row.page is None:
            row.page = c.page
        if c.confidence is not None:
            row.confidence = c.confidence if row.confidence is None else min(row.confidence, c.confidence)
            _min_conf(row.field_conf, fld, c.confidence)
    for fld, lines in row.lines.items():
        row.text[fld] = fix_list_marks(join_lines(lines))
    return row


def _min_conf(confs: dict[str, float], fld: str, value: float | None) -> None:
    if value is not None:
        confs[fld] = value if fld not in confs else min(confs[fld], value)


def _strip_merged_numbering(cells: list[Cell], mapping: dict[int, str]) -> list[Cell]:
    """Drop column numbers OCR merged into the first data row ("1 Tersusunnya")."""
    filled = [c for c in cells if not c.empty and mapping.get(c.col) not in (None, "ignore")]
    if len(filled) < 2:
        return cells
    hits = 0
    for c in filled:
        k = str(c.col + 1)
        first = c.lines[0].strip() if c.lines else ""
        if first.strip("()") == k or re.match(rf"^\(?{k}\)?\s+\S", first):
            hits += 1
    if hits < max(2, len(filled) - 1):
        return cells
    out = []
    for c in cells:
        k = str(c.col + 1)
        lines = list(c.lines)
        if lines and lines[0].strip().strip("()") == k:
            lines = lines[1:]
        elif lines:
            lines[0] = re.sub(rf"^\(?{k}\)?\s+", "", lines[0].strip(), count=1)
        out.append(Cell(row=c.row, col=c.col, lines=lines, row_span=c.row_span, col_span=c.col_span,
                        bbox=c.bbox, page=c.page, confidence=c.confidence, fraction_bars=c.fraction_bars))
    return out


def _max_item(text: str) -> int:
    nums = [int(m.group(1)) for m in _ITEM_NUM.finditer(" " + text)]
    return max(nums) if nums else 0


def _continues_cell(prev: str, cur: str, raw: str) -> bool | None:
    """True: continues; False: starts fresh; None: no opinion."""
    if not cur:
        return None
    if _BULLET_START.match(raw or ""):
        return False
    m = re.match(r"^(\d{1,2})[.)]\s", cur)
    if m:
        k = int(m.group(1))
        if not prev:
            return False
        if k == 1:
            return prev.rstrip().endswith(":")  # "... meliputi :" then the list
        return _max_item(prev) == k - 1
    if cur[0].islower() or cur[0] in "(,;":
        return True
    if prev and _open_end().search(prev):
        return True
    # the tail of an item, then the next number of the list above ("... PD 10. ...")
    nums = [int(x.group(1)) for x in _ITEM_NUM.finditer(" " + cur)]
    if nums and nums[0] > 1 and _max_item(prev) == nums[0] - 1:
        return True
    return None


def _names_a_measure(text: str) -> bool:
    first = text.split(" ", 1)[0].lower() if text else ""
    return first in rules.keywords().get("indicator_measure_words", [])


def is_continuation(prev: RawRow, cur: RawRow, sasaran_owner: RawRow | None = None) -> bool:
    """Whether ``cur`` (first row after a break) continues ``prev``.

    ``sasaran_owner`` is the row whose (merged) SASARAN ``prev`` sits under: a
    SASARAN cell after the break is compared with that text.
    """
    if cur.get("no"):
        return False
    votes_cont = votes_fresh = weak_fresh = 0
    for f in FIELDS:
        before = prev.get(f)
        if f == "sasaran" and not before and sasaran_owner is not None:
            before = sasaran_owner.get("sasaran")
        text = cur.get(f)
        v = _continues_cell(before, text, cur.raw_first.get(f, ""))
        if v is True:
            # a text left open ("... Pangan dan") or an INDIKATOR / FORMULASI
            # going on in lower case (they never start so) outweighs a cell
            # that merely starts in upper case
            strong = bool(before and _open_end().search(before)) or (
                f in _RUN_ON_STRONG and text[:1].islower()
            )
            votes_cont += 2 if strong else 1
        elif v is False:
            votes_fresh += 1
        elif text:
            weak_fresh += 1  # a text with no sign of running on
    if votes_cont > 0 and votes_cont >= votes_fresh + weak_fresh:
        return True
    # a row cut just before its last words: only cells the row above already
    # has, and no FORMULASI of its own although the row above has one
    have = {f for f in FIELDS if cur.get(f)}
    prev_have = {f for f in FIELDS if prev.get(f)}
    if "sumber_data" in have and not have & {"indikator", "formulasi"}:
        return True  # a SUMBER DATA cannot open a row: the tail of a cut row
    if (
        _NEVER_FILLED & (prev_have - have)
        and not _names_a_measure(cur.get("indikator"))
        and (prev.get("no") or not cur.get("sasaran"))
    ):
        # the first row after the break has no number and lacks a FORMULASI or
        # SUMBER DATA the row above has (cells never filled down), and either
        # the rows are numbered or it sits under the merged SASARAN: the rest
        # of the cut row, whatever its wording -- unless its INDIKATOR opens with
        # a measure word ("Jumlah ...": a row of its own with an empty SUMBER DATA)
        return votes_fresh == 0
    if "sasaran" in have and "indikator" not in have and prev.get("indikator") and not votes_fresh:
        # a row that opens a SASARAN of its own has an INDIKATOR of its own (it
        # cannot fill one down from another SASARAN): the rest of the cut row
        return True
    if not have or {"sasaran", "indikator"} <= have:
        return False
    if have < prev_have and "formulasi" in prev_have - have:
        return True
    # the rest of the row: only the cells the row above left empty (a formula
    # that moved whole to the next page)
    return not (have & prev_have) and "indikator" in prev_have and "indikator" not in have


def _carry_merged_sasaran(rows: list[RawRow], cur: RawRow) -> None:
    """A merged SASARAN whose text ran over the page break, above a new row.

    The new part's SASARAN cell then holds the rest of the merged cell's text:
    it is appended to the SASARAN it continues, and the new row inherits it.
    """
    text = cur.get("sasaran")
    if not text:
        return
    if cur.get("no") and not (text[0].islower() or text[0] in "(,;"):
        # a numbered row opens its own SASARAN unless the text plainly runs on
        # (starts in lower case: "masyarakat yang dinamis ...")
        return
    owner = next((r for r in reversed(rows) if r.get("sasaran")), None)
    if owner is None or not _continues_cell(owner.get("sasaran"), text, cur.raw_first.get("sasaran", "")):
        return
    owner.text["sasaran"] = fold(owner.get("sasaran") + " " + text)
    owner.lines["sasaran"] = owner.lines.get("sasaran", []) + cur.lines.pop("sasaran", [])
    del cur.text["sasaran"]
    _min_conf(owner.field_conf, "sasaran", cur.field_conf.pop("sasaran", None))


def _join(prev: RawRow, cur: RawRow, sasaran_owner: RawRow | None = None) -> None:
    if cur.get("sasaran") and not prev.get("sasaran") and sasaran_owner is not None:
        # the rest of a merged SASARAN: it belongs to the row that owns the merge
        sasaran_owner.text["sasaran"] = fold(sasaran_owner.get("sasaran") + " " + cur.get("sasaran"))
        sasaran_owner.lines["sasaran"] = sasaran_owner.lines.get("sasaran", []) + cur.lines.get(
            "sasaran", []
        )
        _min_conf(sasaran_owner.field_conf, "sasaran", cur.field_conf.get("sasaran"))
        cur = RawRow(
            text={k: v for k, v in cur.text.items() if k != "sasaran"},
            raw_first=cur.raw_first,
            lines={k: v for k, v in cur.lines.items() if k != "sasaran"},
            bars=cur.bars,
            page=cur.page,
            confidence=cur.confidence,
            field_conf={k: v for k, v in cur.field_conf.items() if k != "sasaran"},
        )
    for f, lines in cur.lines.items():
        if f in prev.lines:
            prev.lines[f] = prev.lines[f] + lines
        else:
            prev.lines[f] = list(lines)
            prev.bars[f] = cur.bars.get(f, [])
        prev.text[f] = fold(prev.get(f) + " " + cur.get(f))
    if cur.confidence is not None:
        prev.confidence = cur.confidence if prev.confidence is None else min(prev.confidence, cur.confidence)
    for f, v in cur.field_conf.items():
        _min_conf(prev.field_conf, f, v)


def raw_rows(parts: list[Table]) -> tuple[list[RawRow], str | None]:
    """All data rows of a block's table parts, joined across breaks."""
    rows: list[RawRow] = []
    mapping: dict[int, str] | None = None
    width = 0
    pending_sasaran: str | None = None
    reference: list[RawRow] = []
    for pi, part in enumerate(parts):
        grid = [r for r in part.rows() if any(not c.empty for c in r)]
        if not grid:
            continue
        ragged = set(part.ragged_rows)
        first_data = True
        saw_numbering = False
        part_mapping = mapping
        start = 0
        hm, header_height = header_rows(grid, part.n_cols)
        if hm is not None:
            mapping = part_mapping = hm
            width = part.n_cols
            start = header_height
        elif mapping is None:
            mapping = part_mapping = default_mapping(part.n_cols)
            width = part.n_cols
        elif part.n_cols < width:
            part_mapping = align_part(part, mapping, width, rows)
        for cells in grid[start:]:
            if header_mapping(cells, part.n_cols) is not None:
                continue  # a repeated header row
            if first_data and is_header_tail(cells):
                continue  # the tail of a header cut by the page break
            is_num, leftover = numbering_row(cells)
            if is_num:
                saw_numbering = True
                if leftover:
                    pending_sasaran = fold(leftover)
                continue
            row_map = part_mapping
            if cells[0].row in ragged and part_mapping is mapping:
                # a text row with fewer cells than the grid (the reader could not
                # tell their columns): the missing cells are the leading ones
                shift = part.n_cols - len(cells)
                row_map = {c: part_mapping.get(c + shift, "ignore") for c in range(len(cells))}
            if first_data and not saw_numbering and start >= 1:
                cells = _strip_merged_numbering(cells, row_map)
            row = _row_from_cells(cells, row_map)
            if not any(row.get(f) for f in (*FIELDS, "jabatan")):
                continue
            if pending_sasaran and not row.get("sasaran"):
                row.text["sasaran"] = pending_sasaran
                row.lines["sasaran"] = [pending_sasaran]
            pending_sasaran = None
            owner = next((r for r in reversed(rows) if r.get("sasaran")), None)
            if first_data and pi > 0 and rows and is_continuation(rows[-1], row, owner):
                _join(rows[-1], row, owner)
            else:
                if first_data and pi > 0 and rows:
                    _carry_merged_sasaran(rows, row)
                rows.append(row)
            first_data = False
        reference = rows
    del reference
    return rows, pending_sasaran


def _assemble(rows: list[RawRow]) -> list[IndikatorRow]:
    """Fill-down (SASARAN, INDIKATOR over FORMULASI sub-rows) and formulas."""
    out: list[IndikatorRow] = []
    last_sasaran: str | None = None
    last_indikator: str | None = None
    last_conf: dict[str, float | None] = {}
    for r in rows:
        if not any(r.get(f) for f in FIELDS):
            continue  # a row that only names a position (IKI matrix group row)
        conf: dict[str, float | None] = {f: r.field_conf.get(f) for f in FIELDS}
        sasaran = r.get("sasaran") or last_sasaran
        if not r.get("sasaran"):
            conf["sasaran"] = last_conf.get("sasaran")  # filled down: the source cell's
        indikator = r.get("indikator") or None
        formulasi = fix_list_marks(
            formula_text(r.lines.get("formulasi", []), r.bars.get("formulasi"))
        ) or None
        sumber = r.get("sumber_data") or None
        if indikator is None and (formulasi or sumber):
            indikator = last_indikator
            conf["indikator"] = last_conf.get("indikator")
        last_sasaran, last_indikator = sasaran, indikator
        last_conf = conf
        out.append(
            IndikatorRow(sasaran, indikator, formulasi, sumber, page=r.page, confidence=r.confidence,
                         confidence_sasaran=conf.get("sasaran"),
                         confidence_indikator=conf.get("indikator"),
                         confidence_formulasi=conf.get("formulasi"),
                         confidence_sumber_data=conf.get("sumber_data"))
        )
    return out


def reconstruct(parts: list[Table]) -> list[IndikatorRow]:
    """Indikator rows of one block from its table parts (SCHEMA.md table rules)."""
    rows, _ = raw_rows(parts)
    return _assemble(rows)


def has_jabatan_column(parts: list[Table]) -> bool:
    """Whether the table names the position in a column of its own (an IKI matrix)."""
    for part in parts:
        grid = [r for r in part.rows() if any(not c.empty for c in r)]
        if grid:
            hm, _ = header_rows(grid, part.n_cols)
            if hm and "jabatan" in hm.values():
                return True
    return False


def reconstruct_by_jabatan(parts: list[Table]) -> list[tuple[str, list[IndikatorRow]]]:
    """Rows of a table that covers many positions, grouped by its JABATAN column.

    The JABATAN cell spans (or is left empty under) the rows of its position, like
    SASARAN; fill-down of SASARAN and INDIKATOR restarts with each position.
    """
    rows, _ = raw_rows(parts)
    groups: list[tuple[str, list[RawRow]]] = []
    for r in rows:
        title = r.get("jabatan")
        if title or not groups:
            groups.append((title or "", []))
        groups[-1][1].append(r)
    return [(title, _assemble(rs)) for title, rs in groups if title]


__all__ = [
    "has_jabatan_column",
    "is_continuation",
    "is_number_cell",
    "raw_rows",
    "reconstruct",
    "reconstruct_by_jabatan",
]
