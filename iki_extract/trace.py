"""Opt-in timing trace of a run: ``IKI_TRACE=path`` appends JSON lines to ``path``.

Every isolated child (:func:`iki_extract.isolation.call_isolated`) writes one
``{"ev": "child", ...}`` line when it ends: its pid, its parent's pid, a label
(the function and its first argument), wall-clock start and end
(``time.time()``) and its own CPU seconds (user + system, without its
children).  :func:`span` writes ``{"ev": "span", ...}`` lines around named
steps (reading a file, the layout), with the process CPU time at both ends.
``bench/bench_workers.py --trace`` turns these lines into a schedule: total
CPU, the critical path and the idle core-seconds.

Without ``IKI_TRACE`` every function here is a no-op costing one dict lookup.
Each line is written with one ``write`` on a file opened with ``O_APPEND``, so
lines of concurrent processes do not interleave.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ENV = "IKI_TRACE"


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def own_cpu() -> float:
    """CPU seconds of this process alone (not of its children)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def emit(event: dict[str, Any]) -> None:
    """Append one event (plus this pid and its parent's) to the trace file, if any."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = json.dumps({**event, "pid": os.getpid(), "ppid": os.getppid()}, default=str) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:  # tracing never breaks a run
        pass


@contextmanager
def span(name: str, **extra: Any) -> Iterator[None]:
    """Trace the wall and CPU time of the ``with`` body as one ``span`` event."""
    if not enabled():
        yield
        return
    t0, c0 = time.time(), own_cpu()
    try:
        yield
    finally:
        emit({"ev": "span", "name": name, "t0": t0, "t1": time.time(), "cpu0": c0,
              "cpu1": own_cpu(), **extra})


def label(fn: Any, args: tuple[Any, ...]) -> str:
    """``"extract_counted(kec.pdf)"``: the function and a short form of its first argument."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", "call")
    if not args:
        return f"{name}()"
    first = args[0]
    if isinstance(first, os.PathLike):
        text = os.path.basename(os.fspath(first))
    elif isinstance(first, list | tuple) and first and all(isinstance(x, int) for x in first):
        text = f"pages {first[0]}-{first[-1]}" if len(first) > 1 else f"page {first[0]}"
    else:
        text = str(first)[:60]
    return f"{name}({text})"
