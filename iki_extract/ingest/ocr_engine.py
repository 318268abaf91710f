"""Tesseract in process: one tesserocr API per worker, images passed in memory.

:func:`read_words` is the OCR reader's only call into Tesseract.  With
``tesserocr`` installed it keeps one ``PyTessBaseAPI`` per (language, engine)
in the process, sets the page image once (:func:`set_image`) and reads the page
or any rectangle of it (a table cell) without encoding an image or starting a
process; without ``tesserocr`` (or when ``IKI_OCR_BACKEND=subprocess``) it
falls back to ``pytesseract`` (one Tesseract process per call).

Words are dicts with ``text``, ``x0``, ``top``, ``x1``, ``bottom`` (pixels of
the image given, plus the rectangle's offset) and ``conf`` (0–1).
"""

from __future__ import annotations

import glob
import os
import time
from typing import Any

import numpy as np
from PIL import Image

Word = dict[str, Any]

# Tesseract re-reads every weakly read line as white-on-black ("inverted") text by
# default; a decree scan never holds any, and those second readings cost time.
# Its row-noise rejection drops whole text rows that it judges noise against the
# other rows of the image: on grainy photocopies (Tesseract 5.5, the engine the
# tesserocr wheel carries) it dropped real lines of table cells ("serta Organisasi
# Sosial") while 5.3 read them; specks are the reader's own filters' job
# (ocr_noise, image_prep.drop_specks).
ENGINE_VARIABLES: dict[str, str] = {
    "tessedit_do_invert": "0",
    "textord_noise_rejrows": "0",
}

_APIS: dict[tuple[str, int], Any] = {}
_HOLDER: dict[tuple[str, int], "PageReader"] = {}  # whose image each API holds now
_BACKEND: list[str] = []  # resolved once per process


def _threads() -> None:
    # Tesseract's OpenMP threads spin against each other on small machines;
    # must be set before libtesseract is loaded.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def backend() -> str:
    """``"tesserocr"`` when the in-process API can be used, else ``"subprocess"``."""
    if _BACKEND:
        return _BACKEND[0]
    choice = os.environ.get("IKI_OCR_BACKEND", "").strip().lower()
    name = "subprocess"
    if choice != "subprocess":
        _threads()
        try:
            import tesserocr  # noqa: F401

            name = "tesserocr" if tessdata_path() else "subprocess"
        except ImportError:
            name = "subprocess"
    _BACKEND.append(name)
    return name


def tessdata_path() -> str | None:
    """The tessdata folder (``TESSDATA_PREFIX`` or the Debian/Ubuntu location)."""
    env = os.environ.get("TESSDATA_PREFIX")
    cands = [env] if env else []
    cands += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    cands += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for c in cands:
        if c and os.path.isdir(c):
            return c.rstrip("/") + "/"
    return None


def _api(lang: str, oem: int) -> Any:
    from tesserocr import PyTessBaseAPI

    key = (lang, oem)
    api = _APIS.get(key)
    if api is None:
        api = PyTessBaseAPI(path=tessdata_path(), lang=lang, oem=oem)
        for name, value in ENGINE_VARIABLES.items():
            api.SetVariable(name, value)
        _APIS[key] = api
    return api


class PageReader:
    """Reads one page image and rectangles of it with the same loaded engine.

    Readers of one process share the engine; each sets its own image on it when it
    reads after another reader did (a page reader used again after a cell's reader).
    """

    def __init__(self, img: np.ndarray | Image.Image, *, lang: str, oem: int = 1) -> None:
        self.lang = lang
        self.oem = oem
        self.pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
        self.use_api = backend() == "tesserocr"
        if self.use_api:
            self.api = _api(lang, oem)
            self._hold()

    def _hold(self) -> None:
        key = (self.lang, self.oem)
        if _HOLDER.get(key) is not self:
            self.api.SetImage(self.pil)
            _HOLDER[key] = self

    def words(
        self,
        *,
        psm: int,
        rect: tuple[int, int, int, int] | None = None,
        whitelist: str | None = None,
        timeout: float = 120,
    ) -> list[Word]:
        """Tesseract's words on the page (or on ``rect`` = x0, y0, x1, y1 of it)."""
        if not self.use_api:
            img = self.pil if rect is None else self.pil.crop(rect)
            off = (0, 0) if rect is None else rect[:2]
            return _subprocess_words(img, self.lang, self.oem, psm, whitelist, timeout, off)

        self._hold()
        api = self.api
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        if rect is None:
            api.SetRectangle(0, 0, self.pil.width, self.pil.height)
        else:
            x0, y0, x1, y1 = rect
            api.SetRectangle(x0, y0, max(1, x1 - x0), max(1, y1 - y0))
        return _api_words(api, timeout)


def _api_words(api: Any, timeout: float) -> list[Word]:
    from tesserocr import RIL, iterate_level

    t0 = time.monotonic()
    if not api.Recognize(max(1, int(timeout * 1000))) and time.monotonic() - t0 >= 0.9 * timeout:
        raise RuntimeError(f"Tesseract timeout ({timeout} s)")
    # a failed Recognize before the deadline: read what the iterator holds
    out: list[Word] = []
    it = api.GetIterator()
    if it is None:
        return out
    for r in iterate_level(it, RIL.WORD):
        try:
            text = (r.GetUTF8Text(RIL.WORD) or "").strip()
            box = r.BoundingBox(RIL.WORD)
        except RuntimeError:
            continue
        if not text or box is None:
            continue
        x0, y0, x1, y1 = box
        out.append(
            {
                "text": text,
                "x0": float(x0),
                "top": float(y0),
                "x1": float(x1),
                "bottom": float(y1),
                "conf": max(0.0, min(1.0, r.Confidence(RIL.WORD) / 100.0)),
            }
        )
    return out


def _subprocess_words(
    img: Image.Image,
    lang: str,
    oem: int,
    psm: int,
    whitelist: str | None,
    timeout: float,
    offset: tuple[int, int],
) -> list[Word]:
    import pytesseract

    _threads()
    config = f"--oem {oem} --psm {psm}"
    config += "".join(f" -c {k}={v}" for k, v in ENGINE_VARIABLES.items())
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    data = pytesseract.image_to_data(
        img, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=timeout
    )
    dx, dy = offset
    out: list[Word] = []
    for i, text in enumerate(data.get("text", [])):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x, y, w, h = (data[k][i] for k in ("left", "top", "width", "height"))
        out.append(
            {
                "text": text,
                "x0": float(x + dx),
                "top": float(y + dy),
                "x1": float(x + w + dx),
                "bottom": float(y + h + dy),
                "conf": max(0.0, min(1.0, conf / 100.0)),
            }
        )
    return out
