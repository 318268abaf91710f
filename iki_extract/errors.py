"""Errors that stop one input file (never the whole run).

Every stage raises :class:`ExtractError` (or a subclass) for a problem with the
*input*; the batch runner (:func:`iki_extract.api.extract_to`) records its one-line
message and moves on to the next file.
"""

from __future__ import annotations

from pathlib import Path


class ExtractError(Exception):
    """A problem with one input file.

    ``file`` is the path as given, ``reason`` a short human-readable cause,
    ``stage`` the pipeline stage that raised it ("ingest", "extract", "export", ...).
    ``str(err)`` is one line: ``"<file name>: <reason>"``.
    """

    def __init__(self, file: str | Path, reason: str, stage: str = "extract") -> None:
        self.file = str(file)
        self.reason = reason
        self.stage = stage
        super().__init__(file, reason, stage)

    @property
    def file_name(self) -> str:
        """The file's name without its directory."""
        return Path(self.file).name or self.file

    def __str__(self) -> str:
        from .progress import one_line

        return f"{one_line(self.file_name)}: {' '.join(self.reason.split())}"


class InputError(ExtractError):
    """The file cannot be read as input: missing, empty, binary, too large, wrong type."""

    def __init__(self, file: str | Path, reason: str, stage: str = "ingest") -> None:
        super().__init__(file, reason, stage)


class OutputError(Exception):
    """The output cannot be written (read-only or missing target, full disk): the run stops.

    ``str(err)`` is one line, e.g. ``"cannot write to out/decrees: no space left on device"``.
    """

    def __init__(self, target: str | Path, reason: str) -> None:
        self.target = str(target)
        self.reason = reason
        super().__init__(target, reason)

    def __str__(self) -> str:
        return f"cannot write to {self.target}: {self.reason}"


# errno values that mean the output cannot be written at all (not a problem of one input)
_OUTPUT_ERRNOS = {"EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENOTDIR", "EEXIST", "EFBIG"}


def output_error(exc: OSError, target: str | Path) -> OutputError | None:
    """The :class:`OutputError` for an ``OSError`` raised while writing, or ``None``
    when the error is of another kind."""
    import errno as _errno
    import os

    name = _errno.errorcode.get(exc.errno or 0, "")
    if name not in _OUTPUT_ERRNOS:
        return None
    reason = (exc.strerror or os.strerror(exc.errno or 0)).lower()
    where = exc.filename if exc.filename else target
    return OutputError(where, reason)
