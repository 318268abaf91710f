"""Row mismatches: which indikator rows were not matched correctly, and why (debugging aid)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .fields import (
    ROW_COLUMNS,
    Decree,
    DecreesByStem,
    _as_dict,
    _blocks,
    _header_value,
    _rows,
    _text,
    decree_stem,
)
from .matching import (
    _match_blocks,
    _match_rows,
    _norm_row,
    _row_cell_sims,
    _row_correct,
    pair_decrees,
)

# --------------------------------------------------------------------------
# Row mismatches (debugging aid)
# --------------------------------------------------------------------------


def _group_by_stem(decrees: DecreesByStem | Sequence[Decree]) -> dict[str, list[Decree]]:
    if isinstance(decrees, Mapping):
        return {k: list(v) for k, v in decrees.items()}
    out: dict[str, list[Decree]] = {}
    for d in decrees:
        src = _as_dict(_as_dict(d).get("source"))
        f = src.get("file")
        out.setdefault(decree_stem(f) if isinstance(f, str) else "", []).append(d)
    return out


def _row_out(row: Mapping[str, Any]) -> dict[str, Any]:
    return {c: row.get(c) for c in ROW_COLUMNS}


def _best_candidate(
    row: Mapping[str, Any],
    candidates: Sequence[tuple[str | None, int, Mapping[str, Any]]],
    row_is_gold: bool,
) -> dict[str, Any] | None:
    """The candidate (block title, 1-based row no, row) with the best mean cell similarity."""
    if not candidates:
        return None
    rn = _norm_row(row)
    best: tuple[float, dict[str, Any]] | None = None
    for title, no, cand in candidates:
        cn = _norm_row(cand)
        cells = _row_cell_sims(rn, cn) if row_is_gold else _row_cell_sims(cn, rn)
        mean = sum(cells.values()) / len(cells)
        if best is None or mean > best[0]:
            best = (mean, {"block": title, "row_no": no, "row": _row_out(cand), "cell_sim": cells})
    return best[1] if best else None


def _all_rows(decree: Decree | None) -> list[tuple[str | None, int, Mapping[str, Any]]]:
    if decree is None:
        return []
    return [
        (_text(b.get("jabatan")), k + 1, r) for b in _blocks(decree) for k, r in enumerate(_rows(b))
    ]


def _decree_mismatches(stem: str, gold: Decree | None, pred: Decree | None) -> list[dict[str, Any]]:
    ref = gold if gold is not None else pred
    if ref is None:
        return []
    base = {"stem": stem, "kind": ref.get("kind"), "nomor": _header_value(ref, "nomor")}
    if gold is not None and pred is not None:
        decree_status = "paired"
    else:
        decree_status = "missed" if pred is None else "spurious"
    gblocks = _blocks(gold) if gold is not None else []
    pblocks = _blocks(pred) if pred is not None else []
    matches = _match_blocks(gblocks, pblocks) if gold is not None and pred is not None else []
    all_g, all_p = _all_rows(gold), _all_rows(pred)
    out: list[dict[str, Any]] = []

    def entry(gi: int | None, pj: int | None, missed: list[Any], spurious: list[Any]) -> None:
        if not missed and not spurious:
            return
        if gi is not None and pj is not None:
            status = "matched"
        elif decree_status != "paired":
            status = f"decree {decree_status}"
        else:
            status = "missed" if pj is None else "spurious"
        out.append(
            {
                **base,
                "decree_status": decree_status,
                "block_status": status,
                "gold_block": None if gi is None else _text(gblocks[gi].get("jabatan")),
                "gold_block_no": None if gi is None else gi + 1,
                "pred_block": None if pj is None else _text(pblocks[pj].get("jabatan")),
                "pred_block_no": None if pj is None else pj + 1,
                "missed": missed,
                "spurious": spurious,
            }
        )

    for gi, pj in matches:
        grows, prows = _rows(gblocks[gi]), _rows(pblocks[pj])
        assigned = _match_rows(grows, prows)
        ga = {r: (c, cells) for r, c, cells in assigned}
        pa = {c: (r, cells) for r, c, cells in assigned}
        gtitle, ptitle = _text(gblocks[gi].get("jabatan")), _text(pblocks[pj].get("jabatan"))
        missed, spurious = [], []
        for r, row in enumerate(grows):
            if r in ga and _row_correct(ga[r][1]):
                continue
            if r in ga:
                c, cells = ga[r]
                best = {
                    "block": ptitle,
                    "row_no": c + 1,
                    "row": _row_out(prows[c]),
                    "cell_sim": cells,
                }
            else:
                best = _best_candidate(row, [(ptitle, k + 1, x) for k, x in enumerate(prows)], True)
            missed.append({"row_no": r + 1, "row": _row_out(row), "best": best})
        for c, row in enumerate(prows):
            if c in pa and _row_correct(pa[c][1]):
                continue
            if c in pa:
                r, cells = pa[c]
                best = {
                    "block": gtitle,
                    "row_no": r + 1,
                    "row": _row_out(grows[r]),
                    "cell_sim": cells,
                }
            else:
                best = _best_candidate(
                    row, [(gtitle, k + 1, x) for k, x in enumerate(grows)], False
                )
            spurious.append({"row_no": c + 1, "row": _row_out(row), "best": best})
        entry(gi, pj, missed, spurious)
    matched_g = {i for i, _ in matches}
    matched_p = {j for _, j in matches}
    for gi, b in enumerate(gblocks):
        if gi not in matched_g:
            missed = [
                {"row_no": k + 1, "row": _row_out(r), "best": _best_candidate(r, all_p, True)}
                for k, r in enumerate(_rows(b))
            ]
            entry(gi, None, missed, [])
    for pj, b in enumerate(pblocks):
        if pj not in matched_p:
            spurious = [
                {"row_no": k + 1, "row": _row_out(r), "best": _best_candidate(r, all_g, False)}
                for k, r in enumerate(_rows(b))
            ]
            entry(None, pj, [], spurious)
    return out


def row_mismatches(
    gold_decrees: DecreesByStem | Sequence[Decree],
    pred_decrees: DecreesByStem | Sequence[Decree],
) -> list[dict[str, Any]]:
    """List, per block, the rows that were not matched correctly.

    Accepts decrees keyed by stem (as :func:`evaluate`) or plain lists of
    decrees (grouped by the stem of ``source.file``).  Each entry describes one
    block (``gold_block``/``pred_block`` titles, ``block_status`` "matched",
    "missed", "spurious", "decree missed" or "decree spurious") with
    ``missed`` gold rows and ``spurious`` predicted rows; every such row
    carries its ``best`` candidate on the other side (the row it was assigned
    to, or the most similar row available) with per-cell similarities.
    Blocks whose rows are all correct are left out.
    """
    gold = _group_by_stem(gold_decrees)
    pred = _group_by_stem(pred_decrees)
    # predictions may be keyed by rendering (``X.v7.pdf``, as load_pred_dir gives
    # them): each rendering is compared with gold ``X`` and reported under its own key
    renderings: dict[str, list[str]] = {}
    for key in pred:
        renderings.setdefault(decree_stem(key), []).append(key)
    out: list[dict[str, Any]] = []
    for stem in sorted(gold):
        g = [_as_dict(x) for x in gold[stem]]
        for key in sorted(renderings.get(stem) or [stem]):
            p = [_as_dict(x) for x in pred.get(key, [])]
            pairs, un_g, un_p = pair_decrees(g, p)
            for i, j in pairs:
                out.extend(_decree_mismatches(key, g[i], p[j]))
            for i in un_g:
                out.extend(_decree_mismatches(key, g[i], None))
            for j in un_p:
                out.extend(_decree_mismatches(key, None, p[j]))
    return out


def _clip(s: Any, width: int) -> str:
    t = "∅" if s is None else " ".join(str(s).split())
    return t if len(t) <= width else t[: width - 1] + "…"


def _fmt_row(row: Mapping[str, Any], width: int) -> str:
    return " | ".join(f"{c}={_clip(row.get(c), width)}" for c in ROW_COLUMNS)


def format_mismatches(mismatches: Sequence[Mapping[str, Any]], width: int = 60) -> str:
    """Readable text for :func:`row_mismatches` output; cells clipped to ``width``."""
    if not mismatches:
        return "no row mismatches"
    out: list[str] = []
    for m in mismatches:
        g = "∅" if m["gold_block"] is None else f"#{m['gold_block_no']} {m['gold_block']!r}"
        p = "∅" if m["pred_block"] is None else f"#{m['pred_block_no']} {m['pred_block']!r}"
        out.append(
            f"[{m['stem']} {m['kind']} {m['nomor']}] {m['block_status']}: gold {g} / pred {p}"
        )
        for tag, items in (("MISSED   gold", m["missed"]), ("SPURIOUS pred", m["spurious"])):
            for it in items:
                out.append(f"  {tag} row {it['row_no']}: {_fmt_row(it['row'], width)}")
                best = it["best"]
                if best is None:
                    out.append("      best: none")
                else:
                    sims = " ".join(f"{c[:4]}={v:.0f}" for c, v in best["cell_sim"].items())
                    out.append(
                        f"      best: {best['block']!r} row {best['row_no']} ({sims}): "
                        f"{_fmt_row(best['row'], width)}"
                    )
        out.append("")
    return "\n".join(out).rstrip()
