"""Rail routing on Natural Earth 10m railroads, with curated connectors and a border rule.

The network (geo/rail/world_railways_graph.npz, built by tools/prepare_rail.py) is a graph whose nodes are
line ends and junctions and whose edges are runs of track with their full geometry kept aside. Most of it
is Natural Earth; where Natural Earth has no path at all between two places that an OpenStreetMap-derived
routing graph joins (Alice Springs - Darwin, Golmud - Lhasa), that graph's coarse piece was added when the
data was prepared, flagged (`edge_source`), and every route says how many km it drew from such pieces.
Other known gaps are bridged only by the curated connectors in geo/rail/connectors.geojson.

Border rule: a leg may only use track in the countries of its endpoints (and of any `via` stops), so
Rajin -> Tumangang cannot cut through China even though that is shorter on the raw network.
"""
from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import data
from .errors import DataError

SCALE = 100_000  # vertices are stored as integer 1e-5 degrees
SNAP_KM = 30.0  # a stop further than this from usable track has no rail path
# Route choice counts minor lines a little longer than they are, so that, as trains of record do, a route
# keeps to main lines where a minor one is only slightly shorter: Moscow -> Vladivostok follows the
# Trans-Siberian (Natural Earth scalerank 4, multi-track), not the Baikal-Amur line (scalerank 5, single
# track), which is 2% shorter in the generalised data. Lengths reported are always plain geodesic km.
RANK_PENALTY = 0.05  # per Natural Earth scalerank step above 4
SINGLE_TRACK_PENALTY = 0.05


@lru_cache(maxsize=1)
def geod():
    """pyproj's WGS84 geodesic, the one measure of every length mapgen reports. Made on first use: pyproj's
    import is about 40 ms of a cold build, and a build whose legs all come from the leg cache (route.py)
    measures nothing."""
    return _geod_class()(ellps="WGS84")


def _geod_class():
    """pyproj's `Geod`, loading only its module (pyproj.geod and the five small modules it imports, about
    5 ms) when pyproj is not imported yet: the package's own __init__ (CRS, transformations, the network
    set-up: about 35 ms more) then runs when anything first asks the package for another name, so that
    `import pyproj` later in the process gives the whole package as usual. The same code computes every
    length either way (tests/test_caches.py)."""
    from .imports import deferred, forget_deferred

    deferred("pyproj", submodules_alone=True)  # None: not deferrable, the usual import below
    try:
        from pyproj.geod import Geod
    except BaseException:
        forget_deferred("pyproj")
        raise
    return Geod


def __getattr__(name: str):
    if name == "GEOD":  # the module attribute of earlier versions
        return geod()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# edge_source: drawn track (Natural Earth, and the curated connectors, which also have edge_connector >= 0)
# or an approximate piece of the OSM routing graph
NATURAL_EARTH, OSM_GRAPH = 0, 1
# Attribution owed by a map that draws a piece of the OSM-derived graph.
OSM_ATTRIBUTION = "railway links: OpenStreetMap contributors (ODbL), via the scgraph-data routing graph"
# A stop joins drawn track (Natural Earth or a curated connector) within this distance even when a vertex
# of an approximate OSM piece is nearer: the coarse geometry is used only where nothing better is near.
DRAWN_SNAP_KM = 3.0


@dataclass(frozen=True)
class Snap:
    """Where a stop joins the network: vertex `vertex` of edge `edge`, `km` away from the stop."""

    edge: int
    vertex: int
    km: float
    lon: float
    lat: float


@dataclass
class Path_:
    coords: list[tuple[float, float]]  # (lon, lat)
    km: float
    countries: tuple[str, ...]
    connectors: tuple[str, ...]  # ids of curated connectors used
    ferry: bool = False
    # runs of the path on approximate OSM-graph pieces, (lon, lat) each; their km are in `km`
    approximate: tuple[tuple[tuple[float, float], ...], ...] = ()
    # km of the path on each kind of track: "natural_earth", "osm_graph", "connector"
    km_by_source: dict[str, float] = field(default_factory=dict)


