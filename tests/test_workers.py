"""``extract --workers N``: files and the OCR pages of one file in parallel, same output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iki_extract import api
from iki_extract.ingest.route import page_chunks

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_page_chunks_are_contiguous_and_in_order() -> None:
    assert page_chunks([1, 2, 3, 4, 5], 2) == [[1, 2, 3], [4, 5]]
    assert page_chunks([7], 4) == [[7]]
    assert sum(page_chunks(list(range(1, 11)), 3), []) == list(range(1, 11))


@pytest.mark.parametrize(
    "names",
    [
        ("kec_sukamaju_2024.txt", "kec_mekarsari_2023.txt"),
        pytest.param(
            ("kec_mekarsari_2023.pdf", "kec_sukamaju_2024.pdf", "kec_mekarsari_2023.txt"),
            marks=pytest.mark.slow,
        ),
    ],
)
def test_two_workers_write_the_same_output_as_one(tmp_path: Path, names: tuple[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in names:
        shutil.copy(SAMPLES / name, src / name)
    (src / "bad.txt").write_bytes(b"\x00 binary")
    one = api.extract_to(src, tmp_path / "w1", workers=1, merge=False)
    two = api.extract_to(src, tmp_path / "w2", workers=2, merge=False)
    assert (one.ok, one.failed) == (two.ok, two.failed) == (len(names), 1)
    assert one.errors == two.errors
    assert _tree(tmp_path / "w1") == _tree(tmp_path / "w2")


@pytest.mark.slow
def test_pages_of_one_scan_shared_by_two_workers_give_the_same_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLES / "kec_sukamaju_2024.scan-medium.pdf", src / "scan.pdf")
    api.extract_to(src, tmp_path / "w1", workers=1)
    api.extract_to(src, tmp_path / "w2", workers=2)
    assert _tree(tmp_path / "w1") == _tree(tmp_path / "w2")


def test_pages_of_a_long_pdf_read_by_two_workers_are_the_same(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from iki_extract.ingest.pdf import PARALLEL_MIN_PAGES, read_pdf

    path = tmp_path / "long.pdf"
    c = Canvas(str(path))
    for page in range(1, PARALLEL_MIN_PAGES + 3):
        c.drawString(50, 800, "PEMERINTAH KABUPATEN CONTOH")  # a running header
        for k in range(12):
            c.drawString(50, 760 - 14 * k, f"Halaman {page} baris {k}: indikator kinerja {k}")
        c.drawString(300, 40, str(page))
        c.showPage()
    c.save()
    data = path.read_bytes()
    one = read_pdf(path, data, workers=1)
    two = read_pdf(path, data, workers=2)
    assert [p.number for p in two.pages] == list(range(1, PARALLEL_MIN_PAGES + 3))
    assert one == two


def _nested(n: int) -> list[int]:
    from iki_extract.isolation import map_isolated

    outs = map_isolated(lambda k: k * k, [(k,) for k in range(n)], workers=2, new_group=False)
    return [o.value for o in outs]


def test_an_isolated_child_can_fork_its_own_helpers() -> None:
    """What a file child does when it shares a scan's pages among page children."""
    from iki_extract.isolation import map_isolated

    outs = list(map_isolated(_nested, [(3,), (4,)], workers=2, timeout=10))
    assert [o.value for o in outs] == [[0, 1, 4], [0, 1, 4, 9]], [o.error for o in outs]


def test_trace_writes_one_line_per_child_and_span(tmp_path: Path, monkeypatch) -> None:
    import json

    from iki_extract import trace
    from iki_extract.isolation import call_isolated

    path = tmp_path / "trace.jsonl"
    monkeypatch.setenv("IKI_TRACE", str(path))
    with trace.span("outer", files=1):
        assert call_isolated(sum, [1, 2, 3], timeout=10).value == 6
    events = [json.loads(line) for line in path.read_text().splitlines()]
    child = next(e for e in events if e["ev"] == "child")
    span = next(e for e in events if e["ev"] == "span")
    assert child["label"].startswith("sum(") and child["ok"]
    assert span["t0"] <= child["t0"] <= child["t1"] <= span["t1"]
    assert (span["name"], span["files"]) == ("outer", 1)
    assert child["ppid"] == span["pid"] and child["cpu"] >= 0


