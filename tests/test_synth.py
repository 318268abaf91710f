"""The synthetic decree PDF generator (iki_extract.synth)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pdfplumber
import pytest

from iki_extract.synth import VARIANTS, RenderInfo, render_decree_pdf
from iki_extract.synth.__main__ import main as synth_main
from iki_extract.synth.text import nip_grouped, parse_fraction, tanggal_words

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / \
    "000_c8d51b738327ab4e.gold.json"

SASARAN = "Meningkatnya kualitas layanan Sasaranalpha administrasi kecamatan"
LONG = " ".join(f"{i}. Dokumen pendukung kegiatan nomor {i} Longrowtoken" for i in range(1, 71))
LONG = LONG.replace("70. Dokumen", "70. Penutupzulu Dokumen")


def _decree() -> dict:
    rows = [
        {"sasaran": SASARAN, "indikator": "Persentase surat keluar tepat waktu",
         "formulasi": "Jumlah surat tepat waktu / Jumlah seluruh surat x 100%",
         "sumber_data": "Buku agenda"},
        {"sasaran": SASARAN, "indikator": "Persentase surat keluar tepat waktu",
         "formulasi": "Rekap bulanan agenda", "sumber_data": None},
        {"sasaran": SASARAN, "indikator": "Jumlah arsip tertata",
         "formulasi": "Jumlah berkas arsip yang ditata", "sumber_data": "Daftar arsip"},
        {"sasaran": "Terlaksananya pelaporan kinerja", "indikator": "Jumlah laporan disusun",
         "formulasi": LONG, "sumber_data": "Dokumen laporan"},
        {"sasaran": "Tertib administrasi barang", "indikator": "Jumlah laporan barang",
         "formulasi": "Jumlah laporan barang yang disusun", "sumber_data": "KIB"},
    ]
    return {
        "kind": "IKI",
        "source": {"file": "x.pdf", "pages": []},
        "header": {
            "pemerintah": "Pemerintah Kabupaten Sukapura",
            "kabupaten_kota": "Kabupaten Sukapura",
            "kecamatan": "Cibiru Hilir",
            "pejabat_penetap": "Camat Cibiru Hilir",
            "nomor": "800/12/KEC.CH/2023",
            "tentang": "Penetapan Indikator Kinerja Individu Kecamatan Cibiru Hilir Tahun 2023",
            "tahun": 2023,
            "tempat_penetapan": "Cibiru Hilir",
            "tanggal_penetapan": "2023-02-03",
            "penandatangan": {"nama": "RAHMAT HIDAYAT, S.STP", "nip": "197001011990031005",
                              "pangkat": "Pembina (IV/a)", "jabatan": "Camat Cibiru Hilir"},
        },
        "menimbang": ["bahwa untuk mengukur kinerja pegawai perlu indikator kinerja individu;",
                      "bahwa berdasarkan pertimbangan huruf a perlu menetapkan keputusan camat;"],
        "mengingat": ["Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
                      "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;"],
        "diktum": [{"label": "KESATU", "text": "Menetapkan Indikator Kinerja Individu."},
                   {"label": "KEDUA", "text": "Keputusan ini berlaku sejak tanggal ditetapkan."}],
        "tembusan": ["Bupati Sukapura;", "Inspektur Kabupaten Sukapura."],
        "jabatan": [
            {"jabatan": "Kepala Subbagian Umum Kepegawaian", "role": None,
             "tugas": ["menyiapkan bahan urusan umum;", "melaksanakan tugas lain."],
             "fungsi": [], "indikator": rows},
            {"jabatan": "Kasi Ketentraman Ketertiban", "role": None,
             "tugas": ["menyiapkan bahan ketertiban umum."], "fungsi": ["pembinaan linmas;"],
             "indikator": rows[:1]},
        ],
    }


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def rendered(request, tmp_path_factory) -> tuple[str, RenderInfo, list]:
    out = tmp_path_factory.mktemp("synth") / f"{request.param}.pdf"
    info = render_decree_pdf([_decree()], out, request.param, seed=1)
    with pdfplumber.open(out) as pdf:
        pages = [
            {"text": p.extract_text() or "", "words": p.extract_words(), "rects": p.rects,
             "lines": p.lines, "width": p.width, "height": p.height}
            for p in pdf.pages
        ]
    assert len(pages) == info.pages
    return request.param, info, pages


def test_pages_and_lampiran_on_own_pages(rendered):
    name, info, pages = rendered
    assert info.pages > 1
    lamp = info.lampiran_pages[0]
    assert lamp and lamp[0] > 1
    body = [p for p in info.decree_pages[0] if p not in lamp]
    assert "MEMUTUSKAN" in "".join(pages[p - 1]["text"] for p in body)
    for ji in info.jabatan:
        assert all(p in lamp for p in ji.table_pages)
    first = pages[lamp[0] - 1]
    assert "LAMPIRAN" in first["text"]
    landscape = VARIANTS[name].lampiran_orientation == "landscape"
    assert (first["width"] > first["height"]) == landscape
    assert pages[0]["width"] < pages[0]["height"]


def _is_fraction_bar(ln: dict, page: dict) -> bool:
    return abs(ln["top"] - ln["bottom"]) < 0.5 and ln["x1"] - ln["x0"] < page["width"] / 3


def test_ruling_lines(rendered):
    name, info, pages = rendered
    rules = VARIANTS[name].rules
    for p in info.jabatan[0].table_pages:
        page = pages[p - 1]
        if rules == "grid":
            assert len(page["rects"]) + len(page["lines"]) >= 4
            continue
        assert not page["rects"]
        assert all(abs(ln["top"] - ln["bottom"]) < 0.5 for ln in page["lines"])  # no verticals
        long = [ln for ln in page["lines"] if not _is_fraction_bar(ln, page)]
        if rules == "none":
            assert not long  # only stacked-fraction bars
        else:
            # top, under the header, under every row, bottom (drawn per cell)
            assert len({round(ln["top"]) for ln in page["lines"]}) >= 4


def _open_sasaran_span(page: dict, word: dict) -> None:
    """Rows rules: those under the merged SASARAN's rows stop at its right edge."""
    lines = page["lines"]
    top_rule = min(ln["top"] for ln in lines)
    col_starts = {round(ln["x0"]) for ln in lines if abs(ln["top"] - top_rule) < 1}
    below = sorted((ln for ln in lines if ln["top"] > word["bottom"]), key=lambda ln: ln["top"])
    crossing = [ln for ln in below if ln["x0"] <= word["x0"] <= ln["x1"]]
    assert crossing, "the merged cell has a bottom rule"
    end = crossing[0]["top"]
    inner = {round(ln["top"]) for ln in below if ln["top"] < end - 1 and ln["x0"] > word["x1"]
             and round(ln["x0"]) in col_starts}  # row rules start at a column edge
    assert len(inner) >= 2  # the rules under rows 1 and 2 of the span, right of it


