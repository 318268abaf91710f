"""The comparison report: self-contained HTML listing every kecamatan of the corpus."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from iki_extract.cli import main
from iki_extract.report import find_chromium


def test_report_lists_every_kecamatan_and_is_self_contained(sample_corpus, tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(sample_corpus), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    kec = set(pd.read_csv(sample_corpus / "decrees.csv")["kecamatan"].dropna())
    assert kec
    listed = set(re.findall(r'<td class="kec">([^<]*)</td>', html))
    assert kec <= listed
    # offline: nothing loaded from a network, plots inline
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "<script" not in html and "@import" not in html
    imgs = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(imgs) >= 6 and all(s.startswith("data:image/png;base64,") for s in imgs)
    for section in (
        "Indicator themes × kecamatan",
        "Laws cited",
        "Data quality",
        "Formula types",
        "Indicators per canonical position",
    ):
        assert section in html


def test_report_needs_a_corpus(tmp_path):
    with pytest.raises(SystemExit):
        main(["report", str(tmp_path), "-o", str(tmp_path / "r.html")])


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="chromium not installed")
def test_report_pdf(sample_corpus, tmp_path):
    out = tmp_path / "report.pdf"
    assert main(["report", str(sample_corpus), "-o", str(out), "--format", "pdf"]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_report_over_the_shared_corpus_lists_every_kecamatan(tmp_path):
    from pathlib import Path

    shared = Path(__file__).resolve().parent.parent / ".." / "shared" / "corpus" / "text"
    if not shared.is_dir():
        pytest.skip("../shared/corpus not available")
    corpus = tmp_path / "corpus"
    assert main(["batch", str(shared), "-o", str(corpus), "--workers", "1", "-q"]) == 0
    out = tmp_path / "report.html"
    assert main(["report", str(corpus), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    kec = set(pd.read_csv(corpus / "decrees.csv")["kecamatan"].dropna())
    assert len(kec) == 4  # one per seed
    assert kec <= set(re.findall(r'<td class="kec">([^<]*)</td>', html))


def test_review_needs_a_batch_corpus(tmp_path):
    (tmp_path / "indikator.csv").write_text("decree_id\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["review", str(tmp_path)])
