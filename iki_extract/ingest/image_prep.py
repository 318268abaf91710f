"""Page images for the OCR reader: loading, rasterising and cleaning up.

* :func:`load_images` yields the pages of a PNG/JPEG/TIFF (every TIFF frame),
  refusing images over :data:`MAX_PIXELS` *before* their pixels are decoded
  (decompression bombs);
* :func:`rasterize_pdf_page` renders one PDF page with pypdfium2;
* :func:`prepare` turns a page image into a :class:`PreparedPage`: greyscale,
  turned upright (Tesseract OSD, trusted only above a confidence threshold),
  deskewed (projection profile, at most ±5°), background-normalised (uneven
  light divided out) and binarised (Otsu) for ruling-line detection.  The clean
  greyscale copy is what Tesseract reads.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image, ImageOps

from ..errors import InputError
from .ink import components

MAX_PIXELS = 60_000_000  # per page image
MAX_SKEW = 5.0  # degrees
OSD_MIN_CONF = 2.0  # Tesseract OSD orientation confidence trusted on its own
OSD_WEAK_CONF = 0.3  # below this an OSD vote is ignored; in between it is verified
OSD_TIMEOUT = 60  # s
BLANK_INK = 0.0008  # share of dark pixels below which a page is blank

TESSERACT_MISSING = (
    "Tesseract OCR is not installed: apt-get install tesseract-ocr tesseract-ocr-ind"
)


def _lang_missing(lang: str) -> str:
    pkgs = " ".join(f"tesseract-ocr-{x}" for x in lang.split("+"))
    return f"Tesseract language data '{lang}' is not installed: apt-get install {pkgs}"


def _too_large(w: int, h: int) -> str:
    return f"image too large: {w}x{h} px (limit {MAX_PIXELS / 1e6:g} MP)"


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def load_images(path: Path | str, data: bytes) -> Iterator[Image.Image]:
    """Yield each page of an image file (all frames of a TIFF) as a PIL image.

    Raises :class:`InputError` for an unreadable image or one larger than
    :data:`MAX_PIXELS` (checked from the header, before decoding).
    """
    img = _open_image(path, data)
    n = getattr(img, "n_frames", 1) or 1
    for i in range(n):
        try:
            if i:
                img.seek(i)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise InputError(path, _too_large(w, h))
            img.load()
            frame = ImageOps.exif_transpose(img) if i == 0 else None
            if frame is None or frame is img:
                frame = img.copy()
        except InputError:
            raise
        except Exception as exc:  # PIL raises many types for broken files
            raise InputError(path, f"cannot read image: {_short(exc)}") from exc
        yield frame


def _open_image(path: Path | str, data: bytes) -> Image.Image:
    """``Image.open`` with Pillow's bomb guard set to :data:`MAX_PIXELS` (header only)."""
    old = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        size = _header_size(data)
        reason = _too_large(*size) if size else f"image too large ({_short(exc)})"
        raise InputError(path, reason) from exc
    except Exception as exc:  # PIL raises many types for broken files
        raise InputError(path, f"cannot read image: {_short(exc)}") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = old
    w, h = img.size
    if w * h > MAX_PIXELS:
        raise InputError(path, _too_large(w, h))
    return img


def _header_size(data: bytes) -> tuple[int, int] | None:
    """The image size from its header with the bomb check off (no pixels decoded)."""
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                return im.size
    except Exception:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = old


def _short(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:120]


