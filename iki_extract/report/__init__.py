"""``iki-extract report CORPUS -o report.html``: one self-contained report comparing kecamatan.

Plots are PNGs embedded as ``data:`` URIs and the CSS is inline, so the file
works offline and can be mailed; ``--format pdf`` prints that HTML with the
system's headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from . import blocks, plots

__all__ = ["ReportError", "build_html", "write_report"]

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


class ReportError(Exception):
    pass


def _table(df, **kw) -> str:
    if df is None or len(df) == 0:
        return '<p class="muted">none</p>'
    return df.to_html(index=False, escape=True, border=0, classes="t", na_rep="", **kw)


def build_html(corpus: Path) -> str:
    """The report as one HTML string (everything inline)."""
    try:
        con = blocks.connect(corpus)
    except FileNotFoundError as exc:
        raise ReportError(str(exc)) from exc
    try:
        per_place = blocks.decrees_per_place(con)
        kec = blocks.kecamatan_list(con)
        heat = blocks.theme_by_kecamatan(con)
        pos = blocks.indicators_per_position(con)
        ftypes = blocks.formula_types(con)
        sumber = blocks.sumber_data(con)
        laws = blocks.laws_cited(con)
        qual = blocks.quality(con)
        conf = blocks.confidence_values(con)
        unsure = blocks.uncertain_rows(con)
        corr = blocks.corrections(con)
    finally:
        con.close()
    img = {
        "decrees": plots.b64(plots.to_png(plots.decrees_bar(per_place))),
        "heat": plots.b64(plots.to_png(plots.theme_heatmap(heat))),
        "positions": plots.b64(
            plots.to_png(
                plots.barh(
                    pos, "jabatan_canonical", "indikator", "Indicators per canonical position"
                )
            )
        ),
        "ftypes": plots.b64(
            plots.to_png(plots.barh(ftypes, "indikator_type", "n", "Formula types", "#a76"))
        ),
        "sumber": plots.b64(
            plots.to_png(
                plots.barh(sumber, "sumber_data", "n", "Most frequent sumber data", "#69b")
            )
        ),
        "laws": plots.b64(
            plots.to_png(plots.barh(laws, "law", "decrees", "Laws cited (decrees citing)", "#97a"))
        ),
        "conf": plots.b64(plots.to_png(plots.confidence_hist(conf, blocks.UNCERTAIN))),
    }
    q = qual.iloc[0].to_dict()
    env = Environment(
        loader=PackageLoader("iki_extract.report", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    n_corr = int((corr["action"] == "correct").sum()) if len(corr) else 0
    return env.get_template("report.html").render(
        corpus=Path(corpus).name,
        generated=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        img=img,
        n_decrees=int(per_place["decrees"].sum()) if len(per_place) else 0,
        n_kecamatan=len(kec),
        n_kabupaten=kec["kabupaten_kota"].nunique() if len(kec) else 0,
        kecamatan=kec.to_dict("records"),
        heat=_table(heat.reset_index()) if len(heat) else _table(None),
        positions=_table(pos),
        ftypes=_table(ftypes),
        sumber=_table(sumber),
        laws=_table(laws),
        q=q,
        uncertain=blocks.UNCERTAIN,
        unsure=_table(unsure),
        n_corrections=n_corr,
        corrections=_table(corr.tail(30)) if len(corr) else _table(None),
    )


def write_report(corpus: Path, out: Path, *, fmt: str = "html") -> Path:
    html = build_html(Path(corpus))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(html, encoding="utf-8")
        return out
    if fmt != "pdf":
        raise ReportError(f"unknown format {fmt!r}")
    return print_pdf(html, out)


def find_chromium() -> str | None:
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    return None


def print_pdf(html: str, out: Path) -> Path:
    """Print ``html`` to ``out`` with headless Chromium (no network, no profile kept)."""
    exe = find_chromium()
    if exe is None:
        raise ReportError("--format pdf needs chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="iki-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out.resolve()}",
            page.as_uri(),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ReportError(f"chromium could not print the report: {exc}") from exc
    if not out.is_file() or out.stat().st_size == 0:
        raise ReportError("chromium wrote no PDF")
    return out
