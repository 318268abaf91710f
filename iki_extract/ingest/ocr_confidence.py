"""Confidence of an OCR'd cell or line: how likely its text is exactly right.

Two stages.

1. **Raw word score** (:func:`raw_score`, in the reader).  Tesseract's word
   confidence alone tracks errors poorly (a clean row at 0.02 because of one
   dot).  A word's *quality* also asks whether the word is a known word
   (:mod:`.ocr_lexicon`), a number or punctuation, and whether the corrector
   changed it: a known word (or a number) read at confidence ``c`` scores
   ``0.5 + 0.5 c``; an unknown word of three letters or more ``0.6 c``; a word
   the corrector changed at most ``0.4 + 0.4 c``; lone punctuation counts only
   half as much.  A cell's raw score mixes its weakest word and its mean word
   quality.

2. **Cell model** (:func:`rescore_rows`, after the rows are assembled and the
   formulas parsed).  Most wrong cells of a scan are not badly read words but
   rows split or merged, stray punctuation, joined words and misread
   multipliers, which the word score cannot see.  :func:`cell_features` looks
   at the cell's text in its column and its decree (unknown and joined words,
   odd characters and punctuation, a cut-off ending, a formula that does not
   end in ``x 100%``, a near-duplicate of another cell, a fragment row, a cell
   repeating another column of its row, a sign in a sibling cell...) and
   a logistic model (``models/ocr_confidence.yaml``, fitted leave-one-seed-out
   on the corpus scans by :mod:`iki_extract.eval.calibration`) turns raw score
   and features into the probability that the cell is right.

``IKI_RAW_CONFIDENCE=1`` skips stage 2 (the rows keep the raw score: for fitting).
"""

from __future__ import annotations

import math
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

import yaml

from ..resources import models_dir
from .ocr_lexicon import DocLexicon, is_known

MODEL_FILE = "ocr_confidence.yaml"
W_MIN = 0.6  # weight of the weakest word in the raw score (the rest: the mean)
FIELDS = ("sasaran", "indikator", "formulasi", "sumber_data")
_NUMBER = re.compile(r"^[\W]*[\d.,:/%()-]+[\W]*$")
_LETTERS = re.compile(r"[A-Za-z]")
_TOKEN = re.compile(r"\S+")
_ALPHA = re.compile(r"[A-Za-z]{3,}")
_CAMEL = re.compile(r"[a-z]{2,}[A-Z]")
_ODD_PUNCT = (
    re.compile(r"\s[,.;:]"),  # space before punctuation
    re.compile(r"[a-z][.,;:][A-Za-z]"),  # "dana.DD", "yang,disusun"
    re.compile(r"[A-Za-z][.;:]\s+[a-z]"),  # "yang. disusun"
    re.compile(r"['\"`]"),  # quotes are rare in these tables
    re.compile(r"[-.:;,!][.:;,)]"),  # "sekurang-: kurangnya", "2..Dokumen", "(SATLINMAS,)"
    re.compile(r"(?:^|\s)-[A-Za-z]"),  # "untuk -Siskamling"
    re.compile(r"[A-Za-z]-\d"),  # "KTP-2"
)
_SPLIT_WORD = re.compile(r"[a-z]{2} [a-wyz](?=[\s,;]|$)")  # "Penganggara n" (not "A x B")
_GLUED_DIGIT = re.compile(r"[a-z]{2}\d|\d[a-z]{2}")
_MID_STOP = re.compile(r"[a-z]{4}[.:]\s+[A-Z]")  # "Jumlah. Pembinaan", not "Kec. Ciruas"


# --- stage 1: the reader's word score ------------------------------------------------


def word_quality(w: dict[str, Any], lex: DocLexicon | None = None) -> float:
    c = float(w["conf"])
    t = w["text"]
    if "text_ocr" in w:
        return min(0.4 + 0.4 * c, 0.5 + 0.5 * c)
    core = re.sub(r"[^A-Za-z]", "", t)
    if not _LETTERS.search(t):
        if _NUMBER.match(t):
            return 0.5 + 0.5 * c
        return 0.75 + 0.25 * c  # punctuation: counts little against the cell
    if len(core) < 3:
        return 0.5 + 0.5 * c
    extra = lex.words() if lex is not None else None
    return 0.5 + 0.5 * c if is_known(core, extra) else 0.6 * c


def raw_score(words: list[dict[str, Any]], lex: DocLexicon | None = None) -> float | None:
    """The raw confidence of a cell or line (``None`` without words)."""
    if not words:
        return None
    qs = [word_quality(w, lex) for w in words]
    return W_MIN * min(qs) + (1 - W_MIN) * sum(qs) / len(qs)


