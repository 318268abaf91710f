"""The README is executable: every ```python and ```bash/```sh snippet runs on the shipped
samples, in a fresh folder, in README order.

* The install line (``<!-- ci:install -->``) runs from the step after ``pip install``
  (the venv and the install are what ``.ci/run`` does); ``.venv/bin/`` is this Python.
* The test command (``<!-- ci:test -->``) is not run here (it is this suite).
* Synopsis blocks (with ``[--option]`` or ``...``) and blocks after a
  ``<!-- readme: no-run -->`` comment are not commands and are skipped.
* ``arsip/`` and ``kab_b.zip`` (the batch example's inputs) are made from the samples;
  a snippet that reads ``corpus/`` runs after the one that writes it.

The quick test runs the snippets that do not need a batch corpus on the samples' text
renderings; the slow one runs every snippet on all samples (PDFs, scan).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLOCK = re.compile(
    r"(?P<pre>(?:<!--[^\n]*-->[ \t]*\n)?)```(?P<lang>python|bash|sh)[ \t]*\n(?P<body>.*?)\n```",
    re.S,
)
SYNOPSIS = re.compile(r"\[--|\.\.\.")
TIMEOUT = 600


@dataclass
class Snippet:
    line: int
    lang: str
    body: str
    skip: str | None = None


def snippets(text: str) -> list[Snippet]:
    out = []
    for m in BLOCK.finditer(text):
        line = text[: m.start("lang")].count("\n") + 1
        pre, lang, body = m.group("pre"), m.group("lang"), m.group("body")
        s = Snippet(line, lang, body)
        if "readme: no-run" in pre:
            s.skip = "marked no-run"
        elif "ci:test" in pre:
            s.skip = "the test command is this suite"
        elif "ci:install" in pre:
            steps = [p.strip() for p in body.split("&&")]
            after = [i for i, p in enumerate(steps) if "pip install" in p]
            assert after, "the install line has no pip install"
            s.body = " && ".join(steps[after[-1] + 1 :]).replace(".venv/bin/", "")
        elif lang != "python" and SYNOPSIS.search(body):
            s.skip = "a synopsis, not a command"
        out.append(s)
    return out


def _workspace(tmp: Path, full: bool) -> dict[str, str]:
    """A folder with ``samples/`` (text renderings only unless ``full``), the batch
    example's inputs, and a PATH where ``iki-extract`` and ``python`` are this Python."""
    samples = tmp / "samples"
    samples.mkdir()
    for f in (REPO / "samples").iterdir():
        if f.is_file() and (full or f.suffix in (".txt", ".json", ".md")):
            shutil.copy(f, samples / f.name)
    shutil.copytree(samples, tmp / "arsip")
    with zipfile.ZipFile(tmp / "kab_b.zip", "w") as z:
        for f in sorted(samples.glob("*.txt"))[:1]:
            z.write(f, f"kab_b/{f.name}")
    bin_dir = tmp / ".bin"
    bin_dir.mkdir()
    (bin_dir / "iki-extract").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m iki_extract "$@"\n', encoding="utf-8"
    )
    (bin_dir / "python").symlink_to(sys.executable)
    (bin_dir / "python3").symlink_to(sys.executable)
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["MPLBACKEND"] = "Agg"
    return env


def _run(s: Snippet, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    if s.lang == "python":
        argv = [sys.executable, "-c", s.body]
    else:
        argv = ["bash", "-euo", "pipefail", "-c", s.body]
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _needs_corpus(s: Snippet) -> bool:
    return "corpus/corpus.duckdb" in s.body


def _batch(s: Snippet) -> bool:
    return "run_batch" in s.body or "duckdb" in s.body or "iki-extract batch" in s.body


def run_readme(tmp: Path, full: bool) -> list[tuple[Snippet, str]]:
    env = _workspace(tmp, full)
    todo = [s for s in snippets(README.read_text(encoding="utf-8")) if s.skip is None]
    if not full:
        todo = [s for s in todo if not _batch(s)]
    assert todo, "no runnable snippet found in the README"
    order = [s for s in todo if not _needs_corpus(s)] + [s for s in todo if _needs_corpus(s)]
    done = []
    for s in order:
        run = _run(s, tmp, env)
        assert run.returncode == 0, (
            f"README.md line {s.line} ({s.lang}) failed with exit {run.returncode}:\n"
            f"{s.body}\n--- stdout\n{run.stdout[-2000:]}\n--- stderr\n{run.stderr[-3000:]}"
        )
        assert "Traceback" not in run.stderr, run.stderr
        done.append((s, run.stdout))
    return done


def test_snippet_parser_knows_every_kind():
    found = snippets(README.read_text(encoding="utf-8"))
    langs = {s.lang for s in found if s.skip is None}
    assert {"python", "bash"} <= langs
    install = next(s for s in found if "extract samples" in s.body)
    assert install.skip is None and install.body.startswith("iki-extract extract samples")
    assert any(s.skip == "the test command is this suite" for s in found)


def test_readme_snippets_run_on_the_text_samples(tmp_path):
    done = run_readme(tmp_path, full=False)
    outputs = "\n".join(out for _, out in done)
    assert "decree" in outputs  # the API example prints the summary line
    assert (tmp_path / "out" / "decrees.csv").is_file()


@pytest.mark.slow
def test_readme_snippets_run_on_all_samples(tmp_path):
    done = run_readme(tmp_path, full=True)
    assert any(_batch(s) for s, _ in done)
    assert (tmp_path / "corpus" / "corpus.duckdb").is_file()
