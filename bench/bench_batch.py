"""Benchmark ``iki-extract batch``: throughput with 1 vs 2 workers, memory per worker, costs.

One run:

1. generates one archive (``archive.zip``) of ``--files`` distinct decrees (default 200):
   text decrees and born-digital PDFs (``--pdf-share``, default 0.25), made distinct
   by renaming the samples' kecamatan and nomor (``iki_extract.batch.fixtures``);
2. converts it with the local process pool, once with 1 worker and once with 2
   (fresh corpus each time), and reports files/s, pages/s, the speed-up and the
   peak resident memory of each worker (``ru_maxrss`` of the per-file process,
   sent back with each task result);
3. reads the per-file timings from the manifest and reports CPU-seconds (and
   wall seconds) per page for text and for PDF pages (and for OCR'd pages when ``--ocr-files`` > 0
   scanned PDFs could be read);
4. projects time and cost of 100,000 pages on an N-worker cluster from those
   per-page costs (``--ocr-share``, ``--core-hour-price``, ``--efficiency``).

Usage: ``python bench/bench_batch.py [--files 200] [--pdf-share 0.25] [--ocr-files 0]
[--out DIR] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from iki_extract.batch import BatchOptions, run_batch  # noqa: E402
from iki_extract.batch import fixtures as fx  # noqa: E402

PAGES = 100_000


def make_archive(folder: Path, files: int, pdf_share: float) -> Path:
    """``archive.zip`` with ``files`` distinct decrees (text and PDF)."""
    src = folder / "src"
    n_pdf = round(files * pdf_share)
    for i, v in enumerate(fx.variants(files)):
        if (i * n_pdf) // files != ((i + 1) * n_pdf) // files:  # n_pdf PDFs, spread evenly
            fx.write_pdf_variant(v, src / "pdf")
        else:
            fx.write_text_variant(v, src / "txt")
    archive = folder / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(src.rglob("*.*")):
            zf.write(f, f.relative_to(src).as_posix())
    return archive


def run(archive: Path, corpus: Path, workers: int, executor: str = "local") -> dict:
    opts = BatchOptions(workers=workers, executor=executor, timeout=600)
    start = time.perf_counter()
    s = run_batch([archive], corpus, opts, quiet=True)
    wall = time.perf_counter() - start
    rss = sorted(s.worker_max_rss_kb.values())
    with sqlite3.connect(corpus / "manifest.sqlite") as db:
        cpu, busy = db.execute("SELECT sum(cpu_s), sum(elapsed) FROM files").fetchone()
    return {
        "workers": workers,
        "executor": executor,
        "files": s.tasks,
        "ok": s.ok,
        "failed": s.failed,
        "pages": s.pages,
        "extract_s": round(s.extract_elapsed, 2),
        "wall_s": round(wall, 2),
        "files_per_s": round(s.tasks / s.extract_elapsed, 2),
        "pages_per_s": round(s.pages_per_s, 2),
        "worker_peak_mb": [round(kb / 1024) for kb in rss],
        "cpu_s": round(cpu or 0.0, 2),
        "busy_workers": round((busy or 0.0) / s.extract_elapsed, 2),  # mean tasks in flight
        "cpu_per_wall": round((cpu or 0.0) / s.extract_elapsed, 2),  # cores actually used
        "decrees": s.corpus.decrees,
    }


def per_page_costs(corpus: Path) -> dict[str, dict[str, float]]:
    """Worker-seconds per page and per file, by input kind, from the manifest."""
    db = sqlite3.connect(corpus / "manifest.sqlite")
    rows = db.execute(
        "SELECT min(s.name), f.pages, f.elapsed, f.cpu_s FROM files f JOIN sources s USING (sha256)"
        " WHERE f.status = 'done' GROUP BY f.sha256"
    ).fetchall()
    db.close()
    out: dict[str, dict[str, float]] = {}
    for name, pages, elapsed, cpu in rows:
        kind = Path(name).suffix.lower().lstrip(".")
        k = out.setdefault(kind, {"files": 0, "pages": 0, "wall_s": 0.0, "cpu_s": 0.0})
        k["files"] += 1
        k["pages"] += pages
        k["wall_s"] += elapsed
        k["cpu_s"] += cpu or 0.0
    for k in out.values():
        k["wall_s_per_page"] = round(k["wall_s"] / max(k["pages"], 1), 4)
        k["s_per_page"] = round(k["cpu_s"] / max(k["pages"], 1), 4)  # CPU-seconds
        k["wall_s"], k["cpu_s"] = round(k["wall_s"], 2), round(k["cpu_s"], 2)
    return out


def ocr_cost(folder: Path, n: int) -> dict[str, float] | str:
    """Seconds per OCR'd page on ``n`` scanned PDFs (``synth.scan``), or why not."""
    try:
        from iki_extract.synth.scan import simulate_scan
    except ImportError as exc:
        return f"scan simulator not available: {exc}"
    scans = folder / "scans"
    scans.mkdir()
    for v in fx.variants(n, stems=("kec_sukamaju_2024",)):
        pdf = fx.write_pdf_variant(v, folder / "born")
        simulate_scan(pdf, scans / pdf.name, level="light", seed=v.n)
    result = run(scans, folder / "corpus-ocr", workers=2)
    costs = per_page_costs(folder / "corpus-ocr")
    if not result["ok"] or "pdf" not in costs:
        return "scanned PDFs were not read (OCR path not available)"
    return costs["pdf"]


