"""Office documents: dispatch by suffix, LibreOffice conversion for ODF and legacy files.

* ``.docx`` → :mod:`.docx`, ``.xlsx`` → :mod:`.xlsx`;
* ``.odt``/``.fodt`` (OpenDocument text), ``.ods`` and legacy ``.doc``/``.xls`` are
  converted by LibreOffice (``soffice --headless --convert-to docx|xlsx``) into a
  private temporary folder, with a throw-away LibreOffice profile and a time limit,
  and the result is read by the DOCX/XLSX reader.  Why conversion rather than a
  second reader on odfpy: LibreOffice resolves ODF list numbering, merged cells,
  nested tables and sections into the same OOXML the DOCX reader already handles, so
  there is one office reader to keep right instead of two; the cost is a few
  seconds per file, paid only for these types.  Without LibreOffice on the machine
  these types fail with one line ("... needs LibreOffice (soffice) ...");
* macro-enabled types (``.docm``, ``.xlsm`` ...) are refused (:mod:`.container`).

ODF inputs pass the same zip guard as OOXML before conversion; a flat ``.fodt`` is
XML and is checked for a DOCTYPE (no entity tricks reach LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError
from ..model import Document
from .container import MACRO_SUFFIXES, check_zip, refuse_macro_suffix

DOCX_SUFFIXES = frozenset({".docx"})
XLSX_SUFFIXES = frozenset({".xlsx"})
CONVERT_TO = {".odt": "docx", ".fodt": "docx", ".doc": "docx", ".rtf": "docx",
              ".ods": "xlsx", ".xls": "xlsx"}
OFFICE_SUFFIXES = DOCX_SUFFIXES | XLSX_SUFFIXES | frozenset(CONVERT_TO) | MACRO_SUFFIXES
CONVERT_TIMEOUT_S = 120
_ZIPPED = {".odt", ".ods"}


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_office(path: Path, data: bytes) -> Document:
    suffix = path.suffix.lower()
    refuse_macro_suffix(path)
    if suffix in DOCX_SUFFIXES:
        from .docx import read_docx

        return read_docx(path, data)
    if suffix in XLSX_SUFFIXES:
        from .xlsx import read_xlsx

        return read_xlsx(path, data)
    target = CONVERT_TO[suffix]
    if suffix in _ZIPPED:
        check_zip(path, data, suffix[1:].upper())
    elif suffix == ".fodt" and b"<!DOCTYPE" in data[:4096].upper():
        raise InputError(path, "flat ODF with a DOCTYPE refused (entity expansion)")
    converted = convert(path, data, target)
    if target == "docx":
        from .docx import read_docx

        doc = read_docx(path, converted)
    else:
        from .xlsx import read_xlsx

        doc = read_xlsx(path, converted)
    doc.source_file = path.name
    return doc


def convert(path: Path, data: bytes, target: str) -> bytes:
    """Convert ``data`` (the file at ``path``) with LibreOffice; return the new bytes."""
    exe = soffice()
    if exe is None:
        raise InputError(
            path, f"{path.suffix.lower()} needs LibreOffice (soffice) to convert it, which is "
            "not installed; save it as .docx/.xlsx or install libreoffice"
        )
    with tempfile.TemporaryDirectory(prefix="iki-soffice-") as tmp:
        tdir = Path(tmp)
        src = tdir / f"in{path.suffix.lower()}"
        src.write_bytes(data)
        out = tdir / "out"
        profile = (tdir / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(src)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("http", "HTTP"))}
        env["HOME"] = tmp
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT_S,
                                  env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise InputError(path, f"LibreOffice conversion timed out after "
                                   f"{CONVERT_TIMEOUT_S} s") from exc
        result = out / f"in.{target}"
        if proc.returncode != 0 or not result.is_file():
            msg = " ".join((proc.stderr or b"").decode("utf-8", "replace").split())[:100]
            raise InputError(path, f"LibreOffice could not convert the file to {target}"
                                   + (f": {msg}" if msg else " (corrupt or unsupported)"))
        return result.read_bytes()
