"""Find every input under folders and ``.zip`` archives (nested too), safely.

Folders follow :func:`iki_extract.inputs.find_inputs` (same suffixes, hidden and
companion files skipped); ``.zip`` files found there, or named directly, are
opened and their members go through the same rules.  Zip members are streamed
(never extracted by name) into ``CORPUS/.staging/<sha256>/<basename>`` while
their SHA-256 is computed, so nothing is ever written outside the corpus folder.

Rejected, each recorded as a :class:`Rejected` (it becomes a row of the
``errors`` table) while discovery goes on:

* members with an absolute path, a drive letter or a ``..`` component;
* symlink members, and symlinks met while walking a folder (never followed);
* zip bombs: a member larger than ``max_member_bytes``, a compression ratio above
  ``max_ratio`` (for members over 1 MiB), nesting deeper than ``max_depth``; and
  over a whole top-level archive (nested ones included): more than
  ``max_total_bytes`` expanded, more than ``max_members`` members, or an overall
  ratio (bytes expanded / archive size) above ``max_ratio`` once more than
  ``ratio_min_bytes`` are expanded.  The archive-wide limits are checked on the
  sizes the archive declares before anything is staged, and again on the bytes
  actually read, so thousands of small members cannot add up to a bomb;
* encrypted members without ``--password``, unreadable or corrupt archives.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from ..errors import output_error
from ..inputs import find_inputs, is_input

ZIP_SUFFIX = ".zip"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """Zip-bomb guards (sizes in bytes)."""

    max_member_bytes: int = 512 * 2**20
    max_total_bytes: int = 20 * 2**30
    max_ratio: float = 100.0
    ratio_min_bytes: int = 2**20
    max_members: int = 10_000  # members of one archive, nested archives included
    max_depth: int = 5
    spool_bytes: int = 64 * 2**20  # nested zips larger than this are spooled to disk


@dataclass
class Item:
    """One input: its display name and where its bytes can be read."""

    name: str  # "folder/sub/file.pdf" or "archive.zip!inner/dir/file.pdf"
    path: Path  # original file or staged copy
    sha256: str
    size: int
    staged: bool = False

    @property
    def basename(self) -> str:
        return self.path.name


@dataclass
class Rejected:
    """An input refused before extraction (becomes an ``errors`` row)."""

    name: str
    error_class: str
    message: str
    stage: str = "discover"


@dataclass
class Discovery:
    items: list[Item] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class UnsafeMember(Exception):
    """A zip member refused for safety."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message


def discover(
    sources: list[Path],
    staging: Path,
    *,
    password: str | None = None,
    limits: ZipLimits | None = None,
    exclude: Path | None = None,
) -> Discovery:
    """Walk ``sources`` (folders, ``.zip`` files, single files) into items and rejections.

    Files under ``exclude`` (the corpus folder, when it sits inside a source) are skipped.
    """
    limits = limits or ZipLimits()
    staging.mkdir(parents=True, exist_ok=True)
    walker = _Walker(staging, password, limits, exclude)
    for src in sources:
        walker.source(Path(src))
    return walker.out


