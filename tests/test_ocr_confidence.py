"""The cell model of the OCR confidence (ingest/ocr_confidence) and its fit (eval/calibration)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from iki_extract.eval import calibration as cal
from iki_extract.ingest import ocr_confidence as oc
from iki_extract.model import IndikatorRow


def _row(formulasi: str, conf: float = 0.9, **kw: str) -> dict:
    r = {
        "sasaran": kw.get("sasaran", "Meningkatnya pelayanan kecamatan"),
        "indikator": kw.get("indikator", "Persentase pelayanan administrasi yang selesai"),
        "formulasi": formulasi,
        "sumber_data": kw.get("sumber_data", "Seksi Pelayanan"),
        "confidence": conf,
        "multiplier": 100 if "100%" in formulasi else None,
    }
    for f in oc.FIELDS:
        r[f"confidence_{f}"] = conf
    return r


def _feats(rows: list[dict], k: int, fld: str = "formulasi") -> dict[str, float]:
    ctx = oc.decree_context([rows])
    got = oc.cell_features(ctx, 0, k, fld, detail=True)
    assert got is not None
    return got


def test_features_see_misread_multipliers_and_punctuation() -> None:
    rows = [
        _row("Jumlah pelayanan yang selesai dibagi jumlah pelayanan x 100%"),
        _row("Jumlah pelayanan yang selesai dibagi jumlah pelayanan x 100Y6"),
        _row("Jumlah pelayanan di kali x 100%"),
        _row("Jumlah fasilitasi.dan pembinaan yang. selesai"),
        _row("Jumlah Pos Kam!ing yang aktif"),
    ]
    clean, y6, double, punct, bang = (_feats(rows, k) for k in range(5))
    assert clean["bad_multiplier"] == 0 and y6["bad_multiplier"] == 1
    assert double["bad_multiplier"] == 1
    assert clean["odd_punct"] == 0 and punct["odd_punct"] >= 2
    assert bang["odd_chars"] == 1 and clean["odd_chars"] == 0
    assert clean["near_dup"] == 1 and y6["near_dup"] == 1  # one of the twins is misread
    assert y6["anomalies"] >= 1 and clean["anomalies"] == 0  # the shipped sign list


def test_features_see_unknown_joined_and_cut_words() -> None:
    rows = [
        _row("Jumlah kegiatan", sasaran="Meningkatnya kebersihan lingkungandi wilayah"),
        _row("Jumlah kegiatan", sasaran="Meningkatnya kebersihan lingkungan di wilayah"),
        _row("Rekap Pelayanan Perijinan dan Non"),
        _row("Jumlah administrasi umuM lainnya"),
        _row("Data Perencanaan, Penganggara n dan Evaluasi"),
        _row("Jumlah A x B"),
    ]
    assert _feats(rows, 0, "sasaran")["unknown"] > _feats(rows, 1, "sasaran")["unknown"]
    assert _feats(rows, 2)["cut_off"] == 1 and _feats(rows, 0)["cut_off"] == 0
    assert _feats(rows, 3)["joined"] == 1
    assert _feats(rows, 4)["split_word"] == 1 and _feats(rows, 5)["split_word"] == 0
    assert oc.cell_features(oc.decree_context([[{"formulasi": "x"}]]), 0, 0, "formulasi") is None


def test_features_see_shifted_rows_and_misread_list_marks() -> None:
    rows = [
        _row("Jumlah laporan yang disusun", sasaran="Data Pelayanan", indikator="Data Pelayanan"),
        # formulasi = indikator is allowed
        _row("Jumlah laporan yang disusun", indikator="Jumlah laporan yang disusun"),
        _row("Jumlah dokumen yang diverifikasi", sumber_data="1. SP) 2. Inaproc"),
        _row("Jumlah dokumen yang diverifikasi", sumber_data="1. Data LKK 2, Data UMKM"),
        _row("Jumlah dokumen yang diverifikasi", sumber_data="1.Aplikasi Simgaji 2. Absensi"),
        _row("Jumlah fasilitasi dan. koordinasi"),
        _row("Jumlah dokumen anggaran dan- kelengkapannya"),
        _row("Jumlah laporan pajak (SPT Masa).dan pajak tahunan"),
        _row("Jumlah laporan (SPT Masa) yang disetor"),
    ]
    shifted = _feats(rows, 0, "sasaran")
    assert shifted["same_as_other"] == 1 and _feats(rows, 1, "indikator")["same_as_other"] == 0
    assert _feats(rows, 0, "formulasi")["sibling_anomaly"] == 1  # its row is shifted
    assert _feats(rows, 1, "sasaran")["sibling_anomaly"] == 0
    assert _feats(rows, 2, "sumber_data")["close_no_open"] == 1
    assert _feats(rows, 8)["close_no_open"] == 0 and _feats(rows, 8)["paren_stop"] == 0
    assert _feats(rows, 3, "sumber_data")["list_comma"] == 1
    assert _feats(rows, 4, "sumber_data")["list_glued"] == 1
    assert _feats(rows, 5)["connector_stop"] == 1 and _feats(rows, 0)["connector_stop"] == 0
    assert _feats(rows, 6)["hyphen_space"] == 1
    assert _feats(rows, 7)["paren_stop"] == 1
    for k in (2, 3, 4, 5, 6, 7):
        fld = "sumber_data" if k in (2, 3, 4) else "formulasi"
        assert _feats(rows, k, fld)["anomalies"] >= 1, k
    assert _feats(rows, 1, "formulasi")["anomalies"] == 0


def test_unknown_word_near_a_commoner_word_of_the_decree() -> None:
    rows = [_row("Jumlah laporan yang disusun") for _ in range(4)]
    rows.append(_row("Jumiah laporan yang disusun"))  # a misreading of the decree's own word
    rows.append(_row("Jumlah laporan Zorbakti"))  # unknown, but no commoner twin
    misread, rare = _feats(rows, 4), _feats(rows, 5)
    assert misread["near_commoner"] == 1 and misread["n_unknown"] == 1
    assert rare["near_commoner"] == 0 and rare["n_unknown"] == 1
    assert _feats(rows, 0)["near_commoner"] == 0 and _feats(rows, 0)["n_unknown"] == 0


def _model() -> oc.CellModel:
    data = {
        "intercept": 3.0,
        "coef": {"anomalies": -4.0, "conf": 1.0},
        "anomaly_features": ["bad_multiplier", "odd_punct"],
        "multiplier_words": ["x", "kali", "dikali"],
        "good_number": r"^(?:100|\d{1,3}%)$",
    }
    return oc.load_model(data)


def test_rescore_ranks_the_misread_cell_lowest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IKI_RAW_CONFIDENCE", raising=False)
    rows = [
        IndikatorRow("S", "Persentase A", "Jumlah A dibagi jumlah B x 100%", "Seksi", confidence=0.7,
                     confidence_sasaran=0.7, confidence_indikator=0.7,
                     confidence_formulasi=0.7, confidence_sumber_data=0.7),
        IndikatorRow("S", "Persentase C", "Jumlah C dibagi jumlah D x 100Y6", "Seksi", confidence=0.9,
                     confidence_sasaran=0.9, confidence_indikator=0.9,
                     confidence_formulasi=0.9, confidence_sumber_data=0.9),
    ]
    digital = [IndikatorRow("S", "I", "F", "D")]
    assert oc.rescore_rows([rows, digital], _model()) == 8
    a, b = rows
    assert b.confidence_formulasi is not None and a.confidence_formulasi is not None
    assert b.confidence_formulasi < 0.5 < a.confidence_formulasi  # raw score said otherwise
    assert b.confidence == b.confidence_formulasi
    assert digital[0].confidence is None and digital[0].confidence_formulasi is None
    monkeypatch.setenv("IKI_RAW_CONFIDENCE", "1")
    raw = [_row("x 100Y6", 0.9)]
    assert oc.rescore_rows([raw], _model()) == 0 and raw[0]["confidence_formulasi"] == 0.9


def test_fit_model_learns_the_signs_and_loso_holds_out_each_seed() -> None:
    rng = random.Random(0)
    data = []
    for i in range(400):
        bad = rng.random() < 0.3
        conf = rng.random()
        wrong = rng.random() < (0.8 if bad else 0.1) + 0.1 * (conf < 0.3)
        data.append(cal.CellSample("abcd"[i % 4], "formulasi", conf, wrong, "scan-medium",
                                   {"bad_multiplier": float(bad), "conf": conf}))
    b, coef = cal.fit_model(data)
    assert coef["bad_multiplier"] < -1 and coef["conf"] > 0
    lo = cal.leave_one_out_model(data)
    assert set(lo["per_stem"]) == set("abcd") and lo["pooled"]["auroc"] > 0.75
    assert cal.auroc(cal.score_model(data, b, coef)) > 0.75


def test_write_model_keeps_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("connectors: [dan]\nmultiplier_words: [x]\n", encoding="utf-8")
    cal.write_model(path, 1.5, {"conf": 2.0}, "test")
    cal.write_model(path, 0.5, {"conf": 3.0}, "again")
    m = oc.load_model(__import__("yaml").safe_load(path.read_text(encoding="utf-8")))
    assert m.intercept == 0.5 and m.coef == {"conf": 3.0} and "dan" in m.connectors
    assert path.read_text(encoding="utf-8").count("# --- fitted") == 1


REPO = Path(__file__).resolve().parent.parent
SCAN = REPO.parent / "shared" / "corpus" / "scan" / "001_61a8b4f18850fd12.v7.scan-medium.pdf"
SEEDS = REPO.parent / "shared" / "seeds"
AUROC_FLOOR = 0.85  # issue 12's target; measured 0.882 (model refitted with the text signs, 2026-12-04)


@pytest.mark.slow
@pytest.mark.skipif(not SCAN.is_file(), reason="../shared/corpus/scan not available")
def test_cell_confidence_separates_wrong_cells_on_a_medium_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One medium corpus scan read end to end: low confidence must select the wrong cells.

    The shipped model was fitted on all four seeds, this one included (the
    leave-one-seed-out figures are in the model file); the floor guards against
    a reader or feature change that breaks the separation.
    """
    import json
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    from iki_extract.ingest import read
    from iki_extract.pipeline import extract_document

    monkeypatch.delenv("IKI_RAW_CONFIDENCE", raising=False)
    (tmp_path / "decrees").mkdir()
    for i, d in enumerate(extract_document(read(SCAN))):
        (tmp_path / "decrees" / f"{SCAN.name}.{i}.json").write_text(
            json.dumps(d.to_dict(), ensure_ascii=False), encoding="utf-8"
        )
    samples = cal.cell_samples(SEEDS, tmp_path)
    assert len(samples) > 200 and any(s.wrong for s in samples)
    a = cal.auroc(samples)
    assert a is not None and a >= AUROC_FLOOR, f"cell-error AUROC {a:.3f} < {AUROC_FLOOR}"
