"""Canonical jabatan (position) titles: what makes positions comparable across decrees.

The vocabulary is data: ``models/jabatan.yaml`` (levels, areas, positions) and
``models/jabatan_abbreviations.yaml`` (abbreviations, spelling and OCR
variants); ``docs/jabatan_vocabulary.md`` describes both.  Everything here is a
pure function of a title and that vocabulary (loaded once).

A title is matched in four steps:

1. *normalise*: casefold, symbols (``&`` -> ``dan``), punctuation -> space,
   drop acting prefixes and fungsional grades, expand abbreviations, fix OCR
   slips word by word against the vocabulary's lexicon (Levenshtein), expand
   again;
2. *split*: the unit phrase ("... pada Sub Bagian Tata Usaha Sekretariat
   Kecamatan X", "... Seksi Pelayanan") and the place ("... Kecamatan Ciruas",
   "... Kota Probolinggo") are cut off the title, but read: their areas give a
   pelaksana's unit, and "Kelurahan" gives the kelurahan scope;
3. *match*: structural (a level phrase + area phrases -> ``<level>_<areas>``,
   areas in canonical order, e.g. ``kel_kasi_pemerintahan_trantib``), a
   qualified pelaksana base + areas (``pengelola_data_trantib``), and a fuzzy
   alias match (rapidfuzz ``token_sort_ratio``) for pelaksana and fungsional
   titles; the best score wins;
4. below the vocabulary's ``threshold`` the title stays unmatched
   (``key is None``) and :func:`unmatched_report` lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process

from ..model import Jabatan
from .jabatan_parse import (
    _area_unit,
    _join_names,
    _merged_areas,
    _Parse,
    _score,
    _segment,
    _unit_from_parse,
    normalize_title,
)
from .jabatan_tokens import _longest_at, _tokens
from .jabatan_vocab import _Level, _Position, _Vocab, threshold, vocabulary

__all__ = [
    "JabatanMatch",
    "canonicalize",
    "match_title",
    "normalize_title",
    "threshold",
    "unmatched_report",
    "vocabulary",
]


# ---------------------------------------------------------------------------
# Result type
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JabatanMatch:
    """The canonical position of one raw title.

    ``key`` is ``None`` when the best candidate scored below the threshold;
    ``best_guess`` then names that candidate (for the unmatched report) while
    ``title``/``level``/``unit``/``scope`` stay ``None``.
    """

    raw: str
    key: str | None
    title: str | None
    level: str | None
    unit: str | None
    scope: str | None
    score: float
    nomenclature_2023: str | None = None
    method: str | None = None
    best_guess: str | None = None

    @property
    def matched(self) -> bool:
        return self.key is not None


# ---------------------------------------------------------------------------
# Step 3: candidates
# ---------------------------------------------------------------------------


@dataclass
class _Cand:
    key: str
    title: str
    level: str
    unit: str | None
    scope: str
    score: float
    method: str
    nomenclature_2023: str | None = None

    @classmethod
    def of(cls, pos: _Position, score: float, method: str, unit: str | None = None) -> _Cand:
        """A candidate for a vocabulary position (``unit`` overrides the position's)."""
        return cls(
            pos.key,
            pos.title,
            pos.level,
            unit or pos.unit,
            pos.scope,
            score,
            method,
            pos.nomenclature_2023,
        )


def _kel_variant(v: _Vocab, pos: _Position, unit: str | None, kel: bool) -> _Position:
    """The kelurahan form of a kecamatan position (``kel_<key>``)."""
    if not kel or pos.scope == "kelurahan":
        return pos
    key = f"kel_{pos.key}"
    if key in v.positions:
        return v.positions[key]
    return _Position(
        key, f"{pos.title} Kelurahan", pos.level, unit, "kelurahan", pos.nomenclature_2023
    )


def _structural(
    v: _Vocab, toks: list[str], lvl: _Level, lvl_len: int, unit: _Parse
) -> _Cand | None:
    p = _segment(v, toks, lvl_len)
    lead = sum(len(t) for t in toks[:lvl_len])
    kel = p.kel or unit.kel
    if not lvl.takes_areas:
        pos = v.positions.get(lvl.key)
        if pos is None:
            return None
        # the rest of "Camat Wonoasih" is a place: a short one costs little
        weight = 0.1 if p.trailing_tokens <= 3 else 0.5
        return _Cand.of(pos, _score(p, lead, weight), "structural")
    areas = _merged_areas(v, p.areas)
    score_parse = p
    if not areas and lvl.bare_key:  # "Staf pada Seksi X": the unit gives the area
        areas = _merged_areas(v, unit.areas)
        score_parse = _Parse(
            known_chars=p.known_chars,
            interior_unknown=p.interior_unknown,
            trailing_unknown=p.trailing_unknown,
        )
    if not areas:
        if not lvl.bare_key or p.interior_unknown or p.trailing_unknown:
            return None
        key = f"kel_{lvl.bare_key}" if kel else lvl.bare_key
        title = f"{lvl.bare_title} Kelurahan" if kel else str(lvl.bare_title)
        return _Cand(
            key,
            title,
            lvl.level,
            _unit_from_parse(v, unit, kel),
            "kelurahan" if kel else "kecamatan",
            lvl.bare_score,
            "structural",
        )
    key = f"{lvl.key}_{'_'.join(areas)}"
    if kel:
        key = f"kel_{key}"
    score = _score(score_parse, lead, 0.5)
    pos = v.positions.get(key)
    if pos is not None:
        return _Cand.of(pos, score, "structural")
    unit_name = _area_unit(v, areas, lvl.unit_kind)
    if kel:
        unit_name += " Kelurahan"
    return _Cand(
        key,
        f"{lvl.title_prefix} {unit_name}",
        lvl.level,
        unit_name,
        "kelurahan" if kel else "kecamatan",
        score,
        "structural",
    )


def _qualified(v: _Vocab, toks: list[str], unit: _Parse) -> _Cand | None:
    base, size = _longest_at(toks, 0, v.bases, v.base_longest)
    if base is None or size >= len(toks):
        return None
    p = _segment(v, toks, size)
    areas = _merged_areas(v, p.areas)
    if not areas:
        return None
    kel = p.kel or unit.kel
    key = f"{base.key}_{'_'.join(areas)}"
    pos = v.positions.get(key) or _Position(
        key,
        f"{base.title} {_join_names([v.areas[a].name for a in areas])}",
        base.level,
        None,
        "kecamatan",
    )
    unit_name = _unit_from_parse(v, unit, kel) or pos.unit
    pos = _kel_variant(v, pos, unit_name, kel)
    score = _score(p, sum(len(t) for t in toks[:size]), 0.5)
    return _Cand.of(pos, score, "qualified", unit_name)


def _alias(v: _Vocab, toks: list[str], unit: _Parse) -> _Cand | None:
    # cut a trailing place ("... Kecamatan Ciruas"), keeping area phrases whole
    p_cut = len(toks)
    i = 0
    kel = unit.kel
    while i < len(toks):
        _, size = _longest_at(toks, i, v.area_phrases, v.area_longest)
        if size:
            i += size
            continue
        if i > 0 and toks[i] in v.place_markers:
            p_cut = i
            kel = kel or toks[i] == "kelurahan"
            break
        i += 1
    query = " ".join(toks[:p_cut])
    if not query:
        return None
    key = v.exact.get(query)
    score = 100.0
    if key is None:
        hit = process.extractOne(query, v.alias_text, scorer=fuzz.token_sort_ratio)
        if hit is None:
            return None
        _, score, idx = hit
        key = v.alias_key[idx]
        score = round(float(score), 1)
    pos = v.positions[key]
    unit_name = _unit_from_parse(v, unit, kel)
    pos = _kel_variant(v, pos, unit_name, kel)
    return _Cand.of(pos, score, "alias", unit_name)


def _split(v: _Vocab, toks: list[str], lvl_len: int) -> tuple[list[str], list[str]]:
    """Title part and unit part ("pada ...", or a unit word after the title)."""
    for i in range(max(lvl_len, 1), len(toks)):
        if toks[i] in v.unit_openers:
            return toks[:i], toks[i + 1 :]
    if lvl_len == 0 or v.levels[tuple(toks[:lvl_len])].bare_key:
        for i in range(max(lvl_len, 1), len(toks)):
            if toks[i] in v.unit_words:
                return toks[:i], toks[i:]
    return toks, []


@lru_cache(maxsize=4096)
def match_title(raw: str) -> JabatanMatch:
    """Match one raw jabatan title against the canonical vocabulary."""
    v = vocabulary()
    toks = _tokens(v, raw or "")
    if not toks:
        return JabatanMatch(raw, None, None, None, None, None, 0.0)
    lvl, lvl_len = _longest_at(toks, 0, v.levels, v.level_longest)
    title_toks, unit_toks = _split(v, toks, lvl_len)
    unit = _segment(v, unit_toks)
    cands: list[_Cand] = []
    if lvl is not None:
        c = _structural(v, title_toks, lvl, lvl_len, unit)
        if c is not None:
            cands.append(c)
    for fn in (_alias, _qualified):  # an exact alias wins a tie with a qualified base
        c = fn(v, title_toks, unit)
        if c is not None:
            cands.append(c)
    if not cands:
        return JabatanMatch(raw, None, None, None, None, None, 0.0)
    best = max(cands, key=lambda c: c.score)  # first of equals: structural wins ties
    if best.score < v.threshold:
        return JabatanMatch(
            raw, None, None, None, None, None, best.score, method=best.method, best_guess=best.key
        )
    return JabatanMatch(
        raw,
        best.key,
        best.title,
        best.level,
        best.unit,
        best.scope,
        best.score,
        best.nomenclature_2023,
        best.method,
    )


# ---------------------------------------------------------------------------
# Pipeline hooks
# ---------------------------------------------------------------------------


def canonicalize(j: Jabatan) -> None:
    """Set ``j``'s canonical title, level, unit and match score (``j.jabatan`` is kept).

    An unmatched title keeps ``jabatan_canonical``/``level``/``unit`` ``None``
    and records its best score.
    """
    m = match_title(j.jabatan or "")
    j.jabatan_match_score = m.score
    j.jabatan_canonical = m.title
    j.jabatan_level = m.level
    j.jabatan_unit = m.unit


def unmatched_report(jabatans: Iterable[Jabatan | str]) -> list[str]:
    """Raw titles (each once, in order) that stay below the match threshold."""
    out: list[str] = []
    seen: set[str] = set()
    for j in jabatans:
        raw = j if isinstance(j, str) else (j.jabatan or "")
        if raw in seen:
            continue
        seen.add(raw)
        if not match_title(raw).matched:
            out.append(raw)
    return out
