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

    .venv/bin/python tools/prepare_points.py --states

then writes geo/gazetteer/us_state_points.csv from those files and ne_10m_admin_1_label_points.csv: the U.S.
states whose Natural Earth label points tied to no GeoNames admin1 code or to another state's, with their own
code and the middle of their counties (`state_points`). The index build applies it (`mapgen.gazetteer`).
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


# U.S. states by Natural Earth's name and their USPS code: the state whose counties give a point below
USPS = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS",
    "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
    "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
    "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
    "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD",
    "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}
STATE_SOURCE = ("Natural Earth 10m admin-1 {id}; point: the land-area-weighted middle of its counties' Census "
                "internal points (geo/gazetteer/us_counties.csv), its label points tying to no or another state")


def state_points(labels: Path, counties_csv: Path) -> list[dict]:
    """The U.S. states whose Natural Earth label points tied to no GeoNames admin1 code or to another state's
    (`gn_admin1` of ne_10m_admin_1_label_points.csv: Oregon, Vermont, Delaware and New Jersey none, New
    Hampshire Vermont's), each with its own code and a point: the middle (mean on the sphere) of its counties'
    internal points, weighted by land area (7-14 km from GeoNames' own state points for these five)."""
    import math

    with open(counties_csv, newline="", encoding="utf-8") as f:
        counties = list(csv.DictReader(f))
    out = []
    with open(labels, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = USPS.get(r["name"]) if r["iso_a2"] == "US" else None
            if code is None or r["gn_admin1"] == code:
                continue
            x = y = z = 0.0
            for c in counties:
                if c["state"] == code:
                    a, la, lo = float(c["land_km2"]), math.radians(float(c["lat"])), math.radians(float(c["lon"]))
                    x, y, z = x + a * math.cos(la) * math.cos(lo), y + a * math.cos(la) * math.sin(lo), z + a * math.sin(la)
            out.append({"adm1_code": r["adm1_code"], "name": r["name"], "admin1": code,
                        "lat": repr(round(math.degrees(math.atan2(z, math.hypot(x, y))), 5)),
                        "lon": repr(round(math.degrees(math.atan2(y, x)), 5)),
                        "source": STATE_SOURCE.format(id=r["adm1_code"])})
    return sorted(out, key=lambda r: r["adm1_code"])


def write(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(rows):,} rows, {path.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    if sys.argv[1:] == ["--states"]:  # from the two files above, already derived
        write(GAZ / "us_state_points.csv", state_points(GAZ / "ne_10m_admin_1_label_points.csv", GAZ / "us_counties.csv"))
        raise SystemExit(0)
    if len(sys.argv) != 3:
        raise SystemExit("usage: prepare_points.py COUNTRIES_CSV COUNTIES_TXT")
    write(GAZ / "geonames_country_points.csv", country_points(Path(sys.argv[1])))
    write(GAZ / "us_counties.csv", counties(Path(sys.argv[2])))
