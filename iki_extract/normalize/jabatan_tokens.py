"""Step 1 of jabatan matching (see :mod:`.jabatan`): a title to normalised tokens.

Casefold, symbols, punctuation -> space, drops and expansions of the
vocabulary, and OCR slips fixed word by word against its lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from .jabatan_vocab import _Vocab


_PUNCT_RE = re.compile(r"[^\w\s]|_")


def _basic_tokens(text: str, symbols: dict[str, str]) -> list[str]:
    """Casefold, replace symbols, punctuation -> space, split."""
    t = unicodedata.normalize("NFKC", text).casefold()
    for sym, rep in symbols.items():
        t = t.replace(sym, rep)
    t = _PUNCT_RE.sub(" ", t)
    return t.split()


def _replace_phrases(
    toks: list[str], table: dict[tuple[str, ...], tuple[str, ...]], longest: int
) -> list[str]:
    """One left-to-right pass of longest-first whole-word phrase replacement."""
    out: list[str] = []
    i, n = 0, len(toks)
    while i < n:
        for size in range(min(longest, n - i), 0, -1):
            rep = table.get(tuple(toks[i : i + size]))
            if rep is not None:
                out.extend(rep)
                i += size
                break
        else:
            out.append(toks[i])
            i += 1
    return out


def _longest_at(
    toks: list[str], i: int, table: dict[tuple[str, ...], Any], longest: int
) -> tuple[Any, int]:
    """The entry of the longest phrase of ``table`` starting at ``toks[i]``."""
    for size in range(min(longest, len(toks) - i), 0, -1):
        hit = table.get(tuple(toks[i : i + size]))
        if hit is not None:
            return hit, size
    return None, 0


def _pre_tokens(v: _Vocab, text: str) -> list[str]:
    toks = _basic_tokens(text, v.symbols)
    toks = _replace_phrases(toks, v.drops, v.drop_longest)
    return _replace_phrases(toks, v.expansions, v.exp_longest)


def _ocr_fix(v: _Vocab, tok: str) -> str:
    if tok in v.lexicon or len(tok) < v.ocr_min or not tok.isalpha():
        return tok
    max_d = 0
    for length, d in v.ocr_dist:
        if len(tok) >= length:
            max_d = d
    if max_d <= 0:
        return tok
    hits = process.extract(
        tok, v.lexicon_list, scorer=Levenshtein.distance, score_cutoff=max_d, limit=3
    )
    if not hits:
        return tok
    best = hits[0][1]
    if sum(1 for h in hits if h[1] == best) > 1:
        return tok  # ambiguous: two words equally close
    return hits[0][0]


def _tokens(v: _Vocab, text: str) -> list[str]:
    toks = _pre_tokens(v, text)
    toks = [_ocr_fix(v, t) for t in toks]
    toks = _replace_phrases(toks, v.expansions, v.exp_longest)
    return _replace_phrases(toks, v.drops, v.drop_longest)
