"""Regions, ranges and deserts by their English and French names (geo/gazetteer/regions.csv)."""
import csv

import pytest

from mapgen import data
from mapgen.extract import extract
from mapgen.gazetteer import Gazetteer, distance_km


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.open()


# Reference middles, rounded: a region's point must lie within `km` of it (300 km; more for regions the size
# of a country or a continent, whose middle is a matter of definition).
@pytest.mark.parametrize("name, lat, lon, km", [
    ("Brittany", 48.2, -2.9, 300), ("Bretagne", 48.2, -2.9, 300), ("Normandy", 49.1, 0.0, 300),
    ("Provence", 43.9, 6.0, 300), ("Alsace", 48.3, 7.5, 300), ("Burgundy", 47.0, 4.5, 300),
    ("Picardie", 49.7, 2.8, 300), ("Occitanie", 43.7, 2.1, 300), ("Auvergne", 45.5, 3.2, 300),
    ("Camargue", 43.5, 4.5, 300), ("Languedoc", 43.6, 3.3, 300), ("Corsica", 42.1, 9.1, 300),
    ("Corse", 42.1, 9.1, 300), ("Pays basque", 43.0, -2.6, 300), ("Basque Country", 43.0, -2.6, 300),
    ("Catalonia", 41.8, 1.5, 300), ("Andalusia", 37.4, -4.6, 300), ("Galicia", 42.8, -7.9, 300),
    ("Sicily", 37.5, 14.1, 300), ("Sardinia", 40.1, 9.0, 300), ("Tuscany", 43.4, 11.0, 300),
    ("Lombardy", 45.6, 9.8, 300), ("South Tyrol", 46.7, 11.4, 300), ("Tyrol", 47.2, 11.4, 300),
    ("Bavaria", 48.9, 11.4, 300), ("Ruhr", 51.5, 7.3, 300), ("Rhineland", 50.5, 7.0, 300),
    ("Black Forest", 48.3, 8.2, 300), ("Flanders", 51.0, 4.0, 300), ("Bohemia", 49.9, 14.3, 300),
    ("Moravia", 49.4, 17.0, 300), ("Silesia", 50.8, 17.5, 300), ("Transylvania", 46.5, 24.5, 300),
    ("Dalmatia", 43.5, 16.4, 300), ("Peloponnese", 37.5, 22.3, 300), ("Donbas", 48.3, 38.5, 300),
    ("Scottish Highlands", 57.5, -5.0, 300), ("Lake District", 54.5, -3.1, 300), ("Cotswolds", 51.8, -1.9, 300),
    ("Yorkshire", 54.0, -1.5, 300), ("Alps", 46.3, 10.0, 300), ("Pyrenees", 42.7, 0.8, 300),
    ("Anatolia", 39.0, 35.0, 300), ("Kurdistan", 36.5, 44.0, 300), ("Bengal", 23.5, 88.5, 300),
    ("Tibet", 31.5, 88.0, 300), ("Kashmir", 34.0, 74.8, 300), ("Gobi", 43.0, 105.0, 300),
    ("Manchuria", 45.0, 126.0, 400), ("Xinjiang", 41.5, 85.0, 400), ("Inner Mongolia", 43.5, 114.0, 400),
    ("Rockies", 45.0, -111.0, 600), ("Patagonia", -45.0, -69.0, 600), ("Outback", -25.0, 134.0, 600),
    ("Amazonia", -4.0, -62.0, 800), ("Amazon rainforest", -4.0, -62.0, 800), ("Andes", -20.0, -67.0, 800), ("Siberia", 60.0, 100.0, 800),
    ("Sahara", 23.0, 13.0, 1000),
])
def test_regions_by_their_english_and_french_names(gaz, name, lat, lon, km):
    p = gaz.geocode(name, strict=False).place
    assert p.kind in ("region", "area"), p
    assert distance_km(p.lat, p.lon, lat, lon) < km, p


@pytest.mark.parametrize("name, country", [
    ("Valencia", "ES"), ("Murcia", "ES"), ("Salzburg", "AT"), ("Washington", "US"), ("Mobile", "US"),
])
def test_big_cities_named_like_regions_stay_cities(gaz, name, country):
    p = gaz.geocode(name, strict=False).place
    assert (p.kind, p.country) == ("city", country)


def test_amazon_alone_is_not_the_basin(gaz):
    # in the news "Amazon" is mostly the company: the basin goes by its longer names only
    assert all(p.kind != "area" for p in gaz.lookup("amazon"))


