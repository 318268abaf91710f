"""Labels that a reader left in a table, or set beside the item they label.

A PDF may lay out "Menimbang | : | a. bahwa ..." as a borderless or ruled
table, and a text reader may keep it as one; layout reads sections from
lines, so such a table whose first column holds section labels becomes
labelled lines ("Menimbang : a. bahwa ...", then one line per further text
line of the cell).  A label set vertically centred beside a multi-line item
comes out of a PDF below the item's first lines; it is moved up to stand
before them.
"""

from __future__ import annotations

import re

from ..model import Block, Table, TextLine
from ..normalize.text import has_item_marker
from .labels import score_line

# label kinds a body table may hold in its first column
_BODY_KINDS = frozenset(
    {"nomor", "tentang", "menimbang", "mengingat", "memperhatikan", "menetapkan", "diktum", "penetapan", "tembusan", "jabatan"}
)
_SEP = re.compile(r"^\s*[:.]?\s*$")


def _label_of(text: str) -> str | None:
    lbs = [
        lb
        for lb in score_line(text)
        if lb.kind in _BODY_KINDS and lb.score >= 0.7 and not lb.rest and lb.word != "NO"  # a "NO" column
    ]
    return lbs[0].kind if lbs else None


def _is_label_table(t: Table) -> bool:
    rows = [r for r in t.rows() if r]
    if not rows or t.n_cols > 4:
        return False
    firsts = [r[0].text.strip() for r in rows if r[0].col == 0 and r[0].text.strip()]
    labelled = sum(1 for f in firsts if _label_of(f))
    return labelled >= 1 and labelled * 2 >= len(firsts)


def table_lines(t: Table) -> list[TextLine]:
    """The rows of a label table as text lines: "Label : first line", then the rest."""
    out: list[TextLine] = []
    for row in t.rows():
        cells = [c for c in row if c.text.strip() and not _SEP.match(c.text)]
        if not cells:
            continue
        label = cells[0].text.strip() if cells[0].col == 0 and _label_of(cells[0].text) else None
        body = cells[1:] if label else cells
        texts = [ln.strip() for c in body for ln in c.lines if ln.strip()]
        bbox = row[0].bbox
        if label:
            first = f"{label} : {texts[0]}" if texts else f"{label} :"
            out.append(TextLine(text=first, page=t.page, bbox=bbox, line_no=t.line_no))
            texts = texts[1:]
        out.extend(TextLine(text=s, page=t.page, line_no=t.line_no) for s in texts)
    return out


def expand_label_tables(blocks: list[Block]) -> list[Block]:
    """Tables whose first column holds section labels, as labelled lines."""
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Table) and _is_label_table(b):
            out.extend(table_lines(b))
        else:
            out.append(b)
    return out


def _alone_label(b: Block) -> bool:
    if not isinstance(b, TextLine) or b.bbox is None:
        return False
    return _label_of(b.text.strip()) is not None


def _in_text_column(b: Block, label: TextLine) -> bool:
    return (
        isinstance(b, TextLine)
        and b.bbox is not None
        and label.bbox is not None
        and b.page == label.page
        and bool(b.text.strip())
        and b.bbox[0] > label.bbox[2]
    )


def pull_centred_labels(blocks: list[Block]) -> list[Block]:
    """A label alone on its line, below the first lines of the item it labels, moves up.

    The lines it moves over (at most three) sit right of the label, in the text
    column, the first of them opening an item; the line above them does not.
    """
    out = list(blocks)
    for i, b in enumerate(blocks):
        if not _alone_label(b):
            continue
        assert isinstance(b, TextLine)
        k = i
        while k > 0 and i - k < 3 and _in_text_column(out[k - 1], b) and not score_line(out[k - 1].text):
            k -= 1
        if k == i or not has_item_marker(out[k].text):
            continue
        before = out[k - 1] if k > 0 else None
        if before is not None and _in_text_column(before, b) and not score_line(before.text):
            continue  # the run goes on above: not the item's first lines
        out.insert(k, out.pop(i))
    return out
