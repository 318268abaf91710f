"""Extract many files, each in an isolated child process, ``workers`` at a time.

Used by ``extract`` (:func:`iki_extract.api.extract_to`) and by the batch
workers: every file runs under :func:`iki_extract.isolation.call_isolated`
(own process group, ``--timeout``, ``--max-memory``, private temp folder,
dies with its parent), so a bomb or a hang becomes one error line and the run
goes on.  Results come back in input order, so the output does not depend on
the number of workers; with more than one worker the pages of one PDF that
need OCR are also shared among that many child processes (merged in page order).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ingest, trace
from .errors import ExtractError, InputError
from .ingest.route import OcrSettings
from .isolation import ChildError, Outcome, looks_like_memory_failure, map_isolated, memory_message
from .model import Decree


@dataclass
class FileOutput:
    """What one file gave, as sent back by the child."""

    sha256: str
    decrees: list[Decree] = field(default_factory=list)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


def extract_counted(
    path: str | Path, password: str | None = None, ocr: OcrSettings | None = None
) -> FileOutput:
    """:func:`iki_extract.api.extract_file` plus the page count and the reader's warnings.

    The page count is taken by wrapping ``ingest.read`` for the duration of the
    call (meant for a throw-away child process).
    """
    from . import api

    real_read = ingest.read
    seen: dict[str, Any] = {}

    def counting_read(*args: Any, **kwargs: Any):
        with trace.span("read"):
            doc = real_read(*args, **kwargs)
        seen["pages"] = len(doc.pages)
        seen["warnings"] = list(getattr(doc, "warnings", []) or [])
        return doc

    ingest.read = counting_read
    try:
        sha, decrees = api.extract_file(path, password=password, ocr=ocr)
    finally:
        ingest.read = real_read
    pages = seen.get("pages") or max((max(d.pages, default=0) for d in decrees), default=0)
    return FileOutput(sha, decrees, max(int(pages), 1), seen.get("warnings", []))


def classify(exc: BaseException, max_memory_mb: int | None) -> ChildError:
    """A child's exception as (stage, class, one-line reason); memory failures say so."""
    stage = getattr(exc, "stage", "worker")
    if isinstance(exc, MemoryError) or (max_memory_mb and looks_like_memory_failure(exc)):
        return ChildError(stage, "MemoryError", memory_message(max_memory_mb))
    if isinstance(exc, ExtractError):
        cause = exc.__cause__
        known = isinstance(exc, InputError) or cause is None
        error_class = type(exc).__name__ if known else type(cause).__name__
        return ChildError(exc.stage, error_class, " ".join(exc.reason.split()))
    return ChildError("worker", type(exc).__name__, " ".join(str(exc).split()) or "failed")


def run_files(
    paths: Sequence[Path],
    *,
    password: str | None = None,
    ocr: OcrSettings | None = None,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
    workers: int = 1,
) -> Iterator[tuple[Path, Outcome]]:
    """Yield ``(path, outcome)`` per file in input order; ``outcome.value`` is a :class:`FileOutput`."""
    settings = ocr or OcrSettings()
    if workers > 1:
        settings = dataclasses.replace(settings, workers=workers)
    outcomes = map_isolated(
        extract_counted,
        [(p, password, settings) for p in paths],
        start_order=sorted(range(len(paths)), key=lambda i: -_size(paths[i])),
        workers=workers,
        timeout=timeout,
        max_memory_mb=max_memory_mb,
        classify=classify,
    )
    with trace.span("run", files=len(paths), workers=workers):
        for path, outcome in zip(paths, outcomes):
            yield path, outcome


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
