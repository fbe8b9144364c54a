"""Offline base map: Natural Earth country polygons embedded in the page, drawn beneath the tiles.

OpenStreetMap tiles stay the base layer; with no network they fail to load, and what shows through is
this layer (land, country borders and coastline) on a water-coloured map background. The data is
``geo/countries/ne_10m_admin_0_countries_basemap.npz`` (Natural Earth 10m admin-0 via world-atlas,
pre-simplified as a polygon coverage at a few tolerances by ``tools/prepare_basemap.py``): neighbouring
countries share identical borders at every level, so there are no gaps or doubled lines between them, and
each country's outline is its border and coastline at once. At run time :func:`basemap_geojson` picks the
level that suits the view, clips it to the view and rounds to 1e-3 degree; nothing is simplified then, so
the output is the same bytes on every run.

How the renderer adds it (folium 0.20; smallest deterministic output, style emitted once)::

    from branca.element import Element
    from mapgen.basemap import BASEMAP_CSS, BASEMAP_PANE, BASEMAP_PANE_Z, BASEMAP_STYLE, basemap_geojson

    folium.map.CustomPane(BASEMAP_PANE, z_index=BASEMAP_PANE_Z).add_to(m)   # 150: below tilePane (200)
    folium.GeoJson(
        basemap_geojson(route_bounds),                          # (min_lon, min_lat, max_lon, max_lat)
        name="Offline base map (Natural Earth)",
        style_function=lambda f: BASEMAP_STYLE,                 # constant: one `default:` style in the JS
        pane=BASEMAP_PANE, interactive=False, control=False,
    ).add_to(m)
    m.get_root().header.add_child(Element(f"<style>{BASEMAP_CSS}</style>"), name="mapgen_basemap_css")

(:func:`add_to_map` does exactly this.) Notes on the folium options:

* ``style_function=lambda f: BASEMAP_STYLE``: folium calls it per feature but groups identical styles, so
  the page gets one ``switch(feature.properties.iso_a2) { default: return {...}; }`` (~300 bytes). Without
  a ``style_function`` folium emits ``setStyle(function(feature) {return feature.properties.style;})``
  and Leaflet's blue default style applies unless every feature carries a ``style`` property (bigger).
  Passing ``style=BASEMAP_STYLE`` as a keyword also works (it becomes the ``L.geoJson`` ``style`` option
  and that ``setStyle(undefined)`` is a no-op; checked in Chromium) and saves ~250 bytes, but relies on
  that folium detail, so prefer the documented ``style_function``.
* ``pane=...``: extra keyword arguments become ``L.geoJson`` options, so the vector layer gets its own SVG
  renderer inside the custom pane. Panes: tilePane 200 < overlayPane 400 (the route) < markerPane 600;
  the base map at 150 is under the opaque tiles when they load, and shows when they fail (Leaflet hides
  a tile until it has loaded, so failed tiles leave no broken-image icons).
* ``interactive=False``: no hover/click handling, the pane also gets ``pointer-events: none``.
* The map container's own background (Leaflet's default is grey ``#ddd``) becomes the water colour via
  ``BASEMAP_CSS``; OSM tiles use the same water colour, so online nothing changes.
* folium serialises the data with Jinja's ``tojson`` (``", "`` / ``": "`` separators, sorted keys), so
  the layer costs about 1.2 times its compact JSON size in the page (seed: ~90 KB compact, ~110 KB in
  the page). Deterministic: the data is sorted and rounded, the style constant.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from . import data

__all__ = [
    "LAND_COLOR", "WATER_COLOR", "BORDER_COLOR", "BORDER_WEIGHT", "BASEMAP_STYLE", "BASEMAP_PANE",
    "BASEMAP_PANE_Z", "BASEMAP_CSS", "basemap_geojson", "view_box", "add_to_map", "basemap_layer_js_options",
]

LAND_COLOR = "#f2efe9"
WATER_COLOR = "#aad3df"
BORDER_COLOR = "#9e9e9e"
BORDER_WEIGHT = 0.8
BASEMAP_STYLE: dict[str, Any] = {
    "color": BORDER_COLOR, "weight": BORDER_WEIGHT, "opacity": 1,
    "fillColor": LAND_COLOR, "fillOpacity": 1,
}
BASEMAP_PANE = "basemap"
BASEMAP_PANE_Z = 150  # Leaflet: tilePane 200, overlayPane 400, markerPane 600
BASEMAP_CSS = f"html .leaflet-container{{background:{WATER_COLOR}}}"  # beats leaflet.css (#ddd) in any order

FILE = "ne_10m_admin_0_countries_basemap.npz"
VIEW_ASPECT = 1.8   # widest viewport (width/height) the default box covers (16:9 screens)
MIN_MARGIN = 5.0    # degrees of context kept around the route, at the least
PANEL_ROOM = 1.8    # the view around a route fitted beside the panels is this much wider than the route's
PIXELS = 600        # view span / PIXELS = the coverage-simplification tolerance wanted


def basemap_layer_js_options() -> dict[str, Any]:
    """The Leaflet ``L.geoJson`` options for the layer: style, pane, not interactive."""
    return {"style": dict(BASEMAP_STYLE), "pane": BASEMAP_PANE, "interactive": False}


def _merc(lat: float) -> float:
    """Web Mercator y of a latitude, in degree units (equal to longitude degrees on the map)."""
    lat = max(-85.0, min(85.0, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def view_box(bounds: tuple[float, float, float, float], margin_deg: float | None = None
             ) -> tuple[float, float, float, float]:
    """The rectangle (min_lon, min_lat, max_lon, max_lat) the base map covers for a route's bounds.

    With ``margin_deg``: the bounds grown by that many degrees on every side. By default: what a viewport up
    to 16:9 shows once the route is fitted to it *and zoomed out one level* (so twice the fitted view each
    way, measured in Web Mercator), and at least ``MIN_MARGIN`` degrees around the route. A tall route such
    as the seed (8 by 13 degrees) thus gets far more longitude than latitude, as the wide screen shows it.
    Clamped to the world; snapped outwards to 1e-3 degree.
    """
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if not (x0 <= x1 and y0 <= y1):
        raise ValueError(f"bounds must be (min_lon, min_lat, max_lon, max_lat), got {bounds!r}")
    if margin_deg is not None:
        box = (x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg)
    else:
        w, my0, my1 = x1 - x0, _merc(y0), _merc(y1)
        h = my1 - my0
        # zoomed out once, the half-width is the whole fitted view's width; the side panel and the legend
        # take about 45 % of the width and 30 % of the height of the view the route is fitted in
        half_w = max(w, VIEW_ASPECT * h, w / 2 + MIN_MARGIN) * PANEL_ROOM
        half_h = max(h, w / VIEW_ASPECT) * PANEL_ROOM * 1.25  # the legend sits below the route
        cx, cy = (x0 + x1) / 2, (my0 + my1) / 2
        box = (cx - half_w, min(_unmerc(cy - half_h), y0 - MIN_MARGIN),
               cx + half_w, max(_unmerc(cy + half_h), y1 + MIN_MARGIN))
    return (max(-180.0, math.floor(box[0] * 1000) / 1000), max(-90.0, math.floor(box[1] * 1000) / 1000),
            min(180.0, math.ceil(box[2] * 1000) / 1000), min(90.0, math.ceil(box[3] * 1000) / 1000))


@lru_cache(maxsize=1)
def _arrays() -> dict:
    """The archive's arrays, opened once per process (about 3 ms a time)."""
    return data.cached_arrays(data.geo_file("countries", FILE))  # LZMA in the package, plain in the user cache


