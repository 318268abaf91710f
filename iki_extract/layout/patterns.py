"""Line patterns compiled from the vocabularies in ``models/keywords.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rules


def _alt(words: list[str]) -> str:
    words = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in words)


@dataclass(frozen=True)
class Patterns:
    nomor: re.Pattern[str]
    tentang: re.Pattern[str]
    menimbang: re.Pattern[str]
    mengingat: re.Pattern[str]
    ditetapkan: re.Pattern[str]
    pada_tanggal: re.Pattern[str]
    tembusan: re.Pattern[str]
    lampiran: re.Pattern[str]
    jabatan_label: re.Pattern[str]
    tugas_label: re.Pattern[str]
    fungsi_label: re.Pattern[str]
    value_line: re.Pattern[str]
    block_heading: re.Pattern[str]
    nip: re.Pattern[str]
    date_line: re.Pattern[str]


def _headless(word: str) -> str:
    esc = re.escape(word).replace(r"\ ", r"\s+")
    return f"{esc[0]}?{esc[1:]}" if word[:1].isalpha() else esc


# an item number or bullet before a label; OCR misreads the number's dot
# ("2, Tugas", "2:", "2,."), loses it ("12 Tugas :") and leaves specks before it (". 2. Tugas")
LEAD_SPECKS = r"(?:[-–•❖.,:;'`]\s*)*"  # a bullet, or punctuation specks, before a marker
_NUM = (
    LEAD_SPECKS +
    r"(?:\d{1,2}\s*[.,:;)]{1,2}\s*|\d{1,2}\s+|[a-z]\s*[.,)]\s*|[IVX]{1,4}\s*[.,)]\s*)?"
)


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    kw = rules.keywords()
    months = _alt(list(kw["months"]))
    label = lambda words: re.compile(  # noqa: E731
        rf"^{_NUM}(?P<label>{_alt(words)})\b\s*(?P<colon>:)?\s*(?P<rest>.*)$", re.I
    )
    return Patterns(
        nomor=re.compile(
            rf"(?:^|\s)(?:{_alt(kw['nomor_label'])})\s*[.:]?\s*:?\s*(?P<nomor>[0-9A-Za-z.][^\s:]*(?:\s*[/.\-]\s*[^\s/]+)*)",
            re.I,
        ),
        tentang=re.compile(rf"^(?:{_alt(kw['tentang_label'])})\b\s*:?\s*(?P<rest>.*)$", re.I),
        menimbang=label(kw["menimbang"]),
        mengingat=label(kw["mengingat"]),
        # OCR glues the two words when the gap is narrow ("padatanggal", "Ditetapkandi")
        ditetapkan=re.compile(
            r"^ditetapkan(?:\s*di\b)?\s*:?\s*(?P<rest>.*)$", re.I
        ),
        pada_tanggal=re.compile(r"^(?:pada\s*)?tanggal\s*:?\s*(?P<rest>.*)$", re.I),
        tembusan=re.compile(rf"^(?:{_alt(kw['tembusan'])})\b\s*:?\s*(?P<rest>.*)$", re.I),
        lampiran=re.compile(rf"^(?:{_alt(kw['lampiran'])})\b\s*:?\s*(?P<rest>.*)$", re.I),
        jabatan_label=label(kw["jabatan_label"]),
        tugas_label=label(kw["tugas_label"]),
        fungsi_label=label(kw["fungsi_label"]),
        value_line=re.compile(r"^(?:[-–•]\s*)?:\s*(?P<rest>.*)$"),
        # block headings; OCR may lose the first letter ("NDIKATOR KINERJA ...")
        block_heading=re.compile(
            r"^(?:" + "|".join(_headless(w) for w in kw["block_heading"]) + r")\s*$", re.I
        ),
        # the dot after NIP as OCR may read it: ":", "-", ","
        nip=re.compile(r"\bNIP\b\s*[.:,\-–]{0,2}\s*(?P<nip>[\d\s.]{8,30})", re.I),
        date_line=re.compile(
            rf"^(?P<place>[A-Za-z .'-]{{2,40}}),\s*(?:\d{{1,2}}\s*)?(?:{months})\s*\d{{4}}\s*$", re.I
        ),
    )
