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

Modules
    :mod:`.textsim` (normalisation, similarity), :mod:`.fields` (scored fields,
    thresholds, tolerant accessors), :mod:`.matching` (decree, block and row
    pairing), :mod:`.scores` (counts and metrics), :mod:`.mismatches` (row
    debugging aid); this module scores, loads and formats, and re-exports the
    public names of the others.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .fields import (
    BLOCK_THRESHOLD,
    HEADER_FIELDS,
    LIST_FIELDS,
    LIST_THRESHOLD,
    ROW_COLUMNS,
    ROW_THRESHOLD,
    TENTANG_THRESHOLD,
    Decree,
    DecreesByStem,
    _as_dict,
    _block_lists,
    _blocks,
    _header_value,
    _list_items,
    _rows,
    decree_stem,
)
from .matching import (
    _match_blocks,
    _match_rows,
    _row_correct,
    _row_exact,
    flat_row_scores,
    pair_decrees,
)
from .mismatches import format_mismatches, row_mismatches
from .scores import Report, Scores, bcubed
from .textsim import _match_thresholded, _norm, _sim_matrix, normalize_text, similarity

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

#: Where the shared contract lives in the development tree.
DEFAULT_SCHEMA_PATH = Path("/work/shared/spec/decree.schema.json")


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
    report.ignored_pred_stems = sorted(
        k for k in pred_decrees if decree_stem(k) not in gold_decrees
    )
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
