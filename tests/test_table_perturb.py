"""Truth-preserving perturbations of the seeds' indicator tables.

Each kind rewrites every indicator table of a seed text the way other decrees
set the same content (an extra TARGET or SATUAN column the output does not
hold, other header wordings for every column, a merged SASARAN written out
on every row it covers) and checks that the rows still come out as the gold has
them (METRICS.md row F1, jabatan F1).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import extract_text

from iki_extract.eval import evaluate, load_gold_dir

# the seeds whose tables are one regular grid (4 columns, or 5 with NO)
SEEDS = ("000_c8d51b738327ab4e", "003_7df234cb4d18fb5f")

Row = list[str]


def _tables(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the indicator tables: a header with SUMBER
    and the tab-separated lines of the same width below it."""
    out = []
    i = 0
    while i < len(lines):
        if "\t" in lines[i] and "SUMBER" in lines[i].upper():
            width = lines[i].count("\t")
            j = i + 1
            while j < len(lines) and (lines[j].count("\t") == width or not lines[j].strip()):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


def _rewrite(text: str, header: Callable[[Row], Row], row: Callable[[Row, Row], Row]) -> str:
    lines = text.split("\n")
    for start, end in _tables(lines):
        head = lines[start].split("\t")
        new_head = header(head)
        lines[start] = "\t".join(new_head)
        for k in range(start + 1, end):
            cells = lines[k].split("\t")
            if all(_NUMBER.match(c.strip()) for c in cells):
                # a column-numbering row "(1) (2) ...": numbered anew
                paren = cells[0].strip().startswith("(")
                lines[k] = "\t".join(
                    f"({n})" if paren else str(n) for n in range(1, len(new_head) + 1)
                )
            elif lines[k].strip():
                lines[k] = "\t".join(row(cells, head))
    return "\n".join(lines)


def _col(head: Row, *words: str) -> int:
    return next(i for i, h in enumerate(head) if any(w in h.upper() for w in words))


def extra_target(text: str) -> str:
    def ins(cells: Row, head: Row, value: str) -> Row:
        k = _col(head, "INDIKATOR") + 1
        return [*cells[:k], value, *cells[k:]]

    return _rewrite(text, lambda h: ins(h, h, "TARGET"), lambda r, h: ins(r, h, "100"))


def extra_satuan_last(text: str) -> str:
    return _rewrite(text, lambda h: [*h, "SATUAN"], lambda r, h: [*r, "Dokumen"])


def _wording(names: dict[str, str]) -> Callable[[str], str]:
    def rewrite(text: str) -> str:
        def header(head: Row) -> Row:
            out = []
            for h in head:
                u = h.upper()
                key = next((k for k in names if k in u), None)
                out.append(names[key] if key else h)
            return out

        return _rewrite(text, header, lambda r, h: r)

    return rewrite


title_case_wordings = _wording(
    {
        "INDIKATOR": "Indikator Kinerja Individu",
        "FORMUL": "Formulasi Perhitungan",
        "SUMBER": "Sumber Data",
        "KINERJA": "Sasaran Kinerja",
        "SASARAN": "Sasaran Kinerja",
    }
)
other_wordings = _wording(
    {
        "INDIKATOR": "UKURAN KEBERHASILAN",
        "FORMUL": "CARA PERHITUNGAN",
        "SUMBER": "DATA DUKUNG",
        "KINERJA": "SASARAN STRATEGIS",
        "SASARAN": "SASARAN STRATEGIS",
    }
)

# wordings joined with "/" (each part names the same column), as other decrees set them
slash_wordings = _wording(
    {
        "INDIKATOR": "INDIKATOR/ KINERJA",
        "FORMUL": "PENJELASAN/ FORMULASI",
        "SUMBER": "SUMBER/ DATA",
        "KINERJA": "SASARAN/ KINERJA",
        "SASARAN": "SASARAN/ KINERJA",
    }
)


def sasaran_on_every_row(text: str) -> str:
    """A merged SASARAN written out again on every row it covers."""
    lines = text.split("\n")
    for start, end in _tables(lines):
        head = lines[start].split("\t")
        k = next(i for i, h in enumerate(head) if h.strip().upper() not in ("NO", "NO."))
        last = None
        for i in range(start + 1, end):
            cells = lines[i].split("\t")
            if not lines[i].strip() or all(_NUMBER.match(c.strip()) for c in cells):
                continue
            if cells[k].strip():
                last = cells[k]
            elif last and any(c.strip() for c in cells[k + 1 :]):
                cells[k] = last
                lines[i] = "\t".join(cells)
    return "\n".join(lines)


KINDS = {
    "extra_target": extra_target,
    "extra_satuan_last": extra_satuan_last,
    "title_case_wordings": title_case_wordings,
    "other_wordings": other_wordings,
    "slash_wordings": slash_wordings,
    "sasaran_on_every_row": sasaran_on_every_row,
}


@pytest.fixture(scope="module")
def gold(seeds_dir):
    return load_gold_dir(seeds_dir)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("seed", SEEDS)
def test_table_perturbation_keeps_rows(seeds_dir, gold, seed, kind):
    text = (seeds_dir / f"{seed}.txt").read_text(encoding="utf-8")
    changed = KINDS[kind](text)
    assert changed != text, f"{kind} changed nothing in {seed}"
    pred = [d.to_dict() for d in extract_text(changed, name=f"{seed}.txt")]
    s = evaluate({seed: gold[seed]}, {seed: pred}).pooled
    assert s.jabatan_f1 == pytest.approx(1.0), (kind, s.jabatan_f1)
    assert s.row_f1 >= 0.97, (kind, s.row_f1, s.row_correct, s.row_pred, s.row_gold)
