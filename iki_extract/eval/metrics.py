"""Extraction-quality metrics: predicted decrees against gold decrees.

Implements ``METRICS.md`` (shared spec).  Everything here is a pure function of
its inputs except the two loaders (:func:`load_gold_dir`, :func:`load_pred_dir`)
and :func:`evaluate_dirs`, which read JSON files.

Pairing
    Decrees are grouped by *stem* (the file name of ``source.file`` up to its
    first dot: ``X.txt``, ``X.pdf``, ``X.v2.scan-medium.pdf`` -> ``X``).  Inside
    one stem a predicted decree is paired with a gold decree greedily, best
    candidate first, ranking candidates by (number of equal keys among ``kind``
    and normalised ``nomor``, ``kind`` equal, ``nomor`` similarity, closeness
    in document order).  A candidate is eligible only when ``kind`` or
    ``nomor`` agree, so a decree with a misread ``nomor`` still pairs with its
    gold decree (and only loses the ``nomor`` header field).  Unpaired gold
    decrees count fully as misses, unpaired predictions fully as spurious.

Conventions for empty denominators
    precision / recall / F1 are 1.0 when there is nothing to find and nothing
    was predicted; a precision with no predictions (or a recall with no gold)
    is 0.0 otherwise.  Accuracy-like numbers (header accuracy, schema validity,
    cell similarity, role F1) are ``None`` when undefined.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

__all__ = [
    "BLOCK_THRESHOLD",
    "HEADER_FIELDS",
    "LIST_FIELDS",
    "LIST_THRESHOLD",
    "ROW_COLUMNS",
    "ROW_THRESHOLD",
    "TENTANG_THRESHOLD",
    "DEFAULT_SCHEMA_PATH",
    "Report",
    "Scores",
    "bcubed",
    "decree_stem",
    "evaluate",
    "evaluate_dirs",
    "format_mismatches",
    "flat_row_scores",
    "format_report",
    "load_gold_dir",
    "load_pred_dir",
    "load_schema",
    "normalize_text",
    "pair_decrees",
    "row_mismatches",
    "similarity",
]

Decree = dict[str, Any]
DecreesByStem = Mapping[str, Sequence[Decree]]

#: Header fields compared for equality after normalisation (dotted = nested).
HEADER_FIELDS: tuple[str, ...] = (
    "nomor",
    "kecamatan",
    "kabupaten_kota",
    "tahun",
    "tanggal_penetapan",
    "tempat_penetapan",
    "penandatangan.nama",
    "penandatangan.nip",
)
#: Decree-level string lists scored by list F1 (besides every block's tugas/fungsi).
LIST_FIELDS: tuple[str, ...] = ("menimbang", "mengingat", "diktum", "tembusan")
#: The four cells of one indikator row.
ROW_COLUMNS: tuple[str, ...] = ("sasaran", "indikator", "formulasi", "sumber_data")

LIST_THRESHOLD = 90.0  #: list items match at this similarity or above
ROW_THRESHOLD = 90.0  #: a matched row is correct when every cell reaches this
BLOCK_THRESHOLD = 85.0  #: jabatan blocks match at this title similarity or above
TENTANG_THRESHOLD = 90.0  #: ``tentang`` is right at this token_sort_ratio or above

#: Where the shared contract lives in the development tree.
DEFAULT_SCHEMA_PATH = Path("/work/shared/spec/decree.schema.json")

# Tie-break weight for document order: small enough never to outweigh a real
# similarity difference, large enough to be above float noise.
_ORDER_EPS = 1e-7

# --------------------------------------------------------------------------
# Text normalisation and similarity
# --------------------------------------------------------------------------

# An HTML tag: "<" or "</" followed directly by a letter, so that comparisons
# inside formulas ("< 3 hari", "x<5") are left alone.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_FORMULA_OP_RE = re.compile(r"\s*([/%])\s*")
# Bullet glyphs that are symbols rather than punctuation in Unicode.
_BULLETS = frozenset("❖●▪◦➢►▸➤✓✔■□◆◇○")


def _is_edge_junk(ch: str) -> bool:
    """True for characters stripped from both ends: punctuation, space, bullets."""
    return ch.isspace() or ch in _BULLETS or unicodedata.category(ch).startswith("P")


def normalize_text(s: str | None, formula: bool = False) -> str | None:
    """Normalise text before comparison (METRICS.md).

    Casefold; remove markup (``**``, ``*``, HTML tags); fold white space to one
    space; strip punctuation (and bullets) at both ends.  With ``formula``,
    ``×`` becomes ``x`` and spaces around ``/`` and ``%`` are removed.
    ``None`` stays ``None``; non-strings (e.g. an int ``tahun``) are turned
    into strings first.  Text that normalises to nothing gives ``""``.
    """
    if s is None:
        return None
    t = s if isinstance(s, str) else str(s)
    t = _TAG_RE.sub(" ", t)
    t = t.replace("*", "")
    t = t.casefold()
    if formula:
        t = t.replace("×", "x")
    t = " ".join(t.split())
    if formula:
        t = _FORMULA_OP_RE.sub(r"\1", t)
    start, end = 0, len(t)
    while start < end and _is_edge_junk(t[start]):
        start += 1
    while end > start and _is_edge_junk(t[end - 1]):
        end -= 1
    return t[start:end]


def _norm(s: Any, formula: bool = False) -> str | None:
    """Normalised text with empty results mapped to ``None``."""
    t = normalize_text(s, formula=formula)
    return t or None


def _ratio_normed(a: str | None, b: str | None) -> float:
    """``fuzz.ratio`` on already-normalised text with the null rules."""
    if a is None and b is None:
        return 100.0
    if a is None or b is None:
        return 0.0
    return float(fuzz.ratio(a, b))


def similarity(a: str | None, b: str | None, formula: bool = False) -> float:
    """Similarity 0-100 of two texts: ``fuzz.ratio`` on normalised text.

    null vs null is 100, null vs text is 0; an empty (or markup-only) string
    counts as null.
    """
    return _ratio_normed(_norm(a, formula), _norm(b, formula))


def _sim_matrix(gold: Sequence[str | None], pred: Sequence[str | None]) -> np.ndarray:
    """Pairwise similarity of two lists of *normalised* texts."""
    out = np.zeros((len(gold), len(pred)), dtype=float)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            out[i, j] = _ratio_normed(g, p)
    return out


def _order_penalty(n: int, m: int) -> np.ndarray:
    """``|i - j|`` for every cell of an ``n x m`` matrix."""
    i, j = np.indices((n, m))
    return np.abs(i - j).astype(float)


def _match_thresholded(sim: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """One-to-one matching of pairs with ``sim >= threshold``.

    Maximises the number of pairs first, then their total similarity, then
    closeness in document order (``|i - j|``).
    """
    n, m = sim.shape
    if n == 0 or m == 0:
        return []
    eligible = sim >= threshold
    if not eligible.any():
        return []
    big = 100.0 * (min(n, m) + 1)  # one more pair always beats any similarity gain
    weight = np.where(eligible, big + sim - _ORDER_EPS * _order_penalty(n, m), 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if eligible[r, c]]


# --------------------------------------------------------------------------
# Accessors tolerant of malformed predictions
# --------------------------------------------------------------------------


def _as_dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _as_list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _text(x: Any) -> str | None:
    if x is None or isinstance(x, str):
        return x
    return str(x)


def _header_value(decree: Decree, name: str) -> Any:
    obj: Any = _as_dict(decree.get("header"))
    for part in name.split("."):
        obj = _as_dict(obj).get(part) if isinstance(obj, dict) else None
    return obj


def _list_items(decree: Decree, name: str) -> list[str | None]:
    items = _as_list(decree.get(name))
    if name == "diktum":
        return [_text(_as_dict(d).get("text")) if isinstance(d, dict) else _text(d) for d in items]
    return [_text(x) for x in items]


def _blocks(decree: Decree) -> list[dict[str, Any]]:
    return [_as_dict(b) for b in _as_list(decree.get("jabatan"))]


def _rows(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [_as_dict(r) for r in _as_list(block.get("indikator"))]


def _block_lists(block: Mapping[str, Any]) -> dict[str, list[str | None]]:
    return {k: [_text(x) for x in _as_list(block.get(k))] for k in ("tugas", "fungsi")}


def _nomor_key(decree: Decree) -> str | None:
    n = _norm(_header_value(decree, "nomor"))
    return n.replace(" ", "") if n else None


def decree_stem(file_name: str) -> str:
    """Stem of an input file name: the base name up to its first dot."""
    base = re.split(r"[\\/]", file_name)[-1]
    return base.split(".", 1)[0]


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall, F1 with the module's empty-denominator rules."""
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


