"""OCR post-correction of structural keywords (labels), never of body text.

Scanned decrees come back from OCR with slips in exactly the words the
layout stage navigates by: ``Menimbanq :``, ``MENGlNGAT``, ``KETlGA :``,
``JABATAN`` as ``JA8ATAN``.  :func:`correct_label` looks only at the first one
to three words of a line, and only where they stand as a label (followed by a
colon, a list marker, or alone on the line); when they are close (rapidfuzz)
to a keyword from ``models/keywords.yaml`` they are replaced by it.  The rest
of the line is returned untouched.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .. import rules
from ..model import Document, TextLine

_LEAD = re.compile(r"^(?P<lead>[\s\-–•❖*]*(?:\d{1,2}\s*[.)]\s*)?)(?P<rest>.*)$", re.S)
_WORD = re.compile(r"[A-Za-z0-9|!]{2,}")
# characters OCR confuses inside upper-case words
# a lower-case "l" inside a capitalised word is an "I" ("KETlGA", "MENGlNGAT")
_LOWER_L = str.maketrans({"l": "I"})
_CONFUSIONS = str.maketrans({"0": "O", "1": "I", "|": "I", "!": "I", "5": "S", "8": "B", "6": "G"})


def max_edits(n: int) -> int:
    """OCR slips tolerated in a keyword of ``n`` letters (after fixing confusions)."""
    return 0 if n < 6 else 1 if n < 9 else 2


@lru_cache(maxsize=1)
def keyword_list() -> tuple[str, ...]:
    kw = rules.keywords()
    words: list[str] = []
    for key in (
        "menimbang", "mengingat", "memperhatikan", "memutuskan", "menetapkan", "tembusan",
        "lampiran", "decree_title", "tentang_label", "jabatan_label", "tugas_label",
        "fungsi_label", "diktum_ordinals", "diktum_ordinals_alt", "pada_tanggal", "ditetapkan",
    ):
        words.extend(str(w) for w in kw[key])
    words.append("NOMOR")
    # longest first so that "NAMA JABATAN" beats "JABATAN"
    return tuple(sorted({w.upper() for w in words if len(w) >= 4}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _block_labels() -> frozenset[str]:
    kw = rules.keywords()
    return frozenset(
        str(w).upper() for key in ("jabatan_label", "tugas_label", "fungsi_label") for w in kw[key]
    )


def _best(candidate: str) -> tuple[str | None, int]:
    """The closest keyword and its edit distance (after fixing OCR confusions)."""
    cand = candidate.translate(_LOWER_L).upper().translate(_CONFUSIONS)
    best: tuple[str | None, int] = (None, 99)
    for kw in keyword_list():
        if abs(len(kw) - len(cand)) > 2 or kw[0] != cand[:1]:
            continue
        d = Levenshtein.distance(cand, kw)
        if d < best[1]:
            best = (kw, d)
    return best


# quote specks, or the dot left of a lost item number (". Jabatan : ...")
_JUNK_LEAD = re.compile(r"^(?:[\s“”\"'‘’`„«»]+|[.,]\s+)(?=\S)")
# a colon OCR read as "1", "l", "I", "|", "!", ";" or ".", standing alone after a label
_COLON_SLIP = re.compile(r"^\s*(?:[1lI|!i;](?![.)\w])|[1lI|!i;]?\s*:?\s*[.,;]*(?=\s*[-–•❖]))\s*")
_DOUBLED_MARKER = re.compile(r"^([A-Za-z])([A-Za-z])\.(?=\s)")


def clean_ocr_line(line: str) -> str:
    """Structural OCR slips at the start of a line, body text untouched.

    Leading quote specks go (``“4. Jabatan``), a doubled item letter is one
    letter (``Cc. bahwa`` → ``c. bahwa``), and a misread colon after a label is a
    colon again (``Fungsi 1 - ...`` → ``FUNGSI : - ...``, see :func:`correct_label`).
    """
    line = _JUNK_LEAD.sub("", line)
    m = _DOUBLED_MARKER.match(line)
    if m and m.group(1).lower() == m.group(2).lower():
        line = m.group(1).lower() + line[2:]
    return correct_label(line)


def _fix_colon(after: str) -> str:
    """The text after a label, with an OCR'd colon restored (``" 1 1. Undang"`` → ``" : 1. Undang"``)."""
    if re.match(r"^\s*:", after):
        out = re.sub(r"^\s*:\s*[.,;]*\s*", " : ", after, count=1)
    else:
        m = _COLON_SLIP.match(after)
        out = " : " + after[m.end() :] if m and m.group(0).strip() else after
    # a bullet with a speck after it ("-. Menyiapkan")
    return re.sub(r"^ : ([-–•])\s*[.,]\s*", r" : \1 ", out)


