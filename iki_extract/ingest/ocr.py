"""OCR reader for scanned decrees (image-only PDFs, PNG/JPEG/TIFF) → the shared IR.

Fills the same IR as the text and PDF readers (:mod:`.text`, :mod:`.pdf`):

* each page image is cleaned (:mod:`.image_prep`: upright, deskewed,
  background-normalised), its ruled tables found by morphology
  (:mod:`.ocr_tables`), the ruling lines painted out, and the whole page read
  once by Tesseract (``image_to_data``, LSTM engine, ``--psm 4``);
* words inside a table go to their cell (one :class:`Table` per table part on
  the page, in reading order), the others are grouped into lines by baseline
  (a two-column signature block joins the line on its baseline), with a
  ``TextLine(kind="blank")`` at paragraph gaps;
* page numbers in the top/bottom margins are dropped; ``Σ`` becomes ``∑``;
* ``confidence`` of a line or cell is the lowest word confidence (0–1).

Coordinates are PDF points (1/72 in) like the PDF reader's: pixel positions
scaled by ``72 / dpi``.  Tesseract's run time is bounded per call
(:data:`TESSERACT_TIMEOUT`).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import InputError
from ..model import Block, Document, Page, Table, TextLine
from . import image_prep
from .image_prep import TESSERACT_MISSING, PreparedPage, _lang_missing
from .ocr_cells import blank_grids, cell_crop_box, read_grid_cells
from .ocr_confidence import confidence as ocr_confidence
from .ocr_correct import correct_words, fix_formula_lines
from .ocr_engine import PageReader
from .ocr_lexicon import DocLexicon
from .ocr_noise import (
    fix_cell_line,
    fix_cell_lines,
    fix_free_line,
    fix_label_line,
    is_noise_line,
)
from .ocr_recover import recover_words
from .ocr_tables import (
    assign_words,
    erase_rules,
    fill_grid,
    find_grids,
    fix_ocr_line,
    rule_masks,
    scale_table,
    snap_lines,
)
from .ocr_words import clean_words, fix_ocr_text
from .pdf_tables import group_lines, insert_blanks, is_page_number, line_bbox, line_text

TESSERACT_TIMEOUT = 120  # s per Tesseract call (one page)
CELL_TIMEOUT = 20  # s per cell re-read
RECOVER_LINE_IN = 0.25  # inch: a recovered region taller than this holds several lines
DEFAULT_DPI = 300
UPRIGHT_MIN_LINES = 8  # a page with this many lines ...
UPRIGHT_MIN_CONF = 0.6  # ... whose median line confidence is this high reads upright
A4_WIDTH_IN = 8.27

@dataclass
class OcrSettings:
    """Knobs of the OCR reader."""

    lang: str = "ind"
    psm: int = 4  # one column of variable-size lines: keeps hanging-indent markers ("b.", ":")
    oem: int = 1
    timeout: int = TESSERACT_TIMEOUT
    reocr_cells: bool = True  # re-read poorly read cells alone with --psm 6
    reocr_below: float = 0.6  # mean word confidence that triggers a cell re-read
    cell_ocr: bool = True  # read every table cell on its own crop (ocr_cells)
    correct: bool = True  # low-confidence words against the lexicons; formula cells (ocr_correct)
    fix_orientation: bool = True
    deskew: bool = True
    # on a page with tables, the text outside them (jabatan titles, tugas/fungsi
    # items) is read on a copy reduced to this share of the image's size:
    # Tesseract's page layout costs by the pixel (and reads specks and stamps as
    # text at full size), its line recognizer scales every line to its own height.
    # Pages without tables (header, Mengingat, signature with its NIP) stay full size.
    table_page_scale: float = 0.75
    # ink outside the tables that no word of the page pass covers is read again, line
    # by line (ocr_recover): Tesseract's layout drops whole regions of some scans
    recover: bool = True
    # OpenCV's own threads for the image work of a page (0: OpenCV's default, one
    # per core).  A reader works on one core: ``extract --workers`` (default: the
    # machine's cores) gives each page or file its own process, and OpenCV's pool
    # beside it only adds CPU (8 % more per page here) and contention.
    cv_threads: int = 1


# --------------------------------------------------------------------------
# Tesseract
# --------------------------------------------------------------------------


def limit_threads(cv_threads: int = 1) -> None:
    """One OpenMP thread per Tesseract process (unless the caller chose otherwise),
    and ``cv_threads`` for OpenCV (0: its default).

    Tesseract's OpenMP threads spin against each other on small machines: a
    page takes 2-3× longer with the default.  Run pages in parallel processes
    instead.  (pytesseract passes ``os.environ`` to Tesseract.)
    """
    import cv2

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if cv_threads > 0 and cv2.getNumThreads() != cv_threads:
        cv2.setNumThreads(cv_threads)
    elif cv_threads <= 0:
        cv2.setNumThreads(-1)  # OpenCV's default


_LANGS: dict[str, set[str]] = {}


def check_tesseract(path: Path | str, lang: str) -> None:
    """Raise :class:`InputError` when the Tesseract binary or ``lang`` data is missing."""
    import pytesseract

    cmd = pytesseract.pytesseract.tesseract_cmd
    exe = shutil.which(cmd)
    if exe is None:
        raise InputError(path, TESSERACT_MISSING)
    if exe not in _LANGS:
        try:
            out = subprocess.run(
                [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(path, TESSERACT_MISSING) from exc
        _LANGS[exe] = {ln.strip() for ln in (out.stdout + out.stderr).splitlines()}
    missing = [x for x in lang.split("+") if x not in _LANGS[exe]]
    if missing:
        raise InputError(path, _lang_missing("+".join(missing)))


def _tesseract_error(
    path: Path | str, exc: BaseException, lang: str, what: str, timeout: float
) -> InputError:
    import pytesseract

    if isinstance(exc, pytesseract.TesseractNotFoundError):
        return InputError(path, TESSERACT_MISSING)
    msg = " ".join(str(exc).split())
    if isinstance(exc, RuntimeError) and "timeout" in msg.lower():
        return InputError(path, f"OCR timed out on {what} (limit {timeout} s)")
    if any(
        k in msg
        for k in ("Failed loading language", "Error opening data file", "Failed to init API")
    ):
        return InputError(path, _lang_missing(lang))
    return InputError(path, f"OCR failed on {what}: {msg[:120]}")


def _ocr_words(
    img: Image.Image | PageReader,
    settings: OcrSettings,
    *,
    psm: int | None = None,
    rect: tuple[int, int, int, int] | None = None,
    timeout: int | None = None,
    path: Path | str = "<image>",
    what: str = "page",
) -> list[dict[str, Any]]:
    """Tesseract's words on ``img`` (or ``rect`` of it) as dicts (pixels, conf 0–1)."""
    import pytesseract

    reader = (
        img
        if isinstance(img, PageReader)
        else PageReader(img, lang=settings.lang, oem=settings.oem)
    )
    try:
        raw = reader.words(psm=psm or settings.psm, rect=rect, timeout=timeout or settings.timeout)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError) as exc:
        raise _tesseract_error(path, exc, settings.lang, what, timeout or settings.timeout) from exc
    return clean_words(raw)


