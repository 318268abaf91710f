"""Born-digital PDF accuracy: gold decrees rendered as PDFs, read back, scored.

Each gold decree (the shared seeds and the project's samples) is rendered by
``iki_extract.synth`` in every layout variant (fonts, page sizes, landscape
lampiran, NO column, numbering rows, merged cells, rows split across page
breaks, stacked fractions), extracted from the PDF and scored with
``iki_extract.eval``.  The test fails when a figure drops below the bar.
"""

import json
from pathlib import Path

import pytest
from conftest import REPO

from iki_extract import extract
from iki_extract.eval import evaluate
from iki_extract.synth import VARIANTS, render_decree_pdf

QUICK_VARIANT = "f4-no-rules"
BAR = {"jabatan_f1": 1.0, "row_f1": 0.98, "header_accuracy": 0.95, "list_f1": 0.95, "schema_validity": 1.0}


def _render_and_score(folder: Path, tmp: Path, variants=VARIANTS, stems=None):
    gold: dict[str, list] = {}
    for g in sorted(folder.glob("*.gold.json")):
        stem = g.name[: -len(".gold.json")]
        if stems is not None and stem not in stems:
            continue
        gold[stem] = json.loads(g.read_text(encoding="utf-8"))
        for name in variants:
            render_decree_pdf(gold[stem], tmp / f"{stem}.{name}.pdf", variant=name)
    pred: dict[str, list] = {}
    for d in extract(tmp, merge=False):  # every rendering is scored on its own
        pred.setdefault(d.source_file, []).append(d.to_dict())
    assert len(pred) == len(gold) * len(variants)
    return evaluate(gold, pred)


def _check(report) -> None:
    s = report.pooled
    got = {k: getattr(s, k) for k in BAR}
    low = {k: v for k, v in got.items() if v is None or v < BAR[k] - 1e-9}
    assert not low, f"PDF accuracy below the bar: {low}"


@pytest.mark.slow
def test_seed_pdfs_accuracy(seeds_dir, tmp_path):
    assert len(VARIANTS) >= 3
    _check(_render_and_score(seeds_dir, tmp_path))


def test_one_seed_pdf_accuracy(seeds_dir, tmp_path):
    """The quick guard of the sweep above: one seed in the layout without any ruling lines
    (the peers cannot read it at all), against the same bar."""
    stem = sorted(g.name[: -len(".gold.json")] for g in seeds_dir.glob("*.gold.json"))[0]
    _check(_render_and_score(seeds_dir, tmp_path, variants=[QUICK_VARIANT], stems={stem}))


def test_sample_pdfs_accuracy(tmp_path):
    _check(_render_and_score(REPO / "samples", tmp_path))


def test_pages_recorded(tmp_path):
    folder = REPO / "samples"
    g = json.loads((folder / "kec_sukamaju_2024.gold.json").read_text(encoding="utf-8"))
    info = render_decree_pdf(g, tmp_path / "s.pdf", variant="a4-portrait")
    (d,) = extract(tmp_path / "s.pdf")
    assert d.pages == list(range(1, info.pages + 1))
    rendered = [pages[0] for j in info.jabatan for pages in j.row_pages]
    got = [r.page for j in d.jabatan for r in j.indikator]
    assert got == rendered


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
