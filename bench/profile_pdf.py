"""Where the time of the born-digital PDF path goes (cProfile), per PDF engine.

Runs ``iki_extract.extract`` over the given PDFs (default: four files of
``../shared/corpus/pdf``) once to warm up the models, then under cProfile, and prints
the pages, the CPU pages/s and the top entries by cumulative time.

Usage::

    python bench/profile_pdf.py [--engine pdfium|pdfplumber] [--top 25] [PDF ...]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "pdf"
DEFAULT = ("000_c8d51b738327ab4e.v7", "001_61a8b4f18850fd12.v10", "002_5cd152964e0c0a94.v7",
           "003_7df234cb4d18fb5f.v12")
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("pdfs", nargs="*", type=Path)
    args = ap.parse_args()
    os.environ["IKI_PDF_ENGINE"] = args.engine
    from iki_extract import extract

    files = args.pdfs or [CORPUS / f"{s}.pdf" for s in DEFAULT]
    extract(files[0], merge=False)  # load the models outside the measurement
    prof = cProfile.Profile()
    c0 = time.process_time()
    prof.enable()
    pages = 0
    for f in files:
        pages += len({p for d in extract(f, merge=False) for p in d.pages})
    prof.disable()
    cpu = time.process_time() - c0
    print(f"engine {args.engine}: {len(files)} PDFs, {pages} pages, {cpu:.1f} s CPU under "
          f"cProfile ({pages / cpu:.1f} pages/s)")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
