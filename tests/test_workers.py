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
