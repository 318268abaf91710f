"""Counts of one evaluation and the metrics computed from them (precision, recall, F1, B-cubed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .fields import HEADER_FIELDS, ROW_COLUMNS

# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall, F1 with the empty-denominator rules of :mod:`.metrics`."""
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, 2 * tp / (n_pred + n_gold)


def bcubed(
    gold_labels: Sequence[Hashable], pred_labels: Sequence[Hashable]
) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against a reference.

    Item ``i`` belongs to gold cluster ``gold_labels[i]`` and predicted cluster
    ``pred_labels[i]``.  Precision averages, over items, the share of the
    item's predicted cluster that shares its gold cluster; recall the share of
    its gold cluster that shares its predicted cluster.  Empty input gives
    ``(1.0, 1.0, 1.0)``.
    """
    if len(gold_labels) != len(pred_labels):
        raise ValueError("gold_labels and pred_labels differ in length")
    n = len(gold_labels)
    if n == 0:
        return 1.0, 1.0, 1.0
    both = Counter(zip(gold_labels, pred_labels))
    gold_size = Counter(gold_labels)
    pred_size = Counter(pred_labels)
    p = sum(both[(g, q)] / pred_size[q] for g, q in zip(gold_labels, pred_labels)) / n
    r = sum(both[(g, q)] / gold_size[g] for g, q in zip(gold_labels, pred_labels)) / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Scores:
    """Raw counts for one file (or pooled over files) and the metrics from them.

    All metrics are properties computed from the counts, so adding counts of
    several files (:meth:`add`) gives micro-averaged pooled numbers.
    """

    gold_decrees: int = 0
    pred_decrees: int = 0
    paired_decrees: int = 0
    header_correct: int = 0
    header_total: int = 0
    header_field_correct: Counter[str] = field(default_factory=Counter)
    list_tp: int = 0
    list_pred: int = 0
    list_gold: int = 0
    #: per list kind ("menimbang", ..., "tugas", "fungsi"): [tp, pred, gold]
    list_by_kind: dict[str, list[int]] = field(default_factory=dict)
    block_tp: int = 0
    block_pred: int = 0
    block_gold: int = 0
    row_correct: int = 0
    row_pred: int = 0
    row_gold: int = 0
    row_matched: int = 0
    #: matched rows whose four cells are equal after normalisation (exact-row F1)
    row_exact: int = 0
    cell_sum: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ROW_COLUMNS, 0.0))
    schema_valid: int = 0
    schema_total: int = 0
    #: (gold cluster label, predicted cluster label) per matched block
    role_items: list[tuple[Hashable, Hashable]] = field(default_factory=list, repr=False)

    def add(self, other: Scores) -> None:
        """Add the counts of ``other`` to these."""
        for name in (
            "gold_decrees",
            "pred_decrees",
            "paired_decrees",
            "header_correct",
            "header_total",
            "list_tp",
            "list_pred",
            "list_gold",
            "block_tp",
            "block_pred",
            "block_gold",
            "row_correct",
            "row_pred",
            "row_gold",
            "row_matched",
            "row_exact",
            "schema_valid",
            "schema_total",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.header_field_correct.update(other.header_field_correct)
        for kind, counts in other.list_by_kind.items():
            mine = self.list_by_kind.setdefault(kind, [0, 0, 0])
            for k in range(3):
                mine[k] += counts[k]
        for col in ROW_COLUMNS:
            self.cell_sum[col] += other.cell_sum[col]
        self.role_items.extend(other.role_items)

    def _count_list(self, kind: str, tp: int, n_pred: int, n_gold: int) -> None:
        self.list_tp += tp
        self.list_pred += n_pred
        self.list_gold += n_gold
        counts = self.list_by_kind.setdefault(kind, [0, 0, 0])
        counts[0] += tp
        counts[1] += n_pred
        counts[2] += n_gold

    # -- metrics -----------------------------------------------------------

    @property
    def header_accuracy(self) -> float | None:
        """Share of header fields right (9 per gold decree)."""
        return self.header_correct / self.header_total if self.header_total else None

    @property
    def list_f1(self) -> float:
        """F1 over all list items (menimbang, mengingat, diktum, tembusan, tugas, fungsi)."""
        return _prf(self.list_tp, self.list_pred, self.list_gold)[2]

    @property
    def jabatan_precision(self) -> float:
        """Matched blocks / predicted blocks."""
        return _prf(self.block_tp, self.block_pred, self.block_gold)[0]

    @property
    def jabatan_recall(self) -> float:
        """Matched blocks / gold blocks."""
        return _prf(self.block_tp, self.block_pred, self.block_gold)[1]

    @property
    def jabatan_f1(self) -> float:
        """F1 over jabatan blocks."""
        return _prf(self.block_tp, self.block_pred, self.block_gold)[2]

    @property
    def row_precision(self) -> float:
        """Correct rows / predicted rows."""
        return _prf(self.row_correct, self.row_pred, self.row_gold)[0]

    @property
    def row_recall(self) -> float:
        """Correct rows / gold rows."""
        return _prf(self.row_correct, self.row_pred, self.row_gold)[1]

    @property
    def row_f1(self) -> float:
        """F1 over indikator rows."""
        return _prf(self.row_correct, self.row_pred, self.row_gold)[2]

    @property
    def exact_row_f1(self) -> float:
        """F1 over indikator rows whose four cells are equal after normalisation."""
        return _prf(self.row_exact, self.row_pred, self.row_gold)[2]

    @property
    def cell_similarity(self) -> dict[str, float | None]:
        """Mean similarity per column over matched rows (``None`` without matched rows)."""
        return {
            col: (self.cell_sum[col] / self.row_matched if self.row_matched else None)
            for col in ROW_COLUMNS
        }

    @property
    def role_bcubed(self) -> tuple[float, float, float] | None:
        """B-cubed (precision, recall, F1) of role grouping; ``None`` without matched blocks."""
        if not self.role_items:
            return None
        gold, pred = zip(*self.role_items)
        return bcubed(gold, pred)

    @property
    def role_f1(self) -> float | None:
        """B-cubed F1 of role grouping over matched blocks."""
        b = self.role_bcubed
        return b[2] if b else None

    @property
    def schema_validity(self) -> float | None:
        """Share of predicted decrees valid against the schema."""
        return self.schema_valid / self.schema_total if self.schema_total else None

    def to_dict(self) -> dict[str, Any]:
        """Counts and metrics as plain JSON-serialisable data."""
        lp, lr, lf = _prf(self.list_tp, self.list_pred, self.list_gold)
        rp, rr, rf = _prf(self.row_correct, self.row_pred, self.row_gold)
        jp, jr, jf = _prf(self.block_tp, self.block_pred, self.block_gold)
        role = self.role_bcubed
        return {
            "decrees": {
                "gold": self.gold_decrees,
                "pred": self.pred_decrees,
                "paired": self.paired_decrees,
            },
            "header": {
                "accuracy": self.header_accuracy,
                "correct": self.header_correct,
                "total": self.header_total,
                "per_field": {
                    f: (
                        self.header_field_correct[f] / self.gold_decrees
                        if self.gold_decrees
                        else None
                    )
                    for f in (*HEADER_FIELDS, "tentang")
                },
            },
            "lists": {
                "precision": lp,
                "recall": lr,
                "f1": lf,
                "tp": self.list_tp,
                "pred": self.list_pred,
                "gold": self.list_gold,
                "by_kind": {
                    k: dict(zip(("tp", "pred", "gold", "f1"), (*v, _prf(*v)[2])))
                    for k, v in sorted(self.list_by_kind.items())
                },
            },
            "jabatan": {
                "precision": jp,
                "recall": jr,
                "f1": jf,
                "tp": self.block_tp,
                "pred": self.block_pred,
                "gold": self.block_gold,
            },
            "rows": {
                "precision": rp,
                "recall": rr,
                "f1": rf,
                "correct": self.row_correct,
                "pred": self.row_pred,
                "gold": self.row_gold,
                "matched": self.row_matched,
                "exact": self.row_exact,
                "exact_f1": self.exact_row_f1,
            },
            "cell_similarity": self.cell_similarity,
            "role_grouping": {
                "precision": role[0] if role else None,
                "recall": role[1] if role else None,
                "f1": role[2] if role else None,
                "blocks": len(self.role_items),
            },
            "schema": {
                "validity": self.schema_validity,
                "valid": self.schema_valid,
                "total": self.schema_total,
            },
        }


@dataclass
class Report:
    """Evaluation of one run: per-file scores (by stem) and pooled scores."""

    files: dict[str, Scores] = field(default_factory=dict)
    pooled: Scores = field(default_factory=Scores)
    #: stems that had predictions but no gold file (not scored)
    ignored_pred_stems: list[str] = field(default_factory=list)
    #: problems met while loading predictions (unreadable JSON, ...)
    load_errors: list[str] = field(default_factory=list)
    #: the schema used for validity, or ``None`` when none was found
    schema_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data."""
        return {
            "files": {stem: s.to_dict() for stem, s in self.files.items()},
            "pooled": self.pooled.to_dict(),
            "ignored_pred_stems": list(self.ignored_pred_stems),
            "load_errors": list(self.load_errors),
            "schema_path": self.schema_path,
        }
