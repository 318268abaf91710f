"""The notebooks run headless (nbclient), from a folder that is not the repository, and
produce their plots without an error.  The quick test reads the samples' text renderings
(``IKI_EXTRACT_INPUT``); the slow one reads every shipped sample (PDFs and the scan)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
ALL_NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _has_own_test(nb: Path) -> bool:
    """A notebook that needs its own set-up (a corpus, ...) is run by a test naming it."""
    here = Path(__file__).name
    return any(
        nb.name in t.read_text(encoding="utf-8")
        for t in (REPO / "tests").glob("test_*.py")
        if t.name != here
    )


NOTEBOOKS = [nb for nb in ALL_NOTEBOOKS if not _has_own_test(nb)]


def execute(path: Path, cwd: Path, monkeypatch, input_dir: Path | None) -> nbformat.NotebookNode:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if input_dir is None:
        monkeypatch.delenv("IKI_EXTRACT_INPUT", raising=False)
    else:
        monkeypatch.setenv("IKI_EXTRACT_INPUT", str(input_dir))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _outputs(nb: nbformat.NotebookNode) -> tuple[str, int]:
    text, images = [], 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                pytest.fail(f"{out['ename']}: {out['evalue']}")
            data = out.get("data", {})
            images += "image/png" in data
            text.append(out.get("text", "") + data.get("text/plain", ""))
    return "\n".join(text), images


def test_the_analyst_notebook_is_run_here():
    assert "compare_kecamatan.ipynb" in [nb.name for nb in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_from_another_folder(path, tmp_path, monkeypatch):
    text_samples = tmp_path / "text_samples"
    text_samples.mkdir()
    for f in (REPO / "samples").glob("*.txt"):
        shutil.copy(f, text_samples / f.name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    nb = execute(path, elsewhere, monkeypatch, text_samples)
    text, images = _outputs(nb)
    assert images >= 4  # positions x kecamatan, types, laws, confidence
    if path.name == "compare_kecamatan.ipynb":
        assert "2 files read -> 3 distinct decrees" in text


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_on_all_samples_counts_each_decree_once(path, tmp_path, monkeypatch):
    nb = execute(path, tmp_path, monkeypatch, None)
    text, images = _outputs(nb)
    assert images >= 4
    if path.name == "compare_kecamatan.ipynb":
        assert "5 files read -> 3 distinct decrees" in text
