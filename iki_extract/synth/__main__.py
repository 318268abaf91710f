"""python -m iki_extract.synth GOLD_JSON OUT.pdf --variant NAME

python -m iki_extract.synth scan IN.pdf OUT.pdf --level medium [--seed N]  (scan simulator)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import VARIANTS, render_decree_pdf


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "scan":
        return scan_main(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m iki_extract.synth",
                                 description="Render a gold JSON decree file into a PDF.")
    ap.add_argument("gold", type=Path, help="gold JSON (a decree or a list of decrees)")
    ap.add_argument("out", type=Path, help="output PDF")
    ap.add_argument("--variant", default="a4-portrait", choices=sorted(VARIANTS))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    data = json.loads(args.gold.read_text(encoding="utf-8"))
    decrees = data if isinstance(data, list) else [data]
    info = render_decree_pdf(decrees, args.out, args.variant, args.seed)
    print(f"{args.out}: {info.pages} pages ({info.variant})")
    return 0


def scan_main(argv: list[str] | None = None) -> int:
    """python -m iki_extract.synth scan IN.pdf OUT.pdf --level medium [--seed N]"""
    from .scan import LEVELS, simulate_scan

    ap = argparse.ArgumentParser(
        prog="python -m iki_extract.synth scan",
        description="Simulate a photocopied/scanned image-only copy of a PDF "
                    "(OUT: .pdf, .tif/.tiff, or .png/.jpg for page 1).")
    ap.add_argument("pdf", type=Path, help="born-digital input PDF")
    ap.add_argument("out", type=Path, help="output .pdf/.tif/.tiff/.png/.jpg")
    ap.add_argument("--level", default="medium", choices=list(LEVELS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=int, default=None, help="override the level's dpi")
    ap.add_argument("--rotate", action="append", default=[], metavar="PAGE:DEG",
                    help="feed PAGE turned clockwise by DEG (90/180/270); repeatable")
    ap.add_argument("--blank-after", action="append", type=int, default=[], metavar="PAGE",
                    help="insert a blank scanned sheet after PAGE; repeatable")
    args = ap.parse_args(argv)
    rotate: dict[int, int] = {}
    for spec in args.rotate:
        page, _, deg = spec.partition(":")
        try:
            rotate[int(page)] = int(deg)
        except ValueError:
            ap.error(f"--rotate wants PAGE:DEG, got {spec!r}")
    try:
        info = simulate_scan(args.pdf, args.out, level=args.level, dpi=args.dpi,
                             seed=args.seed, rotate=rotate, blank_after=args.blank_after)
    except ValueError as e:
        ap.error(str(e))
    print(f"{args.out}: {info.pages} pages, {info.level} @ {info.dpi} dpi")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
