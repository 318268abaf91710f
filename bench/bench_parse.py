"""Reading characters and ruling lines of born-digital PDFs: pypdfium2 against docling-parse.

Issue 15 asks to read each page's characters, words and lines "with pypdfium2 (or
docling-parse; measure both)".  This script reads every page of the same PDFs
(default: ``../shared/corpus/pdf``) with each tool, each in its own fresh process,
and prints pages per CPU-second (the process's own user + system time, so a busy
machine does not skew it) and the peak resident memory:

* ``pypdfium2``: :class:`iki_extract.ingest.pdf_fast.FastPage`, what the PDF reader
  uses (characters with boxes and fonts, path segments as lines/rects/curves);
  ``+ words`` also groups the characters into words (pdfplumber's ``WordExtractor``,
  as the reader does);
* ``docling-parse``: ``DoclingPdfParser`` with character cells and shapes
  materialised (word and line cells, bitmaps skipped); ``+ words`` also
  materialises its word cells.

docling-parse is not a dependency of the project: install it in a separate venv and
pass its interpreter with ``--docling-python`` (default: this interpreter when it can
import ``docling_parse``).  Without it the script says so and measures pypdfium2 only.

Usage::

    python bench/bench_parse.py [--docling-python PATH] [--limit N] [PDF ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "pdf"
TOOLS = ("pypdfium2", "pypdfium2+words", "docling-parse", "docling-parse+words")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _read_pdfium(files: list[Path], words: bool) -> tuple[int, int, int]:
    sys.path.insert(0, str(REPO))
    import pypdfium2 as pdfium

    from iki_extract.ingest.pdf_fast import FastPage

    pages = chars = lines = 0
    for f in files:
        pdf = pdfium.PdfDocument(f.read_bytes())
        try:
            for i in range(len(pdf)):
                fp = FastPage(pdf, i)
                chars += len(fp.chars)
                lines += len(fp.lines) + len(fp.rects) + len(fp.curves)
                if words:
                    fp.extract_words()
                fp.close()
                pages += 1
        finally:
            pdf.close()
    return pages, chars, lines


def _read_docling(files: list[Path], words: bool) -> tuple[int, int, int]:
    from docling_parse.pdf_parser import ContentConfig, ContentLevel, DoclingPdfParser

    full, skip = ContentLevel.COMPUTE_AND_MATERIALIZE, ContentLevel.SKIP
    config = ContentConfig(
        char_cells_content_level=full,
        word_cells_content_level=full if words else skip,
        line_cells_content_level=skip,
        shapes_content_level=full,
        bitmaps_content_level=skip,
        include_bitmap_bytes=False,
    )
    parser = DoclingPdfParser(loglevel="fatal")
    pages = chars = lines = 0
    for f in files:
        doc = parser.load(f, lazy=True, content_config=config)
        try:
            for no in range(1, doc.number_of_pages() + 1):
                page = doc.get_page(no, content_config=config)
                chars += len(page.char_cells)
                lines += len(page.shapes)
                if words:
                    len(page.word_cells)
                doc.unload_pages((no, no + 1))
                pages += 1
        finally:
            doc.unload()
    return pages, chars, lines


def worker(tool: str, files: list[Path]) -> None:
    """One tool over the files in this process; prints one JSON line."""
    from importlib.metadata import version as dist_version

    c0 = _cpu()
    if tool.startswith("pypdfium2"):
        sys.path.insert(0, str(REPO))
        import pypdfium2  # noqa: F401  (start-up, not reading)

        import iki_extract.ingest.pdf_fast  # noqa: F401

        version = dist_version("pypdfium2")
    else:
        import docling_parse.pdf_parser  # noqa: F401

        version = dist_version("docling-parse")
    c1 = _cpu()
    t0 = time.perf_counter()
    read = _read_pdfium if tool.startswith("pypdfium2") else _read_docling
    pages, chars, lines = read(files, words=tool.endswith("+words"))
    cpu = _cpu() - c1
    print(json.dumps({
        "tool": tool, "version": str(version), "pages": pages, "chars": chars, "lines": lines,
        "startup_cpu": c1 - c0, "cpu": cpu, "wall": time.perf_counter() - t0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def _docling_python(choice: str | None) -> tuple[str | None, str]:
    cands = [choice] if choice else [sys.executable]
    for py in cands:
        try:
            res = subprocess.run([py, "-c", "import docling_parse.pdf_parser"],
                                 capture_output=True, text=True, timeout=120)
        except OSError as exc:
            return None, f"cannot run {py}: {exc}"
        if res.returncode == 0:
            return py, ""
        last = (res.stderr.strip().splitlines() or ["import failed"])[-1]
    return None, f"docling-parse cannot be imported by {cands[-1]} ({last})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docling-python", default=None,
                    help="a Python interpreter that can import docling_parse (its own venv)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    ap.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    ap.add_argument("pdfs", nargs="*", type=Path)
    args = ap.parse_args()
    files = args.pdfs or sorted(CORPUS.glob("*.pdf"))
    if args.limit:
        files = files[: args.limit]
    if args.worker:
        worker(args.worker, files)
        return
    docling, why = _docling_python(args.docling_python)
    if docling is None:
        print(f"docling-parse NOT MEASURED: {why}.  Install it in its own venv "
              "(python -m venv V && V/bin/pip install docling-parse) and pass "
              "--docling-python V/bin/python.")
    rows = []
    for tool in TOOLS:
        py = sys.executable if tool.startswith("pypdfium2") else docling
        if py is None:
            continue
        cmd = [py, __file__, "--worker", tool, *map(str, files)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            print(f"{tool}: failed ({res.returncode}): {res.stderr.strip()[-400:]}")
            continue
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    print(f"{len(files)} PDFs; each tool in its own process; pages/s/core = pages / CPU s "
          "of the reading (start-up CPU apart)")
    print()
    print("| tool | version | pages | chars | line objects | start-up CPU s | reading CPU s "
          "| pages/s/core | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tool']} | {r['version']} | {r['pages']} | {r['chars']} | {r['lines']} | "
              f"{r['startup_cpu']:.2f} | {r['cpu']:.2f} | {r['pages'] / r['cpu']:.1f} | "
              f"{r['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
