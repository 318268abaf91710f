"""The signer's civil-service numbers: NIP / NI PPPK and pangkat, golongan/ruang.

Pure functions that never raise: a value that cannot be read gives a result
with ``valid=False`` (or empty fields) and a ``reason``.

NIP (PNS, PP 11/2017; layout since 2008), 18 digits::

    YYYYMMDD  birth date
    YYYYMM    TMT CPNS (appointment year and month)
    G         1 = male, 2 = female
    NNN       sequence (001-999)

NI PPPK (the PPPK employee number) uses the same 18-digit layout, except that
digits 13-14, the appointment *month* of a PNS, hold the fixed marker ``21``
(e.g. ``199402162023212044``: born 1994-02-16, appointed 2023, female, 044).
``21`` is never a month, so the rule is unambiguous: digits 13-14 == ``21`` and
an appointment year from 2019 (the first PPPK intake) on -> ``kind="PPPK"``,
``appointment`` = the year alone ("2023").  The rule was read from published NI
PPPK numbers; BKN does not publish the layout as a regulation.

Pangkat: the PNS table (Juru Muda I/a ... Pembina Utama IV/e) and the ways a
decree writes it are data, ``models/pangkat.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .. import rules

__all__ = ["NipInfo", "PangkatInfo", "parse_nip", "parse_pangkat"]

MIN_APPOINTMENT_AGE = 17  # years; younger at TMT CPNS/PPPK is not a real NIP
PPPK_MARKER = "21"
PPPK_FIRST_YEAR = 2019
MIN_BIRTH_YEAR = 1900

# --------------------------------------------------------------------------
# NIP
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NipInfo:
    """One NIP / NI PPPK decoded.

    ``nip`` is the digits read (``None`` when there were none); the decoded
    fields are set only when ``valid``; otherwise ``reason`` says what is wrong.
    ``appointment`` is "YYYY-MM" for a PNS (TMT CPNS) and "YYYY" for a PPPK.
    """

    raw: object
    nip: str | None
    valid: bool
    birth_date: str | None = None
    appointment: str | None = None
    gender: str | None = None
    kind: str | None = None
    sequence: str | None = None
    reason: str | None = None
    note: str | None = None


_NIP_LABEL = re.compile(r"^\s*(?:nip|ni\s*pppk|nip\s*pppk|ni)\b\s*\.?\s*:?\s*", re.IGNORECASE)
_NIP_SEPARATORS = re.compile(r"[\s.\-_/]+")
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1"})


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_nip(raw: object) -> NipInfo:
    """Validate and decode an 18-digit NIP (PNS) or NI PPPK.  Never raises."""
    try:
        return _parse_nip(raw)
    except Exception as exc:  # noqa: BLE001 - a normaliser must not stop the pipeline
        return NipInfo(raw, None, False, reason=f"unreadable: {exc!r}")


def _parse_nip(raw: object) -> NipInfo:
    if isinstance(raw, bool) or raw is None:
        return NipInfo(raw, None, False, reason="no NIP")
    if isinstance(raw, int):
        raw_text = str(raw)
    elif isinstance(raw, str):
        raw_text = raw
    else:  # a float has lost digits already; anything else is not a NIP
        return NipInfo(raw, None, False, reason=f"not text ({type(raw).__name__})")
    text = _NIP_SEPARATORS.sub("", _NIP_LABEL.sub("", raw_text))
    if not text:
        return NipInfo(raw, None, False, reason="empty")
    note = None
    if not text.isdigit():
        fixed = text.translate(_OCR_DIGITS)
        if not fixed.isdigit():
            return NipInfo(raw, None, False, reason=f"non-digit characters in {text!r}")
        text, note = fixed, "OCR letters read as digits (O->0, I/l->1)"

    def bad(reason: str) -> NipInfo:
        return NipInfo(raw, text, False, reason=reason, note=note)

    if len(text) != 18:
        extra = " (an old 9-digit NIP?)" if len(text) == 9 else ""
        return bad(f"{len(text)} digits, expected 18{extra}")
    by, bm, bd = int(text[0:4]), int(text[4:6]), int(text[6:8])
    ay, am_text = int(text[8:12]), text[12:14]
    g, seq = text[14], text[15:18]
    birth = _date(by, bm, bd)
    if birth is None:
        return bad(f"impossible birth date {text[0:4]}-{text[4:6]}-{text[6:8]}")
    if by < MIN_BIRTH_YEAR:
        return bad(f"implausible birth year {by}")
    if am_text == PPPK_MARKER:
        if ay < PPPK_FIRST_YEAR:
            return bad(f"PPPK marker 21 with appointment year {ay} (PPPK exist from 2019)")
        kind, appointment = "PPPK", f"{ay:04d}"
        too_young = ay - by < MIN_APPOINTMENT_AGE
    else:
        am = int(am_text)
        if not 1 <= am <= 12:
            return bad(f"impossible appointment month {am_text}")
        kind, appointment = "PNS", f"{ay:04d}-{am:02d}"
        too_young = (ay, am) < (by + MIN_APPOINTMENT_AGE, bm)
    if too_young:
        return bad(
            f"appointment {appointment} before age {MIN_APPOINTMENT_AGE} (born {birth.isoformat()})"
        )
    if g not in "12":
        return bad(f"gender digit {g} (expected 1 or 2)")
    if seq == "000":
        return bad("sequence number 000")
    return NipInfo(
        raw,
        text,
        True,
        birth_date=birth.isoformat(),
        appointment=appointment,
        gender="L" if g == "1" else "P",
        kind=kind,
        sequence=seq,
        note=note,
    )


# --------------------------------------------------------------------------
# Pangkat
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PangkatInfo:
    """A pangkat as written, read against the PNS table.

    ``pangkat`` is the canonical name ("Pembina Tingkat I"), ``golongan`` the
    roman numeral ("IV"), ``ruang`` the letter ("b"), ``golongan_ruang``
    "IV/b".  ``source`` says what was written: ``"name+golongan"``, ``"name"``
    or ``"golongan"`` (the other part then comes from the table).
    ``consistent`` is ``True``/``False`` when both the name and the golongan were
    written and agree/disagree, ``None`` when only one was.  ``kind`` is
    ``"PNS"``, or ``"PPPK"`` for a PPPK grade (V ... XVII, no ruang).
    """

    raw: object
    pangkat: str | None = None
    golongan: str | None = None
    ruang: str | None = None
    golongan_ruang: str | None = None
    consistent: bool | None = None
    source: str | None = None
    kind: str | None = None
    score: float | None = None
    reason: str | None = None


@dataclass
class _PangkatVocab:
    by_name: dict[str, tuple[str, str, str]]  # normalised name -> (name, gol, ruang)
    by_grade: dict[tuple[str, str], str]  # (gol, ruang) -> name
    norm_names: list[str]
    words: dict[str, tuple[str, ...]]
    noise: frozenset[str]
    roman: dict[str, str]  # casefolded variant -> canonical numeral
    pppk: frozenset[str]
    fuzzy_min: float
    grade_re: re.Pattern[str]
    bare_re: re.Pattern[str]


def _fold_words(text: str) -> list[str]:
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", t).split()


@lru_cache(maxsize=1)
def _pangkat_vocab() -> _PangkatVocab:
    data = rules.load("pangkat.yaml")
    words: dict[str, tuple[str, ...]] = {}
    for canonical, variants in (data.get("word_variants") or {}).items():
        for v in variants or []:
            words[str(v).casefold()] = tuple(str(canonical).split())
    roman: dict[str, str] = {}
    for canonical, variants in (data.get("roman") or {}).items():
        for v in [canonical, *(variants or [])]:
            roman[str(v).casefold()] = str(canonical)
    vocab = _PangkatVocab(
        by_name={},
        by_grade={},
        norm_names=[],
        words=words,
        noise=frozenset(str(w).casefold() for w in data.get("noise_words") or []),
        roman=roman,
        pppk=frozenset(str(r) for r in data.get("pppk_golongan") or []),
        fuzzy_min=float(data.get("fuzzy_min", 88)),
        grade_re=re.compile(""),
        bare_re=re.compile(""),
    )
    for row in data["table"]:
        name, gol, ruang = str(row["name"]), str(row["golongan"]), str(row["ruang"]).lower()
        key = _norm_name(vocab, name)
        vocab.by_name[key] = (name, gol, ruang)
        vocab.by_grade[(gol, ruang)] = name
        vocab.norm_names.append(key)
    alts = "|".join(re.escape(v) for v in sorted(roman, key=len, reverse=True))
    vocab.grade_re = re.compile(
        rf"(?<![a-z0-9])({alts})\s*[/\-.]?\s*([a-e])(?![a-z0-9])", re.IGNORECASE
    )
    vocab.bare_re = re.compile(r"^(?:gol(?:ongan)?\s*\.?\s*)?([IVXL1]+)\s*$", re.IGNORECASE)
    return vocab


def _norm_name(v: _PangkatVocab, text: str) -> str:
    out: list[str] = []
    for w in _fold_words(text):
        if w in v.noise:
            continue
        out.extend(v.words.get(w, (w,)))
    return " ".join(out)


def parse_pangkat(raw: object) -> PangkatInfo:
    """Read a pangkat / golongan-ruang as written.  Never raises."""
    try:
        return _parse_pangkat(raw)
    except Exception as exc:  # noqa: BLE001 - a normaliser must not stop the pipeline
        return PangkatInfo(raw, reason=f"unreadable: {exc!r}")


def _find_grade(v: _PangkatVocab, text: str) -> tuple[str, str, str] | None:
    """(golongan, ruang, text without the grade) for the last grade written."""
    hits = list(v.grade_re.finditer(text))
    # "Tingkat I, III/b": a roman I of the name must not be read as golongan I,
    # so a grade needs a separator unless golongan and ruang touch ("IVb").
    hits = [m for m in hits if m.group(0)[len(m.group(1)) :].strip() or m.group(2).islower()]
    if not hits:
        return None
    m = hits[-1]
    gol = v.roman[m.group(1).casefold()]
    return gol, m.group(2).lower(), text[: m.start()] + " " + text[m.end() :]


def _parse_pangkat(raw: object) -> PangkatInfo:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return PangkatInfo(raw, reason="no pangkat written")
    if not isinstance(raw, str):
        return PangkatInfo(raw, reason=f"not text ({type(raw).__name__})")
    v = _pangkat_vocab()
    grade = _find_grade(v, raw)
    rest = grade[2] if grade else raw
    if grade is None:
        bare = v.bare_re.match(raw.strip().strip("()"))
        if bare:
            gol = bare.group(1).upper().replace("L", "I").replace("1", "I")
            if gol in v.pppk and gol not in ("I", "II", "III", "IV"):
                return PangkatInfo(
                    raw, golongan=gol, golongan_ruang=gol, source="golongan", kind="PPPK"
                )
            if gol in ("I", "II", "III", "IV"):
                return PangkatInfo(
                    raw,
                    golongan=gol,
                    source="golongan",
                    kind="PNS",
                    reason="golongan without ruang",
                )
    key = _norm_name(v, rest)
    name_hit: tuple[str, str, str] | None = None
    score: float | None = None
    if key:
        name_hit = v.by_name.get(key)
        score = 100.0 if name_hit else None
        if name_hit is None:
            best = process.extractOne(
                key, v.norm_names, scorer=fuzz.ratio, score_cutoff=v.fuzzy_min
            )
            if best is not None:
                name_hit = v.by_name[best[0]]
                score = round(float(best[1]), 1)
    if grade is None and name_hit is None:
        return PangkatInfo(raw, reason=f"no pangkat or golongan/ruang recognised in {raw!r}")
    if grade is None:
        name, gol, ruang = name_hit  # type: ignore[misc]
        return PangkatInfo(raw, name, gol, ruang, f"{gol}/{ruang}", None, "name", "PNS", score)
    gol, ruang, _ = grade
    table_name = v.by_grade.get((gol, ruang))
    if table_name is None:  # e.g. I/e, II/e, III/e: no such grade
        return PangkatInfo(
            raw,
            name_hit[0] if name_hit else None,
            gol,
            ruang,
            f"{gol}/{ruang}",
            False if name_hit else None,
            "name+golongan" if name_hit else "golongan",
            "PNS",
            score,
            reason=f"no PNS grade {gol}/{ruang}",
        )
    if name_hit is None:
        reason = f"pangkat name {key!r} not recognised" if key else None
        return PangkatInfo(
            raw, table_name, gol, ruang, f"{gol}/{ruang}", None, "golongan", "PNS", score, reason
        )
    name = name_hit[0]
    consistent = (name_hit[1], name_hit[2]) == (gol, ruang)
    reason = None
    if not consistent:
        reason = (
            f"{name} is {name_hit[1]}/{name_hit[2]} but {gol}/{ruang} is written "
            f"({gol}/{ruang} is {table_name})"
        )
    return PangkatInfo(
        raw, name, gol, ruang, f"{gol}/{ruang}", consistent, "name+golongan", "PNS", score, reason
    )
