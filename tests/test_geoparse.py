"""Gold spans resolved in context (issue 14): demonyms, names placed by the place the text puts them in,
and reasons that say only what the article says. Sentences written for these tests."""
import re

import pytest

from mapgen.article import Article
from mapgen.extract import Mention, _demonym_of, _inner_name, extract, find_mentions, resolve
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


def test_unknown_name_is_placed_where_its_sentence_puts_it(gaz):
    # the focus is Seattle; the gallery is on a street in Portland, the depot is one of a list (no locative)
    text = ("Seattle voters backed the plan. Seattle will vote again in May, Seattle officials said. "
            "The Wexmoor Gallery is opening on Brindle Street in Portland, Oregon next month. "
            "Bids came from Harrowgate Foods, Pellmoor Depot and a mill in Spokane. "
            "She moved from Tillsbury to live in Boise.")
    got = placed(text, ["Wexmoor Gallery", "Brindle Street", "Harrowgate Foods", "Tillsbury"], gaz)
    for name in ("Wexmoor Gallery", "Brindle Street"):
        r = got[name]
        assert distance_km(r.place.lat, r.place.lon, 45.52, -122.68) < 30  # Portland, 230 km from Seattle
        assert r.geocode.candidates[0].why[0].startswith("unknown name; in Portland")
    assert "named later in its sentence" in got["Wexmoor Gallery"].geocode.candidates[0].why[0]
    for name in ("Harrowgate Foods", "Tillsbury"):  # a list, and a place of its own: the focus
        r = got[name]
        assert distance_km(r.place.lat, r.place.lon, 47.61, -122.33) < 30


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


@pytest.mark.parametrize("text, expect", [
    # datelines with AP state abbreviations: the state is found, and holds the town before it
    ("FRANKFORT, Ky. (AP) — Lawmakers met in Lexington and Paris on Monday.",
     {"FRANKFORT": "KY", "Ky.": "KY", "Lexington": "KY", "Paris": "KY"}),
    ("LANCASTER, Pa. — A man from York was charged.", {"LANCASTER": "PA", "Pa.": "PA", "York": "PA"}),
    ("OXFORD, Miss. - Rain fell on Oxford and Tupelo.", {"OXFORD": "MS", "Miss.": "MS", "Tupelo": "MS"}),
    ("He lives in Columbus, Ga., and works in Athens, Ga.", {"Columbus": "GA", "Athens": "GA", "Ga.": "GA"}),
    # an initial and a dotted abbreviation: West Virginia, not Virginia
    ("CHARLESTON, W.Va. — Teachers walked out in Morgantown.", {"CHARLESTON": "WV", "W.Va": "WV"}),
    ("ROANOKE, Va. — Rain fell in Salem.", {"ROANOKE": "VA", "Va.": "VA", "Salem": "VA"}),
])
def test_datelines_and_dotted_state_abbreviations(gaz, text, expect):
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    for name, admin1 in expect.items():
        assert got[name].country == "US" and got[name].admin1 == admin1, (name, got.get(name))


def test_a_state_abbreviation_needs_its_full_stop(gaz):
    got = [r.mention.text for r in extract("Pa Kim and Ky Lee met Va Smith.", gaz, read=False).resolved]
    assert not {"Pa", "Ky", "Va"} & set(got)


def test_names_in_a_list_of_counties_are_counties(gaz):
    text = "Voters in Fulton and DeKalb counties went to the polls near Atlanta."
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert got["Fulton"].name == "Fulton County" and got["Fulton"].admin1 == "GA"
    assert got["DeKalb"].name == "DeKalb County" and got["DeKalb"].admin1 == "GA"
    # the same as a gold span
    i = text.index("DeKalb")
    ex = extract(text, gaz, read=False, spans=[(i, i + len("DeKalb"))])
    assert ex.spans[0][1].place.name == "DeKalb County"


def test_a_county_named_with_its_kind_word_is_the_county(gaz):
    got = {r.mention.text: r.place for r in extract(
        "Officials in Orange County said Anaheim and Irvine were spared.", gaz, read=False).resolved}
    assert got["Orange County"].kind == "region" and got["Orange County"].admin1 == "CA"  # not the city of Orange
    got = {r.mention.text: r.place for r in extract(
        "The Lake County sheriff said deputies were sent to Waukegan.", gaz).resolved}
    assert got["Lake County"].admin1 == "IL"  # the one Waukegan is in


def test_a_person_s_name_is_no_context(gaz):
    # "Noma" is a neighbourhood of Washington; here a woman in Cape Town, whom the parse reads as a person
    text = ("Noma (not her real name) said she moved to the township last year. Her daughter Noma, 12, works "
            "in a clinic. Police in Cape Town said Noma was not afraid.")
    i = text.index("the township")
    ex = extract(text, gaz, spans=[(i + 4, i + 12)])
    assert "Noma" in [m.text for m in find_mentions(Article(text=text, path="t"), gaz)]  # found by the dictionary
    r = ex.spans[0][1]
    assert r is not None and r.place.country == "ZA"  # but the unknown span is placed in South Africa


def test_a_surname_that_is_a_small_town_is_not_a_place_found(gaz):
    text = ("The council met on Monday. Coleman told reporters the plan would cost more. Coleman's office in "
            "Chicago declined to comment. Later the bus went to Coleman, then on to Abilene.")
    found = [(r.mention.text, r.mention.start) for r in extract(text, gaz).resolved]
    names = [n for n, _ in found]
    assert "Chicago" in names and "Abilene" in names
    # the person (subject, possessor) is left out; the town after "to" stays
    assert [n for n, at in found if n == "Coleman"] == ["Coleman"]
    assert next(at for n, at in found if n == "Coleman") == text.index("Coleman, then")


