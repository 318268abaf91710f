"""Render decrees (schema JSON dicts) into a Word-like born-digital PDF.

Everything is drawn on reportlab's low-level canvas: the body flows line by line, and the
Lampiran table has its own layout engine (wrapped cells, merged SASARAN/INDIKATOR cells
spanning several rows, stacked fractions, rows cut across page breaks under a repeated
header) so that the truth of every cell is known.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .text import (
    draw,
    nip_grouped,
    parse_fraction,
    split_subitems,
    tanggal_words,
    width,
    wrap,
)
from .variants import LayoutVariant, get_variant

KEYS = ("sasaran", "indikator", "formulasi", "sumber_data")
STREETS = ["Jl. Raya", "Jl. Panglima Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Merdeka"]


@dataclass
class JabatanInfo:
    """Where one jabatan block of the Lampiran landed."""

    decree: int  # index of the decree in the input list
    jabatan: str
    row_pages: list[list[int]] = field(default_factory=list)  # 1-based pages per row
    table_pages: list[int] = field(default_factory=list)
    split_rows: list[int] = field(default_factory=list)  # rows cut across a page break


@dataclass
class RenderInfo:
    path: Path
    variant: str
    pages: int = 0
    decree_pages: list[list[int]] = field(default_factory=list)
    lampiran_pages: list[list[int]] = field(default_factory=list)
    jabatan: list[JabatanInfo] = field(default_factory=list)


@dataclass
class _Span:
    key: str
    x: float
    w: float
    lines: list
    start: int
    end: int
    placed: int = 0
    top: float | None = None
    opened: bool = False


def _clean(s) -> str:
    return " ".join(str(s).split()) if s is not None else ""


def _title_upper(s: str | None) -> str:
    return _clean(s).upper()


class _Renderer:
    def __init__(self, canvas: Canvas, v: LayoutVariant, rng: random.Random) -> None:
        self.c = canvas
        self.v = v
        self.rng = rng
        self.font, self.bold = v.fonts
        self.size = v.font_size
        self.lead = v.font_size * 1.3
        self.m = v.margin_mm * mm
        self.page = 0
        self.landscape = False
        self.W, self.H = v.page_size
        self.y = 0.0

    # ---- pages -------------------------------------------------------------------------
    @property
    def bottom(self) -> float:
        return self.m + 6 * mm

    def new_page(self, landscape: bool = False) -> None:
        if self.page:
            self._finish_page()
        self.page += 1
        self.landscape = landscape
        w, h = self.v.page_size
        self.W, self.H = (h, w) if landscape else (w, h)
        self.c.setPageSize((self.W, self.H))
        self.y = self.H - self.m

    def _finish_page(self) -> None:
        if self.v.page_number_style == "halaman":
            label = f"Halaman {self.page}"
        else:
            label = f"- {self.page} -"
        size = self.size - 1
        self.c.setStrokeColorRGB(0, 0, 0)
        draw(self.c, (self.W - width(label, self.font, size)) / 2, self.m * 0.55, label,
             self.font, size)
        self.c.showPage()

    def finish(self) -> None:
        if self.page:
            self._finish_page()
        self.c.save()

    def ensure(self, h: float) -> None:
        if self.y - h < self.bottom:
            self.new_page(self.landscape)

    # ---- body helpers ------------------------------------------------------------------
    def gap(self, n: float = 1.0) -> None:
        self.y -= self.lead * n

    def centered(self, text: str, bold: bool = False, size: float | None = None,
                 underline: bool = False) -> None:
        size = size or self.size
        font = self.bold if bold else self.font
        lead = size * 1.3
        for ln in wrap(text, font, size, self.W - 2 * self.m - 20 * mm):
            self.ensure(lead)
            self.y -= lead
            w = width(ln, font, size)
            x = (self.W - w) / 2
            draw(self.c, x, self.y, ln, font, size)
            if underline:
                self.c.setLineWidth(0.6)
                self.c.line(x, self.y - 1.5, x + w, self.y - 1.5)

    def text_at(self, x: float, text: str, bold: bool = False, max_w: float | None = None,
                size: float | None = None) -> None:
        """Draw wrapped text whose lines all start at x (the first line on the current y)."""
        size = size or self.size
        font = self.bold if bold else self.font
        max_w = max_w or (self.W - self.m - x)
        for i, ln in enumerate(wrap(text, font, size, max_w)):
            if i:
                self.y -= self.lead
                self.ensure(0)
            draw(self.c, x, self.y, ln, font, size)

    def labelled_list(self, label: str, items: list[str], marks: list[str],
                      x_colon: float, x_mark: float, x_text: float,
                      bold_label: bool = False) -> None:
        """Hanging-indent block: label column, colon column, item mark, wrapped item text."""
        self.ensure(self.lead * 2)
        self.y -= self.lead
        draw(self.c, self.m, self.y, label, self.bold if bold_label else self.font, self.size)
        draw(self.c, x_colon, self.y, ":", self.font, self.size)
        if not items:
            draw(self.c, x_mark, self.y, "-", self.font, self.size)
        for i, (item, mark) in enumerate(zip(items, marks)):
            lines = wrap(item, self.font, self.size, self.W - self.m - x_text)
            for j, ln in enumerate(lines):
                if i or j:
                    self.y -= self.lead
                    if self.y < self.bottom:
                        self.new_page(self.landscape)
                        self.y -= self.lead
                if j == 0 and mark:
                    draw(self.c, x_mark, self.y, mark, self.font, self.size)
                draw(self.c, x_text, self.y, ln, self.font, self.size)
            if i < len(items) - 1:
                self.y -= self.lead * 0.25

    # ---- the decree body ---------------------------------------------------------------
    def decree(self, d: dict, idx: int, info: RenderInfo) -> None:
        hdr = d.get("header") or {}
        kab = _clean(hdr.get("kabupaten_kota")) or "Kabupaten"
        pemerintah = _clean(hdr.get("pemerintah")) or f"Pemerintah {kab}"
        kec = _clean(hdr.get("kecamatan"))
        pejabat = _clean(hdr.get("pejabat_penetap")) or (f"Camat {kec}" if kec else "Camat")
        nomor = _clean(hdr.get("nomor"))
        tentang = _clean(hdr.get("tentang"))
        first_page = self.page + 1
        self.new_page(False)

        # kop surat
        self.centered(pemerintah.upper(), bold=True, size=self.size + 3)
        if kec:
            self.centered(f"KECAMATAN {kec.upper()}", bold=True, size=self.size + 5)
        street = self.rng.choice(STREETS)
        no = self.rng.randint(1, 250)
        telp = f"({self.rng.randint(300, 999)}) {self.rng.randint(100000, 999999)}"
        place = (kec or kab).upper()
        self.centered(f"{street} No. {no} Telp. {telp} {place}", size=self.size - 1)
        self.y -= 5
        self.c.setLineWidth(2.2)
        self.c.line(self.m, self.y, self.W - self.m, self.y)
        self.c.setLineWidth(0.6)
        self.c.line(self.m, self.y - 3, self.W - self.m, self.y - 3)
        self.gap(1.0)

        self.centered("KEPUTUSAN", bold=True)
        self.centered(pejabat.upper(), bold=True)
        self.centered(f"NOMOR : {nomor}" if nomor else "NOMOR :", bold=False)
        self.gap(0.5)
        self.centered("TENTANG", bold=True)
        self.gap(0.3)
        if tentang:
            self.centered(tentang.upper(), bold=True)
        self.gap(0.6)
        self.centered(f"{pejabat.upper()},", bold=True)
        self.gap(0.4)

        x_colon = self.m + 28 * mm
        x_mark = x_colon + 5 * mm
        x_text = x_mark + 7 * mm
        menimbang = [_clean(t) for t in d.get("menimbang") or []]
        letters = [f"{chr(ord('a') + i)}." for i in range(len(menimbang))]
        self.labelled_list("Menimbang", menimbang, letters, x_colon, x_mark, x_text)
        self.gap(0.5)
        mengingat = [_clean(t) for t in d.get("mengingat") or []]
        self.labelled_list("Mengingat", mengingat, [f"{i + 1}." for i in range(len(mengingat))],
                           x_colon, x_mark, x_text)
        self.gap(0.6)
        self.centered("MEMUTUSKAN :", bold=True)
        self.gap(0.3)
        menetapkan = f"KEPUTUSAN {pejabat.upper()} TENTANG {tentang.upper()}."
        self.ensure(self.lead * 2)
        self.y -= self.lead
        draw(self.c, self.m, self.y, "Menetapkan", self.font, self.size)
        draw(self.c, x_colon, self.y, ":", self.font, self.size)
        self.text_at(x_mark, menetapkan)
        self.gap(0.3)
        for dk in d.get("diktum") or []:
            self.labelled_list(_clean(dk.get("label")).upper(), [_clean(dk.get("text"))], [""],
                               x_colon, x_mark, x_mark)
            self.y -= self.lead * 0.3

        # Ditetapkan / signature block (kept together)
        pen = hdr.get("penandatangan") or {}
        sig_lines = 9 + bool(pen.get("pangkat")) + bool(pen.get("nip"))
        self.gap(0.5)
        self.ensure(self.lead * sig_lines)
        xs = self.W - self.m - 80 * mm
        xc = xs + 28 * mm
        tempat = _clean(hdr.get("tempat_penetapan"))
        self.y -= self.lead
        draw(self.c, xs, self.y, "Ditetapkan di", self.font, self.size)
        draw(self.c, xc, self.y, f": {tempat}", self.font, self.size)
        self.y -= self.lead
        draw(self.c, xs, self.y, "Pada tanggal", self.font, self.size)
        draw(self.c, xc, self.y, f": {tanggal_words(hdr.get('tanggal_penetapan'))}",
             self.font, self.size)
        self.c.setLineWidth(0.6)
        self.c.line(xs, self.y - 4, self.W - self.m, self.y - 4)
        self.gap(1.3)
        jab = _clean(pen.get("jabatan")) or pejabat
        self.text_at(xs, f"{jab.upper()},", bold=True, max_w=self.W - self.m - xs)
        self.gap(4)
        nama = _clean(pen.get("nama"))
        if nama:
            draw(self.c, xs, self.y, nama, self.bold, self.size)
            self.c.line(xs, self.y - 1.5, xs + width(nama, self.bold, self.size), self.y - 1.5)
        if pen.get("pangkat"):
            self.gap()
            draw(self.c, xs, self.y, _clean(pen["pangkat"]), self.font, self.size)
        if pen.get("nip"):
            self.gap()
            draw(self.c, xs, self.y, f"NIP. {nip_grouped(pen['nip'])}", self.font, self.size)

        tembusan = [_clean(t) for t in d.get("tembusan") or []]
        if tembusan:
            self.gap(1.5)
            self.ensure(self.lead * 3)
            self.y -= self.lead
            self.text_at(self.m, "Tembusan :")
            self.c.line(self.m, self.y - 1.5, self.m + width("Tembusan", self.font, self.size),
                        self.y - 1.5)
            for i, t in enumerate(tembusan):
                self.y -= self.lead
                self.ensure(0)
                draw(self.c, self.m, self.y, f"{i + 1}.", self.font, self.size)
                self.text_at(self.m + 7 * mm, t)

        # Lampiran
        body_last = self.page
        jab_blocks = d.get("jabatan") or []
        if jab_blocks:
            self.lampiran(d, idx, pejabat, nomor, hdr, info)
        info.decree_pages.append(list(range(first_page, self.page + 1)))
        info.lampiran_pages.append(list(range(body_last + 1, self.page + 1)))

    # ---- Lampiran ----------------------------------------------------------------------
    def lampiran(self, d: dict, idx: int, pejabat: str, nomor: str, hdr: dict,
                 info: RenderInfo) -> None:
        self.new_page(self.v.lampiran_orientation == "landscape")
        size = self.size - 1
        xs = self.W - self.m - 95 * mm
        xc = xs + 22 * mm
        rows = [
            ("LAMPIRAN", f"KEPUTUSAN {pejabat.upper()}"),
            ("NOMOR", nomor),
            ("TANGGAL", tanggal_words(hdr.get("tanggal_penetapan"))),
        ]
        for lab, val in rows:
            self.y -= size * 1.3
            draw(self.c, xs, self.y, lab, self.font, size)
            draw(self.c, xc, self.y, ":", self.font, size)
            for i, ln in enumerate(wrap(val, self.font, size, self.W - self.m - xc - 4 * mm)):
                if i:
                    self.y -= size * 1.3
                draw(self.c, xc + 4 * mm, self.y, ln, self.font, size)
        self.gap(1.0)
        title = "INDIKATOR KINERJA UTAMA" if d.get("kind") == "IKU" else \
            "INDIKATOR KINERJA INDIVIDU"
        for jb in d.get("jabatan") or []:
            ji = JabatanInfo(decree=idx, jabatan=_clean(jb.get("jabatan")))
            info.jabatan.append(ji)
            self.ensure(self.lead * 8)
            self.centered(title, bold=True)
            self.gap(0.5)
            x_num = self.m
            x_lab = self.m + 6 * mm
            x_colon = self.m + 30 * mm
            x_mark = x_colon + 4 * mm
            x_text = x_mark + 6 * mm
            self.ensure(self.lead)
            self.y -= self.lead
            draw(self.c, x_num, self.y, "1.", self.font, self.size)
            draw(self.c, x_lab, self.y, "Jabatan", self.font, self.size)
            draw(self.c, x_colon, self.y, ":", self.font, self.size)
            self.text_at(x_mark, ji.jabatan, bold=True)
            for no, lab, key in ((2, "Tugas", "tugas"), (3, "Fungsi", "fungsi")):
                items = [_clean(t) for t in jb.get(key) or []]
                self.ensure(self.lead)
                self.y -= self.lead
                draw(self.c, x_num, self.y, f"{no}.", self.font, self.size)
                self.y += self.lead  # labelled_list advances itself
                self.m, m0 = x_lab, self.m
                try:
                    self.labelled_list(lab, items, self._marks(len(items)), x_colon, x_mark,
                                       x_text)
                finally:
                    self.m = m0
            self.gap(1.0)
            self.table(jb.get("indikator") or [], ji)
            self.gap(1.5)

    def _marks(self, n: int) -> list[str]:
        style = self.v.list_style
        if style == "letter":
            return [f"{chr(ord('a') + i)}." for i in range(n)]
        if style == "dash":
            return ["-"] * n
        return ["•"] * n

    # ---- the table ---------------------------------------------------------------------
    def table(self, rows: list[dict], ji: JabatanInfo) -> None:
        v = self.v
        s = v.table_font_size
        self.ts, self.tl, self.tp = s, s * 1.25, 3.0
        self.rg = v.row_gap  # extra space under every row
        L, p = self.tl, self.tp
        keys = (["no"] if v.no_column else []) + list(KEYS)
        rel = ([v.no_width] if v.no_column else []) + list(v.col_widths)
        total = self.W - 2 * self.m
        ws = [total * r / sum(rel) for r in rel]
        xs = [self.m + sum(ws[:i]) for i in range(len(ws))]
        self.cols = list(zip(keys, xs, ws))
        self.headers = ([v.no_header] if v.no_column else []) + list(v.headers)
        inner = {k: w - 2 * p for k, _, w in self.cols}

        n = len(rows)
        cells: list[dict[str, list]] = [dict() for _ in range(n)]
        spans: list[_Span] = []
        spanned: set[tuple[int, str]] = set()
        col_x = {k: (x, w) for k, x, w in self.cols}

        def add_span(key: str, a: int, b: int, text: str) -> None:
            x, w = col_x[key]
            spans.append(_Span(key, x, w, self._cell_lines(key, text, inner[key]), a, b))
            for r in range(a, b + 1):
                spanned.add((r, key))

        i, number = 0, 0
        while i < n:
            sas = rows[i].get("sasaran")
            j = i
            while sas and j + 1 < n and rows[j + 1].get("sasaran") == sas:
                j += 1
            number += 1
            if j > i:
                add_span("sasaran", i, j, sas)
                if v.no_column:
                    add_span("no", i, j, f"{number}.")
            elif v.no_column:
                cells[i]["no"] = self._cell_lines("no", f"{number}.", inner["no"])
            # indikator merged inside the sasaran group
            a = i
            while a <= j:
                ind = rows[a].get("indikator")
                b = a
                while ind and b + 1 <= j and rows[b + 1].get("indikator") == ind:
                    b += 1
                if b > a:
                    add_span("indikator", a, b, ind)
                a = b + 1
            i = j + 1
        for r, row in enumerate(rows):
            for key in KEYS:
                if (r, key) not in spanned:
                    cells[r][key] = self._cell_lines(key, row.get(key), inner[key])

        # start of the table: header must fit with two lines of the first row
        hh = self._header_height()
        self.ensure(hh + 2 * L + 2 * p)
        self._draw_header()
        self.rows_top = self.y
        self.spans = spans
        ji.table_pages.append(self.page)
        for r in range(n):
            self._place_row(r, cells[r], spans, spanned, ji)
        ji.table_pages = sorted(set(ji.table_pages))

    def _cell_lines(self, key: str, text, w: float) -> list:
        """Lines of one cell: (text, x offset, rule) with rule=(x0, x1, suffix_x, suffix)."""
        if text is None or not _clean(text):
            return []
        text = _clean(text)
        f, s = self.font, self.ts
        if key == "no":
            return [(text, (w - width(text, f, s)) / 2, None)]
        if key == "formulasi" and self.v.stacked_fractions:
            fr = parse_fraction(text)
            if fr:
                suffix = "x 100%"
                fw = w - width(suffix, f, s) - 6
                num = wrap(fr[0], f, s, fw)
                den = wrap(fr[1], f, s, fw)
                rw = max(width(ln, f, s) for ln in num + den)
                out = [(ln, (rw - width(ln, f, s)) / 2, None) for ln in num]
                out.append(("", 0.0, (0.0, rw, rw + 4, suffix)))  # the fraction bar line
                out += [(ln, (rw - width(ln, f, s)) / 2, None) for ln in den]
                return out
        out = []
        for part in split_subitems(text):
            out += [(ln, 0.0, None) for ln in wrap(part, f, s, w)]
        return out

    def _box(self, x: float, top: float, w: float, h: float, top_rule: bool = False) -> None:
        """The borders of one cell as the variant's ruling draws them.

        "grid": the whole rectangle; "rows": the bottom border (and the top one for the
        first header row), never a vertical; "none": nothing.
        """
        rules = self.v.rules
        if rules == "grid":
            self.c.rect(x, top - h, w, h, stroke=1, fill=0)
        elif rules == "rows":
            self.c.line(x, top - h, x + w, top - h)
            if top_rule:
                self.c.line(x, top, x + w, top)

    def _cap(self, h: float) -> int:
        return max(0, math.floor((h - 2 * self.tp - self.ts) / self.tl + 1e-6) + 1)

    def _header_height(self) -> float:
        L, p = self.tl, self.tp
        n = max(len(wrap(t, self.bold, self.ts, w - 2 * p)) for t, (_, _, w) in
                zip(self.headers, self.cols))
        h = n * L + 2 * p + 4
        if self.v.numbering_row:
            h += L + 2 * p
        return h

    def _draw_header(self) -> None:
        L, p, s = self.tl, self.tp, self.ts
        wrapped = [wrap(t, self.bold, s, w - 2 * p) for t, (_, _, w) in
                   zip(self.headers, self.cols)]
        n = max(len(x) for x in wrapped)
        h = n * L + 2 * p + 4
        top = self.y
        self.c.setLineWidth(0.7)
        for lines, (_, x, w) in zip(wrapped, self.cols):
            self._box(x, top, w, h, top_rule=True)
            y0 = top - (h - len(lines) * L) / 2 - 0.78 * s
            for i, ln in enumerate(lines):
                draw(self.c, x + (w - width(ln, self.bold, s)) / 2, y0 - i * L, ln, self.bold, s)
        self.y = top - h
        if self.v.numbering_row:
            h2 = L + 2 * p
            for i, (_, x, w) in enumerate(self.cols):
                self._box(x, self.y, w, h2)
                t = self.v.numbering_row.format(n=i + 1)
                draw(self.c, x + (w - width(t, self.bold, s)) / 2, self.y - p - 0.78 * s, t,
                     self.bold, s)
            self.y -= h2

    def _draw_lines(self, x: float, top: float, lines: list) -> None:
        s, L, p = self.ts, self.tl, self.tp
        for i, (t, off, rule) in enumerate(lines):
            base = top - p - 0.78 * s - i * L
            if t:
                draw(self.c, x + p + off, base, t, self.font, s)
            if rule:
                x0, x1, sx, suffix = rule
                ry = base + 0.78 * s - L / 2
                self.c.setLineWidth(0.6)
                self.c.line(x + p + x0, ry, x + p + x1, ry)
                draw(self.c, x + p + sx, ry - 0.33 * s, suffix, self.font, s)

    def _close_portion(self, sp: _Span) -> None:
        if sp.top is None or sp.top - self.y < 1e-6:
            return
        h = sp.top - self.y
        self.c.setLineWidth(0.7)
        self._box(sp.x, sp.top, sp.w, h)
        k = self._cap(h)
        self._draw_lines(sp.x, sp.top, sp.lines[sp.placed: sp.placed + k])
        sp.placed = min(len(sp.lines), sp.placed + k)
        sp.top = None

    def _draw_part(self, r: int, part: dict, n: int, spans: list[_Span], ji: JabatanInfo,
                   spanned: set) -> None:
        for sp in spans:
            if sp.start == r and not sp.opened:
                sp.opened, sp.top = True, self.y
        h = n * self.tl + 2 * self.tp + self.rg
        top = self.y
        self.c.setLineWidth(0.7)
        for key, x, w in self.cols:
            if (r, key) in spanned:
                continue
            self._box(x, top, w, h)
            self._draw_lines(x, top, part.get(key, []))
        self.y = top - h
        if self.page not in ji.row_pages[r]:
            ji.row_pages[r].append(self.page)
        ji.table_pages.append(self.page)

    def _page_break(self, r: int, spans: list[_Span]) -> None:
        for sp in spans:
            if sp.opened and sp.start <= r <= sp.end:
                self._close_portion(sp)
        self.new_page(self.landscape)
        if self.v.repeat_header:
            self._draw_header()
        self.rows_top = self.y
        for sp in spans:
            if sp.opened and sp.start <= r <= sp.end:
                sp.top = self.y

    def _place_row(self, r: int, own: dict, spans: list[_Span], spanned: set,
                   ji: JabatanInfo) -> None:
        L, p = self.tl, self.tp + self.rg / 2  # padding incl. the row gap
        ji.row_pages.append([])
        own = {k: list(v) for k, v in own.items()}
        ending = [sp for sp in spans if sp.end == r]
        while True:
            n_own = max((len(v) for v in own.values()), default=0)
            n = max(n_own, 1)
            for sp in ending:
                rem = len(sp.lines) - sp.placed
                prev = (sp.top - self.y) if sp.top is not None else 0.0
                while self._cap(prev + n * L + 2 * p) < rem:
                    n += 1
            avail = self.y - self.bottom
            if n * L + 2 * p <= avail + 1e-6:
                self._draw_part(r, own, n, spans, ji, spanned)
                break
            k = math.floor((avail - 2 * p) / L + 1e-9)
            first_on_page = self.y >= self.rows_top - 1e-6
            if k >= 1 and ((self.v.split_rows and k >= 2 and n_own > k) or first_on_page):
                # a stacked fraction is one object (an equation in Word): it never
                # breaks across pages, it moves whole to the next one
                cut = {key: (0 if _is_fraction(v) and len(v) > k else k) for key, v in own.items()}
                part = {key: v[: cut[key]] for key, v in own.items()}
                own = {key: v[cut[key]:] for key, v in own.items()}
                self._draw_part(r, part, k, spans, ji, spanned)
            self._page_break(r, spans)
        for sp in ending:
            self._close_portion(sp)
        if len(ji.row_pages[r]) > 1:
            ji.split_rows.append(r)


def _is_fraction(lines: list) -> bool:
    return any(len(ln) > 2 and ln[2] is not None for ln in lines)


def render_decree_pdf(decrees: list[dict], out_path: Path,
                      variant: LayoutVariant | str = "a4-portrait", seed: int = 0) -> RenderInfo:
    """Render decrees (schema dicts), in order, into one PDF at out_path."""
    v = get_variant(variant)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(out_path), pagesize=v.page_size, invariant=1)
    c.setTitle("Keputusan Camat")
    c.setAuthor("iki_extract.synth")
    rnd = _Renderer(c, v, random.Random(seed))
    info = RenderInfo(path=out_path, variant=v.name)
    for i, d in enumerate(decrees):
        rnd.decree(d, i, info)
    rnd.finish()
    info.pages = rnd.page
    return info
