"""Read a document's decrees in one pass.

1. label scoring: every text line gets a score per section kind it may open
   (``labels.py``, vocabulary in ``models/sections.yaml``); a table whose first
   column holds labels is read as labelled lines first (``label_tables.py``);
2. grammar decoding: the cheapest order of sections over the whole document
   (``grammar.py``) gives each line its section, and where decrees begin;
3. one reader per section (``sections.py``; header fields, penetapan and
   signer in ``header.py`` / ``signature.py``; jabatan blocks in ``lampiran.py`` and the table stage);
4. decrees: the same decree bound several times (same kind and nomor) is merged
   into one: header and lists from the first binding, jabatan blocks from all
   bindings in order, a block repeated with the same title and content kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .. import rules
from ..model import Block, Decree, Document, Jabatan, Table, TextLine
from ..normalize.text import fold
from ..tables.rows import has_jabatan_column, reconstruct, reconstruct_by_jabatan
from .grammar import Unit, decode
from .header import parse_header
from .header_confidence import field_confidence
from .label_tables import expand_label_tables, pull_centred_labels
from .labels import Label, normalise, score_line
from .lampiran import RawBlock, block_region_start, find_block_starts, parse_block
from .sections import Line, read_diktum, read_list, read_tembusan

_HEAD = ("title", "preamble", "issuer")
_DIGIT_ITEM = re.compile(r"^\s*(?:[-–•❖]\s*)?\(?\d{1,2}[.)]")


def _text(b: Block) -> str:
    return b.text if isinstance(b, TextLine) else ""


@dataclass
class Part:
    """One decree's blocks by section, as the grammar decoded them."""

    sections: dict[str, list[int]] = field(default_factory=dict)  # section -> block indices
    first: int = 0
    last: int = 0

    def add(self, section: str, i: int) -> None:
        self.sections.setdefault(section, []).append(i)
        self.last = i


def _units(blocks: list[Block]) -> tuple[list[int], list[Unit], dict[int, tuple[Label, ...]]]:
    """The blocks the decoder sees (not blank lines), their units and labels."""
    idx: list[int] = []
    units: list[Unit] = []
    labels: dict[int, tuple[Label, ...]] = {}
    seen_menimbang = False
    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            idx.append(i)
            units.append(Unit(table=True))
            continue
        t = b.text.strip()
        if not t:
            continue
        lbs = score_line(t)
        # a second "Menimbang" whose items are numbered is the mengingat it really is
        mn = next((lb for lb in lbs if lb.kind == "menimbang"), None)
        if mn is not None:
            if seen_menimbang and _DIGIT_ITEM.match(mn.rest):
                lbs = [Label("mengingat", "MENGINGAT", mn.score, mn.rest)] + [x for x in lbs if x is not mn]
            seen_menimbang = True
        labels[i] = tuple(lbs)
        s = normalise(t)
        long_text = len(s) > int(rules.load("sections.yaml")["title_len"]) and not s.isupper()
        idx.append(i)
        units.append(Unit(labels=tuple(lbs), long_text=long_text))
    return idx, units, labels


def split_decrees(blocks: list[Block]) -> tuple[list[int], list[Part], dict[int, tuple[Label, ...]]]:
    """Cover block indices, each decree's parts, and every line's labels."""
    idx, units, labels = _units(blocks)
    path = decode(units)
    cover: list[int] = []
    parts: list[Part] = []
    prev = "out"
    for i, state in zip(idx, path):
        if state == "out":
            cover.append(i)
        else:
            opens = state in ("kop", "title") and prev not in ("kop", "title")
            if not parts or opens:
                parts.append(Part(first=i))
            parts[-1].add(state, i)
        prev = state
    return cover, parts, labels


def _kind(tentang: str | None, lines: list[str]) -> str:
    pats = rules.keywords()["kind_patterns"]
    for text in [tentang or ""] + lines:
        u = text.upper()
        for kind in ("IKI", "IKU"):
            if any(w in u for w in pats[kind]):
                return kind
    return "OTHER"


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


def _lines(blocks: list[Block], ids: list[int], labels: dict[int, tuple[Label, ...]]) -> list[Line]:
    """The section's text lines, blank lines between them kept (they end lists)."""
    if not ids:
        return []
    keep = set(ids)
    out: list[Line] = []
    for i in range(ids[0], ids[-1] + 1):
        b = blocks[i]
        if not isinstance(b, TextLine):
            continue
        if i in keep:
            out.append(Line(b, labels.get(i, ())))
        elif not b.text.strip():
            out.append(Line(b))
    return out