class _Walker:
    def __init__(
        self, staging: Path, password: str | None, limits: ZipLimits, exclude: Path | None
    ) -> None:
        self.staging = staging
        self.exclude = exclude.resolve() if exclude is not None else None
        self.password = password.encode() if password else None
        self.limits = limits
        self.out = Discovery()
        self._tmp_no = 0
        self._members = [limits.max_members]
        self._archive_size = 0

    # -- file system ------------------------------------------------------------

    def source(self, src: Path) -> None:
        name = src.name or src.resolve().name
        if src.is_symlink() and not src.exists():
            self.reject(name, "SymlinkError", "broken symlink")
        elif src.is_dir():
            self.folder(src, name)
        elif not src.exists():
            self.reject(name, "FileNotFoundError", "no such file or folder")
        elif src.suffix.lower() == ZIP_SUFFIX:
            self.zip_file(src, name)
        else:
            self.add_file(src, name)

    def folder(self, root: Path, label: str) -> None:
        files = {f: "input" for f in find_inputs(root)}
        for f in root.rglob("*"):
            rel = f.relative_to(root)
            if f.is_symlink():
                if not _hidden(rel) and (
                    _wanted(rel) or f.is_dir() or f.suffix.lower() == ZIP_SUFFIX
                ):
                    files[f] = "input"  # refused below, never followed
            elif f.suffix.lower() == ZIP_SUFFIX and not _hidden(rel) and (f.is_file()):
                files[f] = "zip"
        for f in sorted(files):
            name = f"{label}/{f.relative_to(root).as_posix()}"
            if self.exclude is not None and f.resolve().is_relative_to(self.exclude):
                continue
            if f.is_symlink():
                self.reject(name, "SymlinkError", "symlink not followed")
            elif files[f] == "zip":
                self.zip_file(f, name)
            else:
                self.add_file(f, name)

    def add_file(self, path: Path, name: str) -> None:
        try:
            sha, size = _hash_file(path)
        except OSError as exc:
            self.reject(name, type(exc).__name__, exc.strerror or str(exc))
            return
        self.out.items.append(Item(name=name, path=path, sha256=sha, size=size))

    # -- archives -----------------------------------------------------------------

    def zip_file(self, path: Path, name: str) -> None:
        try:
            size = path.stat().st_size
            allowed = self.limits.max_total_bytes
            # the overall ratio: at most max_ratio x the archive's size (beyond a small floor)
            allowed = min(
                allowed, max(self.limits.ratio_min_bytes, int(size * self.limits.max_ratio))
            )
            with open(path, "rb") as fh:
                self._members = [self.limits.max_members]
                self._archive_size = size
                self.archive(fh, name, depth=1, budget=[allowed])
        except OSError as exc:
            self.reject(name, type(exc).__name__, exc.strerror or str(exc))

    def archive(self, fh: IO[bytes], name: str, depth: int, budget: list[int]) -> None:
        """Walk one (possibly nested) archive; ``budget`` is the bytes left to expand."""
        if depth > self.limits.max_depth:
            self.reject(name, "ZipBomb", f"archives nested deeper than {self.limits.max_depth}")
            return
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            self.reject(name, type(exc).__name__, f"cannot open archive: {exc}")
            return
        with zf:
            infos = zf.infolist()
            problem = self._archive_wide(infos, budget[0])
            if problem:
                self.reject(name, "ZipBomb", problem)
                return
            for info in sorted(infos, key=lambda i: i.filename):
                if info.is_dir():
                    continue
                member = f"{name}!{info.filename}"
                try:
                    inner = _check_member(info, self.limits)
                    if inner is None:
                        continue
                    if info.file_size > budget[0]:
                        raise UnsafeMember("ZipBomb", "archive expands beyond the total size limit")
                    if inner.suffix.lower() == ZIP_SUFFIX:
                        self.nested(zf, info, member, depth, budget)
                    else:
                        self.stage_member(zf, info, member, inner.name, budget)
                except UnsafeMember as exc:
                    self.reject(member, exc.error_class, exc.message)
                except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as exc:
                    self.reject(member, type(exc).__name__, f"cannot read member: {exc}")

    def _archive_wide(self, infos: list[zipfile.ZipInfo], budget: int) -> str | None:
        """Why the whole archive is refused (declared sizes and count), or ``None``."""
        members = [i for i in infos if not i.is_dir()]
        self._members[0] -= len(members)
        if self._members[0] < 0:
            return f"more than {self.limits.max_members} members in one archive"
        declared = 0  # what would be staged: members refused or skipped on their own do not count
        for info in members:
            try:
                if _check_member(info, self.limits) is not None:
                    declared += info.file_size
            except UnsafeMember:
                continue
        if declared > budget:
            if declared > self.limits.max_total_bytes:
                return f"archive expands to {declared} bytes (limit {self.limits.max_total_bytes})"
            ratio = declared / max(self._archive_size, 1)
            return f"archive expands {ratio:.0f} times its size (limit {self.limits.max_ratio:g})"
        return None

    def nested(
        self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, depth: int, budget: list[int]
    ) -> None:
        with tempfile.SpooledTemporaryFile(
            max_size=self.limits.spool_bytes, dir=self.staging
        ) as spool:
            _copy_member(zf, info, spool, self.password, self.limits, budget)
            spool.seek(0)
            self.archive(spool, name, depth + 1, budget)  # type: ignore[arg-type]

    def stage_member(
        self,
        zf: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        name: str,
        basename: str,
        budget: list[int],
    ) -> None:
        self._tmp_no += 1
        tmp = self.staging / f"tmp-{os.getpid()}-{self._tmp_no}"
        try:
            try:
                with open(tmp, "wb") as out:
                    sha, size = _copy_member(zf, info, out, self.password, self.limits, budget)
                target = self.staging / sha[:2] / sha / _safe_basename(basename)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
            except OSError as exc:  # the staging folder cannot be written: stop the run
                err = output_error(exc, self.staging)
                if err is not None:
                    raise err from exc
                raise
        finally:
            tmp.unlink(missing_ok=True)
        self.out.items.append(Item(name=name, path=target, sha256=sha, size=size, staged=True))

    def reject(self, name: str, error_class: str, message: str) -> None:
        self.out.rejected.append(Rejected(name=name, error_class=error_class, message=message))