def rasterize_pdf_page(
    pdf_bytes: bytes, page_index: int, dpi: int = 300, password: str | None = None
) -> Image.Image:
    """Render one PDF page (0-based ``page_index``) as a greyscale PIL image.

    The resolution is lowered when the page would exceed :data:`MAX_PIXELS`.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes, password=password)
    try:
        return render_page(pdf, page_index, dpi)[0]
    finally:
        pdf.close()


def render_page(pdf, page_index: int, dpi: float) -> tuple[Image.Image, float]:  # noqa: ANN001
    """Render page ``page_index`` of an open ``pypdfium2.PdfDocument``.

    Returns the greyscale image and the resolution it was rendered at.
    """
    page = pdf[page_index]
    try:
        w_pt, h_pt = page.get_size()
        scale = dpi / 72.0
        px = w_pt * h_pt * scale * scale
        if px > MAX_PIXELS:
            scale *= (MAX_PIXELS / px) ** 0.5
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            return bitmap.to_pil().convert("L"), scale * 72.0
        finally:
            bitmap.close()
    finally:
        page.close()


# --------------------------------------------------------------------------
# Preparation
# --------------------------------------------------------------------------


@dataclass
class PreparedPage:
    """A page image ready for OCR and line detection.

    ``grey`` is the clean greyscale copy (upright, deskewed, background
    normalised) for Tesseract; ``binary`` marks ink with 255 (for ruling
    lines); ``rotation`` is the clockwise turn applied (0/90/180/270) and
    ``skew`` the deskew angle in degrees.
    """

    grey: np.ndarray
    binary: np.ndarray
    blank: bool = False
    rotation: int = 0
    skew: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return int(self.grey.shape[1])

    @property
    def height(self) -> int:
        return int(self.grey.shape[0])


def to_grey(img: Image.Image) -> np.ndarray:
    if img.mode in ("RGBA", "LA", "P"):
        bg = Image.new("RGB", img.size, "white")
        rgba = img.convert("RGBA")
        bg.paste(rgba, mask=rgba.getchannel("A"))
        img = bg
    return np.asarray(img.convert("L"), dtype=np.uint8)


def normalise_background(grey: np.ndarray) -> np.ndarray:
    """Divide out uneven lighting: the page background estimated by a large blur."""
    import cv2

    h, w = grey.shape
    f = 8
    small = cv2.resize(grey, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    # dilate removes the (dark) ink, the median smooths what remains
    bg = cv2.dilate(small, np.ones((7, 7), np.uint8))
    bg = cv2.medianBlur(bg, 21 if min(bg.shape) > 21 else 3)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    bg = np.maximum(bg, 1)
    return cv2.divide(grey, bg, scale=255)


def binarise(grey: np.ndarray) -> np.ndarray:
    """Ink = 255 (Otsu on the normalised image, never lighter than mid grey)."""
    import cv2

    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    t = min(t, 200.0)  # a nearly blank page: Otsu splits paper noise
    _, out = cv2.threshold(grey, t, 255, cv2.THRESH_BINARY_INV)
    return out


def is_blank(binary: np.ndarray) -> bool:
    """Almost no dark pixels (specks of scanner dust do not count)."""
    import cv2

    h, w = binary.shape
    m = int(min(h, w) * 0.02)
    inner = binary[m : h - m, m : w - m] if m else binary
    clean = cv2.morphologyEx(inner, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return float(np.count_nonzero(clean)) < BLANK_INK * clean.size


def estimate_skew(binary: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The page's skew in degrees (positive: content turned counter-clockwise).

    Projection profile: the angle at which the rows of ink (text lines and
    table rules) are sharpest, searched coarse then fine on a reduced image.
    """
    import cv2

    h, w = binary.shape
    f = max(1, round(max(h, w) / 1200))
    small = cv2.resize(binary, (w // f, h // f), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    centre = (sw / 2, sh / 2)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = rot.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(prof) ** 2))

    best = 0.0
    best_score = score(0.0)
    for a in np.arange(-max_angle, max_angle + 1e-9, 0.5):
        s = score(float(a))
        if s > best_score * 1.0001:
            best, best_score = float(a), s
    lo = best
    for a in np.arange(lo - 0.5, lo + 0.5 + 1e-9, 0.1):
        s = score(float(a))
        if s > best_score * 1.0001:
            best, best_score = float(a), s
    return round(-best, 2) if abs(best) >= 0.1 else 0.0


def rotate_grey(grey: np.ndarray, angle: float) -> np.ndarray:
    """Turn ``grey`` by ``-angle`` degrees (undo a skew of ``angle``), white fill."""
    import cv2

    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(
        grey, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def detect_orientation(img: Image.Image, *, lang: str = "ind", timeout: int = OSD_TIMEOUT) -> int:
    """Clockwise degrees to turn ``img`` upright (0 when OSD fails or is unsure).

    Tesseract OSD is trusted above :data:`OSD_MIN_CONF`; a weaker vote (common
    on sparse pages, and for 180°) is checked by reading a reduced copy both
    ways and keeping the turn only when the words read clearly better.  Raises
    nothing: a missing Tesseract binary is left for the OCR call to report.
    """
    import os

    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # see ocr.limit_threads
    small = _shrink(img, 1600)  # as reliable as full size here, and about 40% faster
    try:
        osd = pytesseract.image_to_osd(
            small,
            config="--psm 0 -c min_characters_to_try=10",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except Exception:  # too few characters, Tesseract missing, odd output
        return 0
    rotate = int(osd.get("rotate", 0)) % 360
    conf = float(osd.get("orientation_conf", 0.0))
    if rotate not in (90, 180, 270) or conf < OSD_WEAK_CONF:
        return 0
    if conf >= OSD_MIN_CONF:
        return rotate
    probe = _shrink(img, 1800)
    turned = probe.rotate(-rotate, expand=True)
    now, then = _read_quality(probe, lang, timeout), _read_quality(turned, lang, timeout)
    return rotate if then > now + 0.05 else 0


def _shrink(img: Image.Image, max_side: int) -> Image.Image:
    if max(img.size) <= max_side:
        return img
    k = max_side / max(img.size)
    return img.resize((int(img.width * k), int(img.height * k)), Image.Resampling.LANCZOS)


def _read_quality(img: Image.Image, lang: str, timeout: int) -> float:
    """Mean confidence (0–1) of the longer words Tesseract reads, length-weighted."""
    import pytesseract

    try:
        d = pytesseract.image_to_data(
            img,
            lang=lang,
            config="--oem 1 --psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except Exception:
        return 0.0
    total = weight = 0.0
    for text, conf in zip(d.get("text", []), d.get("conf", [])):
        n = sum(ch.isalnum() for ch in (text or ""))
        if n >= 3 and float(conf) >= 0:
            total += n * float(conf) / 100.0
            weight += n
    return total / weight if weight else 0.0


def prepare(
    img: Image.Image, *, fix_orientation: bool = True, deskew: bool = True, lang: str = "ind"
) -> PreparedPage:
    """Clean one page image for OCR (see the module docstring)."""
    grey = to_grey(img)
    norm = normalise_background(grey)
    binary = binarise(norm)
    if is_blank(binary):
        return PreparedPage(grey=norm, binary=binary, blank=True)
    rotation = 0
    if fix_orientation:
        rotation = detect_orientation(Image.fromarray(norm), lang=lang)
        if rotation:
            # Tesseract's "Rotate" is the clockwise turn that makes the page upright
            k = {90: 3, 180: 2, 270: 1}[rotation]
            norm = np.ascontiguousarray(np.rot90(norm, k))
            binary = np.ascontiguousarray(np.rot90(binary, k))
    skew = 0.0
    if deskew:
        skew = estimate_skew(binary)
        if skew:
            norm = rotate_grey(norm, skew)
            binary = binarise(norm)
    return PreparedPage(grey=norm, binary=binary, rotation=rotation, skew=skew)


INK_MAX_GREY = 170  # a pixel lighter than this is never ink in a small crop


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Ink = 255 in a crop: Otsu, but never lighter than :data:`INK_MAX_GREY`
    (an empty crop holds only paper grain, which Otsu would split in two)."""
    import cv2

    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, out = cv2.threshold(grey, min(t, INK_MAX_GREY), 255, cv2.THRESH_BINARY_INV)
    return out


def glyph_count(ink: np.ndarray, dpi: float) -> int:
    """How many blobs in ``ink`` are the size of a printed glyph (not specks, not rules)."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return 0
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    ok = (h >= dpi / 36) & (h <= dpi / 4) & (w <= dpi / 2)
    return int(np.count_nonzero(ok))


SPECK_SIZE = 0.4  # × median glyph height: a smaller blob is a dot or a speck
SPECK_REACH = 0.6  # × median glyph height: a dot this close beside a glyph is punctuation
SPECK_REACH_UP = 0.6  # × median glyph height: the dot of an "i" or "j" above its stem
# × median glyph height squared: the ink of the smallest full stop; a blob beside a
# letter with less is a grain speck that OCR would read as "." or "'" ("dan. kelengkapannya")
PUNCT_MIN_AREA = 0.015


def drop_specks(grey: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Paint out isolated specks: blobs far smaller than a glyph with no glyph nearby.

    A full stop or the dot of an "i" sits beside a letter and is kept; dust,
    grain and salt-and-pepper noise between words and in empty cells go, and so
    does a grain beside a letter that holds less ink than the smallest full stop
    (:data:`PUNCT_MIN_AREA`).
    ``ink`` is the binarised ``grey`` (ink = 255); returns a cleaned copy.
    """
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 2:
        return grey
    sizes = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    glyphs = stats[1:, cv2.CC_STAT_HEIGHT][stats[1:, cv2.CC_STAT_AREA] >= 20]
    if len(glyphs) == 0:
        return grey
    hg = float(np.median(glyphs))
    small = np.zeros(n, bool)
    small[1:] = sizes < SPECK_SIZE * hg
    if not small.any():
        return grey
    big_mask = ((labels > 0) & ~small[labels]).astype(np.uint8)
    reach, up = max(2, int(SPECK_REACH * hg)), max(3, int(SPECK_REACH_UP * hg))
    near = cv2.dilate(big_mask, np.ones((2 * up + 1, 2 * reach + 1), np.uint8))
    touched = np.zeros(n, bool)
    small_px = small[labels]
    touched[np.unique(labels[(near > 0) & small_px])] = True
    # a colon (or semicolon) stands alone between tab stops: two dots, one above the other
    vd = cv2.dilate(small_px.astype(np.uint8), np.ones((max(3, int(0.8 * hg)), 1), np.uint8))
    m, lab2 = cv2.connectedComponents(vd, connectivity=8)
    pairs = np.unique(np.stack([lab2[small_px], labels[small_px]]), axis=1)
    per_group = np.bincount(pairs[0], minlength=m)
    touched[pairs[1][per_group[pairs[0]] >= 2]] = True
    tiny = np.zeros(n, bool)
    tiny[1:] = stats[1:, cv2.CC_STAT_AREA] < PUNCT_MIN_AREA * hg * hg
    drop = small & (~touched | tiny)
    if not drop.any():
        return grey
    out = grey.copy()
    out[drop[labels]] = 255
    return out


STAMP_MID = (110, 215)  # grey levels of a faint stamp's ink (text cores are darker)
STAMP_DARK = 100  # a text stroke's core is darker than this
STAMP_NEAR = 3  # px: a text stroke's anti-aliased edge lies this close to its core
STAMP_MIN_IN = 0.4  # inch: a stamp is at least this wide and tall
STAMP_FAINT_PAGE = 0.5  # mid-grey pixels per dark one above which the page is a faint copy


def lift_stamps(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Paint out faint stamps: large blobs of mid-grey ink with no dark core.

    A rubber stamp over the signature is printed lighter than the text, and where
    it crosses the signer's name Tesseract reads neither.  Mid-grey pixels that are
    not the anti-aliased edge of a dark stroke (more than :data:`STAMP_NEAR` px from
    one) are stamp candidates; those that join into a blob at least
    :data:`STAMP_MIN_IN` inch across are a stamp and become paper.  The text under
    it, darker, stays.  Returns ``grey`` itself when there is no stamp.
    """
    import cv2

    lo, hi = STAMP_MID
    dark = (grey < STAMP_DARK).astype(np.uint8)
    if not dark.any():
        return grey
    k = 2 * STAMP_NEAR + 1
    near = cv2.dilate(dark, np.ones((k, k), np.uint8))
    mid = ((grey >= lo) & (grey <= hi) & (near == 0)).astype(np.uint8)
    if int(mid.sum()) > STAMP_FAINT_PAGE * int(dark.sum()):
        return grey  # a faint copy: its text is mid-grey too, a stamp cannot be told apart
    # a stamp's ring and letters are dotted with paper: join them before sizing
    joined = cv2.morphologyEx(mid, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    n, labels, stats = components(joined)
    size = STAMP_MIN_IN * dpi
    big = [
        i
        for i in range(1, n)
        if stats[i, cv2.CC_STAT_WIDTH] >= size and stats[i, cv2.CC_STAT_HEIGHT] >= size
    ]
    if not big:
        return grey
    out = grey.copy()
    out[np.isin(labels, big) & (mid > 0)] = 255
    return out
