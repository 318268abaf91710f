"""Run one piece of work in a throw-away child process, with hard limits.

:func:`call_isolated` forks a child that runs ``fn(*args)`` and sends its result
back through a pipe.  The child

* is the leader of its own process group (``os.setpgid(0, 0)``), so a timeout
  kills it *and* everything it started (``tesseract`` included) with one
  ``killpg``;
* gets a private ``TMPDIR`` (``tempfile.tempdir`` too), created by the parent
  and always removed by the parent after the child is gone, so temp files of
  libraries (``tess_*``) never outlive the call;
* caps its address space (``RLIMIT_AS``) at its current size plus
  ``max_memory_mb``; a failure caused by the cap is reported as
  ``"memory limit of N MB exceeded"``;
* dies with its parent: ``PR_SET_PDEATHSIG`` (SIGTERM, whose handler kills the
  whole group) plus a watchdog thread that polls the parent pid.

:func:`guard_parent` gives a long-lived worker process (a pool worker) the same
parent-death protection without a new group.

Failures never raise: the result is an :class:`Outcome` whose ``error`` is one
line (``"timed out after 5 s"``, ``"memory limit of 256 MB exceeded"``,
``"extraction process killed by SIGSEGV"``) and ``error_class``/``stage`` say
what kind of failure it was.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import re
import resource
import select
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import trace

MB = 2**20
_READ_CHUNK = 1 << 16
_PR_SET_PDEATHSIG = 1
POLL_S = 0.25  # how often a child checks that its parent is still there
_FORK_LOCK = threading.Lock()
_LIVE: dict[int, bool] = {}  # pid -> own group, of the children running now
_ALLOC_FAILURE = re.compile(
    r"(cannot|unable to|could not|failed to) allocate|out of memory|bad_alloc|"
    r"MemoryError|insufficient memory|not enough memory|failed to map segment|"
    r"Cannot allocate memory",
    re.IGNORECASE,
)


class ChildError(Exception):
    """A failure inside the child, carried back as plain data."""

    def __init__(self, stage: str, error_class: str, message: str) -> None:
        super().__init__(message)
        self.stage, self.error_class, self.message = stage, error_class, message


@dataclass
class Outcome:
    """What came back from one isolated call."""

    value: Any = None
    error: str | None = None
    error_class: str | None = None
    stage: str | None = None
    elapsed: float = 0.0
    cpu_s: float = 0.0
    max_rss_kb: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


def memory_message(max_memory_mb: int | None) -> str:
    return f"memory limit of {max_memory_mb} MB exceeded" if max_memory_mb else "out of memory"


def timeout_message(timeout: float) -> str:
    return f"timed out after {timeout:g} s"


def looks_like_memory_failure(exc: BaseException) -> bool:
    """An exception (or its cause chain) that a failed allocation produces."""
    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 8:
        if isinstance(e, MemoryError) or _ALLOC_FAILURE.search(f"{type(e).__name__}: {e}"):
            return True
        e = e.__cause__ or e.__context__
        seen += 1
    return False


def call_isolated(
    fn: Callable[..., Any],
    *args: Any,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
    new_group: bool = True,
    classify: Callable[[BaseException, int | None], ChildError] | None = None,
) -> Outcome:
    """Run ``fn(*args)`` in a forked child under the limits above.

    ``classify`` turns an exception raised by ``fn`` into a :class:`ChildError`
    (stage, class, message) inside the child; the default keeps the class name
    and the message, and reports allocation failures as a memory-limit error.
    ``new_group=False`` keeps the child in the caller's process group (helpers
    of an isolated child, which a timeout of the caller must also kill).
    """
    child = start_isolated(
        fn, *args, timeout=timeout, max_memory_mb=max_memory_mb, new_group=new_group,
        classify=classify,
    )
    return child.result()


@dataclass
class Started:
    """A child forked by :func:`start_isolated`; :meth:`result` waits for it."""

    pid: int
    read_fd: int
    tmpdir: str
    start: float
    timeout: float | None
    max_memory_mb: int | None
    new_group: bool

    def result(self) -> Outcome:
        """Read the child's answer (to EOF, or until the timeout) and reap it."""
        pid, new_group = self.pid, self.new_group
        try:
            try:
                wait = None if not self.timeout else self.timeout - (
                    time.perf_counter() - self.start
                )
                data, timed_out = _read_all(self.read_fd, wait if wait is None else max(wait, 1e-3))
            finally:
                os.close(self.read_fd)
        except BaseException:  # Ctrl-C in the caller: do not leave the child behind
            _kill(pid, new_group)
            os.waitpid(pid, 0)
            _LIVE.pop(pid, None)
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            raise
        if timed_out:
            _kill(pid, new_group)
        _, status = os.waitpid(pid, 0)
        _LIVE.pop(pid, None)
        if new_group:
            _kill(pid, True)  # anything the child started and left behind
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        out = _outcome(data, status, timed_out, self.timeout, self.max_memory_mb)
        out.elapsed = time.perf_counter() - self.start
        return out

    def kill(self) -> None:
        """Kill the child and reap it (when the caller gives up on it)."""
        _kill(self.pid, self.new_group)
        try:
            self.result()
        except BaseException:
            pass


