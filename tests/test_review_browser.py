"""End to end in headless Chromium: correct a cell on the review page, find it in the
Parquet table and after a re-run of ``batch``; screenshots for the docs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
# the committed screenshots are refreshed with IKI_SAVE_SCREENSHOTS=1; otherwise a temp folder
SAVE_SHOTS = os.environ.get("IKI_SAVE_SCREENSHOTS") == "1"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.slow


def _cli(*args: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run(
        [sys.executable, "-m", "iki_extract.cli", *args],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    def __init__(self, app, port: int) -> None:
        import uvicorn

        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        for _ in range(100):
            if self.server.started:
                return self
            time.sleep(0.1)
        raise RuntimeError("review server did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
def test_correct_a_cell_in_the_browser(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from iki_extract.review.app import ReviewConfig, create_app

    src = tmp_path / "src"
    src.mkdir()
    for name in ("kec_mekarsari_2023.pdf", "kec_sukamaju_2024.txt"):
        shutil.copy(REPO / "samples" / name, src / name)
    corpus = tmp_path / "corpus"
    _cli("batch", str(src), "-o", str(corpus), "--workers", "1", "-q")

    ind = pd.read_csv(corpus / "indikator.csv")
    row = ind[ind["source_file"].str.endswith(".pdf")].iloc[0]
    target = f"/item/{row['decree_id']}/{row['jabatan_no']}/{row['row_no']}"
    fixed = "Persentase dokumen perencanaan yang disusun tepat waktu (dikoreksi)"

    port = _free_port()
    app = create_app(ReviewConfig(corpus=corpus, sources=[src], port=port, reviewer="browser"))
    shots = REPO / "docs" / "screenshots" if SAVE_SHOTS else tmp_path / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with _Server(app, port), sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            base = f"http://127.0.0.1:{port}"
            page.goto(base + "/")
            assert "left" in page.inner_text("h1")
            page.screenshot(path=str(shots / "review_list.png"))
            page.goto(base + target)
            page.wait_for_selector("#pageimg")
            page.wait_for_function("document.getElementById('pageimg').complete")
            assert page.locator("rect.box").count() >= 1
            page.screenshot(path=str(shots / "review_item.png"), full_page=False)
            page.fill("[name=f_indikator]", fixed)
            page.locator("[name=f_indikator]").press("Escape")
            page.keyboard.press("c")  # the keyboard shortcut saves the correction
            page.wait_for_load_state("load")
            page.goto(base + target)  # reload
            assert page.input_value("[name=f_indikator]") == fixed
            assert "corrected" in page.inner_text("h1")

            _cli("report", str(corpus), "-o", str(tmp_path / "report.html"))
            page.goto((tmp_path / "report.html").as_uri())
            page.screenshot(path=str(shots / "report.png"), full_page=False)
        finally:
            browser.close()

    def parquet_value() -> str:
        df = pd.read_parquet(corpus / "parquet" / "indikator")
        hit = df[
            (df["decree_id"] == row["decree_id"])
            & (df["jabatan_no"] == row["jabatan_no"])
            & (df["row_no"] == row["row_no"])
        ]
        assert bool(hit["corrected"].iloc[0])
        return hit["indikator"].iloc[0]

    assert parquet_value() == fixed
    _cli("batch", str(src), "-o", str(corpus), "--workers", "1", "-q")  # re-run
    assert parquet_value() == fixed
    # a re-extraction of the same files (manifest and decree JSON gone): same ids, same fix
    (corpus / "manifest.sqlite").unlink()
    shutil.rmtree(corpus / "decrees")
    _cli("batch", str(src), "-o", str(corpus), "--workers", "1", "-q")
    assert parquet_value() == fixed
