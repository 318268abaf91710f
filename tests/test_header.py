"""Header fields chosen from candidates; the penetapan and signature block."""

from __future__ import annotations

from iki_extract.layout.header import parse_header, read_header
from iki_extract.layout.signature import parse_penetapan, parse_signature
from iki_extract.normalize.dates import parse_penetapan_date, parse_place

KOP_ADDRESS = [
    "PEMERINTAH KABUPATEN KAPUAS HULU",
    "KECAMATAN JONGKONG",
    "Jalan Lintas Utara Nomor 48 Jongkong Kode Pos 78763 Telp. (0567) 21045",
]


def test_peraturan_bupati_nomor_n_tahun_yyyy():
    head = [
        "PERATURAN BUPATI KAPUAS HULU",
        "NOMOR 44 TAHUN 2022",
        "TENTANG",
        "INDIKATOR KINERJA UTAMA PERANGKAT DAERAH",
        "BUPATI KAPUAS HULU,",
    ]
    h = parse_header(["PEMERINTAH KABUPATEN KAPUAS HULU"], head, [])
    assert h.nomor == "44"
    assert h.tahun == 2022  # from the title's "NOMOR 44 TAHUN 2022", TENTANG has no year
    assert h.kabupaten_kota == "Kabupaten Kapuas Hulu"
    assert h.pejabat_penetap == "Bupati Kapuas Hulu"
    assert h.kecamatan is None


def test_address_nomor_in_kop_is_not_the_decree_number():
    head = [
        "KEPUTUSAN CAMAT JONGKONG",
        "NOMOR 800/112/KEC-JK/2023",
        "TENTANG",
        "INDIKATOR KINERJA INDIVIDU KECAMATAN JONGKONG",
    ]
    h = parse_header(KOP_ADDRESS, head, [])
    assert h.nomor == "800/112/KEC-JK/2023"
    assert h.tahun == 2023
    assert h.kecamatan == "Jongkong"
    assert h.kabupaten_kota == "Kabupaten Kapuas Hulu"


def test_only_an_address_nomor_leaves_the_field_empty_with_a_note():
    head = ["KEPUTUSAN CAMAT JONGKONG", "NOMOR : ..........", "TENTANG", "INDIKATOR KINERJA INDIVIDU"]
    r = read_header(KOP_ADDRESS, head, [])
    assert r.header.nomor is None  # never "48JongkongKodePos78763"
    assert any(n.startswith("nomor:") for n in r.notes)


def test_nomor_without_colon_and_spaced_segments():
    head = ["KEPUTUSAN CAMAT CIRUAS KABUPATEN SERANG", "Nomor 900/Kep. 004 /Kec-Ciruas/2022", "TENTANG", "X"]
    h = parse_header([], head, [])
    assert h.nomor == "900/Kep.004/Kec-Ciruas/2022"
    assert h.kabupaten_kota == "Kabupaten Serang"


def test_cited_law_year_is_never_the_tahun():
    # the fallback reads one window for kop, head and cover; a mengingat in it
    # cites a 1959 law with a number
    lines = KOP_ADDRESS + [
        "KEPUTUSAN CAMAT JONGKONG",
        "NOMOR 061/15/PEM",
        "TENTANG",
        "INDIKATOR KINERJA INDIVIDU KECAMATAN JONGKONG",
        "CAMAT JONGKONG,",
        "Mengingat : 1. Undang-Undang Nomor 27 Tahun 1959 tentang Penetapan Undang-Undang Darurat;",
    ]
    body = lines[4:] + ["Ditetapkan di Jongkong", "pada tanggal 3 Februari 2021", "CAMAT JONGKONG,", "H. ABDUL RAHMAN"]
    h = parse_header(lines, lines, lines, body=body)
    assert h.nomor == "061/15/PEM"
    assert h.tahun == 2021  # the date's year; not 1959 from the cited law
    assert h.tempat_penetapan == "Jongkong"
    assert h.tanggal_penetapan == "2021-02-03"
    assert h.penandatangan.nama == "H. ABDUL RAHMAN"


def test_tahun_prefers_tentang_over_nomor_and_date():
    head = ["KEPUTUSAN CAMAT X", "NOMOR : 1/2/2019", "TENTANG", "INDIKATOR KINERJA INDIVIDU TAHUN 2020"]
    h = parse_header([], head, [], penetapan=["Ditetapkan di X", "Pada tanggal 30 Desember 2019"])
    assert h.tahun == 2020


def test_electronic_signature_without_nip():
    sig = parse_penetapan([
        "Ditetapkan di",
        "pada tanggal",
        ": Karangploso",
        ": 16 Januari 2020",
        "Ditandatangani secara elektronik oleh :",
        "CAMAT KARANGPLOSO,",
        "DYAH EKAWATI N.W.",
    ])
    assert sig.tempat == "Karangploso"
    assert sig.tanggal == "2020-01-16"
    assert sig.signer.nama == "DYAH EKAWATI N.W."
    assert sig.signer.nip is None
    assert sig.signer.jabatan == "Camat Karangploso"


