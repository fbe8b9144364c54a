"""Stage 2: the gazetteer and stop geocoding."""
import json

import pytest

from mapgen.errors import GeocodeError
from mapgen.gazetteer import Context, Gazetteer, distance_km, query_forms


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.open()


def test_query_forms_strip_prepositions_and_descriptors():
    assert query_forms("cosmodrome de Vostochny") == [("cosmodrome de vostochny", None), ("vostochny", "spaceport")]
    assert query_forms("de l'Amour") == [("amour", None)]
    assert ("amur", "region") in query_forms("Amur Oblast")


def test_query_forms_keep_an_article_that_is_part_of_the_name():
    assert query_forms("La Paz") == [("la paz", None), ("paz", None)]
    assert query_forms("de La Paz") == [("la paz", None), ("paz", None)]
    assert query_forms("du Havre")[0] == ("le havre", None)  # French "du" = "de le"
    assert query_forms("à Paris") == [("paris", None)]


# A capitalised article belongs to the name: these were once read without it ("Des Moines" unknown,
# "Le Havre" the town of Havre in Montana, "La Paz" the Mexican one in a story about Bolivia).
@pytest.mark.parametrize("name, country, lat, lon", [
    ("La Paz", "BO", -16.50, -68.15), ("Le Havre", "FR", 49.49, 0.11), ("du Havre", "FR", 49.49, 0.11),
    ("La Rochelle", "FR", 46.16, -1.15), ("Le Mans", "FR", 48.00, 0.20), ("La Plata", "AR", -34.92, -57.95),
    ("Des Moines", "US", 41.60, -93.61), ("La Crosse", "US", 43.80, -91.24), ("The Hague", "NL", 52.08, 4.30),
    ("L'Aquila", "IT", 42.35, 13.40), ("La Havane", "CU", 23.13, -82.38),
])
def test_names_that_begin_with_an_article(gaz, name, country, lat, lon):
    p = gaz.geocode(name, strict=False).place
    assert p.country == country
    assert distance_km(p.lat, p.lon, lat, lon) < 25


def test_an_article_before_a_name_that_has_none_is_dropped(gaz):
    # "the Urals" is not a name of its own: the bare word is still the whole name
    p = gaz.geocode("de l'Amour", strict=False)
    assert p.place.country == "RU" and p.candidates[0].why[0] == "whole name"


def test_vostochny_is_the_cosmodrome_in_amur(gaz):
    for text, kw in [("cosmodrome de Vostochny", {}), ("Vostochny", {"near": "Amur Oblast"})]:
        g = gaz.geocode(text, **kw)
        assert g.place.id == "overlay:vostochny-cosmodrome"
        # in Amur Oblast, about 150 km from its label point, and far from the port near Nakhodka
        assert distance_km(g.place.lat, g.place.lon, 50.47, 127.31) < 200
        runner_ids = [c.place.id for c in g.runners_up]
        assert "overlay:vostochny-port" in runner_ids
        assert len(runner_ids) >= 2


def test_bare_vostochny_is_ambiguous(gaz):
    with pytest.raises(GeocodeError, match="ambiguous"):
        gaz.geocode("Vostochnyy", where="story.toml", field="stops[3].place")


def test_context_prefers_the_story_countries(gaz):
    ctx = Context(countries={"KP", "RU"}, points=[(39.03, 125.75)])
    g = gaz.geocode("Khasan", context=ctx)
    assert g.place.country == "RU" and g.place.kind == "station"
    assert abs(g.place.lat - 42.43) < 0.01


def test_country_hint_filters(gaz):
    g = gaz.geocode("Belogorsk", country="RU", near="Amur Oblast")
    assert abs(g.place.lat - 50.91) < 0.05
    with pytest.raises(GeocodeError, match="no place 'Vladivostok' in country CN"):
        gaz.geocode("Vladivostok", country="CN")


def test_unknown_place_suggests_names(gaz):
    with pytest.raises(GeocodeError) as e:
        gaz.geocode("Vladivistok", where="s.toml", field="stops[2].place")
    assert "unknown place 'Vladivistok'" in str(e.value)
    assert "Vladivostok (RU)" in str(e.value)