def test_a_town_named_as_a_sports_team_is_the_well_known_one(gaz):
    # an article about a Mississippi team: the opponent "Louisville" is Kentucky's city, not Mississippi's
    text = ("STARKVILLE, Miss. (AP) — The Bulldogs scored 80 points against Louisville in the semifinal game. "
            "Fans drove in from Jackson and Tupelo, and the coach thanked the crowd in Starkville.")
    got = placed(text, ["Louisville", "Jackson"], gaz)
    assert got["Louisville"].place.admin1 == "KY"
    assert got["Jackson"].place.admin1 == "MS"  # the rest of the article still reads as Mississippi
    # a nickname after the name: the Trail Blazers are Oregon's, in a story set in Texas
    text = ("HOUSTON (AP) — The Portland Trail Blazers lost the game 96-94 in Houston. Fans from Galveston, "
            "Texas, filled the arena.")
    assert placed(text, ["Portland"], gaz)["Portland"].place.admin1 == "OR"


def test_without_a_game_the_town_near_the_others_stays(gaz):
    text = ("Officials in Starkville and Jackson, Mississippi, said the new clinic in Louisville opens in May. "
            "Protesters marched against Louisville officials.")
    assert placed(text, ["Louisville"], gaz)["Louisville"].place.admin1 == "MS"


@pytest.mark.parametrize("name, lat, lon, km", [
    # a big region is drawn at the middle of its land, where atlases and GeoNames put it, not at the middle
    # of its towns along one edge (British Columbia's were 316 km south-east of 54N 125W)
    ("British Columbia", 54.0, -125.0, 120), ("Manitoba", 55.0, -97.0, 100), ("Western Australia", -25.0, 122.0, 60),
    ("Texas", 31.25, -99.25, 60),
])
def test_big_regions_are_drawn_at_the_middle_of_their_land(gaz, name, lat, lon, km):
    p = gaz.geocode(name).place
    assert p.kind == "region" and distance_km(p.lat, p.lon, lat, lon) < km


def test_seas_are_places_found_and_placed_in_their_water(gaz):
    text = ("Migrants crossed the Mediterranean from Libya. Tankers left the Black Sea for Istanbul, and "
            "warships sailed the South China Sea off Manila.")
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    for name, lat, lon in [("Mediterranean", 35.0, 18.0), ("Black Sea", 43.0, 34.0), ("South China Sea", 12.0, 113.0)]:
        assert got[name].kind == "area" and distance_km(got[name].lat, got[name].lon, lat, lon) < 300, name
    # a sea takes a name only hamlets have ("North Sea", New York), never a bigger place's ("Red Sea", Sudan)
    assert gaz.geocode("North Sea").place.kind == "area"
    assert gaz.geocode("Red Sea").place.country == "SD"


@pytest.mark.parametrize("text, name, admin1", [
    # a place's own office or institution: the place is named, and it is the one of the article
    ("The Fort Wayne City Council approved the budget on Monday.", "Fort Wayne", "IN"),
    ("Members of the Fort Wayne City Council met in Auburn.", "Fort Wayne", "IN"),
    ("Denton Mayor Chris Watts said the plan was sound.", "Denton", "TX"),
    ("The Allen County Department of Health warned of flu in Fort Wayne.", "Allen County", "IN"),
    ("He was booked into the Marion County Jail in Indianapolis.", "Marion County", "IN"),
    ("A Houston Independent School District bus crashed.", "Houston", "TX"),
])
def test_a_place_inside_its_office_s_name_is_found(gaz, text, name, admin1):
    found = {r.mention.text: r for r in extract(text, gaz, read=False).resolved}
    assert name in found, found
    assert found[name].place.admin1 == admin1 and found[name].mention.organisation == "office"


def test_an_office_word_does_not_make_the_town_a_person(gaz):
    text = "Denton Mayor Chris Watts said the Denton Police Department would hire more officers."
    found = [r for r in extract(text, gaz).resolved if r.mention.text == "Denton"]
    assert len(found) == 2 and all(r.place.admin1 == "TX" for r in found)


def test_a_place_in_an_organisation_s_name_is_found_but_no_evidence(gaz):
    # The Washington Post and Malaysia Airlines are named; neither says the article is about Washington
    text = ("The Washington Post reported that Malaysia Airlines cancelled flights. Officials in Springfield "
            "and Peoria, Illinois, confirmed it.")
    found = {r.mention.text: r for r in extract(text, gaz, read=False).resolved}
    assert found["Washington"].mention.organisation == "organisation"
    assert found["Malaysia"].mention.organisation == "organisation"
    assert found["Springfield"].place.admin1 == "IL"
    # a compound's last word counts: the newspaper is named, not the town
    found = {r.mention.text: r for r in extract(
        "The Chicago Sun-Times and the Pittsburgh Post-Gazette both sent a reporter to Fresno.", gaz,
        read=False).resolved}
    assert found["Chicago"].mention.organisation == found["Pittsburgh"].mention.organisation == "organisation"
    assert not found["Fresno"].mention.organisation
    # and an institution named after a small town or a person is left out, as before
    names = [r.mention.text for r in extract("She studied at Princeton University and Duke University.", gaz,
                                             read=False).resolved]
    assert "Princeton" not in names


@pytest.mark.parametrize("text", [
    "Sen. Mitch Carver spoke on Jan. 5 in the chamber.",
    "Gen. Dale Ortiz and the Rev. Amos Bell arrived on Oct. 12.",
    "Lt. Gov. Ruth Hale met Sgt. Paul Eng on Dec. 1.",
])
def test_titles_and_months_with_their_full_stop_are_no_places(gaz, text):
    assert extract(text, gaz, read=False).resolved == []


