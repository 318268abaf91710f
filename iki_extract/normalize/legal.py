"""Legal references: the items of a decree's ``mengingat`` part, parsed into parts.

A small rule-based spaCy pipeline (blank ``id`` language, no trained model) does
the work; its rules are data under ``models/legal/``:

* ``jenis.yaml``: canonical kinds of instrument (jenis), their surface variants
  and key abbreviations, ministries and region words;
* ``patterns.jsonl``: entity-ruler patterns for the structure words ("Nomor",
  "Tahun", "tentang", "(Lembaran ...", "sebagaimana ...") and extra jenis forms.

``python -m iki_extract.normalize.legal --build`` compiles both into a pipeline
saved with ``nlp.to_disk`` under ``models/legal/pipeline/``; :func:`legal_nlp`
loads it with ``spacy.load``.  The pipeline is:

1. the tokenizer of the blank ``id`` language, plus a few prefix rules that split
   "No.188.45/...", "Nomor10" and "Tahun2014";
2. ``entity_ruler``: marks ``JENIS`` (id = jenis code, or ``code@ministry``),
   ``NOMOR_KW``, ``TAHUN_KW``, ``TENTANG``, ``END`` and ``AMEND``;
3. ``iki_legal_refs``: reads the marks left to right and sets ``doc._.legal_ref``.

:func:`parse_legal_ref` returns a dict with ``jenis``, ``issuer``, ``nomor``,
``tahun``, ``tentang``, ``key`` and ``amended_by`` (or ``None`` for text that
cites no instrument).  See ``docs/legal_refs.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from ..resources import models_dir

LANG = "id"
COMPONENT = "iki_legal_refs"
TOKENIZER = "iki_legal_tokenizer.v1"
SOURCES = ("jenis.yaml", "patterns.jsonl")
META_DIGEST = "iki_sources_sha256"

# Split "No.188.45/..", "Nomor10", "Nomor:PER/..", "Tahun2014" and "-Undang".
_EXTRA_PREFIXES = [
    r"(?:[Nn][Oo][Mm][Oo][Rr]|[Nn][Oo])[.:]?(?=\d)",
    r"[Nn][Oo][.:](?=[A-Za-z])",
    r"[Nn][Oo][Mm][Oo][Rr]:(?=\w)",
    r"[Tt][Aa][Hh][Uu][Nn](?=\d)",
    r"[-\u2010\u2013\u2014\u2212](?=[A-Za-z])",
]
_DASHES = ["-", "\u2010", "\u2013", "\u2014", "\u2212"]

_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_SLASH_YEAR_RE = re.compile(r"/((?:19|20)\d\d)$")
_SHORT_NOMOR_RE = re.compile(r"(\d+[A-Za-z]?)/((?:19|20)\d\d)")
_HEADER_STOP = {"NOMOR_KW", "TAHUN_KW", "TENTANG", "END", "AMEND", "JENIS"}
_BREAK_CHARS = {";", ",", "(", ")", ":"}

if not Doc.has_extension("legal_ref"):
    Doc.set_extension("legal_ref", default=None)


# -- locations and sources ---------------------------------------------------


def legal_dir() -> Path:
    """``models/legal``: the rule files and the saved pipeline."""
    return models_dir() / "legal"


def pipeline_dir() -> Path:
    """Where the built pipeline is saved (``nlp.to_disk``) and loaded from."""
    return legal_dir() / "pipeline"


def sources_digest(src: Path | None = None) -> str | None:
    """SHA-256 over the rule files (``None`` when they are not shipped)."""
    src = src or legal_dir()
    h = hashlib.sha256()
    for name in SOURCES:
        path = src / name
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        h.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return h.hexdigest()


# -- the pipeline component --------------------------------------------------


class LegalRefParser:
    """Reads the entity-ruler marks of a doc and sets ``doc._.legal_ref``."""

    def __init__(self, nlp: Language, name: str = COMPONENT) -> None:
        self.name = name
        self.table: dict[str, Any] = {}

    def __call__(self, doc: Doc) -> Doc:
        doc._.legal_ref = _parse_doc(doc, self.table)
        return doc

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.table, ensure_ascii=False, indent=1, sort_keys=True)
        (path / "table.json").write_text(text + "\n", encoding="utf-8")

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> LegalRefParser:
        self.table = json.loads((Path(path) / "table.json").read_text(encoding="utf-8"))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return json.dumps(self.table, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> LegalRefParser:
        self.table = json.loads(data.decode("utf-8"))
        return self


@Language.factory(COMPONENT)
def _make_component(nlp: Language, name: str) -> LegalRefParser:
    return LegalRefParser(nlp, name)


# -- building ------------------------------------------------------------------


@spacy.registry.tokenizers(TOKENIZER)
def _tokenizer_factory() -> Callable[[Language], Tokenizer]:
    """The ``id`` punctuation rules plus :data:`_EXTRA_PREFIXES`, without the ~32k
    Indonesian special cases (reduplications): loading those takes seconds, and
    the patterns accept a word pair split at its hyphen anyway."""

    def create(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules={},
            prefix_search=compile_prefix_regex(
                list(defaults.prefixes or []) + _EXTRA_PREFIXES
            ).search,
            suffix_search=compile_suffix_regex(defaults.suffixes or []).search,
            infix_finditer=compile_infix_regex(defaults.infixes or []).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return create


def _blank() -> Language:
    return spacy.blank(LANG, config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})


def _read_sources(src: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with open(src / "jenis.yaml", encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    patterns = []
    with open(src / "patterns.jsonl", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                patterns.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"patterns.jsonl line {lineno}: {exc}") from exc
    return spec, patterns


def _fold(text: str) -> str:
    """Casefold, punctuation to spaces (except "/"), spaces folded."""
    text = re.sub(r"[^\w/]+", " ", text.casefold())
    return " ".join(text.replace("/", " / ").split())


def _compile_table(spec: dict[str, Any]) -> dict[str, Any]:
    jenis = {}
    for entry in spec["jenis"]:
        issuer = entry.get("issuer") or {"fixed": None}
        jenis[entry["code"]] = {
            "name": entry["name"],
            "abbr": entry["abbr"],
            "issuer": issuer,
            "numbered": entry.get("numbered", True),
            "weak": bool(entry.get("weak", False)),
        }
    ministries = []
    for m in spec.get("ministries", []):
        for name in m["names"]:
            ministries.append({"fold": _ministry_fold(name), "code": m["code"]})
    ministries.sort(key=lambda m: -len(m["fold"]))
    return {
        "jenis": jenis,
        "ministry_names": ministries,
        "ministries": {
            m["code"]: {"issuer": m["issuer"], "abbr": m["abbr"]}
            for m in spec.get("ministries", [])
        },
        "regions": {
            _fold(form): {"type": r["type"], "key": r["key"]}
            for r in spec.get("regions", [])
            for form in r["forms"]
        },
    }


def _variant_patterns(nlp: Language, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Entity-ruler patterns for every jenis variant (dash-tolerant, case-insensitive)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in spec["jenis"]:
        for variant in entry["variants"]:
            if isinstance(variant, dict):
                text, ent_id = variant["text"], f"{entry['code']}@{variant['ministry']}"
            else:
                text, ent_id = variant, entry["code"]
            for pattern in _token_patterns(nlp, text):
                sig = json.dumps([ent_id, pattern], sort_keys=True)
                if sig not in seen:
                    seen.add(sig)
                    out.append({"label": "JENIS", "id": ent_id, "pattern": pattern})
    return out


def _token_patterns(nlp: Language, text: str) -> list[list[dict[str, Any]]]:
    """A "-" between words may be written tight, spaced, as a dash, or left out."""
    parts = re.split(r"\s*([-\u2010\u2013\u2014\u2212])\s*", text.strip())
    words, joints = parts[::2], len(parts) // 2
    patterns = []
    for choice in itertools.product((True, False), repeat=joints):
        pattern: list[dict[str, Any]] = []
        buf = words[0]
        for tight, word in zip(choice, words[1:], strict=True):
            if tight:
                buf += "-" + word
            else:
                pattern += [{"LOWER": t.lower_} for t in nlp.make_doc(buf)]
                pattern.append({"LOWER": {"IN": _DASHES}, "OP": "?"})
                buf = word
        pattern += [{"LOWER": t.lower_} for t in nlp.make_doc(buf)]
        patterns.append(pattern)
    return patterns


def build(out: Path | str | None = None, src: Path | str | None = None) -> Language:
    """Build the pipeline from the rule files in ``src`` (default ``models/legal``).

    With ``out`` the pipeline is also saved there (``nlp.to_disk``).
    """
    src = Path(src) if src else legal_dir()
    spec, patterns = _read_sources(src)
    nlp = _blank()
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    ruler.add_patterns(_variant_patterns(nlp, spec) + patterns)
    component = nlp.add_pipe(COMPONENT)
    component.table = _compile_table(spec)
    nlp.meta.update(
        {
            "name": "iki_legal_refs",
            "version": "1.0.0",
            "description": "Rule-based parser for Indonesian legal citations (mengingat items); "
            "built from models/legal/jenis.yaml and patterns.jsonl.",
            META_DIGEST: sources_digest(src),
        }
    )
    if out is not None:
        nlp.to_disk(out)
    return nlp


@lru_cache(maxsize=1)
def legal_nlp() -> Language:
    """The legal-reference pipeline, loaded once from ``models/legal/pipeline``.

    A missing or stale saved pipeline (rule files changed since the last
    ``--build``) is rebuilt in memory from the rule files, with a warning.
    """
    path = pipeline_dir()
    if (path / "config.cfg").is_file():
        nlp = spacy.load(path)
        current = sources_digest()
        if current is None or nlp.meta.get(META_DIGEST) == current:
            return nlp
        reason = f"saved legal pipeline {path} is older than its rule files"
    else:
        reason = f"no saved legal pipeline at {path}"
    warnings.warn(
        f"{reason}; building it in memory "
        "(run `python -m iki_extract.normalize.legal --build` to save it)",
        stacklevel=2,
    )
    return build()


# -- parsing -------------------------------------------------------------------


def _normalize(text: str) -> str:
    return " ".join(str(text).split())


def parse_legal_ref(text: str) -> dict[str, Any] | None:
    """Parse one ``mengingat`` item; ``None`` when it cites no legal instrument."""
    if not text or not str(text).strip():
        return None
    return legal_nlp()(_normalize(text))._.legal_ref


def parse_many(texts: Iterable[str], batch_size: int = 256) -> list[dict[str, Any] | None]:
    """:func:`parse_legal_ref` over many items (``nlp.pipe``), in order."""
    texts = [_normalize(t) if t else "" for t in texts]
    docs = legal_nlp().pipe(texts, batch_size=batch_size)
    return [doc._.legal_ref if text else None for text, doc in zip(texts, docs, strict=True)]


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


# -- command line ----------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m iki_extract.normalize.legal",
        description="Build or try the legal-reference (mengingat) pipeline.",
    )
    ap.add_argument("--build", action="store_true", help="rebuild the saved pipeline")
    ap.add_argument("--check", action="store_true", help="exit 1 if the saved pipeline is stale")
    ap.add_argument("--out", type=Path, help="where to save (default models/legal/pipeline)")
    ap.add_argument("text", nargs="*", help="items to parse and print as JSON")
    args = ap.parse_args(argv)
    if args.build:
        out = args.out or pipeline_dir()
        build(out=out)
        legal_nlp.cache_clear()
        print(f"saved {out}", file=sys.stderr)
    if args.check:
        meta = pipeline_dir() / "meta.json"
        saved = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        if saved.get(META_DIGEST) != sources_digest():
            print(f"stale or missing: {pipeline_dir()} (run --build)", file=sys.stderr)
            return 1
    for ref in parse_many(args.text) if args.text else []:
        print(json.dumps(ref, ensure_ascii=False))
    if not (args.build or args.check or args.text):
        ap.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
