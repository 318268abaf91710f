"""Layout variants of the synthetic decree PDF generator."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

F4 = (215 * mm, 330 * mm)  # "Folio", common in Indonesian offices

FONTS = {
    "Helvetica": ("Helvetica", "Helvetica-Bold"),
    "Times": ("Times-Roman", "Times-Bold"),
    "Courier": ("Courier", "Courier-Bold"),
}

HEADERS_SASARAN = (
    "SASARAN/KINERJA UTAMA",
    "INDIKATOR KINERJA INDIVIDU",
    "PENJELASAN/FORMULASI PENGHITUNGAN",
    "SUMBER DATA",
)
HEADERS_FORMULA = ("Sasaran Kinerja", "Indikator Kinerja", "Formula", "Sumber Data")
HEADERS_KINERJA = ("KINERJA", "INDIKATOR KINERJA", "FORMULASI PERHITUNGAN", "SUMBER DATA")


@dataclass(frozen=True)
class LayoutVariant:
    """How one synthetic decree PDF is laid out.

    ``col_widths`` are relative widths of SASARAN, INDIKATOR, FORMULASI, SUMBER DATA;
    ``no_width`` the relative width of the NO column when ``no_column`` is set.
    ``numbering_row`` is a format such as ``"({n})"`` or ``"{n}"`` (None: no row).
    ``split_rows``: a row that does not fit is cut across the page break (else it moves
    whole to the next page). ``list_style`` for Tugas/Fungsi items: "bullet" (•),
    "dash" (-) or "letter" (a., b., ...).
    ``rules``: the table's ruling — "grid" (every cell boxed), "rows" (horizontal rules
    only: top, under the header, under every row; none crosses a merged cell, as Word
    draws merged cells with only horizontal borders) or "none" (no ruling lines at all;
    stacked fraction bars are still drawn, they belong to the formula).
    ``row_gap``: extra vertical space (pt) under every table row.
    """

    name: str
    page_size: tuple[float, float] = A4
    page_name: str = "A4"
    lampiran_orientation: str = "portrait"  # or "landscape"
    font: str = "Helvetica"
    font_size: float = 11.0
    table_font_size: float = 9.0
    headers: tuple[str, str, str, str] = HEADERS_SASARAN
    no_header: str = "NO"
    col_widths: tuple[float, float, float, float] = (0.26, 0.26, 0.30, 0.18)
    no_column: bool = False
    no_width: float = 0.05
    numbering_row: str | None = None
    repeat_header: bool = True
    split_rows: bool = True
    stacked_fractions: bool = True
    page_number_style: str = "dash"  # "- 3 -" ; or "halaman": "Halaman 3"
    list_style: str = "bullet"
    margin_mm: float = 20.0
    rules: str = "grid"
    row_gap: float = 0.0

    @property
    def fonts(self) -> tuple[str, str]:
        return FONTS[self.font]


VARIANTS: dict[str, LayoutVariant] = {
    "a4-portrait": LayoutVariant(
        name="a4-portrait",
        list_style="dash",
    ),
    "f4-landscape-no": LayoutVariant(
        name="f4-landscape-no",
        page_size=F4,
        page_name="F4",
        lampiran_orientation="landscape",
        font="Helvetica",
        font_size=11.0,
        table_font_size=10.0,
        headers=HEADERS_FORMULA,
        no_header="No",
        col_widths=(0.25, 0.27, 0.30, 0.18),
        no_column=True,
        no_width=0.04,
        repeat_header=False,
        split_rows=False,
        stacked_fractions=False,
        page_number_style="halaman",
        list_style="letter",
    ),
    "a4-times-numbered": LayoutVariant(
        name="a4-times-numbered",
        lampiran_orientation="landscape",
        font="Times",
        font_size=12.0,
        table_font_size=10.0,
        headers=HEADERS_KINERJA,
        col_widths=(0.24, 0.24, 0.34, 0.18),
        no_column=True,
        no_width=0.05,
        numbering_row="({n})",
        repeat_header=True,
        split_rows=True,
        stacked_fractions=True,
        list_style="bullet",
    ),
    "f4-courier-plain": LayoutVariant(
        name="f4-courier-plain",
        page_size=F4,
        page_name="F4",
        font="Courier",
        font_size=10.0,
        table_font_size=8.0,
        numbering_row="{n}",
        col_widths=(0.25, 0.25, 0.32, 0.18),
        repeat_header=True,
        split_rows=True,
        stacked_fractions=False,
        page_number_style="halaman",
        list_style="bullet",
    ),
    # Word tables without vertical borders: horizontal rules only
    "a4-open-rows": LayoutVariant(
        name="a4-open-rows",
        font="Times",
        font_size=12.0,
        table_font_size=10.0,
        headers=HEADERS_KINERJA,
        col_widths=(0.25, 0.25, 0.32, 0.18),
        no_column=True,
        no_width=0.05,
        numbering_row="({n})",
        repeat_header=True,
        split_rows=True,
        stacked_fractions=True,
        list_style="dash",
        rules="rows",
    ),
    # no ruling lines at all: bold header, rows set apart by a little extra space
    "f4-no-rules": LayoutVariant(
        name="f4-no-rules",
        page_size=F4,
        page_name="F4",
        font="Helvetica",
        font_size=11.0,
        table_font_size=9.0,
        headers=HEADERS_SASARAN,
        col_widths=(0.25, 0.26, 0.31, 0.18),
        repeat_header=True,
        split_rows=True,
        stacked_fractions=True,
        page_number_style="halaman",
        list_style="letter",
        rules="none",
        row_gap=3.0,
    ),
}


def get_variant(variant: LayoutVariant | str) -> LayoutVariant:
    if isinstance(variant, LayoutVariant):
        return variant
    try:
        return VARIANTS[variant]
    except KeyError:
        raise ValueError(f"unknown layout variant {variant!r}; known: {sorted(VARIANTS)}") from None