@pytest.mark.parametrize("text, name, admin1", [
    # no state named: the towns around make the state, and the ambiguous town is the one there
    ("Police in Dayton and Springfield searched for the suspect. The car was found in Xenia, near Lebanon.",
     "Lebanon", "OH"),
    ("A jury in Indianapolis convicted a Carmel man. The shooting happened in Lebanon, police said.",
     "Lebanon", "IN"),
    ("Fire crews from Chillicothe and Circleville responded to a blaze near Athens on Sunday.", "Athens", "OH"),
    ("The Warsaw plant will close. Workers from Kendallville, Goshen and Fort Wayne were told on Friday.",
     "Warsaw", "IN"),
    # a dateline with the state
    ("DAYTON, Ohio — A man from Springfield was arrested Monday in Troy.", "Springfield", "OH"),
])
def test_a_same_named_town_is_the_one_in_the_state_the_article_is_about(gaz, text, name, admin1):
    got = placed(text, [name], gaz)[name]
    assert got.place.country == "US" and got.place.admin1 == admin1, got.place
    found = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert found[name].admin1 == admin1


def test_a_state_s_name_is_the_state_not_a_town_of_another_state(gaz):
    text = "A man in Florida won the jackpot. The ticket was sold in Albany, New York, and Syracuse."
    assert placed(text, ["Florida"], gaz)["Florida"].place.kind == "region"


def test_a_name_is_no_evidence_for_itself(gaz):
    # "Lebanon" alone is the country, but the reasons may not say the article names Lebanon, nor that other
    # places it names are there: only the name itself is
    ex = extract("Voters in Lebanon and Dover went to the polls on Tuesday.", gaz, read=False)
    lebanon = next(r for r in ex.resolved if r.mention.text == "Lebanon")
    whys = " ".join(lebanon.geocode.candidates[0].why)
    assert "which the article names" not in whys and "in LB, where other places" not in whys
    # named by another name too, it is: Syria's reason may say the article names Lebanon's neighbour only
    # when it does
    ex = extract("Troops left Lebanon for Syria. The Syrian army said so.", gaz, read=False)
    lebanon = next(r for r in ex.resolved if r.mention.text == "Lebanon")
    assert "in LB, which the article names" not in " ".join(lebanon.geocode.candidates[0].why)
    syria = next(r for r in ex.resolved if r.mention.text == "Syria")
    assert "in SY, which the article names" in " ".join(syria.geocode.candidates[0].why)  # "Syrian"


def test_two_towns_after_a_comma_are_a_list_not_one_inside_the_other(gaz):
    text = "Parents from Georgetown, Versailles and Paris, Kentucky, came to Lexington."
    found = {r.mention.text: r for r in extract(text, gaz, read=False).resolved}
    assert found["Georgetown"].mention.within == "Versailles"  # read as the text writes it...
    assert "in Versailles" not in found["Georgetown"].geocode.candidates[0].why  # ...but no holder


# --- round 5: towns close together, common words, people's names ----------------------------------------

@pytest.mark.parametrize("text, name, admin1", [
    # no state named: a set of small towns close together beats a scatter of famous namesakes
    ("Parents from Georgetown, Versailles and Paris came to Lexington on Saturday.", "Paris", "KY"),
    ("Parents from Georgetown, Versailles and Paris came to Lexington on Saturday.", "Versailles", "KY"),
    ("Crews from Lisbon, Salem and Canton fought the fire.", "Lisbon", "OH"),
    ("Snow closed schools in Lebanon, Hanover and Enfield.", "Hanover", "NH"),
    ("Students from Moscow, Pullman and Colfax took part in the fair.", "Moscow", "ID"),
])
def test_small_towns_close_together_beat_famous_namesakes(gaz, text, name, admin1):
    found = {r.mention.text: r for r in extract(text, gaz, read=False).resolved}
    assert found[name].place.country == "US" and found[name].place.admin1 == admin1, found[name].place
    assert any("km of a place of each of" in w for w in found[name].geocode.candidates[0].why)
    assert placed(text, [name], gaz)[name].place.admin1 == admin1


@pytest.mark.parametrize("text, name, country", [
    # famous cities far apart stay; so do towns close together in their own country
    ("Ministers from Paris, Berlin and Rome met in Brussels.", "Paris", "FR"),
    ("Ministers from Paris, Berlin and Rome met in Brussels.", "Rome", "IT"),
    ("Trains linked London, Cambridge and Oxford.", "Cambridge", "GB"),
    ("Officials in London, Paris and Woodstock met on Monday.", "London", "GB"),
    # a name that is a state or a country is not settled by towns of that name near others
    ("A man in Florida won the jackpot. The ticket was sold in Albany, New York, and Syracuse.", "Florida", "US"),
])
def test_famous_places_far_apart_are_no_cluster(gaz, text, name, country):
    found = {r.mention.text: r for r in extract(text, gaz, read=False).resolved}
    assert found[name].place.country == country, found[name].place
    if name == "Florida":
        assert found[name].place.kind == "region"


def test_the_places_of_a_dateline_are_known():
    from mapgen.extract import _in_dateline

    def dl(text, name):
        i = text.index(name)
        return _in_dateline(text, Mention(i, i + len(name), name, (0, len(text))))

    text = "DAYTON, Ohio (AP) — A man from Springfield was arrested in Troy."
    assert dl(text, "DAYTON") and dl(text, "Ohio") and not dl(text, "Springfield")
    assert dl("IMMOKALEE – The grant was announced on Monday.", "IMMOKALEE")
    assert not dl("Dayton - Springfield and Troy are towns in Ohio.", "Dayton")  # no capitals: no dateline


@pytest.mark.parametrize("text, word", [
    # a capitalised common word (by the parse, or written lower-case elsewhere) that is only another name of
    # small towns ("Voters" of Walters, Oklahoma; "Farmers" of Milan, Georgia)
    ("Voters in Oklahoma City lined up early. Voters said the wait was long.", "Voters"),
    ("Farmers said the rain came too late for Tulsa.", "Farmers"),
    ("Since Monday, crews in Tulsa have cleared the roads.", "Since"),
    # a party, an office or a rank (lang/en/names.toml common_words): "Democrat" of Sumiton, Alabama
    ("Warren, a Democrat, said the bill would fail in Boston.", "Democrat"),
    ("Trooper Dale Hines said the road near Harrisburg was closed.", "Trooper"),
])
def test_capitalised_common_words_are_no_small_towns(gaz, text, word):
    names = [r.mention.text for r in extract(text, gaz).resolved]
    assert word not in names and names, names


