"""Rail routes on the world network under the border rule, checked for length and countries crossed."""
import pytest

from mapgen.article import Match
from mapgen.countries import country_at
from mapgen.gazetteer import Gazetteer
from mapgen.geocode import Located
from mapgen.rail import default_network
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
