"""Scan simulator: turn a born-digital PDF into a photocopied / scanned image-only file.

``simulate_scan(pdf_path, out_path, level="medium", seed=0)`` rasterises every page with
pypdfium2 (greyscale, at the level's dpi) and degrades it the way a tired office copier or
flatbed scanner would: skew with white fill, blur, uneven illumination on grey paper, lost
contrast, sensor noise, dust specks, toner streaks and JPEG compression. Everything is driven
by ``seed`` (one numpy generator per output page), so the same input and seed give the same
bytes. The born-digital text layer is the known truth for the OCR path; ``ScanInfo`` records
what was done to each page (skew, rotation, inserted blanks) so tests can map pages back.

Output by suffix of ``out_path``:

* ``.pdf``  - image-only PDF, one DCT (JPEG) greyscale image per page drawn at the page's
  physical size, no text layer, no dates (byte-for-byte reproducible);
* ``.tif`` / ``.tiff`` - multi-page greyscale TIFF (LZW) holding the decoded JPEG pixels;
* ``.png`` / ``.jpg`` / ``.jpeg`` - page 1 only.

Levels (``LEVELS``):

* ``light``  300 dpi, skew <= 0.3 deg, near-white paper, faint noise, JPEG q85 - a good scanner;
* ``medium`` 200 dpi, skew <= 1 deg, blur sigma 0.6 px, grey paper (~230) with darker edges,
  greyish ink, dust, JPEG q60 - an ordinary photocopy, still easy to read;
* ``heavy``  150 dpi, skew <= 2 deg, blur sigma 1 px, darker paper, strong vignette, edge
  shadow, toner streak, more dust, JPEG q40 - a copy of a copy;
* ``fax``    72 dpi, binarised (pure black/white, broken thin strokes, pepper noise), JPEG q75.

``huge_image(out_path, width, height)`` streams a large but tiny-on-disk PNG for
decompression-bomb tests.
"""

from __future__ import annotations

import io
import math
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

__all__ = ["LEVELS", "ScanInfo", "ScanLevel", "huge_image", "simulate_scan"]


@dataclass(frozen=True)
class ScanLevel:
    """Degradation parameters; pixel sizes are at ``dpi`` and scale with a dpi override."""

    name: str
    dpi: int
    skew: float  # max |skew| in degrees (magnitude drawn from [0.25, 1] x skew)
    blur: float  # Gaussian sigma, px
    paper: float  # paper grey at the page centre (255 = white)
    ink: float  # darkest ink grey (0 = black): contrast loss
    vignette: float  # fractional darkening at the corners
    gradient: float  # fractional brightness ramp across the page (random direction)
    noise: float  # Gaussian sensor noise sigma, grey levels
    specks: float  # dust specks per megapixel (small dark blobs)
    pepper: float  # fraction of pixels flipped dark
    salt: float  # fraction of pixels flipped light
    jpeg: int  # JPEG quality
    streaks: int = 0  # dark toner streaks along the feed direction
    edge_shadow: float = 0.0  # width (fraction of page width) of a dark lid/spine shadow
    binarize: int | None = None  # threshold for black/white output (fax)


LEVELS: dict[str, ScanLevel] = {
    "light": ScanLevel("light", 300, skew=0.3, blur=0.35, paper=248, ink=14, vignette=0.015,
                       gradient=0.015, noise=1.5, specks=2, pepper=2e-6, salt=0, jpeg=85),
    "medium": ScanLevel("medium", 200, skew=1.0, blur=0.6, paper=230, ink=32, vignette=0.06,
                        gradient=0.04, noise=3.0, specks=12, pepper=3e-5, salt=2e-4, jpeg=60),
    "heavy": ScanLevel("heavy", 150, skew=2.0, blur=1.0, paper=222, ink=48, vignette=0.12,
                       gradient=0.08, noise=5.0, specks=40, pepper=1.5e-4, salt=8e-4, jpeg=40,
                       streaks=1, edge_shadow=0.012),
    "fax": ScanLevel("fax", 72, skew=1.0, blur=0.3, paper=255, ink=0, vignette=0,
                     gradient=0, noise=18.0, specks=25, pepper=4e-4, salt=0, jpeg=75,
                     binarize=165),
}