def correct_label(line: str) -> str:
    """``"Menimbanq : a. bahwa"`` → ``"MENIMBANG : a. bahwa"``; other lines unchanged."""
    m = _LEAD.match(line)
    if not m:
        return line
    lead, rest = m.group("lead"), m.group("rest")
    words = list(_WORD.finditer(rest))
    if not words or words[0].start() != 0:
        return line
    for n in (3, 2, 1):
        if len(words) < n:
            continue
        # the n words must be contiguous (single spaces) at the start
        span_end = words[n - 1].end()
        candidate = rest[:span_end]
        if not re.fullmatch(r"[A-Za-z0-9|!]+(?:\s[A-Za-z0-9|!]+)*", candidate):
            continue
        after = rest[span_end:]
        fixed_after = _fix_colon(after)
        kw_guess = _best(candidate)[0]
        if (
            fixed_after == after
            and not after.lstrip().startswith(":")
            and kw_guess in _block_labels()
            and candidate[:1].isupper()
        ):
            # a block label whose colon OCR lost: numbered ("3. Fungsi Penyusunan ..."),
            # or followed only by a speck where a "-" stood ("Fungsi NG")
            tail = after.strip()
            if tail and len(tail) <= 3 and not tail.isdigit():
                fixed_after = " : -"
            elif tail and re.search(r"\d", lead):
                fixed_after = " : " + tail
        stands_alone = (
            not after.strip()
            or fixed_after != after
            or re.match(r"^\s*[:;.]", after)
            or re.match(r"^\s+(?:[a-z]|\d{1,2})[.)]\s", after)
        )
        if not stands_alone:
            continue
        if not candidate[:1].isupper():
            continue
        upperish = sum(c.isupper() for c in candidate) > len(candidate) / 2
        kw, dist = _best(candidate if upperish else candidate.replace("l", "L"))
        if kw and dist <= max_edits(len(kw)):
            if candidate.upper() == kw and fixed_after == after:
                return line
            out = lead + (candidate if candidate.upper() == kw else kw) + fixed_after
            return out.rstrip() if not line.endswith(" ") else out
    return line


# page furniture that text inputs carry between pages ("-2-", "Halaman 1 dari 23", "---")
_TEXT_FURNITURE = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]|(?:halaman|hal\.|page)\s*:?\s*\d{1,4}(?:\s*(?:dari|of|/)\s*\d{1,4})?"
    r"|[-*_=]{3,})$",
    re.I,
)


def is_text_furniture(line: str) -> bool:
    """A page number or a horizontal rule standing alone on its line of a text input."""
    return bool(_TEXT_FURNITURE.match(line.strip()))


def clean_document(doc: Document) -> Document:
    """Text clean-up of what a reader produced (in place).

    Text pages lose the page numbers and rules set between their pages; OCR'd
    pages get the slips in their label words corrected (only the structural
    start of their lines, :func:`clean_ocr_line`); body text stays as read.
    """
    for page in doc.pages:
        if page.origin == "text":
            page.blocks = [
                b for b in page.blocks if not (isinstance(b, TextLine) and b.text and is_text_furniture(b.text))
            ]
            continue
        if page.origin != "ocr":
            continue
        for n, b in enumerate(page.blocks):
            if isinstance(b, TextLine) and b.text:
                fixed = clean_ocr_line(b.text)
                if fixed != b.text:
                    page.blocks[n] = replace(b, text=fixed)
    return doc
