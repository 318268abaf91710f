"""Readers: turn an input file into the IR :class:`~iki_extract.model.Document`.

:func:`read` is the only entry point.  It guards against inputs no reader should
see (missing, empty, too large, binary, unsupported type), dispatches by file
suffix, corrects OCR slips in label words (``cleanup.py``), and stamps ``Document.sha256`` with the digest of the file's bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import InputError
from ..model import Document
from .cleanup import clean_document
from .decode import decode_bytes
from .office import OFFICE_SUFFIXES, read_office
from .route import OcrSettings, read_image_file, read_pdf_routed

TEXT_SUFFIXES = frozenset({".txt", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | IMAGE_SUFFIXES | OFFICE_SUFFIXES

DEFAULT_MAX_BYTES = 20 * 2**20  # text decrees
DEFAULT_MAX_PDF_BYTES = 512 * 2**20  # PDFs are read page by page, so they may be large
DEFAULT_MAX_OFFICE_BYTES = 64 * 2**20  # office files are read whole (zip bombs: .container)
BINARY_THRESHOLD = 0.10  # share of control / undecodable characters that marks binary data

# C0/C1 control characters other than the white space a text file may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")


def read(
    path: Path,
    *,
    password: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr: OcrSettings | None = None,
) -> Document:
    """Read one input file into a :class:`Document`.

    Raises :class:`InputError` when the file is missing, a directory, empty,
    larger than ``max_bytes`` (checked with ``stat`` before reading), of an
    unsupported type, or binary data under a text suffix.  ``password`` is for
    encrypted PDFs (ignored by the text reader).  ``ocr`` says whether and how
    image files and PDF pages without a usable text layer are OCR'd.
    """
    ocr = ocr or OcrSettings()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        limit = max_bytes
    elif suffix in OFFICE_SUFFIXES:
        limit = max(max_bytes, DEFAULT_MAX_OFFICE_BYTES)
    else:
        limit = max(max_bytes, DEFAULT_MAX_PDF_BYTES)
    suffix = _check_file(path, limit)
    if suffix in TEXT_SUFFIXES:
        data = _read_bytes(path)
        decode_text(data, path)  # validates: raises InputError on binary data
        doc = _read_text(path, data)
    elif suffix in PDF_SUFFIXES:
        data = _read_bytes(path)
        doc = read_pdf_routed(path, data, password=password, ocr=ocr)
    elif suffix in OFFICE_SUFFIXES:
        data = _read_bytes(path)
        doc = read_office(path, data)
    else:
        data = _read_bytes(path)
        doc = read_image_file(path, data, ocr=ocr)
    clean_document(doc)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if not doc.source_file:
        doc.source_file = path.name
    return doc


def decode_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode a text file's bytes (:func:`iki_extract.ingest.decode.decode_bytes`:
    UTF-8 first, bad bytes replaced; cp1252 only when clearly not UTF-8).

    Raises :class:`InputError` ("binary data in a text file") when the bytes hold
    NUL bytes or more than 10 % control / undecodable characters, and ("empty
    file") when nothing but white space remains.
    """
    if b"\x00" in data:
        raise InputError(path, "binary data in a text file")
    text = decode_bytes(data).text
    if text and len(_CONTROL.findall(text)) / len(text) > BINARY_THRESHOLD:
        raise InputError(path, "binary data in a text file")
    if not text.strip():
        raise InputError(path, "empty file")
    return text


def _check_file(path: Path, max_bytes: int) -> str:
    """Run the guards that need only ``stat``; return the lower-case suffix."""
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a directory, not a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no suffix)"
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(path, f"unsupported file type {shown} (supported: {supported})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise InputError(path, "empty file")
    if size > max_bytes:
        limit = f"{max_bytes / 2**20:g} MB"
        raise InputError(path, f"file too large: {size / 2**20:.1f} MB > {limit} limit")
    return suffix


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file: {exc.strerror or exc}") from exc


def _read_text(path: Path, data: bytes) -> Document:
    """Call the plain-text reader (imported lazily: it is another stage's module)."""
    from .text import read_text

    return read_text(path, data)