# --------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------


def load_schema(schema_path: str | Path | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """Load the decree JSON schema; return ``(schema, where_from)``.

    ``schema_path`` wins when given.  Otherwise the shared spec copy
    (:data:`DEFAULT_SCHEMA_PATH`) is used if it exists, else the copy packaged
    as ``iki_extract/data/decree.schema.json``.  ``(None, None)`` when none is
    found.
    """
    if schema_path is not None:
        p = Path(schema_path)
        return json.loads(p.read_text(encoding="utf-8")), str(p)
    if DEFAULT_SCHEMA_PATH.is_file():
        return json.loads(DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8")), str(DEFAULT_SCHEMA_PATH)
    try:
        res = resources.files("iki_extract.data").joinpath("decree.schema.json")
        return json.loads(res.read_text(encoding="utf-8")), str(res)
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None, None


def _schema_validator(schema: dict[str, Any] | None) -> Any:
    if schema is None:
        return None
    from jsonschema import validators

    cls = validators.validator_for(schema)
    return cls(schema)


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


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


def _gold_role_label(block: Mapping[str, Any]) -> Hashable:
    role = _norm(block.get("role"))
    return ("role", role) if role else object()


def _pred_role_label(block: Mapping[str, Any]) -> Hashable:
    """Predicted cluster: ``jabatan_canonical``; falls back to ``role`` only when
    the key ``jabatan_canonical`` is absent (so gold scored against itself works)."""
    value = block.get("jabatan_canonical") if "jabatan_canonical" in block else block.get("role")
    canon = _norm(value)
    return ("canon", canon) if canon else object()


def _score_list(
    scores: Scores, kind: str, gold: Sequence[str | None], pred: Sequence[str | None]
) -> None:
    gn = [_norm(x) for x in gold]
    pn = [_norm(x) for x in pred]
    tp = len(_match_thresholded(_sim_matrix(gn, pn), LIST_THRESHOLD))
    scores._count_list(kind, tp, len(pred), len(gold))


def _score_header(scores: Scores, gold: Decree, pred: Decree | None) -> None:
    scores.header_total += len(HEADER_FIELDS) + 1
    if pred is None:
        return
    for name in HEADER_FIELDS:
        if _norm(_header_value(gold, name)) == _norm(_header_value(pred, name)):
            scores.header_correct += 1
            scores.header_field_correct[name] += 1
    gt = _norm(_header_value(gold, "tentang"))
    pt = _norm(_header_value(pred, "tentang"))
    ok = (gt is None and pt is None) or (
        gt is not None and pt is not None and fuzz.token_sort_ratio(gt, pt) >= TENTANG_THRESHOLD
    )
    if ok:
        scores.header_correct += 1
        scores.header_field_correct["tentang"] += 1


def _score_unmatched_block(scores: Scores, block: Mapping[str, Any], side: str) -> None:
    """Count a block that has no partner: everything in it is missed or spurious."""
    n_rows = len(_rows(block))
    lists = _block_lists(block)
    if side == "gold":
        scores.block_gold += 1
        scores.row_gold += n_rows
        for kind, items in lists.items():
            scores._count_list(kind, 0, 0, len(items))
    else:
        scores.block_pred += 1
        scores.row_pred += n_rows
        for kind, items in lists.items():
            scores._count_list(kind, 0, len(items), 0)


def _score_unpaired_decree(scores: Scores, decree: Decree, side: str) -> None:
    """Count a decree that has no partner (a miss when gold, spurious when predicted)."""
    if side == "gold":
        _score_header(scores, decree, None)
    for kind in LIST_FIELDS:
        n = len(_list_items(decree, kind))
        if side == "gold":
            scores._count_list(kind, 0, 0, n)
        else:
            scores._count_list(kind, 0, n, 0)
    for block in _blocks(decree):
        _score_unmatched_block(scores, block, side)


def _score_pair(scores: Scores, gold: Decree, pred: Decree) -> None:
    """Score one paired decree."""
    scores.paired_decrees += 1
    _score_header(scores, gold, pred)
    for kind in LIST_FIELDS:
        _score_list(scores, kind, _list_items(gold, kind), _list_items(pred, kind))
    gblocks, pblocks = _blocks(gold), _blocks(pred)
    matches = _match_blocks(gblocks, pblocks)
    scores.block_tp += len(matches)
    matched_g = {i for i, _ in matches}
    matched_p = {j for _, j in matches}
    for i, j in matches:
        gb, pb = gblocks[i], pblocks[j]
        scores.block_gold += 1
        scores.block_pred += 1
        glists, plists = _block_lists(gb), _block_lists(pb)
        for kind in ("tugas", "fungsi"):
            _score_list(scores, kind, glists[kind], plists[kind])
        grows, prows = _rows(gb), _rows(pb)
        scores.row_gold += len(grows)
        scores.row_pred += len(prows)
        for _, _, cells in _match_rows(grows, prows):
            scores.row_matched += 1
            for col, v in cells.items():
                scores.cell_sum[col] += v
            if _row_correct(cells):
                scores.row_correct += 1
            if _row_exact(cells):
                scores.row_exact += 1
        scores.role_items.append((_gold_role_label(gb), _pred_role_label(pb)))
    for i, gb in enumerate(gblocks):
        if i not in matched_g:
            _score_unmatched_block(scores, gb, "gold")
    for j, pb in enumerate(pblocks):
        if j not in matched_p:
            _score_unmatched_block(scores, pb, "pred")


def _score_stem(gold: Sequence[Decree], pred: Sequence[Decree], validator: Any) -> Scores:
    scores = Scores(gold_decrees=len(gold), pred_decrees=len(pred))
    gold = [_as_dict(g) for g in gold]
    pred_d = [_as_dict(p) for p in pred]
    if validator is not None:
        scores.schema_total = len(pred)
        scores.schema_valid = sum(1 for p in pred if validator.is_valid(p))
    pairs, un_g, un_p = pair_decrees(gold, pred_d)
    for i, j in pairs:
        _score_pair(scores, gold[i], pred_d[j])
    for i in un_g:
        _score_unpaired_decree(scores, gold[i], "gold")
    for j in un_p:
        _score_unpaired_decree(scores, pred_d[j], "pred")
    return scores


def evaluate(
    gold_decrees: DecreesByStem,
    pred_decrees: DecreesByStem,
    schema_path: str | Path | None = None,
) -> Report:
    """Score predicted decrees against gold decrees, both keyed by stem.

    ``pred_decrees`` may be keyed by stem or by input file name: every input
    file (``X.txt``, ``X.v2.pdf``) is scored on its own against the gold of
    its stem ``X``.  Only stems present in ``gold_decrees`` are scored; a gold
    stem without predictions counts everything as missed.  ``schema_path`` selects the
    schema for the validity metric (see :func:`load_schema`).
    """
    schema, where = load_schema(schema_path)
    validator = _schema_validator(schema)
    report = Report(schema_path=where)
    by_stem: dict[str, list[str]] = {}
    for key in pred_decrees:
        by_stem.setdefault(decree_stem(key), []).append(key)
    for stem in sorted(gold_decrees):
        gold = list(gold_decrees[stem])
        # each predicted input file (X.txt, X.v2.pdf, ...) is scored against X's gold
        for key in sorted(by_stem.get(stem, [])) or [stem]:
            s = _score_stem(gold, list(pred_decrees.get(key, ())), validator)
            report.files[key] = s
            report.pooled.add(s)
    report.ignored_pred_stems = sorted(k for k in pred_decrees if decree_stem(k) not in gold_decrees)
    return report


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

_DECREE_KEYS = frozenset({"kind", "source", "header", "jabatan"})


def load_gold_dir(gold_dir: str | Path) -> dict[str, list[Decree]]:
    """Read ``<stem>.gold.json`` files (each a JSON array of decrees) keyed by stem."""
    out: dict[str, list[Decree]] = {}
    for path in sorted(Path(gold_dir).glob("*.gold.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[path.name[: -len(".gold.json")]] = data if isinstance(data, list) else [data]
    return out


def _pred_stem(decree: Decree, path: Path) -> str:
    """The input file a prediction came from (``X.v2.pdf``); scored under stem ``X``."""
    src = decree.get("source")
    file_name = src.get("file") if isinstance(src, dict) else None
    if isinstance(file_name, str) and file_name.strip():
        return file_name.strip()
    name = path.name
    return name[: -len(".gold.json")] if name.endswith(".gold.json") else decree_stem(name)


def load_pred_dir(pred_dir: str | Path) -> tuple[dict[str, list[Decree]], list[str]]:
    """Read predicted decrees from every ``*.json`` under ``pred_dir`` (recursively).

    A file holds one decree object or a JSON array of them.  Each decree is
    filed under the stem of its ``source.file`` (or, lacking one, of the JSON
    file's own name).  Objects that do not look like decrees (none of
    ``kind``, ``source``, ``header``, ``jabatan``) are skipped.  Returns the
    decrees by stem, in path then array order, and a list of load problems.
    """
    out: dict[str, list[Decree]] = {}
    errors: list[str] = []
    for path in sorted(Path(pred_dir).rglob("*.json")):
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            errors.append(f"{path}: {exc}")
            continue
        items: Iterable[Any] = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict) or not (_DECREE_KEYS & item.keys()):
                continue
            out.setdefault(_pred_stem(item, path), []).append(item)
    return out, errors


def evaluate_dirs(
    gold_dir: str | Path, pred_dir: str | Path, schema_path: str | Path | None = None
) -> Report:
    """Evaluate the predictions under ``pred_dir`` against ``gold_dir/*.gold.json``."""
    gold = load_gold_dir(gold_dir)
    pred, errors = load_pred_dir(pred_dir)
    report = evaluate(gold, pred, schema_path=schema_path)
    report.load_errors = errors
    return report


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_report(report: Report) -> str:
    """Plain-text table: one line per file and a POOLED line."""
    headers = (
        "file",
        "decrees",
        "jabatan F1",
        "row P",
        "row R",
        "row F1",
        "exact-row F1",
        "header acc",
        "list F1",
        "role F1",
        "schema valid",
    )

    def cells(name: str, s: Scores) -> list[str]:
        return [
            name,
            f"{s.pred_decrees}/{s.gold_decrees}",
            _fmt(s.jabatan_f1),
            _fmt(s.row_precision),
            _fmt(s.row_recall),
            _fmt(s.row_f1),
            _fmt(s.exact_row_f1),
            _fmt(s.header_accuracy),
            _fmt(s.list_f1),
            _fmt(s.role_f1),
            _fmt(s.schema_validity),
        ]

    body = [cells(stem, s) for stem, s in report.files.items()]
    pooled = cells("POOLED", report.pooled)
    widths = [max(len(r[k]) for r in (headers, *body, pooled)) for k in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        first = r[0].ljust(widths[0])
        rest = [v.rjust(w) for v, w in zip(r[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    rule = "-" * len(line(headers))
    out = [line(headers), rule, *(line(r) for r in body), rule, line(pooled)]
    cs = report.pooled.cell_similarity
    out.append("")
    out.append(
        "decrees = pred/gold; cell similarity (pooled, matched rows): "
        + "  ".join(f"{c} {'-' if v is None else f'{v:.1f}'}" for c, v in cs.items())
    )
    if report.ignored_pred_stems:
        out.append("predictions without gold (not scored): " + ", ".join(report.ignored_pred_stems))
    if report.schema_path is None:
        out.append("schema not found: schema validity not measured")
    for err in report.load_errors:
        out.append(f"load error: {err}")
    return "\n".join(out)


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
    out: list[dict[str, Any]] = []
    for stem in sorted(gold):
        g = [_as_dict(x) for x in gold[stem]]
        p = [_as_dict(x) for x in pred.get(stem, [])]
        pairs, un_g, un_p = pair_decrees(g, p)
        for i, j in pairs:
            out.extend(_decree_mismatches(stem, g[i], p[j]))
        for i in un_g:
            out.extend(_decree_mismatches(stem, g[i], None))
        for j in un_p:
            out.extend(_decree_mismatches(stem, None, p[j]))
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
