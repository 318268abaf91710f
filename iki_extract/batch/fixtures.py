"""Synthetic archives for the batch tests and benchmark: many distinct decrees from the samples.

A *variant* renames a sample decree's kecamatan and kabupaten/kota and changes its
nomor, consistently in the OCR'd text (``samples/<stem>.txt``) and in the gold
JSON (``samples/<stem>.gold.json``), so that

* :func:`write_text_variant` writes a distinct text decree;
* :func:`write_pdf_variant` renders the same decree as a born-digital PDF
  (:func:`iki_extract.synth.render_decree_pdf`), which the batch must recognise as
  the same decree as the text variant (near-duplicate merge);
* :func:`expected_keys` gives the ``(nomor, kecamatan, kind)`` the extractor should find.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

_PREFIXES = (
    "Karang", "Sido", "Tanjung", "Wono", "Banyu", "Cempaka", "Gunung", "Pasir",
    "Tegal", "Rowo", "Kali", "Bumi", "Sumber", "Watu", "Ngrejo", "Lebak",
)  # fmt: skip
_SUFFIXES = (
    "asri", "mulyo", "rejo", "jaya", "makmur", "harjo", "mukti", "agung",
    "sari", "wangi", "tengah", "baru", "indah", "lestari", "kencana", "arum",
)  # fmt: skip
_KABUPATEN = ("Bukit Biru", "Pantai Emas", "Sungai Perak", "Danau Tenang")

# per sample: (kecamatan, kabupaten/kota name, nomor fragment, its replacement pattern)
_SAMPLE_NAMES = {
    "kec_sukamaju_2024": ("Sukamaju", "Lembah Hijau", "800/123/", "800/{n}/"),
    "kec_mekarsari_2023": ("Mekarsari", "Tirta Raya", "KEC-MKS", "KEC-M{n}"),
}


@dataclass(frozen=True)
class Variant:
    stem: str  # sample stem
    n: int  # variant number (distinct nomor)
    kecamatan: str
    kabupaten: str

    @property
    def name(self) -> str:
        return f"{self.stem}_v{self.n:03d}"

    def apply(self, text: str) -> str:
        kec, kab, nomor, pattern = _SAMPLE_NAMES[self.stem]
        pairs = [
            (kec, self.kecamatan),
            (kec.upper(), self.kecamatan.upper()),
            (kec.lower(), self.kecamatan.lower()),
            (kab, self.kabupaten),
            (kab.upper(), self.kabupaten.upper()),
        ]
        for old, new in pairs:
            text = text.replace(old, new)
        new_nomor = pattern.format(n=100 + self.n)
        text = text.replace(nomor, new_nomor)
        spaced = lambda s: s.replace("/", " / ")  # noqa: E731 - "050 / 017 / KEC-MKS" in OCR text
        return text.replace(spaced(nomor).strip(), spaced(new_nomor).strip())


def variants(count: int, stems: tuple[str, ...] = tuple(_SAMPLE_NAMES)) -> list[Variant]:
    """``count`` variants cycling over the samples, each with its own kecamatan and nomor."""
    names = (p + s for p, s in itertools.product(_PREFIXES, _SUFFIXES))
    out = []
    for n, kec in zip(range(count), names, strict=False):
        stem = stems[n % len(stems)]
        out.append(Variant(stem, n, kec, _KABUPATEN[n % len(_KABUPATEN)]))
    if len(out) < count:
        raise ValueError(f"at most {len(_PREFIXES) * len(_SUFFIXES)} variants")
    return out


def variant_text(v: Variant) -> str:
    return v.apply((SAMPLES / f"{v.stem}.txt").read_text(encoding="utf-8"))


def variant_gold(v: Variant) -> list[dict]:
    text = (SAMPLES / f"{v.stem}.gold.json").read_text(encoding="utf-8")
    return json.loads(v.apply(text))


def write_text_variant(v: Variant, folder: Path) -> Path:
    path = Path(folder) / f"{v.name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(variant_text(v), encoding="utf-8")
    return path


def write_pdf_variant(v: Variant, folder: Path, layout: str = "a4-portrait") -> Path:
    from ..synth import render_decree_pdf

    path = Path(folder) / f"{v.name}.pdf"
    render_decree_pdf(variant_gold(v), path, variant=layout, seed=v.n)
    return path


def expected_keys(v: Variant) -> set[tuple[str, str, str]]:
    """``(nomor, kecamatan, kind)`` of the variant's decrees, as the gold has them."""
    return {(d["header"]["nomor"], d["header"]["kecamatan"], d["kind"]) for d in variant_gold(v)}
