"""Benchmark the scan (OCR) path against the peer a user would reach for.

One run renders the gold decrees (``../shared/seeds`` by default, or
``samples/`` with ``--samples``) as PDFs, turns them into simulated scans
(``iki_extract.synth.scan``, level ``medium``: ~1° skew, blur, speckle, JPEG,
200 dpi) and then, each tool in its own fresh process, measures seconds per
page on one core, peak resident memory, and indikator-row F1 (structured for
us, flat for every tool, as in ``bench_pdf.py``).

Peer: img2table with Tesseract (``lang="ind"``), ruled tables, columns mapped
by header wording and SASARAN filled down, the way a careful user would.

Usage: ``python bench/bench_ocr.py [--samples] [--level medium] [--dpi 300] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
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


def worker(tool: str, dpi: int, files: list[str]) -> dict:
    out: dict = {"tool": tool, "files": {}, "pages": 0}
    t0 = time.perf_counter()
    for f in files:
        path = Path(f)
        if tool == "iki-extract":
            from iki_extract.ingest import OcrSettings, read
            from iki_extract.pipeline import extract_document

            doc = read(path, ocr=OcrSettings(dpi=dpi))
            decrees = [d.to_dict() for d in extract_document(doc)]
            out["files"][path.name] = {"decrees": decrees}
            out["pages"] += len(doc.pages)
        elif tool == "img2table":
            from img2table.document import PDF
            from img2table.ocr import TesseractOCR

            ocr = TesseractOCR(n_threads=1, lang="ind")
            found = PDF(src=str(path)).extract_tables(ocr=ocr, min_confidence=50)
            tables = []
            for page_no in sorted(found):
                out["pages"] += 1
                for t in found[page_no]:
                    tables.append(t.df.fillna("").astype(str).values.tolist())
            out["files"][path.name] = {"rows": _peer_map_rows(tables)}
        else:  # pragma: no cover
            raise SystemExit(f"unknown tool {tool}")
    out["seconds"] = time.perf_counter() - t0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_worker(tool: str, dpi: int, files: list[Path]) -> dict:
    cmd = [sys.executable, __file__, "--worker", tool, str(dpi), *map(str, files)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return {"tool": tool, "error": res.stderr.strip().splitlines()[-3:] or ["failed"]}
    return json.loads(res.stdout.strip().splitlines()[-1])


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
    args = ap.parse_args()
    tmp = args.out or Path(tempfile.mkdtemp(prefix="iki-ocr-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    gold, files = scans(REPO / "samples" if args.samples else SEEDS, tmp, args.level, args.variant)
    tools = ["iki-extract"] + ([] if args.no_peer else ["img2table"])
    results = {t: run_worker(t, args.dpi, files) for t in tools}
    ours = results["iki-extract"]
    print(f"corpus: {len(files)} scans ({args.level}), {ours.get('pages', 0)} pages")
    print(f"{'tool':<12} {'s/page/core':>11} {'peak MB':>8} {'flat row F1':>11} {'row F1':>7}")
    for t, r in results.items():
        if "error" in r:
            print(f"{t:<12} failed: {r['error']}")
            continue
        spp = r["seconds"] / max(r["pages"], 1)
        f1 = flat_f1(gold, r["files"])
        sf1 = f"{structured_f1(gold, r['files']):.3f}" if t == "iki-extract" else "-"
        r["spp"], r["flat_f1"] = spp, f1
        print(f"{t:<12} {spp:>11.2f} {r['peak_mb']:>8.0f} {f1:>11.3f} {sf1:>7}")
    for t in tools[1:]:
        r = results[t]
        if "error" not in r and "error" not in ours:
            print(
                f"iki-extract / {t}: flat row F1 x{ours['flat_f1'] / max(r['flat_f1'], 1e-9):.2f}, "
                f"time per page x{ours['spp'] / max(r['spp'], 1e-9):.2f}, "
                f"memory x{ours['peak_mb'] / r['peak_mb']:.2f}"
            )
    print("targets: <= 3 s/page/core at 300 dpi, <= 1 GB peak per worker, row F1 well above the peer")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], int(sys.argv[3]), sys.argv[4:])))
    else:
        main()
