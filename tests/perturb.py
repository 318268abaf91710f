"""Truth-preserving perturbations of the seed texts (the robustness suite).

Each kind rewrites a seed's text the way another typist, word processor or
OCR tool would, without changing what the decree says; the gold is kept, or
changed only where the perturbation changes the truth on purpose (a single
unlettered menimbang keeps the first item only).  ``KINDS`` maps a kind's
name to ``f(text, gold) -> (text, gold)``.  Used by tests/test_perturbations.py.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

Gold = list[dict]
Perturbation = Callable[[str, Gold], tuple[str, Gold]]

_BULLET = r"(?P<b>^[ \t]*(?:-\s+)?)"
_SECTION_LABELS = ["Menimbang", "Mengingat", "Memperhatikan", "Menetapkan"]
_ORDINALS = ["KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN",
             "KESEMBILAN", "KESEPULUH", "PERTAMA"]
_LABEL_RE = re.compile(
    _BULLET + r"(?P<label>" + "|".join(_SECTION_LABELS + _ORDINALS) + r")\b(?P<sp>[ \t]*)(?P<colon>:?)",
    re.I | re.M,
)
_TITLE_RE = re.compile(r"^(?P<t>(?:\*\*)?KEPUTUSAN(?: CAMAT [A-Z .]+)?)\s*$", re.M)
_NOMOR_RE = re.compile(r"^(?P<l>NOMOR|Nomor)\s*:\s*", re.M)


def _text_only(f: Callable[[str], str]) -> Perturbation:
    return lambda text, gold: (f(text), gold)


def _sub_labels(text: str, fn: Callable[[re.Match[str]], str]) -> str:
    return _LABEL_RE.sub(fn, text)


# ------------------------------------------------------------------ casing


def title_case_title(text: str) -> str:
    """"KEPUTUSAN CAMAT PALARAN" → "Keputusan Camat Palaran" (title and issuer lines)."""
    def fix(m: re.Match[str]) -> str:
        return m.group("t").replace("**", "").title()

    text = _TITLE_RE.sub(fix, text)
    return re.sub(r"^TENTANG\s*$", "Tentang", text, flags=re.M)


def labels_upper(text: str) -> str:
    """Menimbang → MENIMBANG, Kedua → KEDUA."""
    return _sub_labels(text, lambda m: m.group("b") + m.group("label").upper() + m.group("sp") + m.group("colon"))


def labels_capitalised(text: str) -> str:
    """KESATU → Kesatu, MEMUTUSKAN → Memutuskan, Menimbang stays."""
    text = _sub_labels(
        text, lambda m: m.group("b") + m.group("label").capitalize() + m.group("sp") + m.group("colon")
    )
    return re.sub(r"^MEMUTUSKAN", "Memutuskan", text, flags=re.M)


# ------------------------------------------------------------------ colons


def nomor_no_colon(text: str) -> str:
    """"NOMOR : 000/0010/400.02" → "NOMOR 000/0010/400.02"."""
    return _NOMOR_RE.sub(lambda m: m.group("l") + " ", text)


def labels_no_colon(text: str) -> str:
    """"Menimbang : a." → "Menimbang a.", "KESATU : x" → "KESATU x", "Ditetapkan di : X" → "Ditetapkan di X"."""
    text = _sub_labels(text, lambda m: m.group("b") + m.group("label") + " ")
    text = re.sub(r"^(Ditetapkan di|Pada tanggal)\s*:\s*", r"\1 ", text, flags=re.M | re.I)
    return re.sub(r"^(MEMUTUSKAN)\s*:", r"\1", text, flags=re.M)


def diktum_period(text: str) -> str:
    """"KESATU : text" → "KESATU. text"."""
    ords = "|".join(_ORDINALS)
    return re.sub(rf"^(?P<b>[ \t]*(?:-\s+)?)(?P<l>{ords})\s*:", r"\g<b>\g<l>.", text, flags=re.M | re.I)


# ------------------------------------------------------------------ label layout


def spaced_labels(text: str) -> str:
    """"Menimbang" → "M e n i m b a n g" (letter-spaced headings), also MEMUTUSKAN."""
    def space(m: re.Match[str]) -> str:
        label = m.group("label")
        if label.upper() in _ORDINALS:
            return m.group(0)
        return m.group("b") + " ".join(label) + m.group("sp") + m.group("colon")

    text = _sub_labels(text, space)
    return re.sub(r"^MEMUTUSKAN", "M E M U T U S K A N", text, flags=re.M)


def label_alone(text: str) -> str:
    """"Menimbang : a. bahwa ..." → "Menimbang :" on its own line, the item below."""
    def alone(m: re.Match[str]) -> str:
        return m.group("b") + m.group("label") + " :\n"

    pat = re.compile(_LABEL_RE.pattern + r"[ \t]*(?=\S)", re.I | re.M)
    return pat.sub(alone, text)


def labels_in_table(text: str) -> str:
    """The menimbang / mengingat block as a borderless table: label | ":" | item."""
    out: list[str] = []
    inside = False
    for line in text.split("\n"):
        m = re.match(r"^[ \t]*(?:-\s+)?(Menimbang|Mengingat)\s*:\s*(.*)$", line, re.I)
        if m:
            inside = True
            out.append(f"{m.group(1)}\t:\t{m.group(2)}")
            continue
        if inside and re.match(r"^[ \t]*(?:-\s+)?(MEMUTUSKAN|Memperhatikan)", line, re.I):
            inside = False
        if inside and line.strip():
            out.append("\t\t" + re.sub(r"^[ \t]*(?:-\s+)?", "", line))
            continue
        out.append(line)
    return "\n".join(out)


def no_markdown(text: str) -> str:
    """Markdown list dashes and bold marks removed (a plain OCR dump)."""
    text = text.replace("**", "")
    return re.sub(r"^[ \t]*-\s+", "", text, flags=re.M)


# ------------------------------------------------------------------ page furniture


def page_furniture(text: str) -> str:
    """Page numbers and a running footer at paragraph breaks, about every 40 lines."""
    lines = text.split("\n")
    out: list[str] = []
    since, page = 0, 1
    for line in lines:
        out.append(line)
        since += 1
        if since >= 40 and not line.strip():
            page += 1
            out += ["", f"Halaman {page - 1} dari 30", "", f"- {page} -", ""]
            since = 0
    return "\n".join(out)


def page_header(text: str) -> str:
    """A running header on every Lampiran page ("Lampiran Keputusan Camat ... /
    Nomor : ..."), set at paragraph breaks about every 40 lines after the first
    JABATAN label."""
    m = re.search(r"^(?:\*\*)?(?:NOMOR|Nomor)\s*:?\s*(\S+)", text, flags=re.M)
    start = re.search(r"^[ \t]*(?:-\s+)?(?:\d\.\s*)?JABATAN\b", text, flags=re.M | re.I)
    if m is None or start is None:
        return text
    head = ["", "Lampiran Keputusan Camat", f"Nomor : {m.group(1)}", ""]
    lines = text[start.start() :].split("\n")
    out: list[str] = []
    since = 0
    for line in lines:
        out.append(line)
        since += 1
        if since >= 40 and not line.strip():
            out += head
            since = 0
    return text[: start.start()] + "\n".join(out)


def kop_address_nomor(text: str) -> str:
    """A letterhead address with "Nomor" and "No." just above the first title."""
    addr = (
        "Jalan Merdeka Nomor 48 Kode Pos 78763 Telp. (0567) 21045\n"
        "Gedung Serbaguna No. 12 RT 03 RW 01 E-mail: kecamatan@example.go.id\n\n"
    )
    m = re.search(r"^(?:\*\*)?KEPUTUSAN\b", text, flags=re.M)
    return text if m is None else text[: m.start()] + addr + text[m.start() :]


def nomor_placeholder(text: str, gold: Gold) -> tuple[str, Gold]:
    """An unnumbered draft ("NOMOR : ........") under a kop whose address has a
    "Nomor": the nomor must come out empty, never the street number."""
    text = re.sub(r"^((?:NOMOR|Nomor)\s*:?)[ \t]*\S.*$", r"\1 ........", text, flags=re.M)
    text = re.sub(r"^(KEPUTUSAN [A-Z ]+ (?:NOMOR|Nomor)\s*:?)[ \t]*\S.*$", r"\1 ........", text, flags=re.M)
    new_gold = copy.deepcopy(gold)
    for d in new_gold:
        d["header"]["nomor"] = None
    return kop_address_nomor(text), new_gold


def bound_twice(text: str) -> str:
    """The whole decree bound twice in one file (a signed copy after the draft):
    one decree in the gold, the bindings merged by their nomor."""
    return text + "\n\n" + text


def bound_twice_unnumbered(text: str, gold: Gold) -> tuple[str, Gold]:
    """An unnumbered draft bound twice: no nomor to merge the bindings by, so
    they merge on their subject and date (and decrees of different subjects
    in one file stay apart)."""
    once, new_gold = nomor_placeholder(text, gold)
    return once + "\n\n" + once, new_gold


def crlf_and_spaces(text: str) -> str:
    """CRLF line ends, trailing blanks and doubled blank lines."""
    text = re.sub(r"\n\n", "\n\n\n", text)
    return "\r\n".join(line + "  " if line.strip() else line for line in text.split("\n"))


# ------------------------------------------------------------------ title


def split_title(text: str) -> str:
    """"KEPUTUSAN CAMAT PALARAN KOTA SAMARINDA" → three lines; an already split
    title gets its TENTANG subject broken after every four words instead."""
    new, n = re.subn(
        r"^KEPUTUSAN (CAMAT [A-Z]+) ((?:KOTA|KABUPATEN) [A-Z]+)\s*$", r"KEPUTUSAN\n\1\n\2", text, flags=re.M
    )
    if n:
        return new

    def brk(m: re.Match[str]) -> str:
        words = m.group(2).split()
        return m.group(1) + "\n".join(" ".join(words[i : i + 4]) for i in range(0, len(words), 4))

    return re.sub(r"^(TENTANG\n)([A-Z][A-Z ]{20,})$", brk, text, count=1, flags=re.M)


def joined_title(text: str) -> str:
    """KEPUTUSAN / CAMAT X / NOMOR : n on separate lines run into one line."""
    return re.sub(
        r"^KEPUTUSAN\n+(CAMAT [A-Z ]+)\n+(NOMOR\s*:?.*)$", r"KEPUTUSAN \1 \2", text, count=1, flags=re.M
    )


# ------------------------------------------------------------------ sections


def single_menimbang(text: str, gold: Gold) -> tuple[str, Gold]:
    """One menimbang item, without a letter ("Menimbang : bahwa ..."); gold keeps the first item."""
    lines = text.split("\n")
    out: list[str] = []
    state = None  # None | "first" | "drop"
    for line in lines:
        if re.match(r"^[ \t]*(?:-\s+)?Menimbang\b", line, re.I) and state is None:
            state = "first"
            out.append(re.sub(r"(Menimbang\s*:\s*)[a-z]\.\s*", r"\1", line, flags=re.I))
            continue
        if state is not None and re.match(
            r"^[ \t]*(?:-\s+)?(?:Mengingat|Menimbang\s*:\s*\d)", line, re.I
        ):
            state = None
            out.append(line)
            continue
        if state == "first" and re.match(r"^[ \t]*(?:-\s+)?a\.\s+", line):
            out.append(re.sub(r"^([ \t]*(?:-\s+)?)a\.\s+", r"\1", line))
            continue
        if state in ("first", "drop") and re.match(r"^[ \t]*(?:-\s+)?[b-h]\.\s", line):
            state = "drop"
            continue
        if state == "drop":
            if line.strip():
                continue
        out.append(line)
    new_gold = copy.deepcopy(gold)
    for d in new_gold:
        d["menimbang"] = d.get("menimbang", [])[:1]
    return "\n".join(out), new_gold


def tembusan_leadin(text: str) -> str:
    """"Tembusan :" followed by a lead-in sentence before the list."""
    return re.sub(
        r"^(Tembusan\s*:?)\s*$", r"\1 Keputusan ini disampaikan kepada Yth.", text, flags=re.M | re.I
    )


def numeric_date(text: str) -> str:
    """"Pada tanggal 16 Januari 2020" → "Pada tanggal 16-01-2020"."""
    months = {m: i for i, m in enumerate(
        "januari februari maret april mei juni juli agustus september oktober november desember".split(), 1)}

    def num(m: re.Match[str]) -> str:
        mo = months.get(m.group(3).lower())
        return m.group(0) if mo is None else f"{m.group(1)}{int(m.group(2)):02d}-{mo:02d}-{m.group(4)}"

    return re.sub(r"^(Pada tanggal\s*:?\s*)(\d{1,2}) ([A-Za-z]+) (\d{4})", num, text, flags=re.M | re.I)


# ------------------------------------------------------------------ tables

_HEAD_WORDS = re.compile(r"INDIKATOR", re.I)


def _table_header(line: str) -> bool:
    cells = line.split("\t")
    return len(cells) >= 4 and bool(_HEAD_WORDS.search(line)) and bool(re.search(r"SUMBER", line, re.I))


def _map_tables(text: str, fn: Callable[[list[str], bool, list[str]], list[str]]) -> str:
    """Apply ``fn(cells, is_header, header_cells)`` to every line of each indicator table."""
    out: list[str] = []
    header: list[str] | None = None
    for line in text.split("\n"):
        if _table_header(line):
            header = line.split("\t")
            out.append("\t".join(fn(header, True, header)))
            continue
        if header is not None and "\t" in line:
            out.append("\t".join(fn(line.split("\t"), False, header)))
            continue
        if header is not None and line.strip() and "\t" not in line:
            header = None
        out.append(line)
    return "\n".join(out)


def _col(header: list[str], word: str) -> int | None:
    return next((i for i, c in enumerate(header) if re.search(word, c, re.I)), None)


_NUM_CELL = re.compile(r"\(?\d{1,2}\)?\.?")
_SEP_CELL = re.compile(r":?-{3,}:?")


def _row_kind(cells: list[str]) -> str:
    """"sep" (a markdown rule), "num" (column numbers, maybe a text in the first
    cell) or "data"."""
    filled = [c.strip() for c in cells if c.strip()]
    if filled and all(_SEP_CELL.fullmatch(c) for c in filled):
        return "sep"
    nums = [c for c in filled if _NUM_CELL.fullmatch(c)]
    if len(nums) >= 2 and len(nums) >= len(filled) - 1:
        return "num"
    return "data"


def _bump(cell: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), cell, count=1)


def extra_column_target(text: str) -> str:
    """A TARGET column at the right of each indicator table.  A short row (its
    first columns spanned from the row above) stays right-aligned: the target is
    appended, never padded in front of; the column-number row gets its number."""
    def add(cells: list[str], is_header: bool, header: list[str]) -> list[str]:
        if is_header:
            return cells + ["TARGET"]
        kind = _row_kind(cells)
        if kind == "sep":
            return cells + ["---"]
        if kind == "num":
            last = next(c for c in reversed(cells) if _NUM_CELL.fullmatch(c.strip()))
            return cells + [_bump(last.strip())]
        return cells + ["100%"]

    return _map_tables(text, add)


def extra_column_satuan(text: str) -> str:
    """A SATUAN column right after INDIKATOR (column numbers shift by one).  A
    short row (its leading cells spanned from the row above) is right-aligned
    under the header, so its INDIKATOR sits that many cells further left."""
    def add(cells: list[str], is_header: bool, header: list[str]) -> list[str]:
        j = _col(header, "INDIKATOR")
        if j is not None and not is_header and len(cells) < len(header):
            j -= len(header) - len(cells)
        if j is None or j < 0 or len(cells) <= j:
            return cells
        if is_header:
            return cells[: j + 1] + ["SATUAN"] + cells[j + 1 :]
        kind = _row_kind(cells)
        if kind == "sep":
            return cells[: j + 1] + ["---"] + cells[j + 1 :]
        if kind == "num":
            return cells[: j + 1] + [_bump(cells[j].strip() or "0")] + [_bump(c) for c in cells[j + 1 :]]
        if len(cells) < len(header) and j + 2 < len(cells) and not cells[j + 1].strip()[:1].isupper():
            j += 1  # a short row's INDIKATOR split over two cells by the OCR: SATUAN comes after both
        return cells[: j + 1] + ["Persen" if cells[j].strip() else ""] + cells[j + 1 :]

    return _map_tables(text, add)


_WORDINGS = [
    (r"^(?:NO|No)$", "No."),
    (r"SASARAN|KINERJA UTAMA|^KINERJA$|Sasaran", "Sasaran Strategis"),
    (r"INDIKATOR|Indikator", "Indikator Kinerja"),
    (r"FORMUL|Formul", "Cara Perhitungan"),
    (r"SUMBER|Sumber", "Sumber Data / Data Dukung"),
]


def header_wordings(text: str) -> str:
    """Other wordings for each column header ("Sasaran Strategis", "Cara Perhitungan", ...)."""
    def rename(cells: list[str], is_header: bool, header: list[str]) -> list[str]:
        if not is_header:
            return cells
        out = []
        used: set[str] = set()
        for c in cells:
            new = c
            for pat, word in _WORDINGS:
                if word not in used and re.search(pat, c.strip()):
                    new = word
                    used.add(word)
                    break
            out.append(new)
        return out

    return _map_tables(text, rename)


# ------------------------------------------------------------------ met in held-out decrees


def spaced_title(text: str) -> str:
    """"KEPUTUSAN CAMAT PALARAN" → "K E P U T U S A N   C A M A T   P A L A R A N"
    (letter-spaced title, three spaces between words; tests/data/heldout)."""
    def spaced(m: re.Match[str]) -> str:
        words = m.group("t").replace("**", "").split()
        return "   ".join(" ".join(w) for w in words)

    return _TITLE_RE.sub(spaced, text)


_JABATAN_LINE = re.compile(r"^[ \t]*(?:-\s+)?(?:\d+\.\s*)?JABATAN\s*:\s*(?P<t>.+?)\s*$", re.I | re.M)


def heading_jabatan(text: str) -> str:
    """"1. Jabatan : Kasi Pemerintahan" → "A. Kasi Pemerintahan": blocks opened by a
    lettered heading, no JABATAN label (tests/data/heldout)."""
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 4)
    return _JABATAN_LINE.sub(lambda m: f"{next(letters)}. {m.group('t')}", text)


def ttd_signature(text: str) -> str:
    """"ttd" on its own line where the signature stood, above the signer's name."""
    return re.sub(
        r"^(?P<t>[ \t]*(?:\*\*)?(?:Plt\.?\s*|a\.n\.?\s*)?CAMAT [A-Z .]+,?(?:\*\*)?[ \t]*)$",
        lambda m: m.group("t") + "\n\nttd\n",
        text,
        count=1,
        flags=re.M,
    )


_FIELD_LABEL = re.compile(r"^(?P<i>[ \t]*)(?P<n>\d{1,2})\.(?P<sp>\s*)(?P<l>(?:TUGAS|FUNGSI)\b)", re.I | re.M)


def ocr_marker_specks(text: str) -> str:
    """The item markers of the TUGAS / FUNGSI labels as OCR leaves them on a grainy
    scan: the dot read as a comma ("2, Tugas :"), a speck before it (". 3. Fungsi"),
    and specks around the JABATAN value ("1. JABATAN : - KASI X .")."""
    text = _FIELD_LABEL.sub(
        lambda m: f"{m.group('i')}{m.group('n')},{m.group('sp')}{m.group('l')}"
        if m.group("l").lower() == "tugas"
        else f"{m.group('i')}. {m.group('n')}.{m.group('sp')}{m.group('l')}",
        text,
    )
    return re.sub(
        r"^(?P<h>[ \t]*(?:\d+\.\s*)?(?:NAMA\s+)?JABATAN\s*:\s*)(?P<t>\S.*?)\s*$",
        lambda m: f"{m.group('h')}- {m.group('t')} .",
        text,
        flags=re.M | re.I,
    )


def glued_penetapan_labels(text: str) -> str:
    """"Ditetapkan di" → "Ditetapkandi", "Pada tanggal" → "Padatanggal": OCR drops the
    narrow space of a label (a heavy corpus scan)."""
    text = re.sub(r"(?im)^(\W*Ditetapkan)\s+(di\b)", r"\1\2", text)
    return re.sub(r"(?im)^(\W*pada)\s+(tanggal\b)", r"\1\2", text)


_CELL_MARK = re.compile(r"(?:(?<=\s)|^)(\d{1,2})\. (?=[A-Za-z])")


def ocr_list_marks(text: str) -> str:
    """A numbered list inside a table cell as OCR leaves it: in each cell with two
    marks or more, the last mark read with a comma ("2, Data DTKS") and, in every
    other such cell, the first run on ("1.Aplikasi")."""
    n = 0

    def cell(c: str) -> str:
        nonlocal n
        marks = list(_CELL_MARK.finditer(c))
        nums = [int(m.group(1)) for m in marks]
        if len(marks) < 2 or nums != list(range(1, len(marks) + 1)):
            return c
        n += 1
        last = marks[-1]
        c = c[: last.start()] + f"{last.group(1)}, " + c[last.end() :]
        first = marks[0]
        if n % 2 == 0 and first.start() == 0:
            c = c[: first.start()] + "1." + c[first.end() :]
        return c

    return _map_tables(text, lambda cells, head, _h: cells if head else [cell(c) for c in cells])


KINDS: dict[str, Perturbation] = {
    "title_case": _text_only(title_case_title),
    "labels_upper": _text_only(labels_upper),
    "labels_capitalised": _text_only(labels_capitalised),
    "nomor_no_colon": _text_only(nomor_no_colon),
    "labels_no_colon": _text_only(labels_no_colon),
    "diktum_period": _text_only(diktum_period),
    "spaced_labels": _text_only(spaced_labels),
    "label_alone": _text_only(label_alone),
    "labels_in_table": _text_only(labels_in_table),
    "no_markdown": _text_only(no_markdown),
    "page_furniture": _text_only(page_furniture),
    "page_header": _text_only(page_header),
    "kop_address_nomor": _text_only(kop_address_nomor),
    "nomor_placeholder": nomor_placeholder,
    "bound_twice": _text_only(bound_twice),
    "bound_twice_unnumbered": bound_twice_unnumbered,
    "crlf_and_spaces": _text_only(crlf_and_spaces),
    "split_title": _text_only(split_title),
    "joined_title": _text_only(joined_title),
    "single_menimbang": single_menimbang,
    "tembusan_leadin": _text_only(tembusan_leadin),
    "numeric_date": _text_only(numeric_date),
    "extra_column_target": _text_only(extra_column_target),
    "extra_column_satuan": _text_only(extra_column_satuan),
    "header_wordings": _text_only(header_wordings),
    "spaced_title": _text_only(spaced_title),
    "heading_jabatan": _text_only(heading_jabatan),
    "ttd_signature": _text_only(ttd_signature),
    "ocr_marker_specks": _text_only(ocr_marker_specks),
    "glued_penetapan_labels": _text_only(glued_penetapan_labels),
    "ocr_list_marks": _text_only(ocr_list_marks),
}
