"""The jabatan vocabulary (``models/jabatan.yaml``, ``models/jabatan_abbreviations.yaml``), compiled once for the matcher of :mod:`.jabatan`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .. import rules
from .jabatan_tokens import _basic_tokens, _pre_tokens, _tokens


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
