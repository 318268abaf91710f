"""Lampiran: split into jabatan blocks and read each block's fields.

A block opens at a JABATAN label ("1. Jabatan : Kasi Pemerintahan",
"JABATAN : ...", or the label alone with the value on a later ": ..." line)
and runs to the heading or label of the next block.  Inside, TUGAS and FUNGSI
labels open their lists; tables are handed to the table stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import rules
from ..model import Block, Table, TextLine
from ..normalize.text import fold, has_item_marker, strip_item_marker
from .labels import score_line
from .patterns import patterns
from .sections import collect_items


@dataclass
class RawBlock:
    """A jabatan block as found: its title, list lines and table parts."""

    title: str
    tugas: list[str] = field(default_factory=list)
    fungsi: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # for each table part after the first: was anything but blank lines
    # between it and the previous part?
    page: int | None = None
    line_no: int = 0


def _label_kind(t: str) -> tuple[str, str] | None:
    p = patterns()
    for kind, pat in (("jabatan", p.jabatan_label), ("tugas", p.tugas_label), ("fungsi", p.fungsi_label)):
        m = pat.match(t)
        if m and (m.group("colon") or not m.group("rest").strip()):
            return kind, m.group("rest").strip()
    return None


# "A. ", "II. ", "3) " before a heading title
_HEADING_MARKER = re.compile(r"^(?:[IVX]{1,4}|\d{1,2}|[A-Za-z])\s*[.)]\s+")


@lru_cache(maxsize=1)
def _heading_conf() -> dict:
    return rules.load("keywords.yaml")["jabatan_heading"]


@lru_cache(maxsize=4096)
def heading_title(t: str) -> str | None:
    """The position title of a heading line that opens a block by itself, or ``None``.

    A short line, not a sentence nor a label, that the jabatan vocabulary matches as
    a position ("A. SEKRETARIS KELURAHAN", "Kepala Seksi Pemerintahan").
    """
    from ..normalize.jabatan import match_title  # the vocabulary stage, loaded on demand

    cfg = _heading_conf()
    s = t.strip()
    if not s or len(s) > int(cfg["max_chars"]) or ":" in s or s.endswith((",", ";", ".")):
        return None
    p = patterns()
    if _label_kind(s) or p.block_heading.match(s) or is_table_header_line(s):
        return None
    title = _HEADING_MARKER.sub("", s, count=1).strip()
    if not title or not title[:1].isalpha() or not title[:1].isupper():
        return None  # a title starts with a capital; a lower-case line is a wrapped tail
    m = match_title(title)
    if not m.matched or m.level is None or m.score < float(cfg["min_score"]):
        return None
    return title


def _heading_opens_block(blocks: list[Block], i: int) -> bool:
    """A heading title followed, within a few lines, by a TUGAS/FUNGSI label or a
    table, and not by a JABATAN label (which then opens the block itself)."""
    p = patterns()
    seen = 0
    for nb in blocks[i + 1 :]:
        if isinstance(nb, Table):
            return True
        if not nb.text.strip():
            continue
        seen += 1
        if seen > int(_heading_conf()["lookahead_lines"]):
            return False
        t = nb.text.strip()
        if p.tugas_label.match(t) or p.fungsi_label.match(t) or is_table_header_line(t):
            return True
        if p.jabatan_label.match(t) or heading_title(t) or has_item_marker(t) or nb.kind == "item":
            return False  # another block's label, or list items: the line sits inside a list
    return False


def find_block_starts(blocks: list[Block]) -> list[int]:
    """Indices of the blocks' JABATAN labels (label alone needs a value soon), and of
    heading titles that open a block without a label."""
    p = patterns()
    starts: list[int] = []
    for i, b in enumerate(blocks):
        if not isinstance(b, TextLine) or not b.text:
            continue
        m = p.jabatan_label.match(b.text)
        if not m:
            if heading_title(b.text) and _heading_opens_block(blocks, i):
                starts.append(i)
            continue
        if m.group("colon") and m.group("rest").strip():
            starts.append(i)
            continue
        # label alone: a value line (": X") or TUGAS label must follow shortly; the
        # labels' item numbers may stand on lines of their own ("1." / "Jabatan" /
        # "2." / "Tugas", a flattened label column)
        for nb in blocks[i + 1 : i + 8]:
            if isinstance(nb, TextLine) and nb.text:
                t = nb.text
                if _BARE_MARKER.match(t):
                    continue
                if p.value_line.match(t) or p.tugas_label.match(t):
                    starts.append(i)
                break
    return starts


# an item number alone on its line ("2.", "3)")
_BARE_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z])\s*[.)]\s*$")


def block_region_start(blocks: list[Block], label_idx: int, floor: int) -> int:
    """Move a block's start back over its heading lines (INDIKATOR KINERJA ...)."""
    p = patterns()
    j = label_idx
    k = label_idx - 1
    seen = 0
    while k > floor and seen < 4:
        b = blocks[k]
        if isinstance(b, Table):
            break
        if b.text:
            seen += 1
            if p.block_heading.match(b.text):
                j = k
                break
        k -= 1
    return j


