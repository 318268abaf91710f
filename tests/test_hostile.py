"""One test per defect of the hostile-input stress run (issue 11).

Each test builds its hostile input with :mod:`tests.hostile_inputs` and runs the
real command (``extract`` or ``batch``), mostly as a subprocess so that process
and temp-file leaks can be checked from outside.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_inputs as hi  # noqa: E402

PY = sys.executable


def run_cli(args: list[str], env: dict[str, str] | None = None, timeout: float = 300):
    env = env or hi.marked_env(uuid.uuid4().hex)
    return subprocess.run(
        [PY, "-m", "iki_extract.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=hi.CODE,
    )


def wait_gone(marker: str, seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = hi.marked_processes(marker)
        if not left:
            return []
        time.sleep(0.2)
    return hi.marked_processes(marker)


def kill_marked(marker: str) -> None:
    for pid in hi.marked_processes(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# -- 1. per-file time and memory limits in `extract` -------------------------------------


@pytest.mark.slow
def test_extract_flate_bomb_is_one_memory_error_and_the_run_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    hi.flate_bomb_pdf(src / "bomb.pdf", expanded_mib=512)
    shutil.copy(hi.GOOD_TXT, src / "good.txt")
    res = run_cli(
        [
            "extract",
            str(src),
            "-o",
            str(tmp_path / "out"),
            "--max-memory",
            "200",
            "--timeout",
            "120",
            "--workers",
            "1",
        ]
    )
    assert res.returncode == 1, res.stderr
    bomb_lines = [ln for ln in res.stderr.splitlines() if ln.startswith("bomb.pdf:")]
    assert len(bomb_lines) == 1, res.stderr  # a Python MemoryError, or a C library's abort
    assert bomb_lines[0].startswith("bomb.pdf: memory limit of 200 MB exceeded"), res.stderr
    assert "1 ok, 1 failed" in res.stdout
    assert len(list((tmp_path / "out" / "decrees").glob("*.json"))) == 2


@pytest.mark.slow
def test_extract_huge_blank_pdf_times_out_and_leaves_no_tesseract(tmp_path: Path) -> None:
    """Defects 1 and 4: a timeout kills the whole child group, temp files go with it."""
    src = tmp_path / "in"
    src.mkdir()
    hi.blank_pdf(src / "blank.pdf", pages=300)
    shutil.copy(hi.GOOD_TXT, src / "good.txt")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    marker = uuid.uuid4().hex
    try:
        res = run_cli(
            ["extract", str(src), "-o", str(tmp_path / "out"), "--timeout", "4", "--workers", "1"],
            env=hi.marked_env(marker, tmp),
        )
        assert res.returncode == 1, res.stderr
        assert "blank.pdf: timed out after 4 s" in res.stderr.splitlines(), res.stderr
        assert "1 ok, 1 failed" in res.stdout
        assert wait_gone(marker, 3) == []
        assert list(tmp.iterdir()) == []  # no tess_* or other temp files left
    finally:
        kill_marked(marker)


# -- 6. workers die with the driver ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("command", ["batch", "extract"])
def test_kill_9_of_the_driver_takes_the_workers_down(tmp_path: Path, command: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    hi.blank_pdf(src / "blank.pdf", pages=3000)
    marker = uuid.uuid4().hex
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "iki_extract.cli",
            command,
            str(src),
            "-o",
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--timeout",
            "600",
            "-q",
        ],
        env=hi.marked_env(marker),
        cwd=hi.CODE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        # wait until the driver has children at work (tesseract or an extraction child)
        # driver + extraction child (extract); driver + fork server + 2 workers + child (batch)
        wanted = 2 if command == "extract" else 5
        while time.monotonic() < deadline and len(hi.marked_processes(marker)) < wanted:
            time.sleep(0.3)
        assert len(hi.marked_processes(marker)) >= wanted, "the run never started its workers"
        time.sleep(2.0)
        proc.kill()
        proc.wait()
        assert wait_gone(marker, 10) == []
    finally:
        proc.kill()
        kill_marked(marker)


# -- 2. CSV formula injection ---------------------------------------------------------------


def _injected_decree(folder: Path, name: str = "+cmd.txt") -> Path:
    text = hi.GOOD_TXT.read_text(encoding="utf-8").replace(
        "2. Peraturan Pemerintah Nomor 8",
        '2. =HYPERLINK("http://evil") Peraturan Pemerintah Nomor 8',
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    import pandas as pd

    src = tmp_path / "in"
    _injected_decree(src)
    (src / "@bad.txt").write_bytes(b"\x00\x01 binary")
    out = tmp_path / "out"
    res = run_cli(["extract", str(src), "-o", str(out), "--workers", "1"])
    assert res.returncode == 1, res.stderr
    mengingat = pd.read_csv(out / "mengingat.csv", dtype=str)
    assert mengingat["text"].str.startswith("'=HYPERLINK").sum() == 1
    assert not mengingat["text"].str.startswith("=").any()
    decrees = pd.read_csv(out / "decrees.csv", dtype=str)
    assert set(decrees["source_file"]) == {"'+cmd.txt"}
    for name in ("decrees", "jabatan", "indikator", "mengingat"):
        table = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in table.columns:
            assert not table[col].str.match(r"^[=+\-@\t\r]").any(), (name, col)
    raw = pd.read_parquet(out / "mengingat.parquet")  # Parquet keeps the raw value
    assert raw["text"].str.startswith("=HYPERLINK").sum() == 1
    # batch: every CSV, errors.csv included (a file name is a cell too)
    corpus = tmp_path / "corpus"
    res = run_cli(
        ["batch", str(src / "+cmd.txt"), str(src / "@bad.txt"), "-o", str(corpus), "--workers", "1"]
    )
    errors = pd.read_csv(corpus / "errors.csv", dtype=str)
    assert list(errors["file"]) == ["'@bad.txt"], res.stderr
    assert pd.read_parquet(corpus / "errors.parquet")["file"].tolist() == ["@bad.txt"]
    m2 = pd.read_csv(corpus / "mengingat.csv", dtype=str)
    assert m2["text"].str.startswith("'=HYPERLINK").sum() == 1


# -- 3. stale error rows ---------------------------------------------------------------------


@pytest.mark.slow
def test_error_rows_follow_the_manifest_state(tmp_path: Path) -> None:
    import pandas as pd

    src = tmp_path / "src"
    src.mkdir()
    good = src / "kec.txt"
    shutil.copy(hi.GOOD_TXT, good)
    hi.encrypted_zip(src / "locked.zip", good, password="rahasia")
    good.unlink()
    fixable = src / "later.txt"
    fixable.write_bytes(b"\x00\x01 not yet a decree")
    corpus = tmp_path / "corpus"
    first = run_cli(["batch", str(src), "-o", str(corpus), "--workers", "1"])
    assert "2 errors" in first.stdout, first.stdout + first.stderr
    shutil.copy(hi.GOOD_TXT, fixable)  # the bad file is fixed
    fixable.write_text(fixable.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = run_cli(
        ["batch", str(src), "-o", str(corpus), "--workers", "1", "--password", "rahasia"]
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 errors" in second.stdout, second.stdout
    assert len(pd.read_csv(corpus / "errors.csv")) == 0
    import duckdb

    con = duckdb.connect(str(corpus / "corpus.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM errors").fetchall()[0][0] == 0


# -- 5. many small members ------------------------------------------------------------------


def test_many_small_members_are_refused_archive_wide(tmp_path: Path) -> None:
    from iki_extract.batch import discover

    archive = hi.many_members_zip(tmp_path / "many.zip", members=100)
    staging = tmp_path / "staging"
    found = discover.discover([archive], staging)
    assert found.items == []
    assert [r.error_class for r in found.rejected] == ["ZipBomb"]
    assert found.rejected[0].name == "many.zip"
    staged = [p for p in staging.rglob("*") if p.is_file()]
    assert staged == []
    fewer = discover.discover([archive], tmp_path / "s2", limits=discover.ZipLimits(max_members=50))
    assert "more than 50 members" in fewer.rejected[0].message


# -- 7. duplicate member names ---------------------------------------------------------------


@pytest.mark.slow
def test_duplicate_member_names_are_two_error_rows(tmp_path: Path) -> None:
    import pandas as pd

    archive = hi.duplicate_names_zip(tmp_path / "dups.zip")
    corpus = tmp_path / "corpus"
    res = run_cli(["batch", str(archive), "-o", str(corpus), "--workers", "1"])
    errors = pd.read_csv(corpus / "errors.csv", dtype=str)
    assert list(errors["file"]) == ["dups.zip!dup/x.txt"] * 2, res.stdout + res.stderr
    assert errors["sha256"].nunique() == 2


# -- 8. symlinked folders and files -----------------------------------------------------------


@pytest.mark.slow
def test_symlinks_are_refused_inputs_in_both_commands(tmp_path: Path) -> None:
    import pandas as pd

    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(hi.GOOD_TXT, other / "kec.txt")
    src = tmp_path / "src"
    hi.symlinks(src, other)
    shutil.copy(hi.GOOD_TXT, src / "real.txt")
    out = tmp_path / "out"
    res = run_cli(["extract", str(src), "-o", str(out), "--workers", "1"])
    assert "linked_folder: symlink not followed" in res.stderr.splitlines(), res.stderr
    assert "passwd.txt: symlink not followed" in res.stderr.splitlines(), res.stderr
    assert "1 ok, 2 failed" in res.stdout
    assert "root:" not in "".join(p.read_text() for p in out.rglob("*.csv"))
    corpus = tmp_path / "corpus"
    run_cli(["batch", str(src), "-o", str(corpus), "--workers", "1"])
    errors = pd.read_csv(corpus / "errors.csv", dtype=str)
    assert set(errors["file"]) == {"src/linked_folder", "src/passwd.txt"}
    assert set(errors["error_class"]) == {"SymlinkError"}


# -- 9. one invalid byte --------------------------------------------------------------------


def test_one_invalid_byte_does_not_garble_a_text_file(tmp_path: Path) -> None:
    from iki_extract import ingest

    path = hi.invalid_utf8_text(tmp_path / "kec.txt")
    doc = ingest.read(path)
    text = "\n".join(b.text for b in doc.pages[0].blocks if hasattr(b, "text"))
    assert "\u2756 Menyusun" in text and "\u00e2" not in text
    assert doc.warnings == ["1 invalid UTF-8 byte sequence replaced"]
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Kecamatan Cibeureum, Caf\u00e9 na\u00efve\n".encode("cp1252") * 20)
    assert "Caf\u00e9 na\u00efve" in ingest.decode_text(legacy.read_bytes())


@pytest.mark.slow
def test_the_replaced_bytes_warning_is_shown(tmp_path: Path) -> None:
    path = hi.invalid_utf8_text(tmp_path / "kec.txt")
    res = run_cli(["extract", str(path), "-o", str(tmp_path / "out"), "--workers", "1"])
    assert "kec.txt: warning: 1 invalid UTF-8 byte sequence replaced" in res.stderr, res.stderr


# -- 10. output errors, leftovers, newlines in names ---------------------------------------


@pytest.mark.slow
def test_unwritable_target_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for command in ("extract", "batch"):
        res = run_cli([command, str(hi.GOOD_TXT), "-o", str(blocker / "out"), "--workers", "1"])
        assert res.returncode == 2, res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot write to" in lines[0], res.stderr
        assert "Traceback" not in res.stderr


def test_full_disk_is_one_line_and_leaves_no_staging(tmp_path: Path, monkeypatch, capsys) -> None:
    import errno
    import zipfile

    from iki_extract import cli
    from iki_extract.export import json_out

    real = json_out.tempfile.mkstemp

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(json_out.tempfile, "mkstemp", full)
    code = cli.main(["extract", str(hi.GOOD_TXT), "-o", str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        code == 2
        and err
        == [f"iki-extract extract: cannot write to {tmp_path / 'out'}: no space left on device"]
        or (code == 2 and len(err) == 1 and "no space left on device" in err[0])
    ), err
    monkeypatch.setattr(json_out.tempfile, "mkstemp", real)
    # batch: the disk fills while a zip member is staged
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(hi.GOOD_TXT, "kec.txt")
    from iki_extract.batch import discover

    def full_copy(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(discover, "_copy_member", full_copy)
    corpus = tmp_path / "corpus"
    code = cli.main(["batch", str(archive), "-o", str(corpus), "--workers", "1", "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "no space left on device" in err[0], err
    assert not (corpus / ".staging").exists()


@pytest.mark.slow
def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    leftovers = [
        corpus / ".corpus.duckdb.abcd1234",
        corpus / ".corpus.duckdb.abcd1234.wal",
        corpus / ".decrees.csv.x1y2z3w4.tmp",
    ]
    for p in leftovers:
        p.write_text("half written")
    (corpus / ".staging" / "ab").mkdir(parents=True)
    mine = corpus / "my-notes.txt"
    mine.write_text("keep me")
    run_cli(["batch", str(hi.GOOD_TXT), "-o", str(corpus), "--workers", "1", "-q"])
    assert [p for p in leftovers if p.exists()] == []
    assert not (corpus / ".staging").exists() and mine.exists()


@pytest.mark.slow
def test_a_newline_in_a_file_name_never_splits_a_line(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad\nname.txt").write_bytes(b"\x00\x01 binary")
    shutil.copy(hi.GOOD_TXT, src / "good\rname.txt")
    res = run_cli(["extract", str(src), "-o", str(tmp_path / "out"), "--workers", "1"])
    lines = res.stderr.splitlines()
    assert "bad\\nname.txt: binary data in a text file" in lines, res.stderr
    assert all(not ln.startswith("name.txt") for ln in lines)
    assert any(ln.startswith("[") and "good\\rname.txt" in ln for ln in lines), res.stderr
    corpus = tmp_path / "corpus"
    res = run_cli(["batch", str(src), "-o", str(corpus), "--workers", "1"])
    assert any("in/bad\\nname.txt: ingest: InputError" in ln for ln in res.stderr.splitlines())


# -- quick checks of the same defects, in process -------------------------------------------


def test_csv_safe_follows_the_owasp_rule(tmp_path: Path) -> None:
    import pandas as pd

    from iki_extract.export.csv_out import csv_safe, write_csv

    for cell in ("=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(cell) == "'" + cell
    assert csv_safe("Indeks = 1") == "Indeks = 1" and csv_safe(3) == 3
    frame = pd.DataFrame(
        {
            "a": pd.array(["=HYPERLINK(1)", None, "ok"], dtype="string"),
            "n": pd.array([-1, 2, None], dtype="Int64"),
        }
    )
    write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert back["a"].tolist() == ["'=HYPERLINK(1)", "", "ok"] and back["n"][0] == "-1"


def test_manifest_errors_are_the_current_state(tmp_path: Path) -> None:
    from iki_extract.batch.manifest import Manifest

    with Manifest(tmp_path / "m.sqlite") as m:
        m.set_inputs([("a.txt", "s1")], [("z.zip!x.pdf", "discover", "EncryptedZipMember", "pw")])
        m.record(
            {"sha256": "s1", "ok": False, "stage": "ingest", "error_class": "E", "error": "bad"},
            ["a.txt"],
        )
        assert [e["file"] for e in m.errors()] == ["a.txt", "z.zip!x.pdf"]
        # next run: a.txt fixed (new bytes), the member opens with the password
        m.set_inputs([("a.txt", "s2"), ("z.zip!x.pdf", "s3")], [])
        m.record({"sha256": "s2", "ok": True, "decrees": []}, ["a.txt"])
        m.record({"sha256": "s3", "ok": True, "decrees": []}, ["z.zip!x.pdf"])
        assert m.errors() == []
        # one name, two different bad contents: two rows
        m.set_inputs([("d.zip!x.txt", "s4"), ("d.zip!x.txt", "s5")], [])
        for sha in ("s4", "s5"):
            m.record(
                {"sha256": sha, "ok": False, "stage": "ingest", "error_class": "E", "error": "bad"},
                ["d.zip!x.txt"],
            )
        assert [e["sha256"] for e in m.errors()] == ["s4", "s5"]


def test_symlinks_found_in_folders_are_listed_not_followed(tmp_path: Path) -> None:
    from iki_extract import api
    from iki_extract.batch import discover

    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(hi.GOOD_TXT, other / "kec.txt")
    src = tmp_path / "src"
    links = hi.symlinks(src, other)
    found = api.discover_inputs(src)
    assert sorted(found.symlinks) == sorted(links)
    walked = discover.discover([src], tmp_path / "staging")
    assert sorted(r.name for r in walked.rejected) == ["src/linked_folder", "src/passwd.txt"]
    assert walked.items == []


def test_one_line_escapes_control_characters() -> None:
    from iki_extract.errors import InputError
    from iki_extract.progress import one_line

    assert one_line("a\nb\r\tc.txt") == "a\\nb\\r\\tc.txt"
    assert str(InputError("dir/a\nb.txt", "empty file")) == "a\\nb.txt: empty file"