def test_merged_sasaran_cell(rendered):
    name, info, pages = rendered
    page = pages[info.jabatan[0].row_pages[0][0] - 1]
    word = next(w for w in page["words"] if w["text"] == "Sasaranalpha")
    assert sum(1 for w in page["words"] if w["text"] == "Sasaranalpha") == 1
    if VARIANTS[name].rules == "rows":
        _open_sasaran_span(page, word)
        return
    if VARIANTS[name].rules == "none":
        return
    cell = min(
        (r for r in page["rects"] if r["x0"] <= word["x0"] and r["x1"] >= word["x1"]
         and r["top"] <= word["top"] and r["bottom"] >= word["bottom"]),
        key=lambda r: r["width"] * r["height"],
    )
    inside = [r for r in page["rects"] if r["x0"] >= cell["x1"] - 1
              and r["top"] >= cell["top"] - 1 and r["bottom"] <= cell["bottom"] + 1]
    tops = {round(r["top"]) for r in inside}
    assert len(tops) >= 3  # the merged cell spans three row heights
    assert sum(1 for w in page["words"] if w["text"] == "Sasaranalpha") == 1


def test_long_row_split_with_header_repeated(rendered):
    name, info, pages = rendered
    v = VARIANTS[name]
    ji = info.jabatan[0]
    assert 3 in ji.split_rows
    p1, p2 = ji.row_pages[3][0], ji.row_pages[3][1]
    assert p2 == p1 + 1
    t1, t2 = pages[p1 - 1]["text"], pages[p2 - 1]["text"]
    assert "Longrowtoken" in t1 and "Longrowtoken" in t2
    assert "Penutupzulu" in "".join(pages[p - 1]["text"] for p in ji.row_pages[3][1:])
    assert "Penutupzulu" not in t1
    header_word = v.headers[3]
    assert (header_word in t2) == v.repeat_header
    if v.numbering_row:
        assert v.numbering_row.format(n=2) in t1


