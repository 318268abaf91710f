"""Legal references (``mengingat`` items): iki_extract.normalize.legal."""

from __future__ import annotations

import json
import re
import warnings

import pytest
import spacy

from iki_extract.normalize import legal
from iki_extract.normalize.legal import parse_legal_ref, parse_many

# (text, jenis, nomor, tahun, key) -- hand-checked; the "tentang" wording is made up.
CASES = [
    ("Undang-Undang Nomor 6 Tahun 2014 tentang Desa;", "Undang-Undang", "6", 2014, "UU 6/2014"),
    (
        "Undang – Undang Nomor 17 Tahun 2003 tentang Keuangan Negara (Lembaran Negara Tahun 2003 "
        "Nomor 47);",
        "Undang-Undang",
        "17",
        2003,
        "UU 17/2003",
    ),
    (
        "Undang- Undang Nomor 1 tahun 2004 tentang Kas Negara;",
        "Undang-Undang",
        "1",
        2004,
        "UU 1/2004",
    ),
    (
        "UNDANG-UNDANG NOMOR 5 TAHUN 2014 TENTANG APARATUR NEGARA;",
        "Undang-Undang",
        "5",
        2014,
        "UU 5/2014",
    ),
    ("UU No. 30 Tahun 2014 tentang Administrasi", "Undang-Undang", "30", 2014, "UU 30/2014"),
    ("UU 23/2014 tentang Pemerintahan Daerah", "Undang-Undang", "23", 2014, "UU 23/2014"),
    ("Undang Undang No 6 Th. 2014 Tentang Desa", "Undang-Undang", "6", 2014, "UU 6/2014"),
    (
        "Undang-Undang Republik Indonesia Nomor 23 Tahun 2014 tentang Daerah",
        "Undang-Undang",
        "23",
        2014,
        "UU 23/2014",
    ),
    (
        "Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;",
        "Undang-Undang Dasar",
        None,
        1945,
        "UUD 1945",
    ),
    (
        "Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;",
        "Undang-Undang Dasar",
        None,
        1945,
        "UUD 1945",
    ),
    (
        "Peraturan Pemerintah Pengganti Undang-undang Nomor 1 Tahun 2020 tentang Keuangan;",
        "Peraturan Pemerintah Pengganti Undang-Undang",
        "1",
        2020,
        "Perppu 1/2020",
    ),
    (
        "Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Uang Daerah (Lembaran Negara Republik "
        "Indonesia Tahun 2019 Nomor 42, Tambahan Lembaran Negara Nomor 6322);",
        "Peraturan Pemerintah",
        "12",
        2019,
        "PP 12/2019",
    ),
    (
        "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;",
        "Peraturan Pemerintah",
        "17",
        2018,
        "PP 17/2018",
    ),
    (
        "Peraturan Presiden Nomor 81 Tahun 2010 tentang Desain Birokrasi 2010-2025;",
        "Peraturan Presiden",
        "81",
        2010,
        "Perpres 81/2010",
    ),
    (
        "Perpres No. 95 Tahun 2018 tentang Pemerintahan Elektronik",
        "Peraturan Presiden",
        "95",
        2018,
        "Perpres 95/2018",
    ),
    (
        "Peraturan Presiden Nomor10 Tahun 2021 tentang Sesuatu",
        "Peraturan Presiden",
        "10",
        2021,
        "Perpres 10/2021",
    ),
    (
        "Instruksi Presiden Nomor 9 Tahun 2000 tentang Gender;",
        "Instruksi Presiden",
        "9",
        2000,
        "Inpres 9/2000",
    ),
    (
        "Intruksi Presiden Nomor 3 Tahun 2003 tentang E-Government;",
        "Instruksi Presiden",
        "3",
        2003,
        "Inpres 3/2003",
    ),
    (
        "Keputusan Presiden Nomor 42 Tahun 2002 tentang Anggaran",
        "Keputusan Presiden",
        "42",
        2002,
        "Keppres 42/2002",
    ),
    (
        "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017 tentang Perencanaan;",
        "Peraturan Menteri",
        "86",
        2017,
        "Permendagri 86/2017",
    ),
    (
        "Permendagri Nomor 90 Tahun 2019 tentang Kodefikasi",
        "Peraturan Menteri",
        "90",
        2019,
        "Permendagri 90/2019",
    ),
    (
        "Peraturan Menteri Dalam Negeri Republik Indonesia Nomor 18 Tahun 2020",
        "Peraturan Menteri",
        "18",
        2020,
        "Permendagri 18/2020",
    ),
    (
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 8 Tahun 2021 "
        "tentang Kinerja Pegawai;",
        "Peraturan Menteri",
        "8",
        2021,
        "PermenPAN-RB 8/2021",
    ),
    ("Permenpan RB No. 53 Tahun 2014", "Peraturan Menteri", "53", 2014, "PermenPAN-RB 53/2014"),
    (
        "Peraturan Menteri Negara Pendayagunaan Aparatur Negara Nomor: PER/15/M.PAN/7/2008 tentang "
        "Reformasi;",
        "Peraturan Menteri",
        "PER/15/M.PAN/7/2008",
        2008,
        "PermenPAN PER/15/M.PAN/7/2008",
    ),
    (
        "Peraturan Menteri Keuangan Nomor 214/PMK.05/2013 tentang Akun",
        "Peraturan Menteri",
        "214/PMK.05/2013",
        2013,
        "PMK 214/PMK.05/2013",
    ),
    (
        "Peraturan Menteri Pertanian Nomor 5 Tahun 2019 tentang Sesuatu",
        "Peraturan Menteri",
        "5",
        2019,
        "Permen Pertanian 5/2019",
    ),
    (
        "Keputusan Menteri Dalam Negeri Nomor 050-5889 Tahun 2021 tentang Verifikasi",
        "Keputusan Menteri",
        "050-5889",
        2021,
        "Kepmendagri 050-5889/2021",
    ),
    (
        "Peraturan Daerah Provinsi Jawa Timur Nomor 3 Tahun 2020 tentang Sesuatu",
        "Peraturan Daerah",
        "3",
        2020,
        "Perda Prov. Jawa Timur 3/2020",
    ),
    (
        "Peraturan Daerah Kabupaten Sidoarjo Nomor 2 Tahun 2016 tentang Perangkat (Lembaran Daerah "
        "Kabupaten Sidoarjo Tahun 2016 Nomor 2);",
        "Peraturan Daerah",
        "2",
        2016,
        "Perda Kab. Sidoarjo 2/2016",
    ),
    (
        "Peraturan Daerah Kab. Malang Nomor 1 Tahun 2019 tentang Sesuatu",
        "Peraturan Daerah",
        "1",
        2019,
        "Perda Kab. Malang 1/2019",
    ),
    (
        "Perda Kota Batu Nomor 7 Tahun 2019 tentang Sesuatu",
        "Peraturan Daerah",
        "7",
        2019,
        "Perda Kota Batu 7/2019",
    ),
    (
        "Peraturan Bupati Malang Nomor 30 Tahun 2019 tentang Tugas Kecamatan;",
        "Peraturan Bupati",
        "30",
        2019,
        "Perbup Malang 30/2019",
    ),
    (
        "Peraturan Bupati Kabupaten Malang Nomor 5 Tahun 2019",
        "Peraturan Bupati",
        "5",
        2019,
        "Perbup Malang 5/2019",
    ),
    (
        "Perbup Sidoarjo No. 12 Tahun 2021 tentang Sesuatu",
        "Peraturan Bupati",
        "12",
        2021,
        "Perbup Sidoarjo 12/2021",
    ),
    (
        "Peraturan Walikota Samarinda Nomor 11 Tahun 2017 tentang Sesuatu",
        "Peraturan Walikota",
        "11",
        2017,
        "Perwali Samarinda 11/2017",
    ),
    (
        "Peraturan Wali Kota Surabaya Nomor 61 Tahun 2021 tentang Sesuatu",
        "Peraturan Walikota",
        "61",
        2021,
        "Perwali Surabaya 61/2021",
    ),
    (
        "Peraturan Walikota Nomor ... Tahun 2022 tentang SOTK",
        "Peraturan Walikota",
        None,
        2022,
        None,
    ),
    (
        "Peraturan Walikota No. XX tentang Susunan Organisasi",
        "Peraturan Walikota",
        None,
        None,
        None,
    ),
    (
        "Peraturan Gubernur Jawa Timur Nomor 52 Tahun 2018 tentang Sesuatu",
        "Peraturan Gubernur",
        "52",
        2018,
        "Pergub Jawa Timur 52/2018",
    ),
    (
        "Keputusan Bupati Serang Nomor 800/Kep.120-Huk/2019 tentang Sesuatu",
        "Keputusan Bupati",
        "800/Kep.120-Huk/2019",
        2019,
        "Kepbup Serang 800/Kep.120-Huk/2019",
    ),
    (
        "Surat Keputusan Bupati Malang No.188.45/501/KEP/35.07.013/ 2019 tentang Renstra.",
        "Keputusan Bupati",
        "188.45/501/KEP/35.07.013/2019",
        2019,
        "Kepbup Malang 188.45/501/KEP/35.07.013/2019",
    ),
    (
        "Surat Keputusan Walikota Probolinggo Nomor 188.45/123/KEP/425.012/2017 tentang Sesuatu",
        "Keputusan Walikota",
        "188.45/123/KEP/425.012/2017",
        2017,
        "Kepwali Probolinggo 188.45/123/KEP/425.012/2017",
    ),
    (
        "Keputusan Camat Karangploso Nomor 188.45/12/35.07.23/2020 tentang Tim",
        "Keputusan Camat",
        "188.45/12/35.07.23/2020",
        2020,
        "Kepcam Karangploso 188.45/12/35.07.23/2020",
    ),
    (
        "Surat Edaran Menteri Dalam Negeri Nomor 120/253/SJ Tahun 2021 tentang Sesuatu",
        "Surat Edaran",
        "120/253/SJ",
        2021,
        "SE Menteri Dalam Negeri 120/253/SJ/2021",
    ),
]


