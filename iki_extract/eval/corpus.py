"""Extract and score a development corpus laid out by tools outside the project.

``../shared/corpus/`` (its README) holds the seeds as born-digital PDFs of an
independent renderer (``pdf/``), simulated scans of some of them (``scan/``)
and text in another OCR-to-markdown style (``text/``); the gold of every file
is ``<gold_dir>/<stem>.gold.json`` (stem: the file name before its first dot).

:func:`run_corpus` extracts every file on its own (no deduplication across
files: each rendering is scored against the gold of its stem) and returns the
METRICS.md report per file, pooled over all files and pooled per input kind
(``pdf``, ``text``, ``scan-light``, ``scan-medium``, ``scan-heavy``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .metrics import (
    HEADER_FIELDS,
    LIST_FIELDS,
    LIST_THRESHOLD,
    Scores,
    evaluate,
    format_mismatches,
    load_gold_dir,
    normalize_text,
    pair_decrees,
    row_mismatches,
    similarity,
)

__all__ = [
    "CORPUS_FOLDERS",
    "SCAN_QUALITIES",
    "CorpusResult",
    "corpus_files",
    "field_mismatches",
    "file_kind",
    "format_corpus",
    "run_corpus",
]

Decree = dict[str, Any]

#: Sub-folders of the corpus, one per input kind.
CORPUS_FOLDERS: tuple[str, ...] = ("pdf", "text", "scan")
#: Scan qualities, as they appear in file names (``X.v7.scan-medium.pdf``).
SCAN_QUALITIES: tuple[str, ...] = ("light", "medium", "heavy")


def file_kind(path: Path) -> str:
    """``pdf``, ``text`` or ``scan-<quality>`` for a corpus file."""
    if path.parent.name == "scan" or ".scan-" in path.name:
        for q in SCAN_QUALITIES:
            if f"scan-{q}" in path.name:
                return f"scan-{q}"
        return "scan"
    return "text" if path.suffix.lower() in {".txt", ".md"} else "pdf"


def corpus_files(
    corpus_dir: Path,
    only: Iterable[str] = CORPUS_FOLDERS,
    scan_quality: Iterable[str] = SCAN_QUALITIES,
) -> list[Path]:
    """The corpus files of the chosen folders (and scan qualities), sorted by name."""
    qualities = set(scan_quality)
    out: list[Path] = []
    for folder in only:
        sub = corpus_dir / folder
        if not sub.is_dir():
            continue
        for f in sorted(sub.iterdir()):
            if not f.is_file() or f.name.startswith(".") or f.suffix.lower() == ".md":
                continue
            kind = file_kind(f)
            if kind.startswith("scan-") and kind[len("scan-") :] not in qualities:
                continue
            out.append(f)
    return out


@dataclass
class CorpusResult:
    """Predictions and scores of one corpus run."""

    files: list[Path]
    gold: dict[str, list[Decree]]
    #: predicted decrees keyed by input file name
    pred: dict[str, list[Decree]]
    #: per input file name
    scores: dict[str, Scores]
    pooled: Scores
    #: pooled per input kind (``pdf``, ``text``, ``scan-medium``, ...)
    by_kind: dict[str, Scores] = field(default_factory=dict)
    #: file name -> error message, for files that failed to extract
    errors: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: per-file, per-kind and pooled metrics."""
        return {
            "files": {k: s.to_dict() for k, s in self.scores.items()},
            "by_kind": {k: s.to_dict() for k, s in self.by_kind.items()},
            "pooled": self.pooled.to_dict(),
            "errors": dict(self.errors),
        }


def _extract_one(path: str) -> tuple[str, list[Decree], str | None]:
    """Extract one file (in a worker process): ``(name, decrees, error)``."""
    from ..api import extract_file
    from ..errors import ExtractError

    p = Path(path)
    try:
        _, decrees = extract_file(p)
    except ExtractError as exc:
        return p.name, [], str(exc)
    return p.name, [d.to_dict() for d in decrees], None


