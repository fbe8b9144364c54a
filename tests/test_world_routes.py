"""Rail routes on the world network under the border rule, checked for length and countries crossed; the
thirty well-known lines of issue 15; what comes from which source and how it is flagged."""
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from mapgen.article import Match
from mapgen.build import build_story
from mapgen.countries import country_at
from mapgen.gazetteer import Gazetteer
from mapgen.geocode import Located
from mapgen.rail import NATURAL_EARTH, OSM_GRAPH, RailNetwork, default_network, geodesic_km
from mapgen.route import route_leg
from mapgen.story import Stop


@pytest.fixture(scope="module")
def net():
    return default_network()


def place(name, country=None):
    g = Gazetteer.open().geocode(name, country=country, strict=False)
    p = g.place
    return Located(Stop(order=1, place=name, quote="", match=Match(0, 0, 0, 0)), p.lat, p.lon, p.country, p.name,
                   p.source, g)


def leg(net, a, b):
    result, why = route_leg(place(a), place(b), net)
    assert result is not None, why
    return result


def countries_on_line(coords, step=25):
    """Countries the drawn line actually passes through, from the polygons (not the graph's tags)."""
    return {country_at(lat, lon) for lon, lat in coords[::step]} - {None}


def test_moscow_vladivostok_stays_in_russia(net):
    r = leg(net, "Moscou", "Vladivostok")
    assert r.countries == ("RU",)
    assert countries_on_line(r.coords) == {"RU"}
    # the Trans-Siberian is 9,289 km by the railway's own kilometrage; Natural Earth's 1:10m lines run short
    assert 8_000 < r.km < 9_600


def test_beijing_ulaanbaatar_irkutsk(net):
    a = leg(net, "Pékin", "Oulan-Bator")
    b = leg(net, "Oulan-Bator", "Irkoutsk")
    assert set(a.countries) == {"CN", "MN"} and set(b.countries) == {"MN", "RU"}
    assert countries_on_line(a.coords) <= {"CN", "MN"} and countries_on_line(b.coords) <= {"MN", "RU"}
    assert 1_300 < a.km < 1_700  # Trans-Mongolian, Beijing-Erenhot-Ulaanbaatar: about 1,550 km by rail
    assert 950 < b.km < 1_250  # Ulaanbaatar-Naushki-Irkutsk: about 1,100 km


def test_paris_berlin(net):
    r = leg(net, "Paris", "Berlin")
    assert set(r.countries) == {"FR", "DE"}
    assert countries_on_line(r.coords) <= {"FR", "DE"}
    assert 1_000 < r.km < 1_300


def test_pyongyang_moscow_only_through_korea_and_russia(net):
    r = leg(net, "Pyongyang", "Moscow")
    assert set(r.countries) == {"KP", "RU"}
    assert not countries_on_line(r.coords, step=5) & {"CN", "KZ", "MN"}
    assert "tumangang-khasan-bridge" in r.connectors
    assert 9_000 < r.km < 10_500


def test_a_via_stop_lets_the_route_into_its_country(net):
    a = leg(net, "Pyongyang", "Pékin")
    b = leg(net, "Pékin", "Moscou")
    assert set(a.countries) == {"KP", "CN"} and set(b.countries) <= {"CN", "RU", "MN"}
    assert "CN" in countries_on_line(b.coords)
    assert a.km + b.km > 8_000


def test_trans_siberian_proper_with_a_via_stop(net):
    # the shortest all-Russian track in Natural Earth runs over the Baikal-Amur Mainline (north of Lake
    # Baikal); a via stop at Irkutsk keeps the route on the Trans-Siberian through Ulan-Ude and Chita
    from mapgen.gazetteer import distance_km

    a = leg(net, "Moscou", "Irkoutsk")
    b = leg(net, "Irkoutsk", "Vladivostok")
    assert a.countries == b.countries == ("RU",)
    assert 8_400 < a.km + b.km < 9_400  # 9,289 km by the railway's kilometrage
    for town in ("Yekaterinburg", "Novosibirsk", "Ulan-Ude", "Chita", "Khabarovsk"):
        p = place(town)
        assert min(distance_km(p.lat, p.lon, la, lo) for lo, la in a.coords + b.coords) < 15, town


@pytest.mark.parametrize("a, b, transit, town", [
    ("Munich", "Venice", "AT", "Innsbruck"), ("London", "Brussels", "FR", "Lille"),
    ("Paris", "Amsterdam", "BE", "Brussels"),
])
def test_no_path_within_the_ends_countries_names_the_transit_and_a_via(net, a, b, transit, town):
    from mapgen.route import transit_vias

    result, why = route_leg(place(a), place(b), net)
    assert result is None
    assert f"runs through {transit}" in why and f"for example {town} ({transit})" in why
    vias = transit_vias(place(a), place(b), net)
    assert [(v.name, v.country) for v in vias] == [(town, transit)]
    # with it as a via stop, both legs exist and stay in their ends' countries
    first, second = leg(net, a, town), leg(net, town, b)
    assert set(first.countries) | set(second.countries) == {place(a).country, transit, place(b).country}


