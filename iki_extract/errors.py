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
        return f"{self.file_name}: {' '.join(self.reason.split())}"


class InputError(ExtractError):
    """The file cannot be read as input: missing, empty, binary, too large, wrong type."""

    def __init__(self, file: str | Path, reason: str, stage: str = "ingest") -> None:
        super().__init__(file, reason, stage)
