"""Conservative correction of OCR words and of formula cells.

* :func:`correct_words`: a word read with LOW confidence that is not an
  Indonesian or project word (:mod:`.ocr_lexicon`) is replaced by the one
  known word within one edit (or one of Tesseract's usual confusions, ``rn`` ↔
  ``m``, ``li`` ↔ ``h`` …) — preferring words this document read with high
  confidence; ties, short words, numbers and confident words are left alone;
* :func:`fix_digits`: a token that is nearly all digits (NIP, nomor, dates)
  gets its look-alike letters back as digits (``O`` → ``0``, ``l`` → ``1`` …);
* :func:`fix_formula_lines`: in a cell holding a stacked fraction or an
  ``x 100%`` multiplier, a lone ``5``/``3``/``$``/``£``/``E``… where a sum sign
  stands (line start, after ``(``, an operator) becomes ``∑``, and a misread
  multiplier (``x 10076``, ``X 100Yb``) becomes ``x 100%``.
"""

from __future__ import annotations

import re
from typing import Any

from .ocr_lexicon import DocLexicon, is_known

LOW_CONF = 0.6  # only words read below this confidence are ever changed
MIN_LEN = 4
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("li", "h"), ("h", "li"), ("cl", "d"), ("d", "cl"),
    ("ii", "u"), ("u", "ii"), ("vv", "w"), ("w", "vv"), ("nn", "m"), ("in", "m"),
)  # fmt: skip
_CORE = re.compile(r"^([^\w]*)([A-Za-z]+)([^\w]*)$")

_DIGIT_LOOKS = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "i": "1",
                              "|": "1", "S": "5", "B": "8", "Z": "2", "g": "9"})  # fmt: skip
_DIGITISH = re.compile(r"^[0-9OoDIli|SBZg./-]{5,}$")

SIGMA_LOOKS = frozenset({"5", "3", "$", "£", "€", "E", "Z", "2", "S", "Σ", "%", "¥", "&"})
_SIGMA_GLUED = re.compile(r"(^|[(\s])([5$£€Σ¥])(?=[A-Za-z]{3,})")
_MULTIPLIER = re.compile(
    r"(?:(?<=\s)|^)(?:[xX×*«]\s*100(?:%|\s%|\d{1,2}|[^\w\s]{1,2}\w?|[a-zA-Z]{1,2})?"
    r"|100(?:\d{2}|[^\w\s]{1,2}\w?)(?=$))(?=\s|$)"
)


def _edits(w: str) -> set[str]:
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    for src, dst in _CONFUSIONS:
        i = w.find(src)
        while i >= 0:
            out.add(w[:i] + dst + w[i + len(src) :])
            i = w.find(src, i + 1)
    out.discard(w)
    return out


def _recase(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def correct_word(text: str, conf: float, lex: DocLexicon | None = None) -> str:
    """The corrected spelling of one low-confidence word (or ``text`` unchanged)."""
    if conf >= LOW_CONF:
        return text
    m = _CORE.match(text)
    if not m or len(m.group(2)) < MIN_LEN:
        return text
    pre, core, post = m.groups()
    extra = lex.words() if lex is not None else None
    if is_known(core, extra):
        return text
    low = core.lower()
    scored: dict[str, float] = {}
    for cand in _edits(low):
        in_doc = lex.counts.get(cand, 0) if lex is not None else 0
        if in_doc or is_known(cand):
            scored[cand] = in_doc + (0.5 if is_known(cand) else 0.0)
    if not scored:
        return text
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1]:
        return text  # two equally good spellings: leave the reading alone
    return pre + _recase(ranked[0][0], core) + post


def fix_digits(text: str) -> str:
    """Look-alike letters in a mostly-digit token (NIP, nomor, date) back to digits."""
    if not _DIGITISH.match(text):
        return text
    digits = sum(ch.isdigit() for ch in text)
    if digits < 0.7 * sum(ch.isalnum() for ch in text):
        return text
    return text.translate(_DIGIT_LOOKS)


def correct_words(words: list[dict[str, Any]], lex: DocLexicon | None = None) -> None:
    """Correct the words (dicts with ``text`` and ``conf``) in place; feed ``lex`` first."""
    if lex is not None:
        for w in words:
            lex.add(w["text"], w["conf"])
    for w in words:
        t = fix_digits(w["text"])
        t = correct_word(t, w["conf"], lex)
        if t != w["text"]:
            w["text_ocr"] = w["text"]
            w["text"] = t


def _sigma_line(line: str) -> str:
    toks = line.split(" ")
    out: list[str] = []
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        prev = out[-1] if out else ""
        slot = not prev or prev in ("x", "X", "×", "-", "+", "/", "(") or prev.endswith("(")
        core = tok.lstrip("(")
        if core in SIGMA_LOOKS and slot and nxt[:1].isalpha():
            tok = tok[: len(tok) - len(core)] + "∑"
        out.append(tok)
    line = " ".join(out)
    return _SIGMA_GLUED.sub(lambda m: m.group(1) + "∑ ", line)


def fix_formula_lines(lines: list[str], fraction: bool) -> list[str]:
    """Sum signs and the multiplier of a formula cell (see the module docstring)."""
    text = " ".join(lines)
    if not (fraction or _MULTIPLIER.search(text) or "∑" in text):
        return lines
    out = []
    for ln in lines:
        ln = _MULTIPLIER.sub("x 100%", ln)
        out.append(_sigma_line(ln))
    return out
