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


# quality -> floors measured less a margin (row F1, exact-row F1, jabatan F1, header
# accuracy): a drop below them fails; between a floor and the target above the test
# reports xfail with the figures (issue 12 is still open there).
FLOORS = {
    # measured 2026-12-03 18:00 (cc4): 0.997 / 0.907 / 1.000 / 0.933
    "light": (0.95, 0.85, 0.97, 0.88),
    # measured 2026-12-03 18:00: 0.976 / 0.873 / 1.000 / 0.911 (was 0.946 / 0.647 / 0.994 / 0.889)
    "medium": (0.95, 0.83, 0.97, 0.88),
    # measured 2026-12-04 20:00: 0.941 / 0.710 / 0.994 / 0.933 (was row F1 0.287, jabatan 0.820)
    "heavy": (0.90, 0.65, 0.95, 0.85),
}


@pytest.mark.parametrize("quality", QUALITIES)
def test_scan_targets(quality: str, tmp_path: Path) -> None:
    _extract(quality, tmp_path)
    pooled = evaluate_dirs(SEEDS, tmp_path).pooled
    got = (pooled.row_f1, pooled.exact_row_f1, pooled.jabatan_f1, pooled.header_accuracy or 0.0)
    names = ("row F1", "exact-row F1", "jabatan F1", "header accuracy")
    for name, value, floor in zip(names, got, FLOORS[quality]):
        if floor is not None:
            assert value >= floor, f"{quality} {name} {value:.3f} fell below its floor {floor}"
    short = [
        f"{name} {value:.3f} < {target}"
        for name, value, target in zip(names, got, TARGETS[quality])
        if target is not None and value < target
    ]
    a = auroc(cell_samples(SEEDS, tmp_path))
    if a is None or a < 0.85:
        short.append(f"cell-error AUROC {a} < 0.85")
    if short:
        pytest.xfail(f"{quality}: issue 12 targets not met: " + "; ".join(short))