# --- the thirty well-known lines of issue 15 (tests/world_lines.toml) -------------------------------------

LINES = tomllib.loads((Path(__file__).parent / "world_lines.toml").read_text(encoding="utf-8"))["line"]


@pytest.fixture(scope="module")
def world_line(net):
    """Each line routed once: the `mapgen route ... --json` result and the legs behind it."""
    from click.testing import CliRunner

    from mapgen.cli import cli
    from mapgen.commands import _route_places

    done = {}

    def route(line):
        if line["name"] not in done:
            first, *via, last = line["stops"]
            args = ["route", first, last, *[x for v in via for x in ("--via", v)], "--json"]
            result = CliRunner().invoke(cli, args)
            done[line["name"]] = (result, _route_places(line["stops"]))
        return done[line["name"]]

    return route


def km_to_line(lat, lon, coords):
    """Distance in km from a point to a drawn line ((lon, lat) vertices), in a local equirectangular plane."""
    import math

    import shapely

    k = math.cos(math.radians(lat))
    line = shapely.LineString([((x - lon) * k, y - lat) for x, y in coords])
    return line.distance(shapely.Point(0, 0)) * 111.2


@pytest.mark.parametrize("line", LINES, ids=[x["name"] for x in LINES])
def test_line_routes_with_mapgen_route_inside_its_countries(world_line, line):
    result, _ = world_line(line)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert len(doc["legs"]) == len(line["stops"]) - 1
    assert {c for leg in doc["legs"] for c in leg["countries"]} <= set(line["countries"])


@pytest.mark.parametrize("line", [
    pytest.param(x, marks=pytest.mark.xfail(strict=True, reason="straight station-to-station connectors miss the "
                                                                 "Albula spirals and Bernina hairpins"))
    if x.get("short_by_alignment") else x for x in LINES], ids=[x["name"] for x in LINES])
def test_line_length_is_within_a_fifth_of_the_published_length(world_line, line):
    _, legs = world_line(line)
    km = sum(leg.km for leg in legs)
    assert abs(km / line["published_km"] - 1) <= 0.20, f"{km:,.0f} km drawn, {line['published_km']:,} published"


@pytest.mark.parametrize("line", [x for x in LINES if len(x["stops"]) > 2], ids=lambda x: x["name"])
def test_every_via_stop_lies_on_the_drawn_line(world_line, line):
    _, legs = world_line(line)
    coords = [c for leg in legs for c in leg.coords]
    for leg in legs[:-1]:  # the end of every leg but the last is a via stop
        via = leg.end
        assert km_to_line(via.lat, via.lon, coords) <= 5.0, via.name


# --- the merged network (issue 15): Natural Earth, the OSM routing graph's links it lacks, curated connectors;
# how each is flagged in routes, the GeoJSON and the page; and what errors say when track is not joined -----


def test_the_network_flags_what_comes_from_the_osm_graph(net):
    osm = net.edge_source == OSM_GRAPH
    assert osm.any() and (net.edge_source == NATURAL_EARTH).sum() > 20_000
    km = net.edge_km
    # Natural Earth's 927,004 km are all there; the OSM links add a small share of it
    assert 900_000 < km[~osm & (net.edge_connector < 0)].sum() < 960_000
    assert 20_000 < km[osm].sum() < 150_000


@pytest.mark.parametrize("a, b, countries", [
    ("Moscow", "Vladivostok", {"RU"}), ("Paris", "Berlin", {"FR", "DE"}), ("Beijing", "Shanghai", {"CN"}),
    ("Chicago", "Denver", {"US"}), ("Delhi", "Kolkata", {"IN"}),
])
def test_osm_links_never_shorten_a_route_natural_earth_could_make(net, a, b, countries):
    """The links form a forest over Natural Earth's pieces of network: between two points of Natural Earth
    track that it already joins, the shortest path is the same with or without them."""
    pa, pb = place(a), place(b)
    ne_only = net.allowed_edges(countries) & (net.edge_source == NATURAL_EARTH)
    sa = net.snap(pa.lat, pa.lon, ne_only, country=pa.country)
    sb = net.snap(pb.lat, pb.lon, ne_only, country=pb.country)
    without = net.shortest_path(sa, sb, ne_only)
    with_osm = net.shortest_path(sa, sb, net.allowed_edges(countries))
    assert with_osm.km == pytest.approx(without.km, abs=1e-6)
    assert not with_osm.approximate and "osm_graph" not in with_osm.km_by_source


def test_a_leg_on_osm_track_says_how_much_and_where(net):
    leg, why = route_leg(place("Kunming"), place("Vientiane"), net)  # the China-Laos railway: OSM only
    assert leg is not None, why
    kinds = dict(leg.source_km)
    assert kinds["osm_graph"] > 900 and sum(kinds.values()) <= leg.km + 1e-6
    assert leg.approximate and sum(geodesic_km(p) for p in leg.approximate) == pytest.approx(kinds["osm_graph"], rel=1e-6)
    on_line = {tuple(c) for c in leg.coords}
    assert all(tuple(c) in on_line for piece in leg.approximate for c in piece)


