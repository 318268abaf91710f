"""Indicator themes: what an indicator measures, comparable across kecamatan.

The vocabulary is data (``models/indikator_themes.yaml``: theme, description,
weighted keywords, synonyms).  A row's theme is a pure function of its
indicator text (and, when that alone is not enough, its sasaran):

1. *normalise*: casefold, punctuation -> space, drop numbers and stopwords,
   spelling variants -> one spelling, OCR slips (one edit, words of 6+ letters)
   -> the vocabulary word;
2. *keywords*: every theme keyword (a word or a phrase of consecutive words)
   found adds its weight; a keyword word matches a token equal to it, a token
   it is the start of (4+ letters), or the token with Indonesian affixes
   stripped (``diagendakan`` -> ``agenda``);
3. *synonyms*: rapidfuzz ``token_set_ratio`` against each theme's typical
   phrasings adds up to two points above ``fuzzy_min``;
4. *score*: ``1 - exp(-best / 2.5)``, halved when the runner-up is as strong
   (``score * (0.5 + 0.5 * margin / best)``); below ``threshold`` the row
   stays without a theme and :func:`iki_extract.export.tables.unmatched_indikator`
   lists it (``unmatched_indikator.csv``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .. import rules

__all__ = ["ThemeMatch", "match_theme", "normalize_tokens", "themes", "vocabulary"]

_NON_WORD = re.compile(r"[^\w]+|_")
_PREFIXES = (
    "meng",
    "meny",
    "peng",
    "peny",
    "mem",
    "men",
    "pem",
    "pen",
    "ter",
    "ber",
    "di",
    "me",
    "pe",
    "ke",
    "se",
)
_SUFFIXES = ("nya", "kan", "an", "i")


@dataclass(frozen=True)
class ThemeMatch:
    """The theme of one indicator; ``theme`` is ``None`` below the threshold
    (``best_guess`` then names the strongest candidate, for the review list)."""

    theme: str | None
    score: float
    best_guess: str | None = None
    runner_up: str | None = None

    @property
    def matched(self) -> bool:
        return self.theme is not None


@dataclass(frozen=True)
class _Vocab:
    themes: dict[str, dict[str, Any]]
    keywords: dict[str, list[tuple[tuple[str, ...], float]]]
    synonyms: dict[str, list[str]]
    spelling: dict[str, str]
    stopwords: frozenset[str]
    lexicon: frozenset[str]
    threshold: float
    sasaran_weight: float
    fuzzy_min: float


def _raw_tokens(text: str) -> list[str]:
    t = unicodedata.normalize("NFKC", text).casefold()
    return [w for w in _NON_WORD.sub(" ", t).split() if not w.isdigit()]


@lru_cache(maxsize=1)
def vocabulary() -> _Vocab:
    data = rules.load("indikator_themes.yaml")
    spelling: dict[str, str] = {}
    for canon, variants in (data.get("spelling") or {}).items():
        for v in variants or []:
            spelling[" ".join(_raw_tokens(str(v)))] = str(canon)
    keywords: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    synonyms: dict[str, list[str]] = {}
    lexicon: set[str] = set()
    for name, spec in data["themes"].items():
        kws = []
        for kw, weight in (spec.get("keywords") or {}).items():
            words = tuple(_raw_tokens(str(kw)))
            lexicon.update(words)
            kws.append((words, float(weight)))
        keywords[name] = kws
        synonyms[name] = [str(s) for s in spec.get("synonyms") or []]
    stop = frozenset(str(w) for w in data.get("stopwords") or [])
    lexicon.update(spelling.values())
    return _Vocab(
        themes=dict(data["themes"]),
        keywords=keywords,
        synonyms=synonyms,
        spelling=spelling,
        stopwords=stop,
        lexicon=frozenset(lexicon),
        threshold=float(data.get("threshold", 0.5)),
        sasaran_weight=float(data.get("sasaran_weight", 0.8)),
        fuzzy_min=float(data.get("fuzzy_min", 80)),
    )


def themes() -> list[str]:
    """The theme names, in vocabulary order."""
    return list(vocabulary().themes)


@lru_cache(maxsize=65536)
def _fix_word(word: str) -> str:
    return _fix(word, vocabulary())


def _fix(word: str, v: _Vocab) -> str:
    if word in v.spelling:
        return v.spelling[word]
    if len(word) < 6 or word in v.lexicon or word in v.stopwords:
        return word
    close = [
        w for w in v.lexicon if len(w) >= 6 and Levenshtein.distance(word, w, score_cutoff=1) <= 1
    ]
    return close[0] if len(close) == 1 else word


def normalize_tokens(text: str) -> list[str]:
    """Casefolded content words, spelling variants and OCR slips fixed."""
    v = vocabulary()
    toks = _raw_tokens(text)
    out: list[str] = []
    i = 0
    while i < len(toks):
        pair = " ".join(toks[i : i + 2])
        if i + 1 < len(toks) and pair in v.spelling:
            out.append(v.spelling[pair])
            i += 2
            continue
        out.append(_fix_word(toks[i]))
        i += 1
    return out


def _forms(token: str) -> set[str]:
    forms = {token}
    for t in list(forms):
        for p in _PREFIXES:
            if t.startswith(p) and len(t) - len(p) >= 4:
                forms.add(t[len(p) :])
    for t in list(forms):
        for s in _SUFFIXES:
            if t.endswith(s) and len(t) - len(s) >= 3:
                forms.add(t[: -len(s)])
    return forms


def _word_hits(word: str, forms: set[str]) -> bool:
    if word in forms:
        return True
    return len(word) >= 4 and any(f.startswith(word) and len(f) - len(word) <= 4 for f in forms)


@lru_cache(maxsize=65536)
def _token_hits(token: str) -> frozenset[str]:
    """The keyword words this token matches (equal, prefix, or after affix stripping)."""
    forms = _forms(token)
    return frozenset(w for w in _keyword_words() if _word_hits(w, forms))


@lru_cache(maxsize=1)
def _keyword_words() -> frozenset[str]:
    return frozenset(w for kws in vocabulary().keywords.values() for words, _ in kws for w in words)


def _keyword_scores(tokens: list[str], v: _Vocab) -> tuple[dict[str, float], dict[str, int]]:
    """Points per theme.  Longest match wins: a keyword inside the span of a
    longer matched phrase does not count, and one span counts once per theme."""
    token_hits = [_token_hits(t) for t in tokens]
    hits: list[tuple[str, int, int, float]] = []  # theme, start, end, weight
    for name, kws in v.keywords.items():
        for words, weight in kws:
            n = len(words)
            for i in range(len(tokens) - n + 1):
                if all(w in token_hits[i + k] for k, w in enumerate(words)):
                    hits.append((name, i, i + n, weight))
                    break
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    counted: set[tuple[str, int, int]] = set()
    for name, start, end, weight in sorted(hits, key=lambda h: (h[1] - h[2], -h[3])):
        inside = any(s <= start and end <= e and (e - s) > (end - start) for _, s, e, _w in hits)
        if inside or (name, start, end) in counted:
            continue
        counted.add((name, start, end))
        scores[name] = scores.get(name, 0.0) + weight
        first[name] = min(first.get(name, start), start)
    return scores, first


def _synonym_scores(tokens: list[str], v: _Vocab) -> dict[str, float]:
    content = [t for t in tokens if t not in v.stopwords]
    if len(content) < 2:
        return {}
    text = " ".join(content)
    out: dict[str, float] = {}
    for name, syns in _synonym_texts().items():
        best = 0.0
        for st in syns:
            best = max(best, fuzz.token_set_ratio(text, st))
        if best >= v.fuzzy_min:
            out[name] = 2.0 * (best - v.fuzzy_min) / (100.0 - v.fuzzy_min)
    return out


@lru_cache(maxsize=1)
def _synonym_texts() -> dict[str, list[str]]:
    v = vocabulary()
    return {
        name: [" ".join(t for t in normalize_tokens(s) if t not in v.stopwords) for s in syns]
        for name, syns in v.synonyms.items()
    }


def _raw_scores(text: str, v: _Vocab) -> tuple[dict[str, float], dict[str, int]]:
    tokens = normalize_tokens(text)
    scores, first = _keyword_scores(tokens, v)
    for name, bonus in _synonym_scores(tokens, v).items():
        scores[name] = scores.get(name, 0.0) + bonus
        first.setdefault(name, len(tokens))
    return scores, first


def _decide(scores: dict[str, float], first: dict[str, int], v: _Vocab) -> ThemeMatch:
    if not scores:
        return ThemeMatch(None, 0.0)
    # strongest first; on equal points the theme named earlier in the text
    ranked = sorted(scores, key=lambda n: (-scores[n], first.get(n, 99)))
    best = scores[ranked[0]]
    second = scores[ranked[1]] if len(ranked) > 1 else 0.0
    score = (1.0 - math.exp(-best / 2.5)) * (0.5 + 0.5 * (best - second) / best)
    runner = ranked[1] if len(ranked) > 1 else None
    if score < v.threshold:
        return ThemeMatch(None, round(score, 3), best_guess=ranked[0], runner_up=runner)
    return ThemeMatch(ranked[0], round(score, 3), best_guess=ranked[0], runner_up=runner)


@lru_cache(maxsize=8192)
def match_theme(indikator: str | None, sasaran: str | None = None) -> ThemeMatch:
    """The theme of an indicator (the sasaran helps when the indicator alone is weak)."""
    v = vocabulary()
    if not indikator or not indikator.strip():
        return ThemeMatch(None, 0.0)
    scores, first = _raw_scores(indikator, v)
    match = _decide(scores, first, v)
    if match.matched or not sasaran:
        return match
    extra, _ = _raw_scores(sasaran, v)
    merged = dict(scores)
    for name, s in extra.items():
        merged[name] = merged.get(name, 0.0) + v.sasaran_weight * s
        first.setdefault(name, 1000)
    return _decide(merged, first, v)


def match_rows(rows: Iterable[tuple[str | None, str | None]]) -> list[ThemeMatch]:
    return [match_theme(i, s) for i, s in rows]
