"""One decree per distinct decree: merge the renderings of one decree read from several files.

A ``.txt``, a born-digital ``.pdf`` and a scan of the same Keputusan are three
inputs but one decree.  The rule is the one ``batch`` uses
(:func:`iki_extract.batch.dedupe.find_duplicates`): same normalised ``nomor``,
``kecamatan`` and ``kind``, near-identical content, from *different* files.  The
decree kept is the one with the most rows (then the smallest id); it gets a
``sources`` list with every file it was read from, its own first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .model import Decree


@dataclass
class MergeResult:
    """The kept decrees (input order) and ``{merged decree_id: kept decree_id}``."""

    decrees: list[Decree] = field(default_factory=list)
    duplicate_of: dict[str, str] = field(default_factory=dict)


def file_key(decree: Decree) -> str:
    """Which input a decree came from: the content-hash part of its id (else its file)."""
    return decree.decree_id.rsplit("-", 1)[0] if decree.decree_id else decree.source_file


def merge_duplicates(
    decrees: Sequence[Decree],
    *,
    file_of: Mapping[str, str] | None = None,
    threshold: float | None = None,
) -> MergeResult:
    """Merge near-duplicate decrees across files (the ``batch`` rule); see the module doc.

    ``file_of`` maps ``decree_id`` to the input it came from (default: the
    content-hash part of the id), so two decrees of one file are never merged.
    The kept decrees are the same objects, with ``sources`` filled in.
    """
    from .batch.dedupe import DEFAULT_THRESHOLD, find_duplicates

    files = dict(file_of) if file_of is not None else {d.decree_id: file_key(d) for d in decrees}
    dup_of = find_duplicates(
        [d.to_dict() for d in decrees],
        files,
        DEFAULT_THRESHOLD if threshold is None else threshold,
    )
    by_id = {d.decree_id: d for d in decrees}
    kept: list[Decree] = []
    for d in decrees:
        if d.decree_id in dup_of:
            continue
        sources = d.source_list()
        seen = {s["file"] for s in sources}
        for dup_id in sorted(i for i, k in dup_of.items() if k == d.decree_id):
            for s in by_id[dup_id].source_list():
                if s["file"] not in seen:
                    seen.add(s["file"])
                    sources.append(s)
        d.sources = sources
        kept.append(d)
    return MergeResult(kept, dup_of)
