"""Does the confidence predict the wrong cells?  AUROC, a reliability plot, a fit.

Every predicted indikator cell with a confidence (``confidence_<field>``, else
the row's ``confidence``) is labelled *wrong* when it differs from its gold
cell after METRICS.md normalisation (rows matched as in row F1; a predicted
row with no gold partner is wrong in every cell).  Then:

* :func:`auroc`: the probability that a wrong cell has a lower confidence than
  a right one (0.5: confidence says nothing; 1.0: a threshold separates them);
* :func:`fit_logistic`: ``P(right) = 1 / (1 + exp(-(a·c + b)))``, the curve
  ``models/ocr_confidence.yaml`` holds (fit on raw scores:
  ``IKI_RAW_CONFIDENCE=1 iki-extract extract ...``);
* :func:`leave_one_out`: fit on all stems but one, score the one held out.

``python -m iki_extract.eval.calibration GOLD PRED [--plot f.png] [--fit OUT.yaml]``
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .fields import ROW_COLUMNS
from .matching import _match_blocks, _match_rows, _norm_row, pair_decrees
from .metrics import load_gold_dir, load_pred_dir


@dataclass(frozen=True)
class CellSample:
    stem: str
    field: str
    confidence: float
    wrong: bool


def _conf(row: dict[str, Any], field: str) -> float | None:
    v = row.get(f"confidence_{field}")
    if v is None:
        v = row.get("confidence")
    return None if v is None else float(v)


def cell_samples(gold_dir: str | Path, pred_dir: str | Path) -> list[CellSample]:
    """(confidence, is-wrong) for every predicted cell that has a confidence."""
    gold = load_gold_dir(gold_dir)
    pred, _ = load_pred_dir(pred_dir)
    out: list[CellSample] = []
    by_stem: dict[str, list[dict[str, Any]]] = {}
    for key, decrees in pred.items():
        stem = Path(key).name.split(".", 1)[0]
        by_stem.setdefault(stem, []).extend(decrees)
    for stem, pds in by_stem.items():
        gds = gold.get(stem, [])
        pairs, _, unpaired = pair_decrees(gds, pds)
        for gi, pi in pairs:
            gb, pb = gds[gi].get("jabatan") or [], pds[pi].get("jabatan") or []
            matched = dict((j, i) for i, j in _match_blocks(gb, pb))
            for j, block in enumerate(pb):
                prow = block.get("indikator") or []
                grow = gb[matched[j]].get("indikator") or [] if j in matched else []
                out += _row_samples(stem, grow, prow)
        for pi in unpaired:
            for block in pds[pi].get("jabatan") or []:
                out += _row_samples(stem, [], block.get("indikator") or [])
    return out


def _row_samples(stem: str, gold: list[dict], pred: list[dict]) -> list[CellSample]:
    out: list[CellSample] = []
    partner = {p: g for g, p, _ in _match_rows(gold, pred)} if gold else {}
    for k, row in enumerate(pred):
        pn = _norm_row(row)
        gn = _norm_row(gold[partner[k]]) if k in partner else None
        for c, field in enumerate(ROW_COLUMNS):
            conf = _conf(row, field)
            if conf is None:
                continue
            wrong = gn is None or gn[c] != pn[c]
            out.append(CellSample(stem, field, conf, wrong))
    return out


def auroc(samples: Sequence[CellSample]) -> float | None:
    """AUROC of "cell is wrong" scored by low confidence (ties count half)."""
    wrong = [s.confidence for s in samples if s.wrong]
    right = [s.confidence for s in samples if not s.wrong]
    if not wrong or not right:
        return None
    ranked = sorted([(c, 0) for c in wrong] + [(c, 1) for c in right])
    # Mann-Whitney U with average ranks
    ranks: list[float] = [0.0] * len(ranked)
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    r_right = sum(r for r, (_, lab) in zip(ranks, ranked) if lab == 1)
    n1, n0 = len(right), len(wrong)
    return (r_right - n1 * (n1 + 1) / 2) / (n1 * n0)


def fit_logistic(samples: Sequence[CellSample], iters: int = 50) -> tuple[float, float]:
    """Slope and intercept of P(right | confidence), Newton's method (L2 1e-3)."""
    a, b = 1.0, 0.0
    for _ in range(iters):
        ga = gb = haa = hab = hbb = 0.0
        for s in samples:
            p = 1.0 / (1.0 + math.exp(-(a * s.confidence + b)))
            y = 0.0 if s.wrong else 1.0
            ga += (p - y) * s.confidence
            gb += p - y
            w = p * (1 - p)
            haa += w * s.confidence**2
            hab += w * s.confidence
            hbb += w
        ga += 1e-3 * a
        haa += 1e-3
        det = haa * hbb - hab * hab
        if abs(det) < 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return a, b


