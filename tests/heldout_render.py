"""Render a held-out decree's text as PDF, DOCX or ODT by an independent renderer (LibreOffice).

The text is written as plain HTML (one paragraph per line, wide gaps kept as no-break
spaces, pipe tables as ruled HTML tables, page numbers as page breaks) and converted by
``soffice --convert-to pdf`` with the Writer HTML filter: a layout the project's own
generator did not make.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import tempfile
from pathlib import Path

_RULE = re.compile(r":?-{3,}:?")
_PAGE_NUMBER = re.compile(r"-\s*\d+\s*-|Halaman \d+ dari \d+", re.I)
_STYLE = (
    'body{font-family:"DejaVu Serif";font-size:11pt} p{margin:0 0 4pt 0}'
    " td,th{font-size:9pt;vertical-align:top;border:1px solid black;padding:2pt}"
)


def to_html(text: str) -> str:
    out = [f'<html><head><meta charset="utf-8"><style>{_STYLE}</style></head><body>']
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        out.append('<table border="1" cellspacing="0" cellpadding="3" width="100%">')
        for k, r in enumerate(rows):
            tag = "th" if k == 0 else "td"
            out.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in r) + "</tr>")
        out.append("</table><p></p>")
        rows.clear()

    for line in text.splitlines():
        s = line.rstrip()
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip().strip("|").split("|")]
            if not all(_RULE.fullmatch(c) for c in cells):
                rows.append(cells)
            continue
        flush()
        if not s.strip():
            out.append("<p>&nbsp;</p>")
        elif _PAGE_NUMBER.fullmatch(s.strip()):
            out.append('<p style="page-break-before: always"></p>')
        else:
            t = re.sub(r" {2,}", lambda m: "&nbsp;" * len(m.group(0)), html.escape(s.strip()))
            out.append(f"<p>{t}</p>")
    flush()
    out.append("</body></html>")
    return "\n".join(out)


# target -> LibreOffice's export filter
FILTERS = {"pdf": "pdf:writer_pdf_Export", "docx": "docx:MS Word 2007 XML", "odt": "odt"}


def render_pdf(txt: Path, out_dir: Path, soffice: str) -> Path:
    return render(txt, out_dir, soffice, "pdf")


def render(txt: Path, out_dir: Path, soffice: str, target: str) -> Path:
    """``txt`` as ``out_dir/<stem>.<target>`` (LibreOffice in its own throw-away profile)."""
    src = out_dir / f"{txt.stem}.html"
    src.write_text(to_html(txt.read_text(encoding="utf-8")), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [
            soffice, f"-env:UserInstallation=file://{profile}", "--headless",
            "--infilter=HTML (StarWriter)", "--convert-to", FILTERS[target],
            "--outdir", str(out_dir), str(src),
        ]
        subprocess.run(cmd, capture_output=True, timeout=180, check=True, stdin=subprocess.DEVNULL,
                       env={**os.environ, "HOME": profile})
    out = out_dir / f"{txt.stem}.{target}"
    if not out.is_file():
        raise RuntimeError(f"LibreOffice wrote no {target} for {txt.name}")
    return out


def scan_pdf(pdf: Path, out: Path, *, dpi: int = 200, quality: int = 45, angle: float = 0.8) -> Path:
    """A photocopy-like scan of ``pdf`` made outside the project's own simulator:
    pdftoppm grey at ``dpi``, a turn of ``angle`` degrees (alternating), toner, uneven
    light, a scanner-edge shadow, grain and specks, blur, JPEG at ``quality``; written
    as an image-only PDF."""
    import io

    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(7)
    pages = []
    with tempfile.TemporaryDirectory(prefix="scan-") as td:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{td}/p"],
                       check=True, capture_output=True, timeout=300)
        for k, png in enumerate(sorted(Path(td).glob("p*.png"))):
            im = Image.open(png).convert("L")
            im = im.rotate(angle if k % 2 else -angle, resample=Image.BICUBIC, fillcolor=255)
            a = np.asarray(im).astype(np.float32)
            h, w = a.shape
            a = 255 - (255 - a) * 1.1
            a *= np.linspace(0.92, 1.0, w)[None, :] * np.linspace(1.0, 0.95, h)[:, None]
            edge = int(w * 0.03)
            a[:, :edge] *= np.linspace(0.55, 1, edge)[None, :]
            a += rng.normal(0, 9, a.shape)
            a[rng.random(a.shape) < 0.0008] = 40
            im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=quality)
            buf.seek(0)
            pages.append(Image.open(buf).convert("L"))
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out
