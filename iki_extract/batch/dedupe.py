"""Near-duplicate decrees across files: the same decree read from two inputs.

Identical bytes are merged by content hash before extraction.  After extraction,
two decrees from *different* files are the same decree when

* their key matches: normalised ``nomor`` (case-folded, only letters, digits and
  ``/``) + normalised ``kecamatan`` + ``kind`` (decrees without a nomor or a
  kecamatan are never merged), and
* their content is near-identical: ``rapidfuzz.fuzz.ratio`` >= ``threshold``
  (default 95) over ``tentang`` + jabatan titles + every indicator row.

Of a group of duplicates the one with the most indicator rows (then jabatan,
then the smallest ``decree_id``) is kept, so the choice does not depend on the
order files were processed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

DEFAULT_THRESHOLD = 95.0


def decree_key(d: dict[str, Any]) -> tuple[str, str, str] | None:
    h = d.get("header") or {}
    nomor = re.sub(r"[^0-9a-z/]+", "", str(h.get("nomor") or "").casefold())
    kecamatan = re.sub(r"[^0-9a-z]+", "", str(h.get("kecamatan") or "").casefold())
    if not nomor or not kecamatan:
        return None
    return nomor, kecamatan, str(d.get("kind") or "")


def signature(d: dict[str, Any]) -> str:
    """The decree's comparable content: tentang, jabatan titles and indicator rows."""
    parts = [str((d.get("header") or {}).get("tentang") or "")]
    for j in d.get("jabatan") or []:
        parts.append(str(j.get("jabatan") or ""))
        for r in j.get("indikator") or []:
            cells = (r.get(k) for k in ("sasaran", "indikator", "formulasi", "sumber_data"))
            parts.append(" | ".join(str(c or "") for c in cells))
    return " ".join("\n".join(parts).casefold().split())


def _preference(d: dict[str, Any]) -> tuple[int, int, str]:
    jabatan = d.get("jabatan") or []
    rows = sum(len(j.get("indikator") or []) for j in jabatan)
    return (-rows, -len(jabatan), str(d.get("decree_id")))


def find_duplicates(
    decrees: Iterable[dict[str, Any]],
    file_of: dict[str, str],
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, str]:
    """``{duplicate decree_id: kept decree_id}``; ``file_of`` maps decree_id -> sha256."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for d in decrees:
        key = decree_key(d)
        if key is not None:
            groups.setdefault(key, []).append(d)
    dup_of: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        kept: list[tuple[dict[str, Any], str, set[str]]] = []  # decree, signature, files
        for d in sorted(members, key=_preference):
            sig, sha = signature(d), file_of.get(d["decree_id"], "")
            for keeper, keeper_sig, files in kept:
                if sha not in files and fuzz.ratio(sig, keeper_sig) >= threshold:
                    dup_of[d["decree_id"]] = keeper["decree_id"]
                    files.add(sha)
                    break
            else:
                kept.append((d, sig, {sha}))
    return dup_of