@pytest.mark.parametrize(("text", "jenis", "nomor", "tahun", "key"), CASES)
def test_hand_checked(text, jenis, nomor, tahun, key):
    ref = parse_legal_ref(text)
    assert ref is not None
    assert (ref["jenis"], ref["nomor"], ref["tahun"], ref["key"]) == (jenis, nomor, tahun, key)


def test_parts_issuer_and_tentang():
    ref = parse_legal_ref(
        "Peraturan Daerah Kota Samarinda Nomor 4 tahun 2016 Tentang Susunan Perangkat Daerah "
        "(Lembaran Daerah Kota Samarinda Tahun 2016 Nomor 4);"
    )
    assert ref["issuer"] == "Kota Samarinda"
    assert ref["tentang"] == "Susunan Perangkat Daerah"
    ref = parse_legal_ref("Peraturan Pemerintah Nomor 8 Tahun 2006 tentang Laporan Kinerja; dan")
    assert ref["tentang"] == "Laporan Kinerja"
    assert ref["issuer"] == "Presiden"
    ref = parse_legal_ref("Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017 tentang X")
    assert ref["issuer"] == "Menteri Dalam Negeri"
    ref = parse_legal_ref("Peraturan Bupati Malang Nomor 64 tahun 2016 tentang Organisasi ;")
    assert (ref["issuer"], ref["tentang"]) == ("Bupati Malang", "Organisasi")
    assert parse_legal_ref("UU 23/2014")["tentang"] is None


