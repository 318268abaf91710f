"""The task function every executor runs: extract one file in an isolated child process.

:func:`run_task` is what the local process pool and Dask workers call.  It runs
:func:`iki_extract.run_files.extract_counted` under
:func:`iki_extract.isolation.call_isolated`: a forked child (``os.fork`` works in
pool workers and in Dask's daemonic worker processes alike) in its own process
group, with ``RLIMIT_AS`` at the worker's size plus ``max_memory_mb``, a private
temp folder, and a parent-death signal.  A timeout kills the child's whole group
(``tesseract`` included).  Every failure (an
:class:`~iki_extract.errors.ExtractError`, a memory-cap failure, a timeout, a
child killed by a signal) becomes a failed :class:`dict` result, so a bad file
never takes a worker down.  The result is plain data (``dict``) so that it
pickles the same way through ``concurrent.futures`` and Dask.
"""

from __future__ import annotations

import gc
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from .. import api
from ..isolation import call_isolated, guard_parent
from ..run_files import classify, extract_counted

MB = 2**20


def init_worker(driver_pid: int) -> None:
    """Pool-worker initializer: exit when the driver exits, and warm up."""
    guard_parent(driver_pid)
    warm_up()


def run_task(
    task: dict[str, Any],
    *,
    password: str | None = None,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
) -> dict[str, Any]:
    """Extract one file; never raises for a problem with the file.

    ``task`` holds ``sha256``, ``name`` (display name, for messages) and either
    ``path`` (a file this process can read) or ``data`` (the file's bytes plus
    ``basename``, used with a remote cluster).  Returns a result ``dict``:
    ``sha256``, ``ok``, ``decrees`` (``Decree.to_dict()`` each), ``pages``,
    ``stage``/``error_class``/``error`` on failure, ``elapsed`` (wall s), ``cpu_s``
    (CPU seconds of the child and its own children, e.g. tesseract), ``max_rss_kb``
    (peak resident memory of the child that did the work) and
    ``worker`` (``host:pid`` of the worker process).
    """
    warm_up()
    start = time.perf_counter()
    tmpdir = None
    try:
        path = task.get("path")
        if task.get("data") is not None:
            tmpdir = tempfile.mkdtemp(prefix="iki-task-")
            path = str(Path(tmpdir) / task.get("basename", "input"))
            Path(path).write_bytes(task["data"])
        outcome = call_isolated(
            _extract_dicts,
            path,
            password,
            timeout=timeout,
            max_memory_mb=max_memory_mb,
            classify=classify,
        )
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
    if outcome.ok:
        decrees, pages, warnings = outcome.value
        result: dict[str, Any] = {
            "ok": True,
            "decrees": decrees,
            "pages": pages,
            "warnings": warnings,
        }
    else:
        result = {
            "ok": False,
            "stage": outcome.stage,
            "error_class": outcome.error_class,
            "error": outcome.error,
            "decrees": [],
            "pages": 0,
        }
    result["max_rss_kb"] = outcome.max_rss_kb
    result["cpu_s"] = outcome.cpu_s
    result["sha256"] = task["sha256"]
    result["elapsed"] = time.perf_counter() - start
    result["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return result


def extract_counting_pages(path: str, password: str | None) -> tuple[list[dict], int]:
    """``api.extract_file`` plus the number of pages the reader produced (as dicts)."""
    decrees, pages, _warnings = _extract_dicts(path, password)
    return decrees, pages


def _extract_dicts(path: str, password: str | None) -> tuple[list[dict], int, list[str]]:
    out = extract_counted(path, password)
    return [d.to_dict() for d in out.decrees], out.pages, out.warnings


# -- warm-up -------------------------------------------------------------------------------

_WARM_TEXT = """PEMERINTAH KABUPATEN CONTOH
KECAMATAN CONTOH
KEPUTUSAN CAMAT CONTOH
NOMOR : 800/1/35.99.01/2024
TENTANG
INDIKATOR KINERJA INDIVIDU KECAMATAN CONTOH TAHUN 2024
CAMAT CONTOH,
Menimbang : a. bahwa perlu menetapkan indikator kinerja individu;
Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;
MEMUTUSKAN :
KESATU : Menetapkan Indikator Kinerja Individu sebagaimana tercantum dalam Lampiran.
Ditetapkan di Contoh
pada tanggal 2 Januari 2024
CAMAT CONTOH,
LAMPIRAN KEPUTUSAN CAMAT CONTOH
1. Jabatan : CAMAT
| NO | SASARAN | INDIKATOR KINERJA | FORMULASI | SUMBER DATA |
| 1 | Meningkatnya pelayanan | Indeks kepuasan masyarakat | Nilai IKM | Survei |
"""

_warm = False


def warm_up() -> None:
    """Load what extraction loads lazily (readers, vocabularies) once per worker process.

    Every file is extracted in a child forked from this process, so whatever is
    loaded here is shared by all of them instead of being reloaded per file.
    """
    global _warm
    if _warm:
        return
    _warm = True
    tmpdir = tempfile.mkdtemp(prefix="iki-warm-")
    try:
        txt = Path(tmpdir) / "warm.txt"
        txt.write_text(_WARM_TEXT, encoding="utf-8")
        api.extract_file(txt)
        pdf = Path(tmpdir) / "warm.pdf"
        _tiny_pdf(pdf)
        api.extract_file(pdf)
    except Exception:  # warming is an optimisation only
        pass
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    _preload_ocr_libraries()
    # the children's garbage collector then leaves the shared objects (and their pages) alone
    gc.freeze()


_OCR_MODULES = (
    "cv2",
    "pytesseract",
    "tesserocr",
    "iki_extract.ingest.ocr",
    "iki_extract.ingest.ocr_tables",
    "iki_extract.ingest.image_prep",
)


def _preload_ocr_libraries() -> None:
    """Import the OCR stack's libraries (no engine is started: that stays per child).

    The children then share these mappings instead of mapping them anew under their
    memory cap, where a small ``--max-memory`` would fail the import itself.
    """
    import importlib

    # before libtesseract/libgomp load: one OpenMP thread per process (see ocr_engine)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    for name in _OCR_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # an optional backend that is not installed
            continue


def _tiny_pdf(path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path))
    y = 800
    for line in _WARM_TEXT.splitlines()[:14]:
        c.drawString(50, y, line)
        y -= 14
    c.showPage()
    c.save()
