"""The small-places layer (geo/gazetteer/small_places.tsv.gz): railway stations and villages that GeoNames
cities500 lacks, known under their own names only and only where the text gives them context."""
from __future__ import annotations

import sqlite3

import pytest

from mapgen.errors import GeocodeError
from mapgen.extract import extract
from mapgen.gazetteer import Context, Gazetteer, distance_km, ensure_index, is_small
from mapgen.journey import read_journey


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.open()


def stops(text: str, gaz) -> dict:
    return {s.resolved.place.name: s.resolved.place for s in read_journey(extract(text, gaz), gaz).stops}


def test_villages_of_a_mountain_line_are_stops(gaz):
    text = ("Nous avons pris le TER à Perpignan jusqu'à Villefranche-de-Conflent, où attend le petit train "
            "jaune. Après deux heures de montée, nous sommes arrivés à Mont-Louis.")
    got = stops(text, gaz)
    # true places: the villages' centres (42.587N 2.366E; 42.510N 2.120E)
    for name, lat, lon in [("Villefranche-de-Conflent", 42.587, 2.366), ("Mont-Louis", 42.510, 2.120)]:
        assert name in got and is_small(got[name])
        assert distance_km(got[name].lat, got[name].lon, lat, lon) < 3


def test_a_small_station_is_a_stop(gaz):
    text = ("Our train left Mumbai at dawn and climbed the ghats. It stopped for ten minutes at Kamshet, "
            "then rolled on to Pune.")
    got = stops(text, gaz)
    assert list(got) == ["Mumbai", "Kamshet", "Pune"] and is_small(got["Kamshet"])
    # the station's true place: 18.767N 73.553E
    assert distance_km(got["Kamshet"].lat, got["Kamshet"].lon, 18.767, 73.553) < 2
    # a Mumbai suburban halt, alone
    assert distance_km(*(lambda p: (p.lat, p.lon))(gaz.geocode("Currey Road").place), 18.9942, 72.8330) < 2


# a station or village of each source beyond India and France, in a sentence, with its true place
BEYOND = [
    # Tarcoola, a village of some 30 people on the Adelaide - Alice Springs line (GeoNames postal codes)
    ("We boarded the Ghan in Adelaide at noon. The next morning it halted at Tarcoola for an hour, and by "
     "evening we had reached Alice Springs.", ["Adelaide", "Tarcoola", "Alice Springs"], "AU", -30.710, 134.568, 3),
    # East Glacier Park, Montana (some 360 people): an Amtrak station of the Empire Builder
    ("The Empire Builder left Chicago in the afternoon. Two days later we stepped off at East Glacier Park, "
     "walked to the lodge, and later rode on to Seattle.", ["Chicago", "East Glacier Park", "Seattle"], "US",
     48.4425, -113.2181, 1),
    # Allanwater Bridge, a VIA Rail flag stop in the forest of northern Ontario
    ("The Canadian left Toronto in the evening. Two nights later it made a brief stop at Allanwater Bridge, "
     "a fishing camp halt, before rolling on to Winnipeg.", ["Toronto", "Allanwater Bridge", "Winnipeg"], "CA",
     50.2403, -90.1669, 1),
    # Kaga Onsen, a station of the Hokuriku line that runs its romanised name on ("Kagaonsen")
    ("We rode the Thunderbird express from Osaka along the Sea of Japan coast, got off at Kaga Onsen for a "
     "night in a ryokan, then took the train on to Kanazawa.", ["Osaka", "Kaga Onsen", "Kanazawa"], "JP",
     36.3203, 136.3505, 1),
    # Modderpoort, a halt of the Free State (OpenStreetMap, via the African rail network)
    ("From Johannesburg the night train crawled south; at dawn it paused at Modderpoort before reaching "
     "Bloemfontein.", ["Johannesburg", "Modderpoort", "Bloemfontein"], "ZA", -29.104, 27.451, 2),
    # Altynkol, Kazakhstan's border station by Khorgos (OpenStreetMap via njfinney/Asia_Railway_Calculator, where
    # it is written in Cyrillic only: Алтынкөл)
    ("The night train left Almaty in the evening and ran east across the steppe. At dawn it stopped at Altynkol, "
     "the last station before the Chinese border.", ["Almaty", "Altynkol"], "KZ", 44.165, 80.295, 2),
    # Pattipola, the highest station of Sri Lanka's Main Line (KasunPremarathna/Sri-Lanka-Railway-Station-list-);
    # the station's place: 6.856N 80.829E
    ("From Kandy the blue train climbed slowly through the tea estates. We got off at Pattipola, the highest "
     "station on the line, walked for an hour, and caught the next train on to Ella.",
     ["Kandy", "Pattipola", "Ella Town"], "LK", 6.856, 80.829, 2),
    # Björkliden, a village of the Ore line above the Arctic Circle (GeoNames postal codes of Sweden, whose
    # point is 5 km from the station); the station: 68.408N 18.676E
    ("The Arctic Circle train left Kiruna after breakfast. We got off at Björkliden for a day in the mountains "
     "and took the evening train on to Narvik.", ["Kiruna", "Björkliden", "Narvik"], "SE", 68.408, 18.676, 6),
]