@lru_cache(maxsize=1)
def _archive() -> dict[str, Any]:
    z = _arrays()
    return {"codes": [str(c) for c in z["codes"]], "names": [str(n) for n in z["names"]],
            "levels": [float(t) for t in z["levels"]], "scale": int(z["scale"][0])}


@lru_cache(maxsize=None)
def _level(k: int):
    """Level k as (geometries, their bounds): loaded once per process, only when a view needs it."""
    import shapely

    scale = _archive()["scale"]
    z = _arrays()
    xy = np.cumsum(z[f"l{k}_xy"].T, axis=0, dtype=np.int64) / scale  # stored as (2, n) deltas
    xy = np.ascontiguousarray(xy)
    offsets = (z[f"l{k}_ring"].astype(np.int64), z[f"l{k}_poly"].astype(np.int64),
               z[f"l{k}_geom"].astype(np.int64))
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, xy, offsets)
    return geoms, shapely.bounds(geoms)


def level_for(span: float) -> int:
    """The stored level whose tolerance is nearest (in ratio) to span / PIXELS."""
    want = max(span, 1e-9) / PIXELS
    levels = _archive()["levels"]
    return min(range(len(levels)), key=lambda k: (abs(math.log(levels[k] / want)), -k))


def basemap_geojson(bounds: tuple[float, float, float, float], *, margin_deg: float | None = None,
                    box: tuple[float, float, float, float] | None = None) -> dict:
    """Country polygons (land) for a route's view, as a GeoJSON FeatureCollection.

    ``bounds`` = (min_lon, min_lat, max_lon, max_lat) of the route; the polygons are clipped to
    :func:`view_box` (``margin_deg`` as there), taken from the pre-simplified level that suits the view's
    size, rounded to 1e-3 degree. Features are sorted by ``iso_a2`` and carry only ``iso_a2`` and ``name``.
    ``box`` (min_lon, min_lat, max_lon, max_lat) replaces the default view box: the map page passes what
    a large screen shows at the lowest zoom it prepares labels for.
    """
    arch = _archive()
    hit, clipped = _clipped(bounds, box or view_box(bounds, margin_deg))
    features = [
        {"type": "Feature", "properties": {"iso_a2": arch["codes"][hit[j]], "name": arch["names"][hit[j]]},
         "geometry": ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                      else {"type": "MultiPolygon", "coordinates": polys})}
        for j, polys in sorted(_polygons(clipped, arch["scale"]).items())
    ]
    features.sort(key=lambda f: f["properties"]["iso_a2"])
    return {"type": "FeatureCollection", "features": features}


