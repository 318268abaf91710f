"""The batch driver: discover, skip what is done, run the rest, record, build the corpus."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..errors import OutputError, output_error
from ..export.json_out import DECREES_SUBDIR, remove_leftovers
from ..progress import plural
from .corpus import (
    DUPLICATES_SUBDIR,
    PARQUET_SUBDIR,
    CorpusStats,
    build_corpus,
    decree_json_path,
    with_sources,
    write_decree_dict,
)
from .dedupe import DEFAULT_THRESHOLD
from .discover import ZipLimits, clear_staging, discover
from .executors import Task, default_workers, run_tasks
from .manifest import MANIFEST_NAME, Manifest
from .progress import Progress

STAGING = ".staging"
LOCK_NAME = ".lock"


class BatchError(Exception):
    """The run cannot start (corpus locked by another run, bad options)."""


@dataclass
class BatchOptions:
    executor: str = "local"  # local | dask-local | dask (with scheduler)
    workers: int | None = None  # default: os.cpu_count()
    scheduler: str | None = None  # tcp://HOST:PORT of an existing Dask scheduler
    timeout: float | None = 300.0  # seconds per file
    max_memory_mb: int | None = 2048  # address space one file may add, per worker
    password: str | None = None
    limits: ZipLimits = field(default_factory=ZipLimits)
    dedupe_threshold: float = DEFAULT_THRESHOLD


@dataclass
class BatchSummary:
    """Totals of one :func:`run_batch` run (``corpus_*`` describe the whole corpus)."""

    inputs: int = 0  # input names found (files and archive members)
    distinct: int = 0  # distinct contents among them
    skipped: int = 0  # distinct contents already done by an earlier run
    tasks: int = 0  # contents sent to the workers this run
    ok: int = 0
    failed: int = 0
    rejected: int = 0  # refused before extraction (unsafe zip member, symlink, ...)
    pages: int = 0
    decrees: int = 0  # decrees extracted this run
    elapsed: float = 0.0
    extract_elapsed: float = 0.0
    corpus: CorpusStats = field(default_factory=CorpusStats)
    worker_max_rss_kb: dict[str, int] = field(default_factory=dict)
    out_dir: Path | None = None
    interrupted: bool = False

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.extract_elapsed if self.extract_elapsed > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.failed + self.rejected

    def line(self) -> str:
        c = self.corpus
        text = (
            f"{plural(self.inputs, 'input')} ({self.distinct} distinct, {self.skipped} done "
            f"before, {self.rejected} rejected): {self.ok} ok, {self.failed} failed; "
            f"{plural(self.pages, 'page')} in {self.extract_elapsed:.1f} s "
            f"({self.pages_per_s:.1f} pages/s); "
            f"corpus {plural(c.decrees, 'decree')} ({plural(c.duplicates, 'duplicate')} merged), "
            f"{plural(c.indikator, 'indikator row')}, {plural(c.errors, 'error')}"
        )
        if self.out_dir is not None:
            text += f" -> {self.out_dir}"
        return text + (" (interrupted)" if self.interrupted else "")


def run_batch(
    sources: Iterable[str | Path],
    corpus: str | Path,
    options: BatchOptions | None = None,
    *,
    stream: TextIO | None = None,
    quiet: bool = False,
    on_result: Callable[[Task, dict[str, Any]], None] | None = None,
) -> BatchSummary:
    """Convert folders and ``.zip`` archives into one corpus at ``corpus`` (resumable).

    Safe to re-run and to kill: each file's result is committed as it completes,
    done contents are skipped, and the tables are rebuilt from the manifest at the
    end (also after Ctrl-C, before ``KeyboardInterrupt`` is re-raised).
    """
    out = Path(corpus)
    try:
        return _run_batch(sources, out, options or BatchOptions(), stream, quiet, on_result)
    except OSError as exc:
        err = output_error(exc, out)
        if err is None:
            raise
        raise err from exc
    except sqlite3.OperationalError as exc:  # read-only folder, full disk under the manifest
        raise OutputError(out / MANIFEST_NAME, " ".join(str(exc).split())) from exc


def _run_batch(
    sources: Iterable[str | Path],
    out: Path,
    opts: BatchOptions,
    stream: TextIO | None,
    quiet: bool,
    on_result: Callable[[Task, dict[str, Any]], None] | None,
) -> BatchSummary:
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary(out_dir=out)
    start = time.perf_counter()
    with _lock(out), Manifest(out / MANIFEST_NAME) as manifest:
        try:
            return _run_locked(
                sources, out, opts, stream, quiet, on_result, manifest, summary, start
            )
        finally:
            clear_staging(out / STAGING)  # on every exit path (full disk, Ctrl-C, a bug)


def _run_locked(
    sources: Iterable[str | Path],
    out: Path,
    opts: BatchOptions,
    stream: TextIO | None,
    quiet: bool,
    on_result: Callable[[Task, dict[str, Any]], None] | None,
    manifest: Manifest,
    summary: BatchSummary,
    start: float,
) -> BatchSummary:
    progress = Progress(0, stream=stream, quiet=quiet)
    progress.phase("discovering inputs")
    staging = out / STAGING
    clear_staging(staging)
    remove_leftovers(out, out / DECREES_SUBDIR, out / DUPLICATES_SUBDIR, out / PARQUET_SUBDIR)
    try:
        found = discover(
            [Path(s) for s in sources],
            staging,
            password=opts.password,
            limits=opts.limits,
            exclude=out,
        )
    except BaseException:
        progress.close()
        raise
    manifest.add_sources((i.sha256, i.name) for i in found.items)
    manifest.set_inputs(
        ((i.name, i.sha256) for i in found.items),
        ((r.name, r.stage, r.error_class, r.message) for r in found.rejected),
    )
    names = manifest.names()
    tasks = _tasks(found.items, manifest, out, summary)
    summary.rejected = len(found.rejected)
    executor = "dask" if opts.scheduler else opts.executor
    workers = opts.workers or default_workers()
    run_id = manifest.start_run(executor, workers)
    progress.phase(
        f"{plural(len(found.items), 'input')}, {len(tasks)} to extract; "
        f"starting {plural(workers, 'worker')}",
        total=len(tasks),
    )
    t0 = time.perf_counter()
    try:
        results = run_tasks(
            tasks,
            executor=executor,
            workers=workers,
            scheduler=opts.scheduler,
            password=opts.password,
            timeout=opts.timeout,
            max_memory_mb=opts.max_memory_mb,
        )
        for task, result in results:
            _store(out, manifest, result, names.get(task.sha256) or [task.name])
            _count(summary, result)
            progress.update(task.name, result)
            if on_result is not None:
                on_result(task, result)
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        summary.extract_elapsed = time.perf_counter() - t0
        progress.close()
        summary.corpus = build_corpus(out, manifest, threshold=opts.dedupe_threshold)
        manifest.end_run(
            run_id,
            tasks=summary.tasks,
            ok=summary.ok,
            failed=summary.failed,
            pages=summary.pages,
            interrupted=int(summary.interrupted),
        )
        clear_staging(staging)
        summary.elapsed = time.perf_counter() - start
    return summary


def _tasks(items: list[Any], manifest: Manifest, out: Path, summary: BatchSummary) -> list[Task]:
    """One task per distinct content not done yet (largest first: better load balance)."""
    first: dict[str, Any] = {}
    for item in sorted(items, key=lambda i: i.name):
        first.setdefault(item.sha256, item)
    summary.inputs = len(items)
    summary.distinct = len(first)
    status = manifest.statuses()
    done = {sha for sha, ids in manifest.done() if _complete(out, ids)}
    tasks = []
    for sha, item in first.items():
        if status.get(sha) == "done" and sha in done:
            summary.skipped += 1
            continue
        tasks.append(Task(sha256=sha, name=item.name, path=item.path, size=item.size))
    tasks.sort(key=lambda t: (-t.size, t.sha256))
    summary.tasks = len(tasks)
    return tasks


def _complete(out: Path, ids: list[str]) -> bool:
    """Whether every decree JSON of a done file is still on disk (else it is redone)."""
    return all(decree_json_path(out, i) is not None for i in ids)


def _store(out: Path, manifest: Manifest, result: dict[str, Any], names: list[str]) -> None:
    """Write the file's decree JSON files (atomically), then commit its manifest row."""
    if result.get("ok"):
        for d in result.get("decrees", []):
            pages = list((d.get("source") or {}).get("pages") or [])
            write_decree_dict(out, with_sources(d, [{"file": n, "pages": pages} for n in names]))
    manifest.record(result, names)


def _count(summary: BatchSummary, result: dict[str, Any]) -> None:
    summary.pages += int(result.get("pages") or 0)
    if result.get("ok"):
        summary.ok += 1
        summary.decrees += len(result.get("decrees") or [])
    else:
        summary.failed += 1
    worker = result.get("worker")
    if worker:
        rss = int(result.get("max_rss_kb") or 0)
        summary.worker_max_rss_kb[worker] = max(summary.worker_max_rss_kb.get(worker, 0), rss)


class _lock:
    """An exclusive ``flock`` on ``CORPUS/.lock`` (released by the OS if we are killed)."""

    def __init__(self, out: Path) -> None:
        self.path = out / LOCK_NAME

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise BatchError(f"another batch run is writing to {self.path.parent}") from None

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
