"""Split a document into decrees and read each one.

A decree opens at a KEPUTUSAN title line that has a NOMOR within a few lines
(the Lampiran's "LAMPIRAN / KEPUTUSAN CAMAT ..." repeat is not a new decree).
Its kop (letterhead) sits just above; its cover page, if any, above that.
The same decree bound several times (same kind and nomor) is merged into one:
header and lists from the first binding, jabatan blocks from all bindings in
order, a block repeated with the same title and content kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from .. import rules
from ..model import Block, Decree, Document, Jabatan, Table, TextLine
from ..normalize.keywords import clean_ocr_line
from ..normalize.text import fold
from ..tables.rows import has_jabatan_column, reconstruct, reconstruct_by_jabatan
from .body import parse_body
from .header import parse_header
from .lampiran import RawBlock, block_region_start, find_block_starts, parse_block
from .patterns import patterns


@dataclass
class Segment:
    start: int  # index of the KEPUTUSAN line
    end: int  # exclusive
    kop_start: int


def _text(b: Block) -> str:
    return b.text if isinstance(b, TextLine) else ""


def find_decree_starts(blocks: list[Block]) -> list[int]:
    p = patterns()
    starts: list[int] = []
    for i, b in enumerate(blocks):
        t = _text(b)
        if not t or not p.decree_title.match(t):
            continue
        if re.match(r"^keputusan\s+(ini|camat\s+\w+\s+ini)\b", t, re.I):
            continue
        # the Lampiran's repeat of the title is not a decree start
        prev = [_text(x) for x in blocks[max(0, i - 3) : i] if _text(x)]
        if prev and p.lampiran.match(prev[-1]):
            continue
        if len(t) > 160:
            continue
        # a title is set in capitals ("KEPUTUSAN CAMAT ..."), not a sentence that
        # wrapped before "Keputusan Camat ..."
        if not t.split()[0].isupper():
            continue
        window = [_text(x) for x in blocks[i : i + 8] if _text(x)][:5]
        if any(re.search(r"\bNO(?:MOR)?\s*[.:]", w, re.I) for w in window):
            starts.append(i)
    return starts


def _kop_start(blocks: list[Block], start: int, floor: int) -> int:
    """Walk up over the letterhead lines (PEMERINTAH ..., address)."""
    j = start
    k = start - 1
    seen = 0
    while k >= floor and seen < 10:
        t = _text(blocks[k])
        if isinstance(blocks[k], Table):
            break
        if t:
            seen += 1
            if re.match(r"^\s*PEMERINTAH\b", t, re.I):
                j = k
        k -= 1
    return j


def segments(blocks: list[Block]) -> list[Segment]:
    starts = find_decree_starts(blocks)
    segs: list[Segment] = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        floor = segs[-1].start + 1 if segs else 0
        segs.append(Segment(start=s, end=end, kop_start=_kop_start(blocks, s, floor)))
    # the next decree's kop belongs to it, not to the previous decree
    for a, b in zip(segs, segs[1:]):
        a.end = b.kop_start
    return segs


def _kind(tentang: str | None, lines: list[str]) -> str:
    pats = rules.keywords()["kind_patterns"]
    for text in [tentang or ""] + lines:
        u = text.upper()
        for kind in ("IKI", "IKU"):
            if any(w in u for w in pats[kind]):
                return kind
    return "OTHER"


def _body_end(blocks: list[Block], begin: int, end: int) -> int:
    """Where the body stops and the Lampiran / report pages begin."""
    p = patterns()
    signed = False
    for i in range(begin, end):
        b = blocks[i]
        if isinstance(b, Table):
            if signed:
                return i
            continue
        t = b.text
        if not t:
            continue
        if p.ditetapkan.match(t):
            signed = True
            continue
        if not signed:
            continue
        if p.lampiran.match(t) or p.block_heading.match(t) or p.report_heading.match(t):
            return i
        if p.jabatan_label.match(t) and _is_block_label(blocks, i):
            return i
    return end


def _is_block_label(blocks: list[Block], i: int) -> bool:
    return 0 in find_block_starts(blocks[i : i + 9])


def read_blocks(blocks: list[Block], begin: int, end: int) -> list[RawBlock]:
    """Jabatan blocks between ``begin`` and ``end``."""
    region = blocks[begin:end]
    starts = find_block_starts(region)
    out: list[RawBlock] = []
    bounds = []
    for n, s in enumerate(starts):
        floor = starts[n - 1] if n else -1
        bounds.append(block_region_start(region, s, floor))
    for n, s in enumerate(starts):
        stop = bounds[n + 1] if n + 1 < len(starts) else len(region)
        rb = parse_block(region[s:stop])
        if rb is not None:
            out.append(rb)
    return out


def matrix_blocks(blocks: list[Block], begin: int, end: int) -> list[Jabatan]:
    """Jabatan blocks of a Lampiran set as one table for all positions.

    Some decrees have no per-position blocks: one table carries a JABATAN column
    (an "IKI matrix").  Tables outside any labelled block are read that way when
    their header names such a column.
    """
    region = blocks[begin:end]
    starts = find_block_starts(region)
    stop = block_region_start(region, starts[0], -1) if starts else len(region)
    parts = _matrix_parts([b for b in region[:stop] if isinstance(b, Table)])
    if not parts:
        return []
    return [
        Jabatan(jabatan=fold(title), indikator=rows, page=rows[0].page if rows else None)
        for title, rows in reconstruct_by_jabatan(parts)
    ]


def _matrix_parts(tables: list[Table]) -> list[Table]:
    """The tables that make up an IKI matrix: each one whose header names a JABATAN
    column, and after it the parts of the same width that continue it (a narrower
    table without such a header, e.g. a recap beside the matrix, is not one)."""
    out: list[Table] = []
    width: int | None = None
    for t in tables:
        if has_jabatan_column([t]):
            out.append(t)
            width = t.n_cols
        elif width is not None and t.n_cols == width:
            out.append(t)
    return out


def _to_jabatan(rb: RawBlock) -> Jabatan:
    return Jabatan(
        jabatan=rb.title,
        tugas=rb.tugas,
        fungsi=rb.fungsi,
        indikator=reconstruct(rb.tables),
        page=rb.page,
    )


def _same_block(a: Jabatan, b: Jabatan) -> bool:
    if fuzz.ratio(fold(a.jabatan).lower(), fold(b.jabatan).lower()) < 90:
        return False
    ta = " ".join(a.tugas + a.fungsi)
    tb = " ".join(b.tugas + b.fungsi)
    if ta or tb:
        return fuzz.ratio(ta, tb) >= 85
    ra = " ".join(" ".join(filter(None, r.cells())) for r in a.indikator)
    rb_ = " ".join(" ".join(filter(None, r.cells())) for r in b.indikator)
    return fuzz.ratio(ra, rb_) >= 85


def _row_text(r) -> str:
    return " | ".join(x or "" for x in r.cells())


def _merge_block(keep: Jabatan, dup: Jabatan) -> None:
    """A repeat that carries more rows than the first copy extends it."""
    if len(dup.indikator) <= len(keep.indikator):
        return
    n = len(keep.indikator)
    head = [fuzz.ratio(_row_text(x), _row_text(y)) for x, y in zip(keep.indikator, dup.indikator[:n])]
    if head and sum(head) / len(head) >= 80:
        keep.indikator.extend(dup.indikator[n:])


def dedupe_blocks(blocks: list[Jabatan]) -> list[Jabatan]:
    out: list[Jabatan] = []
    for b in blocks:
        twin = next((k for k in out if _same_block(k, b)), None)
        if twin is None:
            out.append(b)
        else:
            _merge_block(twin, b)
    return out


def read_decree(blocks: list[Block], seg: Segment, cover: list[str], source_file: str) -> Decree:
    p = patterns()
    lines = blocks[seg.start : seg.end]
    # header: from KEPUTUSAN to the first Menimbang
    head: list[str] = []
    body_start = seg.end
    for i in range(seg.start, seg.end):
        t = _text(blocks[i])
        if t and (p.menimbang.match(t) or p.mengingat.match(t)):
            body_start = i
            break
        if t:
            head.append(t)
    kop = [_text(b) for b in blocks[seg.kop_start : seg.start] if _text(b)]
    header = parse_header(kop, head, cover)
    body_end = _body_end(blocks, body_start, seg.end)
    body_lines = [b for b in blocks[body_start:body_end] if isinstance(b, TextLine)]
    body = parse_body(body_lines)
    header.tempat_penetapan = body.tempat
    header.tanggal_penetapan = body.tanggal
    header.penandatangan = body.signer
    if header.penandatangan.jabatan is None and header.pejabat_penetap:
        header.penandatangan.jabatan = header.pejabat_penetap
    if header.tahun is None and header.tanggal_penetapan:
        header.tahun = int(header.tanggal_penetapan[:4])
    raw = read_blocks(blocks, body_end, seg.end)
    jabatan = dedupe_blocks(
        matrix_blocks(blocks, body_end, seg.end) + [_to_jabatan(rb) for rb in raw]
    )
    kind = _kind(header.tentang, head[:8])
    pages = sorted({b.page for b in blocks[seg.kop_start : seg.end] if b.page})
    del lines
    return Decree(
        kind=kind,
        source_file=source_file,
        pages=pages,
        header=header,
        menimbang=body.menimbang,
        mengingat=body.mengingat,
        diktum=body.diktum,
        tembusan=body.tembusan,
        jabatan=jabatan,
    )


def _cover_lines(blocks: list[Block], upto: int) -> list[str]:
    return [_text(b) for b in blocks[:upto] if _text(b)]


def _decree_key(d: Decree) -> tuple[str, str]:
    nomor = re.sub(r"\s+", "", d.header.nomor or "").lower()
    return d.kind, nomor


def merge_bindings(decrees: list[Decree]) -> list[Decree]:
    """Decrees bound several times (same kind and nomor) become one."""
    out: list[Decree] = []
    for d in decrees:
        key = _decree_key(d)
        twin = next((o for o in out if key[1] and _decree_key(o) == key), None)
        if twin is None:
            out.append(d)
            continue
        twin.jabatan = dedupe_blocks(twin.jabatan + d.jabatan)
        twin.pages = sorted(set(twin.pages) | set(d.pages))
        for attr in ("menimbang", "mengingat", "diktum", "tembusan"):
            if not getattr(twin, attr):
                setattr(twin, attr, getattr(d, attr))
        for f in ("tempat_penetapan", "tanggal_penetapan", "tahun", "tentang", "pemerintah", "kabupaten_kota", "kecamatan"):
            if getattr(twin.header, f) is None:
                setattr(twin.header, f, getattr(d.header, f))
        for f in ("nama", "nip", "pangkat"):
            if getattr(twin.header.penandatangan, f) is None:
                setattr(twin.header.penandatangan, f, getattr(d.header.penandatangan, f))
    return out


def _navigable_blocks(doc: Document) -> list[Block]:
    """The document's blocks, with OCR slips in label words corrected.

    Only OCR'd pages are touched, and only their label words ("Menimbanq :"
    → "MENIMBANG :"); body text stays as read.
    """
    out: list[Block] = []
    for page in doc.pages:
        for b in page.blocks:
            if page.origin == "ocr" and isinstance(b, TextLine) and b.text:
                fixed = clean_ocr_line(b.text)
                if fixed != b.text:
                    b = replace(b, text=fixed)
            out.append(b)
    return out


def read_document(doc: Document) -> list[Decree]:
    """All decrees of a document, in document order."""
    blocks = _navigable_blocks(doc)
    segs = segments(blocks)
    if not segs:
        # no decree header: a Lampiran on its own, or not a decree at all
        raw = read_blocks(blocks, 0, len(blocks))
        matrix = matrix_blocks(blocks, 0, len(blocks))
        d = Decree(kind="OTHER", source_file=doc.source_file)
        d.pages = sorted({b.page for b in blocks if b.page})
        if raw or matrix:
            head = [_text(b) for b in blocks[:40] if _text(b)]
            d.header = parse_header(head, head, head, body=[_text(b) for b in blocks if _text(b)])
            d.jabatan = dedupe_blocks(matrix + [_to_jabatan(rb) for rb in raw])
            d.kind = _kind(d.header.tentang, head)
        return [d]
    cover = _cover_lines(blocks, segs[0].kop_start)
    decrees = [read_decree(blocks, s, cover if n == 0 else [], doc.source_file) for n, s in enumerate(segs)]
    return merge_bindings(decrees)