def test_a_common_word_written_lower_case_elsewhere_is_no_town_without_a_parse(gaz):
    names = [r.mention.text for r in extract("Voters were angry. Many voters stayed home in Tulsa.", gaz,
                                             read=False).resolved]
    assert names == ["Tulsa"]


def test_towns_by_their_own_names_and_demonyms_stay(gaz):
    got = {r.mention.text: r.place for r in extract("Flooding hit Reading and Bath on Saturday.", gaz).resolved}
    assert got["Reading"].country == "GB" and got["Bath"].country == "GB"
    text = "The trial opened in the English city of Salisbury. An Arab delegation came from Riyadh."
    names = [r.mention.text for r in extract(text, gaz).resolved]
    assert "English" in names and "Arab" in names


@pytest.mark.parametrize("text, person", [
    # a small town's name as a person's: after a title with its full stop, as the subject of a verb of
    # saying, with an age after it; and then throughout the article
    ("Workers in Toledo thanked Mrs. Camden for the gift.", "Camden"),
    ("The bill passed on Tuesday in Columbus. Troy said he would vote against it.", "Troy"),
    ("Officials in Denver confirmed the report. Asked about the cost, Harper said it was too early to tell.",
     "Harper"),
    ("Rep. Jim Lafayette of Boise spoke first. Lafayette, 54, said the budget was sound.", "Lafayette"),
    ("Shelby told reporters in Memphis the vote was close. Later Shelby thanked the volunteers.", "Shelby"),
    # a town's or a country's name among the words of a person's full name is that person's
    ("The champion raced against Colin Turkington and Andrew Jordan at the track in Kent.", "Jordan"),
    ("Mary Ann Quitugua from a cake studio in Tacoma, Washington shares her tips.", "Mary"),
    ("The mural was designed by Mario de Santiago, who is based in London.", "Santiago"),
    ("Deputy director Salvador Marlon B. Malbog IV said the games in Manila would go on.", "Salvador"),
    # ... and the surname alone later on
    ("Few predicted that Ashley Sutton would win the title in Leeds. Sutton drove a Subaru there.", "Sutton"),
    # a first name after a preposition, a name with its possessive
    ("Send your letters about the plan for Cleveland to Elizabeth Sullivan, our editor.", "Elizabeth"),
    ("Fans in Birmingham celebrated Sam Gallagher's winner.", "Sam"),
    # the source of what is said (lang/en/cues.toml source), though after "to"
    ("According to Dalton, the plant in Greenville will reopen.", "Dalton"),
])
def test_a_town_s_name_as_a_person_s_is_no_place(gaz, text, person):
    names = [r.mention.text for r in extract(text, gaz).resolved]
    assert person not in names and names, names


@pytest.mark.parametrize("text, place, last", [
    ("The bus went to Troy, where the mayor said the roads were closed.", "Troy", False),
    ("Washington said the sanctions would stay. Moscow warned of a response.", "Washington", False),
    # the person is left out, the town gone to stays
    ("Troy said he would vote against it. He grew up in Troy, near Albany.", "Troy", True),
    ("According to Dalton police, the plant will reopen.", "Dalton", False),
    # "André de Dakar" is André from Dakar: the city left before stays the city
    ("Le train a quitté Dakar dimanche. À bord, j'ai rencontré André de Dakar et Fred.", "Dakar", False),
    ("We left Genoa at noon and met Paolo di Genoa, a cook, in the bar car.", "Genoa", False),
])
def test_a_place_that_speaks_or_is_gone_to_stays(gaz, text, place, last):
    found = [r.mention.start for r in extract(text, gaz).resolved if r.mention.text == place]
    assert found == [text.rindex(place) if last else text.index(place)]


def test_a_town_the_gazetteer_lacks_in_its_region_s_country_is_placed_in_the_region(gaz):
    # the gazetteer has Salems abroad only: in the county after the comma, not Salem, Oregon
    text = ("The festival moves from London to Salem, Cheshire, in June, and to Oakham, Rutland, in July. "
            "Tickets sold out in London.")
    got = placed(text, ["Salem", "Oakham"], gaz)
    r = got["Salem"]
    assert distance_km(r.place.lat, r.place.lon, 53.2, -2.6) < 40  # Cheshire's middle, not Salem, Oregon
    assert "none of that name in GB" in r.geocode.candidates[0].why[0]
    r = got["Oakham"]  # a town of Rutland the gazetteer knows stays the town
    assert r.place.kind == "city" and distance_km(r.place.lat, r.place.lon, 52.67, -0.73) < 10


def test_a_known_name_inside_an_unknown_one_is_the_longest(gaz):
    # "Orleans" inside "New Orleans" is part of New Orleans, not Orléans in France; a quarter is a site
    text = ("The New Orleans Tramway Depot was torn down in 1950. Tourists crowd the French Quarter. "
            "New Orleans and Metairie grew along the river; New Orleans kept the depot.")
    got = placed(text, ["New Orleans Tramway Depot", "French Quarter"], gaz)
    for name in ("New Orleans Tramway Depot", "French Quarter"):
        r = got[name]
        assert distance_km(r.place.lat, r.place.lon, 29.95, -90.07) < 30, (name, r.place)  # not France
    assert _inner_name("New Orleans Tramway Depot", gaz) == "New Orleans"  # not Orléans, whose score ties


