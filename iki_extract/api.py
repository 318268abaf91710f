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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ingest, pipeline
from .errors import ExtractError, InputError, output_error
from .ids import decree_id
from .ingest.route import OcrSettings
from .inputs import Inputs, PathLike, Paths, discover_inputs, find_inputs
from .merge import MergeResult, merge_duplicates
from .model import Decree
from .progress import one_line, plural

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FileResult", "Inputs", "RunSummary", "discover_inputs", "extract", "extract_file", "extract_to",
    "find_inputs", "is_not_decree", "to_frames",
]


@dataclass
class FileResult:
    """What happened to one input file in :func:`extract_to`."""

    path: Path
    decrees: list[Decree] = field(default_factory=list)
    error: str | None = None
    not_decree: bool = False
    duplicate_of: str | None = None
    elapsed: float = 0.0
    pages: int = 0
    warnings: list[str] = field(default_factory=list)

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
        name = one_line(self.path.name)
        if self.error is not None:
            return self.error
        if self.duplicate_of:
            return f"{name}: same bytes as {one_line(self.duplicate_of)}, skipped"
        pages = f"{plural(self.pages, 'page')}, " if self.pages else ""
        if self.not_decree:
            return f"{name}: skipped (not a decree; {pages}{self.elapsed:.1f} s)"
        return (
            f"{name}: {plural(len(self.decrees), 'decree')}, {self.n_jabatan} jabatan, "
            f"{plural(self.n_indikator, 'indikator row')} ({pages}{self.elapsed:.1f} s)"
        )


@dataclass
class RunSummary:
    """Totals of one :func:`extract_to` run.

    ``ok`` files gave at least one decree (or had the same bytes as an earlier
    input); ``not_decree`` files were read but hold no decree (skipped, no row);
    ``failed`` files could not be read.  ``decrees`` counts distinct decrees after
    near-duplicates were merged (``duplicates``).  ``unsupported`` names the files
    met inside folders whose type the tool cannot read.
    """

    files: int = 0
    ok: int = 0
    failed: int = 0
    not_decree: int = 0
    decrees: int = 0
    duplicates: int = 0
    jabatan: int = 0
    indikator: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
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
        self.pages += result.pages
        if result.not_decree and not result.duplicate_of:
            self.not_decree += 1
            return
        self.ok += 1
        if result.duplicate_of:
            return
        self.decrees += len(result.decrees)
        self.jabatan += result.n_jabatan
        self.indikator += result.n_indikator

    def merged(self, result: MergeResult) -> None:
        """Count the decrees that remain after near-duplicates were merged."""
        self.duplicates = len(result.duplicate_of)
        self.decrees = len(result.decrees)
        self.jabatan = sum(len(d.jabatan) for d in result.decrees)
        self.indikator = sum(len(j.indikator) for d in result.decrees for j in d.jabatan)

    def line(self) -> str:
        """The one-line summary, e.g. ``12 files: 10 ok, 1 skipped (not a decree), ...``."""
        skipped = f"{self.not_decree} skipped (not a decree), " if self.not_decree else ""
        merged = f" ({plural(self.duplicates, 'duplicate')} merged)" if self.duplicates else ""
        text = (
            f"{plural(self.files, 'file')}: {self.ok} ok, {skipped}{self.failed} failed; "
            f"{plural(self.decrees, 'decree')}{merged}, "
            f"{self.jabatan} jabatan, {plural(self.indikator, 'indikator row')} "
            f"in {self.elapsed:.1f} s"
        )
        if self.out_dir is not None:
            text += f" -> {self.out_dir}"
        if self.unsupported:
            shown = ", ".join(self.unsupported[:5]) + (", ..." if len(self.unsupported) > 5 else "")
            text += f"; {plural(len(self.unsupported), 'unsupported file')} not read: {shown}"
        return text + (" (interrupted)" if self.interrupted else "")


# -- one file ----------------------------------------------------------------


