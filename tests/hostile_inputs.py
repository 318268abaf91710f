"""Builders of hostile inputs for the safety tests (bombs, traversal, symlinks, ...).

Every builder writes into a folder the test owns and returns the path(s) it
made; nothing here touches the shared data.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# the code under test (another checkout, e.g. an old commit, when IKI_CODE is set)
CODE = Path(os.environ.get("IKI_CODE", str(REPO)))
SAMPLES = REPO / "samples"
GOOD_TXT = SAMPLES / "kec_mekarsari_2023.txt"
MB = 2**20


def flate_bomb_pdf(path: Path, expanded_mib: int = 1024) -> Path:
    """A one-page PDF whose content stream inflates to ``expanded_mib`` MiB of zeros."""
    comp = zlib.compressobj(9)
    chunk = b"\0" * MB
    body = b"".join(comp.compress(chunk) for _ in range(expanded_mib)) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def blank_pdf(path: Path, pages: int = 5000) -> Path:
    """A PDF of ``pages`` blank A4 pages (every page goes to OCR)."""
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path))
    for _ in range(pages):
        c.showPage()
    c.save()
    return path


def many_members_zip(path: Path, members: int = 300, member_bytes: int = MB) -> Path:
    """Many members of exactly ``member_bytes`` each: under every per-member ratio check."""
    data = b" " * member_bytes
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for i in range(members):
            zf.writestr(f"many/m{i:05d}.txt", data)
    return path


def traversal_zip(path: Path) -> Path:
    text = GOOD_TXT.read_bytes()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escape.txt", text)
        zf.writestr("/abs/evil.txt", text)
    return path


def symlink_member_zip(path: Path, target: str = "/etc/passwd") -> Path:
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = (0o120777 << 16) | 0
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, target)
    return path


def duplicate_names_zip(path: Path) -> Path:
    """Two different bad members under one name (``dup/x.txt``)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("dup/x.txt", b"\x00\x01binary one\x00")
            zf.writestr("dup/x.txt", b"\x00\x02binary two\x00")
    return path


def encrypted_zip(path: Path, member: Path, password: str = "rahasia") -> Path:
    """A ZipCrypto-encrypted archive of ``member`` (made with the ``zip`` tool)."""
    path.unlink(missing_ok=True)
    subprocess.run(
        ["zip", "-q", "-j", "-P", password, str(path), str(member)],
        check=True,
    )
    return path


def corrupt_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog\nthis is not a pdf\n")
    return path


def corrupt_zip(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + os.urandom(200))
    return path


def invalid_utf8_text(path: Path) -> Path:
    """The good sample decree with a UTF-8 symbol and one invalid byte in it."""
    text = GOOD_TXT.read_text(encoding="utf-8")
    data = ("\u2756 Menyusun rencana kerja\n" + text).encode("utf-8")
    cut = data.index(b"\n") + 1
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    return path


def symlinks(folder: Path, target_dir: Path) -> list[Path]:
    """A symlinked folder and a symlinked file (to ``/etc/passwd``) inside ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    linked_dir = folder / "linked_folder"
    linked_file = folder / "passwd.txt"
    linked_dir.symlink_to(target_dir, target_is_directory=True)
    linked_file.symlink_to("/etc/passwd")
    return [linked_dir, linked_file]


def marked_env(marker: str, tmpdir: Path | None = None) -> dict[str, str]:
    """The environment for a child run, tagged so its processes can be found later."""
    env = dict(os.environ, IKI_TEST_MARK=marker, PYTHONPATH=str(CODE))
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return env


def marked_processes(marker: str) -> list[int]:
    """Pids of live processes whose environment carries ``IKI_TEST_MARK=<marker>``."""
    needle = f"IKI_TEST_MARK={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
