"""Does the confidence predict the wrong cells?  AUROC, a reliability plot, a fit.

Every predicted indikator cell with a confidence (``confidence_<field>``, else
the row's ``confidence``) is labelled *wrong* when it differs from its gold
cell after METRICS.md normalisation (rows matched as in row F1, within matched
jabatan blocks; ``--scope decree`` matches rows over the whole decree; a
predicted row with no gold partner is wrong in every cell).  Then:

* :func:`auroc`: the probability that a wrong cell has a lower confidence than
  a right one (0.5: confidence says nothing; 1.0: a threshold separates them);
* :func:`fit_model`: the cell model of :mod:`iki_extract.ingest.ocr_confidence`
  (``P(right) = 1 / (1 + exp(-(b + w·features)))``), fitted on predictions
  that hold the raw word scores (``IKI_RAW_CONFIDENCE=1 iki-extract extract``);
* :func:`leave_one_out_model`: fit on all seeds but one (every rendering of
  them), score the one held out — the figure to report;
* :func:`fit_logistic` / :func:`leave_one_out`: a single curve on one score.

``python -m iki_extract.eval.calibration GOLD PRED... [--loso] [--plot f.png]
[--fit models/ocr_confidence.yaml]``: without ``--loso`` the confidences as
exported are scored; with it the model is fitted leave-one-seed-out on the raw
scores and the plot shows the held-out probabilities.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..ingest.ocr_confidence import DecreeContext, cell_features, decree_context
from .fields import ROW_COLUMNS
from .matching import _match_blocks, _match_rows, _norm_row, pair_decrees
from .metrics import load_gold_dir, load_pred_dir


@dataclass(frozen=True)
class CellSample:
    stem: str
    field: str
    confidence: float
    wrong: bool
    group: str = ""  # the rendering ("scan-medium"), from the source file name
    features: Mapping[str, float] | None = None


def _conf(row: dict[str, Any], field: str) -> float | None:
    v = row.get(f"confidence_{field}")
    if v is None:
        v = row.get("confidence")
    return None if v is None else float(v)


def _group(key: str) -> str:
    parts = Path(key).name.split(".")
    return parts[2] if len(parts) > 3 else (parts[1] if len(parts) > 2 else "")


def cell_samples(
    gold_dir: str | Path, pred_dir: str | Path, features: bool = False, scope: str = "block"
) -> list[CellSample]:
    """(confidence, is-wrong) for every predicted cell that has a confidence.

    ``scope="block"``: rows matched within matched jabatan blocks, as row F1
    does (a row under the wrong jabatan is wrong in every cell); ``"decree"``:
    rows matched over the whole decree (is the cell's *text* right, whichever
    block the layout put the row in).

    ``features``: also the cell model's features (:func:`cell_features`), which
    assume the predictions hold the raw word scores (``IKI_RAW_CONFIDENCE=1``).
    """
    gold = load_gold_dir(gold_dir)
    pred, _ = load_pred_dir(pred_dir)
    out: list[CellSample] = []
    by_stem: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for key, decrees in pred.items():
        stem = Path(key).name.split(".", 1)[0]
        by_stem.setdefault((stem, _group(key)), []).extend(decrees)
    for (stem, group), pds in by_stem.items():
        gds = gold.get(stem, [])
        pairs, _, unpaired = pair_decrees(gds, pds)
        partner = dict((pi, gi) for gi, pi in pairs)
        for pi, pd in enumerate(pds):
            pb = pd.get("jabatan") or []
            blocks = [b.get("indikator") or [] for b in pb]
            ctx = decree_context(blocks) if features else None
            matched: dict[int, int] = {}
            gb: list[dict[str, Any]] = []
            if pi in partner:
                gb = gds[partner[pi]].get("jabatan") or []
                matched = dict((j, i) for i, j in _match_blocks(gb, pb))
            if scope == "decree":  # the cell's text, whichever block the row landed in
                grows = [r for b in gb for r in b.get("indikator") or []]
                flat = [(j, k) for j, b in enumerate(blocks) for k in range(len(b))]
                prows = [blocks[j][k] for j, k in flat]
                for (j, k), smp in _row_samples(stem, group, grows, prows, ctx, flat):
                    out.append(smp)
                continue
            for j, prow in enumerate(blocks):
                grow = gb[matched[j]].get("indikator") or [] if j in matched else []
                out += [smp for _, smp in _row_samples(
                    stem, group, grow, prow, ctx, [(j, k) for k in range(len(prow))])]
    return out


def _row_samples(
    stem: str,
    group: str,
    gold: list[dict],
    pred: list[dict],
    ctx: DecreeContext | None,
    where: list[tuple[int, int]],
) -> list[tuple[tuple[int, int], CellSample]]:
    out: list[tuple[tuple[int, int], CellSample]] = []
    partner = {p: g for g, p, _ in _match_rows(gold, pred)} if gold else {}
    for k, row in enumerate(pred):
        pn = _norm_row(row)
        gn = _norm_row(gold[partner[k]]) if k in partner else None
        for c, field in enumerate(ROW_COLUMNS):
            conf = _conf(row, field)
            if conf is None:
                continue
            wrong = gn is None or gn[c] != pn[c]
            feats = cell_features(ctx, *where[k], field) if ctx is not None else None
            out.append((where[k], CellSample(stem, field, conf, wrong, group, feats)))
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


# --- the cell model (features of ocr_confidence.cell_features) ------------------------


def fit_model(samples: Sequence[CellSample], l2: float = 3.0) -> tuple[float, dict[str, float]]:
    """Intercept and coefficients of P(right | features), L2-penalised logistic fit.

    Features are standardised for the fit (``l2`` acts on the standardised
    coefficients) and the coefficients returned on the raw features.
    """
    import numpy as np

    rows = [s for s in samples if s.features is not None]
    names = sorted({k for s in rows for k in s.features or {}})
    x = np.array([[(s.features or {}).get(k, 0.0) for k in names] for s in rows], dtype=float)
    y = np.array([0.0 if s.wrong else 1.0 for s in rows])
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd < 1e-9] = 1.0
    z = np.hstack([np.ones((len(rows), 1)), (x - mu) / sd])
    w = np.zeros(z.shape[1])
    pen = np.full(z.shape[1], l2)
    pen[0] = 1e-6
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        g = z.T @ (p - y) + pen * w
        h = (z * (p * (1 - p))[:, None]).T @ z + np.diag(pen)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[1:] / sd
    intercept = float(w[0] - (coef * mu).sum())
    return intercept, {k: float(c) for k, c in zip(names, coef)}


def score_model(
    samples: Sequence[CellSample], intercept: float, coef: Mapping[str, float]
) -> list[CellSample]:
    """The samples with the model's probability as their confidence."""
    out = []
    for s in samples:
        if s.features is None:
            continue
        zz = intercept + sum(v * s.features.get(k, 0.0) for k, v in coef.items())
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, zz))))
        out.append(CellSample(s.stem, s.field, p, s.wrong, s.group, s.features))
    return out