def test_only_the_first_instrument_is_the_items_own():
    ref = parse_legal_ref(
        "Undang-undang Nomor 32 Tahun 2004 tentang Daerah (Lembaran Negara Tahun 2004 Nomor 125) "
        "sebagaimana telah diubah beberapa kali, terakhir dengan Undang- Undang Nomor 12 tahun "
        "2008 tentang Perubahan Kedua atas Undang-Undang Nomor 32 Tahun 2004 tentang Daerah "
        "(Lembaran Negara Tahun 2008 Nomor 59);"
    )
    assert (ref["key"], ref["tentang"]) == ("UU 32/2004", "Daerah")
    assert [a["key"] for a in ref["amended_by"]] == ["UU 12/2008"]
    assert ref["amended_by"][0]["tentang"].startswith("Perubahan Kedua atas Undang-Undang")

    ref = parse_legal_ref(
        "Undang-Undang Nomor 17 Tahun 2007 tentang A (Lembaran Negara Nomor 33) sebagaimana telah "
        "diubah dengan Undang-Undang Nomor 2 Tahun 2011 (Lembaran Negara Tahun 2011 Nomor 5) dan "
        "Undang-Undang Nomor 8 Tahun 2012 tentang B;"
    )
    assert [a["key"] for a in ref["amended_by"]] == ["UU 2/2011", "UU 8/2012"]

    ref = parse_legal_ref(
        "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Pegawai yang telah diubah dengan "
        "Peraturan Pemerintah Pengganti Undang-Undang Nomor 2 Tahun 2020;"
    )
    assert [a["key"] for a in ref["amended_by"]] == ["Perppu 2/2020"]

    ref = parse_legal_ref("Undang-Undang Nomor 32 Tahun 2004 jo. Undang-Undang Nomor 12 Tahun 2008")
    assert ref["key"] == "UU 32/2004"
    assert [a["key"] for a in ref["amended_by"]] == ["UU 12/2008"]

    # an instrument named inside "tentang" is not an amendment
    ref = parse_legal_ref(
        "Keputusan Bupati Malang Nomor 188.45/7/KEP/35.07.013/2018 tentang Perubahan atas "
        "Keputusan Bupati Malang Nomor 188.45/6/KEP/35.07.013/2016 tentang Renstra."
    )
    assert ref["tahun"] == 2018
    assert ref["amended_by"] == []
    assert ref["tentang"].endswith("tentang Renstra")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "bahwa untuk melaksanakan ketentuan tersebut perlu menetapkan indikator kinerja",
        "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        "Camat Karangploso",
    ],
)
def test_non_legal_text_is_none(text):
    assert parse_legal_ref(text) is None


