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

With ``--trace`` each run also writes an ``IKI_TRACE`` file (one JSON line per
child process: start, end, CPU; spans of the file child's steps) and the script
prints the schedule it shows: total CPU, the critical path, the makespan the
same policy would take on idle cores (simulated from the measured CPU times),
the idle core-seconds and the intervals where fewer jobs than cores could run.
On a shared machine the CPU-accounted figures mean more than the wall clock:
``accounted speedup`` is the total CPU of one worker over the simulated
makespan with N.  ``--analyse T1 TN`` prints the same from two saved traces.

The peer measured in the same run is the machine's own ceiling for the OCR work
(:func:`tesseract_ceiling`): bare Tesseract on the scan's pages, 1 process against
N; extract's ratio is printed against it.

Usage: ``python bench/bench_workers.py [--workers 2] [--repeat 1] [--out DIR] [--trace]``
"""

from __future__ import annotations

import argparse
import json
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


def run(
    src: Path, out: Path, workers: int, trace: Path | None = None
) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if trace is not None:
        trace.unlink(missing_ok=True)
        env["IKI_TRACE"] = str(trace)
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


# -- the schedule of one traced run ------------------------------------------------------


def load_trace(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def jobs_of(events: list[dict]) -> tuple[float, list[dict], list[dict]]:
    """``(driver CPU, file jobs, flat job rows)`` of one traced ``extract`` run.

    A file job is ``{"label", "t0", "t1", "pre", "mid", "post", "helpers": [...]}``:
    the CPU of the file child before it forks page children (``pre``), while
    they run (``mid``: the run of pages it reads itself), after (``post``: the
    merge, running headers, layout, normalisation) and its page children.
    """
    run = next(e for e in events if e["ev"] == "span" and e["name"] == "run")
    children = [e for e in events if e["ev"] == "child"]
    spans = [e for e in events if e["ev"] == "span"]
    files = [c for c in children if c["ppid"] == run["pid"]]
    out = []
    for f in sorted(files, key=lambda c: c["t0"]):
        runs = [s for s in spans if s["pid"] == f["pid"] and s["name"] == "page-runs"]
        helpers = [c for c in children if c["ppid"] == f["pid"]]
        pre = runs[0]["cpu0"] if runs else f["cpu"]
        mid = runs[0]["cpu1"] - runs[0]["cpu0"] if runs else 0.0
        out.append({"label": f["label"], "t0": f["t0"], "t1": f["t1"], "cpu": f["cpu"],
                    "pre": pre, "mid": mid, "post": max(0.0, f["cpu"] - pre - mid),
                    "helpers": [(h["label"], h["cpu"], h["t0"], h["t1"]) for h in helpers]})
    driver = run["cpu1"] - run["cpu0"]
    return driver, out, [run]


def simulate(driver: float, files: list[dict], cores: int, slots: int) -> tuple[float, list]:
    """Makespan of the run on ``cores`` idle cores, the CPU times as measured.

    The same policy as ``extract``: ``slots`` file children at a time, in the
    order they started; a file child's page children start after its ``pre``
    part, its ``post`` part after all of them; runnable jobs share the cores
    equally (processor sharing, as the kernel does).  Returns the makespan and
    the intervals where fewer jobs than cores were runnable.
    """
    pending = list(range(len(files)))
    jobs: dict[tuple, float] = {("driver",): driver}  # the driver writes results meanwhile
    state = {i: "wait" for i in pending}
    t, idle = 0.0, []

    def start_next() -> None:
        while pending and sum(1 for s in state.values() if s not in ("wait", "done")) < slots:
            i = pending.pop(0)
            state[i] = "pre"
            jobs[(i, "pre")] = files[i]["pre"]

    start_next()
    while jobs:
        n = len(jobs)
        rate = min(1.0, cores / n)
        key = min(jobs, key=lambda k: jobs[k])
        dt = jobs[key] / rate
        if n < cores:
            idle.append((t, t + dt, [k for k in jobs]))
        t += dt
        for k in list(jobs):
            jobs[k] -= dt * rate
        finished = [k for k in jobs if jobs[k] <= 1e-9]
        for k in finished:
            del jobs[k]
            if k == ("driver",):
                continue
            i, part = k[0], k[1]
            f = files[i]
            if part == "pre":
                state[i] = "mid"
                jobs[(i, "mid")] = f["mid"] or 1e-9
                for j, h in enumerate(f["helpers"]):
                    jobs[(i, "helper", j)] = h[1]
            elif part in ("mid", "helper") and not any(
                kk[0] == i and kk[1] in ("mid", "helper") for kk in jobs
            ):
                state[i] = "post"
                jobs[(i, "post")] = f["post"] or 1e-9
            elif part == "post":
                state[i] = "done"
                start_next()
    return t, idle


def critical_path(files: list[dict]) -> float:
    return max(
        (f["pre"] + max([f["mid"], *(h[1] for h in f["helpers"])]) + f["post"] for f in files),
        default=0.0,
    )


def describe(events: list[dict], cores: int, slots: int) -> dict:
    """Print the schedule of one traced run; return its figures."""
    driver, files, _ = jobs_of(events)
    total = driver + sum(f["cpu"] + sum(h[1] for h in f["helpers"]) for f in files)
    cp = critical_path(files)
    sim, idle = simulate(driver, files, cores, slots)
    t_start = min(f["t0"] for f in files)
    wall = max(f["t1"] for f in files) - t_start
    print(f"  {'process':58} {'start':>6} {'end':>6} {'CPU s':>6}")
    for f in files:
        print(f"  {f['label'][:58]:58} {f['t0'] - t_start:6.2f} {f['t1'] - t_start:6.2f} "
              f"{f['cpu']:6.2f}  (before page runs {f['pre']:.2f}, own run {f['mid']:.2f}, "
              f"after {f['post']:.2f})")
        for label, cpu, t0, t1 in f["helpers"]:
            print(f"    {label[:56]:56} {t0 - t_start:6.2f} {t1 - t_start:6.2f} {cpu:6.2f}")
    print(f"  driver (writing results) CPU {driver:.2f} s")
    lower = max(cp, total / cores)
    print(f"  total CPU {total:.2f} s; critical path {cp:.2f} s; lower bound on {cores} cores "
          f"{lower:.2f} s; simulated makespan (same policy, idle cores) {sim:.2f} s; "
          f"idle core-seconds {cores * sim - total:.2f} (simulated), "
          f"{cores * wall - total:.2f} (as traced, wall {wall:.2f} s)")
    for a, b, running in idle:
        if b - a >= 0.05:
            names = ", ".join(
                "driver" if k == ("driver",) else f"{files[k[0]]['label'][:40]}:{k[1]}"
                for k in running
            )
            print(f"    {a:6.2f}-{b:6.2f} s: {len(running)} runnable ({names})")
    return {"total": total, "cp": cp, "lower": lower, "sim": sim, "wall": wall}


def accounted(traces: dict[int, Path], cores: int) -> None:
    """The schedule of each traced setting and the CPU-accounted speedup."""
    figs = {}
    for n, path in traces.items():
        print(f"\nschedule, workers={n} ({path.name}):")
        figs[n] = describe(load_trace(path), cores, n)
    one = figs[min(figs)]["total"]
    for n, f in figs.items():
        if n == min(figs):
            continue
        print(f"\naccounted speedup {n} workers / 1 on {cores} idle cores: "
              f"{one / f['sim']:.2f}x simulated (same policy), {one / f['lower']:.2f}x ideal "
              f"(lower bound: max(critical path, CPU / cores))")


def tesseract_ceiling(scans: list[Path], workers: int, work: Path) -> float | None:
    """The machine's own ceiling for the OCR work: bare Tesseract (``--psm 4``, one
    thread) on the scans' pages at 300 dpi, one process reading every page against
    ``workers`` processes each reading a share, timed in this run.  Tesseract is
    where the scans' time goes (97 % of the CPU); two processes on two cores that
    share their vector units read slower each, and no schedule does better than this."""
    import pypdfium2 as pdfium

    exe = shutil.which("tesseract")
    if exe is None or not scans:
        return None
    pages: list[Path] = []
    for scan in scans:
        pdf = pdfium.PdfDocument(str(scan))
        try:
            for i in range(len(pdf)):
                img = pdf[i].render(scale=300 / 72, grayscale=True).to_pil()
                path = work / f"ceiling-{scan.stem}-{i + 1}.png"
                img.save(path)
                pages.append(path)
        finally:
            pdf.close()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def read(share: list[Path]) -> subprocess.Popen:
        script = "; ".join(f"'{exe}' '{p}' - -l ind --psm 4 > /dev/null 2>&1" for p in share)
        return subprocess.Popen(["sh", "-c", script], env=env)

    def timed(shares: list[list[Path]]) -> float:
        t0 = time.perf_counter()
        procs = [read(sh) for sh in shares if sh]
        for pr in procs:
            pr.wait()
        return time.perf_counter() - t0

    one = timed([pages])
    many = timed([pages[k::workers] for k in range(workers)])
    ratio = one / many
    print(f"ceiling: bare Tesseract on the {len(pages)} scanned pages, 1 process {one:.1f} s, "
          f"{workers} processes {many:.1f} s: {ratio:.2f}x")
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting (the best is kept)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--trace", action="store_true", help="trace the runs and print the schedule")
    ap.add_argument("--analyse", nargs=2, type=Path, metavar=("TRACE_1", "TRACE_N"),
                    help="only print the schedule of two saved traces (1 and N workers)")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    if args.analyse:
        accounted({1: args.analyse[0], args.workers: args.analyse[1]}, cores)
        return

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
    traces: dict[int, Path] = {}
    for n in (1, args.workers):
        for k in range(args.repeat):
            out = work / f"out-w{n}"
            shutil.rmtree(out, ignore_errors=True)
            trace = work / f"trace-w{n}-{k + 1}.jsonl" if args.trace else None
            load = os.getloadavg()[0]
            run_s, wall_s, line = run(src, out, n, trace)
            print(f"workers={n} run {k + 1}: run {run_s:.1f} s, wall {wall_s:.1f} s "
                  f"(load average {load:.2f}); {line}")
            if n not in best or run_s < best[n][0]:
                best[n] = (run_s, wall_s)
                if trace is not None:
                    traces[n] = trace
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
    ceiling = tesseract_ceiling(sorted(src.glob("*scan*.pdf")), args.workers, work)
    if ceiling:
        print(f"extract's ratio is {ratio / ceiling:.0%} of what the machine gives bare "
              f"Tesseract ({ceiling:.2f}x)")
    if traces:
        accounted(traces, cores)


if __name__ == "__main__":
    main()
