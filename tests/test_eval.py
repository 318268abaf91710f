"""Tests for the extraction-quality evaluator (iki_extract.eval)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from iki_extract.eval import (
    ROW_COLUMNS,
    Report,
    bcubed,
    decree_stem,
    evaluate,
    evaluate_dirs,
    format_mismatches,
    format_report,
    load_gold_dir,
    load_pred_dir,
    load_schema,
    normalize_text,
    pair_decrees,
    row_mismatches,
    similarity,
)

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
PACKAGED_SCHEMA = (
    Path(__file__).resolve().parents[1] / "iki_extract" / "data" / "decree.schema.json"
)

# --------------------------------------------------------------------------
# A small synthetic decree: 3 blocks, 7 rows, 16 list items, 9 header fields
# --------------------------------------------------------------------------

N_ROWS = 7
N_BLOCKS = 3
N_LIST_ITEMS = 16  # menimbang 2 + mengingat 3 + diktum 2 + tembusan 1 + tugas 5 + fungsi 3


def _row(sasaran: str, indikator: str, formulasi: str | None, sumber: str | None) -> dict[str, Any]:
    return {
        "sasaran": sasaran,
        "indikator": indikator,
        "formulasi": formulasi,
        "sumber_data": sumber,
    }


def make_decree(
    file: str = "doc1.txt", kind: str = "IKI", nomor: str = "800/017/410.20/2023"
) -> dict[str, Any]:
    """Build a synthetic gold decree (invented text)."""
    return {
        "kind": kind,
        "source": {"file": file, "pages": []},
        "header": {
            "pemerintah": "Pemerintah Kabupaten Contoh",
            "kabupaten_kota": "Kabupaten Contoh",
            "kecamatan": "Sukamaju",
            "pejabat_penetap": "Camat Sukamaju",
            "nomor": nomor,
            "tentang": "Indikator Kinerja Individu Kecamatan Sukamaju Kabupaten Contoh",
            "tahun": 2023,
            "tempat_penetapan": "Sukamaju",
            "tanggal_penetapan": "2023-01-02",
            "penandatangan": {
                "nama": "BUDI SANTOSO",
                "nip": "197001011990031001",
                "pangkat": "Pembina (IV/a)",
                "jabatan": "Camat Sukamaju",
            },
        },
        "menimbang": [
            "bahwa pengukuran kinerja aparatur memerlukan alat ukur yang jelas;",
            "bahwa berdasarkan pertimbangan tersebut perlu ditetapkan keputusan camat.",
        ],
        "mengingat": [
            "Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara;",
            "Peraturan Pemerintah Nomor 30 Tahun 2019 tentang Penilaian Kinerja;",
            "Peraturan Bupati Contoh Nomor 12 Tahun 2021 tentang Susunan Organisasi.",
        ],
        "diktum": [
            {
                "label": "KESATU",
                "text": "Menetapkan indikator kinerja individu seperti tercantum dalam lampiran.",
            },
            {"label": "KEDUA", "text": "Keputusan ini mulai berlaku pada tanggal ditetapkan."},
        ],
        "tembusan": ["Yth. Bupati Contoh di Contoh"],
        "jabatan": [
            {
                "jabatan": "Sekretaris Kecamatan",
                "role": "sekcam",
                "tugas": [
                    "Mengoordinasikan penyusunan program kerja kecamatan",
                    "Membina urusan surat menyurat dan kearsipan",
                ],
                "fungsi": ["Pelaksanaan koordinasi administrasi umum"],
                "indikator": [
                    _row(
                        "Meningkatnya tertib administrasi",
                        "Persentase surat terselesaikan",
                        "Jumlah surat selesai / Jumlah surat masuk × 100 %",
                        "Buku agenda",
                    ),
                    _row(
                        "Meningkatnya tertib administrasi",
                        "Persentase arsip tertata",
                        "Arsip tertata / seluruh arsip x 100%",
                        "Daftar arsip",
                    ),
                    _row(
                        "Terwujudnya perencanaan yang baik",
                        "Dokumen Renja tersusun tepat waktu",
                        None,
                        "Sub Bagian Program",
                    ),
                ],
            },
            {
                "jabatan": "Kasi Pemerintahan",
                "role": "kasi_pemerintahan",
                "tugas": [
                    "Menyiapkan bahan pembinaan pemerintahan desa",
                    "Memfasilitasi penetapan batas wilayah antardesa",
                ],
                "fungsi": [
                    "Penyiapan fasilitasi penyelenggaraan pemerintahan desa",
                    "Pelaporan evaluasi perkembangan desa",
                ],
                "indikator": [
                    _row(
                        "Meningkatnya kapasitas pemerintahan desa",
                        "Jumlah desa yang dibina",
                        "Jumlah desa dibina dalam satu tahun",
                        "Kasi Pemerintahan",
                    ),
                    _row(
                        "Tertibnya batas wilayah",
                        "Persentase segmen batas yang ditetapkan",
                        "Segmen ditetapkan / total segmen x 100%",
                        "Peta wilayah",
                    ),
                ],
            },
            {
                "jabatan": "Bendahara",
                "role": "bendahara",
                "tugas": ["Menatausahakan penerimaan dan pengeluaran kas"],
                "fungsi": [],
                "indikator": [
                    _row(
                        "Akuntabilnya pengelolaan keuangan",
                        "Ketepatan waktu SPJ",
                        "SPJ tepat waktu / SPJ seluruhnya x 100%",
                        "Register SPJ",
                    ),
                    _row(
                        "Akuntabilnya pengelolaan keuangan",
                        "Persentase temuan yang ditindaklanjuti",
                        None,
                        None,
                    ),
                ],
            },
        ],
    }


def as_prediction(gold: dict[str, Any], file: str = "doc1.v2.scan-medium.pdf") -> dict[str, Any]:
    """A perfect prediction of ``gold``: canonical titles follow the gold roles."""
    pred = copy.deepcopy(gold)
    pred["source"]["file"] = file
    pred["decree_id"] = "abc123"
    pred["confidence"] = 0.9
    for block in pred["jabatan"]:
        block["jabatan_canonical"] = block.pop("role")
    return pred


def run(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Report:
    return evaluate({"doc1": gold}, {"doc1": pred}, schema_path=PACKAGED_SCHEMA)


def assert_perfect_except(report: Report, *skip: str) -> None:
    """Every metric of the pooled scores is 1.0 except those named in ``skip``."""
    s = report.pooled
    values = {
        "jabatan": s.jabatan_f1,
        "row": (s.row_precision, s.row_recall, s.row_f1),
        "header": s.header_accuracy,
        "list": s.list_f1,
        "role": s.role_f1,
        "schema": s.schema_validity,
        "cells": tuple(s.cell_similarity.values()),
    }
    for name, value in values.items():
        if name in skip:
            continue
        if name == "cells":
            assert value == pytest.approx((100.0,) * 4), name
        elif name == "row":
            assert value == pytest.approx((1.0, 1.0, 1.0)), name
        else:
            assert value == pytest.approx(1.0), name


# --------------------------------------------------------------------------
# Normalisation and similarity
# --------------------------------------------------------------------------


def test_normalize_text_markup_case_space_punctuation() -> None:
    assert normalize_text("  **Kasi**  <u>Pemerintahan</u>;\n") == "kasi pemerintahan"
    assert normalize_text("- bahwa *untuk*   dapat,") == "bahwa untuk dapat"
    assert normalize_text("Tertib<br>Administrasi") == "tertib administrasi"
    assert normalize_text(None) is None
    assert normalize_text("  ;; ") == ""
    # comparison signs are not mistaken for HTML tags
    assert normalize_text("waktu < 3 hari dan > 1 hari") == "waktu < 3 hari dan > 1 hari"


def test_formula_normalisation() -> None:
    assert normalize_text("a × b", formula=True) == normalize_text("a x b", formula=True)
    assert normalize_text("A / B", formula=True) == normalize_text("A/B", formula=True) == "a/b"
    assert normalize_text("∑ A / ∑ B × 100 %", formula=True) == normalize_text(
        "∑ a/∑ b x 100%", formula=True
    )
    assert similarity("a × b", "a x b", formula=True) == 100.0
    assert similarity("A / B", "A/B", formula=True) == 100.0
    # outside formula mode the spaces count
    assert similarity("A / B", "A/B") < 100.0


def test_similarity_null_rules() -> None:
    assert similarity(None, None) == 100.0
    assert similarity(None, "x") == 0.0
    assert similarity("", None) == 100.0
    assert similarity("", "text") == 0.0
    assert similarity("Buku Agenda", "buku  agenda.") == 100.0


def test_decree_stem() -> None:
    for name in ("X.txt", "X.pdf", "X.v2.pdf", "X.v2.scan-medium.pdf", "some/dir/X.v2.pdf"):
        assert decree_stem(name) == "X"


# --------------------------------------------------------------------------
# Gold against itself and single perturbations
# --------------------------------------------------------------------------


def test_identity_scores_one_everywhere() -> None:
    gold = make_decree()
    report = run([gold], [as_prediction(gold)])
    assert_perfect_except(report)
    s = report.pooled
    assert (s.row_gold, s.row_pred, s.row_correct) == (N_ROWS, N_ROWS, N_ROWS)
    assert (s.block_gold, s.list_gold, s.header_total) == (N_BLOCKS, N_LIST_ITEMS, 9)
    assert report.files["doc1"].to_dict() == s.to_dict()
    assert row_mismatches({"doc1": [gold]}, {"doc1": [as_prediction(gold)]}) == []


def test_row_mismatches_by_rendering_name() -> None:
    """Predictions keyed as load_pred_dir keys them (the input file name, ``doc1.v7.pdf``)
    are compared with gold ``doc1`` and reported under the rendering's name."""
    gold = make_decree()
    good = as_prediction(gold)
    bad = as_prediction(gold)
    bad["jabatan"][1]["indikator"][0]["sumber_data"] = "Arsip kelurahan lama"
    assert row_mismatches({"doc1": [gold]}, {"doc1.v7.pdf": [good]}) == []
    found = row_mismatches({"doc1": [gold]}, {"doc1.v7.pdf": [good], "doc1.scan.pdf": [bad]})
    assert [(m["stem"], m["block_status"]) for m in found] == [("doc1.scan.pdf", "matched")]


