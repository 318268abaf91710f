"""The robustness suite: truth-preserving perturbations of the seed texts, and the
corpus PDFs flattened by ``pdftotext`` (plain and ``-layout``) read as text.

Each perturbation kind (tests/perturb.py) runs on every seed and is scored with
the project's metrics (iki_extract.eval): header accuracy >= 0.95 and row F1
>= 0.97 per seed.  Flattened PDFs: header >= 0.95 and list F1 >= 0.90 (rows
only where the layout keeps them, so not required).  A few kinds run in the
quick suite; the rest and the pdftotext sweep are marked slow.  Cases that
fail because of work outside the header reader are xfail (not strict) with the
cause named.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from perturb import KINDS

from iki_extract.eval.metrics import evaluate
from iki_extract.export.json_out import decree_json
from iki_extract.ingest.cleanup import clean_document
from iki_extract.ingest.text import read_text
from iki_extract.pipeline import extract_document

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS_PDF = SHARED / "corpus" / "pdf"
STEMS = sorted(p.name.split(".")[0] for p in SEEDS.glob("*.gold.json")) if SEEDS.is_dir() else []

HEADER_MIN, ROW_MIN, PTT_HEADER_MIN, PTT_LIST_MIN = 0.95, 0.97, 0.95, 0.90

# a few kinds on all seeds in the quick suite (< 10 s); the rest are slow
QUICK = {"ocr_list_marks", "labels_upper", "nomor_no_colon", "kop_address_nomor", "single_menimbang", "label_alone", "ocr_marker_specks", "glued_penetapan_labels"}

# (kind, seed prefix or None for all seeds) -> reason; none left (title case,
# extra TARGET/SATUAN columns, unnumbered bindings and page furniture now pass)
XFAIL: dict[tuple[str, str | None], str] = {}


def _xfail_reason(kind: str, stem: str) -> str | None:
    return XFAIL.get((kind, None)) or XFAIL.get((kind, stem[:3]))


def _cases():
    for kind in KINDS:
        for stem in STEMS:
            marks = [] if kind in QUICK else [pytest.mark.slow]
            reason = _xfail_reason(kind, stem)
            if reason:
                marks.append(pytest.mark.xfail(strict=False, reason=reason))
            yield pytest.param(kind, stem, marks=marks, id=f"{kind}-{stem[:3]}")


def score_text(text: str | bytes, name: str, gold: list[dict]):
    """Extract ``text`` as the file ``name`` and score it against ``gold`` (pooled Scores)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    doc = clean_document(read_text(Path(name), data))  # what ingest.read does after reading
    pred = [json.loads(decree_json(d)) for d in extract_document(doc)]
    stem = name.split(".")[0]
    return evaluate({stem: gold}, {name: pred}).pooled


def _seed(stem: str) -> tuple[str, list[dict]]:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((SEEDS / f"{stem}.gold.json").read_text(encoding="utf-8"))
    return text, gold


@pytest.mark.parametrize("kind,stem", list(_cases()))
def test_perturbation_keeps_header_and_rows(kind: str, stem: str):
    text, gold = _seed(stem)
    new_text, new_gold = KINDS[kind](text, gold)
    if new_text == text:
        pytest.skip(f"{kind} does not apply to seed {stem[:3]}")
    s = score_text(new_text, f"{stem}.{kind}.txt", new_gold)
    assert s.header_accuracy is not None and s.header_accuracy >= HEADER_MIN, (kind, s.header_accuracy)
    assert s.row_f1 >= ROW_MIN, (kind, s.row_f1)


def test_list_marks_as_ocr_leaves_them_keep_rows_exact():
    """``2, Data`` and ``1.Aplikasi`` in a cell's numbered list come out as ``2. Data``
    and ``1. Aplikasi``: exact rows as many as on the seed itself."""
    changed = 0
    for stem in STEMS:
        text, gold = _seed(stem)
        new = KINDS["ocr_list_marks"](text, gold)[0]
        if new == text:
            continue
        changed += 1
        base = score_text(text, f"{stem}.txt", gold)
        got = score_text(new, f"{stem}.ocr_list_marks.txt", gold)
        assert got.exact_row_f1 >= base.exact_row_f1 - 1e-9, (stem, got.exact_row_f1, base.exact_row_f1)
    assert changed >= 2


def test_every_kind_changes_most_seeds():
    """A perturbation that changes nothing tests nothing."""
    assert len(KINDS) >= 15
    for kind, f in KINDS.items():
        changed = 0
        for stem in STEMS:
            text, gold = _seed(stem)
            changed += f(text, gold)[0] != text
        assert changed >= 2, kind


def _pdftotext(pdf: Path, layout: bool) -> bytes:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, check=True, timeout=60).stdout


_PTT_LISTS = "list items from flattened PDF text (issue 10 item 1: layout/lampiran.py)"
# flattened renderings whose list F1 is still below 0.90: none left (header is >= 0.95 on all)
PTT_LIST_XFAIL: set[tuple[str, bool]] = set()


def _ptt_cases():
    pdfs = sorted(CORPUS_PDF.glob("*.pdf")) if CORPUS_PDF.is_dir() else []
    for pdf in pdfs:
        for layout in (False, True):
            marks = [] if pdf.name == "001_61a8b4f18850fd12.v13.pdf" else [pytest.mark.slow]
            stem, variant = pdf.name.split(".")[:2]
            if (variant, layout) in PTT_LIST_XFAIL or (f"{stem[:3]}.{variant}", layout) in PTT_LIST_XFAIL:
                marks.append(pytest.mark.xfail(strict=False, reason=_PTT_LISTS))
            yield pytest.param(pdf, layout, marks=marks, id=f"{pdf.name}-{'layout' if layout else 'plain'}")


@pytest.mark.parametrize("pdf,layout", list(_ptt_cases()))
def test_pdftotext_rendering(pdf: Path, layout: bool):
    stem = pdf.name.split(".")[0]
    _, gold = _seed(stem)
    s = score_text(_pdftotext(pdf, layout), f"{pdf.name}.{'layout' if layout else 'plain'}.txt", gold)
    assert s.header_accuracy is not None and s.header_accuracy >= PTT_HEADER_MIN, s.header_accuracy
    assert s.list_f1 >= PTT_LIST_MIN, s.list_f1


def _ptt_header_cases():
    pdfs = sorted(CORPUS_PDF.glob("*.pdf")) if CORPUS_PDF.is_dir() else []
    for pdf in pdfs:
        variant = pdf.name.split(".")[1]
        marks = [] if variant == "v13" else [pytest.mark.slow]
        yield pytest.param(pdf, marks=marks, id=pdf.name)


@pytest.mark.parametrize("pdf", list(_ptt_header_cases()))
def test_pdftotext_header(pdf: Path):
    """The header alone, from both flattenings (what this suite's header reader owns)."""
    stem = pdf.name.split(".")[0]
    _, gold = _seed(stem)
    for layout in (False, True):
        s = score_text(_pdftotext(pdf, layout), f"{pdf.name}.txt", gold)
        assert s.header_accuracy is not None and s.header_accuracy >= PTT_HEADER_MIN, (layout, s.header_accuracy)
