"""Matchers over vocabularies that more than one stage reads.

The indicator table's column-header wordings (``models/table_headers.yaml``)
are read by the PDF reader (to find a borderless table's header band) and by
the table stage (to map columns to output fields); both import them from
here, so ``ingest/`` does not reach into the table stage.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from . import rules

FIELDS = ("sasaran", "indikator", "formulasi", "sumber_data")
_NORM = re.compile(r"[^a-z0-9/() ]+")


def _norm(s: str) -> str:
    s = s.lower().replace("\u00a0", " ")
    s = _NORM.sub(" ", s)
    s = re.sub(r"\s*/\s*", "/", s)
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=1)
def header_wordings() -> list[tuple[str, str]]:
    cfg = rules.table_headers()["fields"]
    out: list[tuple[str, str]] = []
    for fld, words in cfg.items():
        for w in words:
            out.append((_norm(str(w)), fld))
    return out


def header_field(text: str) -> tuple[str | None, float]:
    """The field a header cell names, with its score (0-100).

    A wording joined with "/" ("PENJELASAN/ FORMULASI", "SASARAN/KINERJA") is
    also read part by part: when its parts all name one field (or name
    nothing), that field scores as its best part does.
    """
    t = _norm(text)
    if not t or len(t) > 80:
        return None, 0.0
    whole = _field_of(t)
    parts = [p.strip() for p in t.split("/") if len(p.strip()) >= 3]
    if len(parts) < 2:
        return whole
    scored = [_field_of(p) for p in parts]
    named = {f for f, score in scored if f and score >= _min_score()}
    if len(named) != 1:
        return whole
    fld = named.pop()
    best = max(score for f, score in scored if f == fld)
    return (fld, best) if best > whole[1] else whole


def _min_score() -> float:
    return float(rules.table_headers().get("min_score", 80))


@lru_cache(maxsize=4096)
def _field_of(t: str) -> tuple[str | None, float]:
    best: tuple[str | None, float] = (None, 0.0)
    for w, fld in header_wordings():
        if t == w:
            return fld, 100.0
        score = fuzz.ratio(t, w)
        if score > best[1]:
            best = (fld, score)
    return best
