"""The Lampiran table of the synthetic PDF: wrapped cells, merged SASARAN/INDIKATOR cells
spanning several rows, stacked fractions, rows cut across page breaks under a repeated
header, so that the truth of every cell is known.

A mixin of :class:`iki_extract.synth.render._Renderer`: it draws with the renderer's
canvas, variant, cursor (``y``) and page breaks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .parts import KEYS
from .text import clean, draw, parse_fraction, split_subitems, width, wrap


@dataclass
class JabatanInfo:
    """Where one jabatan block of the Lampiran landed."""

    decree: int  # index of the decree in the input list
    jabatan: str
    row_pages: list[list[int]] = field(default_factory=list)  # 1-based pages per row
    table_pages: list[int] = field(default_factory=list)
    split_rows: list[int] = field(default_factory=list)  # rows cut across a page break



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



class _TableMixin:
    """Lays out and draws one jabatan block's indikator rows (see the module text)."""

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
        if text is None or not clean(text):
            return []
        text = clean(text)
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