def test_drop_row_lowers_row_recall_only() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    del pred["jabatan"][0]["indikator"][2]
    s = run([gold], [pred]).pooled
    assert s.row_precision == pytest.approx(1.0)
    assert s.row_recall == pytest.approx(6 / 7)
    assert s.row_f1 == pytest.approx(2 * 6 / (6 + 7))
    assert s.row_matched == 6
    assert_perfect_except(run([gold], [pred]), "row")


def test_altered_cell_below_threshold() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    new = "Arsip kelurahan lama"
    pred["jabatan"][1]["indikator"][0]["sumber_data"] = new
    cell = fuzz.ratio("kasi pemerintahan", "arsip kelurahan lama")
    assert cell < 90
    report = run([gold], [pred])
    s = report.pooled
    assert (s.row_correct, s.row_pred, s.row_gold) == (6, 7, 7)
    assert s.row_precision == pytest.approx(6 / 7)
    assert s.row_recall == pytest.approx(6 / 7)
    assert s.cell_similarity["sumber_data"] == pytest.approx((6 * 100 + cell) / 7)
    for col in ("sasaran", "indikator", "formulasi"):
        assert s.cell_similarity[col] == pytest.approx(100.0)
    assert_perfect_except(report, "row", "cells")

    mismatches = row_mismatches({"doc1": [gold]}, {"doc1": [pred]})
    assert len(mismatches) == 1
    m = mismatches[0]
    assert m["block_status"] == "matched" and m["gold_block"] == "Kasi Pemerintahan"
    assert [x["row_no"] for x in m["missed"]] == [1]
    assert [x["row_no"] for x in m["spurious"]] == [1]
    assert m["missed"][0]["best"]["cell_sim"]["sumber_data"] == pytest.approx(cell)
    text = format_mismatches(mismatches)
    assert "MISSED" in text and "SPURIOUS" in text and new in text