def test_mandate_forms_a_n_and_plt():
    s, _ = parse_signature([
        "a.n. CAMAT WONOASIH",
        "Sekretaris Kecamatan",
        "",
        "BUDI SANTOSO, S.Sos",
        "Penata Tingkat I",
        "NIP. 19750101 200003 1 002",
    ])
    assert s.nama == "BUDI SANTOSO, S.Sos"
    assert s.nip == "197501012000031002"
    assert s.jabatan.lower().startswith("a.n. camat wonoasih")
    s, _ = parse_signature(["Plt. CAMAT PALARAN,", "SUWARSO, A.Ks.,M.Si", "NIP.19690920 199112 1 001"])
    assert s.nama == "SUWARSO, A.Ks.,M.Si"
    assert s.jabatan.startswith("Plt.")


def test_name_wrapped_over_two_lines_and_title_over_two_lines():
    s, _ = parse_signature([
        "CAMAT WONOASIH KOTA",
        "PROBOLINGGO,",
        "Eko Candra Wirawan, S.STP.,",
        "M.M",
        "Pembina Tingkat I (IV/b)",
        "NIP. 198201162000121001",
    ])
    assert s.nama == "Eko Candra Wirawan, S.STP., M.M"
    assert s.pangkat == "Pembina Tingkat I (IV/b)"
    assert s.jabatan == "Camat Wonoasih Kota Probolinggo,".rstrip(",")


def test_penetapan_dates_and_places():
    assert parse_penetapan_date(": 16 Januari 2O20") == "2020-01-16"
    assert parse_penetapan_date("Pebruari 2021") == "2021-02"
    assert parse_penetapan_date("7 Januarl 2026") == "2026-01-07"
    assert parse_place(": KARANGPLOSO") == "Karangploso"
    assert parse_place("di Samarinda") == "Samarinda"
    assert parse_place("dengan Surat Keputusan Camat Ciruas") is None
    assert parse_place(";") is None


def test_region_vote_across_kop_title_and_signature():
    kop = ["PEMERINTAHKOTA PROBOLINGGO KECAMATAN WONOASIH", "Jalan Jeruk No 1, Kota Malang, Jawa Timur 67232"]
    head = ["KEPUTUSAN", "CAMAT WONOASIH KOTA PROBOLINGGO", "NOMOR : 000.8.6.3/10/425.503/2026", "TENTANG", "X"]
    h = parse_header(kop, head, [], penetapan=["Ditetapkan di : Probolinggo", "Camat Wonoasih Kota Probolinggo", "EKO"])
    assert h.kabupaten_kota == "Kota Probolinggo"  # the address's "Kota Malang" does not vote
    assert h.kecamatan == "Wonoasih"
    assert h.pemerintah == "Pemerintah Kota Probolinggo"
    assert h.nomor == "000.8.6.3/10/425.503/2026"


def test_scan_specks_before_the_signers_name_are_not_part_of_it():
    # a medium corpus scan: the stamp's grain read as quote marks before the name
    s, _ = parse_signature(["CAMAT PALARAN,", "", "\u201c\u201cSUWARSO, A.Ks.,M.Si", "NIP. 196909201991121001"])
    assert s.nama == "SUWARSO, A.Ks.,M.Si"
    s, _ = parse_signature(["CAMAT PALARAN,", ". (H. Budi), S.Sos", "NIP. 196909201991121001"])
    assert s.nama == "(H. Budi), S.Sos"


def test_nip_label_as_ocr_reads_it():
    for line in ("NIP-196909201991121001", "NIP.: 196909201991121001", "NIP , 19690920 199112 1 001"):
        s, _ = parse_signature(["CAMAT PALARAN,", "SUWARSO, A.Ks.,M.Si", line])
        assert s.nip == "196909201991121001", line
        assert s.nama == "SUWARSO, A.Ks.,M.Si"


def test_signer_name_and_pangkat_as_a_dark_scan_reads_them():
    s, _ = parse_signature(["CAMAT CIRUAS,", "Drs: ERI SUHAERI, M.Si", "NIP. 196701011991031006"])
    assert s.nama == "Drs. ERI SUHAERI, M.Si"
    s, _ = parse_signature(["CAMAT KARANGPLOSO,", "niDYAH EKAWATI N.W."])
    assert s.nama == "DYAH EKAWATI N.W."
    s, _ = parse_signature(["CAMAT X,", "Hendra Wijaya, S.Sos", "NIP 196701011991031006"])
    assert s.nama == "Hendra Wijaya, S.Sos"  # a name that starts like a title stays
    # the pangkat with its words glued is still no name
    s, _ = parse_signature(["CAMAT X,", "PembinaTingkat I (IV/b)", "NIP. 198201162000121001"])
    assert s.nama is None and s.pangkat == "PembinaTingkat I (IV/b)"
