"""Decree header: kop, title, NOMOR, TENTANG, issuer, year, penetapan, signer.

Fields are chosen from candidates (:mod:`.header_candidates`), not taken from
the first line that mentions them: every "Nomor" of the kop and title block
is scored by shape, position and context, so a street address ("Jalan ...
Nomor 48 ... Kode Pos 78763") or a cited law never becomes the decree's
number; ``tahun`` is the year the indicators are for (TENTANG, then the
nomor, then the date), never a cited law's year; kecamatan and kabupaten/kota
are voted over the kop, the title, TENTANG and the signature.  A field no
candidate supports well enough stays empty, with a note saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import rules
from ..model import Header
from ..normalize.text import fold, title_case
from .header_candidates import (
    Candidate,
    Line,
    best,
    clean,
    config,
    is_address,
    is_title,
    kabupaten_names,
    kecamatan_names,
    nomor_candidates,
    region_vote,
    split_nomor,
    tahun_candidates,
)
from .patterns import patterns
from .signature import Penetapan, parse_penetapan


@dataclass
class HeaderReading:
    """The header, the notes on fields left empty, and the candidates weighed."""

    header: Header
    notes: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


@lru_cache(maxsize=1)
def _issuer_re() -> re.Pattern[str]:
    offices = sorted(rules.keywords()["issuer_offices"], key=len, reverse=True)
    alt = "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in offices)
    return re.compile(
        rf"^(?P<office>{alt}|KEPALA\s+[A-Z ]+?)\s+(?P<name>[A-Za-z .'-]+?)\s*,?\s*$", re.I
    )


_STOP_ISSUER = re.compile(r"\s+(?:KECAMATAN|KABUPATEN|KOTA|PROVINSI|NOMOR|TENTANG)\b.*$", re.I)


def parse_nomor(text: str) -> str | None:
    """The decree number after the first "Nomor" label of ``text``, inner spaces removed."""
    m = patterns().nomor.search(text)
    if not m:
        return None
    value = split_nomor(text[m.start("nomor") :])[0]
    return value if value and len(value) >= 1 else None


def _issuer(line: str) -> tuple[str, str] | None:
    """("Camat", "Karangploso") from "CAMAT KARANGPLOSO KOTA X,"."""
    m = _issuer_re().match(fold(line))
    if not m:
        return None
    office = title_case(m.group("office"))
    name = _STOP_ISSUER.sub("", " " + m.group("name")).strip(" ,.")
    if not name:
        return None
    return office or "", title_case(name) or ""


def _strip_title(line: str) -> str:
    """The words after the title word ("KEPUTUSAN CAMAT X" → "CAMAT X"), before NOMOR."""
    t = clean(line)
    t = re.sub(r"^(?:SURAT\s+)?(?:KEPUTUSAN|PERATURAN)\b\s*", "", t, flags=re.I)
    return re.split(r"\bNOMOR\b|\bTENTANG\b", t, flags=re.I)[0].strip(" ,")


def _head_end(lines: list[str]) -> int:
    """Where the title block ends: the first Menimbang / Mengingat / "DENGAN RAHMAT"."""
    p = patterns()
    for i, line in enumerate(lines):
        t = clean(line)
        if p.menimbang.match(t) or p.mengingat.match(t) or re.match(r"^DENGAN\s+RAHMAT\b", t, re.I):
            return i
    return len(lines)


def _sequence(kop: list[str], head: list[str], cover: list[str]) -> list[Line]:
    """kop + head as one indexed sequence (the fallback passes the same lines for
    all three), cut where the body starts; cover lines carry negative indices."""
    seq_text = list(head) if kop is head or kop == head else list(kop) + list(head)
    seq_text = seq_text[: _head_end(seq_text)]
    n_kop = 0 if kop is head or kop == head else len(kop)
    seq = [Line(t, "kop" if i < n_kop else "head", i) for i, t in enumerate(seq_text)]
    if cover is not head and cover != head:
        seq = [Line(t, "cover", i - len(cover)) for i, t in enumerate(cover)] + seq
    return seq


def _penetapan_lines(body: list[str]) -> list[str]:
    """The lines of ``body`` from the first "Ditetapkan di" to TEMBUSAN / LAMPIRAN."""
    p = patterns()
    start = None
    for i, line in enumerate(body):
        t = clean(line)
        if p.ditetapkan.match(t) and re.match(r"^ditetapkan\s*(?:di\b|:|$)", t, re.I):
            start = i
            break
    if start is None:
        return []
    out = []
    for line in body[start:]:
        t = clean(line)
        if p.tembusan.match(t) or p.lampiran.match(t):
            break
        out.append(t)
    return out


def read_header(
    kop: list[str],
    head: list[str],
    cover: list[str],
    *,
    penetapan: list[str] | None = None,
    body: list[str] | None = None,
) -> HeaderReading:
    """Choose every header field from its candidates; see :func:`parse_header`."""
    cfg = config()
    h = Header()
    notes: list[str] = []
    seq = _sequence(kop, head, cover)
    main = [ln for ln in seq if ln.zone != "cover"]
    texts = [ln.text for ln in main]
    # NOMOR
    cands = nomor_candidates(seq)
    nomor = best(cands, cfg["nomor"]["min_score"])
    if nomor is not None:
        h.nomor = nomor.value
    elif cands:
        notes.append("nomor: no candidate scored high enough: " + ", ".join(
            f"{c.value!r} ({'+'.join(c.features)})" for c in cands[:4]))
    # issuer: the line after the title, or the title line itself
    title_at = next((i for i, t in enumerate(texts) if is_title(t)), 0)
    issuer_line = None
    for i in range(title_at, min(title_at + 6, len(texts))):
        iss = _issuer(_strip_title(texts[i]))
        if iss:
            h.pejabat_penetap = f"{iss[0]} {iss[1]}"
            issuer_line = i
            break
    h.tentang = _tentang(texts[title_at:], h)
    # penetapan and signature
    pen: Penetapan | None = None
    if penetapan is None and body is not None:
        penetapan = _penetapan_lines(body)
    if penetapan:
        pen = parse_penetapan(penetapan)
        h.tempat_penetapan, h.tanggal_penetapan, h.penandatangan = pen.tempat, pen.tanggal, pen.signer
        notes += pen.notes
    # region vote over kop, issuer line, TENTANG and signature
    kec: list[tuple[str, str]] = []
    kab: list[tuple[str, str]] = []
    pemerintah: list[str] = []
    for i, t in enumerate(texts):
        if i >= title_at and i != issuer_line:
            continue
        ct = clean(t)
        if is_address(ct):
            continue
        source = "issuer" if i == issuer_line else "kop"
        pem = kabupaten_names(ct, pemerintah=True)
        pemerintah += pem
        kab += [("pemerintah", n) for n in pem]
        rest = re.sub(r"PEMERINTAH\s*(?:KABUPATEN|KOTA)\s*[A-Za-z .'-]*", "", ct, flags=re.I) if pem else ct
        kab += [(source, n) for n in kabupaten_names(rest)]
        kec += [(source, n) for n in kecamatan_names(ct)]
    if h.pejabat_penetap and h.pejabat_penetap.lower().startswith("camat "):
        kec.append(("issuer", h.pejabat_penetap[6:]))
    if h.tentang:
        kec += [("tentang", n) for n in kecamatan_names(h.tentang)]
        kab += [("tentang", n) for n in kabupaten_names(h.tentang)]
    sig_title = h.penandatangan.jabatan or ""
    m = re.match(r"^(?:.*\b)?CAMAT\s+(?P<name>[A-Za-z .'-]+)", sig_title, re.I)
    if m and not re.match(r"^(?:SEKRETARIS|A\.?\s*N)", sig_title, re.I):
        name = re.split(r"\s+(?:KABUPATEN|KOTA)\b|,", m.group("name"), flags=re.I)[0].strip()
        if name:
            kec.append(("signature", title_case(name) or name))
    kab += [("signature", n) for n in kabupaten_names(sig_title)]
    k = region_vote("kecamatan", kec)
    h.kecamatan = k.value if k else None
    kb = region_vote("kabupaten", kab)
    h.kabupaten_kota = kb.value if kb else None
    if h.kabupaten_kota:
        if any(p.casefold() == h.kabupaten_kota.casefold() for p in pemerintah):
            h.pemerintah = f"Pemerintah {h.kabupaten_kota}"
    elif pemerintah:
        h.pemerintah = f"Pemerintah {pemerintah[0]}"
    # tahun: TENTANG, then the nomor, then the cover, then the date
    tcands = tahun_candidates(h.tentang, nomor, [ln.text for ln in seq if ln.zone == "cover"]
                              + [t for t in texts[:title_at]], h.tanggal_penetapan)
    tahun = best(tcands, cfg["tahun"]["min_score"])
    h.tahun = int(tahun.value) if tahun else None
    if tahun is None:
        notes.append("tahun: no year in TENTANG, the nomor, the cover or the date")
    return HeaderReading(h, notes, cands + tcands)


def parse_header(
    kop: list[str],
    head: list[str],
    cover: list[str],
    *,
    penetapan: list[str] | None = None,
    body: list[str] | None = None,
) -> Header:
    """Fill the header from the kop lines, the title block and the cover page.

    ``kop``: lines just above the title (letterhead); ``head``: from the title
    line to the first Menimbang; ``cover``: lines of a cover page, if any.
    ``penetapan``: the lines from "Ditetapkan di" to the end of the signature
    (place, date and signer are read from them); ``body``: the body lines, in
    which the penetapan is looked for when ``penetapan`` is not given.
    """
    return read_header(kop, head, cover, penetapan=penetapan, body=body).header


def _tentang(head: list[str], h: Header) -> str | None:
    p = patterns()
    out: list[str] = []
    started = False
    office = (h.pejabat_penetap or "").split(" ")[0].lower()
    for raw in head:
        line = clean(raw)
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
