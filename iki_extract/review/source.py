"""Where a decree came from, for the review page: the page image with the row's
cell boxes, or the source lines of a text input.

No file path ever comes from a request: the reviewer names source folders when
starting ``iki-extract review``; :class:`SourceIndex` hashes the files under
them once and maps a decree id (validated) to a file by its content hash.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from ..model import Cell, Document, Table
from .store import valid_decree_id

log = logging.getLogger(__name__)

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md"}
MAX_HASH_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float
    label: str


class SourceIndex:
    """Content hash -> file, over the source folders the reviewer named."""

    def __init__(self, folders: list[Path], exclude: Path | None = None) -> None:
        self.by_sha16: dict[str, Path] = {}
        self._lock = threading.Lock()
        ex = exclude.resolve() if exclude else None
        for folder in folders:
            for f in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else [Path(folder)]:
                if (
                    not f.is_file()
                    or f.is_symlink()
                    or any(p.startswith(".") for p in f.parts[-1:])
                ):
                    continue
                if ex is not None and f.resolve().is_relative_to(ex):
                    continue
                if f.stat().st_size > MAX_HASH_BYTES:
                    continue
                h = hashlib.sha256(f.read_bytes()).hexdigest()
                self.by_sha16.setdefault(h[:16], f.resolve())

    def path_of(self, decree_id: str) -> Path | None:
        if not valid_decree_id(decree_id):
            return None
        return self.by_sha16.get(decree_id.split("-", 1)[0])

    def kind(self, decree_id: str) -> str | None:
        p = self.path_of(decree_id)
        if p is None:
            return None
        suffix = p.suffix.lower()
        return "pdf" if suffix in PDF_SUFFIXES else "text" if suffix in TEXT_SUFFIXES else "other"

    def document(self, decree_id: str) -> Document | None:
        p = self.path_of(decree_id)
        if p is None:
            return None
        with self._lock:
            return _read(p)

    def page_document(self, decree_id: str, page: int, *, ocr: bool = True) -> Document | None:
        """The document whose ``page`` has positioned cells: the text layer, or for a
        scanned page that one page OCR'd on demand (cached)."""
        doc = self.document(decree_id)
        pg = next((x for x in doc.pages if x.number == page), None) if doc else None
        if pg is not None and pg.origin != "image" and pg.blocks:
            return doc
        p = self.path_of(decree_id)
        if not ocr or p is None or self.kind(decree_id) != "pdf":
            return doc
        with self._lock:
            ocr_page = _ocr_page(p, page)
        return Document(source_file=p.name, pages=[ocr_page], origin="ocr") if ocr_page else doc

    def page_png(self, decree_id: str, page: int, scale: float = 1.5) -> tuple[bytes, float, float]:
        """The page rendered with pypdfium2: (PNG bytes, page width, page height) in points."""
        p = self.path_of(decree_id)
        if p is None or self.kind(decree_id) != "pdf":
            raise LookupError("no PDF source for this decree")
        with self._lock:
            return _render(p, page, scale)

    def text_lines(self, decree_id: str) -> list[str]:
        p = self.path_of(decree_id)
        if p is None or self.kind(decree_id) != "text":
            return []
        return p.read_text(encoding="utf-8", errors="replace").splitlines()


@lru_cache(maxsize=8)
def _read(path: Path) -> Document | None:
    from .. import ingest
    from ..ingest.route import OcrSettings

    try:  # the text layer only: review must not wait for OCR
        return ingest.read(path, ocr=OcrSettings(enabled=False))
    except Exception as exc:  # noqa: BLE001 - a source we cannot read just shows no boxes
        log.info("cannot read %s for review: %s", path.name, exc)
        return None


@lru_cache(maxsize=16)
def _ocr_page(path: Path, page: int):
    from ..ingest.ocr import ocr_pdf_pages

    try:
        pages = ocr_pdf_pages(path, path.read_bytes(), [page], dpi=300, password=None, lang="ind")
    except Exception as exc:  # noqa: BLE001 - no OCR (no tesseract, bad page): no boxes
        log.info("cannot OCR %s page %s for review: %s", path.name, page, exc)
        return None
    return pages.get(page)


@lru_cache(maxsize=32)
def _render(path: Path, page: int, scale: float) -> tuple[bytes, float, float]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise LookupError(f"no page {page}")
        pg = pdf[page - 1]
        width, height = pg.get_size()
        image = pg.render(scale=scale).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=False)
        return buf.getvalue(), float(width), float(height)
    finally:
        pdf.close()


def _norm(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _cell_text(cell: Cell) -> str:
    return _norm(" ".join(cell.lines))


def cell_boxes(doc: Document | None, page: int | None, values: dict[str, str | None]) -> list[Box]:
    """The cells on ``page`` whose text is one of the row's values (fuzzy, >= 85)."""
    if doc is None or not page:
        return []
    boxes: list[Box] = []
    for pg in doc.pages:
        if pg.number != page:
            continue
        for block in pg.blocks:
            if not isinstance(block, Table):
                continue
            for cell in block.cells:
                text = _cell_text(cell)
                if not text or cell.bbox is None:
                    continue
                for label, value in values.items():
                    v = _norm(value)
                    if len(v) >= 3 and fuzz.ratio(text, v) >= 85:
                        boxes.append(Box(*cell.bbox, label=label))
                        break
    return boxes


def page_size(doc: Document | None, page: int) -> tuple[float, float] | None:
    if doc is None:
        return None
    for pg in doc.pages:
        if pg.number == page and pg.width and pg.height:
            return float(pg.width), float(pg.height)
    return None


def source_lines(
    lines: list[str], values: dict[str, str | None], context: int = 4
) -> list[tuple[int, str, bool]]:
    """The lines around the row's indicator in a text input: (number, text, is_hit)."""
    targets = [_norm(v) for v in values.values() if v and len(_norm(v)) >= 6]
    hits = [
        i
        for i, line in enumerate(lines)
        if _norm(line)
        and any(t[:40] in _norm(line) or _norm(line) in t for t in targets if len(_norm(line)) >= 6)
    ]
    if not hits:
        return []
    lo, hi = max(0, min(hits) - context), min(len(lines), max(hits) + context + 1)
    if hi - lo > 60:
        hi = lo + 60
    return [(i + 1, lines[i], i in hits) for i in range(lo, hi)]
