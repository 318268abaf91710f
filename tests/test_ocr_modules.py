"""The scan path's parts on small inputs: engine, cells, specks, noise, correction,
confidence and its calibration."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from iki_extract.eval import calibration as cal
from iki_extract.ingest import image_prep, ocr_cells, ocr_confidence, ocr_correct, ocr_noise
from iki_extract.ingest.ocr_lexicon import DocLexicon, is_known

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or fonts missing"
)


def render(text: str, size: int = 40, pad: int = 30) -> np.ndarray:
    font = ImageFont.truetype(str(FONT), size)
    w = int(font.getlength(text)) + 2 * pad
    im = Image.new("L", (w, size + 2 * pad), 255)
    ImageDraw.Draw(im).text((pad, pad), text, font=font, fill=0)
    return np.asarray(im)


# -- correction ---------------------------------------------------------------


def test_formula_cell_sum_signs_and_multiplier() -> None:
    lines = ["5 Pegawai x ($ Hari kerja", "efektif - $ hari tidak masuk", "kerja)", "x 10076"]
    out = ocr_correct.fix_formula_lines(lines, fraction=True)
    assert out == ["∑ Pegawai x (∑ Hari kerja", "efektif - ∑ hari tidak masuk", "kerja)", "x 100%"]
    # not a formula cell: digits stay digits
    assert ocr_correct.fix_formula_lines(["5 hari kerja"], fraction=False) == ["5 hari kerja"]
    # a count inside a formula is not a multiplier
    assert ocr_correct.fix_formula_lines(["Jumlah 100 peserta"], True) == ["Jumlah 100 peserta"]


def test_per_cent_slips_and_multiplier_words() -> None:
    fix = ocr_correct.fix_formula_lines
    assert fix(["musrenbang kecamatan x 100y6"], False) == ["musrenbang kecamatan x 100%"]
    assert fix(["ditargetkan xx1006"], False) == ["ditargetkan x 100%"]
    assert fix(["yang ada x.10046"], False) == ["yang ada x 100%"]
    assert fix(["barang yang keluarx 10046"], False) == ["barang yang keluar x 100%"]
    # "dikali 100%" / "target 80%" hold no "x"
    assert fix(["pelayanan di kali 100%"], False) == ["pelayanan di kali 100%"]
    assert fix(["dikali 10096 jenis"], False) == ["dikali 100% jenis"]
    assert fix(["gotong royong, target 806"], False) == ["gotong royong, target 80%"]
    # plain numbers stay
    assert fix(["tahun 2006 sebanyak 1006 berkas"], False) == ["tahun 2006 sebanyak 1006 berkas"]


def test_glued_short_words_split_when_unknown() -> None:
    split = ocr_correct.split_joined
    assert split("lingkungandi") == "lingkungan di"
    assert split("semesterandan,") == "semesteran dan,"
    assert split("Badan") == "Badan" and split("Ramadan") == "Ramadan"
    assert split("dilaksanakan") == "dilaksanakan"


def test_cell_marks_that_are_specks() -> None:
    fix = ocr_noise.fix_cell_lines
    assert fix(["di lingkup: kecamatan", "sekurang-: kurangnya"]) == [
        "di lingkup kecamatan",
        "sekurang-kurangnya",
    ]
    assert fix(["capaian kinerja program.", "atau kegiatan"]) == [
        "capaian kinerja program",
        "atau kegiatan",
    ]
    assert fix(["meliputi : 1. dokumen 2..dokumen 3: fasilitasi", "cuti pegawai.4. rekap"]) == [
        "meliputi : 1. dokumen 2. dokumen 3. fasilitasi",
        "cuti pegawai 4. rekap",
    ]
    # real marks stay: abbreviations, a colon before a number
    assert fix(["Kec. Ciruas", "Kasubag. Umum", "disusun : 1. laporan"]) == [
        "Kec. Ciruas",
        "Kasubag. Umum",
        "disusun : 1. laporan",
    ]
    free = ocr_noise.fix_free_line
    assert free("Indikator Kinerja Individu. pada Kantor") == "Indikator Kinerja Individu pada Kantor"
    assert free("sebagai berikut. a. Memberikan") == "sebagai berikut. a. Memberikan"
    assert free("Kab. malang, Kec. ciruas") == "Kab. malang, Kec. ciruas"
    assert fix(["Badan Pengelola: Keuangan", "Puskesmas. Karangploso"]) == [
        "Badan Pengelola Keuangan",
        "Puskesmas Karangploso",
    ]


def test_low_confidence_words_only_and_document_words_first() -> None:
    lex = DocLexicon()
    for _ in range(3):
        lex.add("pelaporan stunting", 0.95)
    assert ocr_correct.correct_word("pelapgran", 0.3, lex) == "pelaporan"
    assert ocr_correct.correct_word("shunting", 0.3, lex) == "stunting"
    assert ocr_correct.correct_word("pelapgran", 0.95, lex) == "pelapgran"  # confident: kept
    assert ocr_correct.correct_word("Sosinlisasi", 0.2) == "Sosialisasi"  # case kept
    assert ocr_correct.correct_word("DPA", 0.1) == "DPA"  # short words alone
    assert is_known("melaksanakan") and not is_known("xqzvbn")


def test_digits_in_number_tokens() -> None:
    assert ocr_correct.fix_digits("19680l12") == "19680112"
    assert ocr_correct.fix_digits("2O22") == "2O22"  # too short to be sure
    assert ocr_correct.fix_digits("Kelurahan") == "Kelurahan"


# -- noise --------------------------------------------------------------------


def test_noise_words_and_labels() -> None:
    words = [
        {"text": "“", "conf": 0.2},
        {"text": '"KEPUTUSAN', "conf": 0.3},
        {"text": ":", "conf": 0.2},
        {"text": "~", "conf": 0.9},
    ]
    assert [w["text"] for w in ocr_noise.drop_noise_words(words)] == ["KEPUTUSAN", ":", "~"]
    assert ocr_noise.fix_label_line("NOMOR - 900/Kep.004/2022") == "NOMOR : 900/Kep.004/2022"
    assert ocr_noise.fix_label_line("Nomor 12 Tahun 2020") == "Nomor 12 Tahun 2020"
    assert ocr_noise.is_noise_line("2 .", 0.1) and not ocr_noise.is_noise_line("2 .", 0.9)
    assert not ocr_noise.is_noise_line("Pasal 2", 0.1)


# -- image preparation ----------------------------------------------------------


def test_specks_go_colons_and_full_stops_stay() -> None:
    img = render("Nomor      :  Camat.", size=40).copy()
    h, w = img.shape
    rng = np.random.default_rng(1)
    specks = [(int(rng.integers(2, 18)), int(rng.integers(5, w - 5))) for _ in range(6)]
    for y, x in specks:  # dust in the top margin, far from any glyph
        img[y : y + 3, x : x + 3] = 0
    out = image_prep.drop_specks(img, image_prep.ink_mask(img))
    assert all(out[y : y + 3, x : x + 3].min() == 255 for y, x in specks)
    body = image_prep.ink_mask(out[25:, :])
    n_before = image_prep.glyph_count(image_prep.ink_mask(img[25:, :]), 300)
    assert np.count_nonzero(body) > 0
    # the colon's dots and the full stop are still there: same blobs as before in the body
    import cv2

    assert (
        cv2.connectedComponents(body)[0]
        == cv2.connectedComponents(image_prep.ink_mask(img[25:, :]))[0]
    )
    assert n_before >= 8


def test_empty_cell_has_no_glyphs() -> None:
    rng = np.random.default_rng(0)
    grain = np.clip(rng.normal(235, 12, (120, 400)), 0, 255).astype(np.uint8)
    assert image_prep.glyph_count(image_prep.ink_mask(grain), 300) < ocr_cells.MIN_GLYPHS
    assert image_prep.glyph_count(image_prep.ink_mask(render("Seluruh Desa")), 300) >= 5


# -- cells --------------------------------------------------------------------


def test_split_at_bars() -> None:
    box = (0, 0, 600, 200)
    parts = ocr_cells.split_at_bars(box, [(10.0, 400.0, 100.0)])
    assert parts == [
        ((0, 0, 402, 100), None),
        ((0, 100, 402, 200), None),
        ((402, 0, 600, 200), 100.0),
    ]
    # a short stroke (a letter's bar) is no fraction bar
    assert ocr_cells.split_at_bars(box, [(10.0, 60.0, 100.0)]) == [(box, None)]


@needs_tesseract
def test_read_cell_in_page_pixels() -> None:
    from iki_extract.ingest.ocr import clean_words

    page = np.full((300, 900), 255, np.uint8)
    text = render("Seluruh Desa", size=36, pad=10)
    page[100 : 100 + text.shape[0], 200 : 200 + text.shape[1]] = text
    words = ocr_cells.read_cell(page, (190, 90, 800, 180), lang="ind", oem=1, clean=clean_words)
    assert [w["text"] for w in words] == ["Seluruh", "Desa"]
    assert 195 <= words[0]["x0"] <= 230 and 95 <= words[0]["top"] <= 125
    assert (
        ocr_cells.read_cell(page, (10, 200, 800, 290), lang="ind", oem=1, clean=clean_words) == []
    )


@needs_tesseract
def test_engines_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from iki_extract.ingest import ocr_engine

    img = render("Kecamatan Ciruas", size=40)
    got = {}
    for name in ("tesserocr", "subprocess"):
        if name == "tesserocr" and ocr_engine.backend() != "tesserocr":
            continue
        monkeypatch.setattr(ocr_engine, "_BACKEND", [name])
        got[name] = [w["text"] for w in ocr_engine.PageReader(img, lang="ind").words(psm=7)]
    assert all(v == ["Kecamatan", "Ciruas"] for v in got.values()), got


# -- confidence ---------------------------------------------------------------


def test_confidence_prefers_known_words() -> None:
    known = [{"text": "Pembinaan", "conf": 0.5}]
    unknown = [{"text": "Pembxnazn", "conf": 0.5}]
    assert ocr_confidence.raw_score(known) > ocr_confidence.raw_score(unknown)
    assert ocr_confidence.raw_score([]) is None
    assert ocr_confidence.confidence(known) == round(ocr_confidence.raw_score(known) or 0, 3)


def _sample(c: float, wrong: bool, stem: str = "a") -> cal.CellSample:
    return cal.CellSample(stem, "indikator", c, wrong)


def test_auroc_and_fit() -> None:
    perfect = [_sample(0.2, True), _sample(0.3, True), _sample(0.8, False), _sample(0.9, False)]
    assert cal.auroc(perfect) == 1.0
    assert cal.auroc([_sample(0.5, True), _sample(0.5, False)]) == 0.5
    assert cal.auroc([_sample(0.5, True)]) is None
    data = [
        _sample(c / 20, (c / 20) < 0.5 if c % 3 else (c / 20) > 0.5, s)
        for c in range(20)
        for s in "ab"
    ]
    a, _ = cal.fit_logistic(data)
    assert a > 0  # higher confidence, more often right
    lo = cal.leave_one_out(data)
    assert set(lo["per_stem"]) == {"a", "b"}


def test_cell_samples_from_dirs(tmp_path: Path) -> None:
    row = {
        "sasaran": "S",
        "indikator": "Jumlah desa",
        "formulasi": "Jumlah desa",
        "sumber_data": "Kecamatan",
    }
    gold = [
        {
            "kind": "IKI",
            "header": {"nomor": "1/2020"},
            "jabatan": [{"jabatan": "Camat", "indikator": [row]}],
        }
    ]
    (tmp_path / "g").mkdir()
    (tmp_path / "p").mkdir()
    (tmp_path / "g" / "x.gold.json").write_text(json.dumps(gold))
    bad = {
        **row,
        "sumber_data": "Kecamatam",
        "confidence_sasaran": 0.9,
        "confidence_indikator": 0.8,
        "confidence_formulasi": 0.85,
        "confidence_sumber_data": 0.2,
    }
    pred = {
        **gold[0],
        "source": {"file": "x.v7.pdf"},
        "jabatan": [{"jabatan": "Camat", "indikator": [bad]}],
    }
    (tmp_path / "p" / "d.json").write_text(json.dumps(pred))
    samples = cal.cell_samples(tmp_path / "g", tmp_path / "p")
    assert sorted((s.field, s.wrong) for s in samples) == [
        ("formulasi", False),
        ("indikator", False),
        ("sasaran", False),
        ("sumber_data", True),
    ]
    assert cal.auroc(samples) == 1.0


def test_case_slip_of_same_shape_letters_in_capitalised_words() -> None:
    from iki_extract.ingest.ocr_words import fix_case_slip

    assert fix_case_slip("SUWARSo,") == "SUWARSO,"
    assert fix_case_slip("KECAMATAn") == "KECAMATAn"  # "n" is no capital drawn small
    for word in ("MSc", "Sosial", "M.Si", "A.Ks.,M.Si", "PNS", "dan"):
        assert fix_case_slip(word) == word


@needs_tesseract
def test_a_page_reader_reads_its_own_image_after_another_reader() -> None:
    """Readers share one engine per process: a page's reader used again after a
    reader of another image (a cell crop, the recovered text) must read its page."""
    from iki_extract.ingest.ocr_engine import PageReader

    page = PageReader(render("Kecamatan Palaran"), lang="ind")
    other = PageReader(render("Samarinda"), lang="ind")
    assert " ".join(w["text"] for w in other.words(psm=7)) == "Samarinda"
    words = page.words(psm=7)
    assert " ".join(w["text"] for w in words) == "Kecamatan Palaran"
