"""Candidates for the header fields, each with the features that score it.

Every place a field could be read from becomes a :class:`Candidate`: the
decree number after each "Nomor"/"No." of the kop, title block and cover; the
year from TENTANG, the "NOMOR n TAHUN yyyy" title, the nomor, the cover and
the penetapan date; kecamatan and kabupaten/kota from the kop, the issuer
line, TENTANG and the signature.  Features are shape (digits, ``/``, ``.``, a
year), position relative to the title and TENTANG, and context that rules a
candidate out (an address in the kop, a cited law).  Weights live in
``models/header.yaml``; :func:`best` picks the winner, or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import rules
from ..normalize.text import fold, is_upper_text, title_case


@dataclass(frozen=True)
class Line:
    text: str
    zone: str  # "cover" | "kop" | "head"
    index: int  # position in the kop+head sequence (cover lines: negative)


@dataclass(frozen=True)
class Candidate:
    field: str
    value: Any
    score: float
    features: tuple[str, ...]
    line: int = -1
    raw: str = ""
    year: int | None = None  # "NOMOR 44 TAHUN 2022": the year the title gives with the number


def config() -> dict[str, Any]:
    return rules.load("header.yaml")


def _words_re(words: Iterable[str]) -> re.Pattern[str]:
    words = [w for w in words if w]
    if not words:
        return re.compile(r"(?!)")  # matches nothing
    alt = "|".join(
        re.escape(w).replace(r"\ ", r"[\s-]*") for w in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<![A-Za-z])(?:{alt})(?![A-Za-z])", re.I)


@dataclass(frozen=True)
class _Res:
    address: re.Pattern[str]
    citation: re.Pattern[str]
    title: re.Pattern[str]
    label: re.Pattern[str]
    stop: re.Pattern[str]


@lru_cache(maxsize=1)
def _res() -> _Res:
    cfg = config()
    labels = sorted(cfg["nomor"]["labels"], key=len, reverse=True)
    label = re.compile(
        r"(?<![A-Za-z])(?P<label>" + "|".join(re.escape(w) for w in labels) + r")"
        r"\s*\.?\s*:?\s*(?=[0-9A-Za-z])",
        re.I,
    )
    titles = sorted(cfg["title_words"], key=len, reverse=True)
    title = re.compile(
        r"^(?P<title>" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in titles) + r")\b"
    )
    ctx = cfg["context"]
    stop = _words_re(["TENTANG", "TANGGAL", "TAHUN"] + list(ctx["address"]))
    return _Res(_words_re(ctx["address"]), _words_re(ctx["citation"]), title, label, stop)


_MARKUP = re.compile(r"^[\s#*|>_\-–•❖]+|[\s*|_]+$")


def clean(text: str) -> str:
    """A line without markdown emphasis, heading marks and table pipes."""
    return fold(_MARKUP.sub("", text.replace("**", " ")))


def is_title(text: str) -> bool:
    """A decree title line: KEPUTUSAN / PERATURAN ... set in capitals."""
    t = clean(text)
    if not _res().title.match(t.upper()) or not t.split()[0][:1].isupper():
        return False
    # in capitals, or a short title-cased line ("Keputusan Camat Palaran"), not a sentence
    return t.split()[0].isupper() or (len(t) <= 80 and not t.rstrip().endswith((".", ";", ",")))


def is_address(text: str) -> bool:
    return bool(_res().address.search(text))


def is_citation(prefix: str, line: str) -> bool:
    """The words before a "Nomor" name another instrument ("Peraturan Bupati ... Nomor")."""
    if not _res().citation.search(prefix):
        return False
    # a decree's own title run into one line: "KEPUTUSAN CAMAT X NOMOR 12/2020"
    return not (is_title(line) and is_upper_text(prefix))


# --------------------------------------------------------------------------- nomor


def split_nomor(rest: str) -> tuple[str | None, str]:
    """The number after a "Nomor" label and the text after it: tokens glued by
    ``/ . -``, stopping at the first token that does not continue the number
    ("Nomor 48 Jongkong Kode Pos 78763" → ``"48"``)."""
    toks = rest.split()
    out: list[str] = []
    for tok in toks:
        if out and _res().stop.match(tok):
            break
        if out and not (out[-1][-1] in "/.-" or tok[0] in "/.-"):
            break
        out.append(tok)
    value = "".join(out).strip(" .,:;()")
    after = " ".join(toks[len(out) :])
    return (value if re.search(r"\d", value) else None), after


def nomor_value(rest: str) -> str | None:
    return split_nomor(rest)[0]


_YEAR_AFTER = re.compile(r"^\s*TAHUN\s*(?P<y>(?:19|20)\d{2})\b", re.I)


def nomor_candidates(lines: Sequence[Line]) -> list[Candidate]:
    """Every "Nomor"/"No." followed by a number, scored."""
    cfg = config()["nomor"]
    w = cfg["weights"]
    title_at = next((ln.index for ln in lines if ln.zone != "cover" and is_title(ln.text)), None)
    tentang_at = tentang_index(lines)
    out: list[Candidate] = []
    for ln in lines:
        text = clean(ln.text)
        for m in _res().label.finditer(text):
            value, after = split_nomor(text[m.end() :])
            if value is None:
                continue
            feats: list[str] = []
            prefix = text[: m.start()]
            if not prefix.strip():
                feats.append("opens_line")
            if title_at is not None and 0 <= ln.index - title_at <= cfg["near_title_lines"]:
                feats.append("near_title")
            if tentang_at is not None and ln.index < tentang_at and ln.zone != "cover":
                feats.append("before_tentang")
            if tentang_at is not None and ln.index > tentang_at:
                feats.append("after_tentang")
            if re.search(r"\d", value):
                feats.append("digits")
            if "/" in value:
                feats.append("slash")
            if re.search(r"\d\.\d", value):
                feats.append("dotted")
            if is_address(text):
                feats.append("address")
            if is_citation(prefix, text) or re.search(r"\btentang\b", text[m.end() :]) and not is_upper_text(text):
                feats.append("citation")
            if ln.zone == "cover":
                feats.append("cover")
            score = sum(w[f] for f in feats)
            y = _YEAR_AFTER.match(after)
            year = int(y.group("y")) if y else None
            out.append(Candidate("nomor", value, score, tuple(feats), ln.index, text, year))
    return out


# --------------------------------------------------------------------------- tahun

_TAHUN = re.compile(r"\bTAHUN\s*(?:ANGGARAN\s*)?(?P<y>(?:19|20)\d{2})\b", re.I)
_NOMOR_YEAR = re.compile(r"(?:^|[/.\-])(?P<y>(?:19|20)\d{2})$")


def _year_ok(y: int) -> bool:
    cfg = config()["tahun"]
    return cfg["min_year"] <= y <= cfg["max_year"]


def tahun_candidates(
    tentang: str | None,
    nomor: Candidate | None,
    cover: Sequence[str],
    tanggal: str | None,
) -> list[Candidate]:
    """Years the indicators may be for, by source; cited laws never count."""
    src = config()["tahun"]["sources"]
    found: list[tuple[str, int]] = []
    if tentang:
        found += [("tentang", int(m.group("y"))) for m in _TAHUN.finditer(tentang)]
    if nomor is not None:
        if nomor.year is not None:
            found.append(("title", nomor.year))
        m = _NOMOR_YEAR.search(nomor.value)
        if m:
            found.append(("nomor", int(m.group("y"))))
    for text in cover:
        t = clean(text)
        if is_address(t) or _res().citation.search(t) and not is_upper_text(t):
            continue
        found += [("cover", int(m.group("y"))) for m in _TAHUN.finditer(t)]
    if tanggal and re.match(r"\d{4}", tanggal):
        found.append(("tanggal", int(tanggal[:4])))
    return _vote("tahun", [(s, y) for s, y in found if _year_ok(y)], src, config()["tahun"]["agree"])


def _vote(
    field: str, found: Sequence[tuple[str, Any]], weights: dict[str, float], agree: float = 0.0
) -> list[Candidate]:
    """One candidate per value: the best source's weight plus ``agree`` per further source."""
    by: dict[Any, list[str]] = {}
    for source, value in found:
        by.setdefault(value, []).append(source)
    out = []
    for value, sources in by.items():
        ws = sorted((weights[s] for s in sources), reverse=True)
        out.append(Candidate(field, value, ws[0] + agree * (len(ws) - 1), tuple(sources)))
    return out


