"""python -m iki_extract.synth GOLD_JSON OUT.pdf --variant NAME"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import VARIANTS, render_decree_pdf


def main(argv: list[str] | None = None) -> int:
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


if __name__ == "__main__":
    raise SystemExit(main())
