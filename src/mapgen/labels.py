"""Map labels: what is named on the map (stops, countries, seas, towns along the legs) and where.

Placement happens here, at build time, once per zoom level a reader is likely to use, in Leaflet's own
pixel space (Web Mercator, 256 px tiles): at an integer zoom the distance in pixels between any two points
is fixed, whatever the screen, so a layout free of overlaps at zoom z is free of them on every screen at z.
The interactive page shows the layout of its current zoom; the print SVG uses the layout of its zoom.

Rules, checked in the browser by tests/browser/test_graphic.py: no label box overlaps a stop marker, the
route or another label; every stop (a place visited twice, once) and every country a stop is in is labelled
at every computed zoom (their candidates are searched until one is free, and never given up for a lesser
label); seas, other countries and towns are added greedily in priority order where they fit. A country or
sea label goes where the screens fitted at that zoom (render.SCREENS, their panels modelled by render.page_view) show it
clear of the page's panels, near the route, at the best point of the area's visible part, in that order.

Label widths come from font metrics (`assets/label_font.json`: the wider of DejaVu Sans and Liberation
Sans per character), so a box computed here is never narrower than the text a browser draws in the label
fonts. Obstacles (route, markers) are rasterised on a 3 px grid and tested with a summed-area table.
Areas are projected once, to zoom 0 pixels (`Label.area0`), and tested at any zoom by scaling the
candidate boxes; candidates are tested cheapest first and in order of preference, stopping at the first
that fits.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from . import data

TILE = 256
CELL = 3  # obstacle grid cell, px
PAD = 3  # clearance kept around every label box, px
MARKER_D = 24  # stop marker diameter, px
MARKER_GAP = 4  # markers closer than MARKER_D + MARKER_GAP are pushed apart (with a leader line)
TOWN_DOT = 6


@dataclass(frozen=True)
class LabelStyle:
    css: str  # class on the page and in the SVG
    size: float  # font size, px
    font: str  # regular, bold, italic (label_font.json)
    upper: bool = False
    spacing: float = 0.0  # letter spacing, em
    line: float = 1.25  # box height = size * line

    def box(self, text: str) -> tuple[float, float]:
        shown = text.upper() if self.upper else text
        w = text_width(shown, self.font) * self.size + self.spacing * self.size * len(shown)
        return math.ceil(w + 4), math.ceil(self.size * self.line)


STYLES = {
    "stop": LabelStyle("mg-l-stop", 13, "bold"),
    "country": LabelStyle("mg-l-country", 12, "bold", upper=True, spacing=0.12),
    "sea": LabelStyle("mg-l-sea", 12, "italic"),
    "town": LabelStyle("mg-l-town", 11, "regular"),
}


@lru_cache(maxsize=1)
def _font() -> dict:
    doc = json.loads(data.asset("label_font.json").read_text(encoding="utf-8"))
    return {k: {int(c): w for c, w in v.items()} for k, v in doc.items() if isinstance(v, dict)} | {
        "fallback": float(doc["fallback"])}


def text_width(text: str, font: str) -> float:
    """Width of `text` in em, with kerning off (the label CSS turns it off too)."""
    table, fallback = _font()[font], _font()["fallback"]
    return sum(table.get(ord(ch), fallback) for ch in text)


def wrap(text: str, size: float, font: str, width: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` px at `size` (a long word stays whole)."""
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and text_width(trial, font) * size > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + ([cur] if cur else [])


# --- Web Mercator pixels, as Leaflet computes them ---------------------------------------------------

MAX_LAT = 85.0511287798


def world_px(lon, lat, zoom: float):
    """Leaflet's pixel coordinates at `zoom` (EPSG:3857, 256 px tiles) of lon/lat (scalars or arrays)."""
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)
    scale = TILE * 2.0 ** zoom
    x = scale * (0.5 + np.asarray(lon, dtype=float) / 360.0)
    y = scale * (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi))
    return x, y


def lonlat(x, y, zoom: float):
    scale = TILE * 2.0 ** zoom
    lon = (np.asarray(x, dtype=float) / scale - 0.5) * 360.0
    lat = np.degrees(2 * np.arctan(np.exp((0.5 - np.asarray(y, dtype=float) / scale) * 2 * np.pi)) - np.pi / 2)
    return lon, lat


