"""Step 2 of jabatan matching (see :mod:`.jabatan`): read the areas, units and places of a
normalised title; :func:`normalize_title` is step 1 (:mod:`.jabatan_tokens`) as text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .jabatan_tokens import _longest_at, _tokens
from .jabatan_vocab import _Vocab, vocabulary


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
