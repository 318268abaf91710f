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

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .. import rules
from ..model import Jabatan

__all__ = [
    "JabatanMatch",
    "canonicalize",
    "match_title",
    "normalize_title",
    "threshold",
    "unmatched_report",
    "vocabulary",
]

_PUNCT_RE = re.compile(r"[^\w\s]|_")

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
# Vocabulary (loaded once)
# ---------------------------------------------------------------------------


def _basic_tokens(text: str, symbols: dict[str, str]) -> list[str]:
    """Casefold, replace symbols, punctuation -> space, split."""
    t = unicodedata.normalize("NFKC", text).casefold()
    for sym, rep in symbols.items():
        t = t.replace(sym, rep)
    t = _PUNCT_RE.sub(" ", t)
    return t.split()


def _replace_phrases(
    toks: list[str], table: dict[tuple[str, ...], tuple[str, ...]], longest: int
) -> list[str]:
    """One left-to-right pass of longest-first whole-word phrase replacement."""
    out: list[str] = []
    i, n = 0, len(toks)
    while i < n:
        for size in range(min(longest, n - i), 0, -1):
            rep = table.get(tuple(toks[i : i + size]))
            if rep is not None:
                out.extend(rep)
                i += size
                break
        else:
            out.append(toks[i])
            i += 1
    return out


def _longest_at(
    toks: list[str], i: int, table: dict[tuple[str, ...], Any], longest: int
) -> tuple[Any, int]:
    """The entry of the longest phrase of ``table`` starting at ``toks[i]``."""
    for size in range(min(longest, len(toks) - i), 0, -1):
        hit = table.get(tuple(toks[i : i + size]))
        if hit is not None:
            return hit, size
    return None, 0


@dataclass
class _Area:
    key: str
    name: str
    kind: str
    order: int
    merge_into: tuple[str, ...] = ()


@dataclass
class _Level:
    key: str
    level: str
    takes_areas: bool
    title_prefix: str = ""
    unit_kind: str | None = None
    bare_key: str | None = None
    bare_title: str | None = None
    bare_score: float = 0.0


@dataclass
class _Position:
    key: str
    title: str
    level: str
    unit: str | None
    scope: str
    nomenclature_2023: str | None = None


@dataclass
class _Vocab:
    threshold: float
    symbols: dict[str, str]
    expansions: dict[tuple[str, ...], tuple[str, ...]]
    exp_longest: int
    drops: dict[tuple[str, ...], tuple[str, ...]]
    drop_longest: int
    ocr_min: int
    ocr_dist: list[tuple[int, int]]
    lexicon: set[str] = field(default_factory=set)
    lexicon_list: list[str] = field(default_factory=list)
    levels: dict[tuple[str, ...], _Level] = field(default_factory=dict)
    level_longest: int = 1
    areas: dict[str, _Area] = field(default_factory=dict)
    area_phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    area_longest: int = 1
    fillers: frozenset[str] = frozenset()
    unit_words: frozenset[str] = frozenset()
    place_markers: frozenset[str] = frozenset()
    unit_openers: frozenset[str] = frozenset()
    bases: dict[tuple[str, ...], _Position] = field(default_factory=dict)
    base_longest: int = 1
    positions: dict[str, _Position] = field(default_factory=dict)
    alias_text: list[str] = field(default_factory=list)
    alias_key: list[str] = field(default_factory=list)
    exact: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)


