"""A fast page source for the PDF reader: characters and ruling lines read once per
page with pypdfium2 (PDFium, C++), in the shape the reader consumes.

pdfplumber builds every page through pdfminer's pure-Python content-stream
interpreter; on born-digital decrees that was ~90 % of the run (see README "Speed").
:class:`FastPage` offers the part of pdfplumber's ``Page`` interface that
:mod:`.pdf` and :mod:`.pdf_tables` use — ``width``, ``height``, ``chars``,
``edges``, ``extract_words()``, ``find_tables()``, ``close()`` — filled in one pass
over PDFium's text page (character origin, advance box, font name and size, in
content order) and one pass over the page objects (path segments, through form
XObjects, with their matrices).  Words and tables are then built by the same
pdfplumber algorithms (``WordExtractor``, ``TableFinder``) over these objects, so
the layout code does not change and never re-scans the page.

Geometry follows pdfminer's conventions so that the words come out the same: a
character's box spans from ``descent`` below the baseline to ``size`` above that
(``top``/``bottom`` measured from the top of the page), its ``x1`` is origin plus
advance; a path is split into subpaths, a two-point subpath is a ``line``, an
axis-aligned four-corner subpath a ``rect``, anything else a ``curve``; only
stroked or filled paths count.

Pages this source does not handle exactly — a ``/Rotate`` other than 0, text that
does not run left to right, a page PDFium cannot open — are read by pdfplumber
(:func:`needs_fallback`); the whole file falls back when PDFium cannot open it (the
pdfplumber path then gives the usual error lines: encrypted, corrupt ...).

The engine is chosen by :func:`pdf_engine`: ``IKI_PDF_ENGINE`` (``pdfium``, the
default, or ``pdfplumber``), which the CLI's ``--pdf-engine`` sets.
"""

from __future__ import annotations

import ctypes
import math
import os
from typing import Any, Callable, Collection, Iterator

from ..errors import InputError

ENGINES = ("pdfium", "pdfplumber")
ENV = "IKI_PDF_ENGINE"
UPRIGHT_TOL = 1e-3  # rad: characters rotated less than this run left to right
AXIS_TOL = 1e-3  # pt: a segment this close to axis-parallel is horizontal/vertical

# PDFium reports a hyphen at a line end as U+0002 (U+FFFE in bulk text); pdfminer
# gives the glyph's "-"
_CHAR_FIX = {"\x02": "-", "\ufffe": "-"}
_PATH, _FORM = 2, 5  # FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM
_LINETO, _BEZIER, _MOVETO = 0, 1, 2


def pdf_engine() -> str:
    v = os.environ.get(ENV, "pdfium").strip().lower() or "pdfium"
    if v not in ENGINES:
        raise ValueError(f"{ENV}={v!r}: choose one of {', '.join(ENGINES)}")
    return v


