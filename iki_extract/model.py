"""The two data models every stage shares.

1. The *intermediate representation* (IR): a :class:`Document` of :class:`Page` s,
   each an ordered list of blocks.  A block is a :class:`TextLine` or a
   :class:`Table` (a grid of :class:`Cell` s with row/col spans).  Readers
   (``ingest``) only produce it; layout, table and normalisation stages only
   consume it.
2. The *output model*: :class:`Decree` and its parts, which mirror
   ``decree.schema.json`` one to one (see ``SCHEMA.md``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator, Union

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in page units


# --------------------------------------------------------------------------
# Intermediate representation
# --------------------------------------------------------------------------


@dataclass
class TextLine:
    """One line (or paragraph) of running text.

    ``text`` keeps inline markup removed but the line's own wording intact;
    ``bold`` tells whether the reader saw it emphasised; ``line_no`` is the
    1-based line in a text input (0 when not from text).
    """

    text: str
    page: int = 1
    bbox: BBox | None = None
    bold: bool = False
    line_no: int = 0
    confidence: float | None = None
    kind: str = "text"


@dataclass
class Cell:
    """One cell of a table grid.

    ``lines`` are the text lines inside the cell, top to bottom (a stacked
    fraction is two lines with ``rule_between`` set on the first index).
    """

    row: int
    col: int
    lines: list[str] = field(default_factory=list)
    row_span: int = 1
    col_span: int = 1
    bbox: BBox | None = None
    page: int = 1
    confidence: float | None = None
    fraction_bars: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s for s in self.lines if s.strip())

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass
class Table:
    """A grid of cells as the reader found it (one page's part of a table).

    ``n_rows``/``n_cols`` give the grid size; spanned positions are covered by
    the spanning cell only.  ``row_cells`` returns, per grid row, the cells
    that start in that row, in column order.
    """

    cells: list[Cell]
    n_rows: int
    n_cols: int
    page: int = 1
    bbox: BBox | None = None
    line_no: int = 0
    kind: str = "table"
    # rows whose cell count was smaller than n_cols in a reader that cannot
    # tell which columns they sit in (plain text): the reader marks them.
    ragged_rows: list[int] = field(default_factory=list)

    def rows(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out


Block = Union[TextLine, Table]

# Document origins whose page numbers are not those of a printed page: plain text,
# and office documents (Word reflows text; an Excel sheet is not a page).
PAGELESS_ORIGINS = frozenset({"text", "office"})


@dataclass
class Page:
    number: int
    blocks: list[Block] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    # where the page came from: "text", "pdf", "ocr"
    origin: str = "text"


@dataclass
class Document:
    """What every reader returns: the input's pages of positioned blocks."""

    source_file: str
    pages: list[Page] = field(default_factory=list)
    sha256: str = ""
    origin: str = "text"
    # reader notes on the whole file, e.g. "2 invalid UTF-8 byte sequences replaced"
    warnings: list[str] = field(default_factory=list)

    def blocks(self) -> Iterator[Block]:
        for p in self.pages:
            yield from p.blocks


# --------------------------------------------------------------------------
# Output model (decree.schema.json)
# --------------------------------------------------------------------------


@dataclass
class Penandatangan:
    nama: str | None = None
    nip: str | None = None
    pangkat: str | None = None
    jabatan: str | None = None
    # filled by the normaliser (NIP decoded, pangkat parsed)
    nip_valid: bool | None = None
    tanggal_lahir: str | None = None
    jenis_kelamin: str | None = None
    tmt_cpns: str | None = None
    golongan_ruang: str | None = None


# header fields that carry a confidence on OCR'd input (Header.confidence)
HEADER_CONFIDENCE_FIELDS = (
    "nomor", "tentang", "tempat_penetapan", "tanggal_penetapan", "penandatangan_nama", "penandatangan_nip",
)


@dataclass
class Header:
    pemerintah: str | None = None
    kabupaten_kota: str | None = None
    kecamatan: str | None = None
    pejabat_penetap: str | None = None
    nomor: str | None = None
    tentang: str | None = None
    tahun: int | None = None
    tempat_penetapan: str | None = None
    tanggal_penetapan: str | None = None
    penandatangan: Penandatangan = field(default_factory=Penandatangan)
    # filled by the normaliser (Kemendagri codes)
    kode_kecamatan: str | None = None
    kode_kabkota: str | None = None
    provinsi: str | None = None
    kode_provinsi: str | None = None
    # how sure the region match is (0-100) and why a code is missing or doubtful
    region_score: float | None = None
    region_note: str | None = None
    # OCR'd input: the reader's confidence (0-1) of the lines each field came from,
    # keys of HEADER_CONFIDENCE_FIELDS (layout/header_confidence.py); empty for
    # born-digital and text input
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass
class Diktum:
    label: str
    text: str


@dataclass
class IndikatorRow:
    sasaran: str | None
    indikator: str | None
    formulasi: str | None
    sumber_data: str | None
    page: int | None = None
    confidence: float | None = None  # the lowest of the cells' confidences
    # per cell: how likely the cell's text is right (OCR'd pages; None elsewhere)
    confidence_sasaran: float | None = None
    confidence_indikator: float | None = None
    confidence_formulasi: float | None = None
    confidence_sumber_data: float | None = None
    # filled by the normaliser (formula parsed)
    numerator: str | None = None
    denominator: str | None = None
    multiplier: float | None = None
    indikator_type: str | None = None

    def cells(self) -> tuple[str | None, str | None, str | None, str | None]:
        return (self.sasaran, self.indikator, self.formulasi, self.sumber_data)


@dataclass
class Jabatan:
    jabatan: str
    tugas: list[str] = field(default_factory=list)
    fungsi: list[str] = field(default_factory=list)
    indikator: list[IndikatorRow] = field(default_factory=list)
    jabatan_canonical: str | None = None
    jabatan_level: str | None = None
    jabatan_unit: str | None = None
    jabatan_match_score: float | None = None
    page: int | None = None


@dataclass
class Decree:
    kind: str
    source_file: str
    pages: list[int] = field(default_factory=list)
    header: Header = field(default_factory=Header)
    menimbang: list[str] = field(default_factory=list)
    mengingat: list[str] = field(default_factory=list)
    diktum: list[Diktum] = field(default_factory=list)
    tembusan: list[str] = field(default_factory=list)
    jabatan: list[Jabatan] = field(default_factory=list)
    decree_id: str = ""
    warnings: list[str] = field(default_factory=list)
    # parsed mengingat items (normaliser), parallel to ``mengingat``
    mengingat_refs: list[dict | None] = field(default_factory=list)
    # every input this decree was read from (``[{"file", "pages"}, ...]``; the first
    # is ``source``); more than one when near-identical renderings were merged
    sources: list[dict] = field(default_factory=list)

    def source_list(self) -> list[dict]:
        """``sources``, or the decree's own ``source`` when nothing was merged into it."""
        return [dict(s) for s in self.sources] or [
            {"file": self.source_file, "pages": list(self.pages)}
        ]

    def to_dict(self) -> dict:
        """The decree as a ``decree.schema.json`` object."""
        return {
            "decree_id": self.decree_id,
            "kind": self.kind,
            "source": {"file": self.source_file, "pages": list(self.pages)},
            "sources": self.source_list(),
            "header": asdict(self.header),
            "menimbang": list(self.menimbang),
            "mengingat": list(self.mengingat),
            "mengingat_refs": list(self.mengingat_refs),
            "diktum": [{"label": d.label, "text": d.text} for d in self.diktum],
            "tembusan": list(self.tembusan),
            "jabatan": [
                {
                    "jabatan": j.jabatan,
                    "jabatan_canonical": j.jabatan_canonical,
                    "jabatan_level": j.jabatan_level,
                    "jabatan_unit": j.jabatan_unit,
                    "jabatan_match_score": j.jabatan_match_score,
                    "tugas": list(j.tugas),
                    "fungsi": list(j.fungsi),
                    "indikator": [asdict(r) for r in j.indikator],
                }
                for j in self.jabatan
            ],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Decree":
        """The inverse of :meth:`to_dict` (e.g. to rebuild tables from JSON files).

        Keys this version does not know are ignored, so older or newer JSON loads.
        """

        def pick(klass, data: dict | None) -> dict:
            names = klass.__dataclass_fields__
            return {k: v for k, v in (data or {}).items() if k in names}

        h = dict(d.get("header") or {})
        signer = Penandatangan(**pick(Penandatangan, h.pop("penandatangan", None)))
        source = d.get("source") or {}
        return cls(
            kind=d.get("kind") or "OTHER",
            source_file=source.get("file") or "",
            pages=list(source.get("pages") or []),
            header=Header(**pick(Header, h), penandatangan=signer),
            menimbang=list(d.get("menimbang") or []),
            mengingat=list(d.get("mengingat") or []),
            diktum=[Diktum(**pick(Diktum, x)) for x in d.get("diktum") or []],
            tembusan=list(d.get("tembusan") or []),
            jabatan=[
                Jabatan(
                    **{k: v for k, v in pick(Jabatan, j).items() if k != "indikator"},
                    indikator=[IndikatorRow(**pick(IndikatorRow, r)) for r in j.get("indikator") or []],
                )
                for j in d.get("jabatan") or []
            ],
            decree_id=d.get("decree_id") or "",
            mengingat_refs=list(d.get("mengingat_refs") or []),
            warnings=list(d.get("warnings") or []),
            sources=[dict(s) for s in d.get("sources") or []],
        )

