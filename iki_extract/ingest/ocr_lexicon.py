"""Word lists for OCR correction: Indonesian (hunspell-id), the project's vocabularies,
and the words a document itself reads with high confidence.

* :func:`general_words`: the stems of Debian's ``hunspell-id`` dictionary
  (``/usr/share/hunspell/id_ID.dic``; empty when it is not installed) plus every
  word of the project's vocabularies (``models/*.yaml``: jabatan titles, label
  words, table headers, formula words);
* :func:`is_known`: a word is known when it, or what is left after stripping
  the common Indonesian affixes (``meng-``/``pe-``/``ber-``/``di-``/``ke-``…,
  ``-kan``/``-an``/``-i``/``-nya``, with the nasal changes ``meny-`` → ``s``,
  ``mem-`` → ``p``, ``men-`` → ``t``, ``meng-`` → ``k``), is in the list;
* :class:`DocLexicon`: counts of the words read with high confidence so far in
  one document — the best evidence of how a word misread elsewhere in that
  document is spelled.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from ..resources import models_dir

HUNSPELL_ID = Path("/usr/share/hunspell/id_ID.dic")
_WORD = re.compile(r"[a-z]{2,}")

_PREFIXES = (
    ("memper", ""), ("menge", ""), ("meng", ""), ("meng", "k"), ("meny", "s"), ("mem", "p"),
    ("mem", ""), ("men", "t"), ("men", ""), ("me", ""), ("penge", ""), ("peng", ""),
    ("peng", "k"), ("peny", "s"), ("pem", "p"), ("pem", ""), ("pen", "t"), ("pen", ""),
    ("per", ""), ("pe", ""), ("ber", ""), ("be", ""), ("di", ""), ("ke", ""), ("ter", ""),
    ("se", ""),
)  # fmt: skip
_SUFFIXES = ("kannya", "annya", "nya", "kan", "an", "i", "lah", "wan", "wati")


@lru_cache(maxsize=1)
def hunspell_words() -> frozenset[str]:
    """Lower-case hunspell-id stems (empty when the dictionary is not installed)."""
    words: set[str] = set()
    if HUNSPELL_ID.is_file():
        for line in HUNSPELL_ID.read_text(encoding="latin-1").splitlines()[1:]:
            stem = line.split("/", 1)[0].strip().lower()
            if stem.isalpha():
                words.add(stem)
    return frozenset(words)


@lru_cache(maxsize=1)
def general_words() -> frozenset[str]:
    """Lower-case hunspell-id stems plus the words of the project's vocabularies."""
    return hunspell_words() | project_words()


def is_dictionary_word(word: str) -> bool:
    """``word`` (affixes allowed) is a hunspell-id word: a word of the language, not
    an abbreviation of the project's vocabularies (``Kasubag``)."""
    vocab = hunspell_words()
    return any(s in vocab for s in _stems(word.lower()))


@lru_cache(maxsize=1)
def project_words() -> frozenset[str]:
    """Every word in the project's vocabularies (``models/*.yaml``)."""
    out: set[str] = set()

    def walk(x: object) -> None:
        if isinstance(x, str):
            out.update(_WORD.findall(x.lower()))
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for f in sorted(models_dir().glob("*.yaml")):
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("lexicon") is False:
            continue  # a model file, not a vocabulary (ocr_confidence.yaml)
        walk(data)
    return frozenset(out)


def _stems(word: str) -> list[str]:
    out = [word]
    for suf in ("",) + _SUFFIXES:
        base = word[: -len(suf)] if suf and word.endswith(suf) else (word if not suf else None)
        if base is None or len(base) < 3:
            continue
        out.append(base)
        for pre, add in _PREFIXES:
            if base.startswith(pre) and len(base) - len(pre) >= 3:
                out.append(add + base[len(pre) :])
    return out


def is_known(word: str, extra: frozenset[str] | set[str] | None = None) -> bool:
    """Is ``word`` (any case) an Indonesian or project word, affixes allowed?"""
    w = word.lower()
    vocab = general_words()
    return any(s in vocab or (extra is not None and s in extra) for s in _stems(w))


@lru_cache(maxsize=1)
def text_words() -> dict[str, frozenset[str]]:
    """The word lists of ``models/ocr_text.yaml`` (multiplier words, glued short words)."""
    f = models_dir() / "ocr_text.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8")) if f.is_file() else {}
    return {k: frozenset(str(x).lower() for x in v or []) for k, v in (data or {}).items()}


class DocLexicon:
    """Words one document read with high confidence, counted."""

    def __init__(self, min_conf: float = 0.9) -> None:
        self.min_conf = min_conf
        self.counts: Counter[str] = Counter()

    def add(self, text: str, conf: float) -> None:
        if conf >= self.min_conf:
            for w in _WORD.findall(text.lower()):
                if len(w) >= 3:
                    self.counts[w] += 1

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.counts

    def words(self) -> set[str]:
        return set(self.counts)
