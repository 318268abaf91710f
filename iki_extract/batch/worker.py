"""The task function every executor runs: extract one file in an isolated child process.

:func:`run_task` is what the local process pool and Dask workers call.  It forks
a child (``os.fork``: it works in pool workers and in Dask's daemonic worker
processes alike, where ``multiprocessing`` may not start children), and in the
child

* caps the address space with ``resource.setrlimit(RLIMIT_AS)`` at the
  worker's current size plus ``max_memory_mb`` (so a runaway file raises
  ``MemoryError`` there, never in the worker),
* runs :func:`iki_extract.api.extract_file`,
* sends the result back through a pipe (pickled plain data) and exits.

The parent enforces the time limit (the child is killed with SIGKILL when it
has not answered in ``timeout`` seconds) and turns every failure (an
:class:`~iki_extract.errors.ExtractError`, ``MemoryError``, a timeout, a child
killed by a signal) into a failed :class:`dict` result, so a bad file never
takes a worker down.  The result is plain data (``dict``) so that it pickles
the same way through ``concurrent.futures`` and Dask.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import select
import shutil
import signal
import socket
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from .. import api, ingest
from ..errors import ExtractError, InputError

MB = 2**20
_READ_CHUNK = 1 << 16


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
        result = _in_child(path, password, timeout, max_memory_mb)
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
    result.setdefault("decrees", [])
    result.setdefault("pages", 0)
    result.setdefault("max_rss_kb", 0)
    result.setdefault("cpu_s", 0.0)
    result["sha256"] = task["sha256"]
    result["elapsed"] = time.perf_counter() - start
    result["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return result


def extract_counting_pages(path: str, password: str | None) -> tuple[list[dict], int]:
    """``api.extract_file`` plus the number of pages the reader produced.

    The page count is taken by wrapping ``ingest.read`` for the duration of the
    call (this runs in the throw-away child process only).
    """
    real_read = ingest.read
    seen: dict[str, int] = {}

    def counting_read(*args: Any, **kwargs: Any):
        doc = real_read(*args, **kwargs)
        seen["pages"] = len(doc.pages)
        return doc

    ingest.read = counting_read
    try:
        _sha, decrees = api.extract_file(path, password=password)
    finally:
        ingest.read = real_read
    pages = seen.get("pages") or max((max(d.pages, default=0) for d in decrees), default=0)
    return [d.to_dict() for d in decrees], max(pages, 1)


# -- the child process --------------------------------------------------------


def _in_child(
    path: str, password: str | None, timeout: float | None, max_memory_mb: int | None
) -> dict[str, Any]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child_main(write_fd, path, password, max_memory_mb)
    os.close(write_fd)
    try:
        data, timed_out = _read_all(read_fd, timeout)
    finally:
        os.close(read_fd)
    if timed_out:
        _kill(pid)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return _failure("timeout", "TimeoutError", f"no result within {timeout:g} s")
    try:
        return pickle.loads(data)
    except Exception:
        pass
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
        hint = f" (memory limit {max_memory_mb} MB?)" if max_memory_mb else ""
        return _failure("worker", "WorkerCrash", f"extraction process killed by {name}{hint}")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return _failure("worker", "WorkerCrash", f"extraction process exited with code {code}")


def _child_main(fd: int, path: str, password: str | None, max_memory_mb: int | None) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides about Ctrl-C
        if max_memory_mb:
            _limit_memory(max_memory_mb)
        try:
            decrees, pages = extract_counting_pages(path, password)
            result = {"ok": True, "decrees": decrees, "pages": pages}
        except ExtractError as exc:
            result = _from_extract_error(exc, max_memory_mb)
        except MemoryError:
            result = _memory_failure("extract", max_memory_mb)
        except Exception as exc:  # a bug outside the stage wrappers
            msg = " ".join(str(exc).split()) or traceback.format_exc(limit=1)
            result = _failure("worker", type(exc).__name__, msg)
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # e.g. tesseract
        result["max_rss_kb"] = max(own.ru_maxrss, kids.ru_maxrss)
        result["cpu_s"] = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        code = 3
    finally:
        os._exit(code)


def _limit_memory(max_memory_mb: int) -> None:
    """Cap this process's address space at its current size plus ``max_memory_mb``."""
    current = _vm_size()
    limit = current + max_memory_mb * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _from_extract_error(exc: ExtractError, max_memory_mb: int | None) -> dict[str, Any]:
    cause = exc.__cause__
    if isinstance(cause, MemoryError):
        return _memory_failure(exc.stage, max_memory_mb)
    # a known input problem keeps its own class; an unexpected one shows what was raised
    known = isinstance(exc, InputError) or cause is None
    error_class = type(exc).__name__ if known else type(cause).__name__
    return _failure(exc.stage, error_class, " ".join(exc.reason.split()))


def _memory_failure(stage: str, max_memory_mb: int | None) -> dict[str, Any]:
    return _failure(stage, "MemoryError", f"memory limit of {max_memory_mb} MB exceeded")


def _failure(stage: str, error_class: str, message: str) -> dict[str, Any]:
    return {"ok": False, "stage": stage, "error_class": error_class, "error": message}


def _read_all(fd: int, timeout: float | None) -> tuple[bytes, bool]:
    """Read ``fd`` to EOF; ``(data, True)`` when ``timeout`` seconds passed first."""
    deadline = None if not timeout else time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            return b"".join(chunks), True
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, _READ_CHUNK)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


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
    # the children's garbage collector then leaves the shared objects (and their pages) alone
    gc.freeze()


def _tiny_pdf(path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path))
    y = 800
    for line in _WARM_TEXT.splitlines()[:14]:
        c.drawString(50, y, line)
        y -= 14
    c.showPage()
    c.save()