def test_a_time_zone_after_a_clock_time_is_no_state(gaz):
    text = "Passes for the Birmingham festival go on sale at 7 a.m. CT today; the stream starts at 10:30 ET."
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert "CT" not in got and "ET" not in got
    assert got["Birmingham"].name == "Birmingham"  # not Derby, Connecticut, once known as Birmingham
    got = {r.mention.text: r.place for r in extract("The band flew in from Hartford, CT.", gaz, read=False).resolved}
    assert got["CT"].admin1 == "CT" and got["Hartford"].admin1 == "CT"


@pytest.mark.parametrize("text, span, lat, lon", [
    # a street named like a small US town, in a story about New Orleans: the city, not that town
    ("The parade turns from Canal Street into Bourbon near the French Quarter of New Orleans, and ends "
     "in Metairie.", "Bourbon", 29.95, -90.07),
    # a commission named after Venice, in a story that names the U.S. only as a country: not Venice, Florida
    ("Ukraine's parliament passed the bill on Friday. The U.S. embassy in Kyiv welcomed it, and the Venice "
     "Commission said it met European standards.", "Venice", 45.44, 12.33),
    # a restaurant named like a small town, which the text puts in Seattle
    ("She cooked at Cornelia in Seattle before she moved to Denver.", "Cornelia", 47.61, -122.33),
])
def test_a_small_town_far_from_all_else_the_article_names_gives_way(gaz, text, span, lat, lon):
    r = placed(text, [span], gaz)[span]
    assert r is not None and distance_km(r.place.lat, r.place.lon, lat, lon) < 161, r.place


@pytest.mark.parametrize("text, country, admin1", [
    ("Flood waters reached Lexington, Ky., and Versailles on Tuesday.", "US", "KY"),
    ("The governor of Kentucky visited Versailles on Tuesday.", "US", "KY"),
    # the text says where it is: "Visbek, Germany" is that village, however far from all else
    ("Brazil and the USA export chicken; a farm in Visbek, Germany, raised it for years.", "DE", None),
    # ... or its country, which the article is about, named outright, and no other place of that country
    ("Brazil and Germany export chicken. A farm near Visbek raised it for years, the German ministry said.", "DE", None),
    # (the village, not the middle of Germany)
    ("Brazil and Germany export chicken. A farm near Visbek in Germany raised it, the German ministry said.", "DE", None),
])
def test_a_small_town_near_the_others_or_in_the_state_named_stays(gaz, text, country, admin1):
    name = "Versailles" if "Versailles" in text else "Visbek"
    r = placed(text, [name], gaz)[name]
    assert r.place.kind == "city" and r.place.country == country and admin1 in (None, r.place.admin1)


@pytest.mark.parametrize("text, span, lat, lon", [
    ("Delegates met at the OAS in Washington on Friday to discuss the vote.", "OAS", 38.90, -77.04),
    ("Doctors at the CHU in Montpellier said the boy was recovering.", "CHU", 43.61, 3.88),
])
def test_initials_are_no_town_spelt_so(gaz, text, span, lat, lon):
    r = placed(text, [span], gaz)[span]
    assert r is not None and distance_km(r.place.lat, r.place.lon, lat, lon) < 161, r.place


@pytest.mark.parametrize("text, name, lat, lon", [
    ("ROME (Reuters) — Italy's president met party leaders on Monday.", "ROME", 41.89, 12.51),
    ("OSLO, Norway — The fund sold its shares.", "OSLO", 59.91, 10.75),
])
def test_a_short_city_in_capitals_in_a_dateline_is_found(gaz, text, name, lat, lon):
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert name in got and distance_km(got[name].lat, got[name].lon, lat, lon) < 50
    # elsewhere a short word in capitals is initials, as before
    got = {r.mention.text for r in extract("The ROME office and NATO met.", gaz, read=False).resolved}
    assert "ROME" not in got


@pytest.mark.parametrize("text, name, admin1", [
    ("Tech firms are leaving western states such as California or Washington.", "Washington", "WA"),
    ("Farmers in Florida and Georgia lost much of the peach crop.", "Georgia", "GA"),
    ("Growers in Oregon, Idaho and Washington expect a big harvest.", "Washington", "WA"),
])
def test_a_name_listed_with_a_state_is_a_state(gaz, text, name, admin1):
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert got[name].kind == "region" and got[name].country == "US" and got[name].admin1 == admin1, got[name]


def test_the_surname_of_a_person_named_in_full_is_that_person_later_on(gaz):
    # "Miranda" is a state of Venezuela: here the surname of a man named in full first, left out there and later
    text = ("Lin-Manuel Miranda thought he had a migraine. Miranda tweeted on Thursday that he felt better. "
            "He starred on Broadway for years.")
    ex = extract(text, gaz)
    assert not [m for m in ex.resolved if m.mention.text == "Miranda"]
    # as a gold span it is still resolved, as a person's name: no evidence
    i = text.index("Miranda tweeted")
    r = extract(text, gaz, spans=[(i, i + len("Miranda"))]).spans[0]
    assert r[0].text == "Miranda"


def test_a_county_of_a_name_many_states_have_is_the_one_in_the_state_the_article_is_about(gaz):
    text = "Iowa farmers gathered in Ames and Des Moines this week. Prices fell in Washington County."
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert got["Washington County"].admin1 == "IA" and got["Washington County"].kind == "region"
    # a span that leaves out the unit word after it is still that unit, not its same-named town
    i = text.index("Washington")
    r = extract(text, gaz, read=False, spans=[(i, i + len("Washington"))]).spans[0][1]
    assert r.place.kind == "region" and r.place.admin1 == "IA" and r.place.name == "Washington County"
    text = "Flooding closed roads in Orleans Parish and Jefferson Parish on Monday."
    i = text.index("Orleans")
    r = extract(text, gaz, read=False, spans=[(i, i + len("Orleans"))]).spans[0][1]
    assert r.place.name == "Orleans Parish" and r.place.admin1 == "LA"