def _cache_path(cache_dir: Path, path: Path) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return cache_dir / f"{path.name}.{digest}.json"


def _extract_all(
    files: Sequence[Path],
    jobs: int,
    reuse: Path | None,
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, list[Decree]], dict[str, str]]:
    pred: dict[str, list[Decree]] = {}
    errors: dict[str, str] = {}
    todo: list[Path] = []
    for f in files:
        cached = _cache_path(reuse, f) if reuse is not None else None
        if cached is not None and cached.is_file():
            pred[f.name] = json.loads(cached.read_text(encoding="utf-8"))
        else:
            todo.append(f)

    def done(name: str, decrees: list[Decree], error: str | None, path: Path) -> None:
        pred[name] = decrees
        if error is not None:
            errors[name] = error
        elif reuse is not None:
            reuse.mkdir(parents=True, exist_ok=True)
            _cache_path(reuse, path).write_text(
                json.dumps(decrees, ensure_ascii=False), encoding="utf-8"
            )
        if progress is not None:
            progress(f"{name}: {len(decrees)} decree(s)" + (f" ERROR {error}" if error else ""))

    if jobs <= 1 or len(todo) <= 1:
        for f in todo:
            done(*_extract_one(str(f)), f)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for f, result in zip(todo, pool.map(_extract_one, [str(f) for f in todo])):
                done(*result, f)
    return pred, errors


