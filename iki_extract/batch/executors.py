"""Run :func:`~iki_extract.batch.worker.run_task` over many tasks on a chosen engine.

* ``local``: :class:`concurrent.futures.ProcessPoolExecutor` (``forkserver``
  start method, so the workers start from a clean single-threaded process);
* ``dask-local``: a :class:`distributed.LocalCluster` (``n_workers=N``,
  ``threads_per_worker=1``, ``processes=True``) started and stopped here;
* ``dask``: an existing cluster, ``distributed.Client("tcp://HOST:PORT")``; the
  file bytes travel with the task (the workers need not see the driver's disk).

Each engine yields plain result dicts as tasks complete, keeping at most
``2 x workers`` tasks in flight (so memory stays bounded on huge archives).
Writing results is the driver's job, never the workers'.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .worker import init_worker, run_task

EXECUTORS = ("local", "dask-local", "dask")


@dataclass(frozen=True)
class Task:
    """What the driver hands an engine: the content hash, a display name, a readable path."""

    sha256: str
    name: str
    path: Path
    size: int = 0

    def payload(self, *, with_bytes: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"sha256": self.sha256, "name": self.name}
        if with_bytes:
            out["data"] = self.path.read_bytes()
            out["basename"] = self.path.name
        else:
            out["path"] = str(self.path)
        return out


def crashed(task: Task, exc: BaseException) -> dict[str, Any]:
    """The result recorded when the engine lost a task (worker died, cluster error)."""
    message = " ".join(str(exc).split()) or "worker lost"
    return {
        "sha256": task.sha256,
        "ok": False,
        "stage": "worker",
        "error_class": type(exc).__name__,
        "error": message,
        "decrees": [],
        "pages": 0,
    }


def default_workers() -> int:
    return os.cpu_count() or 1


def run_tasks(
    tasks: Sequence[Task],
    *,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    password: str | None = None,
    timeout: float | None = 300.0,
    max_memory_mb: int | None = 2048,
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Yield ``(task, result)`` as tasks complete, on the chosen engine."""
    fn = partial(run_task, password=password, timeout=timeout, max_memory_mb=max_memory_mb)
    n = workers or default_workers()
    if scheduler or executor == "dask":
        if not scheduler:
            raise ValueError("the dask executor needs --scheduler tcp://HOST:PORT")
        yield from _run_dask(tasks, fn, scheduler=scheduler, workers=None)
    elif executor == "dask-local":
        yield from _run_dask(tasks, fn, scheduler=None, workers=n)
    elif executor == "local":
        yield from _run_pool(tasks, fn, n)
    else:
        raise ValueError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")


# -- local process pool ---------------------------------------------------------------


def _pool(n: int) -> ProcessPoolExecutor:
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if main is not None and not os.path.exists(main):  # python - / -c: no main file to import
        ctx = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["iki_extract.batch.worker"])
    return ProcessPoolExecutor(
        max_workers=n, mp_context=ctx, initializer=init_worker, initargs=(os.getpid(),)
    )


def _run_pool(tasks: Sequence[Task], fn: Any, n: int) -> Iterator[tuple[Task, dict[str, Any]]]:
    todo = list(reversed(tasks))  # pop() from the end keeps the given order
    window = 2 * n
    pool = _pool(n)
    pending: dict[Future, Task] = {}
    try:
        while todo or pending:
            while todo and len(pending) < window:
                task = todo.pop()
                pending[pool.submit(fn, task.payload(with_bytes=False))] = task
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                task = pending.pop(fut)
                try:
                    yield task, fut.result()
                except BrokenProcessPool as exc:
                    broken = True
                    yield task, crashed(task, exc)
            if broken:  # a worker died: every task in flight is lost; start a fresh pool
                for fut, task in list(pending.items()):
                    yield task, crashed(task, BrokenProcessPool("worker process died"))
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(n)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- Dask -------------------------------------------------------------------------------------


def _run_dask(
    tasks: Sequence[Task], fn: Any, *, scheduler: str | None, workers: int | None
) -> Iterator[tuple[Task, dict[str, Any]]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    remote = scheduler is not None
    try:
        slots = sum(client.nthreads().values()) or (workers or 1)
        window = 2 * max(slots, 1)
        todo = list(reversed(tasks))
        pending: dict[str, Task] = {}
        futures = as_completed()

        def submit() -> None:
            task = todo.pop()
            key = f"iki-extract-{task.sha256[:16]}-{uuid.uuid4().hex[:8]}"
            fut = client.submit(fn, task.payload(with_bytes=remote), key=key, pure=False)
            pending[key] = task
            futures.add(fut)

        while todo and len(pending) < window:
            submit()
        for fut in futures:
            task = pending.pop(fut.key)
            try:
                result = fut.result()
            except Exception as exc:  # KilledWorker, communication errors, ...
                result = crashed(task, exc)
            fut.release()
            yield task, result
            if todo:
                submit()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
