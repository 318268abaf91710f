"""The extraction pipeline: reader -> layout -> tables -> normalise.

Readers (``ingest``) turn a file into the shared IR; :func:`extract_document`
runs the layout stage (which calls the table stage per jabatan block) and the
normaliser over it.  The CLI, API and export only call these two functions.
"""

from __future__ import annotations

from pathlib import Path

from . import trace
from .layout.decree import read_document
from .model import PAGELESS_ORIGINS, Decree, Document
from .normalize import normalize_decree


def extract_document(doc: Document) -> list[Decree]:
    """Turn one read document into its decrees (one per distinct decree)."""
    with trace.span("layout", pages=len(doc.pages)):
        decrees = read_document(doc)
    # text and office documents have no printed page numbers (Word and Excel reflow)
    text_only = doc.origin in PAGELESS_ORIGINS
    for d in decrees:
        if text_only:
            d.pages = []
            for j in d.jabatan:
                j.page = None
                for r in j.indikator:
                    r.page = None
        with trace.span("normalise"):
            normalize_decree(d)
    return decrees


def extract_file(path: str | Path, **options) -> list[Decree]:
    """Read ``path`` with the right reader and extract its decrees."""
    from .ingest import read

    doc = read(Path(path), **options)
    return extract_document(doc)