def confidence(words: list[dict[str, Any]], lex: DocLexicon | None = None) -> float | None:
    """Raw confidence of a cell or line from its words, rounded (stage 1)."""
    s = raw_score(words, lex)
    return None if s is None else round(s, 3)


# --- stage 2: the cell model ---------------------------------------------------------


@dataclass(frozen=True)
class CellModel:
    """Logistic model of P(cell right) and the text rules its features use."""

    intercept: float
    coef: dict[str, float]
    allowed: dict[str, re.Pattern[str]]
    connectors: frozenset[str]
    multiplier_words: frozenset[str]
    good_number: re.Pattern[str]
    anomaly_features: frozenset[str] = frozenset()
    # pairs of columns whose cells may hold the same text (an indikator repeated as
    # its formulasi); any other pair repeating a cell is a shifted or misplaced row
    same_allowed: frozenset[frozenset[str]] = frozenset()
    near_word_edits: int = 1  # an unknown word this close to a commoner word is a misreading
    unknown_cap: int = 3  # the count of unknown words stops here
    sign_patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()  # named text signs

    def probability(self, feats: Mapping[str, float]) -> float:
        z = self.intercept + sum(v * feats.get(k, 0.0) for k, v in self.coef.items())
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


def load_model(data: Mapping[str, Any] | None = None) -> CellModel:
    """The model of ``models/ocr_confidence.yaml`` (or of ``data``)."""
    if data is None:
        path = models_dir() / MODEL_FILE
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data = data or {}
    chars = data.get("allowed_chars") or {"default": "A-Za-z0-9 .,;:()/%-"}
    allowed = {k: re.compile(f"[^{v}]") for k, v in chars.items()}
    return CellModel(
        intercept=float(data.get("intercept", 0.0)),
        coef={str(k): float(v) for k, v in (data.get("coef") or {}).items()},
        allowed=allowed,
        connectors=frozenset(str(w).lower() for w in data.get("connectors") or ()),
        multiplier_words=frozenset(str(w).lower() for w in data.get("multiplier_words") or ()),
        good_number=re.compile(data.get("good_number") or r"^\d+%?$"),
        anomaly_features=frozenset(data.get("anomaly_features") or ()),
        same_allowed=frozenset(frozenset(p) for p in data.get("same_cells_allowed") or ()),
        near_word_edits=int(data.get("near_word_edits", 1)),
        unknown_cap=int(data.get("unknown_cap", 3)),
        sign_patterns=tuple(
            (str(k), re.compile(str(v))) for k, v in (data.get("sign_patterns") or {}).items()
        ),
    )


@lru_cache(maxsize=1)
def _default_model() -> CellModel:
    return load_model()


def _get(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def _set(row: Any, key: str, value: Any) -> None:
    if isinstance(row, dict):
        row[key] = value
    else:
        setattr(row, key, value)


def _key(text: str | None) -> str:
    return " ".join((text or "").lower().split())


@dataclass
class DecreeContext:
    """What the features compare a cell with: the other cells of its decree."""

    blocks: list[list[Any]]
    median_len: dict[str, float] = field(default_factory=dict)
    median_conf: float = 1.0  # how well the document read as a whole
    words: Counter[str] = field(default_factory=Counter)
    blocks_with: dict[str, Counter[str]] = field(default_factory=dict)  # text -> #blocks
    near_dup: dict[str, set[str]] = field(default_factory=dict)  # a commoner near twin
    contains: dict[str, set[str]] = field(default_factory=dict)  # texts holding another
    # caches of the features: a cell's signs per model, an unknown word's commoner twin
    signs: dict[tuple[int, int, int, str], dict[str, float]] = field(default_factory=dict)
    near_word: dict[tuple[str, int], bool] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)  # the decree's words (ctx.words)


def decree_context(blocks: Sequence[Sequence[Any]]) -> DecreeContext:
    from rapidfuzz import fuzz

    ctx = DecreeContext([list(b) for b in blocks])
    confs = [
        float(c)
        for b in ctx.blocks
        for r in b
        for c in [_get(r, f"confidence_{f}") for f in FIELDS] + [_get(r, "confidence")]
        if c is not None
    ]
    ctx.median_conf = statistics.median(confs) if confs else 1.0
    for f in FIELDS:
        texts = [_get(r, f) for b in ctx.blocks for r in b if _get(r, f)]
        ctx.median_len[f] = statistics.median(len(t) for t in texts) if texts else 0.0
        per_block: Counter[str] = Counter()
        for b in ctx.blocks:
            per_block.update({_key(_get(r, f)) for r in b if _get(r, f)})
        ctx.blocks_with[f] = per_block
        distinct = sorted(per_block)
        near: set[str] = set()
        holds: set[str] = set()
        for i, a in enumerate(distinct):
            for b2 in distinct[i + 1 :]:
                if abs(len(a) - len(b2)) <= 0.1 * max(len(a), len(b2)) + 2:
                    if fuzz.ratio(a, b2) >= 90:  # one is a misreading: the rarer one
                        ca, cb = per_block[a], per_block[b2]
                        near.update((a,) if ca < cb else (b2,) if cb < ca else (a, b2))
            for b2 in distinct:
                if b2 != a and len(b2) >= 12 and b2.count(" ") >= 1 and b2 in a:
                    holds.add(a)
                    break
        ctx.near_dup[f] = near
        ctx.contains[f] = holds
        for t in texts:
            ctx.words.update(w.lower() for w in _ALPHA.findall(t))
    return ctx


