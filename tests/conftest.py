"""Shared fixtures: where the shared seeds live, and a one-call extractor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iki_extract.ingest.text import parse_text, read_text
from iki_extract.model import Document, Page
from iki_extract.pipeline import extract_document

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared seeds missing at {SEEDS} (CI must have ../shared)")
        pytest.skip(f"shared seeds not found at {SEEDS}")
    return SEEDS


def extract_text(text: str, name: str = "t.txt"):
    """Run the whole pipeline on an in-memory OCR'd text."""
    doc = Document(source_file=name, pages=[Page(number=1, blocks=parse_text(text))])
    return extract_document(doc)


def extract_path(path: Path):
    return extract_document(read_text(path, path.read_bytes()))


@pytest.fixture(scope="session")
def sample_corpus_src(tmp_path_factory) -> Path:
    """A source folder with one PDF and one text sample (the scan is left out: OCR is slow)."""
    import shutil

    src = tmp_path_factory.mktemp("review_src")
    for name in ("kec_mekarsari_2023.pdf", "kec_sukamaju_2024.txt"):
        shutil.copy(REPO / "samples" / name, src / name)
    return src


@pytest.fixture(scope="session")
def sample_corpus(sample_corpus_src, tmp_path_factory) -> Path:
    """A corpus built by ``batch`` from the samples (read-only for the tests that share it)."""
    from iki_extract.batch import BatchOptions, run_batch

    corpus = tmp_path_factory.mktemp("sample_corpus")
    run_batch([sample_corpus_src], corpus, BatchOptions(workers=1), quiet=True)
    return corpus
