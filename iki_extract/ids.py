"""Stable decree identifiers.

A decree id is derived from the input file's *bytes*, never from its name or
path, so re-running on the same file (renamed or moved) gives the same id:

    decree_id = <first 16 hex digits of sha256(file bytes)> "-" <index>

``index`` is the decree's 1-based position among the decrees extracted from that
file, in document order, e.g. ``"c8d51b738327ab4e-1"``, ``"c8d51b738327ab4e-2"``.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"^[0-9a-f]{16,}$")


def decree_id(sha256_hex: str, index: int) -> str:
    """Return the stable id of the ``index``-th (1-based) decree of a file.

    ``sha256_hex`` is the hex SHA-256 of the file's bytes (any case).
    Raises :class:`ValueError` for a malformed digest or an index below 1.
    """
    digest = sha256_hex.strip().lower()
    if not _HEX.match(digest):
        raise ValueError(f"not a hex SHA-256 digest: {sha256_hex!r}")
    if index < 1:
        raise ValueError(f"decree index is 1-based, got {index}")
    return f"{digest[:16]}-{index}"
