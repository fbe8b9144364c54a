"""Gold spans resolved in context (issue 14): demonyms, names placed by the place the text puts them in,
and reasons that say only what the article says. Sentences written for these tests."""
import re

import pytest

from mapgen.article import Article
from mapgen.extract import Mention, _demonym_of, extract, find_mentions, resolve
from mapgen.gazetteer import Gazetteer, distance_km


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.open()


def placed(text, names, gaz):
    """Resolve the spans of `names` (first occurrence each) as gold spans, in the article's context."""
    art = Article(text=text, path="test")
    spans = []
    for n in names:
        i = text.index(n)
        spans.append((i, i + len(n)))
    ex = extract(art, gaz, read=False, spans=spans)
    return {m.text: r for m, r in ex.spans}


@pytest.mark.parametrize("word, place", [
    ("Bolivian", "Bolivia"), ("Tongan", "Tonga"), ("Central American", "Central America"), ("Korean", "Korea"),
    ("English", "England"), ("Havanese", "Havana"), ("Pakistani", "Pakistan"),
])
def test_demonyms_name_their_place(gaz, word, place):
    assert _demonym_of(word, gaz, "en") == place


@pytest.mark.parametrize("word", ["Logan", "Duncan", "Morgan", "Florida", "Jan", "Susan"])
def test_names_that_are_no_demonym(gaz, word):
    assert _demonym_of(word, gaz, "en") is None


def test_a_demonym_span_is_its_place_not_a_small_town(gaz):
    text = ("Relations between the two capitals suffered a Tongan chill. The trial opened in the English "
            "city of Salisbury, where the council met on Monday.")
    got = placed(text, ["Tongan", "English"], gaz)
    assert got["Tongan"].place.country == "TO"
    assert got["English"].place.country == "GB"  # not English, Indiana
    assert any("a demonym of" in w for w in got["English"].geocode.candidates[0].why)


def test_unknown_name_is_placed_in_the_place_the_text_puts_it_in(gaz):
    text = ("The awards were handed out at the Marlowe Playhouse in Tacoma, Washington. Later the guests went "
            "to London's Brimble Animal Centre. The firm also runs the Quillfeather Depot, Fresno, for now. "
            "Its head office is in Miami.")
    got = placed(text, ["Marlowe Playhouse", "Brimble Animal Centre", "Quillfeather Depot"], gaz)
    assert distance_km(got["Marlowe Playhouse"].place.lat, got["Marlowe Playhouse"].place.lon, 47.25, -122.44) < 30
    assert distance_km(got["Brimble Animal Centre"].place.lat, got["Brimble Animal Centre"].place.lon,
                       51.51, -0.13) < 30
    assert distance_km(got["Quillfeather Depot"].place.lat, got["Quillfeather Depot"].place.lon, 36.75, -119.77) < 30
    for r in got.values():
        assert r.confidence <= 0.1  # unknown to the gazetteer, and said so
        assert r.geocode.candidates[0].why[0].startswith("unknown name; in ")


def test_a_town_inside_an_unknown_name_far_from_everything_else_gives_way_to_the_focus(gaz):
    # "Plantation" is a town in Florida; the article is about New Orleans' streets
    text = ("The avenue marked the lower limit of the Delacroix Plantation. New Orleans grew along Esplanade "
            "and Canal. Metairie and Kenner lie west of New Orleans, and Chalmette to the east.")
    got = placed(text, ["Delacroix Plantation"], gaz)
    r = got["Delacroix Plantation"]
    assert distance_km(r.place.lat, r.place.lon, 29.95, -90.07) < 60


def test_reasons_say_a_country_is_named_only_when_it_is(gaz):
    us_towns = "Springfield and Peoria are rivals. Peoria won the game in Springfield on Friday."
    ex = extract(us_towns, gaz, read=False)
    whys = [w for r in ex.resolved for c in r.geocode.candidates for w in c.why]
    assert not any("which the article names" in w for w in whys)
    assert any("where other places the article names are" in w for w in whys)
    named = "Springfield and Peoria are rivals in the United States. Peoria won the game in Springfield."
    ex = extract(named, gaz, read=False)
    springfield = next(r for r in ex.resolved if r.mention.text == "Springfield")
    assert any("in US, which the article names" in w for w in springfield.geocode.candidates[0].why)