def extract_file(
    path: PathLike, *, password: str | None = None, ocr: OcrSettings | None = None
) -> tuple[str, list[Decree]]:
    """Read and extract one file; return ``(sha256, decrees)`` with ids assigned.

    ``ocr`` says whether and how scans are OCR'd (default: on, 300 dpi, Indonesian).
    Parts of the file that are not a decree (:func:`is_not_decree`) are dropped, so a
    file that is no decree at all gives ``[]``.

    Raises :class:`ExtractError` for any failure; an unexpected exception becomes
    ``ExtractError(file, "internal error in <stage>: <ExcClass>: <msg>")``.
    """
    sha, decrees, _pages = _extract_file(Path(path), password, ocr)
    return sha, decrees


def _extract_file(
    path: Path, password: str | None, ocr: OcrSettings | None
) -> tuple[str, list[Decree], int]:
    """:func:`extract_file` plus the number of pages read."""
    with _stage(path, "ingest"):
        doc = ingest.read(path, password=password, ocr=ocr)
    with _stage(path, "extract"):
        decrees = pipeline.extract_document(doc)
    for i, d in enumerate(decrees, 1):
        d.decree_id = decree_id(doc.sha256, i)
        d.source_file = d.source_file or path.name
    return doc.sha256, [d for d in decrees if not is_not_decree([d])], len(doc.pages)


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
    """True when nothing here is a decree: ``kind`` OTHER with no jabatan, no nomor
    and no diktum (a Keputusan on another subject, with its nomor, is kept as OTHER)."""
    return all(
        d.kind == "OTHER" and not d.jabatan and not d.header.nomor and not d.diktum for d in decrees
    )


# -- public API ----------------------------------------------------------------


def extract(
    path_or_paths: Paths,
    *,
    password: str | None = None,
    skip_errors: bool = False,
    ocr: OcrSettings | None = None,
    merge: bool = True,
) -> list[Decree]:
    """Extract the decrees of files and/or folders (recursive), in input order.

    With ``merge`` (the default) the renderings of one decree in several files (its
    ``.txt``, ``.pdf`` and a scan) are one decree whose ``sources`` lists every file
    (the rule of ``batch``, :mod:`iki_extract.merge`); ``merge=False`` keeps one
    decree per file, e.g. to evaluate each rendering against the gold.  Files that
    hold no decree give nothing.  Raises :class:`ExtractError` on the first bad file
    unless ``skip_errors``.
    """
    decrees: list[Decree] = []
    seen: set[str] = set()
    for path in find_inputs(path_or_paths):
        try:
            sha, found = extract_file(path, password=password, ocr=ocr)
        except ExtractError:
            if not skip_errors:
                raise
            continue
        if sha not in seen:  # the same bytes twice are one input
            seen.add(sha)
            decrees.extend(found)
    return merge_duplicates(decrees).decrees if merge else decrees


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
    on_start: Callable[[Path], None] | None = None,
    inputs: list[Path] | Inputs | None = None,
    ocr: OcrSettings | None = None,
    merge: bool = True,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
    workers: int = 1,
) -> RunSummary:
    """Extract every input into ``out_dir``; one bad file never stops the run.

    Each file is read in an isolated child process (:mod:`iki_extract.isolation`):
    ``timeout`` seconds and ``max_memory_mb`` of address space at most (``None``:
    no limit), so a bomb or a hang is one error line.  ``workers`` files (and
    the OCR pages of one file) are read at once; the output is the same for
    any number of workers.

    Each file's decrees go to ``OUT/decrees/<decree_id>.json`` as soon as the file
    is done; the flat tables are written at the end, also when the run is
    interrupted (``KeyboardInterrupt`` is re-raised after writing them).  With
    ``merge`` (the default) near-duplicate decrees from different files are merged
    at the end (:mod:`iki_extract.merge`): the kept decree's JSON gets ``sources``
    and the merged ones' JSON files are removed.  After a complete run, decree JSON
    files left in ``OUT/decrees`` by earlier runs are removed, so the folder and the
    tables describe the same decrees.  A missing path is one failed input.
    ``on_start`` / ``on_file`` are called before / after each file (progress);
    ``inputs`` skips discovery when the caller already called :func:`discover_inputs`.
    """
    from .export.json_out import DECREES_SUBDIR, remove_leftovers

    out = Path(out_dir)
    try:
        return _extract_to(
            paths,
            out,
            password,
            on_file,
            on_start,
            inputs,
            ocr,
            merge,
            timeout,
            max_memory_mb,
            workers,
        )
    except OSError as exc:
        err = output_error(exc, out)
        if err is None:
            raise
        raise err from exc
    finally:
        remove_leftovers(out, out / DECREES_SUBDIR)