def run_corpus(
    corpus_dir: str | Path,
    gold_dir: str | Path,
    *,
    only: Iterable[str] = CORPUS_FOLDERS,
    scan_quality: Iterable[str] = SCAN_QUALITIES,
    files: Sequence[Path] | None = None,
    jobs: int = 1,
    reuse: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> CorpusResult:
    """Extract every chosen corpus file on its own and score it against its gold.

    ``files`` overrides the folder selection (``only``, ``scan_quality``).
    ``reuse`` names a folder caching each file's predictions (keyed by the
    file's name and content hash); delete it after changing the extractor.
    """
    corpus_dir = Path(corpus_dir)
    chosen = list(files) if files is not None else corpus_files(corpus_dir, only, scan_quality)
    gold = load_gold_dir(gold_dir)
    chosen = [f for f in chosen if f.name.split(".", 1)[0] in gold]
    pred, errors = _extract_all(
        chosen, max(1, jobs), Path(reuse) if reuse is not None else None, progress
    )
    names = [f.name for f in chosen]
    stems = {n.split(".", 1)[0] for n in names}
    # gold by stem, predictions by file name: each file is scored on its own
    report = evaluate({s: gold[s] for s in stems}, {n: pred.get(n, []) for n in names})
    by_kind: dict[str, Scores] = {}
    for f in chosen:
        by_kind.setdefault(file_kind(f), Scores()).add(report.files[f.name])
    return CorpusResult(
        files=chosen,
        gold={n: gold[n.split(".", 1)[0]] for n in names},
        pred=pred,
        scores=report.files,
        pooled=report.pooled,
        by_kind=dict(sorted(by_kind.items())),
        errors=errors,
    )


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------

_COLUMNS: tuple[tuple[str, Callable[[Scores], float | None]], ...] = (
    ("header acc", lambda s: s.header_accuracy),
    ("list F1", lambda s: s.list_f1),
    ("jabatan F1", lambda s: s.jabatan_f1),
    ("row F1", lambda s: s.row_f1),
    ("exact-row F1", lambda s: s.exact_row_f1),
)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_corpus(result: CorpusResult, markdown: bool = False) -> str:
    """Per-file lines, then one pooled line per input kind and the pooled line."""
    head = ["file", "decrees", *(c for c, _ in _COLUMNS)]

    def cells(name: str, s: Scores) -> list[str]:
        return [name, f"{s.pred_decrees}/{s.gold_decrees}", *(_fmt(f(s)) for _, f in _COLUMNS)]

    body = [cells(n, s) for n, s in result.scores.items()]
    kinds = [
        cells(f"POOLED {k} ({sum(1 for f in result.files if file_kind(f) == k)} files)", s)
        for k, s in result.by_kind.items()
    ]
    pooled = cells(f"POOLED all ({len(result.files)} files)", result.pooled)
    if markdown:
        rows = [head, ["---"] * len(head), *kinds, pooled]
        return "\n".join("| " + " | ".join(r) + " |" for r in rows)
    widths = [max(len(r[k]) for r in (head, *body, *kinds, pooled)) for k in range(len(head))]

    def line(r: Sequence[str]) -> str:
        return "  ".join([r[0].ljust(widths[0]), *(v.rjust(w) for v, w in zip(r[1:], widths[1:]))])

    rule = "-" * len(line(head))
    out = [
        line(head),
        rule,
        *(line(r) for r in body),
        rule,
        *(line(r) for r in kinds),
        line(pooled),
    ]
    for name, err in result.errors.items():
        out.append(f"error: {name}: {err}")
    return "\n".join(out)


# --------------------------------------------------------------------------
# Diffs: wrong header fields, list items and rows
# --------------------------------------------------------------------------


def _header_value(decree: Mapping[str, Any], name: str) -> Any:
    obj: Any = decree.get("header") or {}
    for part in name.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _items(decree: Mapping[str, Any], name: str) -> list[str]:
    out = []
    for x in decree.get(name) or []:
        t = x.get("text") if isinstance(x, dict) else x
        if isinstance(t, str):
            out.append(t)
    return out


def _block_items(decree: Mapping[str, Any], kind: str) -> list[str]:
    return [t for b in decree.get("jabatan") or [] for t in b.get(kind) or [] if isinstance(t, str)]


def _unmatched(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """Items of ``a`` with no item of ``b`` at list similarity (greedy, for reading only)."""
    left = list(b)
    out = []
    for x in a:
        best = max(range(len(left)), key=lambda k: similarity(x, left[k]), default=None)
        if best is not None and similarity(x, left[best]) >= LIST_THRESHOLD:
            left.pop(best)
        else:
            out.append(x)
    return out


def field_mismatches(gold: Sequence[Decree], pred: Sequence[Decree]) -> list[str]:
    """Readable lines for wrong header fields, missed and spurious list items."""
    out: list[str] = []
    pairs, un_g, un_p = pair_decrees(gold, pred)
    for i in un_g:
        out.append(f"decree missed: {_header_value(gold[i], 'nomor')!r}")
    for j in un_p:
        out.append(f"decree spurious: {_header_value(pred[j], 'nomor')!r}")
    for i, j in pairs:
        g, p = gold[i], pred[j]
        for name in (*HEADER_FIELDS, "tentang"):
            gv, pv = _header_value(g, name), _header_value(p, name)
            if normalize_text(str(gv) if gv is not None else None) != normalize_text(
                str(pv) if pv is not None else None
            ):
                out.append(f"header {name}: gold {gv!r} / pred {pv!r}")
        lists = {k: (_items(g, k), _items(p, k)) for k in LIST_FIELDS}
        lists.update({k: (_block_items(g, k), _block_items(p, k)) for k in ("tugas", "fungsi")})
        for kind, (gl, pl) in lists.items():
            for x in _unmatched(gl, pl):
                out.append(f"{kind} MISSED  : {x[:100]!r}")
            for x in _unmatched(pl, gl):
                out.append(f"{kind} SPURIOUS: {x[:100]!r}")
    return out


def format_diff(result: CorpusResult, width: int = 60) -> str:
    """Per file: wrong header fields and list items, then the row mismatches."""
    out: list[str] = []
    for f in result.files:
        n = f.name
        lines = field_mismatches(result.gold[n], result.pred.get(n, []))
        rows = row_mismatches({n: result.gold[n]}, {n: result.pred.get(n, [])})
        if not lines and not rows:
            continue
        out.append(f"=== {n}")
        out.extend(lines)
        if rows:
            out.append(format_mismatches(rows, width=width))
    return "\n".join(out) if out else "no mismatches"


def default_jobs() -> int:
    """One worker per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))