def projection(s_pdf: float, s_ocr: float | None, args: argparse.Namespace) -> list[dict]:
    rows = []
    shares = [0.0] if s_ocr is None else sorted({0.0, args.ocr_share, 1.0})
    for share in shares:
        s_page = (1 - share) * s_pdf + share * (s_ocr or 0.0)
        core_h = PAGES * s_page / 3600 / args.efficiency
        for n in (2, 8, 32, 128):
            rows.append(
                {
                    "ocr_share": share,
                    "workers": n,
                    "s_per_page": round(s_page, 3),
                    "core_hours": round(core_h, 2),
                    "wall_hours": round(core_h / n, 3),
                    "cost": round(core_h * args.core_hour_price, 2),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--pdf-share", type=float, default=0.25)
    ap.add_argument("--ocr-files", type=int, default=0, help="scanned PDFs to time OCR on")
    ap.add_argument("--ocr-share", type=float, default=0.3, help="share of OCR pages (projection)")
    ap.add_argument("--core-hour-price", type=float, default=0.05, help="USD per core-hour")
    ap.add_argument("--efficiency", type=float, default=0.85, help="cluster efficiency (0-1]")
    ap.add_argument("--out", type=Path, default=None, help="keep the work folder here")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    work = args.out or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    archive = make_archive(work, args.files, args.pdf_share)
    report: dict = {
        "cores": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in os.getloadavg()],
        "archive_s": round(time.perf_counter() - t, 1),
        "runs": [run(archive, work / f"corpus-{n}", n) for n in (1, 2)],
    }
    r1, r2 = report["runs"]
    report["speedup_2_vs_1"] = round(r2["pages_per_s"] / r1["pages_per_s"], 2)
    report["per_page"] = per_page_costs(work / "corpus-2")
    report["ocr"] = ocr_cost(work, args.ocr_files) if args.ocr_files else "not measured"
    s_pdf = report["per_page"].get("pdf", {}).get("s_per_page", 0.0)
    s_ocr = report["ocr"]["s_per_page"] if isinstance(report["ocr"], dict) else None
    report["projection_100k_pages"] = projection(s_pdf, s_ocr, args)
    report["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"archive: {args.files} files ({args.pdf_share:.0%} PDF), built in {report['archive_s']} s"
    )
    print(
        "| workers | files | pages | extract s | files/s | pages/s | CPU s | cores used |"
        " peak MB per worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in report["runs"]:
        peaks = ", ".join(map(str, r["worker_peak_mb"]))
        print(
            f"| {r['workers']} | {r['files']} | {r['pages']} | {r['extract_s']} | "
            f"{r['files_per_s']} | {r['pages_per_s']} | {r['cpu_s']} | {r['cpu_per_wall']} | "
            f"{peaks} |"
        )
    print(f"speed-up 2 vs 1 worker: {report['speedup_2_vs_1']}x")
    print("per page (2-worker run):", json.dumps(report["per_page"]))
    print("OCR:", json.dumps(report["ocr"]))
    print("| OCR share | workers | CPU s/page | core-hours | wall hours | cost |")
    print("|---|---|---|---|---|---|")
    for p in report["projection_100k_pages"]:
        print(
            f"| {p['ocr_share']:.0%} | {p['workers']} | {p['s_per_page']} | {p['core_hours']} | "
            f"{p['wall_hours']} | {p['cost']} |"
        )
    print(f"load average before/after: {report['load_avg_before']} / {report['load_avg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