@dataclass
class ScanInfo:
    """What ``simulate_scan`` produced. Page numbers are 1-based.

    ``skew[i]`` is the angle (degrees, counter-clockwise positive) applied to output page
    i + 1; ``rotations`` maps a *source* page to the clockwise quarter turn applied to it
    (turn it back counter-clockwise to read it); ``blank_pages`` lists the *output* page
    numbers of inserted blank sheets; ``page_map[i]`` is the source page of output page
    i + 1 (``None`` for a blank); ``sizes[i]`` is its (width, height) in pixels.
    For .png/.jpg output only page 1 is written but the lists still describe every page.
    """

    path: Path
    level: str
    dpi: int
    seed: int
    pages: int = 0
    source_pages: int = 0
    skew: list[float] = field(default_factory=list)
    rotations: dict[int, int] = field(default_factory=dict)
    blank_pages: list[int] = field(default_factory=list)
    page_map: list[int | None] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)

    def source_page(self, out_page: int) -> int | None:
        """Source page number behind output page ``out_page`` (None for an inserted blank)."""
        return self.page_map[out_page - 1]


_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}


def simulate_scan(pdf_path: Path, out_path: Path, *, level: str = "medium",
                  dpi: int | None = None, seed: int = 0,
                  rotate: dict[int, int] | None = None,
                  blank_after: list[int] | None = None) -> ScanInfo:
    """Scan ``pdf_path`` into ``out_path`` (.pdf/.tif/.tiff/.png/.jpg) at ``level``.

    ``rotate={page: 90|180|270}`` feeds those source pages turned clockwise by that angle;
    ``blank_after=[page]`` inserts a blank (noisy) sheet after each listed source page
    (0 = before page 1). ``dpi`` overrides the level's resolution.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown scan level {level!r}; choose from {sorted(LEVELS)}")
    lv = LEVELS[level]
    dpi = int(dpi or lv.dpi)
    if dpi <= 0:
        raise ValueError("dpi must be positive")
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValueError(f"unsupported output type {suffix!r}; use one of {sorted(_SUFFIXES)}")
    rotate = {int(k): int(v) % 360 for k, v in (rotate or {}).items()}
    blanks = sorted(set(int(p) for p in (blank_after or [])))

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        n = len(doc)
        for p, ang in rotate.items():
            if not 1 <= p <= n or ang not in (0, 90, 180, 270):
                raise ValueError(f"bad rotate entry {p}: {ang} (pages 1..{n}, 0/90/180/270)")
        for p in blanks:
            if not 0 <= p <= n:
                raise ValueError(f"bad blank_after page {p} (0..{n})")
        info = ScanInfo(path=out_path, level=level, dpi=dpi, seed=seed, source_pages=n,
                        rotations={p: a for p, a in sorted(rotate.items()) if a})
        # (source page or None, physical size in points) in output order
        plan: list[tuple[int | None, tuple[float, float]]] = []
        first_size = doc[0].get_size() if n else (595.28, 841.89)
        if 0 in blanks:
            plan.append((None, first_size))
        for p in range(1, n + 1):
            plan.append((p, doc[p - 1].get_size()))
            if p in blanks:
                plan.append((None, plan[-1][1]))
        if suffix not in (".pdf", ".tif", ".tiff"):
            plan_to_render = plan[:1]
        else:
            plan_to_render = plan

        jpegs: list[bytes] = []
        phys: list[tuple[float, float]] = []
        for i, (src, (w_pt, h_pt)) in enumerate(plan):
            rng = np.random.default_rng([seed, i + 1])
            angle = _skew_angle(rng, lv)
            rot = rotate.get(src, 0) if src else 0
            size_pt = (h_pt, w_pt) if rot in (90, 270) else (w_pt, h_pt)
            if src is None:
                info.blank_pages.append(i + 1)
            info.page_map.append(src)
            info.skew.append(angle)
            if i >= len(plan_to_render):
                info.sizes.append((_px(size_pt[0], dpi), _px(size_pt[1], dpi)))
                continue
            if src is None:
                clean = np.full((_px(h_pt, dpi), _px(w_pt, dpi)), 255, np.uint8)
            else:
                clean = doc[src - 1].render(scale=dpi / 72, grayscale=True).to_numpy()
                clean = clean.reshape(clean.shape[0], clean.shape[1], -1)[..., 0]
                clean = np.ascontiguousarray(clean)
            if rot:
                clean = np.ascontiguousarray(np.rot90(clean, k=-(rot // 90)))  # clockwise
            img = _degrade(clean, lv, dpi / lv.dpi, angle, rng)
            buf = io.BytesIO()
            Image.fromarray(img, "L").save(buf, "JPEG", quality=lv.jpeg, dpi=(dpi, dpi))
            jpegs.append(buf.getvalue())
            phys.append(size_pt)
            info.sizes.append((img.shape[1], img.shape[0]))
        info.pages = len(plan)
    finally:
        doc.close()

    out_path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        out_path.write_bytes(_image_pdf(jpegs, info.sizes, phys))
    elif suffix in (".jpg", ".jpeg"):
        out_path.write_bytes(jpegs[0])
    else:
        ims = [Image.open(io.BytesIO(j)).convert("L") for j in jpegs]
        if suffix == ".png":
            ims[0].save(out_path, "PNG", dpi=(dpi, dpi))
        else:
            ims[0].save(out_path, "TIFF", save_all=True, append_images=ims[1:],
                        compression="tiff_lzw", dpi=(dpi, dpi))
    return info


def _px(points: float, dpi: int) -> int:
    """Pixels for a length in points, rounded up like pdfium's renderer."""
    return math.ceil(points * dpi / 72 - 1e-6)


