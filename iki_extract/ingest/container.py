"""Guards for office containers (OOXML .docx/.xlsx and ODF .odt are zip files).

Every office file passes :func:`check_zip` before any reader opens it.  It refuses,
with a one-line :class:`~iki_extract.errors.InputError`:

* a corrupt or truncated container ("corrupt DOCX container: ...");
* more members than :attr:`ContainerLimits.max_members`;
* a member name that is absolute, has a drive letter, ``..`` or a backslash path
  (path traversal: nothing is ever extracted by name, but such a file is hostile);
* a zip bomb: one member expanding past ``max_member_bytes``, all members together
  past ``max_total_bytes``, or a member over 1 MB whose compression ratio exceeds
  ``max_ratio``.  The sizes a zip declares are binding: :mod:`zipfile` stops reading a
  member at its declared size and checks its CRC, so a lying header gives a corrupt-file
  error, not a bigger output;
* encrypted members.

Macro-enabled documents (``.docm``, ``.xlsm``, ``.dotm``, ``.xltm``) are refused by
suffix (:func:`refuse_macro_suffix`); a ``.docx``/``.xlsx`` that carries a
``vbaProject.bin`` is read as text only — no reader here ever loads or runs macros, and
external relationships (linked images, external workbook links, remote templates) are
never fetched: the readers only read the container's own parts.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError

MACRO_SUFFIXES = frozenset({".docm", ".dotm", ".xlsm", ".xltm", ".xlsb"})
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ContainerLimits:
    """Size limits of one office container (bytes unless said otherwise)."""

    max_file_bytes: int = 64 * 2**20
    max_members: int = 10_000
    max_member_bytes: int = 256 * 2**20
    max_total_bytes: int = 1 * 2**30
    max_ratio: float = 100.0
    ratio_min_bytes: int = 2**20  # small members may compress very well (XML of blanks)


DEFAULT_LIMITS = ContainerLimits()


def refuse_macro_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise InputError(
            path,
            f"macro-enabled document refused ({suffix}): macros are never run; "
            "save it as .docx/.xlsx to read it",
        )


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or "\\" in name:
        return True
    return ".." in PurePosixPath(name).parts


def check_zip(path: Path, data: bytes, kind: str,
              limits: ContainerLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Open ``data`` as a zip and run every guard; return the open :class:`ZipFile`."""
    if len(data) > limits.max_file_bytes:
        raise InputError(
            path,
            f"file too large: {len(data) / 2**20:.1f} MB > {limits.max_file_bytes / 2**20:g} MB "
            f"limit for {kind} files",
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(path, f"corrupt {kind} container: {_short(exc)}") from exc
    if len(infos) > limits.max_members:
        raise InputError(path, f"zip bomb refused: {len(infos)} members > {limits.max_members}")
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise InputError(path, f"unsafe member name refused (path traversal): {name[:80]!r}")
        if info.flag_bits & 0x1:
            raise InputError(path, f"encrypted {kind} member refused: {name[:80]!r}")
        size = info.file_size
        if size > limits.max_member_bytes:
            raise InputError(
                path, f"zip bomb refused: member {name[:60]!r} expands to {size / 2**20:.0f} MB"
            )
        if size >= limits.ratio_min_bytes:
            ratio = size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise InputError(
                    path,
                    f"zip bomb refused: member {name[:60]!r} compression ratio {ratio:.0f} "
                    f"> {limits.max_ratio:g}",
                )
        total += size
    if total > limits.max_total_bytes:
        raise InputError(path, f"zip bomb refused: members expand to {total / 2**20:.0f} MB")
    return zf


def require_member(path: Path, zf: zipfile.ZipFile, name: str, kind: str) -> None:
    if name not in zf.namelist():
        raise InputError(path, f"corrupt {kind} container: no {name}")


def read_member(path: Path, zf: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One member's bytes (its size was checked by :func:`check_zip`)."""
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise InputError(path, f"corrupt {kind} container: {_short(exc)}") from exc


def safe_xml(path: Path, data: bytes, kind: str):
    """Parse XML without entity expansion, DTD loading or network access."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(path, f"corrupt {kind} XML: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:120]