def test_cell_change_above_threshold_keeps_row_correct() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    pred["jabatan"][0]["indikator"][0]["formulasi"] = (
        "Jumlah surat selesai/Jumlah surat masuk x 100%"
    )
    pred["jabatan"][0]["indikator"][0]["indikator"] = "**Persentase surat terselesaikan**"
    assert_perfect_except(run([gold], [pred]))


def test_renamed_block() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    pred["jabatan"][2]["jabatan"] = "Pengemudi Kendaraan Dinas"
    assert similarity("Bendahara", "Pengemudi Kendaraan Dinas") < 85
    report = run([gold], [pred])
    s = report.pooled
    assert (s.block_tp, s.block_pred, s.block_gold) == (2, 3, 3)
    assert s.jabatan_f1 == pytest.approx(2 / 3)
    # its 2 rows become missed and spurious
    assert (s.row_correct, s.row_pred, s.row_gold) == (5, 7, 7)
    assert s.row_f1 == pytest.approx(5 / 7)
    # its single tugas item becomes missed and spurious
    assert (s.list_tp, s.list_pred, s.list_gold) == (15, 16, 16)
    assert s.list_f1 == pytest.approx(15 / 16)
    assert len(s.role_items) == 2
    assert_perfect_except(report, "jabatan", "row", "list")

    statuses = sorted(m["block_status"] for m in row_mismatches([gold], [pred]))
    assert statuses == ["missed", "spurious"]