def best(cands: Sequence[Candidate], min_score: float) -> Candidate | None:
    """The highest-scoring candidate at or above ``min_score`` (first one on ties)."""
    top: Candidate | None = None
    for c in cands:
        if c.score >= min_score and (top is None or c.score > top.score):
            top = c
    return top


# --------------------------------------------------------------------------- region

_STOP_REGION = re.compile(
    r"\s+(?:KECAMATAN|KABUPATEN|KOTA|PROVINSI|NOMOR|TENTANG|TAHUN|DAN|PADA|DI|DILINGKUNGAN)\b.*$",
    re.I,
)
_KECAMATAN = re.compile(r"\bKECAMATAN\s+(?P<name>[A-Za-z][A-Za-z .'-]*)", re.I)
_REGION = re.compile(r"\b(?P<kind>KABUPATEN|KOTA)\s+(?P<name>[A-Za-z][A-Za-z .'-]*)", re.I)
_PEMERINTAH = re.compile(r"PEMERINTAH\s*(?P<kind>KABUPATEN|KOTA)\s*(?P<name>[A-Za-z][A-Za-z .'-]*)", re.I)


def cut_region(name: str) -> str:
    return _STOP_REGION.sub("", " " + name).strip(" ,.'-")


def kecamatan_names(text: str) -> list[str]:
    out = []
    for m in _KECAMATAN.finditer(text):
        name = cut_region(m.group("name"))
        if name:
            out.append(title_case(name) or name)
    return out


