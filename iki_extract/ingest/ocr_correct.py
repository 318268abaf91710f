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
from typing import Any, Callable

from .ocr_lexicon import DocLexicon, is_known, text_words

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
    r"(?:(?<=\s)|^)(?:(?P<x>[xX×*«]{1,2}[.,]?\s*)100(?:%|\s%|\d{1,2}|[^\w\s]{1,2}\w?|[a-zA-Z]{1,2}\d?)?"
    r"|100(?:\d{2}|[^\w\s]{1,2}\w?|[yY][6o])(?=$))(?=\s|$)"
)
_GLUED_X = re.compile(r"(?<=[a-z]{3})x(?=\s+x 100%)")  # "keluarx x 100%": the x read twice
# "%" glued to a number as letters: "100y6", "80Y6", "100”6" (any cell); after a
# multiplier word ("x", "dikali", "target") also "1006", "10096", "806"
_PCT_GLUED = re.compile(r"(?<![\w.,])(\d{1,3})(?:[yY][6o]|[”“\"'’`]6|%6|%o)(?![\w%])")
_PCT_AFTER = re.compile(r"(?i)(?<![\w])((?:x|×|kali|dikali|target)\s*)(\d{2,3})(96|46|40|6)(?![\w%])")


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


SPLIT_MIN = 5  # letters the known part of a glued word has at least


def split_joined(text: str, lex: DocLexicon | None = None) -> str:
    """``lingkungandi`` → ``lingkungan di``: an unknown word that is a known word with
    one of the short words OCR glues on (``models/ocr_text.yaml``) before or after it.

    Only a space is added, no letter changed; the whole word must be unknown to
    the general word list (a misjoined word the document read confidently is
    still a misjoined word).
    """
    m = _CORE.match(text)
    if not m or len(m.group(2)) < SPLIT_MIN + 2 or is_known(m.group(2)):
        return text
    pre, core, post = m.groups()
    extra = lex.words() if lex is not None else None
    low = core.lower()
    lists = text_words()
    for j in sorted(lists.get("glued_after", ()), key=len, reverse=True):
        rest = len(low) - len(j)
        if rest >= SPLIT_MIN and low.endswith(j) and is_known(low[:rest], extra):
            return f"{pre}{core[:rest]} {core[rest:]}{post}"
    for j in sorted(lists.get("glued_before", ()), key=len, reverse=True):
        rest = len(low) - len(j)
        if rest >= SPLIT_MIN and low.startswith(j) and is_known(low[len(j) :], extra):
            return f"{pre}{core[: len(j)]} {core[len(j) :]}{post}"
    return text


def split_joined_line(line: str, lex: DocLexicon | None = None) -> str:
    """:func:`split_joined` on every token of a line."""
    return " ".join(split_joined(t, lex) for t in line.split(" "))


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


def _pct_after(m: re.Match[str]) -> str:
    n = int(m.group(2))
    if n > 100 or n % 5:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}%"


def fix_percent(line: str) -> str:
    """A per cent sign read as letters or digits after a number (see ``_PCT_GLUED``)."""
    return _PCT_AFTER.sub(_pct_after, _PCT_GLUED.sub(r"\1%", line))


def _multiplier(m: re.Match[str], line: str) -> str:
    if m.group("x") is not None:
        return "x 100%"
    before = line[: m.start()].split()
    # "dikali 100%", "di kali 100%": the multiplier word is there, no "x" to add
    words = text_words().get("multiplier_words", ())
    return "100%" if before and before[-1].lower() in words else "x 100%"


def _with_context(fix: Callable[[str], str], line: str, prev: str) -> str:
    """``fix`` applied to ``line`` with the previous line's last word before it (a
    multiplier word may end the line above its number)."""
    if not prev:
        return fix(line)
    out = fix(f"{prev} {line}")
    return out[len(prev) + 1 :] if out.startswith(prev + " ") else fix(line)


def _last_word(lines: list[str]) -> str:
    return lines[-1].split()[-1] if lines and lines[-1].split() else ""


def _mult(line: str) -> str:
    return _MULTIPLIER.sub(lambda m: _multiplier(m, line), line)


def fix_formula_lines(lines: list[str], fraction: bool) -> list[str]:
    """Sum signs and the multiplier of a formula cell (see the module docstring)."""
    fixed: list[str] = []
    for ln in lines:
        fixed.append(_with_context(fix_percent, ln, _last_word(fixed)))
    text = " ".join(fixed)
    if not (fraction or _MULTIPLIER.search(text) or "∑" in text):
        return fixed
    out: list[str] = []
    for ln in fixed:
        ln = _GLUED_X.sub("", _with_context(_mult, ln, _last_word(out)))
        out.append(_sigma_line(ln))
    return out