def fit_zoom(bounds, size: tuple[int, int], pad_tl=(0, 0), pad_br=(0, 0), zmax: int = 18) -> int:
    """The zoom Leaflet's fitBounds picks (zoomSnap 1) for bounds (min_lon, min_lat, max_lon, max_lat)."""
    x0, y1 = world_px(bounds[0], bounds[1], 0)
    x1, y0 = world_px(bounds[2], bounds[3], 0)
    w = max(size[0] - pad_tl[0] - pad_br[0], 1)
    h = max(size[1] - pad_tl[1] - pad_br[1], 1)
    scale = min(w / max(float(x1 - x0), 1e-9), h / max(float(y1 - y0), 1e-9))
    return int(max(0, min(zmax, math.floor(round(math.log2(scale) * 100) / 100))))


def fit_center(bounds, zoom: int, pad_tl=(0, 0), pad_br=(0, 0)) -> tuple[float, float]:
    """World pixel at `zoom` that fitBounds puts at the centre of the map container."""
    x0, y1 = world_px(bounds[0], bounds[1], zoom)
    x1, y0 = world_px(bounds[2], bounds[3], zoom)
    return (float(x0 + x1) / 2 + (pad_br[0] - pad_tl[0]) / 2, float(y0 + y1) / 2 + (pad_br[1] - pad_tl[1]) / 2)


# --- what can be named ---------------------------------------------------------------------------------

@dataclass
class Label:
    key: str  # "stop:2", "country:RU", "sea:Sea of Japan", "town:2013348"
    text: str
    kind: str  # stop, country, sea, town
    must: bool = False
    anchor: tuple[float, float] | None = None  # lon, lat of the point named (stops, towns)
    area: object = None  # shapely geometry (lon/lat) the label should lie in (countries, seas)
    min_zoom: float = 0.0
    rank: float = 0.0  # lower first, among labels of the same kind

    @property
    def style(self) -> LabelStyle:
        return STYLES[self.kind]

    @cached_property
    def area0(self):
        """The area in Leaflet's pixels at zoom 0, prepared. At zoom z a pixel position is this one times
        2**z, exactly (a power of two), so one projection serves every zoom."""
        return to_zoom0(self.area)


def to_zoom0(geom):
    import shapely

    g = shapely.transform(geom, lambda c: np.column_stack(world_px(c[:, 0], c[:, 1], 0)))
    shapely.prepare(g)
    return g


@dataclass
class Placed:
    key: str
    x: float  # top-left of the box, world px at the layout's zoom
    y: float
    w: float
    h: float
    anchor: tuple[float, float]  # world px of the point the label belongs to (box centre for areas)
    leader: bool = False  # draw a line from the box to the anchor (a stop label pushed away)


@dataclass
class Layout:
    zoom: int
    placed: list[Placed]
    marker_offsets: list[tuple[float, float]]  # px from each stop's point to its marker's centre


@lru_cache(maxsize=1)
def country_rows() -> dict[str, dict]:
    with open(data.geo_file("labels", "countries.csv"), encoding="utf-8", newline="") as f:
        return {r["iso_a2"]: r for r in csv.DictReader(f)}


def country_name(code: str, language: str) -> str:
    row = country_rows().get(code)
    return (row.get(f"name_{language}") or row["name_en"]) if row else code


@lru_cache(maxsize=1)
def _seas():
    """The marine areas and their bounds; the polygons are built only for the seas a map shows."""
    doc = data.cached_json(data.geo_file("labels", "ne_10m_marine_labels.json"))
    seas = doc["seas"]
    bounds = []
    for s in seas:  # plain Python: faster than arrays for these short lists
        xs = [c[0] for p in s["polygons"] for c in p[0]]
        ys = [c[1] for p in s["polygons"] for c in p[0]]
        bounds.append((min(xs), min(ys), max(xs), max(ys)))
    return seas, np.array(bounds, dtype=float).reshape(-1, 4)


def seas_in(box: tuple[float, float, float, float], language: str) -> list[Label]:
    import shapely

    seas, b = _seas()
    hit = np.nonzero((b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1]))[0]
    out = []
    for i in hit.tolist():
        s = seas[i]
        geom = shapely.multipolygons([shapely.polygons(np.asarray(p[0], dtype=float)) for p in s["polygons"]])
        area = shapely.clip_by_rect(geom, *box)
        if area.is_empty:
            continue
        out.append(Label(f"sea:{s['name_en']}", s.get(f"name_{language}") or s["name_en"], "sea", area=area,
                         min_zoom=s["min_label"] - 1, rank=s["scalerank"]))
    return out