def kabupaten_names(text: str, pemerintah: bool = False) -> list[str]:
    out = []
    for m in (_PEMERINTAH if pemerintah else _REGION).finditer(text):
        name = cut_region(m.group("name"))
        if name:
            out.append(f"{m.group('kind').title()} {title_case(name)}")
    return out


def region_vote(field: str, found: Sequence[tuple[str, str]]) -> Candidate | None:
    """The name with the most weight over its sources (kop, issuer, TENTANG, signature)."""
    cfg = config()["region"]
    weights = cfg["kecamatan" if field == "kecamatan" else "kabupaten"]
    keyed: dict[str, str] = {}
    votes: list[tuple[str, str]] = []
    for source, name in found:
        key = name.casefold()
        keyed.setdefault(key, name)
        votes.append((source, key))
    by: dict[str, float] = {}
    srcs: dict[str, list[str]] = {}
    for source, key in votes:
        by[key] = by.get(key, 0.0) + weights[source]
        srcs.setdefault(key, []).append(source)
    cands = [Candidate(field, keyed[k], s, tuple(srcs[k])) for k, s in by.items()]
    return best(cands, cfg["min_score"])


# --------------------------------------------------------------------------- positions


def tentang_index(lines: Sequence[Line]) -> int | None:
    """Index of the decree's TENTANG line (alone, or inline in a title line)."""
    for ln in lines:
        if ln.zone == "cover":
            continue
        t = clean(ln.text)
        if re.match(r"^TENTANG\b", t, re.I) or re.search(r"\bTENTANG\b", t) and is_upper_text(t):
            return ln.index
    return None
