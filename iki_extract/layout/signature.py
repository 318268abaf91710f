"""The penetapan and the signature block: place, date, signer.

Input is the lines from "Ditetapkan di" to the end of the signature (before
TEMBUSAN or the Lampiran); output is the place, the date and the
:class:`~iki_extract.model.Penandatangan`.  Handles the forms real decrees
use: "Ditetapkan di : X" with the values on the label's line or stacked after
both labels (": X" / ": 16 Januari 2020"), a date line "X, 16 Januari 2020",
electronic-signature lines ("Ditandatangani secara elektronik oleh :"),
mandates ("a.n. CAMAT ...", "Plt.", "Pj."), no NIP, a pangkat line, and a
name wrapped over two lines ("Eko Candra Wirawan, S.STP.," / "M.M").
Vocabulary: ``models/header.yaml`` (signature) and ``models/keywords.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import rules
from ..model import Penandatangan
from ..normalize.dates import parse_penetapan_date, parse_place
from ..normalize.text import fold, is_upper_text, title_case
from .patterns import patterns


@dataclass
class Penetapan:
    tempat: str | None = None
    tanggal: str | None = None
    signer: Penandatangan = field(default_factory=Penandatangan)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Vocab:
    electronic: tuple[str, ...]
    placeholders: frozenset[str]
    mandate: re.Pattern[str]
    degree_line: re.Pattern[str]
    sentence: frozenset[str]
    titles: tuple[str, ...]
    pangkat: re.Pattern[str]
    name_prefix: re.Pattern[str]


def _upper_key(s: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", s.upper()).strip()


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    cfg = rules.load("header.yaml")["signature"]
    kw = rules.keywords()
    mandates = sorted(cfg["mandate"], key=len, reverse=True)
    mandate = re.compile(
        r"^(?:" + "|".join(re.escape(m).replace(r"\.", r"\.?\s*") for m in mandates) + r")(?=\s|$)",
        re.I,
    )
    degrees = sorted(cfg["degrees"], key=len, reverse=True)
    deg = "|".join(re.escape(d).replace(r"\.", r"\.?\s*") for d in degrees)
    degree_line = re.compile(rf"^(?:(?:{deg})\.?\s*[,;]?\s*)+$", re.I)
    words = sorted(kw["pangkat_words"], key=len, reverse=True)
    # OCR may glue the pangkat's words ("PembinaTingkat I")
    pangkat = re.compile(
        r"^(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in words)
        + r")(?:\b|(?-i:(?=[A-Z])))",
        re.I,
    )
    return _Vocab(
        electronic=tuple(_upper_key(e) for e in cfg["electronic"]),
        placeholders=frozenset(_upper_key(e) for e in cfg["placeholders"]),
        mandate=mandate,
        degree_line=degree_line,
        sentence=frozenset(w.lower() for w in cfg["sentence_words"]),
        titles=tuple(w.upper() for w in kw["signature_title_words"]),
        pangkat=pangkat,
        name_prefix=re.compile(
            r"^(" + "|".join(re.escape(w) for w in sorted(cfg["name_prefixes"], key=len, reverse=True))
            + r")\s*[:;,]\s*"
        ),
    )


def _is_electronic(s: str) -> bool:
    """An electronic-signature line, or a copy's mark where the signature stood ("ttd")."""
    key = _upper_key(s)
    v = _vocab()
    return key in v.placeholders or any(key == e or key.startswith(e + " ") for e in v.electronic)


def _is_title_line(s: str) -> bool:
    v = _vocab()
    if v.mandate.match(s.strip()):
        return True
    u = s.upper().strip()
    return any(u == w or u.startswith(w + " ") or u.startswith(w + ",") for w in v.titles)


_REGION_LINE = re.compile(r"^(?:KABUPATEN|KOTA|KECAMATAN|KELURAHAN|PROVINSI)\b", re.I)


def _continues_title(prev: str, s: str) -> bool:
    """``s`` carries on the signer's title: "CAMAT WONOASIH KOTA" / "PROBOLINGGO,"."""
    if _REGION_LINE.match(s):
        return True
    if re.search(r"\b(?:KABUPATEN|KOTA)\s*$", prev, re.I):
        return True
    return is_upper_text(s) and s.rstrip().endswith(",") and len(s.split()) <= 3 and not prev.rstrip().endswith(",")


def _looks_like_name(s: str) -> bool:
    """A signer's name: a few words, maybe degrees; not a sentence."""
    words = re.findall(r"[A-Za-z]+", s)
    if not words or len(words) > 10 or s.rstrip().endswith(";"):
        return False
    return not any(w.lower() in _vocab().sentence for w in words)


def _wrapped(first: str, second: str) -> bool:
    """``second`` continues the name ``first`` (a tail of degrees, or ``first`` ends in ",")."""
    if _vocab().degree_line.match(second):
        return True
    return first.rstrip().endswith(",") and len(first.split()) >= 2 and not is_upper_text(second)


