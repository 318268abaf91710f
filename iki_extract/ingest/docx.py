"""Reader for Word documents (.docx) → the shared IR.

The container is checked first (:mod:`.container`); python-docx opens the package
and the body is walked on its XML (lxml) in document order:

* a paragraph becomes one :class:`TextLine`: its list label resolved from
  ``numbering.xml`` (:mod:`.numbering`: "a.", "2.", "•" as Word shows them) in front
  of the text, tabs and line breaks as single spaces (as the PDF reader joins the
  words of a baseline), the indent as the x position of its bbox, bold when most of
  its characters are bold; an empty paragraph is a ``blank`` line (a paragraph gap);
  deleted revisions, hidden text and field codes are not text;
* a table becomes a :class:`Table`: ``gridSpan`` gives ``col_span``, ``vMerge``
  ``row_span``; a cell's paragraphs are its lines; a table nested in a cell is read
  in place: a stacked fraction (numerator over denominator, "x 100%" beside) gives
  the lines and ``fraction_bars`` the PDF reader gives, any other nested table one
  line per row;
* a borderless table of at most :data:`LAYOUT_MAX_COLS` columns is a layout device
  (Menimbang | : | items) and is read as the lines it shows on the page: per row, the
  cells' paragraphs side by side;
* text boxes (``w:txbxContent``) come out as lines of their own after the paragraph
  that anchors them, never merged into its text; the page header of each section
  that has its own is read once where the section starts (as the first page shows
  it); footers (page numbers, print notes) are page furniture and are dropped;
* explicit page breaks (``w:br type=page``, ``pageBreakBefore``, section breaks)
  start a new IR page.  Word reflows text, so these are not printed page numbers:
  the document's origin is ``"office"``, whose page numbers are not reported.

Macros are never loaded, external relationships never followed (see
:mod:`.container`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Block, Cell, Document, Page, Table, TextLine
from .container import check_zip, require_member
from .numbering import Numbering, W
from .spacing import join_letter_spacing

LAYOUT_MAX_COLS = 3  # a borderless grid this narrow is page layout, not data
LINE_PT = 14.0  # virtual line pitch for the y of bboxes (Word has no fixed layout)
TWIPS_PER_PT = 20.0
TEXT_WIDTH_PT = 450.0  # A4 text width with Word's default margins
CHAR_PT = 5.5  # mean advance of one 11 pt character, for line-end estimates

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = {W + "delText", W + "instrText", W + "delInstrText"}


@dataclass
class _State:
    numbering: Numbering
    styles_bold: set[str]
    page: int = 1
    y: float = 0.0
    pages: list[Page] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def break_page(self) -> None:
        if self.blocks:
            self.pages.append(Page(number=self.page, blocks=self.blocks, origin="office"))
            self.page += 1
        self.blocks = []
        self.y = 0.0


def read_docx(path: Path, data: bytes) -> Document:
    """Read a .docx into a :class:`Document` (``origin="office"``)."""
    zf = check_zip(path, data, "DOCX")
    require_member(path, zf, "word/document.xml", "DOCX")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(path, f"corrupt DOCX container: {str(exc)[:100]}") from exc
    except Exception as exc:  # lxml / zip errors inside python-docx
        raise InputError(path, f"corrupt DOCX: {type(exc).__name__}: {str(exc)[:100]}") from exc
    try:
        numbering_el = d.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering_el = None
    styles_el = d.styles.element
    st = _State(numbering=Numbering.from_xml(numbering_el, styles_el),
                styles_bold=_bold_styles(styles_el))
    body = d.element.body
    sections = list(d.sections)
    sec_no = 0
    _header(st, sections, sec_no)
    for el in _body_children(body):
        if el.tag == W + "p":
            _paragraph(st, el)
            if el.find(f"{W}pPr/{W}sectPr") is not None:  # a section break ends here
                sec_no += 1
                st.break_page()
                _header(st, sections, sec_no)
        elif el.tag == W + "tbl":
            _table(st, el)
    st.break_page()
    if not any(b for p in st.pages for b in p.blocks if not _is_blank(b)):
        raise InputError(path, "empty document: no text in the DOCX")
    return Document(source_file=Path(path).name, pages=st.pages, origin="office")


def blocks_of_body(body_el, numbering: Numbering, styles_bold: set[str]) -> list[Page]:
    """The IR pages of a WordprocessingML body element (for tests and other readers)."""
    st = _State(numbering=numbering, styles_bold=styles_bold)
    for el in _body_children(body_el):
        if el.tag == W + "p":
            _paragraph(st, el)
        elif el.tag == W + "tbl":
            _table(st, el)
    st.break_page()
    return st.pages


# --------------------------------------------------------------------------
# Walking
# --------------------------------------------------------------------------


def _body_children(el):
    """Paragraphs and tables in order, looking through content controls and the like."""
    for child in el:
        tag = child.tag
        if tag in (W + "p", W + "tbl"):
            yield child
        elif tag in (W + "sdt", W + "customXml", W + "smartTag"):
            content = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if content is not None:
                yield from _body_children(content)


def _is_blank(b: Block) -> bool:
    return isinstance(b, TextLine) and b.kind == "blank"


def _bold_styles(styles_el) -> set[str]:
    out: set[str] = set()
    if styles_el is None:
        return out
    for s in styles_el.findall(W + "style"):
        b = s.find(f"{W}rPr/{W}b")
        if b is not None and b.get(W + "val", "true") not in ("0", "false", "off"):
            out.add(s.get(W + "styleId", ""))
    return out


def _header(st: _State, sections, n: int) -> None:
    if n >= len(sections):
        return
    sec = sections[n]
    try:
        hdr = sec.first_page_header if sec.different_first_page_header_footer else sec.header
        if hdr.is_linked_to_previous and n > 0:
            return
        el = hdr._element
    except (AttributeError, KeyError, ValueError):
        return
    for child in _body_children(el):
        if child.tag == W + "p":
            _paragraph(st, child, in_header=True)
        elif child.tag == W + "tbl":
            _table(st, child)


# --------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------


@dataclass
class _Para:
    text: str
    bold: bool
    x0: float
    page_break_before: bool = False
    page_break_after: bool = False
    boxes: list["_Para"] = field(default_factory=list)


def _on(el) -> bool:
    return el is not None and el.get(W + "val", "true") not in ("0", "false", "off", "none")


def _run_text(r, out: list[str]) -> bool:
    """Append the run's text; return whether it held a page break."""
    brk = False
    for ch in r:
        tag = ch.tag
        if tag == W + "t":
            out.append(ch.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag == W + "br":
            if ch.get(W + "type") == "page":
                brk = True
            out.append(" ")
        elif tag == W + "cr":
            out.append(" ")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "softHyphen":
            continue
        elif tag == W + "sym":
            code = ch.get(W + "char", "")
            try:
                c = chr(int(code, 16))
            except ValueError:
                continue
            out.append("•" if 0xF000 <= ord(c) <= 0xF0FF else c)
    return brk


def _text_boxes(el) -> list:
    """``w:txbxContent`` elements under ``el`` (the mc:Choice copy only)."""
    out = []
    for tb in el.iter(W + "txbxContent"):
        anc = tb.getparent()
        fallback = False
        while anc is not None and anc is not el:
            if anc.tag == MC + "Fallback":
                fallback = True
                break
            anc = anc.getparent()
        if not fallback:
            out.append(tb)
    return out


def _read_para(st: _State, p) -> _Para:
    ppr = p.find(W + "pPr")
    style = _val(ppr, "pStyle")
    style_bold = style in st.styles_bold
    parts: list[str] = []
    bold_chars = total = 0
    brk = False
    for r in _runs(p):
        rpr = r.find(W + "rPr")
        if rpr is not None and _on(rpr.find(W + "vanish")):
            continue
        before = len("".join(parts))
        brk = _run_text(r, parts) or brk
        n = len("".join(parts)) - before
        b = rpr.find(W + "b") if rpr is not None else None
        is_bold = _on(b) if b is not None else style_bold
        total += n
        bold_chars += n if is_bold else 0
    raw = "".join(parts)
    label = ""
    npr = ppr.find(W + "numPr") if ppr is not None else None
    num_id, ilvl = None, 0
    if npr is not None:
        num_id = _val(npr, "numId")
        ilvl = int(_val(npr, "ilvl", "0") or 0)
    elif style in st.numbering.style_num:
        num_id, ilvl = st.numbering.style_num[style]
    x0 = 0.0
    if num_id is not None and raw.strip():
        label = st.numbering.label(num_id, ilvl)
        lvl = st.numbering.level(num_id, ilvl)
        if lvl is not None:
            x0 = max(0.0, (lvl.left_twips - lvl.hanging_twips) / TWIPS_PER_PT)
    ind = ppr.find(W + "ind") if ppr is not None else None
    if ind is not None:
        left = _num(ind, "left") or _num(ind, "start")
        first = _num(ind, "firstLine") - _num(ind, "hanging")
        if left or first:
            x0 = max(0.0, (left + first) / TWIPS_PER_PT)
    text = " ".join(join_letter_spacing(raw).split())
    if label:
        text = f"{label} {text}"
    out = _Para(text=text, bold=total > 0 and bold_chars * 2 >= total, x0=x0,
                page_break_before=ppr is not None and _on(ppr.find(W + "pageBreakBefore")),
                page_break_after=brk)
    for tb in _text_boxes(p):
        for bp in _body_children(tb):
            if bp.tag == W + "p":
                out.boxes.append(_read_para(st, bp))
    return out


def _runs(p):
    """The paragraph's runs in order, through hyperlinks, fields and insertions,
    but not into text boxes (read on their own) or deleted text."""
    for ch in p:
        tag = ch.tag
        if tag == W + "r":
            yield ch
        elif tag in (W + "hyperlink", W + "ins", W + "smartTag", W + "fldSimple",
                     W + "customXml", W + "bdo", W + "dir"):
            yield from _runs(ch)
        elif tag == W + "sdt":
            content = ch.find(W + "sdtContent")
            if content is not None:
                yield from _runs(content)


def _num(el, attr: str) -> float:
    v = el.get(W + attr)
    try:
        return float(v) if v is not None else 0.0
    except ValueError:
        return 0.0


def _val(el, tag: str, default: str | None = None) -> str | None:
    if el is None:
        return default
    child = el.find(W + tag)
    if child is None:
        return default
    return child.get(W + "val", default)


def _line(st: _State, para: _Para) -> TextLine:
    n_lines = max(1, int(len(para.text) * CHAR_PT // max(TEXT_WIDTH_PT - para.x0, 100.0)) + 1)
    width = min(TEXT_WIDTH_PT, para.x0 + len(para.text) * CHAR_PT)
    top = st.y
    st.y += LINE_PT * n_lines
    return TextLine(text=para.text, page=st.page, bbox=(para.x0, top, width, st.y),
                    bold=para.bold)


def _paragraph(st: _State, p, in_header: bool = False) -> None:
    para = _read_para(st, p)
    if para.page_break_before and not in_header:
        st.break_page()
    if para.text:
        st.blocks.append(_line(st, para))
    elif not para.boxes and st.blocks and not _is_blank(st.blocks[-1]):
        st.blocks.append(TextLine(text="", page=st.page, kind="blank"))
        st.y += LINE_PT
    for box in para.boxes:
        if box.text:
            st.blocks.append(_line(st, box))
    if para.page_break_after and not in_header:
        st.break_page()


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


@dataclass
class _GridCell:
    row: int
    col: int
    span: int
    el: object
    row_span: int = 1


def _grid(tbl) -> tuple[list[_GridCell], int, int]:
    """The table's cells on its grid, vMerge continuations folded into their head."""
    cells: list[_GridCell] = []
    open_at: dict[int, _GridCell] = {}  # grid column -> cell a vMerge may continue
    n_cols = 0
    rows = [tr for tr in tbl if tr.tag == W + "tr"]
    for r, tr in enumerate(rows):
        trpr = tr.find(W + "trPr")
        col = int(_val(trpr, "gridBefore", "0") or 0)
        for tc in _row_cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = max(1, int(_val(tcpr, "gridSpan", "1") or 1))
            vm = tcpr.find(W + "vMerge") if tcpr is not None else None
            cont = vm is not None and vm.get(W + "val", "continue") == "continue"
            head = open_at.get(col)
            if cont and head is not None and head.span == span:
                head.row_span = r - head.row + 1
            else:
                gc = _GridCell(row=r, col=col, span=span, el=tc)
                cells.append(gc)
                for k in range(col, col + span):
                    open_at[k] = gc
            col += span
        n_cols = max(n_cols, col)
    return cells, len(rows), n_cols


def _row_cells(tr):
    for ch in tr:
        if ch.tag == W + "tc":
            yield ch
        elif ch.tag in (W + "sdt", W + "customXml"):
            content = ch.find(W + "sdtContent") if ch.tag == W + "sdt" else ch
            if content is not None:
                yield from _row_cells(content)


def _has_borders(tbl, st: _State) -> bool:
    """Whether the table draws any visible rule (own, cell-level, or style borders)."""
    tblpr = tbl.find(W + "tblPr")
    style = _val(tblpr, "tblStyle")
    for el in tbl.iter(W + "tblBorders", W + "tcBorders"):
        for b in el:
            if b.get(W + "val", "nil") not in ("nil", "none"):
                return True
    return bool(style) and style not in ("TableNormal", "NormalTable", "PlainTable")


def _cell_content(st: _State, tc) -> tuple[list[str], list[int]]:
    """A cell's lines (paragraphs, nested tables read in place) and fraction bars."""
    lines: list[str] = []
    bars: list[int] = []
    for el in _body_children(tc):
        if el.tag == W + "p":
            para = _read_para(st, el)
            if para.text:
                lines.append(para.text)
            lines.extend(b.text for b in para.boxes if b.text)
        elif el.tag == W + "tbl":
            frac = _fraction(st, el)
            if frac is not None:
                num, den, suffix = frac
                bars.append(len(lines) + len(num) - 1)
                lines.extend(num + den + ([suffix] if suffix else []))
            else:
                lines.extend(_flat_rows(st, el))
    return lines, bars


def _cell_lines(st: _State, tc) -> list[str]:
    return _cell_content(st, tc)[0]


def _fraction(st: _State, tbl) -> tuple[list[str], list[str], str] | None:
    """A nested table that typesets ``numerator / denominator [x 100%]``.

    Two rows; the first grid column holds the numerator over the denominator; any
    other column holds nothing but one merged suffix such as "x 100%".
    """
    cells, n_rows, n_cols = _grid(tbl)
    if n_rows != 2 or n_cols > 3:
        return None
    first = [c for c in cells if c.col == 0]
    rest = [c for c in cells if c.col > 0]
    if len(first) != 2 or any(c.row_span != 1 for c in first):
        return None
    num = _cell_lines(st, first[0].el)
    den = _cell_lines(st, first[1].el)
    if not num or not den:
        return None
    suffix_parts = [" ".join(_cell_lines(st, c.el)) for c in rest]
    suffix_parts = [s for s in suffix_parts if s]
    if len(suffix_parts) > 1 or any(len(s) > 20 for s in suffix_parts):
        return None
    return num, den, suffix_parts[0] if suffix_parts else ""


def _flat_rows(st: _State, tbl) -> list[str]:
    """A table as the lines it shows: per row, the cells' k-th lines side by side."""
    cells, n_rows, _ = _grid(tbl)
    out: list[str] = []
    for r in range(n_rows):
        row = sorted((c for c in cells if c.row == r), key=lambda c: c.col)
        cols = [_cell_lines(st, c.el) for c in row]
        depth = max((len(c) for c in cols), default=0)
        for k in range(depth):
            text = " ".join(c[k] for c in cols if k < len(c) and c[k])
            if text:
                out.append(text)
    return out


def _table(st: _State, tbl) -> None:
    cells, n_rows, n_cols = _grid(tbl)
    if not cells:
        return
    if n_cols <= LAYOUT_MAX_COLS and not _has_borders(tbl, st):
        for text in _flat_rows(st, tbl):
            st.blocks.append(_line(st, _Para(text=text, bold=False, x0=0.0)))
        return
    top = st.y
    out: list[Cell] = []
    for gc in cells:
        lines, bars = _cell_content(st, gc.el)
        out.append(Cell(row=gc.row, col=gc.col, lines=lines, row_span=gc.row_span,
                        col_span=gc.span, page=st.page, fraction_bars=bars))
    st.y += LINE_PT * max(n_rows, 1)
    st.blocks.append(Table(cells=out, n_rows=n_rows, n_cols=n_cols, page=st.page,
                           bbox=(0.0, top, TEXT_WIDTH_PT, st.y)))