def test_wrong_nomor_lowers_header_only() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    pred["header"]["nomor"] = "800/071/410.20/2032"
    report = run([gold], [pred])
    s = report.pooled
    assert s.paired_decrees == 1
    assert s.header_accuracy == pytest.approx(8 / 9)
    assert report.to_dict()["pooled"]["header"]["per_field"]["nomor"] == 0.0
    assert_perfect_except(report, "header")


def test_header_equality_rules() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    pred["header"]["tahun"] = "2023"  # compared as strings (schema-invalid, though)
    pred["header"]["kecamatan"] = "SUKAMAJU."
    pred["header"]["tentang"] = "Kecamatan Sukamaju Kabupaten Contoh Indikator Kinerja Individu"
    s = run([gold], [pred]).pooled
    assert s.header_accuracy == pytest.approx(1.0)
    assert s.schema_validity == 0.0


def test_duplicate_titles_are_told_apart_by_content() -> None:
    gold = make_decree()
    for k in (1, 2):
        gold["jabatan"][k]["jabatan"] = "PENGADMINISTRASI UMUM"
    pred = as_prediction(gold)
    del pred["jabatan"][1]
    s = run([gold], [pred]).pooled
    assert (s.block_tp, s.block_pred, s.block_gold) == (2, 2, 3)
    # only the dropped block's two rows are missed; the others stay correct
    assert (s.row_correct, s.row_pred, s.row_gold) == (5, 5, 7)


# --------------------------------------------------------------------------
# Decree pairing
# --------------------------------------------------------------------------