def test_reasons_do_not_claim_a_country_a_name_read_in_context_as_a_state_names(gaz):
    text = ("ATLANTA — Georgia lawmakers met on Monday. The bill would help farmers in Athens, Georgia officials "
            "said, though a delegation from Tbilisi was also in town.")
    ex = extract(text, gaz, read=False)
    got = {r.mention.text: r for r in ex.resolved}
    assert got["Georgia"].place.kind == "region" and got["Georgia"].place.country == "US"
    whys = [w for c in got["Tbilisi"].geocode.candidates for w in c.why]
    assert not any("in GE, which the article names" in w for w in whys)


@pytest.mark.parametrize("text, name, lat, lon", [
    ("Farmers across the Midwest fear the new tariffs on soybeans.", "Midwest", 42.0, -92.0),
    ("Snow closed schools across New England on Tuesday.", "New England", 43.0, -71.5),
])
def test_us_regions_of_states_are_places(gaz, text, name, lat, lon):
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert name in got and got[name].country == "US" and distance_km(got[name].lat, got[name].lon, lat, lon) < 300


@pytest.mark.parametrize("text, word", [
    ("Sheriff Denton said the road would reopen on Friday.", "Denton"),
    ("Det. Hamilton and Adm. Lancaster spoke to reporters.", "Hamilton"),
    ("Det. Hamilton and Adm. Lancaster spoke to reporters.", "Lancaster"),
    ("Pastor Waco led the prayer at the service.", "Waco"),
    ("The hearing is set for Jan 5 in the county court.", "Jan"),
])
def test_a_town_after_a_title_or_a_month_without_its_full_stop_is_no_place(gaz, text, word):
    got = [r.mention.text for r in extract(text, gaz, read=False).resolved]
    assert word not in got


def test_a_town_after_a_title_word_that_is_gone_to_stays(gaz):
    got = [r.mention.text for r in extract("The deputy drove to Denton on Friday.", gaz, read=False).resolved]
    assert got == ["Denton"]


def test_the_place_an_institution_is_of_is_named_and_is_evidence(gaz):
    text = "The University of Georgia will raise tuition next fall, the regents said. Students in Athens protested."
    got = {r.mention.text: r for r in extract(text, gaz, read=False).resolved}
    assert got["Georgia"].mention.organisation == "office" and got["Georgia"].place.admin1 == "GA"
    assert got["Athens"].place.country == "US" and got["Athens"].place.admin1 == "GA"
    # a site named after a place it is not stays a site ("Royal Street"), and so does an institution of a
    # small town's name (as "Duke University")
    got = [r.mention.text for r in extract("The University of Bourbon hired him.", gaz, read=False).resolved]
    assert "Bourbon" not in got


@pytest.mark.parametrize("text, word", [
    ("The Supreme Court ruled on Monday.", "Supreme"),
    ("A Superior Court judge set bail at $5,000.", "Superior"),
])
def test_an_office_s_kind_before_an_office_word_is_no_town(gaz, text, word):
    got = [r.mention.text for r in extract(text, gaz, read=False).resolved]
    assert word not in got
    got = [r.mention.text for r in extract("The Denton City Council met.", gaz, read=False).resolved]
    assert got == ["Denton"]


# --- round 15: people named in full, names that start with a big place's, states' own points ---------------

def test_places_side_by_side_read_as_a_person_stay_and_so_does_a_country_elsewhere(gaz):
    # a verb before the place is no first name: Munich stays throughout
    text = "Leaving Munich on Monday, the train reached Hamburg on Tuesday. It returns to Munich on Friday."
    assert [r.mention.text for r in extract(text, gaz).resolved].count("Munich") == 2
    got = [r.mention.text for r in extract("Officials in Amman said Jordan would reopen the border with Syria.",
                                           gaz).resolved]
    assert "Jordan" in got
    # initials after the place: a police, no person ("New Brunswick RCMP")
    got = [r.mention.text for r in extract("New Brunswick RCMP say the dogs were found near Fredericton.",
                                           gaz).resolved]
    assert "New Brunswick" in got


@pytest.mark.parametrize("text, name, admin1", [
    # a name that starts with a big place's is named after it (a team, a paper, a firm): the place is named
    ("The Memphis Grizzlies beat the Utah Jazz 110-101 on Friday.", "Memphis", "TN"),
    ("Harden scored 30 to lift the Houston Rockets over the Portland Trail Blazers.", "Portland", "OR"),
    ("The Dallas Morning News first reported the story.", "Dallas", "TX"),
    ("The Tulsa World said the road was closed.", "Tulsa", "OK"),
    # an organisation's word after it: no person's name, however the parse reads it
    ("Birmingham will face Bolton Wanderers on Saturday in the league.", "Bolton", "ENG"),
])
def test_a_big_place_s_name_starting_a_longer_name_is_found(gaz, text, name, admin1):
    got = {r.mention.text: r for r in extract(text, gaz).resolved}
    # ("named" when only the capitals say so, "organisation" when an organisation's word does)
    assert name in got and got[name].place.admin1 == admin1 and got[name].mention.organisation in (
        "organisation", "named")


def test_a_place_named_in_a_team_s_name_is_no_evidence(gaz):
    # the Portland of the team is Oregon's; the story is about Maine's towns
    text = "Fans from Bangor and Augusta watched the Portland Trail Blazers lose. Later they drove to Portland."
    got = [r for r in extract(text, gaz).resolved if r.mention.text == "Portland"]
    assert got[-1].place.admin1 == "ME"


def test_an_office_of_a_parish_after_a_site_word_is_the_parish_s(gaz):
    got = {r.mention.text: r.place for r in extract("The Lafayette Parish School Board voted to close two schools.",
                                                    gaz).resolved}
    assert got["Lafayette Parish"].admin1 == "LA" and got["Lafayette Parish"].kind == "region"