@lru_cache(maxsize=1)
def _towns() -> dict:
    """geo/labels/towns.npz (tools/prepare_labels.py): Natural Earth's populated places, names undecoded."""
    t = dict(data.cached_arrays(data.geo_file("labels", "towns.npz")))
    t["lon"], t["lat"] = t["lon"] / 1e5, t["lat"] / 1e5
    t["languages"] = [str(x) for x in t["languages"]]
    return t


def town_name(i: int, language: str) -> str:
    """Row i's name in `language` (Natural Earth's name_<language>), else its plain name."""
    t = _towns()
    off = t["name_offsets"]
    fields = t["names"][off[i]:off[i + 1]].tobytes().decode("utf-8").split("\t")
    k = t["languages"].index(language) if language in t["languages"] else 0
    return fields[k] or fields[0]


def town_name_by_geonameid(geonameid: int, language: str) -> str | None:
    t = _towns()
    gids = t["gid_sorted"]
    j = int(np.searchsorted(gids, geonameid))
    if not geonameid or j >= len(gids) or gids[j] != geonameid:
        return None
    return town_name(int(t["gid_row"][j]), language)


def towns_along(lines: list[np.ndarray], box, language: str, *, km: float = 12.0, max_rank: int = 8,
                skip_points: list[tuple[float, float]] = ()) -> list[Label]:
    """Natural Earth populated places within `km` of the route lines (lon/lat arrays) and inside `box`,
    best-known first; places within 15 km of a stop are left to the stop's own label."""
    import shapely

    t = _towns()
    lon, lat, rank = t["lon"], t["lat"], t["scalerank"]
    inside = (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3]) & (rank <= max_rank)
    idx = np.nonzero(inside)[0]
    if not len(idx) or not lines:
        return []
    route = shapely.MultiLineString([ln for ln in lines if len(ln) >= 2])
    deg = km / 111.0
    near = shapely.dwithin(route, shapely.points(lon[idx], lat[idx]), deg)
    out = []
    for i in idx[near].tolist():
        if any(abs(lon[i] - x) * math.cos(math.radians(y)) < 0.14 and abs(lat[i] - y) < 0.14 for x, y in skip_points):
            continue
        out.append(Label(f"town:{i}", town_name(i, language), "town",
                         anchor=(float(lon[i]), float(lat[i])), min_zoom=max(0, int(rank[i]) - 3),
                         rank=int(rank[i]) - math.log10(max(float(t["pop_max"][i]), 1)) / 10))
    return out


# --- placement -----------------------------------------------------------------------------------------

