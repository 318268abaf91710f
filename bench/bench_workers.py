"""Throughput of ``extract --workers 2`` against one worker on the samples' PDFs and scans.

Each setting runs in its own fresh process (``python -m iki_extract.cli extract``
on a copy of ``samples/*.pdf``: the born-digital PDFs and the scanned one) and
is timed twice:

* ``run s``: the extraction itself, from the CLI's summary line (files read in
  isolated children, OCR pages of one file shared among the workers);
* ``wall s``: the whole command, start-up included.

Throughput is pages per second over the ``run s``.  The load average of the
machine is printed before and after, because other work on the cores skews the
ratio.  Both runs must write identical outputs (checked).

Usage: ``python bench/bench_workers.py [--workers 2] [--repeat 1] [--out DIR]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def run(src: Path, out: Path, workers: int) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cmd = [
        sys.executable,
        "-m",
        "iki_extract.cli",
        "extract",
        str(src),
        "-o",
        str(out),
        "--workers",
        str(workers),
        "-q",
        "--keep-duplicates",
    ]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"extract failed ({res.returncode}):\n{res.stderr}")
    m = re.search(r" in ([0-9.]+) s", res.stdout)
    return (float(m.group(1)) if m else wall), wall, res.stdout.strip()


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting (the best is kept)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    work = args.out or Path(tempfile.mkdtemp(prefix="iki-bench-workers-"))
    src = work / "in"
    src.mkdir(parents=True, exist_ok=True)
    files = sorted(SAMPLES.glob("*.pdf"))
    for f in files:
        shutil.copy(f, src / f.name)
    pages = sum(pdf_pages(f) for f in files)
    print(f"{len(files)} PDFs ({', '.join(f.name for f in files)}), {pages} pages")
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    best: dict[int, tuple[float, float]] = {}
    for n in (1, args.workers):
        for k in range(args.repeat):
            out = work / f"out-w{n}"
            shutil.rmtree(out, ignore_errors=True)
            run_s, wall_s, line = run(src, out, n)
            print(f"workers={n} run {k + 1}: run {run_s:.1f} s, wall {wall_s:.1f} s; {line}")
            if n not in best or run_s < best[n][0]:
                best[n] = (run_s, wall_s)
    same = tree(work / "out-w1") == tree(work / f"out-w{args.workers}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    print("| workers | run s | wall s | pages/s (run) |")
    print("|---|---|---|---|")
    for n, (run_s, wall_s) in best.items():
        print(f"| {n} | {run_s:.1f} | {wall_s:.1f} | {pages / run_s:.2f} |")
    ratio = best[1][0] / best[args.workers][0]
    wall_ratio = best[1][1] / best[args.workers][1]
    print()
    print(
        f"throughput ratio {args.workers} workers / 1: {ratio:.2f}x (run), "
        f"{wall_ratio:.2f}x (wall, start-up included); identical outputs: {same}"
    )


if __name__ == "__main__":
    main()
