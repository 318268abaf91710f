"""Seed-level accuracy: the whole pipeline against hand-checked gold.

The four shared seeds (``../shared/seeds``) and the project's own samples are
extracted and scored with ``iki_extract.eval``; the test fails when a figure
drops below the bar the issue sets (and the README reports).
"""

import json
from pathlib import Path

import pytest
from conftest import REPO, extract_path

from iki_extract.eval import evaluate

BAR = {
    "jabatan_f1": 1.0,
    "row_f1": 0.97,
    "header_accuracy": 0.95,
    "list_f1": 0.95,
    "schema_validity": 1.0,
    "role_f1": 0.95,  # B-cubed of jabatan_canonical clusters against the gold roles
}


def _score(folder: Path):
    gold, pred = {}, {}
    for g in sorted(folder.glob("*.gold.json")):
        stem = g.name[: -len(".gold.json")]
        gold[stem] = json.loads(g.read_text(encoding="utf-8"))
        pred[stem] = [d.to_dict() for d in extract_path(folder / f"{stem}.txt")]
    assert gold, f"no gold files in {folder}"
    return evaluate(gold, pred).pooled


def _check(s) -> None:
    got = {k: getattr(s, k) for k in BAR}
    low = {k: round(v, 4) for k, v in got.items() if v is None or v < BAR[k] - 1e-9}
    assert not low, f"below the bar: {low} (bar {BAR})"


def test_seeds_accuracy(seeds_dir):
    _check(_score(seeds_dir))


def test_samples_accuracy():
    folder = REPO / "samples"
    if not any(folder.glob("*.gold.json")):
        pytest.fail("samples/ ships no gold file")
    _check(_score(folder))