def read_decree(
    blocks: list[Block], part: Part, cover: list[str], labels: dict[int, tuple[Label, ...]], source_file: str
) -> Decree:
    sec = part.sections
    lines = {name: _lines(blocks, ids, labels) for name, ids in sec.items()}
    kop = [ln.text for ln in lines.get("kop", []) if ln.text]
    head_ids = sorted(i for name in _HEAD for i in sec.get(name, []))
    head = [normalise(_text(blocks[i])) for i in head_ids if _text(blocks[i]).strip()]
    penetapan = [ln.text for ln in lines.get("penetapan", []) + lines.get("signature", []) if ln.text]
    header = parse_header(kop, head, cover, penetapan=penetapan)
    header.confidence = field_confidence(header, [
        ln.line for name in ("kop", *_HEAD, "penetapan", "signature") for ln in lines.get(name, [])
    ])
    if header.penandatangan.jabatan is None and header.pejabat_penetap:
        header.penandatangan.jabatan = header.pejabat_penetap
    jabatan: list[Jabatan] = []
    if "lampiran" in sec:
        begin, end = sec["lampiran"][0], part.last + 1
        raw = read_blocks(blocks, begin, end)
        jabatan = dedupe_blocks(matrix_blocks(blocks, begin, end) + [_to_jabatan(rb) for rb in raw])
    if not head and jabatan:
        # a Lampiran on its own: what header it shows is in its first lines
        first = [normalise(_text(b)) for b in blocks[part.first : part.first + 40] if _text(b).strip()]
        rest = [normalise(_text(b)) for b in blocks[part.first : part.last + 1] if _text(b).strip()]
        header = parse_header(first, first, first, body=rest)
        head = first
    pages = sorted({b.page for b in blocks[part.first : part.last + 1] if b.page})
    return Decree(
        kind=_kind(header.tentang, head[:8]),
        source_file=source_file,
        pages=pages,
        header=header,
        menimbang=read_list(lines.get("menimbang", []), "menimbang"),
        mengingat=read_list(lines.get("mengingat", []), "mengingat"),
        diktum=read_diktum(lines.get("diktum", [])),
        tembusan=read_tembusan(lines.get("tembusan", [])),
        jabatan=jabatan,
    )


def _decree_key(d: Decree) -> tuple[str, str]:
    nomor = re.sub(r"\s+", "", d.header.nomor or "").lower()
    return d.kind, nomor


def _folded(s: str | None) -> str:
    return re.sub(r"\s+", " ", fold(s or "")).strip().lower()


def _same_decree(a: Decree, b: Decree) -> bool:
    """Two bindings of one decree: same kind and nomor; a decree without a nomor
    (an unnumbered draft, a nomor lost to OCR) is the same when its subject and
    its date of enactment are (both must be read: no evidence, no merge)."""
    ka, kb = _decree_key(a), _decree_key(b)
    if ka[0] != kb[0]:
        return False
    if ka[1] and kb[1]:
        return ka[1] == kb[1]
    ta, tb = _folded(a.header.tentang), _folded(b.header.tentang)
    da, db = a.header.tanggal_penetapan, b.header.tanggal_penetapan
    return bool(ta and da) and ta == tb and da == db


def merge_bindings(decrees: list[Decree]) -> list[Decree]:
    """Decrees bound several times (the same decree: see :func:`_same_decree`) become one."""
    out: list[Decree] = []
    for d in decrees:
        twin = next((o for o in out if _same_decree(o, d)), None)
        if twin is None:
            out.append(d)
            continue
        twin.jabatan = dedupe_blocks(twin.jabatan + d.jabatan)
        twin.pages = sorted(set(twin.pages) | set(d.pages))
        for attr in ("menimbang", "mengingat", "diktum", "tembusan"):
            if not getattr(twin, attr):
                setattr(twin, attr, getattr(d, attr))
        for f in ("nomor", "tempat_penetapan", "tanggal_penetapan", "tahun", "tentang", "pemerintah", "kabupaten_kota",
                  "kecamatan"):
            if getattr(twin.header, f) is None:
                setattr(twin.header, f, getattr(d.header, f))
        for f in ("nama", "nip", "pangkat"):
            if getattr(twin.header.penandatangan, f) is None:
                setattr(twin.header.penandatangan, f, getattr(d.header.penandatangan, f))
    return out


def _bare_lampiran(blocks: list[Block], source_file: str) -> Decree:
    """A document the grammar finds no decree part in: a Lampiran or IKI matrix on its
    own (a workbook, a loose table) still yields its jabatan blocks; else kind OTHER."""
    jabatan = dedupe_blocks(
        matrix_blocks(blocks, 0, len(blocks)) + [_to_jabatan(rb) for rb in read_blocks(blocks, 0, len(blocks))]
    )
    d = Decree(kind="OTHER", source_file=source_file, jabatan=jabatan)
    d.pages = sorted({b.page for b in blocks if b.page})
    if jabatan:
        first = [normalise(_text(b)) for b in blocks[:40] if _text(b).strip()]
        rest = [normalise(_text(b)) for b in blocks if _text(b).strip()]
        d.header = parse_header(first, first, first, body=rest)
        d.kind = _kind(d.header.tentang, first[:8])
    return d


def read_document(doc: Document) -> list[Decree]:
    """All decrees of a document, in document order."""
    blocks = pull_centred_labels(expand_label_tables([b for page in doc.pages for b in page.blocks]))
    cover_ids, parts, labels = split_decrees(blocks)
    cover = [normalise(_text(blocks[i])) for i in cover_ids if _text(blocks[i])]
    if not parts:
        return [_bare_lampiran(blocks, doc.source_file)]
    decrees = [read_decree(blocks, p, cover if n == 0 else [], labels, doc.source_file) for n, p in enumerate(parts)]
    decrees = [d for d in decrees if d.header.nomor or d.jabatan or d.menimbang or d.diktum or len(decrees) == 1]
    return merge_bindings(decrees) or decrees[:1]