def test_curated_connectors_pass_through_stations_and_say_they_are_approximate(net):
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    new = [c for c in net.connectors if "stations" in c]
    assert {c["id"] for c in new} >= {"marmaray", "zermatt-visp", "rhb-albula", "rhb-bernina", "oresund",
                                      "konkan-roha-madgaon", "konkan-madgaon-mangaluru"}
    for c in new:
        assert c["approximate"] is True and "pproximate" in c["source"]
        assert all(s.split("(")[-1].split(":")[0] in ("trainline", "geonames") for s in c["stations"])
        xy = np.asarray(c["geometry"]["coordinates"])
        assert geod.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])[2].max() <= 100_000


def test_connectors_that_meet_are_joined(net):
    """The Albula and Bernina connectors meet at St. Moritz, on no other track: Chur -> Tirano runs over both."""
    leg, why = route_leg(place("Chur"), place("Tirano", "IT"), net)
    assert leg is not None, why
    assert set(leg.connectors) == {"rhb-albula", "rhb-bernina"} and set(leg.countries) == {"CH", "IT"}


def test_no_path_says_first_that_the_countries_track_is_not_joined(tmp_path):
    """Without the Marmaray the data joins Istanbul and Ankara only round the Black Sea: the error says
    the track in Turkey is not joined, and suggests no via stop in seven other countries."""
    from mapgen import data

    conn = json.loads(data.geo_file("rail", "connectors.geojson").read_text(encoding="utf-8"))
    conn["features"] = [f for f in conn["features"] if f["properties"]["id"] != "marmaray"]
    path = tmp_path / "connectors.geojson"
    path.write_text(json.dumps(conn), encoding="utf-8")
    net = RailNetwork.load(connectors=path)
    leg, why = route_leg(place("Istanbul"), place("Ankara"), net)
    assert leg is None
    assert why.startswith("the track near them is not connected within TR")
    assert "add a via stop" not in why and "probably a gap in the railway data" in why


def test_a_sensible_transit_still_gets_a_via_suggestion(net):
    leg, why = route_leg(place("Munich"), place("Venice"), net)
    assert leg is None and why.startswith("the track near them is not connected within DE, IT")
    assert "for example Innsbruck (AT)" in why


KUNMING_ARTICLE = ("The new train left Kunming at dawn. "
                   "Ten hours later it pulled into Vientiane, the capital of Laos.")


def test_a_map_with_osm_track_flags_it_and_credits_openstreetmap(make_story, tmp_path):
    toml = ('title = "Kunming to Vientiane"\nlanguage = "en"\n[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Kunming"\nquote = "The new train left Kunming at dawn"\n'
            '[[stops]]\nplace = "Vientiane"\nquote = "it pulled into Vientiane"\n')
    build_story(make_story(toml, KUNMING_ARTICLE), tmp_path)
    doc = json.loads((tmp_path / "test-story.geojson").read_text(encoding="utf-8"))
    leg = next(f["properties"] for f in doc["features"] if f["properties"]["kind"] == "leg")
    pieces = [f for f in doc["features"] if f["properties"]["kind"] == "approximate"]
    assert pieces and leg["approximate_km"] > 900 and leg["source_km"]["osm_graph"] > 900
    assert sum(f["properties"]["km"] for f in pieces) == pytest.approx(leg["approximate_km"], abs=0.5)
    assert all("OpenStreetMap" in f["properties"]["source"] and "ODbL" in f["properties"]["source"]
               for f in pieces)
    assert "railway links: OpenStreetMap contributors (ODbL)" in doc["attribution"]
    page = (tmp_path / "test-story.html").read_text(encoding="utf-8")
    assert "approximate alignment (OpenStreetMap routing graph)" in page  # legend row
    assert "railway links: OpenStreetMap contributors (ODbL)" in page  # attribution


def test_a_map_without_osm_track_has_no_osm_legend_or_credit(seed_build, seed_geojson):
    page = (seed_build / "kim-2023-russia.html").read_text(encoding="utf-8")
    assert "OpenStreetMap routing graph" not in page and "railway links" not in page
    assert "railway links" not in seed_geojson["attribution"]
    assert not any(f["properties"]["kind"] == "approximate" for f in seed_geojson["features"])


def test_snapping_prefers_drawn_track_within_3_km(net):
    """A stop joins Natural Earth track within 3 km even where a vertex of an OSM piece is nearer."""
    osm_vertices = np.flatnonzero(net.edge_source[net.vert_edge] == OSM_GRAPH)
    anywhere = np.ones(len(net.edge_u), bool)
    checked = 0
    for i in osm_vertices[:: max(1, len(osm_vertices) // 4000)]:
        lon, lat = net.vert_xy[i] / 1e5
        s = net.snap(lat, lon, anywhere)
        ne = net.snap(lat, lon, anywhere & (net.edge_source == NATURAL_EARTH), max_km=3.0)
        if ne is not None and ne.km <= 2.9:
            checked += 1
            assert net.edge_source[s.edge] == NATURAL_EARTH, (lat, lon)
    assert checked > 10