@pytest.mark.parametrize("name, country", [
    ("Pyongyang", "KP"), ("Vladivostok", "RU"), ("Pékin", "CN"), ("Oulan-Bator", "MN"),
    ("Birobidjan", "RU"), ("Corée du Nord", "KP"),
])
def test_spellings(gaz, name, country):
    assert gaz.geocode(name, strict=False).place.country == country


@pytest.mark.parametrize("name, expect", [("Zamyn-Üüd", "Zamiin Uud")])
def test_transliteration_variants_no_alternate_name_lists(gaz, name, expect):
    with pytest.raises(GeocodeError):  # only asked-for names (stops, `mapgen geocode`) are matched loosely
        gaz.geocode(name, strict=False)
    g = gaz.geocode(name, strict=False, loose=True)
    assert g.place.name.startswith(expect[:5])
    assert any("spelling variant" in w for w in g.candidates[0].why) or g.place.name == expect


def test_spelling_fallback_does_not_invent_places(gaz):
    with pytest.raises(GeocodeError, match="unknown place"):
        gaz.geocode("Xyzzyville", loose=True)


# A region's point is where its towns are, not one of its islands or exclaves (Natural Earth gives a
# label point per polygon part: California's first were on the Channel Islands, Kentucky's on the
# Kentucky Bend, Hawaii's on Nihoa). Reference centres: the states' geographic centres (US Census).
@pytest.mark.parametrize("name, lat, lon, km", [
    ("California", 37.17, -119.45, 120), ("Kentucky", 37.53, -85.30, 120), ("Hawaii", 20.25, -156.33, 150),
    ("British Columbia", 54.0, -125.0, 400), ("Tamil Nadu", 11.0, 78.5, 120), ("Queensland", -22.5, 144.5, 400),
])
def test_region_points_are_central(gaz, name, lat, lon, km):
    p = gaz.geocode(name).place
    assert p.kind == "region"
    assert distance_km(p.lat, p.lon, lat, lon) < km
    assert p.admin1  # tied to its GeoNames admin1 code, so "in California" can test towns by code


def test_region_admin1_codes_match_geonames(gaz):
    # towns carry GeoNames admin1 codes; a region named in the text helps only its own towns
    assert gaz.geocode("California").place.admin1 == "CA"
    assert gaz.geocode("Amur Oblast").place.admin1 == gaz.geocode("Blagoveshchensk", country="RU").place.admin1


@pytest.mark.parametrize("name", ["Atlantic", "l'Atlantique", "Atlantic Ocean", "océan Indien", "the Pacific", "le Pacifique"])
def test_oceans(gaz, name):
    p = gaz.geocode(name).place
    assert p.kind == "ocean" and p.country == ""
    assert "Factbook" in p.source


def test_country_name_beats_a_village_in_the_article_s_region(gaz):
    # a story about Texas that names China: China, Texas (pop. 1,130) is near, but "China" is the country
    ctx = Context(country_weight={"US": 1.0, "CN": 0.2}, points=[(29.76, -95.37)],
                  regions=[gaz.geocode("Texas").place])
    assert gaz.geocode("China", context=ctx, strict=False).place.id == "country:CN"


@pytest.mark.parametrize("name, kind, country", [
    ("Florida", "region", "US"),  # not Florida (Uruguay): regions are ranked by the people in their towns
    ("Oklahoma", "region", "US"),  # the state, not Oklahoma City (a fifth of it)
    ("Zurich", "city", "CH"),  # the city, whose own name it is, not the canton
    ("New York", "city", "US"),  # the city, which is a big part of the state named like it
    ("Novosibirsk", "city", "RU"),
])
def test_regions_and_cities_named_alike(gaz, name, kind, country):
    p = gaz.geocode(name, strict=False).place
    assert (p.kind, p.country) == (kind, country)


