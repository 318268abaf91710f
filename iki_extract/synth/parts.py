"""What the office writers (and the PDF renderer) take from a decree dict: the four
indikator columns, the Lampiran headers, runs of merged cells and the header parts."""

from __future__ import annotations

from .text import clean

#: The four cells of an indikator row, in column order.
KEYS = ("sasaran", "indikator", "formulasi", "sumber_data")
HEADERS = ("SASARAN KINERJA", "INDIKATOR KINERJA INDIVIDU", "FORMULASI PERHITUNGAN", "SUMBER DATA")


def row_groups(
    rows: list[dict], key: str, lo: int = 0, hi: int | None = None
) -> list[tuple[int, int]]:
    """Runs of equal non-empty ``key`` values in rows[lo:hi] as (first, last) indexes."""
    hi = len(rows) if hi is None else hi
    out, i = [], lo
    while i < hi:
        v = clean(rows[i].get(key))
        j = i
        while v and j + 1 < hi and clean(rows[j + 1].get(key)) == v:
            j += 1
        out.append((i, j))
        i = j + 1
    return out


def decree_parts(d: dict) -> dict:
    """The header parts every rendering shows, with the defaults used when one is empty."""
    hdr = d.get("header") or {}
    kab = clean(hdr.get("kabupaten_kota")) or "Kabupaten"
    kec = clean(hdr.get("kecamatan"))
    pejabat = clean(hdr.get("pejabat_penetap")) or (f"Camat {kec}" if kec else "Camat")
    return {
        "hdr": hdr,
        "pemerintah": clean(hdr.get("pemerintah")) or f"Pemerintah {kab}",
        "kab": kab,
        "kec": kec,
        "pejabat": pejabat,
        "nomor": clean(hdr.get("nomor")),
        "tentang": clean(hdr.get("tentang")),
        "pen": hdr.get("penandatangan") or {},
    }
