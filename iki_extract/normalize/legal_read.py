"""Reading one legal reference from the marks of the pipeline of :mod:`.legal`.

The entity ruler leaves ``JENIS``, ``NOMOR_KW``, ``TAHUN_KW``, ``TENTANG``, ``END`` and
``AMEND`` marks; :func:`_parse_doc` reads them left to right into ``jenis``, ``issuer``,
``nomor``, ``tahun``, ``tentang``, ``key`` and ``amended_by``, with the compiled table of
``models/legal/jenis.yaml`` for the issuers and region words.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc, Span

_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_SLASH_YEAR_RE = re.compile(r"/((?:19|20)\d\d)$")
_SHORT_NOMOR_RE = re.compile(r"(\d+[A-Za-z]?)/((?:19|20)\d\d)")
_HEADER_STOP = {"NOMOR_KW", "TAHUN_KW", "TENTANG", "END", "AMEND", "JENIS"}
_BREAK_CHARS = {";", ",", "(", ")", ":"}


def _fold(text: str) -> str:
    """Casefold, punctuation to spaces (except "/"), spaces folded."""
    text = re.sub(r"[^\w/]+", " ", text.casefold())
    return " ".join(text.replace("/", " / ").split())


def _parse_doc(doc: Doc, table: dict[str, Any]) -> dict[str, Any] | None:
    marks = {e.start: e for e in doc.ents}
    jenis_ents = [e for e in doc.ents if e.label_ == "JENIS"]
    main, end = None, 0
    for ent in jenis_ents:
        main, end = _parse_one(doc, ent, marks, table)
        if main is not None:
            break
    if main is None:
        return None
    amended: list[dict[str, Any]] = []
    amend = next((e for e in doc.ents if e.label_ == "AMEND" and e.start >= end), None)
    if amend is not None:
        pos = amend.end
        for ent in jenis_ents:
            if ent.start < pos:
                continue
            ref, stop = _parse_one(doc, ent, marks, table)
            if ref is None:
                continue
            ref.pop("amended_by", None)
            amended.append(ref)
            pos = _skip_parenthesis(doc, stop)
    main["amended_by"] = amended
    return main


def _skip_parenthesis(doc: Doc, i: int) -> int:
    """Past the ")" closing a "(Lembaran ...)" that starts at token ``i``."""
    if i >= len(doc) or doc[i].text != "(":
        return i
    depth = 0
    for j in range(i, len(doc)):
        depth += {"(": 1, ")": -1}.get(doc[j].text, 0)
        if depth == 0:
            return j + 1
    return len(doc)


def _label_at(marks: dict[int, Span], i: int) -> str | None:
    mark = marks.get(i)
    return mark.label_ if mark is not None else None


def _parse_one(
    doc: Doc, ent: Span, marks: dict[int, Span], table: dict[str, Any]
) -> tuple[dict[str, Any] | None, int]:
    """Parse the citation that starts with the jenis ``ent``; return it and its end token."""
    code, _, ministry = ent.ent_id_.partition("@")
    info = table["jenis"][code]
    n = len(doc)

    # issuer words: up to "Nomor", "Tahun", "tentang", a number or punctuation
    i = ent.end
    while i < n and _label_at(marks, i) not in _HEADER_STOP:
        tok = doc[i]
        if tok.text in _BREAK_CHARS or tok.text[0].isdigit():
            break
        i += 1
    issuer_words = doc[ent.end : i].text.strip()

    # nomor
    has_kw = _label_at(marks, i) == "NOMOR_KW"
    if has_kw:
        i = marks[i].end
    start = i
    while i < n and _label_at(marks, i) not in _HEADER_STOP and doc[i].text not in {";", ",", "("}:
        i += 1
    nomor = _clean_nomor(doc[start:i].text)

    # tahun
    tahun = None
    if _label_at(marks, i) == "TAHUN_KW":
        i = marks[i].end
        while i < n and doc[i].text in {":", "."}:
            i += 1
        if i < n and _YEAR_RE.fullmatch(doc[i].text):
            tahun = int(doc[i].text)
            i += 1

    # anything else up to "tentang" (dates, "Seri E", ...) belongs to the header
    while i < n and _label_at(marks, i) not in {"TENTANG", "END", "AMEND", "JENIS"}:
        i += 1
    tentang = None
    if _label_at(marks, i) == "TENTANG":
        start = i = marks[i].end
        while i < n and _label_at(marks, i) not in {"END", "AMEND"}:
            i += 1
        tentang = _clean_tentang(doc[start:i].text)

    nomor, tahun = _nomor_tahun(nomor, tahun, info["numbered"])
    if info["weak"] and not (has_kw or tahun):
        return None, ent.end
    issuer, prefix = _issuer(info, ministry, issuer_words, table)
    ref = {
        "jenis": info["name"],
        "issuer": issuer,
        "nomor": nomor,
        "tahun": tahun,
        "tentang": tentang,
        "key": _key(prefix, nomor, tahun, info["numbered"]),
        "amended_by": [],
    }
    return ref, i


def _clean_nomor(raw: str) -> str | None:
    nomor = re.sub(r"\s+", "", raw).strip(":.-")
    if not nomor or not re.search(r"[0-9A-Za-z]", nomor) or re.fullmatch(r"[xX.…_-]+", nomor):
        return None  # "...", "XX", "…": a placeholder
    return nomor


def _nomor_tahun(nomor: str | None, tahun: int | None, numbered: bool):
    if not numbered:  # "UUD 1945": the number is the year
        if tahun is None and nomor and _YEAR_RE.fullmatch(nomor):
            tahun = int(nomor)
        return None, tahun
    if nomor and tahun is None:
        short = _SHORT_NOMOR_RE.fullmatch(nomor)
        if short:  # "UU 23/2014"
            return short.group(1), int(short.group(2))
        slash = _SLASH_YEAR_RE.search(nomor)
        if slash:  # "PER/09/M.PAN/5/2007", "188.45/774/KEP/35.07.013/2018"
            tahun = int(slash.group(1))
    return nomor, tahun


def _clean_tentang(raw: str) -> str | None:
    text = " ".join(raw.split()).lstrip(":").strip()
    text = re.sub(r"\s*[;,]\s*dan$", "", text)
    text = text.rstrip(" ;.,:").strip()
    return text or None


def _ministry_fold(text: str) -> str:
    text = _fold(text)
    text = re.sub(r"^negara ", "", text)
    return re.sub(r" (republik indonesia|ri)$", "", text)


def _split_region(words: str, table: dict[str, Any]) -> tuple[dict[str, str] | None, str]:
    """Split the region type off: "Kabupaten Malang" -> (Kabupaten entry, "Malang")."""
    toks = re.sub(r"^(\w+\.)(?=\S)", r"\1 ", words).split()  # "Kab.Malang"
    if len(toks) > 1 and _fold(toks[0]) in table["regions"]:
        return table["regions"][_fold(toks[0])], " ".join(toks[1:])
    return None, " ".join(toks)


def _issuer(
    info: dict[str, Any], ministry: str, words: str, table: dict[str, Any]
) -> tuple[str | None, str]:
    """The issuer and the key prefix of one citation."""
    rule, abbr = info["issuer"], info["abbr"]
    words = words.strip(" ,;:")
    if "fixed" in rule:
        return rule["fixed"], abbr
    if "ministry" in rule:
        if not ministry and words:
            folded = _ministry_fold(words)
            ministry = next((m["code"] for m in table["ministry_names"] if m["fold"] == folded), "")
        if ministry:
            known = table["ministries"][ministry]
            return known["issuer"], known["abbr"].get(rule["ministry"], abbr)
        if not words:
            return None, abbr
        words = re.sub(r"(?i)\s+(republik indonesia|ri)$", "", words)
        return f"Menteri {words}", f"{abbr} {words}"
    if "office" in rule:
        _, name = _split_region(words, table)
        office = rule["office"]
        return (f"{office} {name}", f"{abbr} {name}") if name else (office, abbr)
    if "region" in rule:
        region, name = _split_region(words, table)
        if not name:
            return None, abbr
        if region is None:
            return name, f"{abbr} {name}"
        return f"{region['type']} {name}", f"{abbr} {region['key']} {name}"
    return (words or None), (f"{abbr} {words}" if words else abbr)


def _key(prefix: str, nomor: str | None, tahun: int | None, numbered: bool) -> str | None:
    """The key, e.g. "UU 23/2014"; ``None`` unless both the number and the year are known."""
    if not numbered:
        return f"{prefix} {tahun}" if tahun else None
    if not nomor or not tahun:
        return None
    if nomor.endswith(f"/{tahun}"):
        return f"{prefix} {nomor}"
    return f"{prefix} {nomor}/{tahun}"
