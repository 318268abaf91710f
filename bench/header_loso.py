"""Leave-one-rule-out for the header reader: which inputs need each rule.

Every weight and vocabulary of ``models/header.yaml`` is switched off in turn
(a weight set to 0, a word list emptied) and the header accuracy of each input
is measured again.  A rule whose removal lowers the header of only one seed's
inputs is a rule only that seed needs: a defect by the project's rules.  A rule
no input needs is reported too (kept only when a unit test in tests/test_header.py
shows what it guards).

Inputs: the seeds as text, ``corpus/text/*.s2.txt``, the corpus PDFs flattened
by ``pdftotext -layout``, and (``--docs DIR``) pickled Documents of the corpus
PDFs read by the project's PDF reader, if you cached them.

    python bench/header_loso.py [--docs /tmp/docs] [--json]
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from iki_extract import rules
from iki_extract.eval.metrics import evaluate, load_gold_dir
from iki_extract.export.json_out import decree_json
from iki_extract.ingest.text import read_text
from iki_extract.layout import decree, header_candidates, signature
from iki_extract.layout.decree import read_document
from iki_extract.model import Document

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


# perturbations of the seeds (tests/perturb.py) that exercise the header rules
PERTURBED = ("kop_address_nomor", "nomor_placeholder", "nomor_no_colon", "title_case")


def inputs(docs_dir: Path | None) -> dict[str, tuple[Document, list]]:
    """Every input with its gold: name -> (document, gold decrees)."""
    gold = load_gold_dir(SHARED / "seeds")
    out: dict[str, tuple[Document, list]] = {}
    for p in sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus" / "text").glob("*.txt")):
        out[p.name] = read_text(p, p.read_bytes()), gold[p.name.split(".")[0]]
    for pdf in sorted((SHARED / "corpus" / "pdf").glob("*.pdf")):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
        name = pdf.name + ".layout.txt"
        out[name] = read_text(Path(name), text), gold[pdf.name.split(".")[0]]
    if docs_dir is not None:
        for pk in sorted(docs_dir.glob("*.pdf.pkl")):
            out[pk.name[:-4]] = pickle.loads(pk.read_bytes()), gold[pk.name.split(".")[0]]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from perturb import KINDS

    for p in sorted((SHARED / "seeds").glob("*.txt")):
        stem = p.name.split(".")[0]
        for kind in PERTURBED:
            text, g = KINDS[kind](p.read_text(encoding="utf-8"), gold[stem])
            name = f"{stem}.{kind}.txt"
            out[name] = read_text(Path(name), text.encode("utf-8")), g
    return out


_CURRENT: list[str] = [""]
_TABLE_CACHE: dict[tuple, object] = {}


def _cached(fn):
    """The Lampiran readers do not depend on the header rules: read each region once."""
    def wrapper(blocks, begin, end):
        key = (fn.__name__, _CURRENT[0], begin, end)
        if key not in _TABLE_CACHE:
            _TABLE_CACHE[key] = fn(blocks, begin, end)
        return copy.deepcopy(_TABLE_CACHE[key])

    return wrapper


decree.read_blocks = _cached(decree.read_blocks)
decree.matrix_blocks = _cached(decree.matrix_blocks)


def header_scores(docs: dict[str, tuple[Document, list]]) -> dict[str, float]:
    out = {}
    for name, (doc, gold) in docs.items():
        _CURRENT[0] = name
        ds = [json.loads(decree_json(d)) for d in read_document(doc)]
        rep = evaluate({name.split(".")[0]: gold}, {name: ds})
        out[name] = rep.pooled.header_accuracy or 0.0
    return out


def ablations(cfg: dict) -> Iterator[tuple[str, list[list[str]]]]:
    """(rule name, paths into the config) for every weight and word list, then for
    groups of rules that back each other up (a sum of features hides a single one)."""
    w = cfg["nomor"]["weights"]
    for f in w:
        yield f"nomor.{f}", [["nomor", "weights", f]]
    for c in cfg["context"]:
        yield f"context.{c}", [["context", c]]
    for s in cfg["tahun"]["sources"]:
        yield f"tahun.{s}", [["tahun", "sources", s]]
    for kind in ("kecamatan", "kabupaten"):
        for s in cfg["region"][kind]:
            yield f"region.{kind}.{s}", [["region", kind, s]]
    for x in ("electronic", "mandate", "degrees", "sentence_words"):
        yield f"signature.{x}", [["signature", x]]
    groups = {
        "group.nomor.position": ["opens_line", "near_title", "before_tentang", "after_tentang", "cover"],
        "group.nomor.shape": ["digits", "slash", "dotted"],
        "group.nomor.context": ["address", "citation"],
    }
    for name, feats in groups.items():
        yield name, [["nomor", "weights", f] for f in feats]
    yield "group.context.lists", [["context", c] for c in cfg["context"]]
    yield "group.signature.not_names", [["signature", "electronic"], ["signature", "sentence_words"]]
    for kind in ("kecamatan", "kabupaten"):
        for keep in cfg["region"][kind]:
            others = [s for s in cfg["region"][kind] if s != keep]
            yield f"group.region.{kind}.only_{keep}", [["region", kind, s] for s in others]
    for keep in cfg["tahun"]["sources"]:
        others = [s for s in cfg["tahun"]["sources"] if s != keep]
        yield f"group.tahun.only_{keep}", [["tahun", "sources", s] for s in others]


def _clear_caches() -> None:
    header_candidates._res.cache_clear()
    signature._vocab.cache_clear()


def run(docs_dir: Path | None, only: str = "") -> dict:
    docs = inputs(docs_dir)
    cfg = rules.load("header.yaml")
    saved = copy.deepcopy(cfg)
    base = header_scores(docs)
    report = {"baseline": sum(base.values()) / len(base), "files": len(base), "rules": {}}
    for name, paths in ablations(cfg):
        if only and not name.startswith(only):
            continue
        undo = []
        for path in paths:
            node = cfg
            for key in path[:-1]:
                node = node[key]
            undo.append((node, path[-1], node[path[-1]]))
            node[path[-1]] = [] if isinstance(node[path[-1]], list) else 0.0
        _clear_caches()
        try:
            scores = header_scores(docs)
        finally:
            for node, key, old in undo:
                node[key] = old
            _clear_caches()
        worse = {k: round(base[k] - v, 3) for k, v in scores.items() if v < base[k] - 1e-9}
        better = {k: round(v - base[k], 3) for k, v in scores.items() if v > base[k] + 1e-9}
        seeds = sorted({k.split(".")[0][:3] for k in worse})
        report["rules"][name] = {
            "files_needing": len(worse),
            "seeds_needing": seeds,
            "files_better_without": len(better),
            "mean_drop": round(sum(worse.values()) / len(base), 4),
        }
        print(f"{name:32s} needed by {len(worse):2d} files, seeds {','.join(seeds) or '-':15s}"
              f" better without: {len(better):2d}", flush=True)
    assert cfg == saved
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=Path, help="folder of pickled corpus PDF Documents (*.pdf.pkl)")
    ap.add_argument("--only", default="", help="only the rules whose name starts with this")
    ap.add_argument("--json", action="store_true", help="print the report as JSON at the end")
    args = ap.parse_args(argv)
    report = run(args.docs, args.only)
    single = [r for r, v in report["rules"].items() if len(v["seeds_needing"]) == 1]
    unused = [r for r, v in report["rules"].items() if not v["seeds_needing"] and not r.startswith("group.")]
    print(f"\nbaseline header acc {report['baseline']:.3f} over {report['files']} inputs")
    print("rules only one seed needs:", ", ".join(single) or "none")
    print("rules no input here needs:", ", ".join(unused) or "none")
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
