"""Independent scans of the seeds (``../shared/corpus/scan``) against issue 12's targets.

Slow: OCR of 114-182 pages per quality.  ``IKI_SCAN_QUALITIES=medium`` runs one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from iki_extract.eval import evaluate_dirs
from iki_extract.eval.calibration import auroc, cell_samples

REPO = Path(__file__).resolve().parent.parent
SCANS = REPO.parent / "shared" / "corpus" / "scan"
SEEDS = REPO.parent / "shared" / "seeds"

# quality → (row F1, exact-row F1, jabatan F1, header accuracy)
TARGETS = {
    "light": (0.92, None, 0.97, 0.90),
    "medium": (0.92, 0.85, 0.97, 0.90),
    "heavy": (0.80, None, 0.97, 0.90),
}
QUALITIES = [q for q in os.environ.get("IKI_SCAN_QUALITIES", "light,medium,heavy").split(",") if q]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
    pytest.mark.skipif(not SCANS.is_dir(), reason="../shared/corpus/scan not available"),
]


def _extract(quality: str, out: Path) -> None:
    from iki_extract.ingest import read
    from iki_extract.pipeline import extract_document

    (out / "decrees").mkdir(parents=True)
    for f in sorted(SCANS.glob(f"*.scan-{quality}.pdf")):
        for i, d in enumerate(extract_document(read(f))):
            (out / "decrees" / f"{f.name}.{i}.json").write_text(
                json.dumps(d.to_dict(), ensure_ascii=False), encoding="utf-8"
            )


@pytest.mark.parametrize("quality", QUALITIES)
def test_scan_targets(quality: str, tmp_path: Path) -> None:
    _extract(quality, tmp_path)
    pooled = evaluate_dirs(SEEDS, tmp_path).pooled
    row, exact, jab, header = TARGETS[quality]
    assert pooled.row_f1 >= row
    if exact is not None:
        assert pooled.exact_row_f1 >= exact
    assert pooled.jabatan_f1 >= jab
    assert (pooled.header_accuracy or 0.0) >= header
    a = auroc(cell_samples(SEEDS, tmp_path))
    assert a is not None and a >= 0.85