def test_georgia_follows_the_article(gaz):
    us = Context(country_weight={"US": 1.0}, points=[(33.75, -84.39)])  # an article about Atlanta
    assert gaz.geocode("Georgia", context=us, strict=False).place.kind == "region"
    caucasus = Context(country_weight={"GE": 1.0, "RU": 0.5}, points=[(41.72, 44.79)])  # about Tbilisi
    assert gaz.geocode("Georgia", context=caucasus, strict=False).place.id == "country:GE"


@pytest.mark.parametrize("name, inside", [
    ("Middle East", {"SA", "IQ", "IR", "JO", "SY"}), ("le Moyen-Orient", {"SA", "IQ", "IR", "JO", "SY"}),
    ("la péninsule coréenne", {"KP", "KR"}), ("Central Asia", {"KZ", "UZ", "TM", "KG", "TJ"}),
    ("Central America", {"GT", "HN", "NI", "SV", "CR", "PA", "BZ"}), ("Balkans", {"RS", "BA", "ME", "XK", "MK", "AL", "BG", "HR"}),
])
def test_areas_made_of_countries(gaz, name, inside):
    from mapgen.countries import country_at

    p = gaz.geocode(name).place
    assert p.kind == "area" and p.country == ""
    assert country_at(p.lat, p.lon) in inside  # its point is on one of its members' land
    assert "Natural Earth" in p.source



def story_of(make_story, stops: list):
    """A story through `stops` (a name, or a dict with the stop's keys), each quoted from a one-line article."""
    from mapgen.story import load_story

    stops = [s if isinstance(s, dict) else {"place": s} for s in stops]
    article = " ".join(f"The train reached {s['place']}." for s in stops)
    toml = 'title = "T"\nlanguage = "en"\n[source]\nname = "N"\ncitation = "C"\n' + "".join(
        "[[stops]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in {"quote": f"reached {s['place']}", **s}.items())
        for s in stops)
    return load_story(make_story(toml, article))


TORONTO_UNION = {"place": "Toronto Union Station", "lat": 43.6453, "lon": -79.3806, "source": "OpenStreetMap"}


@pytest.mark.parametrize("stops, expect", [
    # Kingston alone is Jamaica's capital; after Toronto (a confident stop) it is Kingston, Ontario
    (["Toronto", "Kingston"], [("CA", 43.7, -79.4), ("CA", 44.2, -76.5)]),
    # Victoria alone is no confident stop (it might be the Australian state), so it is no context for
    # Toronto, which it would make Toronto, New South Wales; Toronto in turn makes it Victoria, BC
    (["Victoria", "Toronto"], [("CA", 48.4, -123.4), ("CA", 43.7, -79.4)]),
    # Nakhodka alone is ambiguous (two Russian places) and is no error until the context has been tried
    (["Vladivostok", "Nakhodka"], [("RU", 43.1, 131.9), ("RU", 42.8, 132.9)]),
    # a spelling no alternate name lists, found up to transliteration
    (["Ulaanbaatar", "Zamyn-Üüd"], [("MN", 47.9, 106.9), ("MN", 43.7, 111.9)]),
    # a stop with coordinates is placed there, in the country they are in, and is context for the others
    ([TORONTO_UNION, "Kingston"], [("CA", 43.6, -79.4), ("CA", 44.2, -76.5)]),
])
def test_a_story_geocodes_each_stop_in_the_light_of_the_confident_others(make_story, stops, expect):
    from mapgen.geocode import geocode_story

    located = geocode_story(story_of(make_story, stops), Gazetteer.open())
    assert [(s.country, round(s.lat, 1), round(s.lon, 1)) for s in located] == expect


def test_a_stop_still_ambiguous_in_its_story_is_an_error(make_story):
    """Springfield after Chicago could be Illinois' capital or another Springfield: the story must say."""
    from mapgen.geocode import geocode_story

    with pytest.raises(GeocodeError, match="'Springfield' is ambiguous") as exc:
        geocode_story(story_of(make_story, ["Chicago", "Springfield"]), Gazetteer.open())
    assert "field stops[1].place" in str(exc.value)


