"""The normalisation stage: what makes decrees comparable across the corpus.

:func:`normalize_decree` runs every normaliser over one extracted decree, in
place, adding keys beside the raw text (never replacing it): canonical jabatan
titles, Kemendagri region codes, decoded NIP and pangkat, parsed formulas and
parsed legal references.  Each normaliser is a pure function in its own module
with its vocabulary in ``models/``.
"""

from __future__ import annotations

import logging

from ..ingest.ocr_confidence import rescore_rows
from ..model import Decree
from .formula import parse_formula
from .jabatan import canonicalize
from .people import parse_nip, parse_pangkat
from .region import resolve_region

log = logging.getLogger(__name__)


def normalize_decree(d: Decree) -> None:
    """Fill the normalised fields of ``d`` (in place)."""
    h = d.header
    region = resolve_region(h.kecamatan, h.kabupaten_kota, h.nomor)
    h.kode_kecamatan = region.kode_kecamatan
    h.kode_kabkota = region.kode_kabkota
    h.provinsi = region.provinsi
    h.kode_provinsi = region.kode_provinsi
    h.region_score = region.score if (region.kode_kecamatan or region.kode_kabkota) else 0.0
    h.region_note = region.note
    if region.note:
        d.warnings.append(f"region: {region.note}")
    s = h.penandatangan
    if s.nip:
        nip = parse_nip(s.nip)
        s.nip_valid = nip.valid
        s.tanggal_lahir, s.jenis_kelamin, s.tmt_cpns = nip.birth_date, nip.gender, nip.appointment
        if not nip.valid:
            d.warnings.append(f"nip: {nip.reason}")
    if s.pangkat:
        s.golongan_ruang = parse_pangkat(s.pangkat).golongan_ruang
    for j in d.jabatan:
        canonicalize(j)
        for r in j.indikator:
            f = parse_formula(r.formulasi, r.indikator)
            r.numerator, r.denominator = f.numerator, f.denominator
            r.multiplier, r.indikator_type = f.multiplier, f.indikator_type
    rescore_rows([j.indikator for j in d.jabatan])  # OCR'd rows: the cell model
    d.mengingat_refs = _legal_refs(d.mengingat)


def _legal_refs(items: list[str]) -> list[dict | None]:
    try:
        from .legal import parse_many
    except ImportError:  # pragma: no cover - the legal parser is optional
        return [None] * len(items)
    try:
        return list(parse_many(items))
    except Exception as exc:  # a broken rule file must not lose the decree
        log.warning("legal reference parser failed: %s", exc)
        return [None] * len(items)