# -- helpers -------------------------------------------------------------------------


def _hidden(rel: Path | PurePosixPath) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _wanted(rel: Path | PurePosixPath) -> bool:
    """The :func:`inputs.find_inputs` rule for a file found inside a folder or archive."""
    return is_input(Path(rel))


def _check_member(info: zipfile.ZipInfo, limits: ZipLimits) -> PurePosixPath | None:
    """The member's safe inner path, ``None`` to skip it quietly; raises :class:`UnsafeMember`."""
    raw = info.filename.replace("\\", "/")
    inner = PurePosixPath(raw)
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or inner.is_absolute():
        raise UnsafeMember("UnsafeZipMember", "absolute path in archive")
    if ".." in inner.parts:
        raise UnsafeMember("UnsafeZipMember", "path escapes the archive ('..')")
    if "\x00" in raw:
        raise UnsafeMember("UnsafeZipMember", "NUL byte in member name")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeMember("SymlinkError", "symlink member not followed")
    is_zip = inner.suffix.lower() == ZIP_SUFFIX
    if not is_zip and not _wanted(inner):
        return None
    if is_zip and _hidden(inner):
        return None
    if info.file_size > limits.max_member_bytes:
        raise UnsafeMember(
            "ZipBomb", f"member expands to {info.file_size} bytes (limit {limits.max_member_bytes})"
        )
    if info.file_size > limits.ratio_min_bytes:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise UnsafeMember(
                "ZipBomb", f"compression ratio {ratio:.0f} above {limits.max_ratio:g}"
            )
    return inner


def _copy_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    out: IO[bytes],
    password: bytes | None,
    limits: ZipLimits,
    budget: list[int],
) -> tuple[str, int]:
    """Stream a member into ``out`` with hard size caps; return ``(sha256, size)``."""
    if info.flag_bits & 0x1 and password is None:
        raise UnsafeMember("EncryptedZipMember", "encrypted member: give --password")
    cap = min(limits.max_member_bytes, budget[0])
    digest = hashlib.sha256()
    size = 0
    with zf.open(info, pwd=password) as src:
        while chunk := src.read(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise UnsafeMember("ZipBomb", "member expands beyond its size limit")
            digest.update(chunk)
            out.write(chunk)
    budget[0] -= size
    return digest.hexdigest(), size


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return digest.hexdigest(), size


def _safe_basename(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^\w.\-]+", "_", stem).strip("._")[:80] or "input"
    suffix = re.sub(r"[^\w]+", "", suffix)[:10]
    return f"{stem}.{suffix}" if suffix else stem


def clear_staging(staging: Path) -> None:
    """Remove the staging folder (left over by a killed run, or at the end of a run)."""
    shutil.rmtree(staging, ignore_errors=True)