def _build_vocab() -> _Vocab:
    voc = rules.load("jabatan.yaml")
    abbr = rules.load("jabatan_abbreviations.yaml")
    symbols = {str(k): str(v) for k, v in (abbr.get("symbols") or {}).items()}

    def basic(s: str) -> tuple[str, ...]:
        return tuple(_basic_tokens(str(s), symbols))

    expansions: dict[tuple[str, ...], tuple[str, ...]] = {}
    for canonical, variants in (abbr.get("expansions") or {}).items():
        target = basic(canonical)
        for v in variants or []:
            src = basic(v)
            if src and src != target:
                expansions[src] = target
    drops = {basic(d): () for d in abbr.get("drop") or [] if basic(d)}
    ocr = abbr.get("ocr") or {}
    dist = sorted((int(k), int(v)) for k, v in (ocr.get("max_distance") or {5: 1}).items())
    v = _Vocab(
        threshold=float(voc.get("threshold", 85)),
        symbols=symbols,
        expansions=expansions,
        exp_longest=max((len(k) for k in expansions), default=1),
        drops=drops,
        drop_longest=max((len(k) for k in drops), default=1),
        ocr_min=int(ocr.get("min_length", 5)),
        ocr_dist=dist,
    )

    # Phrases are normalised without the OCR step first (the lexicon is built
    # from them), then everything that is compared is normalised fully.
    def pre(s: str) -> tuple[str, ...]:
        return tuple(_pre_tokens(v, str(s)))

    lex: set[str] = set()
    for tgt in expansions.values():
        lex.update(tgt)
    for e in voc.get("levels") or []:
        lvl = _Level(
            key=e["key"],
            level=e["level"],
            takes_areas=bool(e.get("takes_areas")),
            title_prefix=e.get("title_prefix", ""),
            unit_kind=e.get("unit_kind"),
            bare_key=e.get("bare_key"),
            bare_title=e.get("bare_title"),
            bare_score=float(e.get("bare_score", 0)),
        )
        for ph in e.get("phrases") or []:
            toks = pre(ph)
            v.levels[toks] = lvl
            lex.update(toks)
    v.level_longest = max((len(k) for k in v.levels), default=1)
    for order, e in enumerate(voc.get("areas") or []):
        area = _Area(
            key=e["key"],
            name=e["name"],
            kind=e.get("kind", "seksi"),
            order=order,
            merge_into=tuple(e.get("merge_into") or ()),
        )
        v.areas[area.key] = area
        for ph in e.get("phrases") or []:
            toks = pre(ph)
            v.area_phrases[toks] = area.key
            lex.update(toks)
    v.area_longest = max((len(k) for k in v.area_phrases), default=1)
    v.fillers = frozenset(voc.get("fillers") or ())
    v.unit_words = frozenset(voc.get("unit_words") or ())
    v.place_markers = frozenset(voc.get("place_markers") or ())
    v.unit_openers = frozenset(voc.get("unit_openers") or ())
    lex |= v.fillers | v.unit_words | v.place_markers | v.unit_openers
    for e in voc.get("qualified_bases") or []:
        base = _Position(e["key"], e["title"], e["level"], None, "kecamatan")
        for ph in e.get("phrases") or []:
            toks = pre(ph)
            v.bases[toks] = base
            lex.update(toks)
    v.base_longest = max((len(k) for k in v.bases), default=1)
    raw_aliases: list[tuple[str, str]] = []
    for e in voc.get("positions") or []:
        pos = _Position(
            key=e["key"],
            title=e["title"],
            level=e["level"],
            unit=e.get("unit"),
            scope=e.get("scope", "kecamatan"),
            nomenclature_2023=e.get("nomenclature_2023"),
        )
        if pos.key in v.positions:
            raise ValueError(f"jabatan.yaml: duplicate key {pos.key}")
        v.positions[pos.key] = pos
        for text in [pos.title, *(e.get("aliases") or [])]:
            raw_aliases.append((str(text), pos.key))
            lex.update(pre(text))
    v.lexicon = {w for w in lex if w.isalpha()}
    v.lexicon_list = sorted(v.lexicon)
    for text, key in raw_aliases:
        norm = " ".join(_tokens(v, text))
        if norm and norm not in v.exact:
            v.exact[norm] = key
            v.alias_text.append(norm)
            v.alias_key.append(key)
    return v


@lru_cache(maxsize=1)
def vocabulary() -> _Vocab:
    """The loaded vocabulary (parsed once per process)."""
    return _build_vocab()


def threshold() -> float:
    """Score (0-100) below which a title stays unmatched."""
    return vocabulary().threshold


# ---------------------------------------------------------------------------
# Step 1: normalisation
# ---------------------------------------------------------------------------


def _pre_tokens(v: _Vocab, text: str) -> list[str]:
    toks = _basic_tokens(text, v.symbols)
    toks = _replace_phrases(toks, v.drops, v.drop_longest)
    return _replace_phrases(toks, v.expansions, v.exp_longest)


