"""Refit the OCR cell-confidence model on the corpus scans, leave-one-seed-out.

1. Every scan of ``--corpus`` (default ``../shared/corpus/scan``) whose rendering
   matches ``--quality`` is extracted once, one file at a time, with
   ``IKI_RAW_CONFIDENCE=1`` (the rows keep the reader's raw word score) into
   ``--cache/<file stem>/``; a file already there is not read again (delete the
   folder after a reader change).
2. :mod:`iki_extract.eval.calibration` then fits the cell model
   leave-one-seed-out (``--loso``: fit on the other seeds' ``--train``
   renderings, score every rendering of the held-out seed) and prints AUROC per
   file, per rendering and pooled; ``--plot`` draws the held-out reliability
   plot, ``--fit`` writes the coefficients fitted on every file.

Usage::

    nice -n 10 python bench/fit_confidence.py --cache /tmp/conf-cache \\
        --plot docs/scan_confidence_reliability.png --fit models/ocr_confidence.yaml
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from iki_extract.eval import calibration

REPO = Path(__file__).resolve().parent.parent


def extract(pdf: Path, cache: Path, timeout: int) -> Path | None:
    out = cache / pdf.name.removesuffix(".pdf")
    if (out / "decrees").is_dir():
        return out
    tmp = out.with_name(out.name + ".tmp")
    env = dict(os.environ, IKI_RAW_CONFIDENCE="1")
    cmd = [sys.executable, "-m", "iki_extract.cli", "extract", str(pdf), "-o", str(tmp),
           "--keep-duplicates", "--workers", "1", "--timeout", str(timeout), "-q"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not (tmp / "decrees").is_dir() or not any((tmp / "decrees").iterdir()):
        print(f"{pdf.name}: extraction failed: {done.stdout.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    tmp.rename(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/fit_confidence.py")
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "scan")
    ap.add_argument("--gold", type=Path, default=REPO.parent / "shared" / "seeds")
    ap.add_argument("--quality", default="light,medium,heavy", help="renderings to use")
    ap.add_argument("--cache", type=Path, required=True, help="folder of the raw extractions")
    ap.add_argument("--timeout", type=int, default=3000, help="per-file limit (s)")
    ap.add_argument("--plot", type=Path)
    ap.add_argument("--fit", type=Path)
    ap.add_argument("--scope", choices=("block", "decree"), default="block")
    ap.add_argument("--train", default="",
                    help="renderings the model is fitted on, e.g. scan-light,scan-medium "
                    "(default: all; all are scored)")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    wanted = tuple(f"scan-{q}.pdf" for q in args.quality.split(",") if q)
    outs = [extract(p, args.cache, args.timeout)
            for p in sorted(args.corpus.glob("*.pdf")) if p.name.endswith(wanted)]
    dirs = [str(o) for o in outs if o is not None]
    if not dirs:
        print("no extraction to fit on", file=sys.stderr)
        return 1
    cal = [str(args.gold), *dirs, "--loso", "--scope", args.scope, "--train", args.train]
    if args.plot:
        cal += ["--plot", str(args.plot)]
    if args.fit:
        cal += ["--fit", str(args.fit)]
    return calibration.main(cal)


if __name__ == "__main__":
    sys.exit(main())