def test_fraction(rendered):
    name, info, pages = rendered
    page = pages[info.jabatan[0].row_pages[0][0] - 1]
    text = page["text"]
    if VARIANTS[name].stacked_fractions:
        assert "Jumlah surat tepat waktu / Jumlah" not in text.replace("\n", " ")
        assert "x 100%" in text
        short = [ln for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.5
                 and 20 < ln["x1"] - ln["x0"] < page["width"] / 3]
        assert short, "fraction bar missing"
    else:
        words = [w["text"] for w in page["words"]]
        assert "/" in words and "100%" in words
        assert not [ln for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.5
                    and 20 < ln["x1"] - ln["x0"] < page["width"] / 3]


def test_words_extractable(rendered):
    _, info, pages = rendered
    words = set(" ".join(p["text"] for p in pages).split())
    d = _decree()
    for w in d["header"]["tentang"].upper().split():
        assert w in words
    for jb in d["jabatan"]:
        for w in jb["jabatan"].split():
            assert w in words
    allt = " ".join(p["text"] for p in pages)
    assert "NOMOR : 800/12/KEC.CH/2023" in allt
    assert "3 Februari 2023" in allt
    assert "NIP. 19700101 199003 1 005" in allt
    assert "Halaman" in pages[-1]["text"] or f"- {info.pages} -" in pages[-1]["text"]


def test_helpers():
    assert tanggal_words("2020-01-16") == "16 Januari 2020"
    assert tanggal_words("2022-01") == "Januari 2022"
    assert nip_grouped("197001011990031005") == "19700101 199003 1 005"
    assert parse_fraction("∑ A / ∑ B x 100%") == ("∑ A", "∑ B")
    assert parse_fraction("Jumlah RT/RW aktif") is None


@pytest.mark.skipif(not SEED.exists(), reason="shared seed absent")
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_seed_renders(name, tmp_path):
    decrees = json.loads(SEED.read_text(encoding="utf-8"))
    t0 = time.monotonic()
    info = render_decree_pdf(decrees, tmp_path / "s.pdf", name)
    assert time.monotonic() - t0 < 5
    assert info.pages > 2
    assert len(info.jabatan) == sum(len(d["jabatan"]) for d in decrees)
    with pdfplumber.open(tmp_path / "s.pdf") as pdf:
        assert len(pdf.pages) == info.pages
        text = pdf.pages[info.jabatan[0].row_pages[0][0] - 1].extract_text()
    assert decrees[0]["jabatan"][0]["jabatan"] in text


def test_cli(tmp_path):
    gold = tmp_path / "g.json"
    gold.write_text(json.dumps([_decree()]), encoding="utf-8")
    assert synth_main([str(gold), str(tmp_path / "o.pdf"), "--variant", "a4-times-numbered"]) == 0
    assert (tmp_path / "o.pdf").stat().st_size > 1000


def test_existing_variants_are_ruled_grids():
    for name in ("a4-portrait", "f4-landscape-no", "a4-times-numbered", "f4-courier-plain"):
        assert VARIANTS[name].rules == "grid" and VARIANTS[name].row_gap == 0.0
    assert VARIANTS["a4-open-rows"].rules == "rows"
    assert VARIANTS["f4-no-rules"].rules == "none" and VARIANTS["f4-no-rules"].row_gap > 0


def test_no_rules_header_bold_and_rows_spaced(tmp_path):
    out = tmp_path / "n.pdf"
    info = render_decree_pdf([_decree()], out, "f4-no-rules", seed=1)
    v = VARIANTS["f4-no-rules"]
    ji = info.jabatan[0]
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[ji.row_pages[0][0] - 1]
        words = page.extract_words(extra_attrs=["fontname"])
    head = [w for w in words if w["text"] in v.headers[3].split()]
    assert head and all("Bold" in w["fontname"] for w in head)
    # FORMULASI of rows 1 and 2: cell padding plus the row gap between them, far more
    # than the leading between two lines of one cell
    rekap = next(w for w in words if w["text"] == "Rekap")
    col = [w for w in words if abs(w["x0"] - rekap["x0"]) < 60 and w["bottom"] < rekap["top"]]
    above = max(w["bottom"] for w in col)
    leading = v.table_font_size * 1.25 - v.table_font_size
    assert rekap["top"] - above >= 2 * 3.0 + v.row_gap - 1 > 2 * leading


def test_open_rows_split_row_repeats_header(tmp_path):
    for name in ("a4-open-rows", "f4-no-rules"):
        info = render_decree_pdf([_decree()], tmp_path / f"{name}.pdf", name, seed=1)
        ji = info.jabatan[0]
        assert 3 in ji.split_rows and VARIANTS[name].repeat_header
