"""Input discovery: which files of the paths given are inputs, and which are not.

A folder is searched recursively; hidden files and folders and companion files
(READMEs, gold files, notes) are skipped, files of a type no reader handles are
listed so the summary can name them, and symlinks are recorded, never followed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from . import ingest

PathLike = str | Path
Paths = PathLike | Iterable[PathLike]


@dataclass
class Inputs:
    """What discovery found: the input files, and files met inside folders that the
    tool cannot read (``unsupported``, reported in the summary, never silently dropped)."""

    files: list[Path] = field(default_factory=list)
    unsupported: list[Path] = field(default_factory=list)
    # symlinks met inside folders (also in ``files``): refused, never followed
    symlinks: list[Path] = field(default_factory=list)


def discover_inputs(paths: Paths) -> Inputs:
    """Expand files and folders into the input files, in a stable order.

    A folder is searched recursively for files with a supported suffix, sorted by
    path; hidden files and folders and companion files (``README*``, gold files
    and notes: ``*.gold.*``, ``*.notes.md``) are skipped, and other files with an
    unsupported suffix are listed in ``unsupported``.  A path named directly is
    kept whatever it is (missing, unsupported), so that it is reported, not
    ignored.  Duplicates are dropped.
    """
    seen: set[Path] = set()
    found = Inputs()
    for p in _as_list(paths):
        files, unsupported = _expand(Path(p), found.symlinks)
        found.unsupported.extend(unsupported)
        for f in files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                found.files.append(f)
    return found


def find_inputs(paths: Paths) -> list[Path]:
    """The input files of :func:`discover_inputs` (files and folders expanded)."""
    return discover_inputs(paths).files


def _as_list(paths: Paths) -> list[PathLike]:
    if isinstance(paths, str | Path):
        return [paths]
    return list(paths)


def _expand(path: Path, links: list[Path] | None = None) -> tuple[list[Path], list[Path]]:
    """``(inputs, unsupported files)`` of a path: itself, or a folder's files."""
    if not path.is_dir():
        return [path], []
    inputs: list[Path] = []
    unsupported: list[Path] = []
    for f in sorted(path.rglob("*")):
        rel = f.relative_to(path)
        if f.is_symlink():  # never followed: reported as a refused input
            if not any(part.startswith(".") for part in rel.parts) and (
                f.is_dir() or is_input(rel)
            ):
                inputs.append(f)
                if links is not None:
                    links.append(f)
            continue
        if not f.is_file():
            continue
        if is_input(rel):
            inputs.append(f)
        elif _is_unsupported(rel):
            unsupported.append(f)
    return inputs, unsupported


_COMPANION_FILES = ("readme*", "*.gold.*", "*.notes.md")


def is_input(rel: Path) -> bool:
    """Whether a file found under a folder (path relative to it) is an input."""
    if rel.suffix.lower() not in ingest.SUPPORTED_SUFFIXES:
        return False
    if any(part.startswith(".") for part in rel.parts):
        return False
    return not _is_companion(rel)


def _is_companion(rel: Path) -> bool:
    name = rel.name.lower()
    return any(fnmatch(name, pattern) for pattern in _COMPANION_FILES)


def _is_unsupported(rel: Path) -> bool:
    """A visible, non-companion file whose type no reader handles."""
    if rel.suffix.lower() in ingest.SUPPORTED_SUFFIXES:
        return False
    return not any(part.startswith(".") for part in rel.parts) and not _is_companion(rel)
