"""Reader for decrees that were already OCR'd to markdown-ish text.

The format (as produced by common OCR services) is: one paragraph per line,
``**bold**`` and ``*italic*`` markup, ``-`` list markers, tables as
tab-separated rows (a blank line between two runs of rows is where a page or
table broke), HTML fragments inside cells (``<p>``, ``<u>``, ``<i>``,
``<ol>``) and formulas in LaTeX (``$\\frac{..}{..} \\times 100\\%$``).

The reader decodes that *format* into the shared IR and nothing more: markup
goes, LaTeX becomes plain text, cell paragraphs become cell lines.  It does not
decide what a line means; that is the layout stage's job.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from ..model import Cell, Document, Page, Table, TextLine
from .decode import decode_bytes
from .spacing import join_letter_spacing

_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_TAG = re.compile(r"<[^>]{0,200}>")
_PARA_SPLIT = re.compile(r"</p>|<br\s*/?>|</li>", re.I)
_MD_BULLET = re.compile(r"^\s*(?:[-+]\s+)+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": " ", "&quot;": '"', "&#39;": "'"}


# --------------------------------------------------------------------------
# LaTeX
# --------------------------------------------------------------------------

_LATEX_SYMBOLS = {
    r"\times": " x ",
    r"\cdot": " x ",
    r"\sum": "∑ ",
    r"\%": "%",
    r"\&": "&",
    r"\_": "_",
    r"\#": "#",
    r"\div": " : ",
    r"\le": "≤",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\quad": " ",
    r"\,": " ",
    r"\;": " ",
    r"\ ": " ",
    r"\left": "",
    r"\right": "",
}
_LATEX_WRAPPERS = ("text", "mathrm", "textbf", "mathbf", "textit", "mbox", "operatorname")


def _read_group(s: str, i: int) -> tuple[str, int]:
    """Return the content of the ``{...}`` group starting at ``s[i]``."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s) or s[i] != "{":
        # a bare token: \frac12
        return (s[i] if i < len(s) else ""), i + 1
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "{" and (j == 0 or s[j - 1] != "\\"):
            depth += 1
        elif s[j] == "}" and s[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return s[i + 1 : j], j + 1
    return s[i + 1 :], len(s)


def latex_to_text(src: str) -> str:
    """Plain text for a LaTeX formula: ``\\frac{A}{B}`` becomes ``A / B``."""
    out: list[str] = []
    i = 0
    while i < len(src):
        if src.startswith(("\\frac", "\\dfrac", "\\tfrac"), i):
            i = src.index("frac", i) + 4
            num, i = _read_group(src, i)
            den, i = _read_group(src, i)
            out.append(f" {latex_to_text(num).strip()} / {latex_to_text(den).strip()} ")
            continue
        if src[i] == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", src[i:])
            name = m.group(0) if m else "\\"
            word = name[1:]
            if word in _LATEX_WRAPPERS:
                body, i = _read_group(src, i + len(name))
                out.append(latex_to_text(body))
                continue
            out.append(_LATEX_SYMBOLS.get(name, "" if word.isalpha() else word))
            i += len(name)
            continue
        if src[i] in "{}":
            i += 1
            continue
        out.append(src[i])
        i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def replace_math(s: str) -> str:
    return _MATH.sub(lambda m: " " + latex_to_text(m.group(1) or m.group(2)) + " ", s)


# --------------------------------------------------------------------------
# Markup
# --------------------------------------------------------------------------


def strip_markup(s: str) -> str:
    """Remove bold/italic markers, HTML tags and entities; fold spaces."""
    s = join_letter_spacing(replace_math(s))
    s = _BOLD.sub("", s)
    s = _ITALIC.sub("", s)
    s = _TAG.sub(" ", s)
    for k, v in _ENTITIES.items():
        s = s.replace(k, v)
    return re.sub(r"[ \t\u00a0]+", " ", s).strip()


def cell_lines(raw: str) -> list[str]:
    """Split a cell's raw text into its paragraphs (``<p>``, ``<br>``)."""
    raw = replace_math(raw)
    parts = _PARA_SPLIT.split(raw)
    lines = [strip_markup(p) for p in parts]
    return [x for x in lines if x]


def _is_bold(raw: str) -> bool:
    core = raw.strip().lstrip("-+ ").strip()
    return core.startswith("**") or core.endswith("**")


# --------------------------------------------------------------------------
# Reader
# --------------------------------------------------------------------------


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _is_table_line(raw: str) -> bool:
    if not raw.strip():
        return False
    return "\t" in raw.strip("\r\n") or bool(_PIPE_ROW.match(raw))


def _split_cells(raw: str) -> list[str]:
    raw = raw.rstrip("\r\n")
    if "\t" not in raw and _PIPE_ROW.match(raw):
        # a markdown pipe row: "| a | b |" (a "\|" inside a cell is a literal bar)
        inner = raw.strip()[1:-1]
        return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]
    return raw.split("\t")


class _HTMLTableParser(HTMLParser):
    """Rows of (raw cell html, rowspan, colspan) from one ``<table>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.depth += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            self._cell = []
            self._span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif self._cell is not None and tag in ("p", "br", "li", "div"):
            self._cell.append("</p>")
        elif self._cell is not None and tag not in ("tbody", "thead"):
            self._cell.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(("".join(self._cell), *self._span))
            self._cell = None
        elif tag == "table":
            self.depth -= 1
        elif self._cell is not None and tag in ("p", "div", "li"):
            self._cell.append("</p>")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _int(v: str | None) -> int:
    try:
        return max(1, int(v or 1))
    except ValueError:
        return 1


def html_table(html: str, line_no: int = 0) -> Table | None:
    """An HTML ``<table>`` (with rowspan/colspan) as an IR grid with spans."""
    parser = _HTMLTableParser()
    parser.feed(html)
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    n_cols = 0
    for r, row in enumerate(parser.rows):
        c = 0
        for raw, rs, cs in row:
            while (r, c) in taken:
                c += 1
            cells.append(Cell(row=r, col=c, lines=cell_lines(raw), row_span=rs, col_span=cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
        n_cols = max(n_cols, c)
    if not cells:
        return None
    n_rows = max(c.row + c.row_span for c in cells)
    return Table(cells=cells, n_rows=n_rows, n_cols=n_cols, line_no=line_no)


def _make_table(rows: list[tuple[int, list[str]]]) -> Table | None:
    grid = [
        (n, cells)
        for n, cells in rows
        if any(c.strip() and not _SEPARATOR_CELL.match(c) for c in cells)
    ]
    if not grid:
        return None
    # trailing empty cells produced by a final tab are real (empty) cells
    n_cols = max(len(cells) for _, cells in grid)
    table_cells: list[Cell] = []
    ragged: list[int] = []
    for r, (_, cells) in enumerate(grid):
        if len(cells) < n_cols:
            ragged.append(r)
        for c, raw in enumerate(cells):
            table_cells.append(Cell(row=r, col=c, lines=cell_lines(raw)))
    return Table(
        cells=table_cells,
        n_rows=len(grid),
        n_cols=n_cols,
        line_no=grid[0][0],
        ragged_rows=ragged,
    )


def parse_text(text: str) -> list[TextLine | Table]:
    """Turn markdown-ish OCR text into IR blocks (no page information)."""
    blocks: list[TextLine | Table] = []
    pending: list[tuple[int, list[str]]] = []
    bold_open = False

    def flush() -> None:
        if pending:
            t = _make_table(pending)
            if t is not None:
                blocks.append(t)
            pending.clear()

    lines = text.splitlines()
    n = 0
    while n < len(lines):
        raw = lines[n]
        n += 1
        if "<table" in raw.lower():
            flush()
            # an HTML table (OCR services write merged cells this way): up to </table>
            chunk = [raw]
            while "</table>" not in " ".join(chunk).lower() and n < len(lines):
                chunk.append(lines[n])
                n += 1
            html = "\n".join(chunk)
            before, _, rest = html.partition("<table")
            if before.strip():
                blocks.extend(parse_text(before))
            body, _, after = rest.rpartition("</table>")
            t = html_table("<table" + body + "</table>", line_no=n)
            if t is not None:
                blocks.append(t)
            if after.strip():
                blocks.extend(parse_text(after))
            continue
        if _is_table_line(raw):
            pending.append((n, _split_cells(raw)))
            continue
        flush()
        if not raw.strip():
            # a blank line is kept as a separator so later stages can see
            # paragraph and table breaks
            blocks.append(TextLine(text="", line_no=n, kind="blank"))
            continue
        starts_bold = _is_bold(raw) or bold_open
        if raw.count("**") % 2 == 1:
            bold_open = not bold_open
        line = _HEADING.sub("", raw)
        bullet = bool(_MD_BULLET.match(line))
        line = _MD_BULLET.sub("", line)
        s = strip_markup(line)
        if not s:
            blocks.append(TextLine(text="", line_no=n, kind="blank"))
            continue
        blocks.append(
            TextLine(text=s, line_no=n, bold=starts_bold, kind="item" if bullet else "text")
        )
    flush()
    return blocks


def read_text(path: Path, data: bytes) -> Document:
    """Read a ``.txt``/``.md`` decree into a one-page :class:`Document`."""
    decoded = decode_bytes(data)
    page = Page(number=1, blocks=list(parse_text(decoded.text)), origin="text")
    for b in page.blocks:
        b.page = 1
        if isinstance(b, Table):
            for c in b.cells:
                c.page = 1
    doc = Document(source_file=path.name, pages=[page], origin="text")
    doc.warnings.extend(decoded.warnings)
    return doc
