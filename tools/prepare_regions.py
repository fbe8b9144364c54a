"""Fill in the points and populations of geo/gazetteer/regions.csv (the English and French names of regions).

Run by a maintainer after a row's members change (never at build time; needs shapely, in the `test` extra):

    .venv/bin/python tools/prepare_regions.py [path/to/ne_10m_geography_regions_polys.json]

(without the path, the `ne-geo:` rows keep the points they have: enough after a change to admin-1 members)

`ne_10m_geography_regions_polys.json` is Natural Earth 10m geography regions (public domain), from
github.com/martynafford/natural-earth-geojson commit 0b9a6ceb (`10m/physical/ne_10m_geography_regions_polys.7z`).

A row's `members` say where it is:
  * `CC:Name` items: Natural Earth admin-1 regions of geo/gazetteer/ne_10m_admin_1_label_points.csv (country,
    name); the row's point is the middle of their points (mean on the sphere), its population the sum of their
    `towns_population`;
  * one `ne-geo:NAME` item: a Natural Earth geography region (mountain range, desert, plateau, "Geoarea");
    the point is the centre of its polygon (its nearest point when the centre falls outside);
  * none: the row keeps its own lat/lon (an editorial point, said so in its source); rows with `same_as` only
    add names to a place already in the index and need no point.
The file is rewritten in place, byte-stable.
"""
from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAZ = ROOT / "geo" / "gazetteer"
NE_GEO = "ne-geo:"


def admin1_points() -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    with open(GAZ / "ne_10m_admin_1_label_points.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault((r["iso_a2"], r["name"]), []).append(r)
    return out


def sphere_mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    x = y = z = 0.0
    for lat, lon in points:
        la, lo = math.radians(lat), math.radians(lon)
        x, y, z = x + math.cos(la) * math.cos(lo), y + math.cos(la) * math.sin(lo), z + math.sin(la)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def geography_regions(path: Path) -> dict[str, object]:
    import shapely.geometry

    with open(path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    return {ft["properties"]["name"]: shapely.geometry.shape(ft["geometry"]) for ft in features}


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    polys = geography_regions(Path(argv[0])) if argv else None
    admin1 = admin1_points()
    path = GAZ / "regions.csv"
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        members = [m for m in row["members"].split(";") if m]
        if not members:
            continue
        if members[0].startswith(NE_GEO):
            if polys is None:
                continue
            import shapely.ops

            geom = polys[members[0][len(NE_GEO):]]
            pt = geom.centroid  # outside a crescent or a scatter of parts: the nearest point of the region
            if not geom.contains(pt):
                pt = shapely.ops.nearest_points(geom, pt)[0]
            row["lat"], row["lon"], row["population"] = f"{pt.y:.4f}", f"{pt.x:.4f}", "0"
            continue
        found = []
        for m in members:
            country, name = m.split(":", 1)
            hits = admin1.get((country, name), [])
            if len(hits) != 1:
                raise SystemExit(f"{row['id']}: member {m!r} matches {len(hits)} admin-1 regions")
            found.append(hits[0])
        lat, lon = sphere_mean([(float(r["lat"]), float(r["lon"])) for r in found])
        row["lat"], row["lon"] = f"{lat:.4f}", f"{lon:.4f}"
        row["population"] = str(sum(int(r["towns_population"] or 0) for r in found))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    print(f"{path}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