@pytest.mark.parametrize("name, code, lat, lon", [
    # states whose Natural Earth label points tied to no GeoNames code, or to another state's: their own
    # code, at the middle of their counties (GeoNames' own points: Oregon 44.0N 120.5W, Vermont 44.0N 72.75W)
    ("Oregon", "OR", 44.0, -120.5), ("New Hampshire", "NH", 43.67, -71.5), ("Vermont", "VT", 44.0, -72.75),
    ("Delaware", "DE", 39.0, -75.5), ("New Jersey", "NJ", 40.17, -74.5),
])
def test_states_natural_earth_ties_wrongly_have_their_own_code_and_middle(gaz, name, code, lat, lon):
    p = gaz.geocode(name).place
    assert p.kind == "region" and p.admin1 == code and distance_km(p.lat, p.lon, lat, lon) < 30
    got = {r.mention.text: r.place for r in extract("A man from Nashua, N.H., was charged in Concord.", gaz).resolved}
    assert got["N.H."].admin1 == "NH"


@pytest.mark.parametrize("text, name, admin1", [
    # a town whose own name holds a kind word is that town, not a harbour of the name before it
    ("St. Joseph officials met in Benton Harbor.", "Benton Harbor", "MI"),
    # "St." written out: towns GeoNames lists only as "Saint ..." are candidates too (Saint Joseph, Michigan)
    ("St. Joseph officials met in Benton Harbor.", "St. Joseph", "MI"),
    ("The flight to St. Louis was delayed.", "St. Louis", "MO"),
    ("Fishermen in St. Augustine said the storm spared Jacksonville.", "Jacksonville", "FL"),
    # a county as news abbreviates it; a town's school board is the town's, no school called so
    ("The Hamilton Co. Sheriff's Office said the man was found near Chattanooga.", "Hamilton Co", "TN"),
    ("A Knox Co. jury convicted him in Knoxville.", "Knox Co", "TN"),
    ("The St. Cloud school board met in Sauk Rapids.", "St. Cloud", "MN"),
    # a town and a county the article names that lie together: the town's famous namesake abroad, or the
    # county's biggest namesake, gives way
    ("Paris police said the suspect was arrested Monday. The Bourbon County sheriff said he was held without bond.",
     "Paris", "KY"),
    ("Rome police arrested a man Tuesday. Floyd County deputies assisted.", "Rome", "GA"),
    ("Rome police arrested a man Tuesday. Floyd County deputies assisted.", "Floyd County", "GA"),
    ("Lebanon police are investigating a robbery. The Wilson County sheriff's office assisted.", "Lebanon", "TN"),
    ("Berlin police said the man fled. Coos County deputies assisted.", "Berlin", "NH"),
])
def test_us_towns_and_counties_in_context(gaz, text, name, admin1):
    got = {r.mention.text: r.place for r in extract(text, gaz, read=False).resolved}
    assert got[name].country == "US" and got[name].admin1 == admin1, got[name]


def test_a_town_and_a_county_that_lie_together_say_so(gaz):
    r = next(r for r in extract("Rome police arrested a man Tuesday. Floyd County deputies assisted.", gaz).resolved
             if r.mention.text == "Rome")
    assert "a place of another name in the article (a town and a county: counted twice)" in \
        " ".join(r.geocode.candidates[0].why)


@pytest.mark.parametrize("text, name, lat, lon", [
    # a place set beside another as a part of it ("X, a suburb of Y") is looked for in it, and placed there
    # when the gazetteer has no place of its name near it (its only Halkalı is a village 1,000 km east)
    ("We arrived at Halkali, a suburb on the European side of Istanbul, after a night from Sofia.", "Halkali",
     41.01, 28.95),
    ("Nous sommes descendus à Halkali, une banlieue d'Istanbul, au petit matin.", "Halkali", 41.01, 28.95),
    ("Police were called to a home in Kirkwood, a suburb of St. Louis, on Sunday.", "Kirkwood", 38.58, -90.41),
    ("The blast hit Florence, a small town in Alabama, late on Friday.", "Florence", 34.80, -87.68),
])
def test_a_place_named_as_part_of_another_is_in_it(gaz, text, name, lat, lon):
    r = next(r for r in extract(text, gaz).resolved if r.mention.text == name)
    assert distance_km(r.place.lat, r.place.lon, lat, lon) < 15, r.place


def test_a_place_named_as_part_of_another_is_marked_for_review(gaz):
    from mapgen.journey import read_journey

    text = "We arrived at Halkali, a suburb on the European side of Istanbul, after an overnight ride from Sofia."
    stop = next(s for s in read_journey(extract(text, gaz), gaz).stops if s.resolved.mention.text == "Halkali")
    assert any("part of Istanbul" in r for r in stop.review)


@pytest.mark.parametrize("text, name", [
    # the words between the part word and the next place must only say where in it: not "recommended by"
    ("On est partis pour Vang Vieng, une petite ville conseillée par des Anglais rencontrés dans le train.",
     "Vang Vieng"),
    ("We took the bus to Vang Vieng, a town loved by Australians and backpackers.", "Vang Vieng"),
])
def test_a_part_word_followed_by_other_words_holds_nothing(gaz, text, name):
    r = next(r for r in extract(text, gaz).resolved if r.mention.text == name)
    assert r.place.country == "LA" and not r.mention.part_of, r.place


def test_a_country_named_after_a_comma_is_no_place_to_draw_a_town_at(gaz):
    # "a junction in Bangladesh" looks for Mahwa in Bangladesh, but never draws it at the country's middle
    text = "We changed trains at Mahwa, a junction in Bangladesh, then rode on to Bhanga."
    r = next(r for r in extract(text, gaz).resolved if r.mention.text == "Mahwa")
    assert r.place.kind == "city"


