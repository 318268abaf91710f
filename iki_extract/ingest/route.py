"""Per-page routing between the PDF text layer and OCR.

A page with a usable text layer is read by the PDF reader; an image-only page,
or one whose text layer is garbage (unmapped glyphs, no words), is rasterised
and read by OCR.  Mixed files work: each page keeps the reader that suits it,
and the document is the pages in order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Document, Page, Table, TextLine

_WORDLIKE = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read (see :mod:`iki_extract.ingest.ocr`)."""

    enabled: bool = True
    dpi: int = 300
    lang: str = "ind"
    workers: int = 1  # pages of one PDF OCR'd by this many child processes at once


def page_text(page: Page) -> str:
    parts: list[str] = []
    for b in page.blocks:
        if isinstance(b, TextLine):
            parts.append(b.text)
        elif isinstance(b, Table):
            parts.extend(c.text for c in b.cells)
    return " ".join(parts)


def text_layer_is_garbage(page: Page) -> bool:
    """A text layer that cannot be read: mostly unmapped glyphs or no words.

    Scanners that add a poor OCR layer, or fonts without a Unicode map, give
    text like ``"(cid:12)(cid:7)"`` or runs of symbols; such a page is better
    read from its image.
    """
    text = page_text(page)
    if not text.strip():
        return False  # no text layer at all: the PDF reader marks such pages "image"
    if text.count("(cid:") * 6 > len(text) * 0.2:
        return True
    words = text.split()
    wordlike = sum(1 for w in words if _WORDLIKE.search(w))
    return len(words) >= 8 and wordlike / len(words) < 0.4


def read_pdf_routed(
    path: Path, data: bytes, *, password: str | None = None, ocr: OcrSettings = OcrSettings()
) -> Document:
    """Read a PDF, sending image-only or garbage pages to OCR."""
    from .pdf import read_pdf

    try:
        doc = read_pdf(path, data, password=password, workers=ocr.workers)
    except InputError as exc:
        if "needs OCR" not in exc.reason or not ocr.enabled:
            raise
        pages = _ocr(path, data, None, password, ocr)
        return Document(
            source_file=path.name, pages=[pages[k] for k in sorted(pages)], origin="ocr"
        )
    need = [p.number for p in doc.pages if p.origin == "image" or text_layer_is_garbage(p)]
    if need and ocr.enabled:
        done = _ocr(path, data, need, password, ocr)
        doc.pages = [done.get(p.number, p) for p in doc.pages]
        doc.origin = "ocr" if len(need) == len(doc.pages) else "mixed"
    return doc


def read_image_file(path: Path, data: bytes, *, ocr: OcrSettings = OcrSettings()) -> Document:
    if not ocr.enabled:
        raise InputError(path, "image input needs OCR, which is switched off (--no-ocr)")
    from .ocr import read_images

    return read_images(path, data, lang=ocr.lang, dpi=ocr.dpi)


def _ocr(
    path: Path, data: bytes, pages: list[int] | None, password: str | None, ocr: OcrSettings
) -> dict[int, Page]:
    from .ocr import ocr_pdf_pages

    if ocr.workers > 1:
        wanted = pages if pages is not None else _all_pages(path, data, password)
        if len(wanted) > 1:
            return _ocr_parallel(path, data, wanted, password, ocr)
    return ocr_pdf_pages(path, data, pages, dpi=ocr.dpi, password=password, lang=ocr.lang)


OCR_RUNS_PER_WORKER = 1.5  # runs of OCR pages per worker, all started at once (see ocr_runs)


def ocr_runs(workers: int) -> int:
    """How many contiguous runs the OCR pages of one file are cut into for ``workers``.

    A scanned page can cost twice the median (a sparse page read again for its
    orientation, a grid read cell by cell), so ``workers`` equal runs leave cores
    idle while the run holding the costly page finishes.  Half as many runs again,
    all started at once, are shared fairly by the kernel, so the costly run gets
    the cores the others free.  A page is read the same in any run (each page has
    its own lexicon, :class:`.ocr_lexicon.DocLexicon`), so the cut never changes
    the output.
    """
    return max(1, math.ceil(workers * OCR_RUNS_PER_WORKER)) if workers > 1 else 1


def page_chunks(pages: list[int], n: int) -> list[list[int]]:
    """``pages`` cut into at most ``n`` contiguous runs of near-equal length, in order."""
    n = max(1, min(n, len(pages)))
    size, extra = divmod(len(pages), n)
    out, i = [], 0
    for k in range(n):
        j = i + size + (1 if k < extra else 0)
        out.append(pages[i:j])
        i = j
    return out


def run_page_chunks(path: Path, run, pages: list[int], workers: int, failure: str) -> list:
    """``run`` over contiguous runs of ``pages``, results in page order.

    The first run is read in this process while child processes of this process
    group (a timeout kills them all) read the others, so no core waits on the
    children and one fork is saved.  A failed child raises :class:`InputError`
    naming ``path`` (``failure`` when the child gave no reason)."""
    from .. import trace

    chunks = page_chunks(pages, workers)
    with trace.span("page-runs", runs=len(chunks)):
        return _run_chunks(path, run, chunks, failure)


def _run_chunks(path: Path, run, chunks: list[list[int]], failure: str) -> list:
    from ..isolation import start_isolated

    children = [
        start_isolated(run, c, timeout=None, max_memory_mb=None, new_group=False)
        for c in chunks[1:]
    ]
    try:
        out = [run(chunks[0])]
    except BaseException:
        for child in children:
            child.kill()
        raise
    for k, child in enumerate(children):
        outcome = child.result()
        if not outcome.ok:
            for rest in children[k + 1 :]:
                rest.kill()
            raise InputError(path, outcome.error or failure, stage=outcome.stage or "ingest")
        out.append(outcome.value)
    return out


def _ocr_parallel(
    path: Path, data: bytes, pages: list[int], password: str | None, ocr: OcrSettings
) -> dict[int, Page]:
    """OCR runs of pages in child processes (same group: a timeout kills them all)."""
    from .ocr import ocr_pdf_pages

    def run(chunk: list[int]) -> dict[int, Page]:
        return ocr_pdf_pages(path, data, chunk, dpi=ocr.dpi, password=password, lang=ocr.lang)

    done: dict[int, Page] = {}
    for part in run_page_chunks(path, run, pages, ocr_runs(ocr.workers), "OCR failed"):
        done.update(part)
    return {k: done[k] for k in sorted(done)}


def _all_pages(path: Path, data: bytes, password: str | None) -> list[int]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError:
        return []  # the sequential reader reports the problem
    try:
        return list(range(1, len(pdf) + 1))
    finally:
        pdf.close()