def test_regions_in_running_text(gaz):
    ex = extract("From Munich the night train crossed Bavaria and the Alps, then ran along Lombardy to Milan. "
                 "A week later we took the TGV across Brittany to Quimper.", gaz)
    found = {r.mention.text: r.place for r in ex.resolved}
    assert (found["Bavaria"].country, found["Bavaria"].kind) == ("DE", "region")
    assert found["Lombardy"].country == "IT" and found["Brittany"].country == "FR"
    assert found["Alps"].kind == "area"


def test_french_region_names_in_running_text(gaz):
    ex = extract("Le train de nuit relie Paris à la Bretagne, puis descend vers la Provence et la Catalogne.", gaz)
    found = {r.mention.text: r.place for r in ex.resolved}
    assert found["Bretagne"].id == "region:brittany"
    assert found["Provence"].id == "region:provence"
    assert found["Catalogne"].id == "region:catalonia"


def test_a_town_named_like_a_region_follows_its_state(gaz):
    # an article about towns of St. Louis County, Missouri: Normandy is the town there, not the French region
    ex = extract("Buses stopped in Ferguson, Florissant, Jennings and Normandy, towns of St. Louis County, "
                 "Missouri, after the storm.", gaz)
    found = {r.mention.text: r.place for r in ex.resolved}
    assert (found["Normandy"].country, found["Normandy"].kind) == ("US", "city")


def test_every_region_row_has_a_source_and_a_place():
    with open(data.geo_file("gazetteer", "regions.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["source"], r["id"]
        assert r["same_as"] or (r["lat"] and r["lon"] and r["kind"] in ("region", "area")), r["id"]


# GB counties made of their Natural Earth admin-1 units (reference middles rounded from an atlas)
@pytest.mark.parametrize("name, lat, lon, km", [
    ("Cheshire", 53.2, -2.6, 40), ("Berkshire", 51.45, -1.0, 40), ("Bedfordshire", 52.05, -0.45, 40),
    ("Leicestershire", 52.7, -1.1, 40), ("Sussex", 50.95, -0.3, 50), ("West Yorkshire", 53.75, -1.7, 40),
    ("South Yorkshire", 53.5, -1.35, 40), ("Greater Manchester", 53.5, -2.3, 40), ("Tyne and Wear", 54.95, -1.55, 40),
    ("County Durham", 54.7, -1.8, 40), ("East Yorkshire", 53.9, -0.6, 40), ("Lanarkshire", 55.7, -3.8, 40),
    ("Ayrshire", 55.45, -4.55, 40), ("Lothian", 55.9, -3.2, 40), ("Glamorgan", 51.6, -3.5, 40),
    ("Gwent", 51.7, -3.0, 40), ("Dyfed", 52.0, -4.4, 50), ("Clwyd", 53.1, -3.3, 40), ("Perthshire", 56.6, -3.9, 50),
])
def test_gb_counties_at_the_middle_of_their_units(gaz, name, lat, lon, km):
    p = gaz.geocode(name, strict=False).place
    assert (p.kind, p.country) == ("region", "GB"), p
    assert distance_km(p.lat, p.lon, lat, lon) < km, p


@pytest.mark.parametrize("name, lat, lon", [
    ("York", 53.96, -1.08), ("Chester", 53.19, -2.89), ("Reading", 51.46, -0.97), ("Bedford", 52.13, -0.47),
    ("Leicester", 52.64, -1.13), ("Manchester", 53.48, -2.24), ("Newport", 51.59, -3.0), ("Cardiff", 51.48, -3.18),
])
def test_towns_named_like_their_county_stay_towns(gaz, name, lat, lon):
    p = gaz.geocode(name, strict=False).place
    assert p.kind == "city" and distance_km(p.lat, p.lon, lat, lon) < 10, p


def test_gb_counties_in_running_text(gaz):
    text = ("The rally left Chester for the lanes of Cheshire, crossed Greater Manchester to York and ended in "
            "Lincoln, Lincolnshire, after a detour through County Durham.")
    found = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert found["Cheshire"].id == "region:cheshire"  # not Cheshire, Connecticut
    assert distance_km(found["Cheshire"].lat, found["Cheshire"].lon, 53.2, -2.6) < 40
    assert found["Chester"].kind == "city" and found["York"].kind == "city" and found["York"].country == "GB"
    assert found["Lincoln"].kind == "city" and distance_km(found["Lincoln"].lat, found["Lincoln"].lon, 53.23, -0.54) < 10
    assert found["Lincolnshire"].kind == "region"
    assert found["County Durham"].kind == "region" and found["Greater Manchester"].kind == "region"
