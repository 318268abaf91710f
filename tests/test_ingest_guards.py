"""Input guards of ``iki_extract.ingest.read``: bad files fail fast with one clear line."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
import tracemalloc
import types
from pathlib import Path

import pytest

from iki_extract.errors import ExtractError, InputError
from iki_extract.ingest import decode_text, read
from iki_extract.model import Document, Page, TextLine


@pytest.fixture
def stub_text_reader(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Replace the text reader by a stub recording the bytes it was given."""
    seen: list[bytes] = []
    module = types.ModuleType("iki_extract.ingest.text")

    def read_text(path: Path, data: bytes) -> Document:
        seen.append(data)
        lines = [TextLine(t) for t in decode_text(data, path).splitlines()]
        return Document(source_file=path.name, pages=[Page(1, list(lines))])

    module.read_text = read_text
    monkeypatch.setitem(sys.modules, "iki_extract.ingest.text", module)
    return seen


def expect_input_error(path: Path, fragment: str, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        read(path, **kwargs)
    err = info.value
    assert fragment in err.reason
    message = str(err)
    assert message.startswith(f"{path.name}: ") and "\n" not in message
    assert err.stage == "ingest" and err.file == str(path)
    return err


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert str(expect_input_error(path, "empty file")) == "empty.txt: empty file"


def test_white_space_only_file_is_empty(tmp_path: Path):
    path = tmp_path / "blank.md"
    path.write_bytes(b" \n\t\r\n  \n")
    expect_input_error(path, "empty file")


def test_nul_bytes_in_text_file(tmp_path: Path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    expect_input_error(path, "binary data in a text file")


def test_control_characters_without_nul(tmp_path: Path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(b % 255 + 1 for b in os.urandom(4096)))  # no NUL, mostly junk
    expect_input_error(path, "binary data in a text file")


def test_too_large_fails_fast_without_reading(tmp_path: Path):
    path = tmp_path / "huge.txt"
    line = b"KEPUTUSAN CAMAT KARANGPLOSO NOMOR 188.45/05/35.07.23/2020 TENTANG INDIKATOR\n"
    with path.open("wb") as f:
        chunk = line * (2**20 // len(line) + 1)
        while f.tell() < 50 * 2**20:
            f.write(chunk)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        err = expect_input_error(path, "file too large")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 1.0
    assert peak < 2 * 2**20, f"read {peak} bytes into memory"
    assert err.reason.endswith("MB > 20 MB limit")


def test_max_bytes_is_configurable(tmp_path: Path, stub_text_reader: list[bytes]):
    path = tmp_path / "small.txt"
    path.write_text("KEPUTUSAN CAMAT\n" * 100, encoding="utf-8")
    expect_input_error(path, "file too large", max_bytes=1000)
    assert read(path, max_bytes=2000).pages


@pytest.mark.parametrize("name", ["decree.pages", "decree.numbers", "README"])
def test_unsupported_suffix(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text("KEPUTUSAN CAMAT", encoding="utf-8")
    expect_input_error(path, "unsupported file type")


def test_missing_file_and_directory(tmp_path: Path):
    expect_input_error(tmp_path / "nope.txt", "file not found")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    expect_input_error(folder, "is a directory")


def test_broken_pdf_is_an_input_error_not_a_crash(tmp_path: Path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"this is not a PDF")
    with pytest.raises(ExtractError) as info:
        read(path)
    assert str(info.value).startswith("scan.pdf: ")


def test_good_file_gets_sha256_of_its_bytes(tmp_path: Path, stub_text_reader: list[bytes]):
    data = "Kecamatan – Karangploso\nTENTANG INDIKATOR KINERJA\n".encode()
    path = tmp_path / "good.txt"
    path.write_bytes(data)
    doc = read(path)
    assert stub_text_reader == [data]  # the reader receives the raw bytes
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.source_file == "good.txt"


def test_suffix_is_case_insensitive(tmp_path: Path, stub_text_reader: list[bytes]):
    path = tmp_path / "GOOD.TXT"
    path.write_bytes(b"KEPUTUSAN CAMAT\n")
    assert read(path).sha256


def test_decode_fallbacks():
    assert decode_text("Kecamatan – Malang\n".encode()) == "Kecamatan – Malang\n"
    assert decode_text(b"\xef\xbb\xbfKEPUTUSAN") == "KEPUTUSAN"  # UTF-8 BOM dropped
    assert decode_text("Caf\u00e9 \u2013 x".encode("cp1252")) == "Caf\u00e9 \u2013 x"
    latin = b"Caf\xe9 \x81 Kecamatan Karangploso"  # 0x81 is undefined in cp1252
    assert decode_text(latin) == "Caf\u00e9 \x81 Kecamatan Karangploso"  # latin-1 at last


def test_input_error_is_one_line_and_picklable():
    err = InputError(Path("/data/in/bad.txt"), "binary data\nin a text file")
    assert str(err) == "bad.txt: binary data in a text file"
    assert isinstance(err, ExtractError) and err.stage == "ingest"
    again = pickle.loads(pickle.dumps(err))
    assert (again.file, again.reason, again.stage) == (err.file, err.reason, err.stage)
