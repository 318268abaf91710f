"""``iki-extract batch``: archives of mixed inputs into one resumable, deduplicated corpus.

One synthetic archive (54 inputs: text and PDF decrees made distinct by renaming
their kecamatan and nomor, duplicates, bad files, unsafe zip members, nested zips,
symlinks) is converted with the local process pool, with a local Dask cluster, and
by a run killed with SIGKILL then resumed; all three corpora must be identical.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from iki_extract.batch import BatchOptions, ZipLimits, run_batch, worker
from iki_extract.batch import fixtures as fx
from iki_extract.batch.discover import discover
from iki_extract.export import TABLE_NAMES

REPO = Path(__file__).resolve().parents[1]
WORKERS = 2


# -- the archive ---------------------------------------------------------------------------


def _zip_bytes(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buf.getvalue()


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), encrypt="rahasia")
    c.drawString(50, 800, "KEPUTUSAN CAMAT CONTOH")
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build ``arsip/`` (a folder + a zip with a nested zip) and what the corpus must hold."""
    root = tmp_path_factory.mktemp("batch")
    arsip = root / "arsip"
    folder = arsip / "kab_folder"
    staging = root / "gen"
    vs = fx.variants(34)
    text_vs, pdf_pair_vs, pdf_only_vs = vs[:30], vs[:4], vs[30:34]

    # folder: 12 text decrees, 2 PDFs of decrees also given as text, 2 PDF-only decrees
    for v in text_vs[:12]:
        fx.write_text_variant(v, folder / "txt")
    for v in [*pdf_pair_vs[:2], *pdf_only_vs[:2]]:
        fx.write_pdf_variant(v, folder / "pdf")
    (folder / "copy").mkdir()
    same_bytes = (folder / "txt" / f"{vs[0].name}.txt").read_bytes()
    (folder / "copy" / "salinan.txt").write_bytes(same_bytes)
    (folder / "README.md").write_text("not an input\n")
    bad = folder / "bad"
    bad.mkdir()
    good_pdf = (folder / "pdf" / f"{vs[30].name}.pdf").read_bytes()
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (bad / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    _encrypted_pdf(bad / "encrypted.pdf")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(fx.variant_text(vs[33]), encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")

    # zip: 10 text decrees, 2 PDFs, the same bytes again, unsafe members, a bomb, nested zips
    for v in text_vs[12:30]:
        fx.write_text_variant(v, staging)
    for v in [*pdf_pair_vs[2:], *pdf_only_vs[2:]]:
        fx.write_pdf_variant(v, staging)
    deep = _zip_bytes({f"deep/{vs[29].name}.txt": (staging / f"{vs[29].name}.txt").read_bytes()})
    inner_members = {
        f"txt/{v.name}.txt": (staging / f"{v.name}.txt").read_bytes() for v in vs[22:29]
    }
    inner_members[f"pdf/{vs[3].name}.pdf"] = (staging / f"{vs[3].name}.pdf").read_bytes()
    inner_members[f"pdf/{vs[33].name}.pdf"] = (staging / f"{vs[33].name}.pdf").read_bytes()
    inner_members["pdf/corrupt2.pdf"] = b"%PDF-1.7\nnot really a pdf\n%%EOF"
    inner_members["deep.zip"] = deep
    evil = fx.variant_text(vs[32]).encode()
    outer = {f"kab_b/{v.name}.txt": (staging / f"{v.name}.txt").read_bytes() for v in vs[12:22]}
    outer[f"kab_b/pdf/{vs[2].name}.pdf"] = (staging / f"{vs[2].name}.pdf").read_bytes()
    outer[f"kab_b/pdf/{vs[32].name}.pdf"] = (staging / f"{vs[32].name}.pdf").read_bytes()
    outer["kab_b/dup/same.txt"] = same_bytes
    outer["../../evil.txt"] = evil
    outer["/tmp/abs_evil.txt"] = evil
    outer["kab_b/bomb.txt"] = b"\0" * (20 * 2**20)
    outer["kab_b/broken.zip"] = b"PK\x03\x04 this is not a zip"
    outer["kab_b/inner.zip"] = _zip_bytes(inner_members)
    outer["kab_b/notes.notes.md"] = b"companion file, skipped"
    (arsip / "kab_b.zip").write_bytes(_zip_bytes(outer, {"kab_b/link.txt": "/etc/passwd"}))

    # a scan: needs OCR (an error until OCR exists, then no decree in a blank page)
    from PIL import Image

    Image.new("L", (200, 100), 255).save(folder / "scan.png")

    expected: set[tuple[str, str, str]] = set()
    for v in [*text_vs, *pdf_only_vs]:
        expected |= fx.expected_keys(v)
    bad_names = {f"arsip/kab_folder/bad/{n}" for n in os.listdir(bad)}
    bad_names |= {
        "arsip/kab_folder/link.txt",
        "arsip/kab_b.zip!../../evil.txt",
        "arsip/kab_b.zip!/tmp/abs_evil.txt",
        "arsip/kab_b.zip!kab_b/link.txt",
        "arsip/kab_b.zip!kab_b/bomb.txt",
        "arsip/kab_b.zip!kab_b/broken.zip",
        "arsip/kab_b.zip!kab_b/inner.zip!pdf/corrupt2.pdf",
    }
    return {
        "root": root,
        "arsip": arsip,
        "expected": expected,
        "bad": bad_names,
        "pairs": pdf_pair_vs,
        "variants": vs,
        "before": _tree(root),
    }


def _tree(root: Path) -> dict[str, int]:
    """Every path under ``root`` (except corpora) with its size: to prove nothing else changed."""
    out = {}
    for p in root.rglob("*"):
        rel = p.relative_to(root)
        if rel.parts[0].startswith("corpus"):
            continue
        out[rel.as_posix()] = p.lstat().st_size
    return out


def _run(archive: dict, name: str, **options) -> tuple[Path, object]:
    corpus = archive["root"] / name
    opts = BatchOptions(workers=WORKERS, timeout=120, **options)
    summary = run_batch([archive["arsip"]], corpus, opts, quiet=True)
    return corpus, summary


@pytest.fixture(scope="module")
def local_corpus(archive: dict) -> tuple[Path, object]:
    return _run(archive, "corpus_local")


def snapshot(corpus: Path) -> dict[str, object]:
    """Everything a corpus publishes, in comparable form."""
    snap: dict[str, object] = {}
    for sub in ("decrees", "duplicates"):
        for f in sorted((corpus / sub).glob("*.json")):
            snap[f"{sub}/{f.name}"] = f.read_text(encoding="utf-8")
    for name in [*TABLE_NAMES, "errors"]:
        snap[f"{name}.csv"] = (corpus / f"{name}.csv").read_text(encoding="utf-8")
    snap["parquet files"] = sorted(
        p.relative_to(corpus).as_posix() for p in (corpus / "parquet").rglob("*.parquet")
    )
    con = duckdb.connect(str(corpus / "corpus.duckdb"), read_only=True)
    try:
        for name in TABLE_NAMES:
            df = con.sql(f"SELECT * FROM {name}").df()
            snap[f"view {name}"] = df.sort_values(list(df.columns)[:3]).to_csv(index=False)
    finally:
        con.close()
    return snap


# -- the corpus ------------------------------------------------------------------------------


def test_corpus_holds_every_good_decree_once(archive: dict, local_corpus) -> None:
    corpus, summary = local_corpus
    assert summary.inputs + summary.rejected >= 50
    decrees = pd.read_csv(corpus / "decrees.csv", dtype=str)
    keys = list(zip(decrees["nomor"], decrees["kecamatan"], decrees["kind"], strict=True))
    real = [k for k in keys if k[2] != "OTHER"]  # a blank scan may one day give OTHER
    assert len(real) == len(set(real)), "a decree is in the corpus twice"
    assert set(real) == archive["expected"]
    assert decrees["decree_id"].tolist() == sorted(decrees["decree_id"])

    # the same decree as .txt and .pdf (and the same bytes twice) is kept once, with all sources
    v0 = archive["pairs"][0]
    row = decrees[decrees["kecamatan"] == v0.kecamatan].iloc[0]
    files = row["source_files"].split("; ")
    assert f"arsip/kab_folder/txt/{v0.name}.txt" in files
    assert f"arsip/kab_folder/pdf/{v0.name}.pdf" in files
    assert "arsip/kab_folder/copy/salinan.txt" in files
    assert "arsip/kab_b.zip!kab_b/dup/same.txt" in files
    assert row["source_file"] == files[0]
    doc = json.loads((corpus / "decrees" / f"{row['decree_id']}.json").read_text())
    assert doc["source"] == doc["sources"][0]
    assert {s["file"] for s in doc["sources"]} == set(files)
    assert summary.corpus.duplicates >= len(archive["pairs"])
    dup = next((corpus / "duplicates").glob("*.json"))
    assert json.loads(dup.read_text())["duplicate_of"] in set(decrees["decree_id"])

    # nested zips were walked
    v29 = archive["variants"][29]
    assert v29.kecamatan in set(decrees["kecamatan"])
    deep = decrees[decrees["kecamatan"] == v29.kecamatan]["source_file"].iloc[0]
    assert deep == f"arsip/kab_b.zip!kab_b/inner.zip!deep.zip!deep/{v29.name}.txt"


def test_every_bad_file_is_an_error_and_nothing_leaves_the_corpus(archive, local_corpus) -> None:
    corpus, summary = local_corpus
    errors = pd.read_csv(corpus / "errors.csv", dtype=str)
    assert archive["bad"] <= set(errors["file"])
    by_file = errors.set_index("file")
    assert by_file.loc["arsip/kab_b.zip!../../evil.txt", "error_class"] == "UnsafeZipMember"
    assert by_file.loc["arsip/kab_b.zip!kab_b/link.txt", "error_class"] == "SymlinkError"
    assert by_file.loc["arsip/kab_b.zip!kab_b/bomb.txt", "error_class"] == "ZipBomb"
    assert by_file.loc["arsip/kab_folder/bad/encrypted.pdf", "stage"] == "ingest"
    assert "password" in by_file.loc["arsip/kab_folder/bad/encrypted.pdf", "message"]
    scan = "arsip/kab_folder/scan.png"
    decrees = pd.read_csv(corpus / "decrees.csv", dtype=str)
    # a blank page is no decree: done with no decree row (or an error without OCR)
    assert scan not in set(decrees["source_file"])
    with sqlite3.connect(corpus / "manifest.sqlite") as db:
        row = db.execute(
            "SELECT f.status, f.n_decrees FROM files f JOIN sources s USING (sha256) "
            "WHERE s.name = ?",
            (scan,),
        ).fetchone()
    assert scan in set(errors["file"]) or tuple(row) == ("done", 0)
    parquet_errors = pd.read_parquet(corpus / "errors.parquet")
    assert parquet_errors["file"].tolist() == errors["file"].tolist()
    assert len(errors) == len(archive["bad"]) + (scan in set(errors["file"]))
    assert summary.rejected == 6 and summary.failed == 6  # empty.txt, empty.pdf: same bytes
    assert summary.ok > 30

    with sqlite3.connect(corpus / "manifest.sqlite") as db:
        statuses = dict(db.execute("SELECT status, count(*) FROM files GROUP BY status"))
        assert statuses["done"] == summary.ok and statuses["failed"] == summary.failed
        assert db.execute("SELECT count(*) FROM errors").fetchone()[0] == len(errors)

    root = archive["root"]
    assert _tree(root) == archive["before"], "something was written outside the corpus"
    for p in (corpus.parent / "evil.txt", corpus / "evil.txt", Path("/tmp/abs_evil.txt")):
        assert not p.exists()
    assert not (corpus / ".staging").exists()
    assert all(p.resolve().is_relative_to(corpus.resolve()) for p in corpus.rglob("*"))


def test_parquet_dataset_and_duckdb_views(local_corpus) -> None:
    corpus, _ = local_corpus
    decrees = pd.read_csv(corpus / "decrees.csv", dtype=str).fillna("__unknown__")
    places = set(decrees[["kabupaten_kota", "tahun"]].itertuples(index=False, name=None))
    found = {
        (p.parent.parent.name.split("=", 1)[1], p.parent.name.split("=", 1)[1])
        for p in (corpus / "parquet" / "decrees").glob("*/*/part-0.parquet")
    }
    assert found == places and len(places) >= 4
    assert (corpus / "parquet" / "mengingat").is_dir()
    con = duckdb.connect(str(corpus / "corpus.duckdb"), read_only=True)
    try:
        for name in TABLE_NAMES:
            n = con.sql(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            assert n == len(pd.read_csv(corpus / f"{name}.csv")), name
        themes = con.sql(
            """
            SELECT kabupaten_kota, kecamatan, count(*) AS n
            FROM indikator
            WHERE lower(indikator) LIKE '%kepuasan%' OR lower(indikator) LIKE '%pengaduan%'
            GROUP BY ALL ORDER BY n DESC
            """
        ).df()
        assert len(themes) > 1 and themes["kabupaten_kota"].notna().all()
        years = con.sql("SELECT DISTINCT tahun FROM decrees ORDER BY 1").fetchall()
        assert {y for (y,) in years} - {None} == {2023, 2024}  # None: __unknown__ decoded
    finally:
        con.close()


@pytest.mark.slow
def test_dask_local_gives_the_same_corpus(archive: dict, local_corpus) -> None:
    corpus, summary = _run(archive, "corpus_dask", executor="dask-local")
    assert summary.ok == local_corpus[1].ok and summary.failed == local_corpus[1].failed
    assert snapshot(corpus) == snapshot(local_corpus[0])

    # forget 5 done files, then re-run on an existing cluster (--scheduler: bytes travel
    # with the tasks): only those and the failed files run again; the corpus is unchanged
    with sqlite3.connect(corpus / "manifest.sqlite") as db:
        db.execute(
            "DELETE FROM files WHERE sha256 IN"
            " (SELECT sha256 FROM files WHERE status = 'done' ORDER BY sha256 LIMIT 5)"
        )
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        opts = BatchOptions(scheduler=cluster.scheduler_address, timeout=120)
        again = run_batch([archive["arsip"]], corpus, opts, quiet=True)
    assert (again.ok, again.failed) == (5, summary.failed)
    assert again.skipped == summary.ok - 5
    assert snapshot(corpus) == snapshot(local_corpus[0])


@pytest.mark.slow
def test_sigkill_then_resume_gives_the_clean_corpus(archive: dict, local_corpus) -> None:
    corpus = archive["root"] / "corpus_killed"
    cmd = [sys.executable, "-m", "iki_extract", "batch", str(archive["arsip"]), "-o", str(corpus)]
    cmd += ["--workers", str(WORKERS), "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    done = _wait_for_done(corpus / "manifest.sqlite", proc, at_least=4)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:  # the workers the killed driver left behind
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    total = local_corpus[1].tasks
    assert 4 <= done < total, f"kill came too late ({done} of {total} files done)"
    assert not (corpus / "decrees.csv").exists()  # tables come at the end only

    resumed = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert resumed.returncode == 1, resumed.stderr  # bad files -> exit 1
    summary_line = resumed.stdout.strip().splitlines()[-1]
    skipped = int(summary_line.split(" distinct, ")[1].split(" done before")[0])
    assert skipped >= 1
    assert snapshot(corpus) == snapshot(local_corpus[0])


def _wait_for_done(manifest: Path, proc: subprocess.Popen, at_least: int) -> int:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"batch ended before it could be killed: {proc.stderr.read()!r}")
        if manifest.exists():
            try:
                with sqlite3.connect(f"file:{manifest}?mode=ro", uri=True, timeout=1) as db:
                    n = db.execute("SELECT count(*) FROM files").fetchone()[0]
            except sqlite3.Error:
                n = 0
            if n >= at_least:
                return n
        time.sleep(0.02)
    pytest.fail("no file finished in time")


# -- isolation -----------------------------------------------------------------------------


@pytest.fixture
def text_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    # no warm-up here: it ends with gc.freeze(), which suits a worker, not the test process
    monkeypatch.setattr(worker, "_warm", True)
    path = fx.write_text_variant(fx.variants(1)[0], tmp_path)
    return {"sha256": "0" * 64, "name": path.name, "path": str(path)}


def test_worker_extracts_and_reports_pages_and_memory(text_task: dict) -> None:
    result = worker.run_task(text_task, timeout=60)
    assert result["ok"] and result["pages"] == 1 and len(result["decrees"]) == 1
    assert result["max_rss_kb"] > 0 and result["worker"].endswith(f":{os.getpid()}")


def test_worker_time_limit(text_task: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker.api, "extract_file", lambda *a, **k: time.sleep(60))
    start = time.monotonic()
    result = worker.run_task(text_task, timeout=0.5)
    assert time.monotonic() - start < 10
    assert not result["ok"] and result["error_class"] == "TimeoutError"


def test_worker_memory_limit(text_task: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    def hog(*args, **kwargs):
        return bytearray(1024 * 2**20)

    monkeypatch.setattr(worker.api, "extract_file", hog)
    result = worker.run_task(text_task, timeout=60, max_memory_mb=100)
    assert not result["ok"] and result["error_class"] == "MemoryError"
    assert "100 MB" in result["error"]


def test_worker_crash_is_a_failure(text_task: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker.api, "extract_file", lambda *a, **k: os.kill(os.getpid(), 9))
    result = worker.run_task(text_task, timeout=60)
    assert not result["ok"] and result["error_class"] == "WorkerCrash"
    assert "SIGKILL" in result["error"]


# -- zip safety ------------------------------------------------------------------------------


def test_zip_guards(tmp_path: Path) -> None:
    text = fx.variant_text(fx.variants(1)[0]).encode()
    nested = _zip_bytes({"a.txt": text})
    for _ in range(3):
        nested = _zip_bytes({"n.zip": nested})
    archive = tmp_path / "in.zip"
    archive.write_bytes(
        _zip_bytes(
            {
                "ok/a.txt": text,
                "..\\win.txt": text,
                "C:/drive.txt": text,
                "big.txt": b"a" * (3 * 2**20),
                "deep.zip": nested,
                "image.jpeg": b"\xff\xd8\xff",
            },
            {"ln.pdf": "../../x"},
        )
    )
    staging = tmp_path / "corpus" / ".staging"
    limits = ZipLimits(max_depth=3, max_member_bytes=2 * 2**20)
    found = discover([archive], staging, limits=limits)
    assert [i.name for i in found.items] == ["in.zip!image.jpeg", "in.zip!ok/a.txt"]
    assert all(i.path.is_relative_to(staging) for i in found.items)
    rejected = {r.name: r.error_class for r in found.rejected}
    assert rejected == {
        "in.zip!..\\win.txt": "UnsafeZipMember",
        "in.zip!C:/drive.txt": "UnsafeZipMember",
        "in.zip!big.txt": "ZipBomb",
        "in.zip!deep.zip!n.zip!n.zip": "ZipBomb",
        "in.zip!ln.pdf": "SymlinkError",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "in.zip"]