def _clipped(bounds, box):
    """(indices in the archive, geometries clipped to `box`) of the countries in `box`, at the level that
    suits a route of these `bounds`."""
    import shapely

    x0, y0, x1, y1 = (float(v) for v in bounds)
    span = max(x1 - x0, _merc(y1) - _merc(y0))
    geoms, gb = _level(level_for(span * PANEL_ROOM))  # fitted beside the panels: fewer pixels a degree
    hit = np.nonzero((gb[:, 0] <= box[2]) & (gb[:, 2] >= box[0]) & (gb[:, 1] <= box[3]) & (gb[:, 3] >= box[1]))[0]
    return hit, shapely.clip_by_rect(geoms[hit], *box)


def country_areas(bounds, box) -> dict[str, Any]:
    """The countries of :func:`basemap_geojson`'s view as shapely geometries (lon/lat, not rounded), by
    ISO code: what labels are placed in."""
    import shapely

    codes = _archive()["codes"]
    hit, clipped = _clipped(bounds, box)
    return {codes[i]: g for i, g in zip(hit.tolist(), clipped) if not shapely.is_empty(g)}


def _polygons(geoms, scale: int) -> dict[int, list]:
    """The polygon parts of each geometry as GeoJSON coordinates rounded to ``1/scale`` degree.

    Returns {index in geoms: [polygon, ...]}, leaving out geometries with nothing left. After rounding,
    consecutive repeated positions are dropped, then rings with fewer than four positions (a polygon
    whose exterior goes is dropped). Exteriors come out counter-clockwise, holes clockwise (RFC 7946).
    """
    import shapely

    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, owner = parts[keep], owner[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    q = np.rint(xy * scale).astype(np.int64)
    new_ring = np.r_[True, ring_of[1:] != ring_of[:-1]]
    moved = np.r_[True, np.any(q[1:] != q[:-1], axis=1)]
    sel = new_ring | moved
    q, ring_of = q[sel], ring_of[sel]
    starts = np.r_[0, np.nonzero(ring_of[1:] != ring_of[:-1])[0] + 1]
    ends = np.r_[starts[1:], len(q)]
    ring_ids = ring_of[starts]
    # Twice the signed area of each ring (shoelace over its own segments; exact in integers).
    cross = q[:-1, 0] * q[1:, 1] - q[1:, 0] * q[:-1, 1]
    cross = np.where(ring_of[:-1] == ring_of[1:], cross, 0)
    area2 = np.add.reduceat(np.r_[cross, 0], starts)
    is_exterior = np.r_[True, ring_part[1:] != ring_part[:-1]][ring_ids]
    coords = (q / scale).tolist()
    out: dict[int, list] = {}
    current_part = -1
    rings_out: list | None = None
    for s, e, rid, a2, ext in zip(starts.tolist(), ends.tolist(), ring_ids.tolist(), area2.tolist(),
                                  is_exterior.tolist()):
        part = int(ring_part[rid])
        if part != current_part:
            current_part = part
            rings_out = None
            if not ext or e - s < 4:  # exterior lost (or collapsed): drop the polygon
                continue
            rings_out = []
            out.setdefault(int(owner[part]), []).append(rings_out)
        elif rings_out is None or e - s < 4:
            continue
        ring = coords[s:e]
        rings_out.append(ring if (a2 > 0) == ext else ring[::-1])
    return out


def add_to_map(m, bounds: tuple[float, float, float, float], *, margin_deg: float | None = None):
    """Add the offline base map to a folium map ``m``: pane, layer, water background. Returns the layer."""
    import folium
    from branca.element import Element

    folium.map.CustomPane(BASEMAP_PANE, z_index=BASEMAP_PANE_Z).add_to(m)
    layer = folium.GeoJson(
        basemap_geojson(bounds, margin_deg=margin_deg),
        name="Offline base map (Natural Earth)",
        style_function=lambda feature: BASEMAP_STYLE,
        pane=BASEMAP_PANE, interactive=False, control=False,
    )
    layer.add_to(m)
    m.get_root().header.add_child(Element(f"<style>{BASEMAP_CSS}</style>"), name="mapgen_basemap_css")
    return layer


# --- compact page encoding -------------------------------------------------------------------------
# The page carries geometry as integer deltas (1e-3 degree), decoded by a few lines of script (render.py,
# `mgDecode`): about a third of the size of GeoJSON text. Each ring or line is [x0, y0, dx1, dy1, ...].

def encode_line(coords, scale: int = 1000) -> list[int]:
    return encode_lines([coords], scale)[0]


def encode_lines(lines, scale: int = 1000) -> list[list[int]]:
    """Many lines at once (see above): repeated positions after rounding dropped, each line kept whole."""
    if not len(lines):
        return []
    n = np.array([len(c) for c in lines])
    q = np.rint(np.concatenate([np.asarray(c, dtype=float).reshape(-1, 2) for c in lines]) * scale).astype(np.int64)
    start = np.r_[True, np.zeros(len(q) - 1, dtype=bool)]
    start[np.cumsum(n)[:-1]] = True
    keep = start | np.r_[True, np.any(q[1:] != q[:-1], axis=1)]
    q, start = q[keep], start[keep]
    d = np.vstack([q[:1], np.diff(q, axis=0)])
    d[start] = q[start]
    cuts = np.nonzero(start)[0][1:]
    return [part.ravel().tolist() for part in np.split(d, cuts)]


def encode_basemap(doc: dict) -> list[list]:
    """[[iso_a2, [[ring, ...], ...]], ...]: each country's polygons as encoded rings (see encode_line)."""
    polys_of = []
    for f in doc["features"]:
        g = f["geometry"]
        polys_of.append([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"])
    flat = encode_lines([r for polys in polys_of for poly in polys for r in poly])
    out, k = [], 0
    for f, polys in zip(doc["features"], polys_of):
        enc = []
        for poly in polys:
            enc.append(flat[k:k + len(poly)])
            k += len(poly)
        out.append([f["properties"]["iso_a2"], enc])
    return out


def land_geometry(areas: dict):
    """The land of `areas` (country geometries) as one shapely geometry for point-in-land tests:
    their polygons as one MultiPolygon, not unioned. Neighbours share borders without overlapping, so a
    point's ray crosses each country's boundary an odd number of times only in the one it lies in, and
    GEOS's crossing count gives the same answer as for the union, at a fraction of the cost."""
    import shapely

    if not areas:
        return None
    return shapely.multipolygons(shapely.get_parts(list(areas.values())))


RAIL_CONTEXT_COLOR = "#8c8c8c"


def context_railways(network, box: tuple[float, float, float, float], *, span: float) -> list[np.ndarray]:
    """The railway lines (Natural Earth) inside `box`, simplified for a view `span` degrees across, as
    lon/lat arrays: the faint network drawn under the route. Minor lines are left out of wide views."""
    import shapely

    ranks = network.context_rank
    n = len(ranks)  # edges beyond these are curated connectors
    a, b = network.edge_a[:n], network.edge_b[:n]
    xy = network.vert_xy
    x0, y0, x1, y1 = (int(round(v * 100_000)) for v in box)
    box_ = network.edge_boxes()[:n]
    mn, mx = box_[:, :2], box_[:, 2:]
    max_rank = 10 if span < 6 else 8 if span < 12 else 7 if span < 30 else 6
    hit = np.nonzero((mn[:, 0] <= x1) & (mx[:, 0] >= x0) & (mn[:, 1] <= y1) & (mx[:, 1] >= y0)
                     & (ranks <= max_rank) & ~network.edge_ferry[:n].astype(bool))[0]
    if not len(hit):
        return []
    idx = np.concatenate([np.arange(a[i], b[i]) for i in hit.tolist()])
    owner = np.repeat(np.arange(len(hit)), (b[hit] - a[hit]))
    lines = shapely.linestrings(xy[idx] / 100_000, indices=owner)
    # faint context lines: Douglas-Peucker without topology checks (40x faster, the same lines to a pixel)
    lines = shapely.simplify(shapely.clip_by_rect(lines, *box), span / 800, preserve_topology=False)
    out = []
    for g in lines:
        for part in getattr(g, "geoms", [g]):
            if part.geom_type == "LineString" and not part.is_empty and part.length > span / 400:
                out.append(np.asarray(part.coords))
    return out