def _fragment(row: Any) -> bool:
    """A row whose filled cells are short bits on average (the tail of a split row)."""
    cells = [_get(row, f) for f in ("indikator", "formulasi", "sumber_data")]
    filled = [len(c.split()) for c in cells if c]
    return bool(filled) and sum(filled) / len(filled) <= 3


def _repeats(tokens: list[str], n: int = 3) -> bool:
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return len(grams) != len(set(grams))


def _near_commoner(ctx: DecreeContext, word: str, edits: int) -> bool:
    """Is ``word`` (unknown to the lexicon) a few edits from a word the decree uses more often?

    "jumiah" beside a dozen "jumlah": the rarer spelling is a misreading.
    """
    w = word.lower()
    if (w, edits) not in ctx.near_word:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if len(ctx.vocabulary) != len(ctx.words):
            ctx.vocabulary = list(ctx.words)
        own = ctx.words[w]
        hits = process.extract(
            w, ctx.vocabulary, scorer=Levenshtein.distance, score_cutoff=edits, limit=None
        )
        ctx.near_word[(w, edits)] = any(v != w and ctx.words[v] > own for v, _, _ in hits)
    return ctx.near_word[(w, edits)]


def _signs(ctx: DecreeContext, bi: int, ri: int, fld: str, m: CellModel) -> dict[str, float]:
    """The signs of a misreading or a split, merged or shifted row in one cell (cached)."""
    key3 = (id(m), bi, ri, fld)  # the signs depend on the model's rules
    if key3 in ctx.signs:
        return ctx.signs[key3]
    block = ctx.blocks[bi]
    row = block[ri]
    text = _get(row, fld) or ""
    key = _key(text)
    tokens = _TOKEN.findall(text)
    nxt = block[ri + 1] if ri + 1 < len(block) else None
    odd_re = m.allowed.get(fld) or m.allowed.get("default")
    last = tokens[-1].strip(".,;:()").lower() if tokens else ""
    unknown = [w for w in _ALPHA.findall(text) if not is_known(w)]
    parts: dict[str, float] = {
        "joined": float(len(_CAMEL.findall(text))),
        "odd_chars": float(len(odd_re.findall(text))) if odd_re else 0.0,
        "odd_punct": float(sum(len(p.findall(text)) for p in _ODD_PUNCT)),
        "mid_stop": float(len(_MID_STOP.findall(text))),
        "glued_digit": float(len(_GLUED_DIGIT.findall(text))),
        "split_word": float(len(_SPLIT_WORD.findall(text))),
        "bad_multiplier": float(_bad_multipliers(tokens, m)),
        "cut_off": float(last in m.connectors),
        "repeat": float(_repeats([t.lower() for t in tokens])),
        "contains_other": float(key in ctx.contains.get(fld, ())),
        "fragment": float(_fragment(row)),
        "next_fragment": float(nxt is not None and _fragment(nxt)),
        "fx_no_multiplier": float(
            fld == "formulasi"
            and ("∑" in text or " / " in text)
            and _get(row, "multiplier") is None
        ),
        # the same text in another column of the row: a row shifted by a column
        "same_as_other": float(
            bool(key)
            and any(
                g != fld and frozenset((g, fld)) not in m.same_allowed and _key(_get(row, g)) == key
                for g in FIELDS
            )
        ),
        "near_commoner": float(sum(_near_commoner(ctx, w, m.near_word_edits) for w in unknown)),
        "close_no_open": float(_close_without_open(text)),
    }
    for name, pat in m.sign_patterns:
        parts[name] = float(len(pat.findall(text)))
    ctx.signs[key3] = parts
    return parts


def _close_without_open(text: str) -> bool:
    """A ``)`` with no ``(`` before it ("SP)" for "SPJ"); an unclosed ``(`` is common in gold."""
    depth = 0
    for ch in text:
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
        if depth < 0:
            return True
    return False


def _anomalies(parts: Mapping[str, float], m: CellModel) -> float:
    return sum(min(1.0, v) for k, v in parts.items() if k in m.anomaly_features)