class FastPage:
    """One PDF page's characters and drawing objects, read once with PDFium."""

    def __init__(self, pdf: Any, index: int) -> None:
        import pypdfium2 as pdfium  # noqa: F401  (initialises the library)
        import pypdfium2.raw as raw

        self._raw = raw
        page = pdf[index]
        self.page_number = index + 1
        try:
            self.rotation = int(page.get_rotation())
            left, bottom, right, top = page.get_mediabox()
            self.width = float(right - left)
            self.height = float(top - bottom)
            self._ox, self._oy = float(left), float(bottom)
            self.bbox = (0.0, 0.0, self.width, self.height)
            self.chars = self._read_chars(page)
            self.lines: list[dict] = []
            self.rects: list[dict] = []
            self.curves: list[dict] = []
            self._read_paths(page)
        finally:
            page.close()
        self._edges: list[dict] | None = None

    # ---- characters ----------------------------------------------------------------
    def _read_chars(self, page: Any) -> list[dict]:
        raw = self._raw
        tp = page.get_textpage()
        try:
            handle = tp.raw
            n = raw.FPDFText_CountChars(handle)
            if n <= 0:
                return []
            units = (ctypes.c_ushort * (n + 1))()
            got = raw.FPDFText_GetText(handle, 0, n, units)
            text_all = bytes(units)[: max(0, got - 1) * 2].decode("utf-16-le", "replace")
            if len(text_all) != n:  # surrogate pairs: fall back to one call per char
                text_all = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD)
                                   for i in range(n))
            out: list[dict] = []
            ox, oy = ctypes.c_double(), ctypes.c_double()
            l_, r_, b_, t_ = (ctypes.c_double() for _ in range(4))
            rect = raw.FS_RECTF()
            p_ox, p_oy, p_rect = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(rect)
            get_obj, get_origin = _text_object_address(raw), raw.FPDFText_GetCharOrigin
            get_loose, is_generated = raw.FPDFText_GetLooseCharBox, raw.FPDFText_IsGenerated
            # per text object: font name, descent share, size, angle, upright
            objs: dict[int, tuple[str, float, float, float, bool]] = {}
            buf = ctypes.create_string_buffer(256)
            h, sx, sy = self.height, self._ox, self._oy
            for i, text in enumerate(text_all):
                if text in "\r\n\x00":
                    continue
                if text == " " and is_generated(handle, i) == 1:
                    continue
                text = _CHAR_FIX.get(text, text)
                key = get_obj(handle, i) or 0
                info = objs.get(key)
                if info is None:
                    obj = ctypes.cast(key, raw.FPDF_PAGEOBJECT) if key else None
                    name, ratio = self._font(obj, buf)
                    size = float(raw.FPDFText_GetFontSize(handle, i))
                    angle = float(raw.FPDFText_GetCharAngle(handle, i))
                    upright = abs(angle) < UPRIGHT_TOL or abs(angle - 2 * math.pi) < UPRIGHT_TOL
                    info = objs[key] = (name, ratio, size, angle, upright)
                fontname, descent_ratio, size, angle, upright = info
                get_origin(handle, i, p_ox, p_oy)
                get_loose(handle, i, p_rect)
                x = ox.value - sx
                base = h - (oy.value - sy)  # baseline, from the page top
                if upright:
                    x0, x1 = x, max(x, rect.right - sx)
                else:
                    raw.FPDFText_GetCharBox(handle, i, ctypes.byref(l_), ctypes.byref(r_),
                                            ctypes.byref(b_), ctypes.byref(t_))
                    x0, x1 = l_.value - sx, r_.value - sx
                bottom = base + descent_ratio * size
                top = bottom - size
                # the keys pdfplumber's WordExtractor reads (no "matrix": a page whose
                # text is not upright is read by pdfplumber, see needs_fallback)
                out.append({
                    "object_type": "char", "text": text, "fontname": fontname, "size": size,
                    "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                    "upright": upright, "angle": angle,
                })
            return out
        finally:
            tp.close()

    def _font(self, obj: Any, buf: Any) -> tuple[str, float]:
        """(base font name, descent as a share of the size, positive) of a text object."""
        raw = self._raw
        if not obj:
            return "", 0.2
        font = raw.FPDFTextObj_GetFont(obj)
        if not font:
            return "", 0.2
        n = raw.FPDFFont_GetBaseFontName(font, buf, len(buf))
        name = buf.raw[: max(0, n - 1)].decode("utf-8", "replace") if n else ""
        d = ctypes.c_float()
        ok = raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(d))
        ratio = -d.value / 1000.0 if ok else 0.2
        return name, ratio

    # ---- drawing objects -------------------------------------------------------------
    def _read_paths(self, page: Any) -> None:
        raw = self._raw
        handle = page.raw
        for k in range(raw.FPDFPage_CountObjects(handle)):
            self._object(raw.FPDFPage_GetObject(handle, k), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))

    def _object(self, obj: Any, ctm: tuple[float, ...]) -> None:
        raw = self._raw
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _FORM:
            m = _matrix(raw, obj)
            inner = _mul(m, ctm)
            for k in range(raw.FPDFFormObj_CountObjects(obj)):
                self._object(raw.FPDFFormObj_GetObject(obj, k), inner)
            return
        if kind != _PATH:
            return
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
        if not fill.value and not stroke.value:
            return
        m = _mul(_matrix(raw, obj), ctm)
        sub: list[tuple[float, float]] = []
        curved = False
        px, py = ctypes.c_float(), ctypes.c_float()
        for s in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, s)
            raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(px), ctypes.byref(py))
            t = raw.FPDFPathSegment_GetType(seg)
            pt = self._pt(m, px.value, py.value)
            if t == _MOVETO:
                self._emit(sub, curved, stroke.value, fill.value)
                sub, curved = [pt], False
            else:
                curved = curved or t == _BEZIER
                sub.append(pt)
            if raw.FPDFPathSegment_GetClose(seg) and sub:
                sub.append(sub[0])
        self._emit(sub, curved, stroke.value, fill.value)

    def _pt(self, m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = m
        X = a * x + c * y + e - self._ox
        Y = b * x + d * y + f - self._oy
        return X, self.height - Y

    def _emit(self, pts: list[tuple[float, float]], curved: bool, stroke: int,
              fill: int) -> None:
        if len(pts) < 2:
            return
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        base = {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                "width": x1 - x0, "height": bottom - top, "y0": self.height - bottom,
                "y1": self.height - top, "stroke": bool(stroke), "fill": bool(fill)}
        if not curved and len(pts) == 2:
            self.lines.append({"object_type": "line", **base, "pts": pts})
        elif not curved and _is_rect(pts):
            self.rects.append({"object_type": "rect", **base})
        else:
            self.curves.append({"object_type": "curve", **base, "pts": pts})

    # ---- the pdfplumber Page interface the reader uses ----------------------------
    @property
    def edges(self) -> list[dict]:
        if self._edges is None:
            from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

            out = [line_to_edge(ln) for ln in self.lines]
            for r in self.rects:
                out.extend(rect_to_edges(r))
            for c in self.curves:
                out.extend(curve_to_edges(c))
            self._edges = out
        return self._edges

    def extract_words(self, **kwargs: Any) -> list[dict]:
        from pdfplumber.utils import extract_words

        return extract_words(self.chars, **kwargs)

    def find_tables(self, table_settings: dict | None = None) -> list[Any]:
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(table_settings)).tables

    def needs_fallback(self) -> bool:
        """A page this source does not read the way pdfplumber would."""
        if self.rotation % 360:
            return True
        texts = [c for c in self.chars if c["text"].strip()]
        if not texts:
            return False
        upright = sum(1 for c in texts if c["upright"])
        return upright * 2 < len(texts)

    def close(self) -> None:
        self.chars = []
        self.lines, self.rects, self.curves = [], [], []
        self._edges = None


