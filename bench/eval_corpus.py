"""Extract and score the independent development corpus (``../shared/corpus``).

Every file of ``pdf/``, ``text/`` and ``scan/`` is extracted on its own and
scored (METRICS.md) against ``../shared/seeds/<stem>.gold.json``; the table
shows each file, each input kind pooled, and everything pooled.

Usage::

    python bench/eval_corpus.py --only pdf,text
    python bench/eval_corpus.py --only scan --scan-quality medium --jobs 2
    python bench/eval_corpus.py --only text --diff          # wrong fields and rows
    python bench/eval_corpus.py --reuse /tmp/corpus-out     # cache predictions
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

from iki_extract.eval.corpus import (  # noqa: E402
    CORPUS_FOLDERS,
    SCAN_QUALITIES,
    format_corpus,
    format_diff,
    run_corpus,
)


def _csv(value: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {what}: {', '.join(bad)} (one of {allowed})")
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--gold", type=Path, default=SHARED / "seeds")
    ap.add_argument(
        "--only",
        type=lambda v: _csv(v, CORPUS_FOLDERS, "folder"),
        default=list(CORPUS_FOLDERS),
        help="folders to run, comma-separated (pdf,text,scan)",
    )
    ap.add_argument(
        "--scan-quality",
        type=lambda v: _csv(v, SCAN_QUALITIES, "scan quality"),
        default=list(SCAN_QUALITIES),
        help="scan qualities to run (light,medium,heavy)",
    )
    ap.add_argument("--files", nargs="*", help="only these file names (or name parts)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--reuse", type=Path, help="folder caching each file's predictions")
    ap.add_argument("--diff", action="store_true", help="show wrong fields, items and rows")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--markdown", action="store_true", help="pooled lines as a markdown table")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)

    from iki_extract.eval.corpus import corpus_files

    files = corpus_files(args.corpus, args.only, args.scan_quality)
    if args.files:
        files = [f for f in files if any(part in f.name for part in args.files)]
    if not files:
        print(f"no corpus files under {args.corpus} for {args.only}", file=sys.stderr)
        return 2

    def progress(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    result = run_corpus(
        args.corpus, args.gold, files=files, jobs=args.jobs, reuse=args.reuse, progress=progress
    )
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_corpus(result, markdown=args.markdown))
    if args.diff:
        print()
        print(format_diff(result))
    return 0 if not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