def test_pairing_by_kind_when_nomor_is_shared() -> None:
    iku = make_decree(kind="IKU", nomor="900/Kep.004/2022")
    iki = make_decree(kind="IKI", nomor="900/Kep.004/2022")
    pred_iki = as_prediction(iki, "doc1.pdf")
    pred_iku = as_prediction(iku, "doc1.pdf")
    pairs, un_g, un_p = pair_decrees([iku, iki], [pred_iki, pred_iku])
    assert pairs == [(0, 1), (1, 0)] and un_g == [] and un_p == []
    # a misread nomor still pairs by kind ...
    pred_iki["header"]["nomor"] = "900/Kep.OO4/2O22"
    pairs, _, _ = pair_decrees([iku, iki], [pred_iki, pred_iku])
    assert pairs == [(0, 1), (1, 0)]
    # ... and inner spaces of nomor do not matter for pairing
    other = make_decree(kind="OTHER", nomor="1/2/3")
    guess = as_prediction(make_decree(kind="IKU", nomor="1 / 2 / 3"))
    assert pair_decrees([other], [guess])[0] == [(0, 0)]


def test_unpaired_decrees_count_fully() -> None:
    gold_iki = make_decree()
    gold_iku = make_decree(kind="IKU", nomor="050/001/2023")
    gold_iku["jabatan"] = gold_iku["jabatan"][:1]  # 1 block, 3 rows, 8 + 3 list items
    spurious = make_decree(kind="OTHER", nomor="999/XYZ")
    spurious["jabatan"] = spurious["jabatan"][2:]  # 1 block, 2 rows, 8 + 1 list items
    report = run([gold_iki, gold_iku], [as_prediction(gold_iki), as_prediction(spurious)])
    s = report.pooled
    assert (s.gold_decrees, s.pred_decrees, s.paired_decrees) == (2, 2, 1)
    assert s.header_accuracy == pytest.approx(9 / 18)
    assert (s.block_tp, s.block_pred, s.block_gold) == (3, 4, 4)
    assert (s.row_correct, s.row_pred, s.row_gold) == (7, 9, 10)
    assert (s.list_tp, s.list_pred, s.list_gold) == (16, 16 + 9, 16 + 11)
    statuses = {
        m["block_status"]
        for m in row_mismatches(
            [gold_iki, gold_iku], [as_prediction(gold_iki), as_prediction(spurious)]
        )
    }
    assert statuses == {"decree missed", "decree spurious"}


def test_gold_stem_without_predictions() -> None:
    gold = make_decree()
    report = evaluate({"doc1": [gold]}, {"other": [as_prediction(gold, "other.pdf")]})
    s = report.files["doc1"]
    assert (s.row_recall, s.jabatan_f1, s.list_f1, s.header_accuracy) == (0.0, 0.0, 0.0, 0.0)
    assert s.schema_validity is None and s.role_f1 is None
    assert report.ignored_pred_stems == ["other"]


# --------------------------------------------------------------------------
# Role grouping (B-cubed)
# --------------------------------------------------------------------------


def test_bcubed_hand_example() -> None:
    # gold {1,2} {3,4}; predicted {1,2,3} {4}
    p, r, f = bcubed(["a", "a", "b", "b"], ["x", "x", "x", "y"])
    # precision: (2/3 + 2/3 + 1/3 + 1) / 4 ; recall: (1 + 1 + 1/2 + 1/2) / 4
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(3 / 4)
    assert f == pytest.approx(12 / 17)
    assert bcubed([], []) == (1.0, 1.0, 1.0)