def test_no_trace_file_without_the_variable(tmp_path: Path, monkeypatch) -> None:
    from iki_extract import trace

    monkeypatch.delenv("IKI_TRACE", raising=False)
    monkeypatch.chdir(tmp_path)
    with trace.span("x"):
        pass
    assert list(tmp_path.iterdir()) == []


def _pid_and(chunk: list[int]) -> tuple[int, list[int]]:
    import os

    return os.getpid(), chunk


def test_the_first_run_of_pages_is_read_in_this_process_the_others_in_children() -> None:
    import os

    from iki_extract.ingest.route import run_page_chunks

    out = run_page_chunks(Path("x.pdf"), _pid_and, [1, 2, 3, 4, 5], 3, "failed")
    assert [chunk for _, chunk in out] == [[1, 2], [3, 4], [5]]
    pids = [pid for pid, _ in out]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


def _fail_on_last(chunk: list[int]) -> list[int]:
    if 5 in chunk:
        raise ValueError("page 5 is broken")
    return chunk


def test_a_failed_run_of_pages_names_the_file() -> None:
    from iki_extract.errors import InputError
    from iki_extract.ingest.route import run_page_chunks

    with pytest.raises(InputError, match="page 5 is broken"):
        run_page_chunks(Path("x.pdf"), _fail_on_last, [1, 2, 3, 4, 5], 2, "failed")
    with pytest.raises(ValueError, match="page 5 is broken"):  # the run read here
        run_page_chunks(Path("x.pdf"), _fail_on_last, [5, 6, 7, 8], 2, "failed")


def test_start_isolated_lets_the_caller_work_meanwhile() -> None:
    import time

    from iki_extract.isolation import start_isolated

    child = start_isolated(time.sleep, 0.3, timeout=10)
    t0 = time.perf_counter()
    here = sum(range(1000))  # the caller's own work, while the child sleeps
    assert time.perf_counter() - t0 < 0.3 and here == 499500
    assert child.result().ok
    slow = start_isolated(time.sleep, 30, timeout=60)
    t0 = time.perf_counter()
    slow.kill()
    assert time.perf_counter() - t0 < 5


def _bench_workers():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_workers", Path(__file__).resolve().parent.parent / "bench" / "bench_workers.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_simulated_schedule_of_a_traced_run() -> None:
    """A scan whose child reads 8 s of pages itself and a helper 10 s, beside a 1 s file."""
    bw = _bench_workers()
    scan = {"label": "scan", "cpu": 8.5, "pre": 0.2, "mid": 8.0, "post": 0.3,
            "helpers": [("run(pages 5-8)", 10.0, 0.0, 0.0)]}
    small = {"label": "small", "cpu": 1.0, "pre": 1.0, "mid": 0.0, "post": 0.0, "helpers": []}
    assert bw.critical_path([scan, small]) == pytest.approx(10.5)
    one, _ = bw.simulate(0.0, [scan, small], cores=1, slots=1)
    assert one == pytest.approx(19.5)
    two, idle = bw.simulate(0.0, [scan, small], cores=2, slots=2)
    # the small file shares the cores with the scan's two runs; then one run is left alone
    assert 10.5 < two < 11.5
    assert idle and idle[-1][1] == pytest.approx(two)


HEAVY_SCAN = (
    Path(__file__).resolve().parent.parent.parent
    / "shared" / "corpus" / "scan" / "003_7df234cb4d18fb5f.v8.scan-heavy.pdf"
)


@pytest.mark.slow
@pytest.mark.skipif(not HEAVY_SCAN.is_file(), reason="shared corpus not found")
def test_a_scanned_page_reads_the_same_in_any_run_of_pages() -> None:
    """``--workers`` cuts a scan's pages into runs; a page must read the same whichever
    run it is in (page 18 of this heavy scan read differently after pages 15-17 while
    one lexicon was kept across a run)."""
    from iki_extract.ingest.ocr import ocr_pdf_pages

    data = HEAVY_SCAN.read_bytes()
    long_run = ocr_pdf_pages(HEAVY_SCAN, data, pages=[15, 16, 17, 18, 19])
    short_run = ocr_pdf_pages(HEAVY_SCAN, data, pages=[18, 19])
    for n in (18, 19):
        assert repr(long_run[n]) == repr(short_run[n]), f"page {n} depends on the run it is read in"