def _skew_angle(rng: np.random.Generator, lv: ScanLevel) -> float:
    mag = rng.uniform(0.25, 1.0) * lv.skew
    return round(float(mag if rng.random() < 0.5 else -mag), 4)


def _degrade(clean: np.ndarray, lv: ScanLevel, scale: float, angle: float,
             rng: np.random.Generator) -> np.ndarray:
    """Apply the level's degradations to a clean greyscale raster (uint8, 255 = paper)."""
    h, w = clean.shape
    img = clean
    if angle:
        m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    if lv.blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), lv.blur * scale)
    alpha = img.astype(np.float32) / 255.0  # 1 = paper, 0 = full ink

    if lv.binarize is not None:
        # fax: slight blur + strong noise, then a hard threshold (broken strokes, ragged edges)
        g = alpha * 255 + rng.normal(0, lv.noise, alpha.shape).astype(np.float32)
        out = np.where(g > lv.binarize, 255, 0).astype(np.uint8)
        _specks(out, lv, scale, rng, 0.0)
        _salt_pepper(out, lv, rng, 0.0, 255.0)
        return out

    # illumination: paper grey * (radial vignette + linear ramp in a random direction)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy, cx = rng.uniform(0.4, 0.6) * h, rng.uniform(0.4, 0.6) * w
    r2 = ((xx - cx) / (w / 2)) ** 2 + ((yy - cy) / (h / 2)) ** 2
    theta = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(theta) * xx / w + np.sin(theta) * yy / h)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    illum = 1.0 - lv.vignette * np.minimum(r2 / 2, 1.5) - lv.gradient * ramp
    if lv.edge_shadow > 0:  # lid / spine shadow along one long edge
        sw = max(lv.edge_shadow * w, 2.0)
        d = xx if rng.random() < 0.5 else (w - 1 - xx)
        illum -= 0.35 * np.exp(-d / sw)
    del yy, r2, ramp
    paper = lv.paper * illum
    ink = lv.ink * (0.9 + 0.2 * illum)
    out = ink + (paper - ink) * alpha
    del alpha, illum

    for _ in range(lv.streaks):  # toner streak along the feed (vertical), uneven strength
        x0 = rng.uniform(0.1, 0.9) * w
        width = rng.uniform(1.0, 3.0) * scale
        prof = np.exp(-0.5 * ((xx[0] - x0) / width) ** 2)
        knots = rng.uniform(0.3, 1.0, 12)
        along = np.interp(np.arange(h), np.linspace(0, h - 1, 12), knots).astype(np.float32)
        out -= rng.uniform(45, 90) * along[:, None] * prof[None, :]
    del xx

    out += rng.normal(0, lv.noise, out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    _specks(out, lv, scale, rng, lv.ink + 10)
    _salt_pepper(out, lv, rng, lv.ink + 20, lv.paper)
    return out


def _specks(img: np.ndarray, lv: ScanLevel, scale: float, rng: np.random.Generator,
            dark: float) -> None:
    """Small dark dust blobs, in place."""
    h, w = img.shape
    count = rng.poisson(lv.specks * h * w / 1e6)
    for _ in range(count):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = rng.uniform(0.5, 2.0) * scale
        val = int(np.clip(dark + rng.uniform(0, 60), 0, 255))
        if r < 1.0:
            img[y, x] = min(int(img[y, x]), val)
        else:
            cv2.circle(img, (x, y), int(round(r)), val, -1, lineType=cv2.LINE_AA)


def _salt_pepper(img: np.ndarray, lv: ScanLevel, rng: np.random.Generator,
                 dark: float, light: float) -> None:
    """Isolated dark (pepper) and light (salt) pixels, in place."""
    n = img.size
    flat = img.reshape(-1)
    for frac, val in ((lv.pepper, dark), (lv.salt, light)):
        k = rng.binomial(n, frac) if frac > 0 else 0
        if k:
            flat[rng.integers(0, n, k)] = int(np.clip(val, 0, 255))


def _image_pdf(jpegs: list[bytes], sizes: list[tuple[int, int]],
               phys: list[tuple[float, float]]) -> bytes:
    """A minimal image-only PDF: one full-page greyscale DCT image per page, no metadata."""
    objs: list[bytes] = []  # object k + 1
    n = len(jpegs)
    kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    for i, (jpg, (wpx, hpx), (wpt, hpt)) in enumerate(zip(jpegs, sizes, phys)):
        page, content, image = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
        assert page == len(objs) + 1
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {wpt:.4f} {hpt:.4f}] "
            f"/Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>"
            .encode())
        ops = f"q {wpt:.4f} 0 0 {hpt:.4f} 0 0 cm /Im0 Do Q".encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
        objs.append(
            f"<< /Type /XObject /Subtype /Image /Width {wpx} /Height {hpx} "
            f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode "
            f"/Length {len(jpg)} >>\nstream\n".encode() + jpg + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def huge_image(out_path: Path, width: int = 20000, height: int = 20000, *,
               bits: int = 1) -> Path:
    """Write a ``width`` x ``height`` greyscale PNG that is huge decoded but tiny on disk.

    A white page with a one-pixel black frame, for decompression-bomb tests: 20000 x 20000
    is 400 Mpx, over twice Pillow's ``MAX_IMAGE_PIXELS``, so ``Image.open`` refuses it.
    The PNG is streamed row by row through zlib, so writing it needs only O(width) memory
    (one row, ~2.5 KB at ``bits=1``, 20 KB at ``bits=8``, plus zlib's state) and never a
    full raster. (``Image.new("1", ...)`` would not help: Pillow keeps mode "1" at one byte
    per pixel, i.e. 400 MB.) On disk it is ~50 KB at ``bits=1`` and ~400 KB at ``bits=8``;
    a reader that does decode it needs ``width * height`` bytes (400 MB) in Pillow.
    """
    if bits not in (1, 8):
        raise ValueError("bits must be 1 or 8")
    if width < 2 or height < 2:
        raise ValueError("width and height must be >= 2")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if bits == 1:
        rowlen = (width + 7) // 8
        black = bytes(rowlen)
        mid = bytearray(b"\xff" * rowlen)
        mid[0] &= 0x7F
        last = width - 1
        mid[last // 8] &= ~(0x80 >> (last % 8)) & 0xFF
    else:
        black = bytes(width)
        mid = bytearray(b"\xff" * width)
        mid[0] = mid[-1] = 0
    black_row, mid_row = b"\x00" + black, b"\x00" + bytes(mid)  # filter type 0 (None)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    comp = zlib.compressobj(9)
    batch = max(1, (1 << 20) // len(mid_row))  # ~1 MB of rows per compress() call
    with open(out_path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits, 0, 0, 0, 0)))
        pending = bytearray()

        def flush(data: bytes) -> None:
            pending.extend(data)
            if len(pending) >= 1 << 16:
                f.write(chunk(b"IDAT", bytes(pending)))
                pending.clear()

        flush(comp.compress(black_row))
        y = 1
        while y < height - 1:
            k = min(batch, height - 1 - y)
            flush(comp.compress(mid_row * k))
            y += k
        flush(comp.compress(black_row))
        flush(comp.flush())
        if pending:
            f.write(chunk(b"IDAT", bytes(pending)))
        f.write(chunk(b"IEND", b""))
    return out_path
