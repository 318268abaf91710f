"""Reader for PDFs with a text layer (pdfplumber) → the shared IR.

Fills the same IR as the text reader (:mod:`.text`), so layout, table and
export stages work unchanged:

* running text: words grouped into lines by baseline, top to bottom, each
  line's words left to right joined by single spaces (a hanging-indent label
  column "Menimbang", ":", "a." and the item text on one baseline make one
  line); a ``TextLine(kind="blank")`` where the gap between two lines is a
  paragraph break;
* ruled tables: one :class:`Table` per table part on a page, in reading order
  among the text lines (see :mod:`.pdf_tables`); where the ruling lines give no
  table, tables without vertical rules (or any rules) are found from their
  header wording and column layout;
* page furniture dropped: page numbers in the top/bottom margins and lines
  repeated at the same place on most pages (running headers/footers).

Pages are read one at a time (:func:`iter_pages`) and their pdfplumber caches
flushed, so memory stays flat on long files.  A page with no text layer comes
out empty with ``origin="image"``; when no page has text :func:`read_pdf`
raises :class:`InputError` ("no text layer: needs OCR").
"""

from __future__ import annotations

import io
import math
import re
import statistics
from collections.abc import Collection
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import Block, Document, Page, Table, TextLine
from .pdf_tables import (
    extract_tables,
    group_lines,
    insert_blanks,
    is_page_number,
    line_bbox,
    line_text,
)

ENCRYPTED = "encrypted PDF: password required (use --password)"
WRONG_PASSWORD = "encrypted PDF: wrong password (the --password given does not open it)"
NO_PAGES = "PDF has no pages"
NO_TEXT = "no text layer: needs OCR"

RUNNING_BAND = 0.15  # share of the page height where running headers/footers live
RUNNING_SHARE = 0.6  # a running line is on at least this share of the text pages
RUNNING_MIN_PAGES = 3
RUNNING_POS_TOL = 6.0  # pt
HAS_TEXT_PAGES = 3

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)


# --------------------------------------------------------------------------
# Opening and errors
# --------------------------------------------------------------------------


def _inner(exc: BaseException) -> BaseException:
    """The pdfminer exception pdfplumber wrapped in ``PdfminerException``."""
    seen = 0
    while seen < 5 and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
        seen += 1
    return exc


def _is_encryption_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = _inner(exc)
    return isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(
        exc, (PDFPasswordIncorrect, PDFEncryptionError)
    )


def _short(exc: BaseException) -> str:
    inner = _inner(exc)
    msg = " ".join(str(inner).split()) or type(inner).__name__
    return msg[:120]


def encryption_message(password: str | None) -> str:
    """The message for a PDF that did not open: no password given, or a wrong one."""
    return WRONG_PASSWORD if password else ENCRYPTED


def _error(path: Path | str, exc: BaseException, password: str | None = None) -> InputError:
    if _is_encryption_error(exc):
        return InputError(path, encryption_message(password))
    return InputError(path, f"corrupt PDF: {_short(exc)}")


def _open(path: Path | str, data: bytes, password: str | None) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data), password=password or "")
    except Exception as exc:  # pdfminer raises many unrelated types
        raise _error(path, exc, password) from exc


# --------------------------------------------------------------------------
# Orientation
# --------------------------------------------------------------------------


def _text_angle(page: Any) -> int:
    """Dominant text direction on the displayed page, in degrees CCW (0/90/180/270)."""
    votes: dict[int, int] = {}
    for ch in page.chars:
        if not ch.get("text", "").strip():
            continue
        a, b = ch["matrix"][0], ch["matrix"][1]
        angle = int(round(math.degrees(math.atan2(b, a)) / 90.0)) * 90 % 360
        votes[angle] = votes.get(angle, 0) + 1
    if not votes:
        return 0
    return max(votes, key=lambda k: votes[k])


def _upright(pdf: Any, page: Any) -> Any:
    """The page turned so that its text runs left to right.

    pdfplumber reports coordinates of the *displayed* page (``/Rotate``
    applied).  When most glyphs then run vertically or upside down (a page
    rotated for display, or landscape content set sideways), the page is
    re-read with a ``/Rotate`` that makes the text horizontal.
    """
    angle = _text_angle(page)
    if angle == 0:
        return page
    from pdfplumber.page import Page as PlumberPage

    obj = page.page_obj
    new_rotate = (page.rotation + angle) % 360
    obj.attrs["Rotate"] = new_rotate
    obj.rotate = new_rotate
    page.close()
    return PlumberPage(pdf, obj, page_number=page.page_number, initial_doctop=page.initial_doctop)


