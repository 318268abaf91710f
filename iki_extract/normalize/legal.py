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
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from ..resources import models_dir
from .legal_read import _fold, _ministry_fold, _parse_doc

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
