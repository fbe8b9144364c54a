"""Derive the offline base map (geo/countries/ne_10m_admin_0_countries_basemap.npz).

Run once by a maintainer (never at build time):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz      # -> package/countries-10m.json
    .venv/bin/python tools/prepare_basemap.py package/countries-10m.json path/to/shared/data

The base map is Natural Earth 10m admin-0 (world-atlas 2.0.2 packaging) decoded *with* the antimeridian
handled: world-atlas stores rings in spherical coordinates, so Russia (Chukotka, Wrangel Island) and Fiji
cross 180 degrees and Antarctica encircles the South Pole. Each ring is unwrapped, closed over the pole when
it encircles one, and cut at +-180. The countries form a polygon coverage (shared borders have identical
vertices), which is simplified *as a coverage* at several tolerances, so neighbouring countries never
gap or overlap at any level. mapgen.basemap picks a level per map and only clips and rounds at run time.
See geo/SOURCES.md ("countries/ne_10m_admin_0_countries_basemap.npz").
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "geo" / "countries" / "ne_10m_admin_0_countries_basemap.npz"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from prepare_geo import ISO2_BY_NAME  # noqa: E402  (same ISO alpha-2 join as the countries file)

SCALE = 1000  # stored coordinates are integers in 1e-3 degree (about 110 m; world-atlas 10m is 0.0036 x 0.0017)
# Visvalingam-Whyatt tolerances (shapely.coverage_simplify: ~ the square root of the area of the triangles
# removed, in degrees). mapgen.basemap.level_for() picks the level nearest to the view's span / 600.
LEVELS = (0.008, 0.016, 0.032, 0.064, 0.128, 0.256)


def decode_arcs(topo: dict) -> list[np.ndarray]:
    tr = topo["transform"]
    sx, sy = tr["scale"]
    tx, ty = tr["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))
    return arcs


def ring_coords(arcs: list[np.ndarray], ids: list[int]) -> np.ndarray:
    parts = []
    for k, i in enumerate(ids):
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(a if k == 0 else a[1:])
    return np.concatenate(parts)


def unwrap(ring: np.ndarray) -> np.ndarray:
    """Make longitudes continuous (no 360 degree jumps); close over a pole if the ring encircles one."""
    x = ring[:, 0].copy()
    dx = np.diff(x)
    x[1:] -= 360.0 * np.cumsum(np.round(dx / 360.0))
    out = np.column_stack([x, ring[:, 1]])
    if abs(out[-1, 0] - out[0, 0]) > 1e-9:  # encircles a pole: go down (or up) to it and back
        pole = -90.0 if out[:, 1].mean() < 0 else 90.0
        out = np.vstack([out, [[out[-1, 0], pole], [out[0, 0], pole]], out[:1]])
    return out


def polygon(arcs: list[np.ndarray], rings: list[list[int]]):
    shell = unwrap(ring_coords(arcs, rings[0]))
    holes = []
    mid = (shell[:, 0].min() + shell[:, 0].max()) / 2
    for ids in rings[1:]:
        h = unwrap(ring_coords(arcs, ids))
        h[:, 0] += 360.0 * np.round((mid - (h[:, 0].min() + h[:, 0].max()) / 2) / 360.0)
        holes.append(h)
    if len(np.unique(shell, axis=0)) < 3:
        return None
    poly = shapely.make_valid(shapely.Polygon(shell, [h for h in holes if len(np.unique(h, axis=0)) >= 3]))
    pieces = []
    for k in (-1, 0, 1):  # cut at the antimeridian: [-540,-180], [-180,180], [180,540] shifted into range
        part = shapely.intersection(poly, shapely.box(-180 + 360 * k, -90, 180 + 360 * k, 90))
        if not part.is_empty:
            pieces.append(shapely.transform(part, lambda c, k=k: c - [360.0 * k, 0.0]))
    return shapely.union_all(pieces) if pieces else None


def polygonal(g):
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else None)


def countries(topo_path: Path, shared: Path) -> tuple[list[str], list[str], np.ndarray]:
    topo = json.loads(topo_path.read_text())
    arcs = decode_arcs(topo)
    ne50 = json.loads((shared / "ne_50m_admin_0_countries.geojson").read_text())
    by_n3 = {f["properties"]["ISO_N3"]: f["properties"]["ISO_A2"] for f in ne50["features"]
             if f["properties"]["ISO_A2"] not in ("-99", None)}
    by_code: dict[str, list] = {}
    names: dict[str, str] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        name = g["properties"]["name"]
        code = ISO2_BY_NAME.get(name) or by_n3.get(g.get("id"))
        if not code:
            raise SystemExit(f"no ISO alpha-2 code for {name!r} ({g.get('id')})")
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        geoms = [p for p in (polygon(arcs, rings) for rings in polys) if p is not None]
        if geoms:
            by_code.setdefault(code, []).extend(geoms)
            names.setdefault(code, name)  # first piece names the country, as in prepare_geo.py
    codes = sorted(by_code)
    geoms = np.array([polygonal(shapely.union_all(by_code[c])) for c in codes])
    keep = [i for i, g in enumerate(geoms) if g is not None]
    geoms = shapely.set_precision(geoms[keep], 1.0 / SCALE)
    geoms = np.array([polygonal(g) for g in geoms])
    keep2 = [i for i, g in enumerate(geoms) if g is not None]
    codes = [codes[keep[i]] for i in keep2]
    return codes, [names[c] for c in codes], geoms[keep2]


def drop_specks(geoms: np.ndarray, tol: float) -> np.ndarray:
    """Drop islands smaller than tol x tol (a pixel or two where this level is used); keep each country's
    largest part, so no country disappears."""
    out = []
    for g in geoms:
        parts = shapely.get_parts(g)
        area = shapely.area(parts)
        keep = (area >= tol * tol) | (np.arange(len(parts)) == np.argmax(area))
        out.append(polygonal(shapely.MultiPolygon(list(parts[keep]))))
    return np.array(out)


def ragged(geoms: np.ndarray) -> dict[str, np.ndarray]:
    multi = np.array([g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geoms])
    _, coords, (ring_off, poly_off, geom_off) = shapely.to_ragged_array(multi)
    q = np.rint(coords * SCALE).astype(np.int64)
    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return {"xy": np.ascontiguousarray(delta.T.astype(np.int32)), "ring": ring_off.astype(np.int32),
            "poly": poly_off.astype(np.int32), "geom": geom_off.astype(np.int32)}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like np.savez_compressed (LZMA, which np.load reads too), but byte-stable: fixed order and timestamps."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_LZMA) as z:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_LZMA
            info.external_attr = 0o644 << 16
            z.writestr(info, buf.getvalue())


def basemap(topo_path: Path, shared: Path) -> None:
    codes, names, geoms = countries(topo_path, shared)
    print(f"decoded {len(codes)} countries, {shapely.get_num_coordinates(geoms).sum():,} vertices")
    if not shapely.coverage_is_valid(geoms):  # a few 1e-3 rounding slivers (BE/NL enclaves, CN/MO)
        area = shapely.area(geoms)
        geoms = shapely.coverage_clean(geoms, snapping_distance=0.0)
        moved = np.abs(shapely.area(geoms) - area)
        print(f"coverage cleaned: largest area change {moved.max():.6f} sq. degrees "
              f"({codes[int(np.argmax(moved))]})")
    assert shapely.coverage_is_valid(geoms), "countries do not form a polygon coverage"
    arrays: dict[str, np.ndarray] = {
        "codes": np.array(codes), "names": np.array(names),
        "levels": np.array(LEVELS, dtype=np.float64), "scale": np.array([SCALE], dtype=np.int64),
    }
    for k, tol in enumerate(LEVELS):
        simple = shapely.coverage_simplify(geoms, tol)
        simple = shapely.orient_polygons(simple)  # RFC 7946: exterior rings counter-clockwise
        simple = drop_specks(np.array([polygonal(g) for g in simple]), tol)
        assert all(g is not None for g in simple), f"a country vanished at level {tol}"
        for name, arr in ragged(simple).items():
            arrays[f"l{k}_{name}"] = arr
        print(f"level {k} tol {tol}: {shapely.get_num_coordinates(simple).sum():,} vertices, "
              f"valid {shapely.is_valid(simple).all()}, coverage {shapely.coverage_is_valid(simple)}")
    write_npz(OUT, arrays)
    print(f"{OUT.relative_to(ROOT)}: {len(codes)} countries, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: prepare_basemap.py path/to/countries-10m.json path/to/shared/data")
    basemap(Path(sys.argv[1]), Path(sys.argv[2]))