# specks a scan leaves before a name (quote marks of the stamp's grain, a dot)
_NAME_SPECKS = re.compile(r"^[^\w(]+")
_GLUED_LOWER = re.compile(r"^[a-z]{1,3}(?=[A-Z]{3,}\b)")


def _pick_name(names: list[str], has_nip: bool) -> str:
    """The signer's name: the line just above the NIP, else the first name line;
    a name wrapped over two lines ("Eko Candra Wirawan, S.STP.," / "M.M") is joined."""
    if has_nip:
        if len(names) >= 2 and _wrapped(names[-2], names[-1]):
            name = names[-2] + " " + names[-1]
        else:
            name = names[-1]
    elif len(names) >= 2 and _wrapped(names[0], names[1]):
        name = names[0] + " " + names[1]
    else:
        name = names[0]
    return _clean_name(name)


def _clean_name(name: str) -> str:
    """A name as OCR leaves it, cleaned: specks before it, small letters glued to a
    capitalised first word ("niDYAH EKAWATI"), a title's dot read as ":" ("Drs: ERI")."""
    s = _NAME_SPECKS.sub("", name)
    s = _GLUED_LOWER.sub("", s)
    s = _vocab().name_prefix.sub(r"\1. ", s)
    return fold(s) or fold(name)


def parse_signature(lines: list[str]) -> tuple[Penandatangan, list[str]]:
    """Signer from the lines after "Pada tanggal"; returns leftovers (unused lines) too."""
    p = patterns()
    v = _vocab()
    sig = Penandatangan()
    title: list[str] = []
    names: list[str] = []
    left: list[str] = []
    for raw in lines:
        s = raw.strip()
        if not s or not re.search(r"[A-Za-z]", s):
            continue
        if _is_electronic(s) or s.startswith(":") or p.date_line.match(s):
            left.append(s)
            continue
        m = p.nip.search(s)
        if m:
            sig.nip = re.sub(r"\D", "", m.group("nip")) or None
            before = s[: m.start()].strip(" ,")
            if before:
                names.append(before)
            break
        if re.match(r"^NIP\b", s, re.I):  # "NIP. -" with no number
            break
        if v.pangkat.match(s):
            sig.pangkat = fold(s)
            continue
        if not names and (_is_title_line(s) or title and _continues_title(title[-1], s)):
            title.append(s)
            continue
        if _looks_like_name(s):
            names.append(s)
        else:
            left.append(s)
    if names:
        sig.nama = _pick_name(names, has_nip=sig.nip is not None)
    if title:
        t = fold(" ".join(dict.fromkeys(title))).strip(" ,")
        sig.jabatan = title_case(t) if is_upper_text(t) else t
    return sig, left


def parse_penetapan(lines: list[str]) -> Penetapan:
    """Place, date and signer from the lines starting at "Ditetapkan di"."""
    p = patterns()
    out = Penetapan()
    rest: list[str] = []
    pending: list[str] = []  # labels seen alone, waiting for their ": value" lines
    for raw in lines:
        s = raw.strip()
        if not s:
            continue
        m = p.ditetapkan.match(s)
        if m and out.tempat is None:
            value = m.group("rest")
            # "Ditetapkan di : X  Pada tanggal : Y" run into one line
            parts = re.split(r"\b(?:pada\s+)?tanggal\b", value, maxsplit=1, flags=re.I)
            if parts[0].strip(" :"):
                out.tempat = parse_place(parts[0])
                if out.tempat is None:
                    out.notes.append(f"tempat_penetapan: {parts[0].strip()!r} is not a place name")
            else:
                pending.append("tempat")
            if len(parts) > 1:
                out.tanggal = parse_penetapan_date(parts[1])
            continue
        m = p.pada_tanggal.match(s)
        if m and out.tanggal is None:
            if m.group("rest").strip(" :"):
                out.tanggal = parse_penetapan_date(m.group("rest"))
            else:
                pending.append("tanggal")
            continue
        if s.startswith(":") and pending:
            if not s.strip(" :"):
                continue  # ":" alone: the value is on the next line
            what = pending.pop(0)
            if what == "tempat":
                out.tempat = parse_place(s)
            else:
                out.tanggal = parse_penetapan_date(s)
            continue
        if "tanggal" in pending and out.tanggal is None and parse_penetapan_date(s) and len(s) < 40:
            pending.remove("tanggal")  # "pada tanggal :" / "Januari 2022" on the next line
            out.tanggal = parse_penetapan_date(s)
            continue
        d = p.date_line.match(s)
        if d and out.tanggal is None:
            out.tempat = out.tempat or parse_place(d.group("place"))
            out.tanggal = parse_penetapan_date(s)
            continue
        rest.append(s)
    out.signer, _ = parse_signature(rest)
    if out.signer.nama is None:
        out.notes.append("penandatangan.nama: no name line in the signature")
    return out
