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
    assert bomb_lines == ["bomb.pdf: memory limit of 200 MB exceeded"], res.stderr
    assert "1 ok, 1 failed" in res.stdout
    assert len(list((tmp_path / "out" / "decrees").glob("*.json"))) == 2


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