class Grid:
    """Occupied cells (route, markers) of a window of world pixels, queried through a summed-area table."""

    def __init__(self, x0: float, y0: float, x1: float, y1: float):
        self.x0, self.y0 = math.floor(x0), math.floor(y0)
        self.nx = max(1, int(math.ceil((x1 - self.x0) / CELL)) + 1)
        self.ny = max(1, int(math.ceil((y1 - self.y0) / CELL)) + 1)
        self.cells = np.zeros((self.ny, self.nx), dtype=bool)
        self.sat = None
        self._origin = np.array([[self.x0], [self.y0]])  # for `free`, which tests x and y rows together
        self._size = np.array([[self.nx], [self.ny]])

    def mark_line(self, xs: np.ndarray, ys: np.ndarray, width: float) -> None:
        if len(xs) < 2:
            return
        seg = np.hypot(np.diff(xs), np.diff(ys))
        n = np.maximum(np.ceil(seg / (CELL / 2)).astype(int), 1)
        i = np.repeat(np.arange(len(seg)), n)
        t = (np.arange(len(i)) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)  # 0, 1/k, ... per segment
        px = np.append(xs[i] + (xs[i + 1] - xs[i]) * t, xs[-1])
        py = np.append(ys[i] + (ys[i + 1] - ys[i]) * t, ys[-1])
        r = max(width / 2, 1)
        # the line's points moved by each of the nine offsets of a width x width square, marked at once
        self._mark_points(np.concatenate([px + dx for dx in (-r, 0, r) for _ in range(3)]),
                          np.concatenate([py + dy for _ in range(3) for dy in (-r, 0, r)]))

    def _mark_points(self, px, py) -> None:
        cx = np.floor((px - self.x0) / CELL).astype(int)
        cy = np.floor((py - self.y0) / CELL).astype(int)
        ok = (cx >= 0) & (cx < self.nx) & (cy >= 0) & (cy < self.ny)
        self.cells[cy[ok], cx[ok]] = True

    def mark_box(self, x0, y0, x1, y1) -> None:
        a, b = self._cell(x0, y0, math.floor), self._cell(x1, y1, math.ceil)
        self.cells[max(a[1], 0):max(min(b[1], self.ny), 0), max(a[0], 0):max(min(b[0], self.nx), 0)] = True

    def _cell(self, x, y, rnd):
        return int(rnd((x - self.x0) / CELL)), int(rnd((y - self.y0) / CELL))

    def freeze(self) -> None:
        self.sat = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int32)
        np.cumsum(self.cells, axis=0, dtype=np.int32, out=self.sat[1:, 1:])
        np.cumsum(self.sat[1:, 1:], axis=1, out=self.sat[1:, 1:])

    def free(self, x0, y0, x1, y1) -> np.ndarray:
        """For arrays of boxes: True where no occupied cell touches the box (boxes off the grid: False)."""
        lo = np.floor((np.array([x0, y0], dtype=float) - self._origin) / CELL).astype(int)
        hi = np.ceil((np.array([x1, y1], dtype=float) - self._origin) / CELL).astype(int)
        on = (lo >= 0).all(axis=0) & (hi <= self._size).all(axis=0)
        (cx0, cy0), (cx1, cy1) = (np.minimum(np.maximum(v, 0), self._size) for v in (lo, hi))
        s = self.sat
        count = s[cy1, cx1] - s[cy0, cx1] - s[cy1, cx0] + s[cy0, cx0]
        return on & (count == 0)


