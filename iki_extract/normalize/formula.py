"""Read an indicator's formula: numerator, denominator, multiplier and type.

A pure function of the FORMULASI cell and the INDIKATOR cell; the words it
knows are data (``models/formula.yaml``).  It never raises.

Parsing a formula (``SCHEMA.md`` writes fractions as ``A / B x 100%``):

1. a leading item number ("1. ") is dropped;
2. the *multiplier* is the first "x 100%" / "X 100 %" / "× 100%" /
   "dikali 100%" / "di kali 100%" / "dikalikan dengan 100%" (a number with a
   percent sign, or a bare 100 at the end); text after it (a second formula, a
   list of items) is kept as ``rest``;
3. the *division* is found before the multiplier, outside parentheses: a
   division word (dibagi, berbanding, dibandingkan (dengan), ...) or a fraction
   slash with spaces on both sides (" / ", so "Desa/Kelurahan" is one word).
   Of several, the first division word or slash followed by a denominator word
   (Jumlah, ∑, Target, ...) wins; a slash without one counts only in a formula
   with a multiplier.  Numerator and denominator are the text around it, ∑
   kept;
4. no division: a percentage without a written denominator keeps its
   numerator (``reason`` says the denominator is missing); a plain count
   ("Jumlah X yang Y") has neither.

``indikator_type`` weighs the evidence in this order: a percent multiplier ->
persentase; a fraction without one -> persentase if the indicator says so,
else rasio; a persentase word in the indicator; a rasio word in either; the
formula's leading word (Jumlah/∑, Nilai/Indeks, Persentase); the indicator's
nilai/indeks, then jumlah words; a percent sign or nilai/jumlah word anywhere
in the formula; else "other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rules

__all__ = ["FormulaInfo", "TYPES", "parse_formula"]

TYPES = ("persentase", "jumlah", "nilai/indeks", "rasio", "other")


@dataclass(frozen=True)
class FormulaInfo:
    """One formula read.

    ``division`` is the operator as written ("/", "dibandingkan dengan");
    ``rest`` is text after the multiplier; ``reason`` says why a part is
    missing or why nothing could be read.
    """

    raw: object
    numerator: str | None = None
    denominator: str | None = None
    multiplier: int | float | None = None
    indikator_type: str = "other"
    division: str | None = None
    rest: str | None = None
    reason: str | None = None


@dataclass
class _Vocab:
    division_re: re.Pattern[str]
    multiply_re: re.Pattern[str]
    sums: tuple[str, ...]
    denominator_start: re.Pattern[str]
    types: dict[str, list[re.Pattern[str]]]
    type_words: dict[str, set[str]]


def _alt(words: list[str]) -> str:
    parts = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in parts)


def _kw_pattern(word: str) -> re.Pattern[str]:
    if re.fullmatch(r"\w+", word):
        return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    return re.compile(re.escape(word))


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    data = rules.load("formula.yaml")
    words = [str(w) for w in data.get("division_words") or []]
    symbols = [str(s) for s in data.get("division_symbols") or ["/"]]
    division_re = re.compile(
        rf"(?P<sym>(?:(?<=\s)|^)(?:{_alt(symbols)})(?=\s|$))"
        rf"|(?<!\w)(?P<word>{_alt(words)})(?!\w)",
        re.IGNORECASE,
    )
    mwords = [str(w) for w in data.get("multiply_words") or []]
    msyms = [str(s) for s in data.get("multiply_symbols") or ["x"]]
    multiply_re = re.compile(
        rf"(?:(?<![^\s(])(?:{_alt(msyms)})|(?<!\w)(?:{_alt(mwords)}))"
        r"\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<pct>%|persen\b)?",
        re.IGNORECASE,
    )
    types: dict[str, list[re.Pattern[str]]] = {}
    type_words: dict[str, set[str]] = {}
    for name, kws in (data.get("types") or {}).items():
        types[str(name)] = [_kw_pattern(str(k)) for k in kws or []]
        type_words[str(name)] = {str(k).casefold() for k in kws or []}
    sums = tuple(str(s) for s in data.get("sum_symbols") or ["∑"])
    starts = [str(w) for w in data.get("denominator_starts") or ["jumlah"]]
    denominator_start = re.compile(rf"\s*(?:{_alt(starts)})(?!\w)", re.IGNORECASE)
    return _Vocab(division_re, multiply_re, sums, denominator_start, types, type_words)


_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[a-z][.)])\s+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _strip_part(text: str) -> str | None:
    """A numerator/denominator without edge punctuation or wrapping parentheses."""
    t = text.strip().strip(",;:").strip()
    while t.startswith("(") and t.endswith(")") and _wrapped(t):
        t = t[1:-1].strip()
    return t or None


def _wrapped(t: str) -> bool:
    """True when the first "(" closes at the very end."""
    depth = 0
    for i, ch in enumerate(t):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i == len(t) - 1
    return False


def _depths(text: str) -> list[int]:
    """Parenthesis depth at each character (never below 0 for stray ")")."""
    out, depth = [], 0
    for ch in text:
        if ch == ")":
            depth = max(0, depth - 1)
        out.append(depth)
        if ch in "([":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
    return out


def _multiplier(v: _Vocab, text: str) -> tuple[int | float, int, int] | None:
    for m in v.multiply_re.finditer(text):
        num = float(m.group("num").replace(",", "."))
        at_end = not text[m.end() :].strip(" .;,")
        if m.group("pct") or (num == 100 and at_end):
            value: int | float = int(num) if num.is_integer() else num
            return value, m.start(), m.end()
    return None


def _division(v: _Vocab, text: str, with_multiplier: bool) -> tuple[int, int, str] | None:
    """The top-level division of ``text``: (start, end, operator as written).

    A division word always divides; a " / " divides when a denominator word
    follows it ("/ Jumlah ...", "/ ∑ ..."), or, in a formula with a multiplier,
    failing such a slash, the first one.
    """
    depth = _depths(text)
    cands: list[tuple[int, int, str, bool]] = []
    for m in v.division_re.finditer(text):
        if depth[m.start()] != 0:
            continue
        word = m.group("word") is not None
        op = _clean(m.group("word") or m.group("sym")).lower()
        strong = word or v.denominator_start.match(text, m.end()) is not None
        cands.append((m.start(), m.end(), op, strong))
    strong = [c for c in cands if c[3]]
    if strong:
        return strong[0][:3]
    if with_multiplier and cands:
        return cands[0][:3]
    return None


def _has(v: _Vocab, kind: str, text: str | None) -> bool:
    return bool(text) and any(p.search(text) for p in v.types.get(kind, []))


def _leading(v: _Vocab, text: str | None) -> str | None:
    """The type named by the formula's first word ("Jumlah ...", "∑ ...", "Nilai ...")."""
    if not text:
        return None
    t = _NUMBERING.sub("", text).strip()
    if t.startswith(v.sums):
        return "jumlah"
    first = t.split(" ", 1)[0].casefold().strip(".,:;()")
    for kind in ("jumlah", "nilai/indeks", "persentase", "rasio"):
        if first in v.type_words.get(kind, ()):
            return kind
    return None


