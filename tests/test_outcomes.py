"""What a user sees for every kind of input: one decree per distinct decree, honest
region codes, a clear outcome per file, progress that helps (issue 9, items 3-6)."""

from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from iki_extract import api, cli
from iki_extract.batch import runner
from iki_extract.batch.progress import Progress
from iki_extract.errors import ExtractError
from iki_extract.normalize.region import resolve_region

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SUKAMAJU = SAMPLES / "kec_sukamaju_2024.txt"
MEKARSARI = SAMPLES / "kec_mekarsari_2023.txt"
NOT_A_DECREE = REPO / "tests" / "data" / "not_a_decree.txt"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def two_renderings(folder: Path) -> Path:
    """The same decree in two files with different bytes (as a .txt and its re-export)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SUKAMAJU, folder / "a.txt")
    (folder / "b.txt").write_bytes(SUKAMAJU.read_bytes() + b"\n\n")
    return folder


# -- item 3: one decree per distinct decree ------------------------------------


def test_api_merges_the_renderings_of_one_decree(tmp_path):
    folder = two_renderings(tmp_path / "in")
    decrees = api.extract(folder)
    assert len(decrees) == 1
    assert sorted(s["file"] for s in decrees[0].sources) == ["a.txt", "b.txt"]
    assert decrees[0].sources[0]["file"] == decrees[0].source_file
    assert len(api.extract(folder, merge=False)) == 2


def test_distinct_decrees_are_not_merged(tmp_path):
    (tmp_path / "in").mkdir()
    for f in (SUKAMAJU, MEKARSARI):
        shutil.copy(f, tmp_path / "in" / f.name)
    assert [d.kind for d in api.extract(tmp_path / "in")] == ["IKU", "IKI", "IKI"]


def test_cli_writes_one_row_per_distinct_decree(tmp_path, capsys):
    folder = two_renderings(tmp_path / "in")
    out = tmp_path / "out"
    assert cli.main(["extract", str(folder), "-o", str(out), "-q"]) == 0
    assert "1 decree (1 duplicate merged), 8 jabatan, 29 indikator rows" in capsys.readouterr().out
    table = pd.read_csv(out / "decrees.csv", dtype=str)
    assert len(table) == 1
    assert sorted(table["source_files"].iloc[0].split("; ")) == ["a.txt", "b.txt"]
    assert len(pd.read_csv(out / "indikator.csv")) == 29
    (json_file,) = (out / "decrees").glob("*.json")
    assert len(pd.read_json(json_file, typ="series")["sources"]) == 2

    keep = tmp_path / "keep"
    assert cli.main(["extract", str(folder), "-o", str(keep), "-q", "--keep-duplicates"]) == 0
    assert len(pd.read_csv(keep / "decrees.csv")) == 2
    assert len(list((keep / "decrees").glob("*.json"))) == 2


# -- item 4: honest normalised fields -------------------------------------------


def test_unknown_kabupaten_gives_no_region_code_and_says_why():
    match = resolve_region("Mekarsari", "Kota Tirta Raya", "800/12/2023")
    assert match.kode_kecamatan is None and match.kode_kabkota is None
    assert "Kota Tirta Raya" in match.note and "not found" in match.note
    known = resolve_region("Karangploso", "Kabupaten Malang", "188.45/05/35.07.23/2020")
    assert known.kode_kecamatan == "35.07.23" and known.score == 100.0


def test_region_note_and_score_reach_the_tables(tmp_path):
    shutil.copy(MEKARSARI, tmp_path / MEKARSARI.name)
    frames = api.to_frames(api.extract(tmp_path))
    decrees = frames["decrees"]
    assert decrees["kode_kecamatan"].isna().all() and decrees["kode_kabkota"].isna().all()
    assert decrees["region_note"].str.contains("Kota Tirta Raya").all()
    assert (decrees["region_score"] == 0).all()


# -- item 5: a clear outcome for every input -----------------------------------


def test_a_non_decree_is_skipped_and_writes_no_row(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    shutil.copy(NOT_A_DECREE, tmp_path / "in" / "berita.txt")
    shutil.copy(SUKAMAJU, tmp_path / "in" / SUKAMAJU.name)
    out = tmp_path / "out"
    assert cli.main(["extract", str(tmp_path / "in"), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "berita.txt: skipped (not a decree" in captured.err
    assert captured.out.startswith("2 files: 1 ok, 1 skipped (not a decree), 0 failed; 1 decree,")
    assert len(pd.read_csv(out / "decrees.csv")) == 1
    assert len(list((out / "decrees").glob("*.json"))) == 1
    assert api.extract(tmp_path / "in" / "berita.txt") == []


def _encrypted_pdf(path: Path, password: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=password)
    c.drawString(72, 760, "KEPUTUSAN CAMAT RAHASIA")
    c.showPage()
    c.save()
    return path


def test_wrong_password_is_not_a_missing_password(tmp_path):
    pdf = _encrypted_pdf(tmp_path / "locked.pdf", "kunci")
    with pytest.raises(ExtractError) as missing:
        api.extract_file(pdf)
    with pytest.raises(ExtractError) as wrong:
        api.extract_file(pdf, password="salah")
    assert "password required" in str(missing.value)
    assert "wrong password" in str(wrong.value)


def test_a_missing_path_is_one_error_and_the_run_goes_on(tmp_path, capsys):
    shutil.copy(SUKAMAJU, tmp_path / SUKAMAJU.name)
    missing = tmp_path / "arsip" / "hilang.pdf"
    out = tmp_path / "out"
    code = cli.main(["extract", str(missing), str(tmp_path / SUKAMAJU.name), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.strip().splitlines() == [f"{missing}: no such file or folder"]
    assert captured.out.startswith("2 files: 1 ok, 1 failed; 1 decree,")
    assert len(pd.read_csv(out / "decrees.csv")) == 1


def test_unsupported_files_in_a_folder_are_counted_and_named(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    shutil.copy(SUKAMAJU, tmp_path / "in" / SUKAMAJU.name)
    (tmp_path / "in" / "rekap.numbers").write_bytes(b"PK\x03\x04")
    (tmp_path / "in" / "surat.pages").write_bytes(b"PK\x03\x04")
    (tmp_path / "in" / "README.md").write_text("companion file, not an input", encoding="utf-8")
    assert cli.main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("; 2 unsupported files not read: rekap.numbers, surat.pages")
    found = api.discover_inputs(tmp_path / "in")
    assert [p.name for p in found.files] == [SUKAMAJU.name]


# -- item 6: progress ----------------------------------------------------------


def test_extract_bar_shows_the_file_being_read_and_pages_per_s(tmp_path):
    stream = Terminal()
    reporter = cli._Reporter(2, quiet=False, stream=stream)
    reporter.on_start(tmp_path / "kec_a.pdf")
    assert "reading kec_a.pdf" in stream.getvalue()
    reporter.on_file(api.FileResult(path=tmp_path / "kec_a.pdf", pages=3, elapsed=1.0))
    reporter.on_start(tmp_path / "kec_b.pdf")
    reporter.close()
    assert "3 pages" in stream.getvalue() and "pages/s" in stream.getvalue()
    assert "reading kec_b.pdf" in stream.getvalue()


def test_plain_lines_use_singular_and_plural(tmp_path):
    one = api.FileResult(path=tmp_path / "a.txt", pages=1, elapsed=0.1)
    assert "(1 page, 0.1 s)" in one.line()
    summary = api.RunSummary(files=1, failed=1)
    assert summary.line().startswith("1 file: 0 ok, 1 failed; 0 decrees,")

    stream = io.StringIO()
    progress = Progress(1, stream=stream, bar=False)
    progress.update("a.txt", {"ok": True, "pages": 1, "decrees": [{}], "elapsed": 0.1})
    line = stream.getvalue()
    assert "a.txt: 1 decree, 1 page (0.1 s); 1 page, " in line
    assert not re.search(r"(?<![\d.])1 (page|decree)s", line)

    batch = runner.BatchSummary(inputs=1, pages=1)
    batch.corpus.errors, batch.corpus.decrees, batch.corpus.indikator = 1, 1, 1
    text = batch.line()
    assert text.startswith("1 input (") and "1 page in" in text
    assert "1 decree (0 duplicates merged), 1 indikator row, 1 error" in text


def test_batch_bar_shows_from_the_first_second(tmp_path, monkeypatch):
    stream = Terminal()
    progress = Progress(0, stream=stream)
    assert progress.bar is not None  # before the number of files is known
    progress.phase("discovering inputs")
    assert "discovering inputs" in stream.getvalue()
    drawn = stream.getvalue().count("\r")
    time.sleep(1.3)  # the bar is redrawn every second while nothing finishes
    assert stream.getvalue().count("\r") > drawn
    progress.close()

    seen: list[str] = []

    def discover(*args, **kwargs):
        seen.append(run_stream.getvalue())
        raise RuntimeError("stop after discovery started")

    run_stream = Terminal()
    monkeypatch.setattr(runner, "discover", discover)
    (tmp_path / "src").mkdir()
    with pytest.raises(RuntimeError):
        runner.run_batch([tmp_path / "src"], tmp_path / "corpus", stream=run_stream)
    assert "discovering inputs" in seen[0]
