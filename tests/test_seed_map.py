"""The built seed map, checked as geography: on the track, out of China, the right length, cited."""
import gzip
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from mapgen.article import Article
from mapgen.data import geo_file
from mapgen.rail import SCALE, default_network

GEOD = Geod(ellps="WGS84")


def legs(doc):
    return [f for f in doc["features"] if f["properties"]["kind"] == "leg"]


def stops(doc):
    return [f for f in doc["features"] if f["properties"]["kind"] == "stop"]


@pytest.fixture(scope="module")
def countries():
    with gzip.open(geo_file("countries", "ne_10m_admin_0_countries.geojson.gz"), "rt") as f:
        return gpd.GeoDataFrame.from_features(json.load(f)["features"], crs="EPSG:4326").set_index("iso_a2")


def test_stops_in_order_with_quotes(seed_geojson, seed_dir):
    props = [f["properties"] for f in stops(seed_geojson)]
    assert [p["order"] for p in props] == [1, 2, 3, 4]
    assert [p["place_name"] for p in props] == ["Pyongyang", "Khasan", "Vladivostok", "Vostochny Cosmodrome"]
    article = Article.read(seed_dir / "article.txt")
    for p in props:
        assert article.find(p["quote"]) is not None
        assert p["quote"].replace("’", "'") in p["sentence"].replace("’", "'")
        assert p["source"] and p["certainty"] in ("stated", "reported", "possible")
    assert props[3]["certainty"] == "possible"
    cosmo = props[3]["geocode"]
    assert cosmo["id"] == "overlay:vostochny-cosmodrome"
    assert "overlay:vostochny-port" in [c["id"] for c in cosmo["candidates"][1:]]


def test_stops_are_in_the_right_countries(seed_geojson, countries):
    expect = ["KP", "RU", "RU", "RU"]
    for f, code in zip(stops(seed_geojson), expect):
        pt = shapely.geometry.shape(f["geometry"])
        assert countries.loc[code].geometry.contains(pt), f["properties"]["name"]


def test_total_length(seed_geojson):
    km = [f["properties"]["km"] for f in legs(seed_geojson)]
    assert 2300 <= sum(km) <= 3300
    for f in legs(seed_geojson):  # each leg's km is the geodesic length of its line
        c = np.asarray(f["geometry"]["coordinates"])
        assert abs(GEOD.line_length(c[:, 0], c[:, 1]) / 1000 - f["properties"]["km"]) < 0.2


def test_no_vertex_inside_china(seed_geojson, countries):
    china = countries.loc["CN"].geometry
    for f in legs(seed_geojson):
        pts = shapely.points(np.asarray(f["geometry"]["coordinates"]))
        assert not shapely.contains(china, pts).any()
        assert not shapely.intersects(china, shapely.geometry.shape(f["geometry"]))


def test_every_vertex_within_2_km_of_track_except_connectors(seed_geojson):
    net = default_network()
    conn = [shapely.geometry.shape(f["geometry"]) for f in seed_geojson["features"]
            if f["properties"]["kind"] == "connector"]
    assert {f["properties"]["id"] for f in seed_geojson["features"] if f["properties"]["kind"] == "connector"} == {
        "tumangang-khasan-bridge", "ledyanaya-tsiolkovsky-vostochny"}
    track = net.vert_xy[net.vert_country >= 0] / SCALE  # Natural Earth vertices (connectors have -1)
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([track[:, 0] * np.cos(np.radians(track[:, 1])), track[:, 1]]))
    checked = 0
    for f in legs(seed_geojson):
        c = np.asarray(f["geometry"]["coordinates"])
        on_conn = np.array([any(g.distance(shapely.Point(x, y)) < 1e-4 for g in conn) for x, y in c])
        pts = c[~on_conn]
        dist_deg, idx = tree.query(np.column_stack([pts[:, 0] * np.cos(np.radians(pts[:, 1])), pts[:, 1]]))
        near = track[idx]
        km = GEOD.inv(pts[:, 0], pts[:, 1], near[:, 0], near[:, 1])[2] / 1000
        assert km.max() <= 2.0
        checked += len(pts)
    assert checked > 2000


def test_legs_flag_connectors_and_stay_in_endpoint_countries(seed_geojson):
    p = [f["properties"] for f in legs(seed_geojson)]
    assert p[0]["connectors"] == ["tumangang-khasan-bridge"] and p[0]["connector"] is True
    assert p[1]["connectors"] == [] and p[1]["connector"] is False
    assert p[2]["connectors"] == ["ledyanaya-tsiolkovsky-vostochny"]
    assert [x["countries"] for x in p] == [["KP", "RU"], ["RU"], ["RU"]]
    assert not any(x["fallback"] for x in p)
    assert all(x["mode"] == "rail" for x in p)


def test_border_rule_keeps_the_trip_straight_to_the_cosmodrome_out_of_china(seed_dir, tmp_path, countries):
    """The seed's legs are short enough to stay out of China without the border rule; Pyongyang straight to
    the cosmodrome is not: its shortest track runs through Manchuria, so only the rule keeps this map out."""
    import shutil
    import tomllib

    import numpy as np

    from mapgen.build import build_story

    story = tmp_path / "kim-direct"
    shutil.copytree(seed_dir, story)
    seed = tomllib.loads((seed_dir / "story.toml").read_text(encoding="utf-8"))
    first, last = seed["stops"][0], seed["stops"][-1]
    toml = (f'title = "Kim straight to Vostochny"\nlanguage = "fr"\n[source]\nname = "N"\ncitation = "C"\n'
            + "".join("[[stops]]\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in s.items())
                      for s in (first, last)))
    (story / "story.toml").write_text(toml, encoding="utf-8")
    build_story(story, tmp_path / "maps")
    doc = json.loads((tmp_path / "maps" / "kim-direct.geojson").read_text(encoding="utf-8"))
    (leg,) = legs(doc)
    china = countries.loc["CN"].geometry
    assert not shapely.intersects(china, shapely.geometry.shape(leg["geometry"]))
    assert leg["properties"]["countries"] == ["KP", "RU"] and leg["properties"]["km"] > 2300

    # the case exercises the rule: with every country's track allowed, the shortest path enters China
    net = default_network()
    a, b = (shapely.geometry.shape(f["geometry"]) for f in stops(doc))
    anywhere = np.ones(len(net.edge_cset), dtype=bool)
    free = net.shortest_path(net.snap(a.y, a.x, anywhere, country="KP"), net.snap(b.y, b.x, anywhere, country="RU"),
                             anywhere)
    assert "CN" in free.countries and free.km < leg["properties"]["km"] - 300
