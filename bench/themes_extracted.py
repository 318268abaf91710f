"""Theme accuracy on *extracted* rows: the hand-labelled seed indicators
(tests/data/indikator_themes.gold.csv) against the themes of the rows the extractor
read from a folder of renderings of the seeds.

    iki-extract extract ../shared/corpus/text -o /tmp/ctext -q
    python bench/themes_extracted.py /tmp/ctext

Each labelled row is paired with the extracted row of the same seed whose indicator
is closest (rapidfuzz ratio >= 80); a labelled row with no such row counts as a miss.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from rapidfuzz import fuzz

from iki_extract.normalize.themes import match_theme

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "indikator_themes.gold.csv"


def main(out_dir: str) -> None:
    preds: dict[str, list[tuple[str, str | None]]] = {}
    for f in sorted((Path(out_dir) / "decrees").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        stem = Path(d["source"]["file"]).name.split(".")[0]
        preds.setdefault(stem, []).extend(
            (r.get("indikator") or "", r.get("sasaran"))
            for j in d["jabatan"]
            for r in j["indikator"]
        )
    n = found = hits = 0
    for g in csv.DictReader(GOLD.open(encoding="utf-8")):
        if g["source"] not in preds:
            continue
        n += 1
        best = max(preds[g["source"]], key=lambda p: fuzz.ratio(p[0], g["indikator"]))
        if fuzz.ratio(best[0], g["indikator"]) >= 80:
            found += 1
            hits += match_theme(best[0], best[1]).theme == g["theme"]
    if not n:
        sys.exit("no extracted decree of a labelled seed in " + out_dir)
    print(f"labelled rows {n}, paired {found}, theme right {hits}: accuracy {hits / n:.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
