"""Derive two small point tables into geo/gazetteer/ from public sources (run by a maintainer, not at build time).

    .venv/bin/python tools/prepare_points.py COUNTRIES_CSV COUNTIES_TXT

COUNTRIES_CSV is `countries-cities-currencies/countries.csv` of github.com/gvenzl/sample-data (commit
ff00f9e9c2837785227340286084152ba36ee210, CC BY 4.0; its country points are GeoNames' own, the points of
the PCLI features: Russia 60N 100E, Canada 60.10867N 113.64258W). Writes
geo/gazetteer/geonames_country_points.csv: iso, name, lat, lon (196 countries).

COUNTIES_TXT is the U.S. Census Bureau's 2017 Gazetteer file of counties (2017_Gaz_counties_national.txt, public
domain; as `sources/counties.txt`, pipe-separated without its header, in github.com/MOZGIII/us-gazetteer-go
commit b482698f5911e6f3f1fae97ae131a77b02338090). Writes geo/gazetteer/us_counties.csv: geoid, name, state
(USPS code), lat, lon (the Census internal point), land_km2, for every county, parish, borough, census area
and municipality (3,142 with the District of Columbia's, no Puerto Rico municipios: GeoNames cities500 has
their towns), leaving out the independent cities ("Richmond city"), which are GeoNames towns already.

Both outputs are sorted and byte-stable; tools/prepare_gazetteer.py reads them.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAZ = ROOT / "geo" / "gazetteer"


def country_points(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = [{"iso": r["COUNTRY_CODE"], "name": r["NAME"], "lat": repr(float(r["LATITUDE"])),
            "lon": repr(float(r["LONGITUDE"]))} for r in rows if r["LATITUDE"] and r["LONGITUDE"]]
    return sorted(out, key=lambda r: r["iso"])


def counties(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("|")
            if len(cols) != 10 or cols[0] == "USPS":
                continue
            usps, geoid, _ansi, name, aland = cols[:5]
            if usps == "PR" or name.endswith(" city"):
                continue
            out.append({"geoid": geoid, "name": name, "state": usps, "lat": repr(float(cols[8])),
                        "lon": repr(float(cols[9])), "land_km2": repr(round(int(aland) / 1e6, 1))})
    return sorted(out, key=lambda r: r["geoid"])


def write(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(rows):,} rows, {path.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: prepare_points.py COUNTRIES_CSV COUNTIES_TXT")
    write(GAZ / "geonames_country_points.csv", country_points(Path(sys.argv[1])))
    write(GAZ / "us_counties.csv", counties(Path(sys.argv[2])))
