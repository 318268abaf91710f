"""Noise is not content: what a scan adds that no decree holds.

* :func:`drop_noise_words`: words that are only symbols read with low
  confidence (a speck read as ``"``, ``'``, ``~``, ``—``) go, and quote marks
  glued to a low-confidence word (``"KEPUTUSAN``) come off;
* :func:`fix_label_line`: a decree label whose colon was read as another mark
  (``NOMOR - 900/…``, ``NOMOR ; …``) gets its colon back, so the layout stage
  sees the label;
* :func:`is_noise_line`: a line of nothing but specks, stray digits or
  symbols (a page-number fragment, a stamp's ring read as ``O``) is dropped;
* :func:`fix_cell_lines`: in a table cell, a speck read as ``.``/``:``/``;`` after
  a word and before a lower-case word (also across the cell's line breaks:
  ``program.`` / ``atau``), and the marks of an enumeration (``2..dokumen``,
  ``pegawai.4.``, ``3: fasilitasi`` beside ``1.``/``2.``) are put right.
"""

from __future__ import annotations

import re
from typing import Any

from .ocr_correct import split_joined_line
from .ocr_lexicon import DocLexicon, is_dictionary_word, is_known

NOISE_CONF = 0.5  # symbol-only words below this confidence are specks
SCRIBBLE_CONF = 0.3  # a line this weak with at most three letters is a mark, not text
QUOTE_CONF = 0.6  # quotes glued to a word below this confidence come off
KEEP_SYMBOLS = frozenset("-:/()%∑&+=,.;x×*<>")  # symbols a decree line does hold
_QUOTES = "\"“”„‘’'`´"
_LABEL = re.compile(r"^(\W{0,2})(NOMOR|Nomor)\s*(?:[-–—;~=_]|\.(?!\d))\s*(?=\S)")
_NOISE_LINE = re.compile(r"^[\W\d_]{0,3}$|^[^\w]+$")


def _symbol_only(text: str) -> bool:
    return not any(ch.isalnum() for ch in text)


def drop_noise_words(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The words without low-confidence specks; glued quotes removed (see module doc)."""
    out: list[dict[str, Any]] = []
    for w in words:
        t = w["text"]
        if _symbol_only(t) and w["conf"] < NOISE_CONF and not set(t) <= KEEP_SYMBOLS:
            continue
        if w["conf"] < QUOTE_CONF and not _symbol_only(t):
            stripped = t.strip(_QUOTES)
            if stripped and stripped != t:
                w = {**w, "text": stripped}
        glued = split_glued(w["text"])
        if glued != w["text"]:
            w = {**w, "text": glued}
        out.append(w)
    return out


_GLUED = re.compile(r"^([A-Za-z]{3,})[.\-]([a-z]{3,})([,.;:]?)$")
_MIDLINE_STOP = re.compile(r"(?<=[a-z]{3})\. (?=[a-z])")


def _shares_stem(a: str, b: str, n: int = 4) -> bool:
    a, b = a.lower(), b.lower()
    return any(a[i : i + n] in b for i in range(len(a) - n + 1))


def split_glued(text: str) -> str:
    """``jumlah.kegiatan`` / ``pengelolaan-apbdes``: a speck read as a mark between two
    words becomes a space (not ``tugas-tugas``, ``sehari-hari``, an e-mail or a URL)."""
    m = _GLUED.match(text)
    if not m or "@" in text or _shares_stem(m.group(1), m.group(2)):
        return text
    return f"{m.group(1)} {m.group(2)}{m.group(3)}"


def fix_cell_line(text: str) -> str:
    """A full stop in mid-line before a lower-case word is a speck in a table cell."""
    return _MIDLINE_STOP.sub(" ", text)


def fix_label_line(text: str) -> str:
    """``NOMOR - 900/…`` → ``NOMOR : 900/…`` (a label's colon misread)."""
    return _LABEL.sub(lambda m: f"{m.group(1)}{m.group(2)} : ", text, count=1)


def is_noise_line(text: str, conf: float | None) -> bool:
    """A short line of symbols or stray digits read with low confidence."""
    t = text.strip()
    if not t:
        return True
    if conf is not None and conf >= NOISE_CONF:
        return False
    if bool(_NOISE_LINE.match(t)):
        return True
    # two or three letters read with very low confidence: a stamp's ring, a scribble
    return conf is not None and conf < SCRIBBLE_CONF and sum(ch.isalnum() for ch in t) <= 3


# a mark between two words of one cell that no decree cell holds: "lingkup: kecamatan"
_MID_COLON = re.compile(r"(?<=[A-Za-z]{2})\s?[:;](?=\s+[A-Za-z(])")
_DASH_COLON = re.compile(r"(?<=\w)(\s?)-\s?[:;]\s+(?=[a-z])")  # "sekurang-: kurangnya", "perangkat -: daerah"
_COLON_SLASH = re.compile(r"(?<=[a-z])[:;](?=/)")  # "dilaksanakan:/jumlah"
# a full stop after a word of the language (not an abbreviation: "Kab.", "Kasubag.")
_MID_STOP = re.compile(r"(?<![\w.])([A-Za-z]{4,})\.(?=\s+[A-Za-z])")
_END_STOP = re.compile(r"(?<![\w.])([A-Za-z]{4,})[.:;]$")
_ITEM = re.compile(r"(?<![\d.,])\d{1,2}[.:;](?!\d)")
_ITEM_COLON = re.compile(r"(?<![\d.])(\d{1,2})[:;](?=\s+[A-Za-z])")  # "3: fasilitasi"
_ITEM_DOTS = re.compile(r"(?<![\d.])(\d{1,2})\.\s?[.,:;]+\s*(?=[A-Za-z])")  # "2..dokumen", "2. .laporan"
_ITEM_GLUED = re.compile(r"(?<=[a-z]{2})(?:[.,\-]|(?=\d))(\d{1,2}\.)(?=\s)")  # "pegawai.4.", "spj2."


# outside tables: a stop after a word of the language before a lower-case word
# ("Individu. pada"), not before a list letter ("berikut. a.") or an abbreviation
_LINE_STOP = re.compile(r"(?<![\w.])([A-Za-z]{4,})\.(?=\s+[a-z]{2,}\b(?![.)]))")


def fix_free_line(text: str) -> str:
    """A text line outside the tables with a speck read as a full stop put right."""
    return _LINE_STOP.sub(lambda m: m.group(1) if is_known(m.group(1)) else m.group(0), text)


def _speck_stop(m: re.Match[str]) -> str:
    return m.group(1) if is_dictionary_word(m.group(1)) else m.group(0)


def fix_cell_lines(lines: list[str], lex: DocLexicon | None = None) -> list[str]:
    """The lines of one table cell with specks read as marks put right (module doc);
    words OCR glued to a short word are split (:func:`.ocr_correct.split_joined`)."""
    out = []
    for i, ln in enumerate(lines):
        ln = _DASH_COLON.sub(lambda m: "-" if not m.group(1) else " ", ln)
        ln = _MID_COLON.sub("", _COLON_SLASH.sub("", ln))
        ln = _MID_STOP.sub(_speck_stop, ln)
        nxt = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        if nxt[:1].isalpha():
            ln = _END_STOP.sub(lambda m: m.group(1) if nxt[:1].islower() else _speck_stop(m), ln)
        out.append(split_joined_line(ln, lex))
    if sum(1 for _ in _ITEM.finditer(" ".join(out))) >= 2:
        out = [_ITEM_GLUED.sub(r" \1", _ITEM_DOTS.sub(r"\1. ", _ITEM_COLON.sub(r"\1.", ln))) for ln in out]
    return out
