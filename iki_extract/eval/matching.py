"""Pairing of decrees, blocks and indikator rows between gold and prediction (METRICS.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from .fields import (
    BLOCK_THRESHOLD,
    ROW_COLUMNS,
    ROW_THRESHOLD,
    Decree,
    _as_dict,
    _as_list,
    _nomor_key,
    _rows,
    _text,
)
from .textsim import _ORDER_EPS, _norm, _order_penalty, _ratio_normed, _sim_matrix

# --------------------------------------------------------------------------
# Pairing
# --------------------------------------------------------------------------


def pair_decrees(
    gold: Sequence[Decree], pred: Sequence[Decree]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair the decrees of one stem; return ``(pairs, unpaired_gold, unpaired_pred)``.

    Greedy, best candidate first.  A candidate needs equal ``kind`` or equal
    normalised ``nomor`` (inner spaces ignored); candidates rank by how many of
    the two agree, then ``kind`` agreement, then ``nomor`` similarity, then
    closeness in document order.  Indices refer to the input sequences.
    """
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    gkeys = [(_text(_as_dict(g).get("kind")), _nomor_key(_as_dict(g))) for g in gold]
    pkeys = [(_text(_as_dict(p).get("kind")), _nomor_key(_as_dict(p))) for p in pred]
    for i, (gk, gn) in enumerate(gkeys):
        for j, (pk, pn) in enumerate(pkeys):
            kind_eq = gk is not None and gk == pk
            nomor_eq = gn is not None and gn == pn
            if not (kind_eq or nomor_eq):
                continue
            rank = (int(kind_eq) + int(nomor_eq), int(kind_eq), _ratio_normed(gn, pn), -abs(i - j))
            candidates.append((rank, i, j))
    candidates.sort(key=lambda c: (c[0], -c[1], -c[2]), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    pairs.sort()
    return (
        pairs,
        [i for i in range(len(gold)) if i not in used_g],
        [j for j in range(len(pred)) if j not in used_p],
    )


def _block_content(block: Mapping[str, Any]) -> str:
    """All normalised text of a block below its title (tugas, fungsi, rows)."""
    parts: list[str | None] = [_norm(x) for x in _as_list(block.get("tugas"))]
    parts += [_norm(x) for x in _as_list(block.get("fungsi"))]
    for row in _rows(block):
        parts += _norm_row(row)
    return " ".join(p for p in parts if p)


def _match_blocks(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """One-to-one block matching by title similarity >= BLOCK_THRESHOLD.

    Maximises the number of matched blocks, then total title similarity.  Ties
    (several blocks with the same title, e.g. four "PENGADMINISTRASI UMUM")
    are broken first by the similarity of the blocks' content (tugas, fungsi,
    rows), which adds at most 0.01 per pair, then by document order.
    """
    n, m = len(gold), len(pred)
    if n == 0 or m == 0:
        return []
    sim = _sim_matrix(
        [_norm(b.get("jabatan")) for b in gold], [_norm(b.get("jabatan")) for b in pred]
    )
    eligible = sim >= BLOCK_THRESHOLD
    if not eligible.any():
        return []
    gc = [_block_content(b) for b in gold]
    pc = [_block_content(b) for b in pred]
    content = np.zeros_like(sim)
    for i, j in zip(*np.nonzero(eligible)):
        content[i, j] = _ratio_normed(gc[i] or None, pc[j] or None) / 100.0
    big = 101.0 * (min(n, m) + 1)  # one more pair always beats any similarity gain
    weight = np.where(eligible, big + sim + 0.01 * content - _ORDER_EPS * _order_penalty(n, m), 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return sorted((int(r), int(c)) for r, c in zip(rows, cols) if eligible[r, c])


def _norm_row(row: Mapping[str, Any]) -> tuple[str | None, ...]:
    return tuple(_norm(row.get(c), formula=(c == "formulasi")) for c in ROW_COLUMNS)


def _row_cell_sims(g: tuple[str | None, ...], p: tuple[str | None, ...]) -> dict[str, float]:
    return {c: _ratio_normed(a, b) for c, a, b in zip(ROW_COLUMNS, g, p)}


def _match_rows(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int, dict[str, float]]]:
    """Hungarian assignment of rows maximising the mean of the four cell similarities."""
    if not gold or not pred:
        return []
    gn = [_norm_row(r) for r in gold]
    pn = [_norm_row(r) for r in pred]
    cells = [[_row_cell_sims(g, p) for p in pn] for g in gn]
    mean = np.array([[sum(c.values()) / len(ROW_COLUMNS) for c in row] for row in cells])
    weight = mean - _ORDER_EPS * _order_penalty(len(gn), len(pn))
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return sorted((int(r), int(c), cells[r][c]) for r, c in zip(rows, cols))


def _row_correct(cells: Mapping[str, float]) -> bool:
    return all(v >= ROW_THRESHOLD for v in cells.values())


def _row_exact(cells: Mapping[str, float]) -> bool:
    """All four cells equal after normalisation (similarity 100, null vs null included)."""
    return all(v >= 100.0 for v in cells.values())


def flat_row_scores(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> tuple[int, int, int]:
    """(correct, predicted, gold) rows when rows are pooled without blocks.

    For tools that return indicator rows but no decree structure (plain table
    extractors): all rows of a file on each side, matched one-to-one as in
    row F1.  Sum the counts over files, then divide (micro-average).
    """
    correct = sum(1 for _, _, cells in _match_rows(gold, pred) if _row_correct(cells))
    return correct, len(pred), len(gold)