def parse_block(blocks: list[Block]) -> RawBlock | None:
    """Fields of one block from its blocks (label first)."""
    pending: list[str] = []  # labels waiting for a value
    current: str | None = None
    fields: dict[str, list[TextLine]] = {"jabatan": [], "tugas": [], "fungsi": []}
    tables: list[Table] = []
    title: str | None = None
    page = None
    line_no = 0
    opened = False  # the current field was opened by an empty value line (":" then items)
    p = patterns()
    first = next((b for b in blocks if isinstance(b, TextLine) and b.text.strip()), None)
    head = heading_title(first.text) if first is not None and not _label_kind(first.text.strip()) else None
    if head is not None and first is not None:
        # a block opened by its heading title: the title is the JABATAN value
        title, page, line_no, current = head, first.page, first.line_no, "jabatan"
        fields["jabatan"] = [TextLine(text=head)]
    for b in blocks:
        if isinstance(b, Table):
            tables.append(b)
            current = None
            pending.clear()
            continue
        t = b.text.strip()
        if not t or b is first and head is not None:
            continue
        if tables:
            continue  # text after the table: headings, signatures, page furniture
        if is_table_header_line(t, split_slash=True):
            # a table flattened to text lines (pdftotext): its header ends the lists
            tables.append(Table(cells=[], n_rows=0, n_cols=0, page=b.page))
            continue
        if is_running_header(t):
            continue  # "Lampiran Keputusan ..." / "Nomor : ..." repeated at the top of each page
        lab = _label_kind(t)
        if lab:
            kind, rest = lab
            if kind == "jabatan" and title is not None:
                break
            if kind == "jabatan":
                page, line_no = b.page, b.line_no
            opened = False
            if rest:
                _assign(kind, rest, fields)
                current = kind
                if kind == "jabatan":
                    title = rest
            else:
                pending.append(kind)
            continue
        mv = p.value_line.match(t)
        if mv and is_table_header_line(mv.group("rest").strip()):
            # ": SASARAN": the colon column of the labels run into the table header
            tables.append(Table(cells=[], n_rows=0, n_cols=0, page=b.page))
            continue
        if mv:
            value = mv.group("rest").strip()
            target = pending.pop(0) if pending else current
            if not pending and not value and target in _NEXT_FIELD and fields[target]:
                # an empty value line after a filled field: the next field, whose
                # label a flattened layout set elsewhere
                target = _NEXT_FIELD[target]
            if target is None:
                continue
            current = target
            opened = not value
            if target == "jabatan":
                title = value
                fields["jabatan"] = [TextLine(text=value)]
            elif value:
                fields[target].append(TextLine(text=value, kind="item" if has_item_marker(value) else "text"))
            continue
        if p.block_heading.match(t):
            continue
        if current == "jabatan" and title is not None:
            if _continues_title(t, b):
                # a title wrapped under its hanging indent ("... pada Sub Bagian" / "Tata Usaha")
                title = f"{title} {t}"
                continue
            # a list item after the title closes it, even when the TUGAS label between
            # them was lost (a scan): the items' wrapped tails are not the title's
            current = None
        if pending and pending[0] != "jabatan" and not opened and (has_item_marker(t) or b.kind == "item"):
            current = pending.pop(0)
        if current in ("tugas", "fungsi"):
            fields[current].append(b)
    if title is None or head is not None and not tables:
        # a heading title opens a block only when an indicator table follows it
        return None
    title = fold(strip_item_marker(title) if title[:2].strip().isdigit() else title)
    title = title.strip(_TITLE_SPECKS) or title  # "- : STAFF UMUM ." as OCR leaves it
    tugas = _items(fields["tugas"])
    fungsi = _items(fields["fungsi"])
    return RawBlock(title=title, tugas=tugas, fungsi=fungsi, tables=tables, page=page, line_no=line_no)