# --------------------------------------------------------------------------
# One page
# --------------------------------------------------------------------------


def _is_bold(words: list[dict]) -> bool:
    total = sum(len(w["text"]) for w in words)
    bold = sum(len(w["text"]) for w in words if _BOLD_FONT.search(w.get("fontname") or ""))
    return total > 0 and bold * 2 >= total


def _text_lines(words: list[dict], page_no: int) -> list[TextLine]:
    out = []
    for ws in group_lines(words):
        text = line_text(ws)
        if text:
            out.append(TextLine(text=text, page=page_no, bbox=line_bbox(ws), bold=_is_bold(ws)))
    return out


def _read_page(page: Any, page_no: int) -> Page:
    width, height = float(page.width), float(page.height)
    if not any(ch.get("text", "").strip() for ch in page.chars):
        return Page(number=page_no, blocks=[], width=width, height=height, origin="image")
    words = page.extract_words(
        keep_blank_chars=False, use_text_flow=False, extra_attrs=["fontname", "size"]
    )
    tables, free = extract_tables(page, words, page_no)
    lines = [ln for ln in _text_lines(free, page_no) if not is_page_number(ln, height)]
    blocks: list[Block] = [*lines, *tables]
    blocks.sort(key=lambda b: (b.bbox[1] if b.bbox else 0.0, b.bbox[0] if b.bbox else 0.0))
    return Page(
        number=page_no,
        blocks=insert_blanks(blocks, page_no),
        width=width,
        height=height,
        origin="pdf",
    )


def _plumber_page(path: Path | str, data: bytes, password: str | None, number: int) -> Page:
    """Page ``number`` (1-based) read with pdfplumber (the fast path's fallback)."""
    pdf = _open(path, data, password)
    try:
        plumber_page = pdf.pages[number - 1]
        current = plumber_page
        try:
            current = _upright(pdf, plumber_page)
            return _read_page(current, number)
        except InputError:
            raise
        except Exception as exc:
            raise _error(path, exc) from exc
        finally:
            current.close()
            plumber_page.close()
    finally:
        pdf.close()


def iter_pages(
    path: Path | str,
    data: bytes,
    password: str | None = None,
    engine: str | None = None,
    only: Collection[int] | None = None,
) -> Iterator[Page]:
    """Yield the PDF's pages as IR pages, one at a time (1-based numbers).

    Page-local furniture (page numbers) is already dropped; running
    headers/footers need all pages and are dropped by :func:`read_pdf`.
    Raises :class:`InputError` for encrypted, corrupt and page-less PDFs.
    ``engine``: ``"pdfium"`` (characters and rules read with PDFium,
    :mod:`.pdf_fast`; pdfplumber only for pages it names) or ``"pdfplumber"``;
    None means :func:`~.pdf_fast.pdf_engine` (``IKI_PDF_ENGINE``, default pdfium).
    ``only``: the page numbers to read (default: all), e.g. one worker's run of pages.
    """
    from .pdf_fast import iter_pages_fast, open_pdfium, pdf_engine

    if (engine or pdf_engine()) == "pdfium":
        doc = open_pdfium(data, password)
        if doc is not None and len(doc) > 0:
            yield from iter_pages_fast(
                doc, _read_page, lambda n: _plumber_page(path, data, password, n), only
            )
            return
        if doc is not None:
            doc.close()
    pdf = _open(path, data, password)
    try:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _error(path, exc, password) from exc
        if not pages:
            raise InputError(path, NO_PAGES)
        for i, plumber_page in enumerate(pages, start=1):
            if only is not None and i not in only:
                continue
            current = plumber_page
            try:
                current = _upright(pdf, plumber_page)
                ir_page = _read_page(current, i)
            except InputError:
                raise
            except Exception as exc:
                raise _error(path, exc, password) from exc
            finally:
                current.close()
                plumber_page.close()
            yield ir_page
    finally:
        pdf.close()


