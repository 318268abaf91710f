"""Render decrees (schema JSON dicts) into a Word-like born-digital PDF.

Everything is drawn on reportlab's low-level canvas: the body flows line by line, and the
Lampiran table has its own layout engine (wrapped cells, merged SASARAN/INDIKATOR cells
spanning several rows, stacked fractions, rows cut across page breaks under a repeated
header, :mod:`.render_table`) so that the truth of every cell is known.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .parts import decree_parts
from .render_table import JabatanInfo, _TableMixin
from .text import (
    clean,
    draw,
    nip_grouped,
    tanggal_words,
    width,
    wrap,
)
from .variants import LayoutVariant, get_variant

STREETS = ["Jl. Raya", "Jl. Panglima Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Merdeka"]


@dataclass
class RenderInfo:
    path: Path
    variant: str
    pages: int = 0
    decree_pages: list[list[int]] = field(default_factory=list)
    lampiran_pages: list[list[int]] = field(default_factory=list)
    jabatan: list[JabatanInfo] = field(default_factory=list)


def _title_upper(s: str | None) -> str:
    return clean(s).upper()


class _Renderer(_TableMixin):
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
        x = decree_parts(d)
        hdr, kab, kec, pejabat = x["hdr"], x["kab"], x["kec"], x["pejabat"]
        pemerintah, nomor, tentang = x["pemerintah"], x["nomor"], x["tentang"]
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
        menimbang = [clean(t) for t in d.get("menimbang") or []]
        letters = [f"{chr(ord('a') + i)}." for i in range(len(menimbang))]
        self.labelled_list("Menimbang", menimbang, letters, x_colon, x_mark, x_text)
        self.gap(0.5)
        mengingat = [clean(t) for t in d.get("mengingat") or []]
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
            self.labelled_list(clean(dk.get("label")).upper(), [clean(dk.get("text"))], [""],
                               x_colon, x_mark, x_mark)
            self.y -= self.lead * 0.3

        # Ditetapkan / signature block (kept together)
        pen = hdr.get("penandatangan") or {}
        sig_lines = 9 + bool(pen.get("pangkat")) + bool(pen.get("nip"))
        self.gap(0.5)
        self.ensure(self.lead * sig_lines)
        xs = self.W - self.m - 80 * mm
        xc = xs + 28 * mm
        tempat = clean(hdr.get("tempat_penetapan"))
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
        jab = clean(pen.get("jabatan")) or pejabat
        self.text_at(xs, f"{jab.upper()},", bold=True, max_w=self.W - self.m - xs)
        self.gap(4)
        nama = clean(pen.get("nama"))
        if nama:
            draw(self.c, xs, self.y, nama, self.bold, self.size)
            self.c.line(xs, self.y - 1.5, xs + width(nama, self.bold, self.size), self.y - 1.5)
        if pen.get("pangkat"):
            self.gap()
            draw(self.c, xs, self.y, clean(pen["pangkat"]), self.font, self.size)
        if pen.get("nip"):
            self.gap()
            draw(self.c, xs, self.y, f"NIP. {nip_grouped(pen['nip'])}", self.font, self.size)

        tembusan = [clean(t) for t in d.get("tembusan") or []]
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
            ji = JabatanInfo(decree=idx, jabatan=clean(jb.get("jabatan")))
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
                items = [clean(t) for t in jb.get(key) or []]
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