@pytest.mark.parametrize("text, name", [
    # an apostrophe inside a name (pinyin: "Xi'an", "Tai'an") keeps it one word; a possessive, a contraction
    # or a French elision does not
    ("Day 4: Pingyao – Xi'an overnight sleeper.", "Xi'an"),
    ("We took the night train to Xi'an and on to Chengdu.", "Xi'an"),
    ("The high-speed train stopped at Tai'an for two minutes.", "Tai'an"),
])
def test_a_name_with_an_apostrophe_inside_is_found(gaz, text, name):
    assert name in [r.mention.text for r in extract(text, gaz).resolved]


@pytest.mark.parametrize("text, name, where, country", [
    # a transliteration's apostrophe that a text leaves out: Zabaykal'sk (GeoNames) written "Zabaykalsk",
    # not Kultuk, which GeoNames also calls so
    ("The train crossed the border from Manzhouli to Zabaykalsk at dawn.", "Zabaykalsk", "Zabaykal’sk", "RU"),
    # a longer name known up to transliteration (Novyy Urgal) beats a shorter one known exactly ("Novy")
    ("From Tynda we took the train to Novy Urgal on the BAM.", "Novy Urgal", "Novyy Urgal", "RU"),
    # Spanish "de los" inside a name
    ("The train climbs from Salta to San Antonio de los Cobres.", "San Antonio de los Cobres",
     "San Antonio de los Cobres", "AR"),
    # Norwegian "i" inside a name
    ("The Nordland Line runs from Trondheim to Mo i Rana and on to Bodø.", "Mo i Rana", "Mo i Rana", "NO"),
    # a station of the trainline table named "Storlien station" is also "Storlien"
    ("We changed trains at Storlien on the way from Trondheim to Östersund.", "Storlien", "Storlien station", "SE"),
])
def test_spellings_articles_use_are_found(gaz, text, name, where, country):
    got = {r.mention.text: (r.place.name, r.place.country) for r in extract(text, gaz).resolved}
    assert got.get(name) == (where, country)


def test_a_possessive_and_an_elision_stay_apart(gaz):
    from mapgen.extract import tokenize

    words = [t.text for t in tokenize(Article(text="Rome's station is big. Qu'il parte à Lyon. L'an dernier."))]
    assert "Rome" in words and "Qu" in words and "L" in words


# --- a name the wording makes a state is that state throughout (GeoVirus round; sentences written here) ---

@pytest.mark.parametrize("text, names, admin1", [
    # a kind word around a gold span: "New York state", "the state of Washington", "the province of Ontario"
    ("The governor of New York state declared an emergency. Cases in New York rose again on Monday.",
     ["New York"], "NY"),
    ("Ranchers in the state of Washington found the sick cow. Officials in Washington ordered more tests.",
     ["Washington"], "WA"),
    # an office only a state has, right after the name
    ("New York Governor Kathy Hochul asked hospitals to prepare.", ["New York"], "NY"),
    # a list of states: a name in it is a state too, not a town of that name in another listed state
    ("Outbreaks were seen in Georgia, Oklahoma, Pennsylvania, Wisconsin and California this spring.",
     ["Oklahoma"], "OK"),
    ("Cases came from Ohio, Texas, Utah, Virginia, Washington, West Virginia and Wyoming.", ["Washington"], "WA"),
])
def test_the_wording_makes_a_name_a_state(gaz, text, names, admin1):
    got = placed(text, names, gaz)
    for n in names:
        assert got[n].place.kind == "region" and got[n].place.admin1 == admin1, got[n].place


def test_the_other_bare_mentions_of_a_state_so_named_are_the_state(gaz):
    text = ("Clinics in the province of Ontario are full. Mothers in Ontario may have to travel to Buffalo, "
            "New York for care.")
    art = Article(text=text, path="test")
    i = text.index("Ontario", text.index("Mothers"))
    j = text.index("New York")
    ex = extract(art, gaz, read=False, spans=[(i, i + len("Ontario")), (j, j + len("New York"))])
    (_, ontario), (_, new_york) = ex.spans
    assert (ontario.place.kind, ontario.place.country) == ("region", "CA"), ontario.place
    # "Buffalo, New York": the place after a town of its state is the state, not the city
    assert (new_york.place.kind, new_york.place.admin1) == ("region", "NY"), new_york.place


def test_a_town_s_own_state_after_a_comma_is_no_reading_of_the_other_town(gaz):
    # "Washington, Pennsylvania" is the town: the state after it holds it
    got = placed("Flooding hit Washington, Pennsylvania on Monday.", ["Washington"], gaz)["Washington"]
    assert (got.place.kind, got.place.admin1) == ("city", "PA"), got.place
    # and "Washington" alone is still the capital
    got = placed("The president flew from Washington to Ohio and Texas on Friday.", ["Washington"], gaz)["Washington"]
    assert got.place.admin1 == "DC", got.place


def test_regions_by_their_english_names_and_the_drc(gaz):
    text = ("Floods in West Java and Sindh displaced thousands, and the Democratic Republic of Congo reported "
            "new cases in Khyber Pakhtunkhwa's neighbour.")
    got = placed(text, ["West Java", "Sindh", "Democratic Republic of Congo"], gaz)
    assert (got["West Java"].place.kind, got["West Java"].place.country) == ("region", "ID")
    assert (got["Sindh"].place.kind, got["Sindh"].place.country) == ("region", "PK")
    assert got["Democratic Republic of Congo"].place.country == "CD"


def test_a_county_named_like_a_state_makes_no_state_of_the_bare_name(gaz):
    text = "Deputies in Washington County searched the river. The president returned to Washington on Friday."
    i = text.index("Washington", text.index("returned"))
    ex = extract(Article(text=text, path="test"), gaz, read=False, spans=[(i, i + len("Washington"))])
    assert ex.spans[0][1].place.admin1 == "DC", ex.spans[0][1].place