@pytest.mark.parametrize("text, names, country, lat, lon, km", BEYOND,
                         ids=["postal-AU", "amtrak", "via", "japan", "africa", "asia", "sri-lanka", "postal-SE"])
def test_a_small_station_or_village_beyond_europe_is_a_stop(gaz, text, names, country, lat, lon, km):
    got = stops(text, gaz)
    small = got[names[1]]
    assert list(got) == names and is_small(small) and small.country == country
    assert distance_km(small.lat, small.lon, lat, lon) < km


def test_a_via_rail_stop_credits_its_source(gaz):
    from mapgen.data import attribution

    assert "canada-railway-stations</a> (ODbL)" in attribution([gaz.geocode("Allanwater Bridge").place.source])


def test_halts_of_the_transgabonais_are_stops_and_credit_openstreetmap(gaz):
    from mapgen.data import attribution

    text = ("Parti de la gare d'Owendo au petit matin, le Transgabonais s'est arrêté en gare de M'Bel, puis à "
            "La Lopé, avant d'arriver le soir à Franceville.")
    got = stops(text, gaz)
    assert list(got) == ["Owendo", "Mbel", "La Lopé", "Franceville"]
    # the stations' true places: M'Bel 0.272N 10.169E, La Lopé 0.103S 11.605E
    for name, lat, lon in [("Mbel", 0.272, 10.169), ("La Lopé", -0.103, 11.605)]:
        assert is_small(got[name]) and got[name].country == "GA"
        assert distance_km(got[name].lat, got[name].lon, lat, lon) < 2
    assert "OpenStreetMap</a> contributors (ODbL)" in attribution([got["La Lopé"].source])
    assert attribution([gaz.geocode("Kaga Onsen").place.source]) == attribution([])  # MIT: no map credit


def test_a_station_of_central_asia_credits_openstreetmap(gaz):
    from mapgen.data import attribution

    assert "Asia_Railway_Calculator</a>" in attribution([gaz.geocode("Altynkol").place.source])
    assert "OpenStreetMap contributors (ODbL)" in attribution([gaz.geocode("Altynkol").place.source], html=False)
    assert attribution([gaz.geocode("Pattipola").place.source]) == attribution([])  # CC0: no map credit


def test_a_train_named_like_a_village_is_no_stop(gaz):
    # Great Southern is a village of Victoria, and the name of the Brisbane - Adelaide train: a name of
    # descriptive words alone is left out of the small places
    text = "The Great Southern train runs from Brisbane to Adelaide once a week in summer."
    assert list(stops(text, gaz)) == ["Brisbane", "Adelaide"]
    with pytest.raises(GeocodeError):
        gaz.geocode("Great Southern", strict=False)