def _extract_to(
    paths: Paths,
    out: Path,
    password: str | None,
    on_file: Callable[[FileResult], None] | None,
    on_start: Callable[[Path], None] | None,
    inputs: list[Path] | Inputs | None,
    ocr: OcrSettings | None,
    merge: bool,
    timeout: float | None,
    max_memory_mb: int | None,
    workers: int,
) -> RunSummary:
    from .export import write_decree_json, write_tables
    from .export.json_out import DECREES_SUBDIR, remove_leftovers
    from .run_files import run_files

    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out, out / DECREES_SUBDIR)
    found = inputs if inputs is not None else discover_inputs(paths)
    if not isinstance(found, Inputs):
        found = Inputs(files=list(found))
    summary = RunSummary(out_dir=out, unsupported=[p.name for p in found.unsupported])
    kept: list[Decree] = []
    seen: dict[str, str] = {}
    _warm_up()  # before the clock: start-up, not extraction
    start = time.perf_counter()
    refused = set(found.symlinks)
    present = [p for p in found.files if p.exists() and p not in refused]
    outcomes = run_files(
        present,
        password=password,
        ocr=ocr,
        timeout=timeout,
        max_memory_mb=max_memory_mb,
        workers=max(1, workers),
    )
    try:
        for path in found.files:
            if on_start is not None:
                on_start(path)
            ready = path.exists() and path not in refused
            outcome = next(outcomes)[1] if ready else None
            result = _run_one(path, outcome, out, seen, write_decree_json)
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
        if merge:
            kept = _merge_written(kept, out, summary, write_decree_json)
        write_tables(to_frames(kept), out)
        summary.elapsed = time.perf_counter() - start
    return summary


def _merge_written(
    decrees: list[Decree],
    out: Path,
    summary: RunSummary,
    write_json: Callable[[Decree, Path], Path],
) -> list[Decree]:
    """Merge near-duplicates among the written decrees; fix their JSON files."""
    from .export.json_out import DECREES_SUBDIR

    result = merge_duplicates(decrees)
    summary.merged(result)
    for d in result.decrees:
        if len(d.sources) > 1:
            write_json(d, out)
    for dup_id in result.duplicate_of:
        (out / DECREES_SUBDIR / f"{dup_id}.json").unlink(missing_ok=True)
    return result.decrees


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
    outcome: Any,
    out: Path,
    seen: dict[str, str],
    write_json: Callable[[Decree, Path], Path],
) -> FileResult:
    """Record one file's isolated outcome: write its decree JSON, or keep its error line."""
    result = FileResult(path=path)
    if outcome is None:
        if path.is_symlink():
            result.error = str(InputError(path, "symlink not followed"))
        else:
            result.error = f"{one_line(str(path))}: no such file or folder"
        return result
    result.elapsed = outcome.elapsed
    if not outcome.ok:
        result.error = str(ExtractError(path, outcome.error or "failed", stage=outcome.stage or ""))
        return result
    value = outcome.value
    result.decrees, result.pages, result.warnings = value.decrees, value.pages, value.warnings
    try:
        if value.sha256 in seen:
            result.duplicate_of = seen[value.sha256]
        else:
            seen[value.sha256] = path.name
            with _stage(path, "export"):
                for d in result.decrees:
                    write_json(d, out)
        result.not_decree = is_not_decree(result.decrees)
    except ExtractError as exc:
        if isinstance(exc.__cause__, OSError) and output_error(exc.__cause__, out):
            raise exc.__cause__ from None  # the output cannot be written: stop the run
        result.error = str(exc)
        result.decrees = []
    return result


def _warm_up() -> None:
    """Load the lazily loaded parts once in this process, so every forked child starts warm."""
    from .batch.worker import warm_up

    warm_up()