def start_isolated(
    fn: Callable[..., Any],
    *args: Any,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
    new_group: bool = True,
    classify: Callable[[BaseException, int | None], ChildError] | None = None,
) -> Started:
    """Fork the child of :func:`call_isolated` now and return without waiting.

    The caller can work while the child runs (e.g. read one run of pages itself
    while children read the others) and must call ``result()`` (or ``kill()``)
    on the handle.  The child's timeout counts from here.
    """
    start = time.perf_counter()
    tmpdir = tempfile.mkdtemp(prefix="iki-child-")
    parent = os.getpid()
    with _FORK_LOCK:  # no other thread forks while this pipe's write end is open here
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            _child(write_fd, parent, tmpdir, new_group, max_memory_mb, fn, args, classify)
        _LIVE[pid] = new_group
        os.close(write_fd)
    if new_group:
        try:  # set it from both sides, so a kill right after fork reaches the group
            os.setpgid(pid, pid)
        except OSError:
            pass
    return Started(pid, read_fd, tmpdir, start, timeout, max_memory_mb, new_group)


def _outcome(
    data: bytes, status: int, timed_out: bool, timeout: float | None, max_memory_mb: int | None
) -> Outcome:
    if timed_out:
        return Outcome(
            error=timeout_message(timeout or 0), error_class="TimeoutError", stage="timeout"
        )
    try:
        payload = pickle.loads(data)
    except Exception:
        payload = None
    if isinstance(payload, dict):
        if payload.get("error_class") == "KeyboardInterrupt":
            raise KeyboardInterrupt
        return Outcome(**payload)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGABRT and max_memory_mb:  # a C/C++ library whose allocation failed
            return Outcome(
                error=memory_message(max_memory_mb) + " (the process aborted)",
                error_class="MemoryError",
                stage="worker",
            )
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return Outcome(
            error=f"extraction process killed by {name}", error_class="WorkerCrash", stage="worker"
        )
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code == 4:
        return Outcome(
            error=memory_message(max_memory_mb), error_class="MemoryError", stage="worker"
        )
    return Outcome(
        error=f"extraction process exited with code {code}",
        error_class="WorkerCrash",
        stage="worker",
    )


# -- the child ----------------------------------------------------------------------


def _child(
    fd: int,
    parent: int,
    tmpdir: str,
    new_group: bool,
    max_memory_mb: int | None,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    classify: Callable[[BaseException, int | None], ChildError] | None,
) -> None:
    global _FORK_LOCK
    code = 0
    started = time.time()
    try:
        # the parent held the fork lock while forking: this process needs its own, free
        _FORK_LOCK = threading.Lock()
        _LIVE.clear()
        if new_group:
            try:
                os.setpgid(0, 0)
            except OSError:
                pass
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides about Ctrl-C
        _die_with_parent(parent, kill_group=new_group)
        os.environ["TMPDIR"] = tmpdir
        tempfile.tempdir = tmpdir
        if max_memory_mb:
            limit_memory(max_memory_mb)
        try:
            payload: dict[str, Any] = {"value": fn(*args)}
        except MemoryError:
            payload = _err(ChildError("worker", "MemoryError", memory_message(max_memory_mb)))
        except KeyboardInterrupt:  # raised by the work itself: the caller re-raises it
            payload = {"error": "interrupted", "error_class": "KeyboardInterrupt"}
        except BaseException as exc:
            payload = _err((classify or default_classify)(exc, max_memory_mb))
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # e.g. tesseract
        payload["max_rss_kb"] = max(own.ru_maxrss, kids.ru_maxrss)
        payload["cpu_s"] = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
        if trace.enabled():
            trace.emit({"ev": "child", "label": trace.label(fn, args), "t0": started,
                        "t1": time.time(), "cpu": own.ru_utime + own.ru_stime,
                        "ok": "error" not in payload})
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            code = 4
            data = b""
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except MemoryError:
        code = 4
    except BaseException:
        code = 3
    finally:
        os._exit(code)