def test_parse_many_matches_single_calls():
    texts = [c[0] for c in CASES[:10]] + ["", "bukan rujukan hukum"]
    assert parse_many(texts) == [parse_legal_ref(t) for t in texts]
    assert parse_many([]) == []


def test_result_is_json_ready():
    ref = parse_legal_ref(CASES[0][0])
    assert set(ref) == {"jenis", "issuer", "nomor", "tahun", "tentang", "key", "amended_by"}
    json.dumps(ref)


# -- the saved pipeline --------------------------------------------------------


def test_pipeline_is_loaded_from_disk_with_spacy_load(monkeypatch):
    path = legal.pipeline_dir()
    assert (path / "config.cfg").is_file()
    assert (path / "entity_ruler" / "patterns.jsonl").is_file()
    calls = []
    real_load = spacy.load

    def spy(name, *args, **kwargs):
        calls.append(name)
        return real_load(name, *args, **kwargs)

    monkeypatch.setattr(legal.spacy, "load", spy)
    legal.legal_nlp.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "stale"/"missing" fallback
            nlp = legal.legal_nlp()
    finally:
        legal.legal_nlp.cache_clear()
    assert calls == [path]
    assert nlp.pipe_names == ["entity_ruler", legal.COMPONENT]
    assert nlp("UU 23/2014")._.legal_ref["key"] == "UU 23/2014"


def test_saved_pipeline_is_up_to_date_with_its_rule_files():
    # fails after editing models/legal/*.{yaml,jsonl} without
    # `python -m iki_extract.normalize.legal --build`
    assert legal.main(["--check"]) == 0


def test_missing_pipeline_falls_back_to_an_in_memory_build(monkeypatch, tmp_path):
    monkeypatch.setattr(legal, "pipeline_dir", lambda: tmp_path / "absent")
    legal.legal_nlp.cache_clear()
    try:
        with pytest.warns(UserWarning, match="no saved legal pipeline"):
            nlp = legal.legal_nlp()
        assert nlp("Perpres 18/2020")._.legal_ref["key"] == "Perpres 18/2020"
    finally:
        legal.legal_nlp.cache_clear()


def test_build_round_trip(tmp_path):
    out = tmp_path / "legal"
    assert legal.main(["--build", "--out", str(out)]) == 0
    for part in ("config.cfg", "meta.json", "tokenizer", "iki_legal_refs/table.json"):
        assert (out / part).exists(), part
    nlp = spacy.load(out)
    text = CASES[-4][0]
    assert nlp(text)._.legal_ref == parse_legal_ref(text)


# -- the seeds -------------------------------------------------------------------


def _seed_items(seeds_dir) -> list[str]:
    items = []
    for path in sorted(seeds_dir.glob("*.gold.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for decree in data if isinstance(data, list) else [data]:
            items.extend(decree.get("mengingat") or [])
    if not items:
        pytest.skip("no mengingat items in the seeds")
    return items


def test_seed_mengingat_parse_rate(seeds_dir):
    items = _seed_items(seeds_dir)
    failures = []
    for text, ref in zip(items, parse_many(items), strict=True):
        needs_year = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", text) is not None
        ok = ref is not None and ref["jenis"] and (ref["tahun"] or not needs_year)
        if not ok:
            failures.append((text, ref))
    for text, ref in failures:
        print(f"FAIL {text[:100]!r} -> {ref}")
    rate = 1 - len(failures) / len(items)
    print(f"seed mengingat: {len(items) - len(failures)}/{len(items)} parsed ({rate:.1%})")
    assert rate >= 0.95