def spread_markers(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Offsets (n, 2) that move marker centres apart until none are closer than MARKER_D + MARKER_GAP."""
    p = np.column_stack([xs, ys]).astype(float)
    base = p.copy()
    need = MARKER_D + MARKER_GAP
    for _ in range(200):
        moved = False
        for i in range(len(p)):
            for j in range(i + 1, len(p)):
                d = p[j] - p[i]
                dist = float(np.hypot(*d))
                if dist < need - 1e-6:
                    u = d / dist if dist > 1e-6 else np.array([math.cos(j), math.sin(j)])
                    push = (need - dist) / 2 + 0.01
                    p[i] -= u * push
                    p[j] += u * push
                    moved = True
        if not moved:
            break
    return np.round(p - base, 1)


# candidate directions around a point: E, W, NE, SE, NW, SW, N, S (unit box offsets)
_DIRS = [(1, 0), (-1, 0), (1, -1), (1, 1), (-1, -1), (-1, 1), (0, -1), (0, 1)]


def _around(cx: float, cy: float, r: float, w: float, h: float, gaps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Box top-left candidates around a circle of radius r at (cx, cy); and the gap of each."""
    xs, ys, gs = [], [], []
    for g in gaps:
        for dx, dy in _DIRS:
            d = r + g
            bx = cx + (d if dx > 0 else -d - w if dx < 0 else -w / 2)
            by = cy + (d * 0.7 - h / 2 if dx and dy > 0 else -d * 0.7 - h / 2 if dx and dy < 0 else
                       d if dy > 0 else -d - h if dy < 0 else -h / 2)
            xs.append(bx)
            ys.append(by)
            gs.append(g)
    return np.array(xs), np.array(ys), np.array(gs)


def _inside_any(X, Y, w, h, rects) -> np.ndarray:
    """For arrays of box top-lefts: True where the box lies wholly inside one of `rects`."""
    hit = np.zeros(len(X), dtype=bool)
    for r in rects:
        hit |= (X >= r[0]) & (Y >= r[1]) & (X + w <= r[2]) & (Y + h <= r[3])
    return hit


def _target(area0, s: float, w: float, h: float, regions) -> tuple[float, float]:
    """Where an area's label would best sit (px at scale s): the pole of inaccessibility of the area's part
    inside the first of `regions` (px boxes) that holds a good share of it, else of the whole area."""
    import shapely

    for r in regions:
        part = shapely.clip_by_rect(area0, *(v / s for v in r))
        if not part.is_empty and part.area * s * s > 2 * w * h:
            break
    else:
        part = area0
    p = polylabel(_largest(part), tolerance=2.0 / s)
    return p.x * s, p.y * s


FIRST_BATCH = 32  # area-label candidates tested first; then 4 times as many at each step
SMALL_SET = FIRST_BATCH  # at most this many candidates: all tested at once, only those that pass ordered


def _area_spot(label: Label, zoom: int, w: float, h: float, window, near, views, land0, usable):
    """The box top-left for a country or sea label inside its area, or None.

    Candidates lie on a grid over the area's part of the window, ordered by how many of the screens
    fitted at this zoom show the box clear of the page's panels (`views`), then whether the box is near
    the route (`near`), then distance from the area's best point. They are tested in that order, in growing
    batches, until one is clear of the route, markers and placed labels (`usable`) and lies in the area
    (five corners and middles; seas also off land); a `must` label takes the best usable box whose middle
    is in the area if none lies wholly in it."""
    import shapely

    s = 2.0 ** zoom
    bx0, by0, bx1, by1 = (v * s for v in label.area0.bounds)
    bx0, by0, bx1, by1 = max(bx0, window[0]), max(by0, window[1]), min(bx1, window[2]), min(by1, window[3])
    if bx0 >= bx1 or by0 >= by1:
        return None
    step = max(8.0, h * 0.8)
    gx = np.arange(bx0, bx1 - w + step, step)
    gy = np.arange(by0, by1 - h + step, step)
    if not len(gx) or not len(gy):
        gx, gy = np.array([(bx0 + bx1 - w) / 2]), np.array([(by0 + by1 - h) / 2])
    X, Y = np.tile(gx, len(gy)), np.repeat(gy, len(gx))  # row by row, as np.meshgrid(gx, gy) ravelled
    seen = sum((_inside_any(X, Y, w, h, rects).astype(int) for rects in views), np.zeros(len(X), dtype=int))
    in_near = _inside_any(X, Y, w, h, [near])
    core = [_common(views)] if views and _common(views) else []

    def ordered(k: np.ndarray) -> np.ndarray:  # candidates k (ascending) in the order of preference
        if len(k) < 2:
            return k
        tx, ty = _target(label.area0, s, w, h, core + [near])
        return k[np.lexsort((np.hypot(X[k] + w / 2 - tx, Y[k] + h / 2 - ty), ~in_near[k], -seen[k]))]

    if len(X) <= SMALL_SET and not label.must:
        # all in the first batch: the first in order of those usable and in the area is the one of least rank
        # among them, so only they are ordered (none or one: no best point needed)
        k = np.nonzero(usable(X, Y))[0]
        k = ordered(k[_in_area(label.area0, X[k], Y[k], w, h, s, land0 if label.kind == "sea" else None)])
        return (float(X[k[0]]), float(Y[k[0]])) if len(k) else None
    order = ordered(np.arange(len(X)))
    X, Y = X[order], Y[order]
    first_mid = first_any = None
    start, size = 0, FIRST_BATCH  # growing batches: the first usable candidate in order wins, whatever their size
    while start < len(X):
        cx, cy = X[start:start + size], Y[start:start + size]
        start, size = start + size, size * 4
        ok = usable(cx, cy)
        cx, cy = cx[ok], cy[ok]
        if not len(cx):
            continue
        inside = _in_area(label.area0, cx, cy, w, h, s, land0 if label.kind == "sea" else None)
        k = np.nonzero(inside)[0]
        if len(k):
            return float(cx[k[0]]), float(cy[k[0]])
        if label.must and first_mid is None:
            mid = np.nonzero(shapely.contains_xy(label.area0, (cx + w / 2) / s, (cy + h / 2) / s))[0]
            if len(mid):
                first_mid = float(cx[mid[0]]), float(cy[mid[0]])
            if first_any is None:
                first_any = float(cx[0]), float(cy[0])
    return (first_mid or first_any) if label.must else None


# points of a label box tested against its area (middle, corners, middles of the top and bottom edges) and,
# for a sea, against land (corners, middle): fractions of its width and height
_IN_AREA = ((0.5, 0.5), (0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0), (0.5, 1))
_OFF_LAND = ((0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5))


def _in_area(area0, cx, cy, w, h, s, land0=None) -> np.ndarray:
    """For boxes (top-lefts cx, cy, size w x h, px at scale s): True where the seven points `_IN_AREA` lie
    in `area0` and, with `land0`, the five `_OFF_LAND` do not lie on land. The middles first, then the other
    points of the boxes still in, then land for those still in: each test only asks about boxes it decides."""
    import shapely

    inside = shapely.contains_xy(area0, *_box_points(cx, cy, w, h, s, _IN_AREA[:1]))
    for geom, fractions, want in ((area0, _IN_AREA[1:], True), (land0, _OFF_LAND, False)):
        k = np.nonzero(inside)[0]
        if geom is None or not len(k):
            continue
        hit = shapely.contains_xy(geom, *_box_points(cx[k], cy[k], w, h, s, fractions)).reshape(len(fractions), -1)
        inside[k] = hit.all(0) if want else ~hit.any(0)
    return inside


def _box_points(cx, cy, w, h, s, fractions) -> tuple[np.ndarray, np.ndarray]:
    """The points at `fractions` of boxes (top-lefts cx, cy, size w x h, px at scale s) at zoom 0, point by
    point for each fraction in turn."""
    fx, fy = (np.array([f[k] for f in fractions], dtype=float)[:, None] for k in (0, 1))
    return ((cx[None, :] + fx * w) / s).ravel(), ((cy[None, :] + fy * h) / s).ravel()


def _common(views):
    """The part of the screen every view shows clear of panels: the intersection of each view's first rect."""
    r = views[0][0]
    for rects in views[1:]:
        q = rects[0]
        r = (max(r[0], q[0]), max(r[1], q[1]), min(r[2], q[2]), min(r[3], q[3]))
    return r if r[0] < r[2] and r[1] < r[3] else None


def _beside(label: Label, zoom: int, w: float, h: float, near) -> tuple[np.ndarray, np.ndarray]:
    """Candidates around an area too crowded to hold its label: a grid over its box grown by the label's
    size, nearest the area first (inside the route's box first)."""
    import shapely

    s = 2.0 ** zoom
    part = shapely.clip_by_rect(label.area0, *(v / s for v in near))
    area = part if not part.is_empty else label.area0
    x0, y0, x1, y1 = (v * s for v in area.bounds)
    gx = np.arange(x0 - w * 1.5, x1 + w * 0.5, 4.0)
    gy = np.arange(y0 - h * 3, y1 + h * 2, 4.0)
    X, Y = (a.ravel() for a in np.meshgrid(gx, gy))
    d = shapely.distance(area, shapely.points((X + w / 2) / s, (Y + h / 2) / s)) * s
    inside = (X >= near[0]) & (Y >= near[1]) & (X + w <= near[2]) & (Y + h <= near[3])
    order = np.lexsort((d, ~inside))
    return X[order], Y[order]


def polylabel(polygon, tolerance: float):
    from shapely.ops import polylabel as _polylabel

    return _polylabel(polygon, tolerance=tolerance)


def _largest(geom):
    parts = getattr(geom, "geoms", [geom])
    return max((g for g in parts if g.geom_type == "Polygon"), key=lambda g: g.area)


def layout(labels: list[Label], stops: list[tuple[float, float]], route: list[np.ndarray], zoom: int,
           route_box: tuple[float, float, float, float], land0=None, views=(), margin: float = 800.0) -> Layout:
    """Place `labels` at `zoom`: stops (lon, lat) get markers (spread apart where they would touch), the
    route lines (lon/lat arrays) are obstacles. Labels come in priority order; `must` ones are always
    placed (the best free candidate found by widening the search). `land0` is the land at zoom 0 (see
    `Label.area0`); `views` the screens fitted at this zoom, each as rects (world px) clear of the page's
    panels, where area labels are best put."""
    rx0, ry1 = world_px(route_box[0], route_box[1], zoom)
    rx1, ry0 = world_px(route_box[2], route_box[3], zoom)
    prefer = (float(rx0), float(ry0), float(rx1), float(ry1))
    window = (prefer[0] - margin, prefer[1] - margin, prefer[2] + margin, prefer[3] + margin)
    grid = Grid(*window)
    for line in route:
        x, y = world_px(line[:, 0], line[:, 1], zoom)
        grid.mark_line(np.asarray(x), np.asarray(y), 5)
    sx, sy = world_px([p[0] for p in stops], [p[1] for p in stops], zoom)
    sx, sy = np.atleast_1d(sx), np.atleast_1d(sy)
    offsets = spread_markers(sx, sy) if len(stops) else np.zeros((0, 2))
    mx, my = sx + offsets[:, 0], sy + offsets[:, 1]
    r = MARKER_D / 2
    for x, y, (ox, oy) in zip(mx.tolist(), my.tolist(), offsets.tolist()):
        grid.mark_box(x - r, y - r, x + r, y + r)
        if ox or oy:  # the leader from the true point to a pushed marker
            grid.mark_line(np.array([x - ox, x]), np.array([y - oy, y]), 2)
    grid.freeze()
    boxes = np.zeros((0, 4))
    placed: list[Placed] = []
    stop_index = {f"stop:{i + 1}": i for i in range(len(stops))}

    def clear_of_placed(X, Y, w, h):
        if not len(boxes):
            return np.ones(len(X), dtype=bool)
        hit = ((X[:, None] - PAD < boxes[None, :, 2]) & (X[:, None] + w + PAD > boxes[None, :, 0])
               & (Y[:, None] - PAD < boxes[None, :, 3]) & (Y[:, None] + h + PAD > boxes[None, :, 1]))
        return ~hit.any(axis=1)

    for label in labels:
        if not label.must and zoom < label.min_zoom:
            continue
        w, h = label.style.box(label.text)
        leader = None
        if label.kind in ("stop", "town"):
            if label.kind == "stop":
                i = stop_index[label.key]
                cx, cy, rad = float(mx[i]), float(my[i]), r
                gaps = (3, 8, 16, 28, 44, 64) if label.must else (3,)
            else:
                cx, cy = (float(v) for v in world_px(*label.anchor, zoom))
                rad, gaps = TOWN_DOT / 2, (2, 5)
            X, Y, G = _around(cx, cy, rad, w, h, gaps)
            ok = grid.free(X - PAD, Y - PAD, X + w + PAD, Y + h + PAD) & clear_of_placed(X, Y, w, h)
            if label.kind == "town":  # the town's own dot must not sit on another label either
                ok &= clear_of_placed(np.array([cx - rad]), np.array([cy - rad]), 2 * rad, 2 * rad)[0]
            k = np.nonzero(ok)[0]
            if not len(k):
                continue
            # nearest first, but a box that sticks out of the route's box (where panels may cover it once
            # the route is fitted to the screen) counts as further away
            out_px = (np.maximum(prefer[0] - X, 0) + np.maximum(X + w - prefer[2], 0)
                      + np.maximum(prefer[1] - Y, 0) + np.maximum(Y + h - prefer[3], 0))
            j = int(k[np.lexsort((k, G[k] + 2 * out_px[k]))][0])
            leader = bool(G[j] > 10)
            anchor = (cx, cy)
            bx, by = float(X[j]), float(Y[j])
        else:
            near = prefer if label.must else (prefer[0] - 120, prefer[1] - 120, prefer[2] + 120, prefer[3] + 120)

            def usable(X, Y, w=w, h=h):
                return grid.free(X - PAD, Y - PAD, X + w + PAD, Y + h + PAD) & clear_of_placed(X, Y, w, h)

            spot = _area_spot(label, zoom, w, h, window, near, views, land0, usable)
            if spot is None and label.must:  # no room inside: beside the area, as close to it as is free
                X, Y = _beside(label, zoom, w, h, near)
                k = np.nonzero(usable(X, Y))[0]
                spot = (float(X[k[0]]), float(Y[k[0]])) if len(k) else None
            if spot is None:
                continue
            bx, by = spot
            anchor = (bx + w / 2, by + h / 2)
        placed.append(Placed(label.key, round(bx, 1), round(by, 1), w, h, (round(anchor[0], 1), round(anchor[1], 1)),
                             bool(leader)))
        boxes = np.vstack([boxes, [bx, by, bx + w, by + h]])
    return Layout(zoom, placed, [tuple(o) for o in offsets.tolist()])


@dataclass
class LabelSet:
    """Everything named on one map and its layout at each zoom a reader is likely to use."""

    labels: list[Label]
    stops: list[tuple[float, float]]  # lon, lat of each stop, in order
    route: list[np.ndarray]  # obstacle lines, lon/lat
    bounds: tuple[float, float, float, float]
    land: object = None
    views: dict[int, list] = field(default_factory=dict)  # zoom -> screens fitted at it (see `layout`)
    layouts: dict[int, Layout] = field(default_factory=dict)

    @cached_property
    def land0(self):
        return None if self.land is None else to_zoom0(self.land)

    def at(self, zoom: int) -> Layout:
        if zoom not in self.layouts:
            stored = self._stored.get(str(zoom))
            lay = _layout_from_json(zoom, stored) if stored is not None else None
            if lay is None:
                lay = layout(self.labels, self.stops, self.route, zoom, self.bounds, self.land0,
                             self.views.get(zoom, ()))
                self._stored[str(zoom)] = _layout_to_json(lay)
                _store_layouts(self._cache_key, self._stored)
            self.layouts[zoom] = lay
        return self.layouts[zoom]

    # The layouts are a pure function of the labels (texts, kinds, anchors, areas), the stops, the route, the
    # bounds, the land, the screens' views, this module's code, the font metrics and the numpy and GEOS
    # versions. They are kept in the user's cache folder keyed by the digest of all of these, as Jinja's
    # compiled templates are: a rebuild of the same map (--force, a changed quote or title, a deleted output)
    # reads them instead of searching again; the same layouts either way (tests/test_caches.py).
    @cached_property
    def _cache_key(self) -> str:
        return layout_key(self)

    @cached_property
    def _stored(self) -> dict:
        return _load_layouts(self._cache_key)

    def by_key(self) -> dict[str, Label]:
        return {lb.key: lb for lb in self.labels}


def layout_key(label_set: "LabelSet") -> str:
    """The digest of everything `layout` reads for this label set (see `LabelSet`)."""
    import hashlib

    import shapely

    h = hashlib.sha256()

    def add(*parts) -> None:
        for part in parts:
            h.update(part if isinstance(part, bytes) else repr(part).encode())
            h.update(b"\0")

    add(_code_digest(), np.__version__, shapely.__version__, shapely.geos_version_string)
    for x in label_set.labels:
        add(x.key, x.text, x.kind, x.must, x.anchor, x.min_zoom, x.rank,
            b"" if x.area is None else shapely.to_wkb(x.area))
    add(label_set.stops, label_set.bounds, sorted(label_set.views.items()))
    for line in label_set.route:
        a = np.ascontiguousarray(line)
        add(a.dtype.str, a.shape, a.tobytes())
    add(b"" if label_set.land is None else shapely.to_wkb(label_set.land))
    return h.hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    import hashlib
    from pathlib import Path

    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(data.asset("label_font.json").read_bytes())
    return h.hexdigest()


LAYOUT_CACHE_KEEP = 200  # label-layout entries kept in the user's cache folder (a few kB each)


def _layouts_dir():
    return data.cache_dir() / "labels"


def _load_layouts(key: str) -> dict:
    doc = data.kept_json(_layouts_dir(), key)
    layouts = doc.get("layouts") if doc else None
    return layouts if isinstance(layouts, dict) else {}


def _store_layouts(key: str, layouts: dict) -> None:
    data.keep_json(_layouts_dir(), key, {"layouts": layouts}, LAYOUT_CACHE_KEEP)


def _layout_to_json(lay: Layout) -> dict:
    return {"placed": [[p.key, p.x, p.y, p.w, p.h, list(p.anchor), p.leader] for p in lay.placed],
            "offsets": [list(o) for o in lay.marker_offsets]}


def _layout_from_json(zoom: int, doc) -> Layout | None:
    """A stored layout, or None if it is not what `_layout_to_json` writes (then it is computed again)."""
    try:
        placed = [Placed(k, x, y, w, h, (a[0], a[1]), leader) for k, x, y, w, h, a, leader in doc["placed"]]
        offsets = [(o[0], o[1]) for o in doc["offsets"]]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    num = (int, float)
    if not all(isinstance(p.key, str) and all(isinstance(v, num) and not isinstance(v, bool)
                                               for v in (p.x, p.y, p.w, p.h, *p.anchor))
               and isinstance(p.leader, bool) for p in placed):
        return None
    if not all(isinstance(v, num) and not isinstance(v, bool) for o in offsets for v in o):
        return None
    return Layout(zoom, placed, offsets)
