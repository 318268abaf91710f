"""The Python API: extract decrees from files or folders, and write a corpus.

>>> from iki_extract import extract, to_frames
>>> decrees = extract("samples")                      # doctest: +SKIP
>>> to_frames(decrees)["indikator"].head()            # doctest: +SKIP
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

from . import ingest, pipeline
from .errors import ExtractError
from .ids import decree_id
from .ingest.route import OcrSettings
from .model import Decree

if TYPE_CHECKING:
    import pandas as pd

PathLike = str | Path
Paths = PathLike | Iterable[PathLike]


@dataclass
class FileResult:
    """What happened to one input file in :func:`extract_to`."""

    path: Path
    decrees: list[Decree] = field(default_factory=list)
    error: str | None = None
    not_decree: bool = False
    duplicate_of: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def n_jabatan(self) -> int:
        return sum(len(d.jabatan) for d in self.decrees)

    @property
    def n_indikator(self) -> int:
        return sum(len(j.indikator) for d in self.decrees for j in d.jabatan)

    def line(self) -> str:
        """One log line for this file."""
        name = self.path.name
        if self.error is not None:
            return self.error
        if self.duplicate_of:
            return f"{name}: same bytes as {self.duplicate_of}, skipped"
        if self.not_decree:
            return f"{name}: not a decree ({self.elapsed:.1f} s)"
        return (
            f"{name}: {_n(len(self.decrees), 'decree')}, {self.n_jabatan} jabatan, "
            f"{_n(self.n_indikator, 'indikator row')} ({self.elapsed:.1f} s)"
        )


@dataclass
class RunSummary:
    """Totals of one :func:`extract_to` run."""

    files: int = 0
    ok: int = 0
    failed: int = 0
    not_decree: int = 0
    decrees: int = 0
    jabatan: int = 0
    indikator: int = 0
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    out_dir: Path | None = None
    interrupted: bool = False

    def add(self, result: FileResult) -> None:
        """Count one processed file."""
        self.files += 1
        if result.error is not None:
            self.failed += 1
            self.errors.append(result.error)
            return
        self.ok += 1
        if result.duplicate_of:
            return
        self.not_decree += int(result.not_decree)
        self.decrees += len(result.decrees)
        self.jabatan += result.n_jabatan
        self.indikator += result.n_indikator

    def line(self) -> str:
        """The one-line summary, e.g. ``12 files: 11 ok, 1 failed; 14 decrees, ...``."""
        ok = f"{self.ok} ok" + (f" ({self.not_decree} not a decree)" if self.not_decree else "")
        text = (
            f"{_n(self.files, 'file')}: {ok}, {self.failed} failed; "
            f"{_n(self.decrees, 'decree')}, "
            f"{self.jabatan} jabatan, {_n(self.indikator, 'indikator row')} "
            f"in {self.elapsed:.1f} s"
        )
        if self.out_dir is not None:
            text += f" -> {self.out_dir}"
        return text + (" (interrupted)" if self.interrupted else "")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# -- input discovery ---------------------------------------------------------


def find_inputs(paths: Paths) -> list[Path]:
    """Expand files and folders into the input files, in a stable order.

    A folder is searched recursively for files with a supported suffix, sorted by
    path; hidden files and folders and companion files (``README*``, gold files
    and notes: ``*.gold.*``, ``*.notes.md``) are skipped.  A file named directly
    is kept whatever its name, so that an unsupported one is reported, not
    ignored.  Duplicates are dropped.
    """
    seen: set[Path] = set()
    out: list[Path] = []
    for p in _as_list(paths):
        for f in _expand(Path(p)):
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _as_list(paths: Paths) -> list[PathLike]:
    if isinstance(paths, str | Path):
        return [paths]
    return list(paths)


def _expand(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    found = (f for f in path.rglob("*") if f.is_file() and _is_input(f.relative_to(path)))
    return sorted(found)


_COMPANION_FILES = ("readme*", "*.gold.*", "*.notes.md")


def _is_input(rel: Path) -> bool:
    """Whether a file found under a folder (path relative to it) is an input."""
    if rel.suffix.lower() not in ingest.SUPPORTED_SUFFIXES:
        return False
    if any(part.startswith(".") for part in rel.parts):
        return False
    name = rel.name.lower()
    return not any(fnmatch(name, pattern) for pattern in _COMPANION_FILES)


# -- one file ----------------------------------------------------------------


def extract_file(
    path: PathLike, *, password: str | None = None, ocr: OcrSettings | None = None
) -> tuple[str, list[Decree]]:
    """Read and extract one file; return ``(sha256, decrees)`` with ids assigned.

    ``ocr`` says whether and how scans are OCR'd (default: on, 300 dpi, Indonesian).

    Raises :class:`ExtractError` for any failure; an unexpected exception becomes
    ``ExtractError(file, "internal error in <stage>: <ExcClass>: <msg>")``.
    """
    path = Path(path)
    with _stage(path, "ingest"):
        doc = ingest.read(path, password=password, ocr=ocr)
    with _stage(path, "extract"):
        decrees = pipeline.extract_document(doc)
    for i, d in enumerate(decrees, 1):
        d.decree_id = decree_id(doc.sha256, i)
        d.source_file = d.source_file or path.name
    return doc.sha256, decrees


@contextmanager
def _stage(path: Path, name: str) -> Iterator[None]:
    """Turn an unexpected exception inside a stage into a one-line :class:`ExtractError`."""
    try:
        yield
    except ExtractError:
        raise
    except Exception as exc:
        message = " ".join(str(exc).split())
        reason = f"internal error in {name}: {type(exc).__name__}" + (
            f": {message}" if message else ""
        )
        raise ExtractError(path, reason, stage=name) from exc


def is_not_decree(decrees: list[Decree]) -> bool:
    """True when a file yielded nothing that looks like an IKI/IKU decree."""
    return all(d.kind == "OTHER" and not d.jabatan for d in decrees)


# -- public API ----------------------------------------------------------------


def extract(
    path_or_paths: Paths,
    *,
    password: str | None = None,
    skip_errors: bool = False,
    ocr: OcrSettings | None = None,
) -> list[Decree]:
    """Extract the decrees of files and/or folders (recursive), in input order.

    Raises :class:`ExtractError` on the first bad file unless ``skip_errors``.
    """
    decrees: list[Decree] = []
    for path in find_inputs(path_or_paths):
        try:
            decrees.extend(extract_file(path, password=password, ocr=ocr)[1])
        except ExtractError:
            if not skip_errors:
                raise
    return decrees


def to_frames(decrees: Iterable[Decree]) -> dict[str, pd.DataFrame]:
    """The flat tables ``decrees``, ``jabatan``, ``indikator``, ``mengingat``."""
    from .export.tables import to_frames as _to_frames

    return _to_frames(decrees)


def extract_to(
    paths: Paths,
    out_dir: PathLike,
    *,
    password: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    inputs: list[Path] | None = None,
    ocr: OcrSettings | None = None,
) -> RunSummary:
    """Extract every input into ``out_dir``; one bad file never stops the run.

    Each file's decrees go to ``OUT/decrees/<decree_id>.json`` as soon as the file
    is done; the flat tables are written at the end, also when the run is
    interrupted (``KeyboardInterrupt`` is re-raised after writing them).  After a
    complete run, decree JSON files left in ``OUT/decrees`` by earlier runs are
    removed, so the folder and the tables describe the same decrees.
    ``on_file`` is called after each file (for progress / logging);
    ``inputs`` skips discovery when the caller already called :func:`find_inputs`.
    """
    from .export import write_decree_json, write_tables

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = inputs if inputs is not None else find_inputs(paths)
    summary = RunSummary(out_dir=out)
    kept: list[Decree] = []
    seen: dict[str, str] = {}
    start = time.perf_counter()
    try:
        for path in files:
            result = _run_one(path, out, password, seen, write_decree_json, ocr)
            summary.add(result)
            if result.ok and not result.duplicate_of:
                kept.extend(result.decrees)
            if on_file is not None:
                on_file(result)
        _prune_stale_json(out, {d.decree_id for d in kept})
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        write_tables(to_frames(kept), out)
        summary.elapsed = time.perf_counter() - start
    return summary


_DECREE_JSON = re.compile(r"^[0-9a-f]{16}-[0-9]+\.json$")


def _prune_stale_json(out: Path, keep: set[str]) -> None:
    """Remove ``OUT/decrees/<id>.json`` files (our own naming only) not written this run."""
    from .export.json_out import DECREES_SUBDIR

    folder = out / DECREES_SUBDIR
    if not folder.is_dir():
        return
    for f in folder.iterdir():
        if _DECREE_JSON.match(f.name) and f.stem not in keep and f.is_file():
            f.unlink()


def _run_one(
    path: Path,
    out: Path,
    password: str | None,
    seen: dict[str, str],
    write_json: Callable[[Decree, Path], Path],
    ocr: OcrSettings | None = None,
) -> FileResult:
    start = time.perf_counter()
    result = FileResult(path=path)
    try:
        sha, result.decrees = extract_file(path, password=password, ocr=ocr)
        if sha in seen:
            result.duplicate_of = seen[sha]
        else:
            seen[sha] = path.name
            with _stage(path, "export"):
                for d in result.decrees:
                    write_json(d, out)
        result.not_decree = is_not_decree(result.decrees)
    except ExtractError as exc:
        result.error = str(exc)
        result.decrees = []
    result.elapsed = time.perf_counter() - start
    return result
