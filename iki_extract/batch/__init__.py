"""Batch over archives: folders and ``.zip`` files (nested too) into one resumable corpus.

>>> from iki_extract.batch import BatchOptions, run_batch
>>> summary = run_batch(["archives/"], "corpus", BatchOptions(workers=4))  # doctest: +SKIP
>>> print(summary.line())                                                # doctest: +SKIP

The work runs on a local process pool, a local Dask cluster or an existing Dask
cluster (:mod:`.executors`); each file is extracted in its own child process with a
time and memory limit (:mod:`.worker`); results are committed per file to
``CORPUS/manifest.sqlite`` (:mod:`.manifest`); the tables, the Parquet dataset and
``corpus.duckdb`` are rebuilt at the end from the manifest (:mod:`.corpus`).
"""

from __future__ import annotations

from .discover import ZipLimits
from .runner import BatchError, BatchOptions, BatchSummary, run_batch

__all__ = ["BatchError", "BatchOptions", "BatchSummary", "ZipLimits", "run_batch"]