def test_a_common_word_named_like_a_village_is_no_stop(gaz):
    # Branches is a commune of the Yonne beside the Paris - Dijon line; as a word, it is no place
    text = "Branches of the old line reach Auxerre, but our train left Paris for Dijon at noon."
    got = stops(text, gaz)
    assert "Branches" not in got and {"Paris", "Dijon"} <= set(got)
    with pytest.raises(GeocodeError):
        gaz.geocode("Branches", strict=False)


def test_a_small_place_needs_context(gaz):
    assert gaz.geocode("Chinchpokli", strict=False).place.id == "small:in-chg"  # alone: the only candidate
    india = Context(country_weight={"IN": 1.0})
    assert gaz.geocode("Chinchpokli", context=india, strict=False).place.id == "small:in-chg"
    near = Context(points=[(19.076, 72.878)])  # another place of the text, in Mumbai
    assert gaz.geocode("Chinchpokli", context=near, strict=False).place.id == "small:in-chg"
    elsewhere = Context(country_weight={"US": 1.0}, points=[(41.88, -87.63)])
    with pytest.raises(GeocodeError, match="context"):
        gaz.geocode("Chinchpokli", context=elsewhere, strict=False)


def test_small_places_take_no_name_another_place_has(gaz):
    db = sqlite3.connect(f"file:{ensure_index()}?mode=ro", uri=True)
    small = db.execute("SELECT count(DISTINCT n.key) FROM names n JOIN places p ON p.rowid = n.place "
                       "WHERE p.id LIKE 'small:%'").fetchone()[0]
    shared = db.execute("SELECT count(DISTINCT n.key) FROM names n JOIN places p ON p.rowid = n.place "
                        "WHERE p.id LIKE 'small:%' AND EXISTS (SELECT 1 FROM names m JOIN places q ON "
                        "q.rowid = m.place WHERE m.key = n.key AND q.id NOT LIKE 'small:%')").fetchone()[0]
    assert small > 10_000 and shared == 0
    assert gaz.geocode("Mumbai").place.id.startswith("geonames:")  # not the station "Mumbai Central"
    assert all(not is_small(p) for p in gaz.lookup("perpignan"))


def test_a_map_with_a_commune_stop_credits_its_source(gaz):
    from mapgen.data import attribution

    village = gaz.geocode("Villefranche-de-Conflent").place
    station = gaz.geocode("Kamshet").place
    assert attribution([village.source], html=False).endswith("villages: IGN Admin Express, Etalab (Licence Ouverte)")
    assert "IGN" in attribution([village.source]) and "IGN" not in attribution([station.source])
    assert attribution([station.source]) == attribution([])  # CC0: no credit owed
    # an Amtrak station (public domain) and a village of GeoNames' postal codes (CC BY 4.0, GeoNames is
    # credited on every map): no further credit
    assert attribution([gaz.geocode("East Glacier Park").place.source]) == attribution([])
    assert attribution([gaz.geocode("Tarcoola").place.source]) == attribution([])


def test_cyrillic_station_names_are_romanised_as_english_writes_them():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "prepare_small_places.py"
    spec = importlib.util.spec_from_file_location("prepare_small_places", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.romanised("Ерофей Павлович") == "Yerofey Pavlovich"
    assert tool.romanised("Слюдянка") == "Slyudyanka"
    assert tool.romanised("Алтынкөл") == "Altynkol"  # Kazakh letters
    assert tool.romanised("Ӧлгий") == "Ӧlgiy"  # a letter it has no rule for stays
    assert tool.ASIA_STATION_WORDS.sub("", "Akadyr temirzhol vokzaly") == "Akadyr"
    assert tool.ASIA_STATION_WORDS.sub("", "станция Луговая") == "Луговая"


def test_a_commune_named_after_its_station_is_no_small_place(gaz):
    # "Estación Central" (a commune of Santiago de Chile in the postal tables) is in a text Santiago's station
    assert not any(is_small(p) for p in gaz.lookup("estacion central"))
