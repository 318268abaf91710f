"""Tolerant label matchers: how surely a line opens each kind of section.

A label is the first words of a line ("Menimbang :", "KESATU", "NOMOR 12",
"Ditetapkan di"), found in any case, with its letters spaced out
("M e n i m b a n g"), with OCR slips (rapidfuzz), and with a colon, a period
or nothing after it.  :func:`score_line` gives every kind the line may open a
score in 0..1 and the text after the label; the grammar (``grammar.py``)
weighs those scores against the order sections come in.  The label words and
the scoring constants are data in ``models/sections.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .. import rules
from ..ingest.spacing import join_letter_spacing
from .patterns import LEAD_SPECKS

# markdown heading marks, emphasis, a pipe-table edge, quote specks
_MARKUP = re.compile(r"^[\s#>*_|“”\"'`]+")
_EMPH = re.compile(r"\*\*|__")
# "M e n i m b a n g" / "K E P U T U S A N": single letters joined by single spaces
_SPACED = re.compile(r"(?<![\w])((?:[A-Za-z][ \u00a0]){2,}[A-Za-z])(?![\w])")
# an item number or bullet before a label ("1. Jabatan", "a. Tugas", "- KESATU"); OCR
# reads the number's dot as a comma ("2, Tugas") and leaves specks of punctuation before it
_LEAD = re.compile(
    "^" + LEAD_SPECKS + r"(?:\(?\d{1,2}\s*[.,)]\s*|[a-z]\s*[.,)]\s+|[IVX]{1,4}\s*[.,)]\s+)?"
)
_WORDS = re.compile(r"[A-Za-z]+")
_ITEM = re.compile(r"^(?:\d{1,2}|[a-z])[.)]\s")
_PASAL = re.compile(r"^pasal\s+(?P<n>\d{1,3})\b\s*[.:]?\s*(?P<rest>.*)$", re.I)
_DATE = re.compile(r"^(?P<place>[A-Za-z][A-Za-z .'-]{1,40}),\s*(?:\d{1,2}\s+)?[A-Za-z]{3,10}\s+\d{4}\s*$")


@dataclass(frozen=True)
class Label:
    """A line read as the label of a section ``kind``."""

    kind: str
    word: str  # the canonical label word ("MENIMBANG", "KESATU", "PASAL 3")
    score: float
    rest: str  # the text after the label and its separator


def normalise(text: str) -> str:
    """The line as labels are read from it: markup gone, spaced letters joined."""
    s = _EMPH.sub("", text)
    s = _MARKUP.sub("", s)
    s = join_letter_spacing(s)  # spaced words parted by wider gaps, as the readers join them
    s = _SPACED.sub(lambda m: re.sub(r"[ \u00a0]", "", m.group(1)), s)
    return s.strip()


@lru_cache(maxsize=1)
def _conf() -> dict:
    return rules.load("sections.yaml")


@lru_cache(maxsize=1)
def _vocab() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(kind, word, word's tokens) for every label word, longest first."""
    out = [
        (kind, str(w).upper(), tuple(str(w).upper().split()))
        for kind, words in _conf()["labels"].items()
        for w in words
    ]
    return tuple(sorted(out, key=lambda x: (-len(x[2]), -len(x[1]))))


def max_edits(n: int) -> int:
    edits = 0
    for length, e in _conf()["fuzzy"]["max_edits"]:
        if n >= length:
            edits = e
    return edits


def _offices() -> tuple[str, ...]:
    return tuple(str(o).upper() for o in _conf()["issuer_offices"])