def _page_words(
    grey: Any,
    settings: OcrSettings,
    *,
    path: Path | str,
    what: str,
    reader: PageReader | None = None,
    scale: float = 1.0,
) -> list[dict[str, Any]]:
    """The page pass: ``grey`` read whole, at ``scale`` of its size (word boxes back
    in ``grey``'s pixels)."""
    k = scale
    if abs(k - 1.0) < 1e-3:
        return _ocr_words(
            reader or PageReader(grey, lang=settings.lang, oem=settings.oem),
            settings,
            path=path,
            what=what,
        )
    import cv2

    small = cv2.resize(grey, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    words = _ocr_words(
        PageReader(small, lang=settings.lang, oem=settings.oem), settings, path=path, what=what
    )
    for w in words:
        for key in ("x0", "x1", "top", "bottom"):
            w[key] = w[key] / k
        if "size" in w:
            w["size"] = w["size"] / k
    return words


def _recover(
    img: Any, words: list[dict[str, Any]], dpi: float, settings: OcrSettings, path: Path | str, page_no: int
) -> list[dict[str, Any]]:
    """Words of the text the page pass left out (:mod:`.ocr_recover`), one line each."""
    reader = PageReader(img, lang=settings.lang, oem=settings.oem)

    def read(box: tuple[int, int, int, int]) -> list[dict[str, Any]]:
        psm = 6 if box[3] - box[1] > RECOVER_LINE_IN * dpi else 7  # several lines, or one
        return _ocr_words(
            reader, settings, psm=psm, rect=box, timeout=CELL_TIMEOUT, path=path, what=f"page {page_no}"
        )

    return recover_words(img, words, dpi, read)


# --------------------------------------------------------------------------
# One page
# --------------------------------------------------------------------------


def _scale_box(b: tuple[float, float, float, float], k: float) -> tuple[float, ...]:
    return tuple(round(float(v) * k, 2) for v in b)


def ocr_prepared(
    prep: PreparedPage,
    page_no: int,
    *,
    dpi: float = DEFAULT_DPI,
    settings: OcrSettings | None = None,
    path: Path | str = "<image>",
    lexicon: DocLexicon | None = None,
) -> Page:
    """OCR an already prepared page image into an IR :class:`Page` (``origin="ocr"``)."""
    settings = settings or OcrSettings()
    k = 72.0 / dpi
    width, height = round(prep.width * k, 2), round(prep.height * k, 2)
    if prep.blank:
        return Page(number=page_no, blocks=[], width=width, height=height, origin="ocr")
    masks = rule_masks(prep.binary, dpi)  # made once: grids and rule erasing share them
    grids = find_grids(prep.binary, dpi, grey=prep.grey, masks=masks)
    clean = erase_rules(prep.grey, prep.binary, dpi, masks) if grids else prep.grey
    clean = image_prep.drop_specks(clean, image_prep.binarise(clean))
    clean = image_prep.lift_stamps(clean, dpi)
    clean_fn = clean_words
    if grids and settings.cell_ocr:
        outside = blank_grids(clean, grids)
        words = _page_words(
            outside, settings, path=path, what=f"page {page_no}", scale=settings.table_page_scale
        )
        free = [w for w in words if not any(_inside(w, g.bbox) for g in grids)]
        if settings.recover:
            free += _recover(outside, free, dpi, settings, path, page_no)
        per_cell = {
            gi: read_grid_cells(clean, g, dpi, lang=settings.lang, oem=settings.oem, clean=clean_fn)
            for gi, g in enumerate(grids)
        }
        reocr = None
    else:
        reader = PageReader(clean, lang=settings.lang, oem=settings.oem)
        scale = settings.table_page_scale if grids else 1.0
        words = _page_words(
            clean, settings, path=path, what=f"page {page_no}", reader=reader, scale=scale
        )
        per_cell, free = assign_words(grids, words)
        if settings.recover:
            free += _recover(blank_grids(clean, grids), free, dpi, settings, path, page_no)
        h_img, w_img = clean.shape

        def reocr(box: tuple[float, float, float, float]) -> list[dict[str, Any]]:
            crop = cell_crop_box(box, (h_img, w_img), dpi)
            if crop is None:
                return []
            return _ocr_words(
                reader,
                settings,
                psm=6,
                rect=crop,
                timeout=CELL_TIMEOUT,
                path=path,
                what=f"page {page_no}",
            )

    if settings.correct:
        everything = list(free) + [
            w for cells in per_cell.values() for ws in cells.values() for w in ws
        ]
        correct_words(everything, lexicon)

    blocks: list[Block] = []
    for gi, g in enumerate(grids):
        t = fill_grid(
            g,
            per_cell[gi],
            page_no,
            reocr=reocr if settings.reocr_cells else None,
            reocr_below=settings.reocr_below,
            confidence=lambda ws: ocr_confidence(ws, lexicon),
        )
        for c in t.cells:
            c.lines = fix_cell_lines([fix_cell_line(fix_ocr_text(x)) for x in c.lines], lexicon)
            if settings.correct:
                c.lines = fix_formula_lines(c.lines, bool(c.fraction_bars))
        blocks.append(scale_table(t, k))
    snap_lines(free)
    for ws in group_lines(free):
        text = fix_free_line(fix_label_line(fix_ocr_line(fix_ocr_text(line_text(ws)))))
        if not text or is_noise_line(text, min(w["conf"] for w in ws)):
            continue
        conf = ocr_confidence(ws, lexicon)
        line = TextLine(
            text=text,
            page=page_no,
            bbox=_scale_box(line_bbox(ws), k),
            confidence=conf,
        )
        if not is_page_number(line, height):
            blocks.append(line)
    blocks.sort(key=lambda b: (b.bbox[1] if b.bbox else 0.0, b.bbox[0] if b.bbox else 0.0))
    return Page(
        number=page_no,
        blocks=insert_blanks(blocks, page_no),
        width=width,
        height=height,
        origin="ocr",
    )


def ocr_page(
    img: Image.Image,
    page_no: int = 1,
    *,
    lang: str = "ind",
    dpi: float = DEFAULT_DPI,
    settings: OcrSettings | None = None,
    path: Path | str = "<image>",
    lexicon: DocLexicon | None = None,
) -> Page:
    """OCR one page image into an IR :class:`Page` (``origin="ocr"``).

    ``dpi`` is the image's resolution (for page units and size thresholds).
    """
    settings = settings or OcrSettings(lang=lang)
    limit_threads(settings.cv_threads)
    # Most pages are upright: read first, and ask Tesseract's orientation detection
    # (about half a second a page) only when the page did not read well.
    prep = image_prep.prepare(
        img, fix_orientation=False, deskew=settings.deskew, lang=settings.lang
    )
    page = ocr_prepared(prep, page_no, dpi=dpi, settings=settings, path=path, lexicon=lexicon)
    if not settings.fix_orientation or prep.blank or _reads_upright(page):
        return page
    turned = image_prep.prepare(
        img, fix_orientation=True, deskew=settings.deskew, lang=settings.lang
    )
    if not turned.rotation:
        return page
    return ocr_prepared(turned, page_no, dpi=dpi, settings=settings, path=path, lexicon=lexicon)


def _inside(w: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _reads_upright(page: Page) -> bool:
    """A page read with confident words in quantity: no need to test its orientation."""
    confs = [b.confidence for b in page.blocks if isinstance(b, TextLine) and b.text]
    confs += [c.confidence for b in page.blocks if isinstance(b, Table) for c in b.cells]
    confs = [c for c in confs if c is not None]
    return len(confs) >= UPRIGHT_MIN_LINES and statistics.median(confs) >= UPRIGHT_MIN_CONF


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def image_dpi(img: Image.Image, default: float = DEFAULT_DPI) -> float:
    """The image's resolution: its own metadata, else guessed from an A4 width."""
    info = img.info.get("dpi")
    try:
        d = float(info[0]) if info else 0.0
    except (TypeError, ValueError, IndexError):
        d = 0.0
    if 100 <= d <= 1200:
        return d
    guess = min(img.size) / A4_WIDTH_IN
    return guess if 100 <= guess <= 1200 else float(default)


def read_images(
    path: Path | str,
    data: bytes,
    *,
    lang: str = "ind",
    dpi: int = DEFAULT_DPI,
    settings: OcrSettings | None = None,
) -> Document:
    """Read a PNG/JPEG/TIFF (every TIFF frame a page) into a :class:`Document`."""
    settings = settings or OcrSettings(lang=lang)
    check_tesseract(path, settings.lang)
    pages: list[Page] = []
    for i, img in enumerate(image_prep.load_images(path, data), start=1):
        page_dpi = image_dpi(img, dpi)
        # a lexicon per page: what a page reads never depends on the pages read before it
        pages.append(ocr_page(img, i, dpi=page_dpi, settings=settings, path=path, lexicon=DocLexicon()))
        img.close()
    if not pages:
        raise InputError(path, "image has no pages")
    return Document(source_file=Path(path).name, pages=pages, origin="ocr")


def ocr_pdf_pages(
    path: Path | str,
    data: bytes,
    pages: list[int] | None = None,
    *,
    dpi: int = DEFAULT_DPI,
    password: str | None = None,
    lang: str = "ind",
    settings: OcrSettings | None = None,
) -> dict[int, Page]:
    """Rasterise and OCR the given 1-based pages of a PDF (all when ``None``).

    Pages are rendered and read one at a time, so memory stays flat.
    """
    import pypdfium2 as pdfium

    from .pdf import encryption_message

    settings = settings or OcrSettings(lang=lang)
    check_tesseract(path, settings.lang)
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise InputError(path, encryption_message(password)) from exc
        raise InputError(path, f"corrupt PDF: {' '.join(str(exc).split())[:120]}") from exc
    out: dict[int, Page] = {}
    try:
        n = len(pdf)
        wanted = list(range(1, n + 1)) if pages is None else list(pages)
        for no in wanted:
            if not 1 <= no <= n:
                raise InputError(path, f"page {no} out of range (PDF has {n} pages)")
            try:
                img, page_dpi = image_prep.render_page(pdf, no - 1, dpi)
            except pdfium.PdfiumError as exc:
                raise InputError(path, f"cannot render page {no}: {exc}") from exc
            # a lexicon per page, so a page reads the same whichever run of pages it is in
            # (``--workers`` cuts a scan into runs): the output never depends on the cut
            out[no] = ocr_page(img, no, dpi=page_dpi, settings=settings, path=path, lexicon=DocLexicon())
            img.close()
    finally:
        pdf.close()
    return out