def test_role_grouping_in_evaluation() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    # merge the first two blocks into one predicted cluster, leave the third null
    pred["jabatan"][0]["jabatan_canonical"] = "kasi"
    pred["jabatan"][1]["jabatan_canonical"] = "kasi"
    pred["jabatan"][2]["jabatan_canonical"] = None
    s = run([gold], [pred]).pooled
    # gold singletons; precision (1/2 + 1/2 + 1) / 3, recall 1
    assert s.role_bcubed == pytest.approx((2 / 3, 1.0, 0.8))

    # null gold roles are singletons even when the prediction groups them
    gold2 = make_decree()
    gold2["jabatan"][0]["role"] = None
    gold2["jabatan"][1]["role"] = None
    s2 = run([gold2], [pred]).pooled
    assert s2.role_bcubed == pytest.approx((2 / 3, 1.0, 0.8))

    # pooled across decrees: the same role in two files forms one cluster
    other = make_decree(file="doc2.txt")
    report = evaluate(
        {"doc1": [gold], "doc2": [other]},
        {"doc1": [as_prediction(gold)], "doc2": [as_prediction(other, "doc2.pdf")]},
    )
    assert report.pooled.role_f1 == pytest.approx(1.0)
    renamed = as_prediction(other, "doc2.pdf")
    for block in renamed["jabatan"]:
        block["jabatan_canonical"] = "x_" + block["jabatan_canonical"]
    report = evaluate(
        {"doc1": [gold], "doc2": [other]}, {"doc1": [as_prediction(gold)], "doc2": [renamed]}
    )
    assert report.files["doc2"].role_f1 == pytest.approx(1.0)
    # pooled: each gold cluster of 2 is split in two -> precision 1, recall 1/2
    assert report.pooled.role_bcubed == pytest.approx((1.0, 0.5, 2 / 3))


# --------------------------------------------------------------------------
# Schema validity
# --------------------------------------------------------------------------


def test_schema_validity_catches_missing_header() -> None:
    gold = make_decree()
    good = as_prediction(gold)
    broken = as_prediction(make_decree(kind="IKU", nomor="050/9/2023"))
    del broken["header"]
    report = run([gold], [good, broken])
    assert report.pooled.schema_validity == pytest.approx(0.5)
    assert (report.pooled.schema_valid, report.pooled.schema_total) == (1, 2)
    # a malformed prediction never crashes the scorer
    assert report.pooled.paired_decrees == 1


def test_schema_is_packaged_and_found() -> None:
    schema, where = load_schema(PACKAGED_SCHEMA)
    assert schema is not None and where is not None
    assert "header" in schema["required"]
    default, where_default = load_schema()
    assert default == schema and where_default is not None


def test_packaged_schema_used_without_shared_spec(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import iki_extract.eval.metrics as metrics

    monkeypatch.setattr(metrics, "DEFAULT_SCHEMA_PATH", tmp_path / "absent.json")
    schema, where = load_schema()
    assert schema == load_schema(PACKAGED_SCHEMA)[0]
    assert where is not None and where.endswith("decree.schema.json")


# --------------------------------------------------------------------------
# Directories, report shape
# --------------------------------------------------------------------------


def test_evaluate_dirs_loading(tmp_path: Path) -> None:
    gold = make_decree()
    iku = make_decree(kind="IKU", nomor="050/001/2023")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "doc1.gold.json").write_text(json.dumps([gold, iku]), encoding="utf-8")
    pred_dir = tmp_path / "pred"
    (pred_dir / "a" / "b").mkdir(parents=True)
    (pred_dir / "a" / "b" / "d1.json").write_text(
        json.dumps(as_prediction(gold, "doc1.v2.pdf")), encoding="utf-8"
    )
    (pred_dir / "arr.json").write_text(
        json.dumps([as_prediction(iku, "doc1.v2.pdf")]), encoding="utf-8"
    )
    (pred_dir / "stray.json").write_text(
        json.dumps(as_prediction(gold, "zzz.pdf")), encoding="utf-8"
    )
    (pred_dir / "manifest.json").write_text(json.dumps({"run": 1}), encoding="utf-8")
    (pred_dir / "broken.json").write_text("{not json", encoding="utf-8")

    pred, errors = load_pred_dir(pred_dir)
    # predictions are filed by input file; scored under that file's stem
    assert sorted(pred) == ["doc1.v2.pdf", "zzz.pdf"] and len(pred["doc1.v2.pdf"]) == 2
    assert len(errors) == 1 and "broken.json" in errors[0]
    assert list(load_gold_dir(gold_dir)) == ["doc1"]

    report = evaluate_dirs(gold_dir, pred_dir, schema_path=PACKAGED_SCHEMA)
    assert_perfect_except(report)
    assert report.ignored_pred_stems == ["zzz.pdf"]
    assert report.load_errors == errors
    json.dumps(report.to_dict())
    text = format_report(report)
    lines = text.splitlines()
    for col in (
        "file",
        "decrees",
        "jabatan F1",
        "row P",
        "row R",
        "row F1",
        "header acc",
        "list F1",
        "role F1",
        "schema valid",
    ):
        assert col in lines[0]
    assert any(line.startswith("doc1") and "2/2" in line for line in lines)
    assert any(line.startswith("POOLED") for line in lines)
    assert "zzz" in text and "broken.json" in text
    assert all(c in text for c in ROW_COLUMNS)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not available")
