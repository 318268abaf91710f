"""Benchmark the born-digital PDF path against the plain tools a user would reach for.

One run renders the gold decrees (``../shared/seeds`` and ``samples/``) as PDFs
in every layout variant of ``iki_extract.synth``, then, each tool in its own
fresh process (so peak memory is that tool's alone), measures:

* pages per second per core: pages over the CPU time (user + system, the process
  and its children) of a single-process run, start-up included, so that a busy
  machine does not skew the figure (wall-clock pages/s is printed too);
* peak resident memory (``ru_maxrss`` of the worker process);
* indikator-row F1: for ``iki-extract`` the structured row F1 of METRICS.md,
  and for every tool (ours included) a *flat* row F1 that pools a file's rows
  without any decree structure, so tools that return bare table rows compare
  fairly.

Peers, run the plain way a careful user would:

* ``pdfplumber``: ``page.extract_tables()`` with default settings, columns
  mapped by their header wording, SASARAN filled down (pandas ``ffill``);
* ``camelot``: ``camelot.read_pdf(..., flavor="lattice", pages="all")``, mapped
  the same way.

Also: peak memory of our path on a 50-page and a 500-page PDF (the ratio shows
whether memory stays flat as pages stream).

Usage: ``python bench/bench_pdf.py [--out DIR] [--no-camelot]``
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

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
sys.path.insert(0, str(REPO))

FIELDS = ("sasaran", "indikator", "formulasi", "sumber_data")


# --------------------------------------------------------------------------
# Workers (run in a fresh process each)
# --------------------------------------------------------------------------


def _peer_map_rows(tables: list[list[list[str | None]]]) -> list[dict]:
    """Rows of plain extracted tables, mapped by header wording, SASARAN filled down."""
    from iki_extract.tables.columns import header_field

    rows: list[dict] = []
    mapping: dict[int, str] | None = None
    last_sasaran = None
    for table in tables:
        for raw in table:
            cells = [" ".join((c or "").split()) for c in raw]
            named = {i: header_field(c) for i, c in enumerate(cells)}
            hits = {i: f for i, (f, score) in named.items() if f and score >= 80}
            if len(hits) >= 2:
                mapping = {i: f for i, f in hits.items() if f in FIELDS}
                continue
            if mapping is None or all(c.strip("() .").isdigit() or not c for c in cells):
                continue
            row = {f: (cells[i] or None) if i < len(cells) else None for i, f in mapping.items()}
            for f in FIELDS:
                row.setdefault(f, None)
            if not any(row.values()):
                continue
            if row["sasaran"] is None:
                row["sasaran"] = last_sasaran
            last_sasaran = row["sasaran"]
            rows.append(row)
    return rows


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def worker(tool: str, files: list[str]) -> dict:
    out: dict = {"tool": tool, "files": {}, "pages": 0}
    if tool == "iki-extract-pdfplumber":  # our path with the pdfplumber page source
        import os

        os.environ["IKI_PDF_ENGINE"] = "pdfplumber"
    t0, c0 = time.perf_counter(), _cpu()
    for f in files:
        path = Path(f)
        if tool.startswith("iki-extract"):
            from iki_extract import extract

            decrees = [d.to_dict() for d in extract(path, merge=False)]
            out["files"][path.name] = {"decrees": decrees}
            out["pages"] += len({p for d in decrees for p in d["source"]["pages"]})
        elif tool == "pdfplumber":
            import pdfplumber

            tables = []
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    tables.extend(page.extract_tables())
                    out["pages"] += 1
                    page.close()
            out["files"][path.name] = {"rows": _peer_map_rows(tables)}
        elif tool == "camelot":
            import camelot

            found = camelot.read_pdf(str(path), flavor="lattice", pages="all")
            tables = [t.df.values.tolist() for t in found]
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                out["pages"] += len(pdf.pages)
            out["files"][path.name] = {"rows": _peer_map_rows(tables)}
        else:  # pragma: no cover
            raise SystemExit(f"unknown tool {tool}")
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = _cpu() - c0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_worker(tool: str, files: list[Path]) -> dict:
    cmd = [sys.executable, __file__, "--worker", tool, *map(str, files)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return {"tool": tool, "error": res.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(res.stdout)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def render_corpus(out: Path) -> tuple[dict[str, list], list[Path]]:
    from iki_extract.synth import VARIANTS, render_decree_pdf

    gold: dict[str, list] = {}
    files: list[Path] = []
    for folder in (SEEDS, REPO / "samples"):
        for g in sorted(folder.glob("*.gold.json")):
            stem = g.name[: -len(".gold.json")]
            gold[stem] = json.loads(g.read_text(encoding="utf-8"))
            for name in VARIANTS:
                p = out / f"{stem}.{name}.pdf"
                render_decree_pdf(gold[stem], p, variant=name)
                files.append(p)
    return gold, files


def long_pdf(path: Path, pages: int) -> Path:
    """A decree whose lampiran repeats the sample's blocks to reach about ``pages`` pages."""
    from iki_extract.synth import render_decree_pdf

    base = json.loads((REPO / "samples" / "kec_sukamaju_2024.gold.json").read_text("utf-8"))[0]
    one = render_decree_pdf([base], path, variant="a4-portrait").pages
    reps, got = max(1, -(-pages // one)), 0
    while got < pages:
        blocks = [{**j, "jabatan": f"{j['jabatan']} {k + 1}"} for k in range(reps) for j in base["jabatan"]]
        got = render_decree_pdf([{**base, "jabatan": blocks}], path, variant="a4-portrait").pages
        reps = max(reps + 1, -(-reps * pages // max(got, 1)))
    return path


def flat_f1(gold: dict[str, list], files: dict[str, dict]) -> float:
    from iki_extract.eval import decree_stem, flat_row_scores

    c = p = g = 0
    for name, res in files.items():
        gold_rows = [r for d in gold[decree_stem(name)] for j in d["jabatan"] for r in j["indikator"]]
        if "rows" in res:
            pred_rows = res["rows"]
        else:
            pred_rows = [r for d in res["decrees"] for j in d["jabatan"] for r in j["indikator"]]
        a, b, e = flat_row_scores(gold_rows, pred_rows)
        c, p, g = c + a, p + b, g + e
    prec, rec = c / p if p else 0.0, c / g if g else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def structured_f1(gold: dict[str, list], files: dict[str, dict]) -> float:
    from iki_extract.eval import evaluate

    pred = {name: res["decrees"] for name, res in files.items()}
    return evaluate(gold, pred).pooled.row_f1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="keep the rendered PDFs here")
    ap.add_argument("--no-camelot", action="store_true")
    args = ap.parse_args()
    tmp = args.out or Path(tempfile.mkdtemp(prefix="iki-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    gold, files = render_corpus(tmp)
    tools = ["iki-extract", "iki-extract-pdfplumber", "pdfplumber"]
    tools += [] if args.no_camelot else ["camelot"]
    results = {t: run_worker(t, files) for t in tools}
    ours = results["iki-extract"]
    print(f"corpus: {len(files)} PDFs, {ours.get('pages', 0)} pages (gold seeds + samples x variants)")
    print(f"{'tool':<23} {'pages/s/core':>12} {'wall p/s':>8} {'peak MB':>8} "
          f"{'flat row F1':>11} {'row F1':>7}")
    for t, r in results.items():
        if "error" in r:
            print(f"{t:<23} failed: {r['error']}")
            continue
        pps = r["pages"] / r["cpu_seconds"] if r["cpu_seconds"] else 0.0
        wall = r["pages"] / r["seconds"] if r["seconds"] else 0.0
        f1 = flat_f1(gold, r["files"])
        sf1 = f"{structured_f1(gold, r['files']):.3f}" if t.startswith("iki-extract") else "-"
        r["pps"], r["flat_f1"] = pps, f1
        print(f"{t:<23} {pps:>12.2f} {wall:>8.2f} {r['peak_mb']:>8.0f} {f1:>11.3f} {sf1:>7}")
    for t in tools[1:]:
        r = results[t]
        if "error" in r or "error" in ours:
            continue
        print(
            f"iki-extract / {t}: flat row F1 x{ours['flat_f1'] / max(r['flat_f1'], 1e-9):.2f}, "
            f"speed x{ours['pps'] / max(r['pps'], 1e-9):.2f}, memory x{ours['peak_mb'] / r['peak_mb']:.2f}"
        )
    # memory as pages stream: 50 vs 500 pages
    small, big = long_pdf(tmp / "long50.pdf", 50), long_pdf(tmp / "long500.pdf", 500)
    m_small, m_big = run_worker("iki-extract", [small]), run_worker("iki-extract", [big])
    if "error" not in m_small and "error" not in m_big:
        print(
            f"our peak memory: {m_small['pages']} pages {m_small['peak_mb']:.0f} MB, "
            f"{m_big['pages']} pages {m_big['peak_mb']:.0f} MB "
            f"(x{m_big['peak_mb'] / m_small['peak_mb']:.2f} for x{m_big['pages'] / max(m_small['pages'], 1):.0f} pages); "
            f"{m_big['pages'] / m_big['cpu_seconds']:.2f} pages/s/core"
        )
    print("targets: >= 2x pdfplumber extract_tables() and >= 8x camelot lattice in "
          "pages/s/core, <= 300 MB peak on 500 pages, row F1 well above both peers")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3:])))
    else:
        main()