def apply(a: float, b: float, c: float) -> float:
    return 1.0 / (1.0 + math.exp(-(a * c + b)))


def leave_one_out(samples: Sequence[CellSample]) -> dict[str, Any]:
    """Per held-out stem: AUROC and Brier score of the curve fitted on the others."""
    stems = sorted({s.stem for s in samples})
    per: dict[str, Any] = {}
    held: list[CellSample] = []
    for stem in stems:
        train = [s for s in samples if s.stem != stem]
        test = [s for s in samples if s.stem == stem]
        if not train or not test:
            continue
        a, b = fit_logistic(train)
        cal = [CellSample(s.stem, s.field, apply(a, b, s.confidence), s.wrong) for s in test]
        held += cal
        per[stem] = {"auroc": auroc(test), "brier": brier(cal), "n": len(test)}
    return {"per_stem": per, "auroc": auroc(held), "brier": brier(held), "samples": held}


def brier(samples: Sequence[CellSample]) -> float | None:
    if not samples:
        return None
    return sum((s.confidence - (0.0 if s.wrong else 1.0)) ** 2 for s in samples) / len(samples)


def reliability(samples: Sequence[CellSample], bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean confidence, share right, n) per confidence bin."""
    out = []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inb = [
            s for s in samples if lo <= s.confidence < hi or (k == bins - 1 and s.confidence == 1)
        ]
        if inb:
            out.append(
                (
                    sum(s.confidence for s in inb) / len(inb),
                    sum(not s.wrong for s in inb) / len(inb),
                    len(inb),
                )
            )
    return out


def plot(samples: Sequence[CellSample], path: str | Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = reliability(samples)
    fig, ax = plt.subplots(figsize=(4.2, 4.2), dpi=110)
    ax.plot([0, 1], [0, 1], "--", color="grey", lw=1, label="perfect")
    ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label="cells")
    for x, y, n in pts:
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(3, -10), fontsize=7)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share of cells exactly right")
    ax.set_title(title, fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m iki_extract.eval.calibration")
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path, nargs="+")
    ap.add_argument("--plot", type=Path, help="write a reliability plot (PNG)")
    ap.add_argument("--fit", type=Path, help="fit the curve on all cells, write it (YAML)")
    ap.add_argument("--loso", action="store_true", help="also fit leave-one-seed-out")
    args = ap.parse_args(argv)
    samples: list[CellSample] = []
    for p in args.pred:
        samples += cell_samples(args.gold, p)
    wrong = sum(s.wrong for s in samples)
    res: dict[str, Any] = {"cells": len(samples), "wrong": wrong, "auroc": auroc(samples)}
    shown = samples
    if args.loso:
        lo = leave_one_out(samples)
        res["loso_auroc"] = lo["auroc"]
        res["loso_brier"] = lo["brier"]
        res["per_stem"] = lo["per_stem"]
        shown = lo["samples"]
    if args.fit:
        a, b = fit_logistic(samples)
        args.fit.write_text(
            "# P(cell right) = 1 / (1 + exp(-(slope * score + intercept))), score: the raw\n"
            "# confidence of iki_extract/ingest/ocr_confidence.py; fitted by\n"
            "# python -m iki_extract.eval.calibration GOLD PRED --fit THIS\n"
            f"slope: {a:.4f}\nintercept: {b:.4f}\ncells: {len(samples)}\n",
            encoding="utf-8",
        )
        res["slope"], res["intercept"] = a, b
    res["brier"] = brier(shown)
    if args.plot:
        title = f"{len(shown)} cells, AUROC {res.get('loso_auroc') or res['auroc'] or 0:.3f}"
        plot(shown, args.plot, title)
    print(json.dumps(res, indent=2, default=str))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
