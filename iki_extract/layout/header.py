"""Decree header: kop, KEPUTUSAN, NOMOR, TENTANG, issuer, year."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import rules
from ..model import Header
from ..normalize.text import fold, title_case
from .patterns import patterns

_REGION = re.compile(r"\b(?P<kind>KABUPATEN|KOTA)\s*(?P<name>[A-Z][A-Za-z .'-]*)", re.I)
_PEMERINTAH = re.compile(r"PEMERINTAH\s*(?P<kind>KABUPATEN|KOTA)\s*(?P<name>[A-Za-z .'-]+)", re.I)
_KECAMATAN = re.compile(r"\bKECAMATAN\s+(?P<name>[A-Za-z .'-]+)", re.I)


@lru_cache(maxsize=1)
def _issuer_re() -> re.Pattern[str]:
    offices = sorted(rules.keywords()["issuer_offices"], key=len, reverse=True)
    alt = "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in offices)
    return re.compile(
        rf"^(?P<office>{alt}|KEPALA\s+[A-Z ]+?)\s+(?P<name>[A-Za-z .'-]+?)\s*,?\s*$", re.I
    )
_TAHUN = re.compile(r"\bTAHUN\s*(?:ANGGARAN\s*)?(?P<y>(?:19|20)\d{2})\b", re.I)
_STOP_REGION = re.compile(r"\s+(?:KECAMATAN|KABUPATEN|KOTA|PROVINSI|NOMOR|TENTANG)\b.*$", re.I)


def _cut_region(name: str) -> str:
    return _STOP_REGION.sub("", " " + name).strip(" ,.")


def parse_nomor(text: str) -> str | None:
    """The decree number as written, inner spaces removed."""
    m = patterns().nomor.search(text)
    if not m:
        return None
    raw = text[m.start("nomor") :]
    raw = re.split(r"\s+(?:TENTANG|TANGGAL)\b", raw, flags=re.I)[0]
    nomor = re.sub(r"\s+", "", raw).strip(" .,:;")
    return nomor if re.search(r"\d", nomor) and len(nomor) >= 3 else None


def _issuer(line: str) -> tuple[str, str] | None:
    """("Camat", "Karangploso") from "CAMAT KARANGPLOSO KOTA X,"."""
    m = _issuer_re().match(fold(line))
    if not m:
        return None
    office = title_case(m.group("office"))
    name = _cut_region(m.group("name"))
    if not name:
        return None
    return office or "", title_case(name) or ""


def parse_header(kop: list[str], head: list[str], cover: list[str]) -> Header:
    """Fill the header from the kop lines, the title block and the cover page.

    ``kop``: lines just above KEPUTUSAN (letterhead); ``head``: from the
    KEPUTUSAN line to the first Menimbang; ``cover``: title lines of a cover
    page, if any (used for ``tahun`` only).
    """
    h = Header()
    p = patterns()
    for line in kop + head:
        m = _PEMERINTAH.search(line)
        if m and h.pemerintah is None:
            kind = m.group("kind").title()
            name = title_case(_cut_region(m.group("name")))
            h.pemerintah = f"Pemerintah {kind} {name}"
            h.kabupaten_kota = f"{kind} {name}"
    # NOMOR
    for line in head:
        if h.nomor is None and re.search(r"\bNO(?:MOR)?\b", line, re.I):
            h.nomor = parse_nomor(line)
    # issuer: the line after KEPUTUSAN, or the KEPUTUSAN line itself
    for line in head[:6]:
        t = fold(p.decree_title.sub(lambda m: m.group("rest"), line, count=1))
        t = re.split(r"\bNOMOR\b", t, flags=re.I)[0]
        iss = _issuer(t)
        if iss:
            h.pejabat_penetap = f"{iss[0]} {iss[1]}"
            if iss[0].lower() == "camat":
                h.kecamatan = iss[1]
            break
    # region words on the issuer line ("CAMAT PALARAN KOTA SAMARINDA")
    if h.kabupaten_kota is None:
        for line in head[:6] + kop:
            m = _REGION.search(line)
            if m:
                h.kabupaten_kota = f"{m.group('kind').title()} {title_case(_cut_region(m.group('name')))}"
                break
    if h.kecamatan is None:
        for line in kop + head:
            m = _KECAMATAN.search(line)
            if m:
                h.kecamatan = title_case(_cut_region(m.group("name")))
                break
    h.tentang = _tentang(head, h)
    # year the indicators are for: TENTANG, then the cover page
    for text in [h.tentang or ""] + cover:
        m = _TAHUN.search(text)
        if m:
            h.tahun = int(m.group("y"))
            break
    return h


def _tentang(head: list[str], h: Header) -> str | None:
    p = patterns()
    out: list[str] = []
    started = False
    office = (h.pejabat_penetap or "").split(" ")[0].lower()
    for line in head:
        if not started:
            m = p.tentang.match(line)
            if not m:
                inline = re.search(r"\bTENTANG\b\s*:?\s*(?P<rest>.*)$", line)
                if inline is None:
                    continue
                m = inline
            started = True
            if m.group("rest").strip():
                out.append(m.group("rest"))
            continue
        low = line.lower()
        if office and low.startswith(office) and len(line) < 80:
            break
        if p.menimbang.match(line) or p.nomor.match(line) and not out:
            break
        out.append(line)
    text = fold(" ".join(out)).strip(" ,")
    return title_case(text) if text else None
