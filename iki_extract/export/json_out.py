"""Per-decree JSON output: ``OUT/decrees/<decree_id>.json``."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model import Decree

DECREES_SUBDIR = "decrees"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success move it onto ``target``.

    The temporary file lives in the same folder, so ``os.replace`` is atomic: a
    reader sees either the old file or the complete new one, never a half-written one.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(target: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return ``target``."""
    return atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_write(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` then move the result onto ``target`` atomically."""
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def decree_json(decree: Decree) -> str:
    """Serialise one decree as pretty-printed UTF-8 JSON text (keeps non-ASCII as is)."""
    return json.dumps(decree.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_decree_json(decree: Decree, out_dir: Path) -> Path:
    """Write ``OUT/decrees/<decree_id>.json`` atomically; return its path.

    Raises :class:`ValueError` when the decree has no ``decree_id`` yet.
    """
    if not decree.decree_id:
        raise ValueError("decree has no decree_id; assign one with iki_extract.ids.decree_id")
    target = Path(out_dir) / DECREES_SUBDIR / f"{decree.decree_id}.json"
    return atomic_write_text(target, decree_json(decree))


# what an interrupted run can leave behind: atomic_path's ".<name>.<random>.tmp", the
# DuckDB file being built (".corpus.duckdb.<random>" and its ".wal"), a Parquet table
# folder being built (".<table>.<random>") or swapped out (".<table>.old")
_LEFTOVER = re.compile(
    r"^\.(?:.+\.[A-Za-z0-9_]{8}\.tmp|corpus\.duckdb\.[A-Za-z0-9_]{8}(?:\.wal)?|"
    r"(?:decrees|jabatan|indikator|mengingat)\.(?:[A-Za-z0-9_]{8}|old))$"
)


def remove_leftovers(*folders: Path) -> list[Path]:
    """Remove the temporary files and folders a killed or failed run left in ``folders``."""
    removed = []
    for folder in folders:
        if not Path(folder).is_dir():
            continue
        for entry in Path(folder).iterdir():
            if not _LEFTOVER.match(entry.name) or entry.is_symlink():
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
