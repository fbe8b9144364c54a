"""The offline base map (mapgen.basemap): right countries, right shapes, small, stable, drawn under the tiles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

from mapgen import basemap

SEED = (125.0, 38.9, 133.0, 52.0)               # the seed route: Pyongyang .. Vostochny
WORLD = (-9.14, 38.72, 131.89, 55.76)            # Lisbon .. Vladivostok (lon, lat)


def dumps(doc: dict) -> str:
    return json.dumps(doc, separators=(",", ":"))


@pytest.fixture(scope="module")
def seed() -> dict:
    return basemap.basemap_geojson(SEED)


@pytest.fixture(scope="module")
def seed_shapes(seed) -> dict:
    return {f["properties"]["iso_a2"]: shape(f["geometry"]) for f in seed["features"]}


def positions(doc: dict):
    for f in doc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for ring in poly:
                yield from ring


def test_seed_is_valid_geojson(seed):
    assert seed["type"] == "FeatureCollection"
    assert json.loads(dumps(seed)) == seed
    for f in seed["features"]:
        assert f["type"] == "Feature"
        assert set(f["properties"]) == {"iso_a2", "name"}
        g = f["geometry"]
        assert g["type"] in ("Polygon", "MultiPolygon")
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for k, ring in enumerate(poly):
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(len(p) == 2 and all(isinstance(v, float) for v in p) for p in ring)
                # RFC 7946 right-hand rule: exterior counter-clockwise, holes clockwise.
                assert shapely.LinearRing(ring).is_ccw == (k == 0)
        assert shape(g).is_valid, f["properties"]


def test_seed_has_the_countries_the_route_is_about(seed):
    codes = [f["properties"]["iso_a2"] for f in seed["features"]]
    assert {"KP", "RU", "CN"} <= set(codes)        # China must be drawn: the route avoids it
    assert codes == sorted(codes) and len(codes) == len(set(codes))
    names = {f["properties"]["iso_a2"]: f["properties"]["name"] for f in seed["features"]}
    assert names["RU"] == "Russia" and names["CN"] == "China"


def test_every_coordinate_is_within_the_view_box(seed):
    x0, y0, x1, y1 = box = basemap.view_box(SEED)
    # The box is generous: at least 5 degrees round the route, more east-west (the route is tall, screens wide).
    assert x0 <= SEED[0] - 5 and y0 <= SEED[1] - 5 and x1 >= SEED[2] + 5 and y1 >= SEED[3] + 5
    assert x1 - x0 > y1 - y0
    pts = list(positions(seed))
    assert pts
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in pts), box
    assert all(round(v, 3) == v for p in pts for v in p)  # rounded to 1e-3 degree


def test_explicit_margin():
    box = basemap.view_box(SEED, margin_deg=2.0)
    assert box == (123.0, 36.9, 135.0, 54.0)
    doc = basemap.basemap_geojson(SEED, margin_deg=2.0)
    assert all(123.0 <= x <= 135.0 and 36.9 <= y <= 54.0 for x, y in positions(doc))


def test_deterministic(seed):
    again = basemap.basemap_geojson(SEED)
    assert dumps(again) == dumps(seed)
    basemap._level.cache_clear()
    basemap._archive.cache_clear()
    basemap._arrays.cache_clear()
    assert dumps(basemap.basemap_geojson(SEED)) == dumps(seed)


def test_seed_size(seed):
    assert 30_000 <= len(dumps(seed)) <= 250_000  # its speed is measured by bench/bench.py, not here


@pytest.mark.parametrize("place, lat, lon, code", [
    ("Vladivostok", 43.1056, 131.8735, "RU"),
    ("Pyongyang", 39.0339, 125.7543, "KP"),
    ("Harbin", 45.75, 126.65, "CN"),
    ("Khasan", 42.4308, 130.6444, "RU"),
    ("Chongjin", 41.79, 129.78, "KP"),
    ("Seoul", 37.5665, 126.978, "KR"),
])
def test_simplified_shapes_keep_places_in_their_country(seed_shapes, place, lat, lon, code):
    p = Point(lon, lat)
    inside = sorted(c for c, g in seed_shapes.items() if g.covers(p))
    assert inside == [code], place


def test_neighbours_share_borders_exactly(seed_shapes):
    """Simplified as a coverage: no overlaps between countries, so each place is in one country only."""
    codes = sorted(seed_shapes)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            assert seed_shapes[a].intersection(seed_shapes[b]).area < 1e-6, (a, b)
    # ... and no gap along the Tumen: the KP-RU border is shared, not two lines apart.
    border = seed_shapes["KP"].boundary.intersection(seed_shapes["RU"].boundary)
    assert border.length > 0.1


def test_world_scale_is_small_and_right_across_the_antimeridian():
    doc = basemap.basemap_geojson(WORLD)
    assert len(dumps(doc)) <= 400_000
    shapes = {f["properties"]["iso_a2"]: shape(f["geometry"]) for f in doc["features"]}
    assert {"PT", "ES", "FR", "DE", "PL", "RU", "KZ", "MN", "CN", "KP", "JP"} <= set(shapes)
    # Russia is decoded across 180 degrees: northern Russia is there, and no band of "Russia" over Europe.
    for name, lat, lon in [("Murmansk", 68.97, 33.08), ("Vorkuta", 67.5, 64.05), ("Norilsk", 69.35, 88.2)]:
        assert shapes["RU"].covers(Point(lon, lat)), name
    for name, lat, lon in [("Kiruna", 67.855, 20.225), ("Reykjavik", 64.15, -21.94), ("Rovaniemi", 66.5, 25.73)]:
        assert not shapes["RU"].covers(Point(lon, lat)), name


def test_views_near_the_antimeridian_and_small_views():
    fiji = basemap.basemap_geojson((177.0, -19.0, 179.9, -16.0))
    codes = [f["properties"]["iso_a2"] for f in fiji["features"]]
    assert "FJ" in codes and set(codes) <= {"FJ", "NC", "SB", "VU", "TO", "WF", "NZ"}  # Fiji and its neighbours
    assert shape(fiji["features"][codes.index("FJ")]["geometry"]).covers(Point(178.44, -18.14))  # Suva
    city = basemap.basemap_geojson((2.3, 48.8, 2.4, 48.9))                      # Paris
    assert "FR" in [f["properties"]["iso_a2"] for f in city["features"]]


def test_bad_bounds():
    with pytest.raises(ValueError):
        basemap.view_box((133.0, 52.0, 125.0, 38.9))


def test_layer_options():
    opts = basemap.basemap_layer_js_options()
    assert opts["pane"] == basemap.BASEMAP_PANE and opts["interactive"] is False
    assert opts["style"]["fillColor"] == "#f2efe9" and opts["style"]["color"] == "#9e9e9e"
    assert opts["style"]["weight"] == 0.8
    assert basemap.BASEMAP_PANE_Z < 200                 # under Leaflet's tilePane
    assert "#aad3df" in basemap.BASEMAP_CSS


def _seed_page() -> str:
    import folium

    from mapgen.offline import assert_offline, make_offline

    m = folium.Map(location=[45.45, 129.0], zoom_start=5, tiles=None)
    folium.TileLayer("OpenStreetMap", attr="&copy; OpenStreetMap contributors").add_to(m)
    basemap.add_to_map(m, SEED)
    folium.PolyLine([(39.03, 125.75), (42.43, 130.64), (43.11, 131.87)], color="#c0392b").add_to(m)
    m.fit_bounds([[SEED[1], SEED[0]], [SEED[3], SEED[2]]])
    make_offline(m)
    html = m.get_root().render()
    assert_offline(html)
    return html


def test_folium_output_has_one_style_and_the_pane():
    html = _seed_page()
    assert html.count('"fillColor": "#f2efe9"') == 1     # style_function collapses to one default style
    assert '"pane": "basemap"' in html and "createPane" in html
    assert ".style.zIndex = 150" in html