def leave_one_out_model(
    samples: Sequence[CellSample], l2: float = 3.0, train_groups: Sequence[str] | None = None
) -> dict[str, Any]:
    """Fit the cell model on all stems but one, score every rendering of the one held out.

    ``train_groups``: fit only on these renderings (e.g. light and medium scans).
    """
    stems = sorted({s.stem for s in samples})
    held: list[CellSample] = []
    for stem in stems:
        train = [s for s in samples
                 if s.stem != stem and (not train_groups or s.group in train_groups)]
        test = [s for s in samples if s.stem == stem]
        if not train or not test:
            continue
        b, coef = fit_model(train, l2)
        held += score_model(test, b, coef)
    return {"samples": held, **summary(held)}


def summary(samples: Sequence[CellSample]) -> dict[str, Any]:
    """AUROC, Brier and counts pooled, per stem, per rendering, per (stem, rendering)."""

    def one(ss: Sequence[CellSample]) -> dict[str, Any]:
        a = auroc(ss)
        return {
            "n": len(ss),
            "wrong": sum(s.wrong for s in ss),
            "auroc": None if a is None else round(a, 3),
            "brier": None if not ss else round(brier(ss) or 0.0, 4),
        }

    def by(key: Any) -> dict[str, Any]:
        keys = sorted({key(s) for s in samples})
        return {k: one([s for s in samples if key(s) == k]) for k in keys}

    return {
        "pooled": one(samples),
        "per_stem": by(lambda s: s.stem),
        "per_group": by(lambda s: s.group),
        "per_file": by(lambda s: f"{s.stem}.{s.group}"),
    }


def write_model(path: Path, intercept: float, coef: Mapping[str, float], note: str) -> None:
    """Write the fitted coefficients below the text rules of ``path`` (kept as they are)."""
    marker = "# --- fitted"
    head = path.read_text(encoding="utf-8") if path.is_file() else ""
    head = head.split(marker, 1)[0].rstrip() + "\n\n"
    body = [marker + " by python -m iki_extract.eval.calibration (--fit); " + note]
    body.append(f"intercept: {intercept:.4f}")
    body.append("coef:")
    body += [f"  {k}: {v:.4f}" for k, v in sorted(coef.items())]
    path.write_text(head + "\n".join(body) + "\n", encoding="utf-8")


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
    ap.add_argument("--loso", action="store_true",
                    help="predictions hold raw scores: fit the cell model leave-one-seed-out")
    ap.add_argument("--fit", type=Path, help="fit the cell model on all cells, write it (YAML)")
    ap.add_argument("--l2", type=float, default=3.0, help="penalty of the fit (standardised)")
    ap.add_argument("--scope", choices=("block", "decree"), default="block",
                    help="match rows within jabatan blocks (as row F1) or over the decree")
    ap.add_argument("--train", default="",
                    help="renderings to fit on, e.g. scan-light,scan-medium (default: all)")
    args = ap.parse_args(argv)
    groups = [g for g in args.train.split(",") if g]
    need = bool(args.loso or args.fit)
    samples: list[CellSample] = []
    for p in args.pred:
        samples += cell_samples(args.gold, p, features=need, scope=args.scope)
    res: dict[str, Any] = {"as_exported": summary(samples)}
    shown, what = samples, "as exported"
    if args.loso:
        lo = leave_one_out_model(samples, args.l2, groups)
        res["loso_model"] = {k: v for k, v in lo.items() if k != "samples"}
        shown, what = lo["samples"], "cell model, held-out seed"
    if args.fit:
        train = [s for s in samples if not groups or s.group in groups]
        b, coef = fit_model(train, args.l2)
        used = "+".join(sorted({s.group for s in train}))
        note = f"{len(train)} cells of {len({s.stem for s in train})} seeds ({used})"
        write_model(args.fit, b, coef, note)
        res["fit"] = {"intercept": b, "coef": coef}
    if args.plot:
        a = auroc(shown) or 0.0
        plot(shown, args.plot, f"{what}: {len(shown)} cells, AUROC {a:.3f}")
    print(json.dumps(res, indent=2, default=str))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
