"""Accuracy on the independent development corpus (``../shared/corpus``).

The corpus lays the four seeds out with tools outside the project (LibreOffice
layouts v7-v14, another OCR-to-markdown style), so these tests are not a
closed loop over the project's own renderer.  A few files run in the quick
suite with bars just under what they score now (a drop fails); the whole
``pdf/`` + ``text/`` set runs in the slow suite against issue 10's targets.
"""

from __future__ import annotations

import os

import pytest
from conftest import REPO

from iki_extract.eval.corpus import corpus_files, run_corpus

CORPUS = REPO.parent / "shared" / "corpus"
GOLD = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def corpus_dir():
    if not CORPUS.is_dir() or not GOLD.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"development corpus missing at {CORPUS} (CI must have ../shared)")
        pytest.skip(f"development corpus not found at {CORPUS}")
    return CORPUS


def _low(scores, bars: dict[str, float]) -> dict[str, float]:
    got = {k: getattr(scores, k) for k in bars}
    return {k: round(v, 4) for k, v in got.items() if v is None or v < bars[k] - 1e-9}


# A running "2. Tugas :" label at the top of every jabatan page (v9), rows cut by
# page breaks with numbering rows repeated (v8), pipe tables cut by page breaks
# with the header repeated and <br> in cells (s2.txt).
QUICK_FILES = (
    "text/000_c8d51b738327ab4e.s2.txt",
    "text/002_5cd152964e0c0a94.s2.txt",
    "pdf/000_c8d51b738327ab4e.v9.pdf",
)
QUICK_BARS = {
    "header_accuracy": 0.97,
    "list_f1": 0.97,
    "jabatan_f1": 1.0,
    "row_f1": 0.985,
    "exact_row_f1": 0.95,
}


def test_corpus_quick_subset(corpus_dir):
    files = [corpus_dir / f for f in QUICK_FILES]
    result = run_corpus(corpus_dir, GOLD, files=files)
    assert set(result.scores) == {f.name for f in files}
    assert not result.errors, result.errors
    low = _low(result.pooled, QUICK_BARS)
    assert not low, f"below the bar: {low} (bar {QUICK_BARS})"


# issue 10's targets on all text and PDF inputs of the corpus
TARGETS = {
    "header_accuracy": 0.97,
    "list_f1": 0.97,
    "jabatan_f1": 0.99,
    "row_f1": 0.98,
    # not an issue target: a bar under the measured 0.96 so that a drop fails
    "exact_row_f1": 0.95,
}
# targets not met yet at the last measurement (README "## Accuracy"), as
# metric -> reason; they run as xfail(strict=False) until met.  All are met.
NOT_YET: dict[str, str] = {}


@pytest.fixture(scope="module")
def full_corpus(corpus_dir):
    files = corpus_files(corpus_dir, only=("pdf", "text"))
    return run_corpus(corpus_dir, GOLD, files=files, jobs=2)


@pytest.mark.slow
@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_corpus_pdf_text_targets(full_corpus, metric, request):
    if metric in NOT_YET:
        request.applymarker(pytest.mark.xfail(reason=NOT_YET[metric], strict=False))
    assert len(full_corpus.files) == 36
    value = getattr(full_corpus.pooled, metric)
    assert value >= TARGETS[metric], f"{metric} {value:.4f} < {TARGETS[metric]}"