_ADDR_FN: Any = None


def _text_object_address(raw: Any) -> Any:
    """``FPDFText_GetTextObject`` returning the object's address as an int (a dict key
    without a ``ctypes.cast`` per character)."""
    global _ADDR_FN
    if _ADDR_FN is None:
        proto = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
        _ADDR_FN = proto(ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value)
    return _ADDR_FN


def _matrix(raw: Any, obj: Any) -> tuple[float, ...]:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m then n (row-vector convention of PDF: [x y 1] · m · n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _is_rect(pts: list[tuple[float, float]]) -> bool:
    """Four corners (a fifth closing point allowed), every side axis-parallel."""
    if len(pts) == 5 and _close(pts[0], pts[4]):
        pts = pts[:4]
    if len(pts) != 4:
        return False
    for p, q in zip(pts, pts[1:] + pts[:1]):
        if abs(p[0] - q[0]) > AXIS_TOL and abs(p[1] - q[1]) > AXIS_TOL:
            return False
    return True


def _close(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) <= AXIS_TOL and abs(p[1] - q[1]) <= AXIS_TOL


def open_pdfium(data: bytes, password: str | None) -> Any | None:
    """The PDFium document, or None when PDFium cannot open it (pdfplumber will try)."""
    try:
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(data, password=password or None)
    except Exception:  # noqa: BLE001 — any failure means: let pdfplumber report it
        return None


def iter_pages_fast(doc: Any, read_page: Callable[[Any, int], Any],
                    read_fallback: Callable[[int], Any],
                    only: Collection[int] | None = None) -> Iterator[Any]:
    """IR pages of an open PDFium document, one at a time.

    ``read_page(page, number)`` is the reader's page function (it takes a
    :class:`FastPage` like a pdfplumber page); ``read_fallback(number)`` reads one
    page with pdfplumber, for the pages :meth:`FastPage.needs_fallback` names.
    ``only``: the 1-based page numbers to read (default: all).
    """
    try:
        for i in range(len(doc)):
            if only is not None and i + 1 not in only:
                continue
            try:
                fp = FastPage(doc, i)
            except Exception:  # noqa: BLE001 — PDFium could not read it: pdfplumber will
                yield read_fallback(i + 1)
                continue
            try:
                if fp.needs_fallback():
                    ir = read_fallback(i + 1)
                else:
                    ir = read_page(fp, i + 1)
            except InputError:
                raise
            except Exception:  # noqa: BLE001 — geometry pdfplumber's finders choke on
                ir = read_fallback(i + 1)
            finally:
                fp.close()
            yield ir
    finally:
        doc.close()