def _err(e: ChildError) -> dict[str, Any]:
    return {"error": e.message, "error_class": e.error_class, "stage": e.stage}


def default_classify(exc: BaseException, max_memory_mb: int | None) -> ChildError:
    if max_memory_mb and looks_like_memory_failure(exc):
        return ChildError(
            getattr(exc, "stage", "worker"), "MemoryError", memory_message(max_memory_mb)
        )
    text = getattr(exc, "reason", None) or str(exc)  # ExtractError: the reason, not "file: ..."
    msg = " ".join(str(text).split()) or traceback.format_exc(limit=1).strip()
    return ChildError(getattr(exc, "stage", "worker"), type(exc).__name__, msg)


def limit_memory(max_memory_mb: int) -> None:
    """Cap this process's address space at its current size plus ``max_memory_mb``."""
    limit = vm_size() + max_memory_mb * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- dying with the parent --------------------------------------------------------------


def _prctl_pdeathsig(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _die_now(kill_group: bool) -> None:
    if kill_group:
        try:
            os.killpg(os.getpgid(0), signal.SIGKILL)
        except OSError:
            pass
    os.kill(os.getpid(), signal.SIGKILL)


def _die_with_parent(parent: int, *, kill_group: bool) -> None:
    """Exit (with the whole group when ``kill_group``) as soon as ``parent`` is gone."""
    if kill_group:
        signal.signal(signal.SIGTERM, lambda *_: _die_now(True))
        _prctl_pdeathsig(signal.SIGTERM)
    else:
        _prctl_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:  # it died before the signal was armed
        _die_now(kill_group)
    _watchdog(lambda: os.getppid() != parent, kill_group)


def _watchdog(gone: Callable[[], bool], kill_group: bool) -> None:
    def loop() -> None:
        while not gone():
            time.sleep(POLL_S)
        _die_now(kill_group)

    threading.Thread(target=loop, name="iki-parent-watchdog", daemon=True).start()


def guard_parent(parent: int | None = None) -> None:
    """Make this long-lived process (a pool worker) exit when ``parent`` exits.

    ``parent`` is the driver's pid (default: the current parent).  The
    parent-death signal covers the direct parent; the watchdog also notices the
    driver going away when the direct parent is a fork server.
    """
    direct = os.getppid()
    driver = parent or direct
    _prctl_pdeathsig(signal.SIGKILL)

    def gone() -> bool:
        if os.getppid() != direct:
            return True
        try:
            os.kill(driver, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False

    if gone():
        os._exit(1)
    _watchdog(gone, kill_group=False)


# -- pipe and kill ------------------------------------------------------------------


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


def _kill(pid: int, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def map_isolated(
    fn: Callable[..., Any],
    argsets: list[tuple[Any, ...]],
    *,
    workers: int = 1,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
    new_group: bool = True,
    classify: Callable[[BaseException, int | None], ChildError] | None = None,
    start_order: list[int] | None = None,
) -> Iterator[Outcome]:
    """``call_isolated(fn, *args)`` for every argset, ``workers`` children at a time.

    Outcomes are yielded in the order of ``argsets`` (whatever order they finish
    in), so the caller's output does not depend on ``workers``.  Each child is
    forked by a driver thread that waits for it, so a child's parent-death
    signal fires when this process dies.  ``start_order`` (indices into
    ``argsets``) is the order in which the children are started, e.g. the
    largest files first.
    """
    kwargs = dict(
        timeout=timeout, max_memory_mb=max_memory_mb, new_group=new_group, classify=classify
    )
    if workers <= 1 or len(argsets) <= 1:
        for args in argsets:
            yield call_isolated(fn, *args, **kwargs)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="iki-isolated") as pool:
        order = start_order if start_order is not None else list(range(len(argsets)))
        by_index = {i: pool.submit(call_isolated, fn, *argsets[i], **kwargs) for i in order}
        futures = [by_index[i] for i in range(len(argsets))]
        try:
            for fut in futures:
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()
            kill_running()


def kill_running() -> None:
    """Kill every isolated child this process is waiting for (on Ctrl-C or an early exit)."""
    for pid, group in list(_LIVE.items()):
        _kill(pid, group)