def _ocr_fix(v: _Vocab, tok: str) -> str:
    if tok in v.lexicon or len(tok) < v.ocr_min or not tok.isalpha():
        return tok
    max_d = 0
    for length, d in v.ocr_dist:
        if len(tok) >= length:
            max_d = d
    if max_d <= 0:
        return tok
    hits = process.extract(
        tok, v.lexicon_list, scorer=Levenshtein.distance, score_cutoff=max_d, limit=3
    )
    if not hits:
        return tok
    best = hits[0][1]
    if sum(1 for h in hits if h[1] == best) > 1:
        return tok  # ambiguous: two words equally close
    return hits[0][0]


def _tokens(v: _Vocab, text: str) -> list[str]:
    toks = _pre_tokens(v, text)
    toks = [_ocr_fix(v, t) for t in toks]
    toks = _replace_phrases(toks, v.expansions, v.exp_longest)
    return _replace_phrases(toks, v.drops, v.drop_longest)


def normalize_title(raw: str) -> str:
    """The normalised form of a title (abbreviations expanded, OCR slips fixed)."""
    return " ".join(_tokens(vocabulary(), raw or ""))


# ---------------------------------------------------------------------------
# Step 2: reading areas, units and places
# ---------------------------------------------------------------------------


@dataclass
class _Parse:
    areas: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    kel: bool = False
    known_chars: int = 0
    interior_unknown: int = 0
    trailing_unknown: int = 0
    trailing_tokens: int = 0


def _segment(v: _Vocab, toks: list[str], start: int = 0) -> _Parse:
    """Read area phrases, unit words and a trailing place from ``toks[start:]``."""
    p = _Parse()
    unknown: list[tuple[int, int]] = []  # (index, chars)
    last_known = start - 1
    i, n = start, len(toks)
    while i < n:
        key, size = _longest_at(toks, i, v.area_phrases, v.area_longest)
        if key is not None:
            if key not in p.areas:
                p.areas.append(key)
            p.known_chars += sum(len(t) for t in toks[i : i + size])
            i += size
            last_known = i - 1
            continue
        t = toks[i]
        if t in v.place_markers:
            p.kel = p.kel or t == "kelurahan"
            break  # the rest names the place
        if t in v.unit_words:
            p.kinds.append(t)
        elif t not in v.fillers:
            unknown.append((i, len(t)))
        i += 1
    for idx, chars in unknown:
        if idx > last_known:
            p.trailing_unknown += chars
            p.trailing_tokens += 1
        else:
            p.interior_unknown += chars
    return p


def _merged_areas(v: _Vocab, areas: Iterable[str]) -> list[str]:
    present = set(areas)
    keep = [a for a in present if not any(m in present for m in v.areas[a].merge_into)]
    return sorted(keep, key=lambda a: v.areas[a].order)


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    head, last = names[:-1], names[-1]
    sep = ", " if " dan " in last else " dan "
    return ", ".join(head) + sep + last


def _area_unit(v: _Vocab, areas: list[str], kind: str | None) -> str:
    kind = kind or v.areas[areas[0]].kind
    return f"{kind.capitalize()} {_join_names([v.areas[a].name for a in areas])}"


def _unit_from_parse(v: _Vocab, p: _Parse, kel: bool) -> str | None:
    areas = _merged_areas(v, p.areas)
    kind = next((k for k in p.kinds if k in ("seksi", "subbagian")), None)
    if areas:
        unit = _area_unit(v, areas, kind)
    elif "sekretariat" in p.kinds:
        unit = "Sekretariat"
    elif kel:
        return "Kelurahan"
    else:
        return None
    return f"{unit} Kelurahan" if kel else unit


def _score(p: _Parse, lead_chars: int, trailing_weight: float) -> float:
    total = lead_chars + p.known_chars + p.interior_unknown + p.trailing_unknown
    if total == 0:
        return 0.0
    penalty = p.interior_unknown + trailing_weight * p.trailing_unknown
    return round(100.0 * (1.0 - penalty / total), 1)


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
    def of(
        cls, pos: _Position, score: float, method: str, unit: str | None = None
    ) -> _Cand:
        """A candidate for a vocabulary position (``unit`` overrides the position's)."""
        return cls(
            pos.key, pos.title, pos.level, unit or pos.unit, pos.scope, score, method,
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