@pytest.mark.parametrize("short, city, lat, lon", [
    ("UB", "Ulan Bator", 47.91, 106.88), ("KL", "Kuala Lumpur", 3.14, 101.69),
    ("HCMC", "Ho Chi Minh City", 10.82, 106.63), ("NYC", "New York City", 40.71, -74.01),
    ("L.A.", "Los Angeles", 34.05, -118.24),
])
def test_short_names_of_big_cities(gaz, short, city, lat, lon):
    # written in capitals, the short name is the city (overlay.csv aliases); "Ub" the Serbian town keeps its name
    g = gaz.geocode(short)
    assert g.place.name == city and distance_km(g.place.lat, g.place.lon, lat, lon) < 10


def test_a_short_name_in_capitals_is_not_the_town_spelt_alike(gaz):
    assert gaz.geocode("UB").place.country == "MN"
    assert gaz.geocode("Ub").place.country == "RS"


@pytest.mark.parametrize("name, station, lat, lon", [
    ("gare d'Austerlitz", "Paris Austerlitz", 48.842, 2.365), ("la gare de Lyon", "Paris Gare de Lyon", 48.845, 2.374),
    ("gare du Nord", "Paris Gare du Nord", 48.880, 2.355), ("Paris Gare d’Austerlitz", "Paris Austerlitz", 48.842, 2.365),
    ("St Pancras", "London St-Pancras", 51.531, -0.126), ("gare de Iaroslavl", "Yaroslavsky station", 55.777, 37.657),
    ("Kazansky station", "Kazansky station", 55.774, 37.657),
])
def test_termini_by_their_common_names(gaz, name, station, lat, lon):
    # a city's termini are called without the city's name ("gare d'Austerlitz" is not Austerlitz in the
    # Netherlands, "gare de Iaroslavl" is in Moscow, not in Yaroslavl): overlay.csv names for the stations
    g = gaz.geocode(name)
    assert (g.place.name, g.place.kind) == (station, "station")
    assert distance_km(g.place.lat, g.place.lon, lat, lon) < 0.5
    assert gaz.geocode("Austerlitz").place.country == "NL"  # the bare name is still the village


@pytest.mark.parametrize("name, lat, lon", [
    ("Shinagawa station", 35.63, 139.74), ("Shin-Osaka", 34.73, 135.50), ("Hakata station", 33.59, 130.42),
])
def test_shinkansen_stations_named_apart_from_their_towns(gaz, name, lat, lon):
    p = gaz.geocode(name, strict=False).place
    assert p.kind == "station" and distance_km(p.lat, p.lon, lat, lon) < 2


@pytest.mark.parametrize("name, country, lat, lon", [
    # towns GeoNames cities500 (our copy) lacks, in geo/gazetteer/overlay.csv: Bolivia's second city, and
    # villages with a station or at a park's gate that travel writing names
    ("El Alto", "BO", -16.52, -68.17),
    ("Halls Gap", "AU", -37.12, 142.55),
    ("Abisko", "SE", 68.35, 18.83),
    ("Erlian", "CN", 43.65, 111.98),  # Erenhot (GeoNames 2037485) by its usual English and railway name
])
def test_towns_the_cities500_copy_lacks(gaz, name, country, lat, lon):
    got = gaz.geocode(name, country=country).place
    assert distance_km(got.lat, got.lon, lat, lon) < 10


def test_an_old_name_of_a_far_capital_loses_to_a_town_of_that_name_in_the_text_s_country(gaz):
    # "Lamy" is N'Djamena's colonial name (GeoNames alternate), and the Southwest Chief's stop in New Mexico
    ctx = Context(countries={"US"}, points=[(35.69, -105.94), (35.20, -111.65)])  # Santa Fe, Flagstaff
    got = gaz.geocode("Lamy", context=ctx).place
    assert got.country == "US" and distance_km(got.lat, got.lon, 35.48, -105.88) < 5
    assert gaz.geocode("El Alto", context=Context(countries={"BO"})).place.country == "BO"