@lru_cache(maxsize=2)
def _header_wordings(keys: tuple[str, ...] = ("no", "sasaran", "indikator", "formulasi", "sumber_data")) -> frozenset[str]:
    fields = rules.table_headers()["fields"]
    words = [str(w).upper() for key in keys for w in fields.get(key, [])]
    # each wording as written, and with its slashes read as word breaks (see is_table_header_line)
    return frozenset(re.sub(sep, " ", w).strip(" .") for w in words for sep in (r"\s+", r"[\s/]+"))


def is_table_header_line(t: str, split_slash: bool = False) -> bool:
    """An indicator table's column headers flattened to one line ("NO. SASARAN KINERJA
    INDIKATOR KINERJA SUMBER DATA", or "PENJELASAN/" of a header set over two lines):
    the line is nothing but header wordings.  In upper case one wording will do; in
    any case ("No  KINERJA  INDIKATOR ...", "No. Sasaran Indikator Kinerja") it takes two.
    ``split_slash``: a slash is a word break too ("INDIKATOR KINERJA  PENJELASAN/FORMULASI",
    two header cells run together), for where a header ends a block's lists."""
    words = (t.upper().replace("/", " ") if split_slash else t.upper()).split()
    if not words or len(words) > 16:
        return False
    known = _header_wordings()
    # fewest wordings that cover words[:i] (None: not coverable)
    reach: list[int | None] = [0] + [None] * len(words)
    for i in range(len(words)):
        if reach[i] is None:
            continue
        for j in range(i + 1, min(len(words), i + 5) + 1):
            if " ".join(words[i:j]).strip(" ./") in known:
                n = reach[i] + 1
                reach[j] = n if reach[j] is None else min(reach[j], n)
    parts = reach[-1]
    if parts == 1 and " ".join(words).strip(" ./") in _header_wordings(("no",)):
        return False  # a lone "NO." (a flattened layout puts it beside the block's labels)
    return parts is not None and (t.isupper() or parts >= 2)


def is_running_header(t: str) -> bool:
    """A line of the running header a Lampiran repeats on each page: it opens with a
    LAMPIRAN, NOMOR or TANGGAL label (models/sections.yaml), which no duty, function
    or position title does."""
    kinds = {str(k) for k in rules.load("sections.yaml")["running_header"]}
    strong = float(rules.load("sections.yaml")["score"]["strong"])
    return any(lb.kind in kinds and lb.score >= strong for lb in score_line(t))


_NEXT_FIELD = {"jabatan": "tugas", "tugas": "fungsi"}
_TITLE_SPECKS = " -–—:;,.'`\"|"  # punctuation a title never starts or ends with
_OTHER_LABEL = re.compile(r"^[A-Za-z][A-Za-z ./]{1,30}\s*:")


def _continues_title(t: str, line: TextLine) -> bool:
    return not (has_item_marker(t) or line.kind == "item" or _OTHER_LABEL.match(t))


def _assign(kind: str, rest: str, fields: dict[str, list[TextLine]]) -> None:
    if kind == "jabatan":
        fields["jabatan"] = [TextLine(text=rest)]
    else:
        fields[kind].append(TextLine(text=rest, kind="item" if has_item_marker(rest) else "text"))


def _items(lines: list[TextLine]) -> list[str]:
    """Tugas/fungsi items; "-" means none, and a lone short token (a speck, or a "-"
    OCR misread as "5" or "NG") is never a duty or a function."""
    items = collect_items(lines)
    return [i for i in items if i not in {"-", "–", "—"} and not _speck(i)]


def _speck(item: str) -> bool:
    return " " not in item and len(item) <= 6 and item[:1] != "("
