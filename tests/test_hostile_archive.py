"""The whole hostile archive through ``extract`` and ``batch`` (slow: real runs, bombs, OCR).

Every bad input is recorded once, every good decree is extracted once, nothing
is written outside the output folder (temp files included), and no process of
the run is left when it ends.
"""

from __future__ import annotations

import shutil
import sys
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_inputs as hi  # noqa: E402
from test_hostile import kill_marked, run_cli, wait_gone  # noqa: E402

pytestmark = pytest.mark.slow

GOOD_B = hi.SAMPLES / "kec_sukamaju_2024.txt"


def build(root: Path) -> Path:
    """``root/arsip``: good decrees among every hostile input of issue 11."""
    arsip = root / "arsip"
    arsip.mkdir(parents=True)
    hi.invalid_utf8_text(arsip / "kec_a.txt")  # a good decree with one bad byte
    hi.flate_bomb_pdf(arsip / "bomb.pdf", expanded_mib=512)
    hi.blank_pdf(arsip / "blank.pdf", pages=5000)  # ~250 s unbounded: always past --timeout 20
    hi.corrupt_pdf(arsip / "corrupt.pdf")
    (arsip / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    hi.corrupt_zip(arsip / "broken.zip")
    hi.many_members_zip(arsip / "many.zip", members=100)
    hi.encrypted_zip(arsip / "locked.zip", GOOD_B)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(hi.GOOD_TXT, elsewhere / "kec_x.txt")
    hi.symlinks(arsip / "links", elsewhere)
    with zipfile.ZipFile(arsip / "mixed.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GOOD_B, "kab/kec_b.txt")  # the second good decree
        zf.writestr("../../escape.txt", b"escaped")
        zf.writestr("/abs/evil.txt", b"evil")
        info = zipfile.ZipInfo("kab/link.txt")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("kab/corrupt.pdf", b"%PDF-1.4\nnot a pdf")
    with zipfile.ZipFile(arsip / "dups.zip", "w") as zf:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            zf.writestr("dup/x.txt", b"\x00 one")
            zf.writestr("dup/x.txt", b"\x00 two")
    return arsip


def snapshot(root: Path, skip: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.lstat().st_size
        for p in root.rglob("*")
        if not p.is_relative_to(skip)
    }


def _decree_keys(out: Path) -> list[tuple[str, str]]:
    d = pd.read_csv(out / "decrees.csv", dtype=str)
    return sorted(zip(d["nomor"], d["kind"], strict=True))


@pytest.mark.parametrize("command", ["batch", "extract"])
def test_hostile_archive(tmp_path: Path, command: str) -> None:
    arsip = build(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out"
    before = snapshot(tmp_path, out)
    marker = uuid.uuid4().hex
    try:
        res = run_cli(
            [
                command,
                str(arsip),
                "-o",
                str(out),
                "--workers",
                "2",
                "--timeout",
                "20",
                "--max-memory",
                "200",
            ],
            env=hi.marked_env(marker, tmp),
            timeout=900,
        )
        assert res.returncode == 1, res.stdout + res.stderr
        assert "Traceback" not in res.stderr
        assert wait_gone(marker, 5) == []
    finally:
        kill_marked(marker)
    assert snapshot(tmp_path, out) == before  # nothing written outside OUT, no temp files
    assert not (tmp_path / "escape.txt").exists() and not Path("/abs/evil.txt").exists()

    keys = _decree_keys(out)
    # kec_a (2 decrees) and, inside mixed.zip (read by batch only), kec_b (1): once each
    assert len(keys) == len(set(keys)) == (3 if command == "batch" else 2)
    if command == "batch":
        errors = pd.read_csv(out / "errors.csv", dtype=str)
        expected = {
            "arsip/bomb.pdf": "MemoryError",
            "arsip/blank.pdf": "TimeoutError",
            "arsip/corrupt.pdf": None,
            "arsip/binary.txt": "InputError",
            "arsip/broken.zip": None,
            "arsip/many.zip": "ZipBomb",
            "arsip/links/linked_folder": "SymlinkError",
            "arsip/links/passwd.txt": "SymlinkError",
            "arsip/mixed.zip!../../escape.txt": "UnsafeZipMember",
            "arsip/mixed.zip!/abs/evil.txt": "UnsafeZipMember",
            "arsip/mixed.zip!kab/link.txt": "SymlinkError",
            "arsip/mixed.zip!kab/corrupt.pdf": None,
            "arsip/locked.zip!kec_sukamaju_2024.txt": "EncryptedZipMember",
        }
        files = errors["file"].tolist()
        dups = [f for f in files if f == "arsip/dups.zip!dup/x.txt"]
        assert len(dups) == 2  # two different members under one name: two rows
        rest = [f for f in files if f != "arsip/dups.zip!dup/x.txt"]
        assert sorted(rest) == sorted(expected), res.stderr
        by_file = errors.drop_duplicates("file").set_index("file")["error_class"]
        for name, cls in expected.items():
            if cls is not None:
                assert by_file[name] == cls, (name, by_file[name])
        assert errors["message"].str.startswith("memory limit of 200 MB exceeded").any()
        assert "timed out after 20 s" in set(errors["message"])
    else:
        lines = res.stderr.splitlines()
        bad = {
            "blank.pdf: timed out after 20 s",
            "linked_folder: symlink not followed",
            "passwd.txt: symlink not followed",
            "binary.txt: binary data in a text file",
        }
        for line in bad:
            assert lines.count(line) == 1, (line, res.stderr)
        bomb = [ln for ln in lines if ln.startswith("bomb.pdf: ")]
        assert len(bomb) == 1 and "memory limit of 200 MB exceeded" in bomb[0], res.stderr
        assert sum(ln.startswith("corrupt.pdf: ") for ln in lines) == 1, res.stderr
        assert lines.count("kec_a.txt: warning: 1 invalid UTF-8 byte sequence replaced") == 1
        assert "6 failed" in res.stdout, res.stdout
