"""Benchmark the scan (OCR) path against the peer a user would reach for.

One run renders the gold decrees (``../shared/seeds`` by default, or
``samples/`` with ``--samples``) as PDFs, turns them into simulated scans
(``iki_extract.synth.scan``, level ``medium``: ~1° skew, blur, speckle, JPEG,
200 dpi) and then, each tool in its own fresh process, measures seconds per
page on one core, peak resident memory, and indikator-row F1 (structured for
us, flat for every tool, as in ``bench_pdf.py``).

Peer: img2table with Tesseract (``lang="ind"``), ruled tables, columns mapped
by header wording and SASARAN filled down, the way a careful user would.

Independent scans: ``--corpus ../shared/corpus/scan --quality medium`` reads the
corpus's scans of the seeds instead of making scans (gold: ``../shared/seeds``).

img2table pulls in opencv-contrib, which breaks the project venv's ``cv2``: it
runs from its own venv, ``--peer-python /tmp/i12/peervenv/bin/python`` (default:
``$IKI_PEER_PYTHON``; ``python -m venv V && V/bin/pip install img2table``); without
one the peer is skipped with a message.  Time is CPU seconds of the worker
process and its children (Tesseract) per page, so a busy machine does not
inflate it; wall seconds are shown beside.

Usage: ``python bench/bench_ocr.py [--samples | --corpus DIR --quality Q] [--dpi 300] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_pdf import REPO, SEEDS, _peer_map_rows, flat_f1, structured_f1  # noqa: E402


def _cpu() -> float:
    ru_s = resource.getrusage(resource.RUSAGE_SELF)
    ru_c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru_s.ru_utime + ru_s.ru_stime + ru_c.ru_utime + ru_c.ru_stime


def worker(tool: str, dpi: int, files: list[str]) -> dict:
    out: dict = {"tool": tool, "files": {}, "pages": 0}
    t0, c0 = time.perf_counter(), _cpu()
    for f in files:
        path = Path(f)
        if tool == "iki-extract":
            from iki_extract.ingest import OcrSettings, read
            from iki_extract.pipeline import extract_document

            doc = read(path, ocr=OcrSettings(dpi=dpi))
            decrees = [d.to_dict() for d in extract_document(doc)]
            out["files"][path.name] = {"decrees": decrees}
            out["pages"] += len(doc.pages)
        elif tool == "img2table":  # runs in the peer's venv: no project imports here
            from img2table.document import PDF
            from img2table.ocr import TesseractOCR

            ocr = TesseractOCR(n_threads=1, lang="ind")
            found = PDF(src=str(path)).extract_tables(ocr=ocr, min_confidence=50)
            tables = []
            for page_no in sorted(found):
                out["pages"] += 1
                for t in found[page_no]:
                    tables.append(t.df.fillna("").astype(str).values.tolist())
            out["files"][path.name] = {"tables": tables}
        else:  # pragma: no cover
            raise SystemExit(f"unknown tool {tool}")
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = _cpu() - c0
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ru_c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["peak_mb"] = max(ru, ru_c) / 1024
    return out


def run_worker(tool: str, dpi: int, files: list[Path], python: str | None = None) -> dict:
    cmd = [python or sys.executable, __file__, "--worker", tool, str(dpi), *map(str, files)]
    env = dict(os.environ)
    if python:  # the peer's venv must not see the project's packages
        env.pop("PYTHONPATH", None)
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if res.returncode != 0:
        return {"tool": tool, "error": res.stderr.strip().splitlines()[-3:] or ["failed"]}
    out = json.loads(res.stdout.strip().splitlines()[-1])
    for f in out["files"].values():
        if "tables" in f:
            f["rows"] = _peer_map_rows(f.pop("tables"))
    return out


def corpus_scans(folder: Path, quality: str) -> tuple[dict[str, list], list[Path]]:
    files = sorted(folder.glob(f"*.scan-{quality}.pdf"))
    gold = {}
    for f in files:
        stem = f.name.split(".", 1)[0]
        gold[stem] = json.loads((SEEDS / f"{stem}.gold.json").read_text(encoding="utf-8"))
    return gold, files


def scans(folder: Path, out: Path, level: str, variant: str) -> tuple[dict[str, list], list[Path]]:
    from iki_extract.synth import render_decree_pdf
    from iki_extract.synth.scan import simulate_scan

    gold: dict[str, list] = {}
    files: list[Path] = []
    for g in sorted(folder.glob("*.gold.json")):
        stem = g.name[: -len(".gold.json")]
        gold[stem] = json.loads(g.read_text(encoding="utf-8"))
        born = out / f"{stem}.{variant}.pdf"
        render_decree_pdf(gold[stem], born, variant=variant)
        scan = out / f"{stem}.{variant}.scan-{level}.pdf"
        simulate_scan(born, scan, level=level, seed=1)
        files.append(scan)
    return gold, files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", action="store_true", help="use samples/ instead of the seeds")
    ap.add_argument("--level", default="medium")
    ap.add_argument("--variant", default="a4-portrait")
    ap.add_argument("--dpi", type=int, default=300, help="rasterising dpi of our OCR path")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--corpus", type=Path, default=None, help="folder of independent scans")
    ap.add_argument("--quality", default="medium", help="with --corpus: light, medium, heavy")
    ap.add_argument("--peer-python", default=os.environ.get("IKI_PEER_PYTHON"))
    ap.add_argument("--limit", type=int, default=0, help="at most this many files")
    args = ap.parse_args()
    if args.corpus:
        gold, files = corpus_scans(args.corpus, args.quality)
        label = f"{args.corpus.name}/ {args.quality}"
    else:
        tmp = args.out or Path(tempfile.mkdtemp(prefix="iki-ocr-bench-"))
        tmp.mkdir(parents=True, exist_ok=True)
        folder = REPO / "samples" if args.samples else SEEDS
        gold, files = scans(folder, tmp, args.level, args.variant)
        label = f"simulated {args.level}"
    if args.limit:
        files = files[: args.limit]
    tools = ["iki-extract"]
    if args.no_peer:
        pass
    elif args.peer_python and Path(args.peer_python).exists():
        tools.append("img2table")
    else:
        print("img2table skipped: no peer venv (--peer-python or IKI_PEER_PYTHON)")
    results = {
        t: run_worker(t, args.dpi, files, args.peer_python if t == "img2table" else None)
        for t in tools
    }
    ours = results["iki-extract"]
    print(f"corpus: {len(files)} scans ({label}), {ours.get('pages', 0)} pages")
    head = f"{'tool':<12} {'s/page/core':>11} {'wall s/page':>11} {'peak MB':>8}"
    print(f"{head} {'flat row F1':>11} {'row F1':>7}")
    for t, r in results.items():
        if "error" in r:
            print(f"{t:<12} failed: {r['error']}")
            continue
        spp = r["cpu_seconds"] / max(r["pages"], 1)
        wall = r["seconds"] / max(r["pages"], 1)
        f1 = flat_f1(gold, r["files"])
        sf1 = f"{structured_f1(gold, r['files']):.3f}" if t == "iki-extract" else "-"
        r["spp"], r["flat_f1"] = spp, f1
        print(f"{t:<12} {spp:>11.2f} {wall:>11.2f} {r['peak_mb']:>8.0f} {f1:>11.3f} {sf1:>7}")
    for t in tools[1:]:
        r = results[t]
        if "error" not in r and "error" not in ours:
            print(
                f"iki-extract / {t}: flat row F1 x{ours['flat_f1'] / max(r['flat_f1'], 1e-9):.2f}, "
                f"time per page x{ours['spp'] / max(r['spp'], 1e-9):.2f}, "
                f"memory x{ours['peak_mb'] / r['peak_mb']:.2f}"
            )
    print("targets: <= 1.5 s/page/core at 300 dpi (issue 15), <= 1 GB peak per worker")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], int(sys.argv[3]), sys.argv[4:])))
    else:
        main()
