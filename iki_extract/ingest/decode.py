"""Decode a text file's bytes: UTF-8 first, a legacy code page only when clearly not UTF-8.

* A UTF-8 byte-order mark is dropped; UTF-16 files (with their BOM) are decoded as such.
* Bytes that are valid UTF-8 are read as UTF-8.  When a few bytes are not, they
  are replaced by U+FFFD and a warning names how many (``"2 invalid UTF-8 bytes
  replaced"``), so one bad byte never garbles the rest of the file.
* Only when the invalid sequences outnumber the valid multi-byte ones (the file
  is clearly in a legacy code page) is it decoded as cp1252, with latin-1 for
  the five bytes cp1252 leaves undefined.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

LEGACY = "cp1252"
# a well-formed multi-byte UTF-8 sequence (2, 3 or 4 bytes)
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` (see the module notes); never raises."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(data.decode("utf-16", errors="replace"), "utf-16")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())  # invalid sequences
    good = len(_UTF8_SEQ.findall(data))
    if bad > good:
        return Decoded(_legacy(data), LEGACY)
    noun = "sequence" if bad == 1 else "sequences"
    return Decoded(text, "utf-8", [f"{bad} invalid UTF-8 byte {noun} replaced"])


def _legacy(data: bytes) -> str:
    try:
        return data.decode(LEGACY)
    except UnicodeDecodeError:  # latin-1 for the bytes cp1252 leaves undefined
        return "".join(
            data[i : i + 1].decode(LEGACY, errors="ignore") or chr(b) for i, b in enumerate(data)
        )