def test_seeds_against_themselves(tmp_path: Path) -> None:
    gold = load_gold_dir(SEEDS)
    assert gold
    # write one prediction file per decree, named like PDF inputs, nested
    for stem, decrees in gold.items():
        for k, decree in enumerate(decrees):
            out = tmp_path / stem / f"decree_{k}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(
                json.dumps(as_prediction(decree, f"{stem}.v2.scan-medium.pdf")), encoding="utf-8"
            )
    report = evaluate_dirs(SEEDS, tmp_path)
    assert set(report.files) == {f"{stem}.v2.scan-medium.pdf" for stem in gold}
    assert_perfect_except(report)
    for s in report.files.values():
        assert s.row_f1 == 1.0 and s.header_accuracy == 1.0
    # gold files read as predictions (arrays, role fallback) also score 1.0
    assert_perfect_except(evaluate_dirs(SEEDS, SEEDS))


def test_flat_row_scores_pool_rows_without_blocks():
    from iki_extract.eval import flat_row_scores

    g = [{"sasaran": "A", "indikator": "B", "formulasi": "C", "sumber_data": None},
         {"sasaran": "A", "indikator": "D", "formulasi": "E", "sumber_data": "F"}]
    p = [g[1], {"sasaran": "A", "indikator": "B", "formulasi": "C", "sumber_data": "zzz"}]
    assert flat_row_scores(g, p) == (1, 2, 2)


def test_each_input_file_scored_against_its_stem(tmp_path: Path) -> None:
    gold = make_decree()
    report = evaluate(
        {"doc": [gold]},
        {"doc.a.pdf": [as_prediction(gold, "doc.a.pdf")], "doc.b.pdf": []},
        schema_path=PACKAGED_SCHEMA,
    )
    assert set(report.files) == {"doc.a.pdf", "doc.b.pdf"}
    assert report.files["doc.a.pdf"].row_f1 == 1.0
    assert report.files["doc.b.pdf"].row_f1 == 0.0


def test_exact_row_f1_counts_only_rows_equal_after_normalisation() -> None:
    gold = make_decree()
    pred = as_prediction(gold)
    # an OCR slip that passes the 90 threshold but is not the same text
    cell = pred["jabatan"][0]["indikator"][0]["indikator"]
    pred["jabatan"][0]["indikator"][0]["indikator"] = cell[:-1] + "l"
    # markup and case only: equal after normalisation, so still exact
    pred["jabatan"][1]["indikator"][0]["sasaran"] = (
        "**" + gold["jabatan"][1]["indikator"][0]["sasaran"].upper() + "**"
    )
    s = run([gold], [pred]).pooled
    assert s.row_correct == N_ROWS
    assert s.row_exact == N_ROWS - 1
    assert s.exact_row_f1 == pytest.approx((N_ROWS - 1) / N_ROWS)
    assert s.to_dict()["rows"]["exact"] == N_ROWS - 1
    assert "exact-row F1" in format_report(run([gold], [pred]))