def _case_factor(word_text: str) -> float:
    letters = [c for c in word_text if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        return float(_conf()["score"]["lower_case"])
    return 1.0


def _separator(after: str) -> tuple[float, str]:
    """Score factor for what follows a label, and the rest after the separator."""
    s = after.lstrip()
    if not s:
        return 1.0, ""
    if s[0] in ":;" or (s[0] == "." and not s[1:2].isalnum()):
        return 1.0, s[1:].lstrip(" :.;\t")
    if not after[:1].isspace():
        return 0.0, s  # the word goes on ("KEDUANYA", "Tentangnya")
    if _ITEM.match(s):
        return 1.0, s  # an item follows the label ("Mengingat 1. Undang-Undang")
    return float(_conf()["score"]["no_separator"]), s


def _match_words(s: str) -> list[tuple[str, str, float, str, str]]:
    """(kind, word, score, rest, matched text) for the label words ``s`` starts with."""
    conf = _conf()["score"]
    words = list(_WORDS.finditer(s[:120]))
    if not words or words[0].start() != 0:
        return []
    out: list[tuple[str, str, float, str, str]] = []
    seen: set[str] = set()
    for kind, word, toks in _vocab():
        n = len(toks)
        if len(words) < n or kind in seen:
            continue
        # the n words must follow one another with single spaces only
        span = s[: words[n - 1].end()]
        if not re.fullmatch(r"[A-Za-z]+(?: [A-Za-z]+)*", span):
            continue
        cand = span.upper()
        if cand == word:
            edits = 0
        else:
            if n == 1 and len(word) <= 3:
                continue
            edits = Levenshtein.distance(cand, word)
            if edits > max_edits(len(word)) or cand[:1] != word[:1]:
                continue
        score = float(conf["exact"]) - edits * float(conf["per_edit"])
        score *= _case_factor(span)
        sep, rest = _separator(s[words[n - 1].end() :])
        if sep == 0.0 or (edits and sep < 1.0):
            continue  # an OCR-slipped label stands alone or before a colon
        out.append((kind, word, score * sep, rest, span))
        seen.add(kind)
    return out


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _starts_with_office(s: str) -> bool:
    u = s.upper().lstrip()
    return any(u == o or u.startswith(o + " ") or u.startswith(o + ",") for o in _offices())


def _adjust(kind: str, word: str, score: float, rest: str, line: str) -> float:
    """Kind-specific evidence on top of the word match."""
    if kind == "title":
        if len(line) > 200 or line.rstrip().endswith((";", ",")):
            return 0.0  # a title is no list item or clause
        if not _is_upper(line.split()[0]):
            if not rest:  # "Keputusan" alone on its line: a title set in title case
                return score * float(_conf()["score"]["title_word_alone"])
            return score * (0.9 if _starts_with_office(rest) and len(line) < 120 else 0.5)
        if rest and not (_starts_with_office(rest) or _is_upper(rest[:30]) or rest.upper().startswith("BERSAMA")):
            return score * 0.3
        return score
    if kind == "nomor":
        if rest and not re.search(r"\d", rest[:25]):
            return 0.0
        return score
    if kind == "kop":
        return score if _is_upper(line[:40]) and re.match(r"^\s*(KABUPATEN|KOTA|PROVINSI|DESA)\b", rest, re.I) else 0.0
    if kind == "diktum":
        if not _is_upper(line.split()[0]):
            return score * (0.9 if _starts_with_office(rest) and len(line) < 120 else 0.5)
        return score
    if kind == "heading":
        return score if _is_upper(line) and len(rest) < 30 else 0.0
    if kind == "jabatan":
        # "Jabatan : X", or the label alone with its value on a later line
        return score if not rest or re.match(r"^[A-Za-z ]+\s*:", line) else score * 0.3
    if kind in ("memutuskan", "preamble") and len(rest) > 20:
        return score * 0.5
    return score


def score_line(text: str) -> list[Label]:
    """Every section ``text`` may open, best first."""
    s = normalise(text)
    if not s:
        return []
    lead = _LEAD.match(s)
    body = s[lead.end() :] if lead else s
    out: list[Label] = []
    for kind, word, score, rest, span in _match_words(body):
        score = _adjust(kind, word, score, rest, body)
        if score > 0:
            out.append(Label(kind, word, round(score, 3), rest))
    m = _PASAL.match(body)
    if m:
        factor = 1.0 if body[:1].isupper() else 0.3
        if m.group("rest") and not m.group("rest")[:1].isupper():
            factor *= 0.3
        out.append(Label("diktum", f"PASAL {int(m.group('n'))}", factor, m.group("rest")))
    issuer = _issuer_line(s)
    if issuer:
        out.append(Label("issuer", "", issuer, s))
    if _DATE.match(s):
        out.append(Label("penetapan", "", 0.6, s))
    out.sort(key=lambda x: -x.score)
    return out


def _issuer_line(s: str) -> float:
    """"CAMAT PALARAN," above Menimbang (or above the signer's name)."""
    if len(s) > 80 or ":" in s or not _starts_with_office(s):
        return 0.0
    if s.rstrip().endswith(","):
        return 0.8
    return 0.4 if _is_upper(s) else 0.0


def best(labels: list[Label], kind: str) -> Label | None:
    return next((lb for lb in labels if lb.kind == kind), None)