@dataclass
class RailNetwork:
    node_xy: np.ndarray  # (N, 2) int32
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_a: np.ndarray  # first vertex index of the edge
    edge_b: np.ndarray  # one past the last vertex index
    edge_cset: np.ndarray  # index into csets
    edge_ferry: np.ndarray
    edge_factor: np.ndarray  # route-choice weight per km: 1.0 on main lines, a little more on minor ones
    edge_connector: np.ndarray  # -1, or index into connectors
    edge_source: np.ndarray  # NATURAL_EARTH or OSM_GRAPH
    # Natural Earth scale rank of the edges as loaded (before connectors are added; 99 for OSM-graph pieces,
    # which are coarse and never drawn as context): what the faint railways under a route are chosen by
    context_rank: np.ndarray
    vert_xy: np.ndarray  # (V, 2) int32
    vert_km: np.ndarray  # km from the start of the vertex's edge
    vert_edge: np.ndarray  # which edge each vertex belongs to
    vert_country: np.ndarray  # index into country_codes, -1 outside every country
    csets: list[frozenset[str]]
    country_codes: list[str]
    connectors: list[dict] = field(default_factory=list)
    # the vertices in order of latitude (stable), and their latitudes so ordered: `snap` finds a latitude
    # band by bisection instead of testing every vertex. Made on first use, kept in the cache below.
    lat_order: np.ndarray | None = None
    lat_sorted: np.ndarray | None = None
    # each edge's bounding box (min x, min y, max x, max y, in 1e-5 degrees), what the faint context railways
    # of a map are chosen by (basemap.context_railways): made on first use, kept in the cache below
    edge_box: np.ndarray | None = None
    # every node's incident edges (CSR: start per node, neighbour, edge id) and the nodes' unit vectors, what
    # the search below walks: made on first use, kept in the cache below
    adj_start: np.ndarray | None = None
    adj_nbr: np.ndarray | None = None
    adj_eid: np.ndarray | None = None
    node_unit: np.ndarray | None = None
    # the digest of the embedded network's files and this module (set when loaded through the cache below):
    # what a leg routed on it depends on, with route.py (route.py keeps routed legs under it)
    cache_key = None

    @property
    def edge_km(self) -> np.ndarray:
        key = (len(self.edge_a), len(self.vert_km))
        if self.__dict__.get("_edge_km_key") != key:  # made once per network (its edges do not change after loading)
            self._edge_km = (self.vert_km[self.edge_b - 1] - self.vert_km[self.edge_a]).astype(np.float64)
            self._edge_km_key = key
        return self._edge_km

    # --- loading ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, graph: Path | None = None, connectors: Path | None = None) -> "RailNetwork":
        """The network from its .npz and its connectors (by default the embedded ones, through the cache
        below)."""
        if graph is None and connectors is None:
            return cls._load_cached(data.geo_file("rail", "world_railways_graph.npz"),
                                    data.geo_file("rail", "connectors.geojson"))
        return cls._load(graph or data.geo_file("rail", "world_railways_graph.npz"),
                         connectors or data.geo_file("rail", "connectors.geojson"))

    # The embedded network, connectors attached, is kept in the user's cache folder as one .npy file per
    # array (memory-mapped when read) and a JSON file for the rest, keyed by the digests of the graph, the
    # connectors and this module's code: a cold build then maps it in a few ms instead of reading the .npz
    # and attaching the connectors (about 40 ms). Like a .pyc: the same network either way
    # (tests/test_caches.py), and a missing, damaged or foreign cache entry is rebuilt. An entry is written
    # in a temporary folder and renamed into place, never rewritten in place: a process that has its files
    # mapped keeps reading the old ones.
    @classmethod
    def _load_cached(cls, graph: Path, connectors: Path) -> "RailNetwork":
        import dataclasses
        import hashlib
        import os

        digests = data.file_digests([graph, connectors, Path(__file__)])
        key = hashlib.sha256(repr((sorted(digests.values()), np.__version__)).encode()).hexdigest()[:24]
        folder = data.cache_dir() / f"rail-{key}"
        arrays = [f.name for f in dataclasses.fields(cls) if f.name not in ("csets", "country_codes", "connectors")]
        try:
            meta = json.loads((folder / "network.json").read_text(encoding="utf-8"))
            # plain read-only views of the mapped files (np.memmap's own wrapping slows every operation)
            loaded = {name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
                      for name in arrays}
            net = cls(**loaded, csets=[frozenset(c) for c in meta["csets"]], country_codes=meta["country_codes"],
                      connectors=meta["connectors"])
            size = {"vert": len(net.vert_xy), "edge": len(net.edge_u), "lat_": len(net.vert_xy)}  # (context_rank:
            # the edges as loaded)
            if meta.get("key") != key or any(len(getattr(net, a)) != size[a[:4]] for a in arrays if a[:4] in size):
                raise ValueError("inconsistent cache entry")
            net.cache_key = key
            return net
        except (OSError, ValueError, KeyError, TypeError):
            pass
        net = cls._load(graph, connectors)
        net._lat_index()
        net.edge_boxes()
        net._adjacency_arrays()
        net.cache_key = key
        import shutil

        tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
        try:
            tmp.mkdir(parents=True, exist_ok=True)
            for name in arrays:
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(getattr(net, name)), allow_pickle=False)
            (tmp / "network.json").write_text(json.dumps(
                {"key": key, "csets": [sorted(c) for c in net.csets], "country_codes": net.country_codes,
                 "connectors": net.connectors}), encoding="utf-8")
            shutil.rmtree(folder, ignore_errors=True)  # a damaged entry is replaced whole
            os.replace(tmp, folder)
            # entries for other data or code (another version): the two most recent are kept
            others = sorted((p for p in folder.parent.glob("rail-*") if p.is_dir() and p != folder
                             and not p.name.endswith(".tmp")), key=lambda p: p.stat().st_mtime)
            for old in others[:-2]:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # only a cache (another process may have just written it)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return net

    @classmethod
    def _load(cls, graph: Path, connectors: Path) -> "RailNetwork":
        try:
            z = np.load(graph)
            ptr = z["edge_ptr"]
            source = z["edge_source"] if "edge_source" in z.files else np.zeros(len(ptr) - 1, np.uint8)
            net = cls(
                node_xy=z["node_xy"], edge_u=z["edge_u"], edge_v=z["edge_v"],
                edge_a=ptr[:-1].copy(), edge_b=ptr[1:].copy(), edge_cset=z["edge_cset"],
                edge_ferry=z["edge_ferry"], edge_connector=np.full(len(ptr) - 1, -1, dtype=np.int32),
                # OSM-graph pieces join what Natural Earth does not: no main-line preference applies
                edge_factor=np.where(source == OSM_GRAPH, 1.0,
                                     1.0 + RANK_PENALTY * np.maximum(z["edge_rank"].astype(np.float64) - 4, 0)
                                     + SINGLE_TRACK_PENALTY * ~z["edge_multi"]),
                edge_source=source,
                context_rank=np.where(source == OSM_GRAPH, 99, z["edge_rank"]),
                vert_xy=z["vert_xy"], vert_km=z["vert_km"],
                vert_edge=np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr)),
                vert_country=z["vert_country"],
                csets=[frozenset(s.split(",")) - {""} for s in z["cset_names"].tolist()],
                country_codes=z["country_codes"].tolist(),
            )
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(f"unreadable rail network: {exc}", where=str(graph)) from None
        net._add_connectors(connectors)
        return net

    def _add_connectors(self, path: Path) -> None:
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as exc:
            raise DataError(f"unreadable connectors: {exc}", where=str(path)) from None
        # Connector vertices go after the railway's, appended in one go (the vertex arrays are large).
        blocks, kms, owners = [], [], []
        first = len(self.vert_xy)
        free: dict[tuple[int, int], int] = {}  # connector ends on no track, shared by connectors that meet there
        lines = [np.rint(np.asarray(f["geometry"]["coordinates"], dtype=float) * SCALE).astype(np.int32)
                 for f in features]
        # the vertices within 50 units of latitude of some connector end, found in one pass (in 128-unit bands)
        ends_y = np.array([c[k, 1] for c in lines for k in (0, -1)], dtype=np.int64)
        # (a set, not np.unique: that imports numpy.ma, 10 ms of a cold build)
        bands = np.array(sorted(set(((ends_y - 50) >> 7).tolist()) | set(((ends_y + 50) >> 7).tolist())), dtype=np.int64)
        near = np.flatnonzero(np.isin(self.vert_xy[:, 1] >> 7, bands, kind="table"))
        for feat, coords in zip(features, lines):
            props = feat["properties"]
            ends = [self._attach(coords[0], free, near), self._attach(coords[-1], free, near)]  # attach to track
            lon, lat = coords[:, 0] / SCALE, coords[:, 1] / SCALE
            seg = geod().inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2] / 1000.0
            a = first + sum(len(b) for b in blocks)
            cset = frozenset(props["countries"].split(","))
            if cset not in self.csets:
                self.csets.append(cset)
            e = self._append_edge(ends[0], ends[1], a, a + len(coords), self.csets.index(cset), False,
                                  len(self.connectors))
            blocks.append(coords)
            kms.append(np.concatenate([[0.0], np.cumsum(seg)]).astype(np.float32))
            owners.append(np.full(len(coords), e, np.int32))
            self.connectors.append({**props, "km": float(seg.sum()), "geometry": feat["geometry"]})
        if blocks:
            self.vert_xy = np.concatenate([self.vert_xy, *blocks])
            self.vert_km = np.concatenate([self.vert_km, *kms])
            self.vert_edge = np.concatenate([self.vert_edge, *owners])
            self.vert_country = np.concatenate([self.vert_country, np.full(sum(map(len, blocks)), -1, np.int16)])

    def _append_edge(self, u, v, a, b, cset, ferry, connector=-1, factor=1.0, source=NATURAL_EARTH) -> int:
        self.edge_u = np.append(self.edge_u, np.int32(u))
        self.edge_v = np.append(self.edge_v, np.int32(v))
        self.edge_a = np.append(self.edge_a, a)
        self.edge_b = np.append(self.edge_b, b)
        self.edge_cset = np.append(self.edge_cset, np.int32(cset))
        self.edge_ferry = np.append(self.edge_ferry, ferry)
        self.edge_factor = np.append(self.edge_factor, factor)
        self.edge_connector = np.append(self.edge_connector, np.int32(connector))
        self.edge_source = np.append(self.edge_source, np.uint8(source))
        return len(self.edge_u) - 1

    def _attach(self, xy: np.ndarray, free: dict, near: np.ndarray) -> int:
        """The node at `xy` (within ~50 m), splitting an edge there if needed; else the free end another
        connector left there, or a new node. `near`: the vertices to look among."""
        near = near[np.abs(self.vert_xy[near, 1] - xy[1]) <= 50]  # 50 units = 0.0005 degree, ~50 m
        d = np.abs(self.vert_xy[near, 0] - xy[0]) + np.abs(self.vert_xy[near, 1] - xy[1])
        if not len(near) or d.min() > 50:  # a free end
            key = (int(xy[0]), int(xy[1]))
            if key not in free:
                free[key] = self._new_node(xy)
            return free[key]
        return self._node_at_vertex(int(near[np.argmin(d)]))

    def _new_node(self, xy) -> int:
        self.node_xy = np.vstack([self.node_xy, np.asarray(xy, dtype=np.int32)[None, :]])
        return len(self.node_xy) - 1

    def _node_at_vertex(self, i: int) -> int:
        e = int(self.vert_edge[i])
        a, b = int(self.edge_a[e]), int(self.edge_b[e])
        if i == a:
            return int(self.edge_u[e])
        if i == b - 1:
            return int(self.edge_v[e])
        n = self._new_node(self.vert_xy[i])
        # split e permanently at i: e keeps a..i, a new edge takes i..b
        v = int(self.edge_v[e])
        self.edge_b[e] = i + 1
        self.edge_v[e] = n
        e2 = self._append_edge(n, v, i, b, self.edge_cset[e], self.edge_ferry[e], factor=self.edge_factor[e],
                               source=self.edge_source[e])
        self.vert_edge[i + 1 : b] = e2
        return n

    # --- snapping and routing ----------------------------------------------------------------------
    def allowed_edges(self, countries: set[str]) -> np.ndarray:
        ok = np.array([c <= countries for c in self.csets], dtype=bool)
        return ok[self.edge_cset]

    def snap(self, lat: float, lon: float, allowed: np.ndarray, *, country: str | None = None,
             max_km: float = SNAP_KM) -> Snap | None:
        """The nearest vertex of usable track, or None if none lies within `max_km`.

        Track in the stop's own `country` wins over nearer track across a border unless it is much
        further away (a border station should join its own country's line)."""
        box = max_km / 111.0
        cos = max(math.cos(math.radians(lat)), 0.01)
        x, y = self.vert_xy[:, 0], self.vert_xy[:, 1]
        # latitude band first (bisection), then longitude (with wrap-around) on the few rows left; in vertex
        # order, as a scan of every vertex would give them
        order, lats = self._lat_index()
        c, r = int(lat * SCALE), int(box * SCALE)
        band = order[np.searchsorted(lats, lats.dtype.type(c - r), "left"):
                     np.searchsorted(lats, lats.dtype.type(c + r), "right")]
        dx = (x[band].astype(np.int64) - int(lon * SCALE) + 180 * SCALE) % (360 * SCALE) - 180 * SCALE
        sel = np.sort(band[np.abs(dx) <= box / cos * SCALE])
        sel = sel[allowed[self.vert_edge[sel]]]
        if not len(sel):
            return None
        vx, vy = x[sel] / SCALE, y[sel] / SCALE
        d = np.hypot(((vx - lon + 180) % 360 - 180) * cos, vy - lat) * 111.2
        drawn = self.edge_source[self.vert_edge[sel]] == NATURAL_EARTH
        if not drawn.all() and drawn.any() and d[drawn].min() <= DRAWN_SNAP_KM:
            sel, vx, vy, d = sel[drawn], vx[drawn], vy[drawn], d[drawn]
        j = int(np.argmin(d))
        if country in self.country_codes:
            own = self.vert_country[sel] == self.country_codes.index(country)
            if own.any():
                k = int(np.nonzero(own)[0][np.argmin(d[own])])
                if d[k] <= 3 * d[j] + 2.0:
                    j = k
        i = int(sel[j])
        km = geod().inv(lon, lat, vx[j], vy[j])[2] / 1000.0
        if km > max_km:
            return None
        return Snap(edge=int(self.vert_edge[i]), vertex=i, km=km, lon=float(vx[j]), lat=float(vy[j]))

    def _lat_index(self) -> tuple[np.ndarray, np.ndarray]:
        if self.lat_order is None or len(self.lat_order) != len(self.vert_xy):
            self.lat_order = np.argsort(self.vert_xy[:, 1], kind="stable").astype(np.int32)
            self.lat_sorted = np.ascontiguousarray(self.vert_xy[self.lat_order, 1])
        return self.lat_order, self.lat_sorted

    def edge_boxes(self) -> np.ndarray:
        """(E, 4) bounding boxes of the edges' vertices."""
        if self.edge_box is None or len(self.edge_box) != len(self.edge_u):
            xy = np.vstack([self.vert_xy, self.vert_xy[-1:]])  # so that every run's end is an index
            ends = np.column_stack([self.edge_a, self.edge_b]).ravel()  # runs [a, b); every other one is an edge
            self.edge_box = np.hstack([np.minimum.reduceat(xy, ends, axis=0)[::2],
                                       np.maximum.reduceat(xy, ends, axis=0)[::2]])
        return self.edge_box

    def _adjacency(self) -> tuple[list[int], list[int], list[int]]:
        """Every node's incident edges as Python lists (CSR: start, neighbour, edge id), in edge-id order,
        built once per network: the search below walks them element by element, which lists do fastest."""
        key = len(self.edge_u), len(self.node_xy)
        if getattr(self, "_adj_key", None) != key:
            self._adjacency_arrays()
            self._adj = (self.adj_start.tolist(), self.adj_nbr.tolist(), self.adj_eid.tolist())
            self._adj_key = key
            self._weight_lists = {}
        return self._adj

    def _weights(self, main_lines: bool) -> list[float]:
        """Every edge's weight in the search below (km, minor lines longer with `main_lines`, plus the 1e-9
        per step), as a list, made once per network and kind of search."""
        self._adjacency()
        if main_lines not in self._weight_lists:
            factor = self.edge_factor if main_lines else np.ones(len(self.edge_factor))
            self._weight_lists[main_lines] = (self.edge_km * factor + 1e-9).tolist()
        return self._weight_lists[main_lines]

    def _adjacency_arrays(self) -> None:
        """The arrays behind `_adjacency`, made unless the cache entry had them for this network."""
        m, n = len(self.edge_u), len(self.node_xy)
        if (self.adj_start is not None and len(self.adj_start) == n + 1 and self.adj_nbr is not None
                and len(self.adj_nbr) == 2 * m and self.adj_eid is not None and len(self.adj_eid) == 2 * m
                and self.node_unit is not None and len(self.node_unit) == n):
            return
        src = np.concatenate([self.edge_u, self.edge_v]).astype(np.int64)
        dst = np.concatenate([self.edge_v, self.edge_u]).astype(np.int64)
        eid = np.concatenate([np.arange(m), np.arange(m)])
        order = np.lexsort((eid, src))  # by node, then by edge id
        self.adj_start = np.searchsorted(src[order], np.arange(n + 1))
        self.adj_nbr, self.adj_eid = dst[order], eid[order]
        lon = np.radians(self.node_xy[:, 0] / SCALE)
        lat = np.radians(self.node_xy[:, 1] / SCALE)
        self.node_unit = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])

    def joined_edges(self, s: Snap, allowed: np.ndarray) -> np.ndarray:
        """The allowed edges that allowed track joins to the edge `s` is on."""
        start, nbr, eid = self._adjacency()
        ok = allowed.tolist()
        seen = {int(self.edge_u[s.edge])}
        todo = list(seen)
        while todo:
            x = todo.pop()
            for j in range(start[x], start[x + 1]):
                if ok[eid[j]] and nbr[j] not in seen:
                    seen.add(nbr[j])
                    todo.append(nbr[j])
        reached = np.zeros(len(self.node_xy), bool)
        reached[list(seen)] = True
        return allowed & reached[self.edge_u]

    def shortest_path(self, a: Snap, b: Snap, allowed: np.ndarray, *, main_lines: bool = True) -> Path_ | None:
        """Shortest path between two snapped points over allowed edges, by geodesic length (with
        `main_lines`, minor lines weighted as above).

        A* over the node graph (heapq), with the great-circle distance to b as the estimate: every edge
        weighs at least its geodesic length (its track is at least as long, and weights are >= 1 per km), and
        the estimate is taken 1% short of the spherical distance so that it never exceeds the ellipsoidal
        one. Each step weighs 1e-9 more, as the sparse-matrix Dijkstra this replaces did, so that of two
        equal paths the one with fewer steps wins, as before."""
        first, nbr, eid = self._adjacency()
        n = len(self.node_xy)
        ok = allowed.tolist()
        factor = self.edge_factor if main_lines else np.ones(len(self.edge_factor))
        weight = self._weights(main_lines)
        # The snapped points are temporary nodes n (a) and n + 1 (b), joined to both ends of their edge. A
        # step runs on a "part": a whole edge (lo = hi = -1) or the stretch of an edge between two vertices.
        parts: list[tuple[int, int, int]] = []  # (edge, lo, hi) of the partial steps
        out_a: list[tuple[int, float, int]] = []  # (node, weight, part) leaving a
        into_b: dict[int, list[tuple[float, int]]] = {}  # node -> (weight, part) of the steps into b
        for k, s in enumerate((a, b)):
            e, i = s.edge, s.vertex
            ea, eb = int(self.edge_a[e]), int(self.edge_b[e])
            for end_node, lo, hi in ((int(self.edge_u[e]), ea, i), (int(self.edge_v[e]), i, eb - 1)):
                w = float(self.vert_km[hi] - self.vert_km[lo]) * float(factor[e]) + 1e-9
                parts.append((e, i, lo if lo != i else hi))
                if k == 0:
                    out_a.append((end_node, w, len(parts) - 1))
                else:
                    into_b.setdefault(end_node, []).append((w, len(parts) - 1))
        if a.edge == b.edge:  # both on one edge: the stretch between them is a candidate too
            parts.append((a.edge, a.vertex, b.vertex))
            w = abs(float(self.vert_km[b.vertex] - self.vert_km[a.vertex])) * float(factor[a.edge]) + 1e-9
            out_a.append((n + 1, w, len(parts) - 1))
        # the estimate: chord between unit vectors -> great-circle km, 1% short (read node by node: a search
        # sees a few thousand nodes at most, fewer than the network's 28k)
        unit = self.node_unit
        bl, bp = math.radians(b.lon), math.radians(b.lat)
        tx, ty, tz = math.cos(bp) * math.cos(bl), math.cos(bp) * math.sin(bl), math.sin(bp)
        radius = 0.99 * 6371.0

        def estimate(x: int) -> float:
            ux, uy, uz = unit[x].tolist()
            chord = math.sqrt((ux - tx) ** 2 + (uy - ty) ** 2 + (uz - tz) ** 2)
            return 2.0 * radius * math.asin(min(1.0, chord / 2.0))

        # pred[x] = (previous node, part): part >= 0 is a whole edge, part < 0 is parts[-part - 1]
        dist: dict[int, float] = {n: 0.0}
        pred: dict[int, tuple[int, int]] = {}
        heap: list[tuple[float, int]] = []
        for x, w, q in out_a:
            if w < dist.get(x, math.inf):
                dist[x] = w
                pred[x] = (n, -q - 1)
                heapq.heappush(heap, (w + (0.0 if x == n + 1 else estimate(x)), x))
        done = set()
        while heap:
            _, x = heapq.heappop(heap)
            if x in done:
                continue
            if x == n + 1:
                break
            done.add(x)
            dx = dist[x]
            for j in range(first[x], first[x + 1]):
                e = eid[j]
                if not ok[e]:
                    continue
                y = nbr[j]
                d = dx + weight[e]
                if d < dist.get(y, math.inf):
                    dist[y] = d
                    pred[y] = (x, e)
                    heapq.heappush(heap, (d + estimate(y), y))
            for w, q in into_b.get(x, ()):
                d = dx + w
                if d < dist.get(n + 1, math.inf):
                    dist[n + 1] = d
                    pred[n + 1] = (x, -q - 1)
                    heapq.heappush(heap, (d, n + 1))
        if n + 1 not in pred:
            return None
        steps = []
        y = n + 1
        while y != n:
            x, q = pred[y]
            steps.append((x, q))
            y = x
        steps.reverse()
        coords: list[np.ndarray] = []
        used_edges = []
        for x, q in steps:
            e, lo, hi = (q, -1, -1) if q >= 0 else parts[-q - 1]
            if lo < 0:  # a whole edge
                seg = self.vert_xy[self.edge_a[e] : self.edge_b[e]]
            else:  # the part of edge e between two of its vertices
                seg = self.vert_xy[min(lo, hi) : max(lo, hi) + 1]
            start = self.node_xy[x] if x < n else self.vert_xy[(a, b)[x - n].vertex]
            if not np.array_equal(seg[0], start):  # orient in the direction travelled
                seg = seg[::-1]
            coords.append(seg)
            used_edges.append(e)
        line = np.concatenate([c if i == 0 else c[1:] for i, c in enumerate(coords)]) / SCALE
        keep = np.ones(len(line), bool)
        keep[1:] = np.any(line[1:] != line[:-1], axis=1)
        countries = sorted(set().union(*(self.csets[self.edge_cset[e]] for e in used_edges)))
        conn = sorted({self.connectors[c]["id"] for c in self.edge_connector[used_edges] if c >= 0})
        # what each step of the path runs on, and the km of each kind
        kinds = ["connector" if self.edge_connector[e] >= 0 else
                 "osm_graph" if self.edge_source[e] == OSM_GRAPH else "natural_earth" for e in used_edges]
        seg_km = geod().inv(line[:-1, 0], line[:-1, 1], line[1:, 0], line[1:, 1])[2] / 1000.0
        seg_kind = np.repeat(np.arange(len(coords)), [len(c) - 1 for c in coords])
        km_by_source: dict[str, float] = {}
        for k, kind in enumerate(kinds):
            km_by_source[kind] = km_by_source.get(kind, 0.0) + float(seg_km[seg_kind == k].sum())
        approximate, run = [], None
        for k, kind in enumerate(kinds):
            if kind != "osm_graph":
                run = None
                continue
            piece = (coords[k] / SCALE).tolist()
            if run is None:
                run = piece
                approximate.append(run)
            else:
                run.extend(piece[1:])
        line = line[keep]
        return Path_(
            coords=list(map(tuple, line.tolist())),
            km=geodesic_km(line),
            countries=tuple(countries),
            connectors=tuple(conn),
            ferry=bool(self.edge_ferry[used_edges].any()),
            approximate=tuple(tuple(map(tuple, r)) for r in approximate),
            km_by_source=km_by_source,
        )


def geodesic_km(coords) -> float:
    arr = np.asarray(coords, dtype=float)
    if len(arr) < 2:
        return 0.0
    return float(geod().line_length(arr[:, 0], arr[:, 1]) / 1000.0)


def great_circle(a: tuple[float, float], b: tuple[float, float], step_km: float = 20.0) -> list[tuple[float, float]]:
    """A geodesic line from a to b ((lon, lat)), densified so it draws as a curve on a web map."""
    dist = geod().inv(a[0], a[1], b[0], b[1])[2] / 1000.0
    n = int(dist // step_km)
    mids = geod().npts(a[0], a[1], b[0], b[1], n) if n > 0 else []
    return [a, *[(float(x), float(y)) for x, y in mids], b]


@lru_cache(maxsize=1)
def default_network() -> RailNetwork:
    return RailNetwork.load()