# --------------------------------------------------------------------------
# Whole document
# --------------------------------------------------------------------------


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_running_lines(pages: list[Page]) -> None:
    """Remove lines repeated at the same place on most pages (headers/footers)."""
    text_pages = [p for p in pages if p.origin == "pdf"]
    if len(text_pages) < RUNNING_MIN_PAGES:
        return
    need = max(RUNNING_MIN_PAGES, math.ceil(RUNNING_SHARE * len(text_pages)))
    seen: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for p in text_pages:
        h = p.height or 842.0
        for b in p.blocks:
            if not isinstance(b, TextLine) or b.kind == "blank" or b.bbox is None:
                continue
            if b.bbox[3] <= h * RUNNING_BAND:
                band, pos = "top", b.bbox[1]
            elif b.bbox[1] >= h * (1 - RUNNING_BAND):
                band, pos = "bottom", h - b.bbox[3]
            else:
                continue
            seen.setdefault((_running_key(b.text), band), []).append((p.number, pos))
    drop: set[tuple[int, str, str, int]] = set()
    for (key, band), hits in seen.items():
        mid = statistics.median(pos for _, pos in hits)
        near = [(n, pos) for n, pos in hits if abs(pos - mid) <= RUNNING_POS_TOL]
        if len({n for n, _ in near}) >= need:
            drop.update((n, key, band, round(pos)) for n, pos in near)
    if not drop:
        return
    for p in text_pages:
        h = p.height or 842.0

        def running(b: Block, h: float = h, n: int = p.number) -> bool:
            if not isinstance(b, TextLine) or b.bbox is None:
                return False
            if b.kind == "blank":
                return True
            key = _running_key(b.text)
            return (n, key, "top", round(b.bbox[1])) in drop or (
                n,
                key,
                "bottom",
                round(h - b.bbox[3]),
            ) in drop

        p.blocks = _tidy_blanks(_edge_running(p.blocks, running))


def _edge_running(blocks: list[Block], running: Any) -> list[Block]:
    """Drop running lines only at the page's edges: from the top down and the
    bottom up, up to the first line that is not running.  A line repeated at
    the same place on most pages but with page text above it (a "2. Tugas :"
    label under a varying jabatan line) is content, not furniture."""
    start, end = 0, len(blocks)
    while start < end and running(blocks[start]):
        start += 1
    while end > start and running(blocks[end - 1]):
        end -= 1
    return blocks[start:end]


def _tidy_blanks(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, TextLine) and b.kind == "blank":
            if not out or (isinstance(out[-1], TextLine) and out[-1].kind == "blank"):
                continue
        out.append(b)
    while out and isinstance(out[-1], TextLine) and out[-1].kind == "blank":
        out.pop()
    return out


def read_pdf(
    path: Path, data: bytes, *, password: str | None = None, workers: int = 1
) -> Document:
    """Read a PDF with a text layer into a :class:`Document` (``origin="pdf"``).

    With ``workers`` > 1 a long PDF's pages are read in that many child processes
    (contiguous runs of pages, merged in page order; the steps that need every
    page run here after the merge), so the result is the same as with one.

    Raises :class:`InputError`: encrypted without/with a wrong password,
    corrupt or truncated, no pages, or no page with a text layer.
    """
    pages = _read_pages(path, data, password, workers)
    if not any(p.origin == "pdf" for p in pages):
        raise InputError(path, NO_TEXT)
    _drop_running_lines(pages)
    for p in pages:
        p.blocks = _tidy_blanks(p.blocks)
        for b in p.blocks:
            if isinstance(b, Table):
                for c in b.cells:
                    c.page = p.number
    return Document(source_file=Path(path).name, pages=pages, origin="pdf")


PARALLEL_MIN_PAGES = 16  # shorter PDFs are read in one process (forking costs more)


def _read_pages(path: Path, data: bytes, password: str | None, workers: int) -> list[Page]:
    numbers: list[int] = []
    if workers > 1:
        from .route import _all_pages

        numbers = _all_pages(Path(path), data, password)
    if len(numbers) < PARALLEL_MIN_PAGES:
        return list(iter_pages(path, data, password))
    from .route import run_page_chunks

    def run(chunk: list[int]) -> list[Page]:
        return list(iter_pages(path, data, password, only=set(chunk)))

    runs = run_page_chunks(path, run, numbers, workers, "cannot read PDF")
    return [page for part in runs for page in part]


def pdf_has_text(
    path: Path | str, *, password: str | None = None, max_pages: int = HAS_TEXT_PAGES
) -> bool:
    """Whether any of the first ``max_pages`` pages has a text layer.

    For OCR routing.  Raises :class:`InputError` for unreadable files
    (missing, encrypted, corrupt).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc
    pdf = _open(path, data, password)
    try:
        try:
            pages = pdf.pages[:max_pages]
        except Exception as exc:
            raise _error(path, exc, password) from exc
        for page in pages:
            try:
                if any(ch.get("text", "").strip() for ch in page.chars):
                    return True
            except Exception as exc:
                raise _error(path, exc, password) from exc
            finally:
                page.close()
        return False
    finally:
        pdf.close()