def _type(
    v: _Vocab,
    indikator: str | None,
    formula: str | None,
    multiplier: int | float | None,
    pct: bool,
    divided: bool,
) -> str:
    if multiplier == 100 and pct:
        return "persentase"
    if divided:
        return "persentase" if _has(v, "persentase", indikator) else "rasio"
    if _has(v, "persentase", indikator):
        return "persentase"
    if _has(v, "rasio", indikator) or _has(v, "rasio", formula):
        return "rasio"
    lead = _leading(v, formula)
    if lead:
        return lead
    for kind in ("nilai/indeks", "jumlah"):
        if _has(v, kind, indikator):
            return kind
    for kind in ("persentase", "nilai/indeks", "jumlah"):
        if _has(v, kind, formula):
            return kind
    return "other"


def parse_formula(formulasi: object, indikator: object = None) -> FormulaInfo:
    """Split a formula into numerator / denominator / multiplier and type it.

    Never raises: unusable input gives a :class:`FormulaInfo` with ``None``
    parts, ``indikator_type`` from whatever text there is, and a ``reason``.
    """
    try:
        return _parse(formulasi, indikator)
    except Exception as exc:  # noqa: BLE001 - a normaliser must not stop the pipeline
        return FormulaInfo(formulasi, reason=f"unreadable: {exc!r}")


def _parse(formulasi: object, indikator: object) -> FormulaInfo:
    v = _vocab()
    ind = _clean(indikator) if isinstance(indikator, str) else None
    ind = _NUMBERING.sub("", ind) if ind else None
    if not isinstance(formulasi, str) or not formulasi.strip():
        what = "no formula" if formulasi is None or isinstance(formulasi, str) else "not text"
        return FormulaInfo(
            formulasi,
            indikator_type=_type(v, ind, None, None, False, False),
            reason=what,
        )
    text = _NUMBERING.sub("", _clean(formulasi))
    mult = _multiplier(v, text)
    head, rest, multiplier, pct = text, None, None, False
    if mult is not None:
        multiplier, start, end = mult
        head, rest = text[:start], _clean(text[end:]) or None
        pct = "%" in text[start:end] or "persen" in text[start:end].lower()
    div = _division(v, head, multiplier is not None)
    numerator = denominator = division = reason = None
    if div is not None:
        start, end, division = div
        numerator, denominator = _strip_part(head[:start]), _strip_part(head[end:])
        missing = [
            n
            for n, part in (("numerator", numerator), ("denominator", denominator))
            if part is None
        ]
        if missing:
            reason = f"empty {' and '.join(missing)} around {division!r}"
    elif multiplier is not None:
        numerator = _strip_part(head)
        reason = "no denominator written" if numerator else "multiplier without a formula"
    kind = _type(v, ind, text, multiplier, pct, div is not None)
    return FormulaInfo(
        formulasi,
        numerator=numerator,
        denominator=denominator,
        multiplier=multiplier,
        indikator_type=kind,
        division=division,
        rest=rest,
        reason=reason,
    )
