"""Indicator themes against the hand-labelled indicators of the seeds and samples."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from iki_extract.normalize.themes import match_theme, normalize_tokens, themes

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "indikator_themes.gold.csv"
# the keyword weights were written looking at these decrees only; the others are held out
TUNING = {"000_c8d51b738327ab4e", "003_7df234cb4d18fb5f", "kec_mekarsari_2023", "kec_sukamaju_2024"}


def _gold_files() -> dict[str, Path]:
    files = sorted((REPO / ".." / "shared" / "seeds").glob("*.gold.json"))
    files += sorted((REPO / "samples").glob("*.gold.json"))
    return {f.name.removesuffix(".gold.json"): f for f in files}


def _labelled() -> list[dict[str, str]]:
    files = _gold_files()
    rows = list(csv.DictReader(GOLD.open(encoding="utf-8")))
    decrees = {src: json.loads(p.read_text(encoding="utf-8")) for src, p in files.items()}
    for r in rows:
        if r["source"] not in decrees:
            pytest.skip(f"gold decree {r['source']} not available")
        d = decrees[r["source"]][int(r["decree"])]
        ind = d["jabatan"][int(r["jabatan_no"]) - 1]["indikator"][int(r["row_no"]) - 1]
        assert ind["indikator"] == r["indikator"], "labels out of step with the gold decrees"
        r["sasaran"] = ind.get("sasaran") or ""
    return rows


def _accuracy(rows: list[dict[str, str]]) -> float:
    hits = sum(match_theme(r["indikator"], r["sasaran"] or None).theme == r["theme"] for r in rows)
    return hits / len(rows)


def test_every_indicator_of_the_gold_decrees_is_labelled():
    rows = _labelled()
    n = sum(
        len(j["indikator"])
        for p in _gold_files().values()
        for d in json.loads(p.read_text(encoding="utf-8"))
        for j in d["jabatan"]
    )
    assert len(rows) == n
    assert {r["theme"] for r in rows} <= set(themes())


def test_theme_accuracy_overall_and_held_out():
    rows = _labelled()
    overall = _accuracy(rows)
    held_out = _accuracy([r for r in rows if r["source"] not in TUNING])
    print(f"theme accuracy: overall {overall:.3f} (n={len(rows)}), held-out {held_out:.3f}")
    assert overall >= 0.90
    assert held_out >= 0.88


def test_spelling_and_ocr_variants_normalise():
    assert "persentase" in normalize_tokens("Prosentase kehadiran")
    assert "ketenteraman" in normalize_tokens("ketentraman dan ketertiban")
    assert "kependudukan" in normalize_tokens("administrasi kependudukkan")  # spelling list
    assert normalize_tokens("musrenbanq")[0] == "musrenbang"  # one OCR edit


def test_same_measure_different_words_same_theme():
    texts = [
        "Persentase kehadiran pegawai",
        "Tingkat kehadiran ASN tepat waktu",
        "Jumlah rekap absensi pegawai",
    ]
    assert {match_theme(t).theme for t in texts} == {"kehadiran_disiplin"}


def test_subject_beats_form_and_vague_stays_empty():
    assert (
        match_theme("Jumlah laporan administrasi keamanan dan ketertiban kelurahan").theme
        == "ketenteraman_ketertiban"
    )
    vague = match_theme("Jumlah dokumen yang disusun")
    assert vague.theme is None and vague.score < 0.5
    assert match_theme(None).theme is None


def test_unmatched_indikator_listed(tmp_path):
    from iki_extract.export.tables import to_frames, unmatched_indikator, write_tables
    from iki_extract.model import Decree, IndikatorRow, Jabatan

    d = Decree(kind="IKI", source_file="x.txt", decree_id="0123456789abcdef-1")
    d.jabatan = [
        Jabatan(
            jabatan="Camat",
            indikator=[
                IndikatorRow("s", "Jumlah dokumen yang disusun", None, None),
                IndikatorRow("s", "Persentase kehadiran pegawai", None, None),
            ],
        )
    ]
    frames = to_frames([d])
    ind = frames["indikator"]
    assert ind["indikator_theme"].isna().tolist() == [True, False]
    assert ind["indikator_theme"].iloc[1] == "kehadiran_disiplin"
    miss = unmatched_indikator(frames)
    assert list(miss["indikator"]) == ["Jumlah dokumen yang disusun"]
    write_tables(frames, tmp_path)
    assert (tmp_path / "unmatched_indikator.csv").read_text(encoding="utf-8").count("\n") == 2