def cell_features(
    ctx: DecreeContext,
    bi: int,
    ri: int,
    fld: str,
    model: CellModel | None = None,
    detail: bool = False,
) -> dict[str, float] | None:
    """The model's features of one cell (``None``: the cell has no confidence to start from).

    The signs of a misreading (odd punctuation, a misread multiplier, a
    fragment row...) enter the model as one count, ``anomalies``, of the signs
    ``models/ocr_confidence.yaml`` lists; ``detail`` adds each sign itself.
    ``sibling_anomaly``: a sign in another cell of the row (a misread row is
    rarely misread in one cell only).
    """
    m = model or _default_model()
    block = ctx.blocks[bi]
    row = block[ri]
    raw = _get(row, f"confidence_{fld}")
    row_conf = _get(row, "confidence")
    if raw is None:
        raw = row_conf
    if raw is None:
        return None
    text = _get(row, fld) or ""
    key = _key(text)
    tokens = _TOKEN.findall(text)
    alpha = _ALPHA.findall(text)
    unknown = [w for w in alpha if not is_known(w)]
    rare = [w for w in unknown if ctx.words[w.lower()] < 2]
    med = ctx.median_len.get(fld) or 1.0
    prev = block[ri - 1] if ri > 0 else None
    parts = _signs(ctx, bi, ri, fld, m)
    f: dict[str, float] = {
        "conf": float(raw),
        "conf_low": max(0.0, 0.75 - float(raw)),
        f"conf_{fld}": float(raw),  # the word score means more in some columns
        "row_conf": float(row_conf if row_conf is not None else raw),
        # the score against the document's typical one (not the document's own level,
        # which with a few documents to fit on only tells them apart)
        "conf_rel": float(raw) - ctx.median_conf,
        "is_sasaran": float(fld == "sasaran"),
        "is_indikator": float(fld == "indikator"),
        "is_formulasi": float(fld == "formulasi"),
        "empty": float(not text.strip()),
        "len_ratio": math.log((len(text) + 1) / (med + 1)),
        "short": float(0 < len(tokens) <= 2),
        "unknown": len(unknown) / len(alpha) if alpha else 0.0,
        "n_unknown": float(min(m.unknown_cap, len(unknown))),
        "rare": float(len(rare)),
        "starts_lower": float(bool(text) and (text[0].islower() or text[0] in ")]},.")),
        "seen_elsewhere": float(ctx.blocks_with.get(fld, Counter())[key] >= 2),
        "near_dup": float(key in ctx.near_dup.get(fld, ())),
        "filled_down": float(prev is not None and bool(key) and _key(_get(prev, fld)) == key),
        # one weight for all the signs: a sign one seed never shows still counts
        "anomalies": _anomalies(parts, m),
        "sibling_anomaly": max(
            (min(1.0, _anomalies(_signs(ctx, bi, ri, g, m), m)) for g in FIELDS if g != fld),
            default=0.0,
        ),
    }
    if detail:
        f.update(parts)
    return f


def _bad_multipliers(tokens: list[str], m: CellModel) -> int:
    """Numbers after a multiplier word that are not a clean ``100`` / ``NN%``."""
    bad = 0
    for a, b in zip(tokens, tokens[1:]):
        if a.lower().strip(".,:") not in m.multiplier_words:
            continue
        if b.lower() in m.multiplier_words:
            bad += 1  # "di kali x 100%"
        elif any(ch.isdigit() for ch in b) and not m.good_number.match(b):
            bad += 1
    return bad


def iter_cells(ctx: DecreeContext) -> Iterable[tuple[int, int, str]]:
    for bi, block in enumerate(ctx.blocks):
        for ri in range(len(block)):
            for fld in FIELDS:
                yield bi, ri, fld


def rescore_rows(blocks: Sequence[Sequence[Any]], model: CellModel | None = None) -> int:
    """Replace the raw cell scores of a decree's rows by the model's probability.

    ``blocks``: the indikator rows of each jabatan (dataclasses or JSON dicts);
    rows without confidences (born-digital pages) are left alone.  Returns the
    number of cells rescored.
    """
    if os.environ.get("IKI_RAW_CONFIDENCE"):
        return 0
    m = model or _default_model()
    if not m.coef or not any(_get(r, "confidence") is not None for b in blocks for r in b):
        return 0
    ctx = decree_context(blocks)
    new: dict[tuple[int, int], dict[str, float]] = {}
    for bi, ri, fld in iter_cells(ctx):
        feats = cell_features(ctx, bi, ri, fld, m)
        if feats is not None:
            new.setdefault((bi, ri), {})[fld] = round(m.probability(feats), 3)
    for (bi, ri), confs in new.items():
        row = ctx.blocks[bi][ri]
        for fld, p in confs.items():
            _set(row, f"confidence_{fld}", p)
        _set(row, "confidence", min(confs.values()))
    return sum(len(c) for c in new.values())
