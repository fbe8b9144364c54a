"""The language layer (mapgen/lang): cue data per language, the reader of what a sentence says about a place,
and the failure classes of issue 9, each with at least three differently worded sentences per language,
written for these tests. The sentences are handled by their structure (the verb that governs the place, its
negation, modality, tense, who travels), not by matching the examples: each class is tested on sentences
whose words differ from one another."""
from __future__ import annotations

import tomllib

import pytest

from mapgen import lang
from mapgen.extract import extract
from mapgen.gazetteer import Gazetteer, distance_km
from mapgen.journey import read_journey
from mapgen.lang.reader import reader


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.open()


def read(code: str, sentence: str, name: str, places=()):
    """The reading of the first `name` in `sentence` (`places`: the names extract would have found in it)."""
    rd = reader(code)
    parsed = rd.parse(sentence)
    parsed.mark_places([(sentence.index(p), sentence.index(p) + len(p)) for p in places])
    i = sentence.index(name)
    return rd.read(parsed, i, i + len(name))


def journey(gaz, text: str):
    return read_journey(extract(text, gaz), gaz)


def stops(gaz, text: str) -> list[str]:
    return [s.resolved.place.name for s in journey(gaz, text).stops if not s.via]


# --- the data -------------------------------------------------------------------------------------------

def test_every_language_has_the_same_kinds_of_cue():
    # one scorer reads every language: a kind missing in one would silently never fire there
    kinds = {code: set(lang.load(code).cues) for code in lang.codes()}
    assert set(kinds) >= {"en", "fr"}
    first = kinds["en"]
    for code, ks in kinds.items():
        assert ks == first, f"{code}: missing {sorted(first - ks)}, extra {sorted(ks - first)}"


def test_the_reader_holds_no_word_of_any_language():
    # the scorer's code names kinds of cue and its own roles, never a cue word: words live in
    # lang/<code>/cues.toml. Every string in reader.py that is also a cue word of some language must be one of
    # those identifiers (a cue table's name, a role, a traveller, a preposition kind).
    import ast
    from pathlib import Path

    from mapgen.lang import reader as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    words = {w for c in lang.codes() for cue in lang.load(c).cues.values() for w in cue.lemmas | cue.words}
    identifiers = {k for c in lang.codes() for k in lang.load(c).cues} | set(module.ROLES) | \
        set(module.TRAVELLERS) | set(module.PREPOSITIONS) | {mode for _, mode in module.MODES}
    assert literals & words <= identifiers, sorted((literals & words) - identifiers)
    # and the reader's own identifiers are used as such: every role it can give is scored by the journey
    from mapgen.journey import ROLE_SCORE

    assert set(module.ROLES) <= set(ROLE_SCORE)


def test_language_detection():
    assert lang.detect("Le train a quitté la gare de Lyon pour Marseille et il est arrivé à midi.") == "fr"
    assert lang.detect("The train left the station for Leeds and it reached York at noon.") == "en"


def test_model_is_checked_against_its_pinned_hash(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"weights")
    before = lang.model_digest(folder)
    (folder / "a.bin").write_bytes(b"weightz")
    assert lang.model_digest(folder) != before
    # the installed models are the pinned ones (the reader loads only after this check)
    for code in ("en", "fr"):
        data = lang.load(code)
        assert lang.model_digest(lang._model_dir(data)) == data.model["sha256"]


def test_a_broken_cue_file_is_one_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / "xx"
    bad.mkdir()
    (bad / "language.toml").write_text('code = "xx"\nname = "Test"\n[model]\npackage = "none"\n', encoding="utf-8")
    (bad / "cues.toml").write_text('[depart]\nlemma = ["go"]\n', encoding="utf-8")
    monkeypatch.setattr(lang, "LANG_DIR", tmp_path)
    lang.load.cache_clear()
    try:
        with pytest.raises(lang.LanguageError, match="unknown key 'lemma'"):
            lang.load("xx")
    finally:
        lang.load.cache_clear()


# --- the reader: roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, sentence, name, role", [
    ("en", "Kim's train left Pyongyang early on Wednesday.", "Pyongyang", "depart"),
    ("en", "The night train departed Singapore in the afternoon.", "Singapore", "depart"),
    ("en", "We boarded the night train at Kimberley.", "Kimberley", "depart"),
    ("en", "We boarded the Canadian in Winnipeg two hours late.", "Winnipeg", "depart"),
    ("en", "We boarded the train to Lyon after lunch.", "Lyon", "dest"),
    ("en", "We finally arrived in Irkutsk at four in the afternoon.", "Irkutsk", "arrive"),
    ("en", "The train stopped in Ulan Ude for half an hour.", "Ulan Ude", "stop"),
    ("en", "After dinner we continued south through Ninh Binh.", "Ninh Binh", "via"),
    ("en", "I am heading to Saigon next week by train.", "Saigon", "dest"),
    ("en", "The Canadian covers the 4,000 km between Vancouver and Toronto.", "Vancouver", "ends"),
    ("fr", "Kim a quitté Pyongyang dimanche à bord de son train privé.", "Pyongyang", "depart"),
    ("fr", "Le convoi est ensuite arrivé à Oulan-Bator jeudi.", "Oulan-Bator", "arrive"),
    ("fr", "Le train s'arrête à Valence et à Nîmes.", "Valence", "stop"),
    ("fr", "Le train a traversé Lausanne sans ralentir.", "Lausanne", "via"),
    ("fr", "Nous sommes partis en train vers Lisbonne.", "Lisbonne", "dest"),
    ("fr", "Le train de nuit circule entre Zurich et Rome depuis dimanche.", "Zurich", "ends"),
])
def test_role_of_a_place(code, sentence, name, role):
    assert read(code, sentence, name).role == role


@pytest.mark.parametrize("code, sentence, first, second", [
    ("fr", "Temps de trajet : Tomsk –> Iurga : 2h 34min.", "Tomsk", "Iurga"),
    # a heading's "greater than" is an arrow too: « Aller : Nantes > Bordeaux »
    ("fr", "Aller : sens Nantes > Bordeaux, 4 heures", "Nantes", "Bordeaux"),
    ("fr", "Jour 3 : Lyon > Turin en TGV", "Lyon", "Turin"),
    ("en", "Day two: Glasgow > Oban, three hours on the West Highland line", "Glasgow", "Oban"),
])
def test_an_arrow_between_two_places_is_a_leg(code, sentence, first, second):
    rd = read(code, sentence, second, (first, second))
    assert rd.role == "dest" and "after an arrow" in rd.cues
    assert "before an arrow" in read(code, sentence, first, (first, second)).cues


@pytest.mark.parametrize("text, name, place", [
    # a spelling the gazetteer knows only up to transliteration, said to be a place by the arrow after it
    ("Temps de trajet : Tomsk –> Iurga : 2h 34, puis de Iurga –> Irkoutsk : 29h.", "Irkoutsk", "Irkutsk"),
    ("Day 5, Iurga -> Novosibirsk, a short hop on a local train.", "Iurga", "Yurga"),
    ("Jour 3 : Sloudianka → Irkoutsk, le long du Baïkal.", "Sloudianka", "Slyudyanka"),
])
def test_a_name_before_an_arrow_is_read_as_a_place(gaz, text, name, place):
    found = {r.mention.text: r for r in extract(text, gaz).resolved}
    assert found[name].place.name == place
    assert {"before an arrow", "after an arrow"} & set(extract(text, gaz).reading(found[name].mention).cues)


@pytest.mark.parametrize("code, sentence, name", [
    # a page's breadcrumb or menu: an arrow with no place on its other side joins no leg
    ("en", "Home > News > Spokane", "Spokane"),
    ("en", "Travel > Europe > Ljubljana weekend guide", "Ljubljana"),
    ("fr", "Accueil > Régions > Rennes", "Rennes"),
    ("fr", "Rennes > Actualités > Sports", "Rennes"),
])
def test_an_arrow_from_a_word_that_is_no_place_is_no_leg(code, sentence, name):
    rd = read(code, sentence, name, (name,))
    assert not {"after an arrow", "before an arrow"} & set(rd.cues)


@pytest.mark.parametrize("code, sentence, first, second", [
    ("en", "At last we boarded the slow train Nairobi – Mombasa at the old station.", "Nairobi", "Mombasa"),
    ("en", "Tickets for the overnight service Kars — Ankara sell out within minutes.", "Kars", "Ankara"),
    ("fr", "Hier, nous avons enfin pris le train Dakar – Bamako à la gare centrale.", "Dakar", "Bamako"),
    ("fr", "Le billet du train de nuit Tanger — Marrakech coûte moins cher en semaine.", "Tanger", "Marrakech"),
])
def test_a_dash_between_two_places_is_a_leg(code, sentence, first, second):
    a, b = read(code, sentence, first, places=(first, second)), read(code, sentence, second, places=(first, second))
    assert "before a dash to a place" in a.cues and "after a dash from a place" in b.cues
    assert b.role == "dest"


@pytest.mark.parametrize("code, sentence, first, second", [
    # a hyphen with no space between two places: a route's name, whose ends are the journey's
    ("fr", "Le Paris-Nice est reparti hier soir avec deux cents voyageurs à bord.", "Paris", "Nice"),
    ("fr", "Nous avons pris le Paris-Briançon un vendredi soir de février.", "Paris", "Briançon"),
    ("fr", "Le Dakar-Bamako est arrivé hier avec six heures de retard.", "Dakar", "Bamako"),
    ("en", "We boarded the Moscow-Beijing express on a grey Tuesday morning.", "Moscow", "Beijing"),
    ("en", "The Vienna-Venice Nightjet left on time and rolled south through the night.", "Vienna", "Venice"),
    ("en", "We left on the Berlin-Warsaw express early on Sunday.", "Berlin", "Warsaw"),
])
def test_a_route_name_is_a_leg(gaz, code, sentence, first, second):
    a, b = read(code, sentence, first, places=(first, second)), read(code, sentence, second, places=(first, second))
    assert "before a hyphen to a place" in a.cues and "after a hyphen from a place" in b.cues
    assert (a.role, b.role) == ("depart", "dest")
    assert not (a.unreal or a.uncertain or b.unreal or b.uncertain or a.actor or b.actor)
    assert stops(gaz, sentence) == [first, second]


@pytest.mark.parametrize("code, sentence, name", [
    # a modal on the verb the governing one completes: "you'd need to make the hop to X" (not travelled)
    ("en", "Without the railway you'd need to make the long drive from Darwin to Katherine.", "Katherine"),
    ("en", "In winter we could try to reach Lhasa, but the pass is often closed.", "Lhasa"),
    ("fr", "Sans ce train, il faudrait pouvoir continuer jusqu'à Rabat en car.", "Rabat"),
])
def test_a_modal_on_the_verb_above_is_read(code, sentence, name):
    rd = read(code, sentence, name, places=(name,))
    assert rd.modal and (rd.uncertain or rd.traveller == "self")  # "we could" may be "we were able to"


@pytest.mark.parametrize("code, sentence, name", [
    # what the traveller would have done ("would have", "could've", a modal before "have" and a participle)
    # did not happen; a place in a clause opened by "if" / « si » is a condition, not a fact
    ("en", "We would have stopped in Kiruna if we had managed to get a ticket.", "Kiruna"),
    ("en", "We would have gone on to Belgrade, but the line was closed.", "Belgrade"),
    ("en", "We could've changed at Crewe for Chester had the connection run.", "Crewe"),
    ("en", "If the border had been open, the train would have continued to Odessa.", "Odessa"),
    ("en", "We would have stopped in Lund if we had managed to get a ticket in Malmo.", "Malmo"),
    ("en", "If we missed the connection in Bologna, we planned to stay the night.", "Bologna"),
    ("fr", "Si nous avions trouvé un billet à Kiruna, nous serions restés.", "Kiruna"),
    ("fr", "S'il reste des places pour Avignon, nous descendrons là-bas.", "Avignon"),
    ("fr", "Si le train s'arrête à Nîmes, nous descendrons.", "Nîmes"),
])
def test_a_condition_or_what_would_have_been_is_no_fact(code, sentence, name):
    rd = read(code, sentence, name, places=(name,))
    assert rd.unreal or rd.uncertain


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "We left Leeds at nine and reached Carlisle at noon, as if nothing had happened.", "Carlisle"),
    ("en", "We must have passed through Preston while I slept.", "Preston"),
    ("fr", "Nous avons quitté Lyon et sommes arrivés à Grenoble, si bien que la journée fut longue.", "Grenoble"),
])
def test_a_fact_stays_a_fact(code, sentence, name):
    rd = read(code, sentence, name, places=(name,))
    assert not (rd.unreal or rd.uncertain)


@pytest.mark.parametrize("code, sentence, name, described", [
    # a line built, electrified or to be built from X to Y is the network, not this journey (whoever builds it)
    ("en", "Uganda hired a Turkish firm to build its own stretch from Malaba to Kampala.", "Kampala", True),
    ("en", "The state will construct a new line from Nairobi to Kisumu by 2030.", "Kisumu", True),
    ("en", "The British electrified the railway from Glasgow to Edinburgh in the 1980s.", "Edinburgh", True),
    ("fr", "Le pays veut construire une ligne de Bamako à Dakar.", "Dakar", True),
    ("fr", "Les Chinois ont construit le tronçon de Djibouti à Dire Dawa.", "Dire Dawa", True),
    ("fr", "L'État a électrifié la ligne de Grenoble à Gap en 2030.", "Gap", True),
    # so is "there is" / « il y a » a line or a train from X to Y, in the present
    ("en", "There's the Cambrian Line from Shrewsbury to Aberystwyth, and there's the Heart of Wales line.",
     "Aberystwyth", True),
    ("en", "There is a train from Vienna to Graz every two hours.", "Graz", True),
    ("en", "There's a sleeper service from Paris to Nice in summer.", "Nice", True),
    ("fr", "Il y a la ligne de Marseille à Vintimille, le long de la côte.", "Vintimille", True),
    ("fr", "Il existe un train de nuit de Paris à Briançon.", "Briançon", True),
    ("fr", "Il y a aussi le train des Pignes de Nice à Digne.", "Digne", True),
    # the journey told
    ("en", "We rode the new line from Malaba to Kampala.", "Kampala", False),
    ("en", "There was a long wait before our train to Graz finally left.", "Graz", False),
    ("fr", "Nous avons pris le train de Marseille à Vintimille.", "Vintimille", False),
])
def test_a_line_built_or_that_there_is_is_described_not_travelled(code, sentence, name, described):
    assert read(code, sentence, name, places=(name,)).extension is described


@pytest.mark.parametrize("text, town", [
    # "the X station", "the town of X": the article names the kind, no other thing called X is meant
    ("Our train left Campeche at dawn and we finally arrived at the Cancún station after dark.", "Cancún"),
    ("We left Darwin on Wednesday and the train stopped at the town of Katherine for four hours.", "Katherine"),
    ("Le train a quitté Lyon à midi et il est arrivé à la gare de Chambéry le soir.", "Chambéry"),
    # names joined by lower-case words of other languages: "es", "el"
    ("The train from Dar es Salaam reached Mbeya at noon the next day.", "Dar es Salaam"),
    ("Nous avons quitté Dar es Salaam à l'aube et sommes arrivés à Mbeya le lendemain.", "Dar es Salaam"),
    ("The train from Tangier stopped at Ksar el Kebir before reaching Rabat.", "Ksar El Kebir"),
])
def test_a_town_named_with_its_kind_or_a_particle_is_a_stop(gaz, text, town):
    assert town in stops(gaz, text)


@pytest.mark.parametrize("text, before", [
    # a flashback to an earlier trip, dated, before the journey told
    ("Back in the 1990s, I took the night train from Atlanta to Washington. This spring my wife and I boarded "
     "the sleeper in Vienna and arrived in Venice the next morning.", {"Atlanta", "Washington"}),
    ("Years ago we rode the train from Inverness to Wick. Last week we left Edinburgh by train and reached "
     "Aberdeen at noon.", {"Inverness", "Wick"}),
    ("Une autre fois, j'ai pris le train de Lille à Bruxelles. Cette fois, nous avons quitté Paris à midi et "
     "sommes arrivés à Lyon le soir.", {"Lille", "Brussels"}),
])
def test_an_earlier_trip_told_in_passing_is_no_stop(gaz, text, before):
    found = stops(gaz, text)
    assert len(found) == 2 and not before & set(found), found


@pytest.mark.parametrize("code, sentence, name", [
    # the journey is the subject of a verb that says what it was like: its negation or modality is not about
    # whether it was made
    ("en", "The train ride from Los Mochis through the canyon can be described as a feast.", "Los Mochis"),
    ("en", "The journey to Lhasa isn't cheap, but the views are worth every yuan.", "Lhasa"),
    ("fr", "Le voyage jusqu'à Brest ne coûte pas cher.", "Brest"),
    ("fr", "Le trajet vers Irkoutsk pourrait être décrit comme une fête.", "Irkoutsk"),
])
def test_what_is_said_of_the_journey_does_not_make_it_unreal(code, sentence, name):
    rd = read(code, sentence, name, places=(name,))
    assert rd.role in ("depart", "dest") and not (rd.negated or rd.modal or rd.unreal or rd.uncertain)


@pytest.mark.parametrize("code, sentence, name, role", [
    # typeset texts write the apostrophe curly; it reads as the straight one the models learnt
    ("fr", "À Moscou, le Baïkal, train Transsibérien à destination d’Irkoutsk, vient se ranger le long du quai.",
     "Irkoutsk", "dest"),
    ("fr", "Nous sommes partis d’Avignon à l’aube.", "Avignon", "depart"),
    ("en", "We didn’t stop in Graz; the train ran on to Vienna.", "Graz", "stop"),
])
def test_a_curly_apostrophe_reads_as_a_straight_one(code, sentence, name, role):
    curly = read(code, sentence, name, places=(name,))
    straight = read(code, sentence.replace("\u2019", "'"), name, places=(name,))
    assert curly.role == straight.role == role and curly.negated == straight.negated


def test_a_route_name_under_a_negated_verb_that_is_not_the_journey_s():
    # "the slowness of the Dakar-Bamako does not put traders off": the negation is not about the journey
    sentence = "La lenteur du train Dakar-Bamako ne décourage pas les commerçants."
    for name in ("Dakar", "Bamako"):
        rd = read("fr", sentence, name, places=("Dakar", "Bamako"))
        assert not rd.negated and not rd.unreal and rd.role == "none"


@pytest.mark.parametrize("code, text, other", [
    # a route named with no journey told, or told of another time, is no leg of this journey
    ("fr", "Nous sommes partis de Lyon à l'aube et sommes arrivés à Marseille à midi. L'État va rénover les "
     "voitures des lignes Paris-Brest et Paris-Rodez.", "Rodez"),
    ("fr", "Le train a quitté Lyon à l'aube et il est arrivé à Marseille à midi. Une autre fois, j'ai pris un "
     "Paris-Berlin en couchette.", "Berlin"),
    ("en", "Our train left York at dawn and we arrived in Edinburgh at noon. Another time we took the "
     "Paris-Munich night train.", "Munich"),
    ("en", "We left Munich at nine and arrived in Salzburg at eleven. The operator is upgrading the Vienna-Graz "
     "and Vienna-Linz lines.", "Graz"),
])
def test_a_route_of_another_service_or_time_is_no_stop(gaz, code, text, other):
    found = stops(gaz, text)
    assert len(found) == 2 and gaz.geocode(other).place.name not in found


@pytest.mark.parametrize("text, word", [
    # a capitalised word opening a sentence that the parse reads as a verb, a noun or an adjective
    ("Avez-vous déjà dormi dans un train ? Nous avons quitté Paris à 21 heures et sommes arrivés à Nice à "
     "l'aube.", "Avez"),
    ("Nous avons quitté Moscou le soir et sommes arrivés à Kazan le lendemain. Avons-nous bien dormi ? Pas "
     "vraiment.", "Avons"),
    ("Ancien cheminot, notre voisin de couchette connaissait la ligne. Le train a quitté Lyon à midi et il "
     "est arrivé à Turin le soir.", "Ancien"),
])
def test_a_common_word_opening_a_sentence_is_no_stop(gaz, text, word):
    ex = extract(text, gaz)
    found = [s.resolved.mention.text for s in read_journey(ex, gaz).stops]
    assert word not in found and len(found) == 2


@pytest.mark.parametrize("code, sentence, name", [
    # a dash that joins no second place, or a hyphen inside a name, is no leg
    ("en", "We reached Mombasa – tired, hungry and happy – late in the evening.", "Mombasa"),
    ("fr", "Nous sommes arrivés à Bamako – enfin ! – vers minuit.", "Bamako"),
])
def test_a_dash_after_a_place_alone_is_no_leg(code, sentence, name):
    assert not any("dash" in c for c in read(code, sentence, name, places=(name,)).cues)


@pytest.mark.parametrize("code, sentence, name, role", [
    # the place is what the motion verb is done to, in the passive: the verb's role, not an actor
    ("en", "After a long night, Mandalay was finally reached a little before dawn.", "Mandalay", "arrive"),
    ("en", "Jodhpur is left behind at sunrise as the express picks up speed.", "Jodhpur", "depart"),
    ("en", "Halfway through the trip, Tver was served by our train for only two minutes.", "Tver", "stop"),
    ("fr", "Au petit matin, Bamako est enfin quittée par le convoi.", "Bamako", "depart"),
    ("fr", "Vers midi, Kayes est desservie par le train.", "Kayes", "stop"),
])
def test_a_place_the_passive_verb_reaches_takes_the_verbs_role(code, sentence, name, role):
    rd = read(code, sentence, name)
    assert rd.role == role and not rd.actor


@pytest.mark.parametrize("code, sentence, name, compared", [
    # what is compared comes after "than"/"que"; a place before the comparison is not in it
    ("en", "The train that links Dakar and Bamako is more than a means of transport.", "Bamako", False),
    ("en", "This ride is slower than the three hours between Turin and Milan.", "Milan", True),
    ("fr", "Le train qui relie Dakar et Bamako est bien plus qu'un moyen de transport.", "Bamako", False),
    ("fr", "Ce trajet est plus long que les trois heures entre Turin et Milan.", "Milan", True),
])
def test_only_what_follows_a_comparison_is_compared(code, sentence, name, compared):
    assert read(code, sentence, name).compared is compared


@pytest.mark.parametrize("code, sentence, name", [
    # a sentence whose root is an adverb or a preposition: reading it must end (it once looped for ever)
    ("en", "Back to Lyon.", "Lyon"),
    ("en", "Onwards to Addis Ababa!", "Addis Ababa"),
    ("fr", "En route vers Dakar !", "Dakar"),
])
def test_a_sentence_without_a_verb_is_read(code, sentence, name):
    assert read(code, sentence, name).role in ("dest", "none", "at", "via")


# --- failure class: pieces of other names taken for towns -------------------------------------------------

@pytest.mark.parametrize("text, bad", [
    # a leader's father's name holding a town's name
    ("The prime minister, whose father Harold Lincoln founded the party, left London by train and reached "
     "York in the evening.", "Lincoln"),
    # a church named after a saint, a river named after a town, an island
    ("Our train left Vladivostok at dawn, ran past Russky Island and stopped at Ussuriysk before reaching "
     "Khabarovsk.", "Iceland"),
    ("The train crossed the Tumen River at dawn, left Tumangang and stopped at Khasan before reaching "
     "Ussuriysk.", "Tumen"),
    # a region of the world, not a stop
    ("The envoy, who covers the Near East, travelled by train from Cairo to Alexandria on Monday.", "Middle East"),
])
def test_pieces_of_other_names_are_no_stops_en(gaz, text, bad):
    assert bad not in stops(gaz, text)


@pytest.mark.parametrize("text, bad", [
    ("Le président, fils de Georges Nancy, a quitté Paris en train pour Strasbourg, où il est arrivé le soir.",
     "Nancy"),
    ("Le train a quitté Vladivostok à l'aube, a longé l'île Rousski et s'est arrêté à Oussouriisk avant "
     "d'arriver à Khabarovsk.", "Iceland"),
    ("Le train a franchi le fleuve Amour, puis s'est arrêté à Birobidjan avant d'arriver à Khabarovsk.",
     "Amur"),
    ("L'émissaire, chargé du Proche-Orient, est parti en train du Caire pour Alexandrie lundi.", "Middle East"),
])
def test_pieces_of_other_names_are_no_stops_fr(gaz, text, bad):
    found = stops(gaz, text)
    assert bad not in found and len(found) >= 2


# --- failure class: counterfactual, negated, hypothetical -------------------------------------------------

@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Many had expected him in Odessa, but the train never went south.", "Odessa"),
    ("en", "There were rumours that the convoy would pass through Lyon and Dijon.", "Lyon"),
    ("en", "The train did not stop in Graz this time.", "Graz"),
    ("en", "Instead of heading north to Kaikoura, I took the train west.", "Kaikoura"),
    ("en", "You can continue to Rabat or Fez if you wish.", "Rabat"),
    ("fr", "Beaucoup l'attendaient à Odessa, mais le train n'est jamais allé vers le sud.", "Odessa"),
    ("fr", "Selon des rumeurs, le convoi passerait par Lyon et Dijon.", "Lyon"),
    ("fr", "Le train ne s'est pas arrêté à Graz cette fois.", "Graz"),
    ("fr", "Au lieu de monter vers Kaikoura, j'ai pris le train vers l'ouest.", "Kaikoura"),
    ("fr", "Vous pouvez continuer jusqu'à Rabat ou Fès si vous le souhaitez.", "Rabat"),
])
def test_negated_or_hypothetical_places_are_read_as_such(code, sentence, name):
    rd = read(code, sentence, name)
    assert rd.unreal or rd.uncertain, rd.cues


@pytest.mark.parametrize("text, bad", [
    ("The train left Vienna at noon and reached Salzburg at night. Many had expected it to go on to Munich, "
     "but it never left Austria.", "Munich"),
    ("Our train left Paris at dawn and arrived in Lyon at noon. It did not stop in Dijon.", "Dijon"),
    ("The convoy left Pyongyang on Sunday and reached Khasan on Tuesday. Rumours said it would go on to "
     "Moscow.", "Moscow"),
    ("Le train a quitté Vienne à midi et il est arrivé à Salzbourg le soir. Beaucoup l'attendaient à Munich, "
     "mais il n'a jamais quitté l'Autriche.", "Munich"),
    ("Notre train a quitté Paris à l'aube et il est arrivé à Lyon à midi. Il ne s'est pas arrêté à Dijon.",
     "Dijon"),
    ("Le convoi a quitté Pyongyang dimanche et il est arrivé à Khasan mardi. Selon des rumeurs, il "
     "pourrait continuer vers Moscou.", "Moscow"),
])
def test_negated_or_hypothetical_places_are_not_proposed(gaz, text, bad):
    found = stops(gaz, text)
    assert bad not in found and len(found) >= 2


# --- failure class: earlier or later trips, continuations not travelled -----------------------------------

@pytest.mark.parametrize("code, sentence, name", [
    ("en", "After a week in Madrid on an earlier visit, we flew to Seville.", "Madrid"),
    ("en", "In a previous life these carriages ran to Istanbul.", "Istanbul"),
    ("en", "Next year the service will be extended to Prague.", "Prague"),
    ("en", "Beyond the border the line continues another 800 km to Murmansk.", "Murmansk"),
    ("fr", "Lors d'un précédent voyage, nous avions passé une semaine à Madrid.", "Madrid"),
    ("fr", "Autrefois, ces voitures allaient jusqu'à Istanbul.", "Istanbul"),
    ("fr", "L'an prochain, le service sera prolongé jusqu'à Prague.", "Prague"),
    ("fr", "Au-delà de la frontière, la ligne se prolonge jusqu'à Mourmansk.", "Mourmansk"),
])
def test_other_trips_and_lines_are_read_as_such(code, sentence, name):
    rd = read(code, sentence, name)
    assert rd.unreal or rd.uncertain, rd.cues


# --- failure class: destination wording ---------------------------------------------------------------

@pytest.mark.parametrize("text, first, last", [
    ("Jasper to Prince Rupert\n\nThe Skeena left the station at eight. After a halt at Smithers, it pulled in "
     "late at night.", "Jasper", "Prince Rupert"),
    ("Our trip to Lisbon began in Madrid. The night train left Madrid at ten and stopped in Salamanca.",
     "Madrid", "Lisbon"),
    ("We boarded at Vienna. Destination: Budapest! The train stopped in Győr on the way.", "Vienna", "Budapest"),
    ("De Jasper à Prince Rupert\n\nLe train a quitté la gare à huit heures et, après une halte à Smithers, il "
     "est arrivé tard dans la nuit.", "Jasper", "Prince Rupert"),
    ("Notre voyage vers Lisbonne a commencé à Madrid. Le train de nuit a quitté Madrid à 22 heures et s'est "
     "arrêté à Salamanque.", "Madrid", "Lisbon"),
    ("Nous sommes montés à bord à Vienne. Destination : Budapest ! Le train s'est arrêté à Győr en route.",
     "Vienna", "Budapest"),
])
def test_destination_wording(gaz, text, first, last):
    found = stops(gaz, text)
    assert found[0] == first and found[-1] == last, found


# --- failure class: modes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, place, mode", [
    ("The train from Bangkok reached Nong Khai at dawn, and we drove the last stretch to Vientiane.",
     "Vientiane", "road"),
    ("The president flew from Washington to Rzeszów, then his motorcade drove on to Przemyśl, where he "
     "boarded a train to Kyiv.", "Przemyśl", "road"),
    ("I took the train from Xining to Golmud and then took the bus down to Lhasa.", "Lhasa", "road"),
    ("Le train de Bangkok est arrivé à Nong Khai à l'aube, et nous avons fait le dernier tronçon en voiture "
     "jusqu'à Vientiane.", "Vientiane", "road"),
    ("Le président s'est envolé de Washington pour Rzeszów, puis son cortège a rejoint Przemyśl, où il a pris "
     "un train pour Kiev.", "Przemyśl", "road"),
    ("J'ai pris le train de Xining à Golmud, puis le bus jusqu'à Lhassa.", "Lhasa", "road"),
])
def test_legs_not_by_rail(gaz, text, place, mode):
    got = {s.resolved.place.name: s.mode for s in journey(gaz, text).stops}
    assert got.get(place) == mode, got


# --- failure class: weak but real stops -------------------------------------------------------------------

@pytest.mark.parametrize("text, weak", [
    ("The train left Moscow at noon and, after a halt at Tver, reached Saint Petersburg at night.", "Tver"),
    ("Our train left Milan in the morning and, with a short stop in Bologna, arrived in Florence by lunch.",
     "Bologna"),
    ("We left Paris at eight; the train called at Dijon and reached Lyon at eleven.", "Dijon"),
    ("Le train a quitté Moscou à midi et, après une halte à Tver, a atteint Saint-Pétersbourg dans la nuit.",
     "Tver"),
    ("Notre train a quitté Milan le matin et, après un court arrêt à Bologne, est arrivé à Florence.",
     "Bologna"),
    ("Nous avons quitté Paris à huit heures ; le train a desservi Dijon avant d'arriver à Lyon.", "Dijon"),
])
def test_weak_but_real_stops(gaz, text, weak):
    found = stops(gaz, text)
    assert weak in found and found.index(weak) == 1, found


# --- failure class: transit through a country the article names as crossed -------------------------------

@pytest.mark.parametrize("text, first, second", [
    # one end clearly cued, the other only named: a journey has two stops, the second with a note saying so
    ("We left Dakar on Tuesday with two heavy bags. Everyone we met talked about Bamako.", "Dakar", "Bamako"),
    ("Nous avons quitté Dakar mardi matin avec deux gros sacs. Tout le monde parlait de Bamako.", "Dakar", "Bamako"),
])
def test_a_journey_has_two_stops_even_when_one_is_only_named(gaz, text, first, second):
    j = journey(gaz, text)
    got = [s.resolved.place.name for s in j.stops if not s.via]
    assert got == [first, second]
    assert any("two stops" in note for note in j.stops[-1].notes)


@pytest.mark.parametrize("text, bad", [
    ("We left Dakar on Tuesday with two heavy bags. Sadly the train never went on to Bamako.", "Bamako"),
    ("Nous avons quitté Dakar mardi matin. Le train n'est jamais allé jusqu'à Bamako.", "Bamako"),
])
def test_a_place_the_journey_did_not_go_to_does_not_make_up_the_second_stop(gaz, text, bad):
    assert bad not in stops(gaz, text)


@pytest.mark.parametrize("text, code", [
    ("The night train left Munich at eight, crossed Austria during the night and reached Venice at dawn.", "AT"),
    ("From Prague the train ran across Slovakia and arrived in Budapest in the evening.", "SK"),
    ("Le train de nuit a quitté Munich à 20 heures, a traversé l'Autriche pendant la nuit et il est arrivé à "
     "Venise à l'aube.", "AT"),
    ("De Prague, le train a traversé la Slovaquie et il est arrivé à Budapest le soir.", "SK"),
])
def test_transit_is_written_from_the_article(gaz, text, code):
    j = journey(gaz, text)
    assert code in [c.country for c in j.transit]
    assert not any(s.via for s in j.stops)  # no via point needed: the story lets legs through it


def test_transit_lets_the_build_through_a_crossed_country(tmp_path):
    from click.testing import CliRunner

    from mapgen.cli import cli

    art = tmp_path / "a.txt"
    art.write_text("The night train left Munich at eight, crossed Austria during the night and reached Venice "
                   "at dawn.", encoding="utf-8")
    r = CliRunner().invoke(cli, ["new", "nj", "--article", str(art), "--stories", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    doc = tomllib.loads((tmp_path / "s" / "nj" / "story.toml").read_text(encoding="utf-8"))
    assert doc["transit"] == [{"country": "AT", "quote": doc["transit"][0]["quote"]}]
    assert "crossed Austria" in doc["transit"][0]["quote"]
    r = CliRunner().invoke(cli, ["build", str(tmp_path / "s" / "nj"), "--out", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    import json

    geo = json.loads((tmp_path / "m" / "nj.geojson").read_text(encoding="utf-8"))
    legs = [f["properties"] for f in geo["features"] if f["properties"]["kind"] == "leg"]
    assert {c for leg in legs for c in leg["countries"]} == {"DE", "AT", "IT"}
    assert 450 < sum(leg["km"] for leg in legs) < 700


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The plan was to ride the night train from Kandy to Badulla.", "Badulla"),
    ("en", "Our hope was that the convoy would get as far as Lviv before dark.", "Lviv"),
    ("en", "The idea had been to continue to Seville the next morning.", "Seville"),
    ("fr", "L'idée était de rejoindre Tchita en deux jours.", "Tchita"),
    ("fr", "Notre projet était de descendre du train à Mâcon.", "Mâcon"),
    ("fr", "Le rêve, c'était de pousser jusqu'à Vladivostok.", "Vladivostok"),
    # ready to go is not gone: the trip was only set up (and here changed)
    ("en", "I found myself in the old centre, all set for a trip to Campeche.", "Campeche"),
    ("en", "We were getting ready for the long run to Oban when the news came.", "Oban"),
    ("en", "By seven the whole family was all set to leave for Kraków.", "Kraków"),
    ("fr", "Nous étions fin prêts pour un voyage à Lyon.", "Lyon"),
    ("fr", "Toute la famille était prête à partir pour Cracovie.", "Cracovie"),
    ("fr", "Nous nous préparions à partir pour Oban quand la grève a éclaté.", "Oban"),
])
def test_a_plan_as_the_subject_or_being_ready_to_go_makes_the_place_planned(code, sentence, name):
    rd = read(code, sentence, name)
    assert rd.hypothetical and rd.uncertain, rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The train leaves Lyon and we are all set for the day.", "Lyon"),
    ("fr", "Le train quitte Lyon et nous sommes prêts à tout.", "Lyon"),
])
def test_being_ready_for_something_else_plans_no_trip(code, sentence, name):
    assert not read(code, sentence, name).uncertain


@pytest.mark.parametrize("code, sentence, name, role", [
    ("en", "We rode the old train up to a quaint town called Badulla.", "Badulla", "dest"),
    ("en", "At dusk we got off at a tiny village named Haputale.", "Haputale", "arrive"),
    ("en", "After two days the train reached a hamlet known as Ohakune.", "Ohakune", "arrive"),
    ("fr", "Nous avons pris le train vers une petite ville appelée Badulla.", "Badulla", "dest"),
    ("fr", "Le train s'arrête dans un village nommé Haputale.", "Haputale", "stop"),
    ("fr", "Le convoi est arrivé dans une bourgade baptisée Ohakune.", "Ohakune", "arrive"),
])
def test_a_town_called_x_takes_the_role_of_the_town(code, sentence, name, role):
    # the naming verb ("called", "nommé") is no call at a station: the place is the noun it names
    assert read(code, sentence, name).role == role


@pytest.mark.parametrize("code, sentence, name, role", [
    ("fr", "Une nuit courte. Départ Paris 22h52, arrivée Toulouse 6h45.", "Paris", "depart"),
    ("fr", "Une nuit courte. Départ Paris 22h52, arrivée Toulouse 6h45.", "Toulouse", "arrive"),
    ("fr", "Le lendemain, départ Lyon à 7h12 et arrivée Marseille à 9h.", "Lyon", "depart"),
    ("en", "Day two: departure Bangkok 8:05, arrival Butterworth 6:40 the next morning.", "Bangkok", "depart"),
    ("en", "Day two: departure Bangkok 8:05, arrival Butterworth 6:40 the next morning.", "Butterworth", "arrive"),
    ("en", "Second leg. Departure Chengdu at noon; arrival Kunming at midnight.", "Kunming", "arrive"),
])
def test_a_timetable_line_tells_departure_and_arrival(code, sentence, name, role):
    assert read(code, sentence, name).role == role


@pytest.mark.parametrize("text, town", [
    ("We boarded the train in Colombo. So we got out at the end of the line, in the hills - Nuwara Eliya.",
     "Nuwara Eliya"),
    ("The train left Dar es Salaam on Tuesday and two days later it reached Mbeya.", "Mbeya"),
    ("Le train a quitté Dar es Salaam mardi et il est arrivé à Mbeya deux jours plus tard.", "Mbeya"),
])
def test_a_region_the_journey_goes_to_is_its_town_of_the_same_name(gaz, text, town):
    got = [s.resolved.place for s in journey(gaz, text).stops if not s.via]
    assert town in [p.name for p in got]
    assert all(p.kind == "city" for p in got if p.name == town)


def test_a_region_is_not_a_namesake_town_far_outside_it(gaz):
    # the state of Oregon is not Oregon, Wisconsin (a town of the name 2,500 km away)
    from mapgen.journey import _as_town
    from mapgen.lang.reader import Reading

    ex = extract("Our train crossed Oregon on its way north.", gaz)
    r = next(r for r in ex.resolved if r.mention.text == "Oregon")
    assert r.place.kind == "region"
    assert _as_town(r, Reading(role="via")).place.kind == "region"


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "I thought I would be getting a train to Suzdal via Vladimir, but there were none.", "Vladimir"),
    ("en", "We believed the convoy would stop at Lviv, yet it went straight on.", "Lviv"),
    ("en", "She assumed the sleeper would call at Crewe before dawn.", "Crewe"),
    ("fr", "Je croyais que le train passerait par Vladimir, mais il n'y en avait pas.", "Vladimir"),
    ("fr", "Nous pensions que le convoi s'arrêterait à Lviv.", "Lviv"),
    ("fr", "Il imaginait qu'on descendrait à Mâcon pour la nuit.", "Mâcon"),
])
def test_what_someone_thought_would_happen_is_expected_not_told(code, sentence, name):
    rd = read(code, sentence, name)
    assert rd.hypothetical, rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "I think we reached Omsk at noon.", "Omsk"),
    ("en", "We believe the train stopped at Tver for ten minutes.", "Tver"),
    ("fr", "Je crois que nous sommes arrivés à Omsk vers midi.", "Omsk"),
])
def test_a_belief_about_what_happened_is_no_plan(code, sentence, name):
    # only with a conditional or future below it does a verb of belief make an expectation
    assert not read(code, sentence, name).hypothetical


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The Rossiya is the train from Moscow to Vladivostok.", "Vladivostok"),
    ("en", "The Trans-Mongolian Express is in fact train line 004 (from Moscow to Beijing).", "Beijing"),
    ("en", "The Blue Train is a luxury service between Pretoria and Cape Town.", "Cape Town"),
    ("fr", "Le Transsibérien est le train 002 (de Moscou à Vladivostok).", "Vladivostok"),
    ("fr", "L'Occitan est le train de nuit entre Paris et Toulouse.", "Toulouse"),
    ("fr", "Le Glacier Express est un train panoramique de Zermatt à Saint-Moritz.", "Zermatt"),
    # what a train or line joins, told in a relative clause in the present
    ("en", "We took the Canadian, which links Toronto to Vancouver, in the winter.", "Toronto"),
    ("en", "The Ghan, which runs from Adelaide to Darwin, is a legend.", "Darwin"),
    ("en", "I remember the old sleeper that connects Inverness with London.", "Inverness"),
    ("fr", "Le Canadian, qui relie Toronto à Vancouver, est un train mythique.", "Vancouver"),
    ("fr", "J'avais déjà pris le Transsibérien, qui relie Moscou à Vladivostok.", "Vladivostok"),
    ("fr", "Le Thalys, qui circule entre Paris et Bruxelles, sera remplacé.", "Bruxelles"),
])
def test_a_service_described_in_the_present_is_no_journey(code, sentence, name):
    rd = read(code, sentence, name)
    assert rd.extension and rd.unreal, rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    # where a thing was made is where it comes from, not a place the journey went
    ("en", "We boarded a carriage built in Derby in 1977.", "Derby"),
    ("en", "Our carriage is said to have been made at Dunedin's Hillside railway workshop.", "Dunedin"),
    ("en", "Our coaches were assembled at Crewe before the war.", "Crewe"),
    ("fr", "Les voitures, fabriquées à Dunedin, sont confortables.", "Dunedin"),
    ("fr", "La locomotive construite à Belfort nous a menés à Lyon.", "Belfort"),
    ("fr", "Ces rames ont été assemblées à Reichshoffen.", "Reichshoffen"),
])
def test_where_a_carriage_was_made_is_no_stop(code, sentence, name):
    assert read(code, sentence, name).role == "origin"


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Passengers are assembling on platform 4 of Brussels Midi before the sleeper leaves.", "Brussels"),
    ("fr", "Les voyageurs se rassemblent sur le quai de Bruxelles-Midi avant le départ.", "Bruxelles-Midi"),
])
def test_people_gathering_somewhere_made_nothing_there(code, sentence, name):
    assert read(code, sentence, name).role != "origin"


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The train that took us to Dijon left late.", "Dijon"),  # the past: told
    ("en", "It is a long day on the train that goes to Oban.", "Oban"),  # going is no description of a service
    ("fr", "Nous avons pris le train qui nous emmène à Halifax.", "Halifax"),
    ("fr", "Le train qui nous relie à Lyon part à midi.", "Lyon"),  # us: the traveller's own
    # what is joined is the legs of a trip, not the place: "a bus to Voss" is travelled
    ("en", "The pass is a package that connects a train from Oslo, a boat to Gudvangen and a bus to Voss.", "Voss"),
])
def test_a_relative_clause_of_the_traveller_s_own_train_is_no_description(code, sentence, name):
    assert not read(code, sentence, name).extension


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Our train is the 004 from Moscow to Beijing.", "Beijing"),    # the traveller's own train
    ("en", "It's a two-hour journey to Folkestone, where we board a coach.", "Folkestone"),
    ("en", "The Rossiya was the train we took from Moscow to Vladivostok.", "Vladivostok"),  # told, not described
    ("fr", "Notre train est le 004 de Moscou à Pékin.", "Pékin"),
    ("fr", "Le trajet est un voyage de deux heures jusqu'à Folkestone.", "Folkestone"),
])
def test_the_traveller_s_own_train_or_journey_is_not_a_description(code, sentence, name):
    assert not read(code, sentence, name).extension


@pytest.mark.parametrize("text, first, last", [
    ("Une semaine plus tôt, nous avons pris le train à destination de Ngaoundéré. Il était 16 heures quand nous "
     "sommes arrivés à la gare de Yaoundé.", "Yaoundé", "Ngaoundéré"),
    ("Ce matin-là, direction Pointe-Noire : le train à destination de Pointe-Noire partait de la gare de "
     "Brazzaville à 8 heures.", "Brazzaville", "Pointe-Noire"),
    ("Zurich-Amsterdam retour, billets réservés en février. Après une journée au zoo de Zurich, nous sommes "
     "montés dans le train.", "Zürich", "Amsterdam"),
])
def test_a_destination_named_first_is_still_the_end(gaz, text, first, last):
    got = stops(gaz, text)
    assert got[0] == first and got[-1] == last, got


@pytest.mark.parametrize("code, text, name", [
    ("fr", "Là-bas, nous avons pris le train de Lyon à Marseille.", "Bas-en-Basset"),
    ("fr", "Le train de Lyon est arrivé à Marseille. Là-bas, il faisait chaud.", "Bas-en-Basset"),
    ("en", "Still, we took the train from Leeds and rode it to York.", "Still"),
])
def test_a_capitalised_function_word_is_no_town(gaz, code, text, name):
    # words of the language's stop-word list ("Là-bas" = "là" + "bas") are never a small town's name
    got = stops(gaz, text)
    assert name not in got and len(got) == 2, got
    ex = extract(text, gaz)
    checked = []
    for r in ex.resolved:
        if lang.function_words(code, r.mention.text):
            assert ex.reading(r.mention).common, r.mention.text
            checked.append(r.mention.text)
    assert checked, "no function word was looked up: the example tests nothing"


@pytest.mark.parametrize("code, text, name", [
    ("fr", "Nous avons quitté Samarcande au petit matin. Durant cette journée, il a fait très chaud.", "Durant"),
    ("fr", "Le train est parti de Tachkent. Durant le trajet, nous avons dormi.", "Durant"),
    ("fr", "Notre train a quitté Boukhara à l'aube. Durant tout le voyage, nous avons déjeuné dans le wagon.",
     "Durant"),
    ("en", "We left Leeds on the morning train. Along the way, nobody spoke.", "Along"),
])
def test_a_function_word_does_not_make_up_the_second_end(gaz, code, text, name):
    # only one town is cued; a preposition opening a sentence is not taken to make up the journey's two ends
    got = stops(gaz, text)
    assert name not in got, got
    assert any(r.mention.text == name for r in extract(text, gaz).resolved), "the word was not looked up"


@pytest.mark.parametrize("text, last", [
    ("Le train de nuit a quitté Paris et, après l'Allemagne, nous sommes arrivés à Vienne, en Autriche, le matin.",
     "Vienna"),
    ("Nous sommes partis de Munich en train de nuit pour arriver à Vienne vers sept heures.", "Vienna"),
    ("Depuis Strasbourg, le train de nuit nous a conduits jusqu'à Vienne.", "Vienna"),
])
def test_a_region_a_train_goes_to_is_the_big_city_of_its_name(gaz, text, last):
    # the French département of Vienne ranks first for the name; a train arrives in a town, and the railway
    # joins Vienna to the other stop through a third country (a via point), so no closer namesake replaces it
    j = journey(gaz, text)
    got = [s.resolved.place for s in j.stops if not s.via]
    assert got[-1].name == last and got[-1].country == "AT", [(p.name, p.country) for p in got]


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "We don't get into Tehran itself until 4 in the morning.", "Tehran"),
    ("en", "The train did not reach Graz until midnight.", "Graz"),
    ("en", "We didn't arrive in Perth till the third day.", "Perth"),
    ("fr", "Nous ne sommes arrivés à Irkoutsk qu'à 4 heures du matin.", "Irkoutsk"),
    ("fr", "Le train n'atteint Ngaoundéré qu'au petit matin.", "Ngaoundéré"),
    ("fr", "Nous n'avons rejoint Tamanrasset que le lendemain soir.", "Tamanrasset"),
])
def test_a_negation_that_says_when_is_no_negation(code, sentence, name):
    # "not ... until", « ne ... que »: the journey did get there, later than one might think
    rd = read(code, sentence, name)
    assert not rd.negated, rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The train did not stop in Graz, and we waited until Vienna.", "Graz"),
    ("en", "We never got to Perth.", "Perth"),
    ("fr", "Le train ne s'est pas arrêté à Dijon.", "Dijon"),
    ("fr", "Nous ne sommes jamais allés à Tamanrasset, parce que la piste était coupée.", "Tamanrasset"),
])
def test_a_plain_negation_stays(code, sentence, name):
    assert read(code, sentence, name).negated


@pytest.mark.parametrize("text, name", [
    ("The train reached Dar es Salaam after two days; on board were Dutch, Brits and Japanese backpackers.", "Brits"),
    ("Le train est arrivé à Dar es Salaam à l'aube. À bord, des Italiens, des Brits et des Japonais.", "Brits"),
    ("We pulled into Dar es Salaam at last, with some Germans, some Brits and many Americans.", "Brits"),
])
def test_a_name_listed_among_demonyms_is_a_people(gaz, text, name):
    # Brits, South Africa's town, would otherwise be the journey's missing second end
    got = stops(gaz, text)
    assert name not in got and "Dar es Salaam" in got, got


@pytest.mark.parametrize("code, sentence, name", [
    ("fr", "Le train se sépare dans la nuit : l'autre poursuivra vers Budapest.", "Budapest"),
    ("fr", "Les deux rames se séparent à Linz, et l'autre file vers Prague.", "Prague"),
    ("en", "At Edinburgh the train splits, and the other continues to Inverness.", "Inverness"),
    ("en", "Two portions leave Crewe; the other goes on to Holyhead.", "Holyhead"),
])
def test_the_other_half_of_a_split_train_is_not_the_traveller(code, sentence, name):
    assert read(code, sentence, name).traveller == "others", read(code, sentence, name).cues


@pytest.mark.parametrize("code, sentence, first, second", [
    ("fr", "Le trajet Vladivostok Moscou fait 9288 km.", "Vladivostok", "Moscou"),
    ("fr", "Le voyage Irkoutsk Oulan-Oudé dure sept heures.", "Irkoutsk", "Oulan-Oudé"),
    ("fr", "Notre train Paris Vienne part à 19 heures.", "Paris", "Vienne"),
])
def test_two_names_beside_a_journey_word_are_its_ends(code, sentence, first, second):
    # not the subject that "acts": the route of the journey, as "Vladivostok-Moscou" would be
    places = (first, second)
    a, b = read(code, sentence, first, places), read(code, sentence, second, places)
    assert not a.actor and not b.actor, (a.cues, b.cues)
    assert a.leg_start and not b.leg_start, (a.cues, b.cues)


@pytest.mark.parametrize("code, text", [
    ("en", "I used to take the train from Leeds to York. This time we went from London to Bath."),
    ("en", "Back then the sleeper used to stop at York; today we went from London to Bath."),
    ("fr", "J'avais l'habitude de prendre le train de Lyon à York. Cette fois, nous sommes allés de London à Bath."),
])
def test_trips_one_used_to_make_are_other_trips(gaz, code, text):
    assert stops(gaz, text) == ["London", "Bath"], stops(gaz, text)


@pytest.mark.parametrize("code, text", [
    ("en", "By noon we had already reached York, and at two we left York for Durham."),
    ("en", "The train used to be slow, they say; we went from London to Bath in an hour and a half."),
])
def test_a_clause_of_its_own_says_nothing_of_the_journey(gaz, code, text):
    assert len(stops(gaz, text)) == 2, stops(gaz, text)


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The two-hour trip from Ollantaytambo to Poroy can be added on for eight dollars.", "Poroy"),
    ("en", "A side trip to Kandy could be booked at the station.", "Kandy"),
    ("fr", "Le trajet jusqu'à Poroy peut être ajouté pour huit dollars.", "Poroy"),
])
def test_a_trip_that_can_be_added_is_an_option(code, sentence, name):
    # unlike "the ride can be described as a feast", what may be added or booked was not necessarily made
    rd = read(code, sentence, name)
    assert rd.uncertain, rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("fr", "Le convoi arrivant de Venise était en retard, nous avons dû l'attendre.", "Venise"),
    ("en", "The train arriving from Moscow was two hours late.", "Moscow"),
    ("en", "We watched the freight trains coming from Durban.", "Durban"),
])
def test_a_train_seen_arriving_is_not_the_one_taken(code, sentence, name):
    assert read(code, sentence, name).traveller == "others", read(code, sentence, name).cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Our train, coming from Moscow, reached Irkutsk at dawn.", "Moscow"),
    ("fr", "Notre train, arrivant de Moscou, a atteint Irkoutsk à l'aube.", "Moscou"),
])
def test_our_own_train_arriving_is_the_journey(code, sentence, name):
    assert read(code, sentence, name).traveller != "others"


def test_stop_words_do_not_import_the_french_tokenizer_exceptions():
    # reading spaCy's stop-word list through its package compiled the French tokenizer exceptions: seconds per
    # `mapgen new` on a French article (measured 5.6 s -> 2.1 s for one); the list is read from its file alone
    import subprocess
    import sys

    code = ("import sys; from mapgen import lang; words = lang.stop_words('fr'); "
            "assert 'durant' in words and lang.function_words('fr', 'Là-bas'); "
            "print('spacy.lang.fr.tokenizer_exceptions' in sys.modules, 'spacy.lang.fr' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("sentence, name, role", [
    # « de » after a common noun is "of": the place is where the noun is, and the noun's own attachment says
    # what the journey did there (it is not "from"), unless the noun keeps its own sense (train, gare, nord)
    ("Au matin, nous repartons de l'auberge de jeunesse de Lucerne vers Milan.", "Lucerne", "depart"),
    ("Le convoi a longé le parc national de Kruger avant la frontière.", "Kruger", "via"),
    ("Nous avons visité le musée de Dijon avant de reprendre la route.", "Dijon", "object"),
    ("Nous avons dîné dans un restaurant de Tomsk.", "Tomsk", "at"),
    ("Le soir, nous dormons dans un hôtel de Kazan.", "Kazan", "stop"),
    ("Le train de Moscou est arrivé avec une heure de retard.", "Moscou", "depart"),
    ("Nous avons dormi au nord de Rouen.", "Rouen", "locate"),
    # « entre » before one place is the verb (enters), not "between": an arrival, not an end of a line
    ("Vers midi, le train entre en gare de Dijon sous la pluie.", "gare de Dijon", "arrive"),
    ("Le convoi entre dans Oulan-Bator au petit matin.", "Oulan-Bator", "arrive"),
    ("Le train circule entre Lyon et Genève depuis dimanche.", "Lyon", "ends"),
    # a travel verb right before the place counts whatever the tagger made of it (here a conjunction)
    ("À 13 h 42, le train officiel quitte Bayeux.", "Bayeux", "depart"),
    ("À 7 h 10, le train régional quitte Quimper.", "Quimper", "depart"),
    ("À 6 h, le convoi présidentiel quitte Lille.", "Lille", "depart"),
])
def test_french_words_read_by_their_structure(sentence, name, role):
    rd = read("fr", sentence, name)
    assert rd.role == role, rd.cues


@pytest.mark.parametrize("text, unlikely", [
    # a place the parse hangs on no verb of its own shares the mood of the places in its sentence that have
    # one: here a service to be extended, so the connection named beside it is no stop either
    ("We rode the night train from Brussels to Berlin via Amsterdam. It is also handy for Dutch riders because "
     "it meets the ICE from Utrecht, and will soon extend its service to Dresden and Prague.", {"Utrecht"}),
    ("We rode the night train from Paris to Vienna via Munich. It is also good for Alsatians because it meets "
     "the TER from Colmar, and will soon extend its service to Budapest.", {"Colmar", "Budapest"}),
])
def test_a_place_with_no_verb_of_its_own_shares_its_sentence_s_mood(gaz, text, unlikely):
    got = stops(gaz, text)
    assert not unlikely & set(got) and len(got) == 3, got


@pytest.mark.parametrize("code, sentence, name", [
    # what a train usually does is the service described, not this trip ("the train usually takes 13 hours to
    # reach X, but ours bypassed it")
    ("en", "The express usually takes nine hours to reach Harbin.", "Harbin"),
    ("en", "Trains on this line typically stop in Rugby for two minutes.", "Rugby"),
    ("en", "The sleeper normally calls at Crewe before dawn.", "Crewe"),
    ("fr", "Normalement, le train de nuit s'arrête à Dijon vers minuit.", "Dijon"),
    ("fr", "Ce train dessert généralement Arras avant Lille.", "Arras"),
    ("fr", "Le train arrive habituellement à Omsk vers midi.", "Omsk"),
    # a decade named ("in the 1980s", « dans les années 80 ») tells a trip of another time, also when the place
    # is in a relative clause under the verb it hangs on
    ("fr", "J'ai pris le train qui faisait Tunis-Alger dans les années 80.", "Alger"),
    ("fr", "Dans les années 1990, ce train reliait Dakar à Bamako deux fois par semaine.", "Bamako"),
    ("fr", "Mon père prenait le train pour Oran dans les années 60.", "Oran"),
    ("en", "In the 1980s I rode the train that ran from Tunis to Algiers.", "Algiers"),
    ("en", "My father took this train to Oran in the 1960s.", "Oran"),
    ("en", "I took the train that ran to Algiers in the 80s.", "Algiers"),
])
def test_the_service_as_it_runs_or_another_time_is_not_this_trip(code, sentence, name):
    assert read(code, sentence, name).unreal


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "We reached Harbin after nine hours.", "Harbin"),
    ("fr", "Le train s'est arrêté à Dijon vers minuit.", "Dijon"),
])
def test_what_this_train_did_is_real(code, sentence, name):
    assert not read(code, sentence, name).unreal


@pytest.mark.parametrize("code, sentence, name, role, traveller", [
    # the train's own locomotives, carriages or cars, in the plural, are still the train ("the", "our");
    # "some carriages", « des wagons » coming from elsewhere are other trains' (the split-train class)
    ("en", "At 8.15 the two locomotives and ten carriages glided smoothly out of Christchurch.", "Christchurch",
     "depart", "vehicle"),
    ("en", "Our carriages rattled out of Mombasa at dawn.", "Mombasa", "depart", "vehicle"),
    ("en", "The coaches crawled out of Aberdeen in the rain.", "Aberdeen", "depart", "vehicle"),
    ("fr", "Les voitures ont quitté Dijon à midi.", "Dijon", "depart", "vehicle"),
    ("en", "Some carriages coming from Venice were coupled on at night.", "Venice", "depart", "others"),
    ("fr", "Le train récupère des wagons arrivant de Venise.", "Venise", "depart", "others"),
])
def test_the_train_s_own_cars_are_the_train(code, sentence, name, role, traveller):
    rd = read(code, sentence, name)
    assert (rd.role, rd.traveller) == (role, traveller), rd.cues


@pytest.mark.parametrize("code, sentence, name, role", [
    # what the place is, set beside it ("X, our second stop, was ..."): a stop, not a place that acts
    ("en", "A quick look at the map showed that Dumbarton Central, our second stop, was still in the commuter "
           "belt.", "Dumbarton Central", "stop"),
    ("en", "Perth, our last stop, was grey and wet.", "Perth", "stop"),
    ("en", "Kandy, our destination, was busy with pilgrims.", "Kandy", "dest"),
    ("fr", "Valence, notre premier arrêt, était sous la pluie.", "Valence", "stop"),
])
def test_a_stop_named_beside_the_place_makes_it_one(code, sentence, name, role):
    rd = read(code, sentence, name, places=[name])
    assert (rd.role, rd.actor) == (role, False), rd.cues


@pytest.mark.parametrize("text, name, lat, lon", [
    # French "au", "du" hold the article of names that have one: "au Mans" is Le Mans, not a village "Mans"
    ("Nous avons quitté Paris en train et nous sommes arrivés au Mans le soir.", "Mans", 48.00, 0.20),
    ("Le train est parti du Havre à l'aube vers Rouen.", "Havre", 49.49, 0.11),
    ("Nous avons pris le train d'Alexandrie et nous sommes arrivés au Caire le soir.", "Caire", 30.04, 31.24),
])
def test_a_name_after_au_or_du_is_looked_up_with_its_article(gaz, text, name, lat, lon):
    from mapgen.gazetteer import distance_km

    r = next(r for r in extract(text, gaz).resolved if r.mention.text == name)
    assert distance_km(r.place.lat, r.place.lon, lat, lon) < 15, r.place
    j = journey(gaz, text)
    assert any(s.place.startswith("Le ") and s.place.endswith(name) for s in j.stops), [s.place for s in j.stops]


@pytest.mark.parametrize("text, region", [
    # « au Québec », « au Tessin »: a preposition holding a definite article before a town's name says it is
    # the region of that name (the city is « à Québec »): no stop
    ("Nous avons quitté Montréal en train. C'est la meilleure chanteuse au Québec, dit-il. Nous sommes arrivés "
     "à Jonquière le soir.", "Québec"),
    ("Nous avons quitté Milan en train. Il pleut souvent au Tessin, dit-elle. Nous sommes arrivés à Zurich le "
     "soir.", "Tessin"),
])
def test_a_name_after_au_is_not_the_town(gaz, text, region):
    got = [s.place for s in journey(gaz, text).stops]
    assert region not in got and len(got) == 2, got


@pytest.mark.parametrize("sentence, name, lat, lon", [
    # spaCy fr reads small Swiss towns after « à » as people; a preposition of place before a known place
    # says otherwise (written as the towns are: "St.Moritz" with no space)
    ("Le Glacier Express relie Zermatt à St.Moritz en huit heures.", "St.Moritz", 46.50, 9.84),
    ("La locomotive nous a menés jusque Disentis, où une autre a pris le relais.", "Disentis", 46.70, 8.85),
    ("Le lendemain, nous sommes arrivés à Disentis sous la neige.", "Disentis", 46.70, 8.85),
    # nor a town the sentence names a station after
    ("Le soir venu, le quai de la gare Sainte Foy de Québec était vide et froid.", "Québec", 46.81, -71.21),
])
def test_a_known_place_after_a_preposition_of_place_is_no_person(gaz, sentence, name, lat, lon):
    ex = extract(sentence, gaz)
    got = [r for r in ex.resolved if r.mention.text == name]
    assert got and distance_km(got[0].place.lat, got[0].place.lon, lat, lon) < 15
    assert not ex.reading(got[0].mention).person


# --- stop 28: generic journeys, a train's route beside the section travelled, lines described, sizes -------

@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Going from Moscow to Vladivostok in one go is an absurd challenge.", "Vladivostok"),
    ("en", "To ride from Lisbon to Porto without a break would be absurd.", "Porto"),
    ("en", "Riding straight through from Perth to Sydney is a test few passengers take on.", "Sydney"),
    ("fr", "De fait, aller de Moscou à Vladivostok d'une traite est un défi absurde.", "Vladivostok"),
    ("fr", "Traverser le pays de Moscou à Vladivostok sans escale est un pari fou.", "Vladivostok"),
    ("fr", "Voyager de Lisbonne à Porto sans s'arrêter serait épuisant.", "Porto"),
    ("fr", "Faire le trajet de Perth à Sydney d'un seul coup est une folie.", "Sydney"),
])
def test_going_there_said_in_general_is_no_journey(code, sentence, name):
    rd = read(code, sentence, name)
    assert rd.generic and rd.uncertain, rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Travelling from Moscow to Vladivostok took us a full week.", "Vladivostok"),
    ("en", "We went from Lisbon to Porto on the morning train.", "Porto"),
    ("fr", "Rouler de Moscou à Vladivostok nous a pris une semaine.", "Vladivostok"),
    ("fr", "Nous sommes allés de Lisbonne à Porto en train.", "Porto"),
])
def test_a_journey_told_as_made_is_not_general(code, sentence, name):
    assert not read(code, sentence, name).generic


@pytest.mark.parametrize("code, sentence, route, section", [
    ("en", "I rode the Moscow-Chita train from Yekaterinburg to Irkutsk.", ("Moscow", "Chita"),
     ("Yekaterinburg", "Irkutsk")),
    ("en", "We caught the Beijing-Lhasa express between Xining and Golmud.", ("Beijing",
     "Lhasa"), ("Xining", "Golmud")),
    ("en", "She took the Paris-Nice sleeper only as far as Marseille from Lyon.", ("Paris", "Nice"),
     ("Lyon", "Marseille")),
    ("fr", "J'ai pris le train Moscou-Tchita entre Iekaterinbourg et Irkoutsk.", ("Moscou", "Tchita"),
     ("Iekaterinbourg", "Irkoutsk")),
    ("fr", "Nous sommes montés dans le Pékin-Lhassa de Xining à Golmud.", ("Pékin", "Lhassa"), ("Xining", "Golmud")),
    ("fr", "Elle a emprunté le train de nuit Paris-Nice entre Lyon et Marseille.", ("Paris", "Nice"),
     ("Lyon", "Marseille")),
])
def test_a_train_s_route_beside_the_section_travelled_is_the_line(code, sentence, route, section):
    places = route + section
    for name in route:
        rd = read(code, sentence, name, places=places)
        assert rd.traveller == "line" and not (rd.leg_start or rd.leg_end), (name, rd.cues)
    for name in section:
        rd = read(code, sentence, name, places=places)
        assert rd.traveller != "line" and not rd.unreal, (name, rd.cues)


def test_a_train_s_route_alone_is_still_the_journey():
    rd = read("en", "We took the Moscow-Chita train all the way.", "Chita", places=("Moscow", "Chita"))
    assert rd.leg_end and rd.traveller != "line"


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The leaders rode the new high-speed line linking Tangier to Casablanca.", "Tangier"),
    ("en", "The station was built in 1885 to connect Dakar with Saint-Louis.", "Saint-Louis"),
    ("en", "Crowds cheered beside the railway connecting Nairobi and Mombasa.", "Mombasa"),
    ("fr", "Les deux chefs d'État ont testé la nouvelle ligne reliant Tanger à Casablanca.", "Tanger"),
    ("fr", "La gare a été construite en 1885 pour relier Dakar à Saint-Louis.", "Saint-Louis"),
    ("fr", "La foule attendait le long de la voie ferrée reliant Nairobi à Mombasa.", "Nairobi"),
    ("fr", "Ils ont inauguré la Ligne à Grande Vitesse (LGV) reliant Tanger à Casablanca.", "Casablanca"),
    ("fr", "Ils ont inauguré la ligne à grande vitesse \"Al Boraq\" reliant la capitale du Nord à Casablanca.",
     "Casablanca"),
    ("en", "They opened the high-speed line (LGV) linking Tangier to Casablanca.", "Casablanca"),
])
def test_a_line_described_by_what_it_joins_is_not_travelled(code, sentence, name):
    places = [p for p in ("Tanger", "Tangier", "Casablanca", "Dakar", "Saint-Louis", "Nairobi", "Mombasa")
              if p in sentence]
    rd = read(code, sentence, name, places=places)
    assert rd.extension and rd.unreal, rd.cues


def test_a_train_leaving_a_town_is_not_a_line_described():
    rd = read("en", "We watched from the platform, our train leaving Lyon behind.", "Lyon")
    assert not rd.extension


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The canyon network is four times the size of Arizona's Grand Canyon.", "Grand Canyon"),
    ("en", "Its gorge is twice the length of the Grand Canyon in Arizona.", "Grand Canyon"),
    ("en", "The reservoir covers half the area of Geneva.", "Geneva"),
    ("fr", "Ce réseau de canyons fait quatre fois la taille du Grand Canyon.", "Grand Canyon"),
    ("fr", "Le lac occupe la moitié de la superficie de Genève.", "Genève"),
    # a place the town is likened to
    ("en", "The old town resembles Lisbon with its steep lanes.", "Lisbon"),
    ("en", "The station is reminiscent of Milan's grand hall.", "Milan"),
    ("en", "The square reminded us of Krakow.", "Krakow"),
    ("fr", "Côté ville, on cherche toujours la ressemblance avec Paris ou Londres.", "Paris"),
    ("fr", "Cette gare ressemble à celle de Milan.", "Milan"),
    ("fr", "Les rues de Talca ressemblent à celles de Séville.", "Séville"),
])
def test_a_place_measured_against_is_compared(code, sentence, name):
    assert read(code, sentence, name).compared


@pytest.mark.parametrize("text, region", [
    ("The Ghan left Adelaide in South Australia on Sunday and reached Darwin in the Northern Territory on "
     "Wednesday.", "Northern Territory"),
    ("Le Ghan a quitté Adélaïde, en Australie-Méridionale, dimanche et est arrivé à Darwin, dans le Territoire du "
     "Nord, mercredi.", "Northern Territory"),
])
def test_a_region_named_to_locate_a_stop_is_no_stop(gaz, text, region):
    names = stops(gaz, text)
    assert "Darwin" in names and region not in names and "South Australia" not in names, names


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "During his visits, notably to Singapore last June, his guards ran beside the car.", "Singapore"),
    ("en", "It is his first summit since his return from Hanoi, where he met the president.", "Hanoi"),
    ("en", "He had come to Vladivostok last year as well.", "Vladivostok"),
    ("fr", "Lors de ses déplacements, notamment à Singapour en juin dernier, ses gardes ont couru le long de la "
           "voiture.", "Singapour"),
    ("fr", "C'est sa première rencontre depuis son retour de Hanoï, où il avait vu le président.", "Hanoï"),
    ("fr", "Il était déjà venu à Vladivostok l'an dernier.", "Vladivostok"),
])
def test_a_trip_dated_before_the_story_is_another_trip(code, sentence, name):
    assert read(code, sentence, name).other_trip


@pytest.mark.parametrize("code, sentence, name, other", [
    # a trip of someone's youth or childhood is another time; "the youth hostel" is no youth
    ("en", "A fan of trains since the Toulouse to Paris sleepers of his youth, the minister boarded at "
           "Austerlitz.", "Toulouse", True),
    ("en", "In her childhood she often rode the train from Leeds to York.", "York", True),
    ("en", "The Glasgow boat trains of my boyhood ran to Largs.", "Largs", True),
    ("en", "We stayed at the youth hostel in Lyon before taking the train to Nice.", "Lyon", False),
    ("fr", "Passionné de trains depuis les Toulouse-Paris nocturnes de sa jeunesse, le ministre est monté à "
           "Austerlitz.", "Toulouse", True),
    ("fr", "Dans son enfance, elle prenait le train de Lille à Arras.", "Arras", True),
    ("fr", "Les trains de nuit vers Nice de mon enfance ont disparu.", "Nice", True),
    ("fr", "Nous avons dormi à l'auberge de jeunesse de Zurich avant de prendre le train pour Coire.", "Zurich",
     False),
])
def test_a_trip_of_someone_s_youth_is_another_trip(code, sentence, name, other):
    assert read(code, sentence, name).other_trip is other


@pytest.mark.parametrize("text, stop, far", [
    # one clear stop: a weakly told town of another country, thousands of km away, does not make up a second
    # ("this stretch of the Sierra Madre" is no Californian town); the story of one stop builds
    ("The landscapes between coastal Los Mochis and the high plains are the draw of the line. To pass this "
     "stretch of the Sierra Madre at night would mean missing them. When the train rolls into El Fuerte at "
     "mid-morning, vendors on the platform sell burritos through the windows.", "El Fuerte", "Sierra Madre"),
    ("Les paysages entre Los Mochis et les hauts plateaux font la beauté de la ligne. Franchir ce tronçon de la "
     "Sierra Madre de nuit serait les manquer. Quand le train entre en gare d'El Fuerte au milieu de la matinée, "
     "des vendeurs proposent des burritos par les fenêtres.", "El Fuerte", "Sierra Madre"),
])
def test_a_far_foreign_namesake_does_not_make_up_a_second_stop(gaz, text, stop, far):
    names = stops(gaz, text)
    assert stop in names and far not in names, names


@pytest.mark.parametrize("text, told, general", [
    ("I took the sleeper between Yekaterinburg and Irkutsk last week. Going from Moscow to Vladivostok in one go "
     "is an absurd challenge, like riding a bus line to its end.", ("Yekaterinburg", "Irkutsk"), ("Moscow", "Vladivostok")),
    ("J'ai pris le train de nuit entre Iekaterinbourg et Irkoutsk. Traverser le pays de Moscou à Vladivostok sans "
     "escale est un pari fou.", ("Yekaterinburg", "Irkutsk"), ("Moscow", "Vladivostok")),
])
def test_a_journey_said_in_general_beside_the_traveller_s_own_is_not_proposed(gaz, text, told, general):
    names = stops(gaz, text)
    assert set(told) <= set(names) and not set(general) & set(names), names


def test_a_guide_that_tells_the_journey_in_general_still_gives_its_stops(gaz):
    text = ("Traveling south from Santiago to Puerto Montt is a little like traveling from California to "
            "Oregon: vineyards first, then lakes and volcanoes.")
    names = stops(gaz, text)
    assert names[:1] == ["Santiago"] and "Puerto Montt" in names, names


@pytest.mark.parametrize("text", [
    "Kim had left Pyongyang on Saturday afternoon. On Tuesday his armoured train arrived at Dong Dang station, "
    "on the Vietnamese side of the border, and he drove on to Hanoi.",
    "Le dirigeant avait quitté Pyongyang samedi après-midi. Mardi, son train blindé est arrivé à la gare de Dong Dang, du "
    "côté vietnamien de la frontière, et il a continué en voiture jusqu'à Hanoï.",
])
def test_two_clearly_told_ends_are_joined_through_a_country_between_them(gaz, text):
    j = journey(gaz, text)
    names = [s.resolved.place.name for s in j.stops if not s.via]
    assert names[0] == "Pyongyang" and any("Đồng Đăng" in n or "Dong Dang" in n for n in names[1:]), names
    # the railway runs through China, which neither end is in: said as a transit country or a via point
    assert "CN" in {c.country for c in j.transit} | {s.country for s in j.stops if s.via}


@pytest.mark.parametrize("code, sentence, name, negated", [
    ("en", "The train did not stop in Graz but in Leoben.", "Leoben", False),
    ("en", "The train did not stop in Graz but in Leoben.", "Graz", True),
    ("en", "We never slept in Split, but spent the night in Zagreb.", "Zagreb", False),
    ("en", "We never reached Lhasa, but turned back at Golmud.", "Lhasa", True),
    ("fr", "Le train ne s'est pas arrêté à Graz mais à Leoben.", "Leoben", False),
    ("fr", "Le train ne s'est pas arrêté à Graz mais à Leoben.", "Graz", True),
    ("fr", "Nous n'avons pas dormi à Split, mais à Zagreb.", "Zagreb", False),
])
def test_not_this_but_that_negates_only_what_comes_before_but(code, sentence, name, negated):
    assert read(code, sentence, name).negated is negated


@pytest.mark.parametrize("text, town, not_town", [
    ("The electric train left the Tanzanite Station in Dar es Salaam at six and reached Morogoro at eight.",
     "Dar es Salaam", "Merelani"),
    ("Our sleeper left the Gare de Lyon in Paris at ten and reached Nice in the morning.", "Paris", "Lyon"),
    ("Le train de nuit a quitté la gare de Lyon à Paris à 22 heures et il est arrivé à Nice au matin.", "Paris",
     "Lyon"),
])
def test_a_station_s_own_name_before_its_town_is_no_stop(gaz, text, town, not_town):
    names = stops(gaz, text)
    assert town in names and not_town not in names, names


@pytest.mark.parametrize("sentence, name, role", [
    ("We got off at Ohiya, a halt 12 miles away from Haputale, and took the next train to Ella.", "Haputale",
     "locate"),
    ("Our hostel was in a village some 20 km away from Irkutsk, by the lake.", "Irkutsk", "locate"),
    ("The train pulled away from Kandy at dawn and reached Ella by the afternoon.", "Kandy", "depart"),
])
def test_a_place_a_distance_is_measured_from_is_no_departure(sentence, name, role):
    places = [p for p in ("Ohiya", "Haputale", "Ella", "Irkutsk", "Kandy") if p in sentence]
    assert read("en", sentence, name, places).role == role


def test_a_station_then_the_next_stop_keeps_both(gaz):
    names = stops(gaz, "We boarded at Kandy station to Ella and got off at Ella in the afternoon.")
    assert names[:1] == ["Kandy"] and any(n.startswith("Ella") for n in names), names


def test_stops_listed_after_a_stop_word_are_all_kept(gaz):
    names = stops(gaz, "The train left Berlin at noon and reached Paris at eight, after stops in Frankfurt, "
                       "Karlsruhe and Strasbourg.")
    assert {"Frankfurt am Main", "Karlsruhe", "Strasbourg"} <= set(names) or \
        {"Frankfurt", "Karlsruhe", "Strasbourg"} <= set(names), names


@pytest.mark.parametrize("text, boarded, ends", [
    ("I boarded the morning train at Dire Dawa. The new railway connects Addis Ababa with Djibouti.", "Dire Dawa",
     {"Addis Ababa", "Djibouti"}),
    ("I boarded the morning train at Dire Dawa, on the new railway linking Addis Ababa to Djibouti.", "Dire Dawa",
     {"Addis Ababa", "Djibouti"}),
    ("J'ai pris le train du matin à Dire Dawa, sur la nouvelle ligne reliant Addis-Abeba à Djibouti.", "Dire Dawa",
     {"Addis Ababa", "Djibouti"}),
])
def test_one_clear_stop_and_a_line_described_make_two_stops_for_review(gaz, text, boarded, ends):
    j = journey(gaz, text)
    names = [s.resolved.place.name for s in j.stops if not s.via]
    assert boarded in names and len(names) == 2 and set(names) - {boarded} <= ends, names
    end = next(s for s in j.stops if s.resolved.place.name != boarded)
    assert any("where the line goes" in x for x in end.review)


@pytest.mark.parametrize("text, start, dest", [
    ("The country launched its new railway connecting the port city of Dar es Salaam with Dodoma. The president "
     "flagged off the train before hopping in for a ride to Dodoma.", "Dar es Salaam", "Dodoma"),
    ("Dignitaries rode the new line linking Mombasa with Nairobi. The train reached Nairobi in the evening.",
     "Mombasa", "Nairobi"),
    ("Aujourd'hui, c'est le départ pour Franceville. J'emprunte la Transgabonaise, seule ligne de chemin de fer "
     "du pays, reliant Libreville sur la côte à Franceville à l'est.", "Libreville", "Franceville"),
    ("Les invités ont inauguré la nouvelle ligne reliant Mombasa à Nairobi. Le train est arrivé à Nairobi le "
     "soir.", "Mombasa", "Nairobi"),
])
def test_the_other_end_of_the_line_taken_is_the_start_when_none_is_told(gaz, text, start, dest):
    j = journey(gaz, text)
    names = [s.resolved.place.name for s in j.stops if not s.via]
    assert names == [start, dest], names
    assert j.stops[0].review  # for the editor: an end told only as the line's (by this rule or as weakly cued)


def test_a_line_s_far_end_is_no_start_when_the_start_is_told(gaz):
    names = stops(gaz, "The leaders boarded at Tangier and tested the new line linking Tangier to Casablanca, "
                       "getting off at Rabat.")
    assert "Casablanca" not in names and names[:1] == ["Tangier"], names


# --- round of 2026-12-07: constructions of our own trip reports and news texts ----------------------------

@pytest.mark.parametrize("text, first, second", [
    # a big town's name followed by a station's own name ("Colombo Fort", "Bangkok Hua Lamphong") is a station
    # of it when the journey leaves or reaches it (the station where the gazetteer has it, else the town), not a
    # firm or a team named after the town
    ("Our train left Colombo Fort at seven. We got off at Kandy in the afternoon.", (6.93, 79.85), "Kandy"),
    ("We took the sleeper from Chiang Mai and arrived in Bangkok Hua Lamphong at dawn.", (18.79, 98.98), "Bangkok"),
    ("The night train pulled out of Colombo Fort just after eight and reached Jaffna at dawn.", (6.93, 79.85),
     "Jaffna"),
])
def test_a_station_named_after_a_big_town_is_that_town_when_left_or_reached(gaz, text, first, second):
    got = [s.resolved.place for s in journey(gaz, text).stops if not s.via]
    assert len(got) == 2 and distance_km(got[0].lat, got[0].lon, *first) < 10 and got[1].name == second, got


@pytest.mark.parametrize("text, absent", [
    ("The Memphis Grizzlies beat Dallas on Sunday. We took the train from Chicago to New Orleans.", "Memphis"),
    ("We went by van to El Fuerte (Pueblo Mágico), then took the train to Creel from Los Mochis.", "Puebla"),
    ("Fans of the Denver Broncos filled our carriage from Chicago to Omaha.", "Denver"),
])
def test_a_team_s_or_a_title_s_name_after_a_town_is_no_stop(gaz, text, absent):
    assert absent not in stops(gaz, text)


@pytest.mark.parametrize("text, order", [
    # "Terminus" after a town's name names its station ("Nairobi Terminus"), not where the trip ends
    ("We left Nairobi Terminus at nine and arrived at Mombasa in the afternoon.", ["Nairobi", "Mombasa"]),
    ("Our train departed from Mumbai's Chhatrapati Shivaji Terminus for Pune.", ["Mumbai", "Pune"]),
    ("From Nairobi Terminus the new train runs to Mombasa in under five hours; we rode it last week.",
     ["Nairobi", "Mombasa"]),
])
def test_terminus_in_a_station_s_name_is_no_destination(gaz, text, order):
    assert stops(gaz, text) == order


@pytest.mark.parametrize("code, sentence, name, role", [
    # "X was our first stop": the noun names what the place was to the journey ("stop" is a station word too)
    ("en", "Lyon was our first stop.", "Lyon", "stop"),
    ("en", "Ella was our last stop before the long ride back.", "Ella", "stop"),
    ("en", "Darwin was our final destination.", "Darwin", "dest"),
    ("fr", "Valence fut notre premier arrêt.", "Valence", "stop"),
    ("fr", "Lyon était notre dernière étape.", "Lyon", "stop"),
    ("fr", "Nice était notre destination.", "Nice", "dest"),
])
def test_a_place_that_was_our_stop_is_one(code, sentence, name, role):
    rd = read(code, sentence, name, places=[name])
    assert (rd.role, rd.actor, rd.traveller) == (role, False, "self"), rd.cues


def test_a_place_that_is_a_busy_station_acts():
    rd = read("en", "Lyon was a busy station.", "Lyon", places=["Lyon"])
    assert rd.role == "subject", rd.cues


@pytest.mark.parametrize("code, sentence, role", [
    # the narrator's stay told with a word standing for the place named last ("there", « y »)
    ("en", "Kandy is a lovely town with a famous temple; we spent two nights there.", "stop"),
    ("en", "Kandy is a lovely town. We stayed there for two nights.", "stop"),
    ("en", "Kandy is a hill town, and we arrived there in the rain.", "stop"),
    ("fr", "Kandy est une jolie ville. Nous y sommes restés deux nuits.", "stop"),
    ("fr", "Kandy est une ville sainte ; nous y avons séjourné deux nuits.", "stop"),
    ("fr", "Kandy est une jolie ville ; nous y sommes arrivés sous la pluie.", "stop"),
])
def test_a_stay_told_with_there_is_a_stop(code, sentence, role):
    rd = read(code, sentence, "Kandy", places=["Kandy"])
    assert (rd.role, rd.traveller, rd.travel) == (role, "self", True), rd.cues


@pytest.mark.parametrize("code, sentence", [
    ("en", "Kandy is famous for its temple; pilgrims stay there all year."),  # others stay there
    ("en", "Kandy is a lovely town; we never stayed there."),  # negated
    ("en", "Kandy is a lovely town, but we spent the night in Matale instead of there."),  # another place first
    ("fr", "Kandy est célèbre pour son temple ; les pèlerins y restent toute l'année."),
])
def test_others_staying_there_make_no_stop(code, sentence):
    places = [p for p in ("Kandy", "Matale") if p in sentence]
    rd = read(code, sentence, "Kandy", places=places)
    assert rd.role != "stop", rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    # where a trip begins is where it leaves, whatever the preposition (French « à » is also "to")
    ("en", "Our journey began in Lisbon on a grey morning.", "Lisbon"),
    ("en", "The trip started at Union Station in Chicago.", "Chicago"),
    ("fr", "Notre périple a commencé à Lisbonne.", "Lisbonne"),
    ("fr", "Le voyage a débuté à Dakar par une matinée chaude.", "Dakar"),
    ("fr", "Notre aventure commence à Hanoï, un soir de pluie.", "Hanoï"),
])
def test_a_trip_begins_where_it_leaves(code, sentence, name):
    rd = read(code, sentence, name, places=[name])
    assert rd.role == "depart", rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "The next day a fast train dropped us in Barcelona.", "Barcelona"),
    ("en", "A local bus dropped me at Cradle Mountain, and a train set us down in Hobart the next day.", "Hobart"),
    ("fr", "Le lendemain, un TGV nous a déposés à Barcelone.", "Barcelone"),
    ("fr", "Un car nous dépose à Zermatt en fin de journée.", "Zermatt"),
])
def test_being_dropped_somewhere_reaches_it(code, sentence, name):
    rd = read(code, sentence, name, places=[name])
    assert rd.role == "arrive", rd.cues


def test_an_acronym_before_a_town_is_no_first_name(gaz):
    text = "Modi travelled on the train from KSR Bengaluru station to Kengeri before flying back."
    assert [r.place.name for r in extract(text, gaz).resolved][:1] == ["Bengaluru"]


@pytest.mark.parametrize("code, sentence, expected, real", [
    # a clause of its own joined by "but" is not under the verb of expecting before it
    ("en", "Analysts had expected Kim to head for Vladivostok, but the train turned towards Ussuriysk instead.",
     "Vladivostok", "Ussuriysk"),
    ("en", "Many thought the convoy would go on to Lyon, but it stopped in Dijon.", "Lyon", "Dijon"),
    ("fr", "Les analystes s'attendaient à ce que Kim aille à Vladivostok, mais le train a bifurqué vers Oussouriisk.",
     "Vladivostok", "Oussouriisk"),
    ("fr", "On pensait que le convoi irait jusqu'à Lyon, mais il s'est arrêté à Dijon.", "Lyon", "Dijon"),
])
def test_what_happened_instead_of_the_expected_is_real(code, sentence, expected, real):
    places = [expected, real]
    assert read(code, sentence, expected, places).uncertain
    rd = read(code, sentence, real, places)
    assert not rd.uncertain and not rd.unreal and rd.travel, rd.cues


@pytest.mark.parametrize("code, sentence", [
    # the sentence's only verb, parsed as a participle, is still the train's own
    ("en", "The first passenger train in a decade pulled into Kayes on Saturday after a trip from Bamako."),
    ("en", "The first train in twelve years rolled into Kayes from Bamako on Saturday."),
])
def test_the_first_train_in_years_is_the_story_s(code, sentence):
    rd = read(code, sentence, "Kayes", places=["Kayes", "Bamako"])
    assert rd.traveller == "vehicle" and rd.role == "arrive", rd.cues



@pytest.mark.parametrize("code, sentence, name", [
    # a fragment with no verb after a word of sequence names the next place reached
    ("en", "Finally Ella, where the line ends for most travellers.", "Ella"),
    ("en", "Then Mandalay, two days later and a lot dustier.", "Mandalay"),
    ("en", "Next, Lamphun.", "Lamphun"),
    ("fr", "Puis Sapa en minibus.", "Sapa"),
    ("fr", "Enfin Ella, au bout de la ligne.", "Ella"),
    ("fr", "Ensuite Kandy, trois heures plus tard.", "Kandy"),
])
def test_a_fragment_after_then_names_the_next_place(code, sentence, name):
    rd = read(code, sentence, name, places=[name])
    assert (rd.role, rd.travel) == ("dest", True), rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "Then Kandy's temple burned down.", "Kandy"),  # a verb: what the sentence says of the place
    ("fr", "Puis Kandy a brûlé.", "Kandy"),
])
def test_a_sentence_after_then_with_a_verb_is_read_by_its_verb(code, sentence, name):
    rd = read(code, sentence, name, places=[name])
    assert rd.role != "dest", rd.cues



@pytest.mark.parametrize("code, sentence, name", [
    ("en", "On 12 September 2023 the train left Pyongyang.", "Pyongyang"),  # a year, but the story's own day
    ("fr", "Le 12 septembre 2023, le train a quitté Pyongyang.", "Pyongyang"),
    ("fr", "Nous étions arrivés à Lyon la veille au soir.", "Lyon"),  # the day before: this trip's
])
def test_a_dated_departure_in_the_simple_past_is_the_story_s(code, sentence, name):
    assert not read(code, sentence, name, places=[name]).other_trip


@pytest.mark.parametrize("code, sentence, name, role", [
    # « rejoindre » a place reaches it; joining the train at a place boards it there
    ("fr", "Le lendemain, il a rejoint Harbin en train.", "Harbin", "arrive"),
    ("fr", "Nous avons rejoint Bamako le soir, épuisés.", "Bamako", "arrive"),
    ("fr", "Nous avons rejoint le train à Lyon.", "Lyon", "depart"),
    ("en", "We joined the train at York for the run north.", "York", "depart"),
    ("en", "My sister joined the tour at Perth.", "Perth", "depart"),
])
def test_reaching_a_place_and_joining_a_train_there(code, sentence, name, role):
    assert read(code, sentence, name, places=[name]).role == role


@pytest.mark.parametrize("code, sentence, start, end", [
    # boarding "at" a place leaves it, unless a place left is named before: « de Milan à Rome » goes to Rome
    ("fr", "Nous avons pris le Frecciarossa de Milan à Rome.", "Milan", "Rome"),
    ("fr", "Nous sommes montés dans le train de Dakar à Thiès.", "Dakar", "Thiès"),
    ("fr", "Nous avons pris le bus de Hué à Hoi An.", "Hué", "Hoi An"),
])
def test_a_place_left_named_first_makes_the_next_the_end(code, sentence, start, end):
    places = [start, end]
    assert read(code, sentence, end, places).role != "depart"



@pytest.mark.parametrize("code, sentence, name, role", [
    # the stop noun as the copula's subject names the place as the stop ("the next stop was Kandy")
    ("en", "Our first stop was Kandy.", "Kandy", "stop"),
    ("en", "The next stop was Kandy, where we spent the night.", "Kandy", "stop"),
    ("en", "The final destination was Darwin.", "Darwin", "dest"),
    ("fr", "Notre première étape fut Kandy.", "Kandy", "stop"),
    ("fr", "La prochaine étape était Kandy.", "Kandy", "stop"),
    ("fr", "Notre destination finale était Darwin.", "Darwin", "dest"),
])
def test_the_stop_was_the_place(code, sentence, name, role):
    rd = read(code, sentence, name, places=[name])
    assert (rd.role, rd.travel) == (role, True), rd.cues





def test_a_public_holiday_is_no_possibility():
    rd = read("fr", "Je me suis rendu à la gare de Sfax un jour férié.", "Sfax", places=["Sfax"])
    assert not rd.uncertain, rd.cues



def test_a_plan_kept_stays_a_plan():
    rd = read("en", "We had planned to ride on to Tozeur, but we missed the train.", "Tozeur", places=["Tozeur"])
    assert rd.hypothetical and not rd.counterfactual, rd.cues


@pytest.mark.parametrize("code, sentence, name, traveller", [
    # the "Un" of Kim Jong Un is no « un » of « l'un ... l'autre » (the other half of a split train)
    ("fr", "Le train blindé de Kim Jong Un est entré mardi en Russie par la gare frontalière de Khassan.", "Khassan",
     "vehicle"),
    ("fr", "À Vienne, le train se sépare : l'un part vers Budapest, l'autre poursuivra vers Zagreb.", "Budapest",
     "others"),
])
def test_the_un_of_a_name_is_no_other_half(code, sentence, name, traveller):
    rd = read(code, sentence, name, places=[name])
    assert rd.traveller != "others" if traveller != "others" else rd.traveller == "others", rd.cues


@pytest.mark.parametrize("code, sentence, name, role, traveller", [
    # the train something happened to is the story's, and where it happened is where it ended up
    ("en", "A passenger train travelling from Puri derailed near Balasore on Friday.", "Balasore", "arrive", "vehicle"),
    ("en", "A passenger train travelling from Puri derailed near Balasore on Friday.", "Puri", "depart", "vehicle"),
    ("en", "The express from Delhi collided with a goods train near Agra.", "Agra", "arrive", None),
    # rescue teams and officials are other people
    ("en", "Rescue teams from Kolkata reached the site overnight.", "Kolkata", None, "others"),
    ("fr", "Des équipes de secours venues de Strasbourg sont arrivées dans la nuit.", "Strasbourg", None, "others"),
])
def test_an_accident_and_the_people_around_it(code, sentence, name, role, traveller):
    rd = read(code, sentence, name, places=[p for p in ("Puri", "Balasore", "Delhi", "Agra", "Kolkata",
                                                       "Strasbourg") if p in sentence])
    assert (role is None or rd.role == role) and (traveller is None or rd.traveller == traveller), rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "We took the train as far as Da Nang and a taxi the rest of the way.", "Da Nang"),
    ("en", "The sleeper only runs as far as Fort William in winter, so that is where we got off.", "Fort William"),
    ("fr", "Nous avons pris le train jusqu'à Da Nang, puis un taxi.", "Da Nang"),
])
def test_as_far_as_a_place_goes_to_it(code, sentence, name):
    assert read(code, sentence, name, places=[name]).role == "dest"


@pytest.mark.parametrize("code, sentence, name", [
    # a participle of leaving fronting the sentence leaves the place, whatever entity the model reads over it
    ("fr", "Partis de Rzeszów, ils ont franchi la frontière à Przemyśl.", "Rzeszów"),
    ("fr", "Partie de Dakar à l'aube, la délégation a atteint Thiès à midi.", "Dakar"),
])
def test_a_fronted_participle_of_leaving_leaves_the_place(code, sentence, name):
    assert read(code, sentence, name, places=[name]).role == "depart"


@pytest.mark.parametrize("code, sentence, name, flag", [
    # a service that has not resumed did not run there
    ("en", "Service to Dakar, suspended since 2018, has not resumed.", "Dakar", "negated"),
    ("en", "The line to Kindu has not reopened since the war.", "Kindu", "negated"),
    ("fr", "La liaison vers Dakar, suspendue depuis 2018, n'a pas été rétablie.", "Dakar", "negated"),
    # a trip after this one: "next year", « l'an prochain »
    ("en", "Next year, perhaps, we will ride the rest of the line to Saigon.", "Saigon", "other_trip"),
    ("en", "Next summer we want to go on to Irkutsk.", "Irkutsk", "other_trip"),
    ("fr", "L'an prochain, peut-être, nous irons jusqu'à Saïgon.", "Saïgon", "other_trip"),
    ("fr", "Nous irons jusqu'à Irkoutsk l'été prochain.", "Irkoutsk", "other_trip"),
    # "eventually", « à terme »: a possibility, not a fact
    ("en", "The service will eventually run to Mumbai.", "Mumbai", "uncertain"),
    ("en", "The line may someday reach Kigali.", "Kigali", "uncertain"),
    ("fr", "À terme, la ligne devrait rejoindre Kigali.", "Kigali", "uncertain"),
    ("fr", "Nous espérons un jour aller jusqu'à Vladivostok.", "Vladivostok", "uncertain"),
    # a trip dated "since" the story's, another one
    ("en", "It was the first papal train journey since John XXIII travelled to Loreto in 1962.",
     "Loreto", "other_trip"),
    ("en", "No leader had crossed here by train since Kim Il Sung went to Moscow in 1984.", "Moscow", "other_trip"),
    ("fr", "C'est le premier voyage en train d'un pape depuis que Jean XXIII s'est rendu à Lorette en 1962.",
     "Lorette", "other_trip"),
    # a plan undone later in its sentence ("but ... not"): the journey did not go there
    ("en", "We had planned to ride on to Tozeur, but the train was no longer running.", "Tozeur", "counterfactual"),
    ("en", "They hoped to reach Kindu by Friday, but the line was not repaired in time.", "Kindu", "counterfactual"),
    ("fr", "Nous avions prévu de rejoindre Tozeur par le Lézard rouge, mais le train ne circulait plus.",
     "Tozeur", "counterfactual"),
    ("fr", "Nous voulions aller jusqu'à Kindu, mais la voie n'était pas réparée.", "Kindu", "counterfactual"),
    # a plan changed since: "originally", « initialement »
    ("en", "The president, who was originally going to fly to Marseille, finally chose the train.",
     "Marseille", "uncertain"),
    ("en", "The convoy was initially set to stop in Graz.", "Graz", "uncertain"),
    ("fr", "Le président, qui devait initialement prendre l'avion pour Marseille, a finalement choisi le rail.",
     "Marseille", "uncertain"),
    ("fr", "Le convoi devait initialement s'arrêter à Graz.", "Graz", "uncertain"),
    # a year, with a past perfect or "last" / "already" on the verb of the clause: a trip before the story's
    ("en", "Xi last travelled to Russia by rail in 2015, when he visited Vladivostok.", "Vladivostok", "other_trip"),
    ("en", "In 2019, Kim had taken the same route to reach Hanoi.", "Hanoi", "other_trip"),
    ("en", "She had already ridden the line to Kandy in 2012.", "Kandy", "other_trip"),
    ("fr", "En 2019, Kim avait déjà emprunté cet itinéraire pour se rendre à Hanoï.", "Hanoï", "other_trip"),
    ("fr", "Le président s'était rendu à Vladivostok en 2015.", "Vladivostok", "other_trip"),
    ("fr", "En 2012, elle avait déjà pris ce train jusqu'à Kandy.", "Kandy", "other_trip"),
    ("fr", "Le président français s'était rendu à Moscou en février.", "Moscou", "other_trip"),
    ("en", "The president had been to Moscow in February.", "Moscow", "other_trip"),
])
def test_what_the_sentence_says_of_going_there(code, sentence, name, flag):
    # negated, another trip (before or after the story's), a possibility, a plan undone
    rd = read(code, sentence, name, places=[name])
    assert getattr(rd, flag), rd.cues


@pytest.mark.parametrize("code, sentence, name, role, flag", [
    # "Next came X": the place after its verb, told in sequence, is the next stop, not a place acting
    ("en", "Next came Innsbruck, a short hop through the mountains.", "Innsbruck", "dest", None),
    ("en", "Then came Kandy, the old royal capital.", "Kandy", "dest", None),
    ("en", "Next came Verona, where we stayed a night.", "Verona", "dest", None),
    # leaving the train at a place is getting there
    ("en", "We left the train at Irkutsk and found a guesthouse.", "Irkutsk", "arrive", None),
    ("en", "We got off at Tver and walked to the hotel.", "Tver", "arrive", None),
    ("en", "I stepped off the train in Kandy at dusk.", "Kandy", "arrive", None),
    ("fr", "Nous avons quitté le train à Irkoutsk pour une semaine au bord du lac.", "Irkoutsk", "arrive", None),
    ("fr", "Nous sommes descendus du train à Tver.", "Tver", "arrive", None),
    ("fr", "Ils ont quitté le train à Vérone, à la nuit tombée.", "Vérone", "arrive", None),
    # a participle clause of a plan hangs under the verb: it plans what it governs, not the verb's own place
    ("en", "We left the train at Irkutsk, planning to spend a week by the lake.", "Irkutsk", "arrive", "real"),
    ("en", "We left Lyon early, hoping to see the Alps by noon.", "Lyon", "depart", "real"),
    ("en", "We reached Cuzco at dusk, intending to rest for a day.", "Cuzco", "arrive", "real"),
    # ... but a place under the plan is planned
    ("en", "We left Lyon hoping to reach Nice by dusk.", "Nice", None, "hypothetical"),
    # the train that derailed was heading somewhere it did not reach
    ("en", "The Coromandel Express, travelling from Howrah to Chennai, derailed near Balasore.", "Chennai", None,
     "hypothetical"),
    ("en", "A train travelling to Puri derailed near Balasore.", "Puri", None, "hypothetical"),
    ("en", "A goods train bound for Mumbai crashed at Nagpur on Monday.", "Nagpur", "arrive", None),
    ("fr", "Le train a déraillé à Saverne.", "Saverne", "arrive", None),
    # a capitalised compass word after a town names its station, and does not locate ("Beijing West")
    ("en", "The train from Beijing West covered the distance to Xi'an in five hours.", "Beijing", "depart", None),
    ("en", "Our train left from Hangzhou East at dawn.", "Hangzhou", "depart", None),
    ("en", "We stayed in a village north of Lyon.", "Lyon", "locate", None),
    # a place set "opposite" another locates it, even when the parse makes the word an adjective of the place
    ("en", "The next train got us to Butterworth, opposite Penang, in four hours.", "Penang", "locate", None),
    ("en", "The next train got us to Butterworth, opposite Penang, in four hours.", "Butterworth", "arrive", None),
    # a plural noun is no function word: « mon pass Interrail » says no « pas »
    ("fr", "J'ai commencé mon pass Interrail à Amsterdam, direction Berlin.", "Amsterdam", "depart", "real"),
    ("fr", "Avec nos pass Eurail, nous sommes partis de Lyon.", "Lyon", "depart", "real"),
    # how a mountain line goes down to a place is travel
    ("en", "The train spiralled down to Tirano in Italy.", "Tirano", "dest", None),
    ("en", "The line zigzags down to Flåm.", "Flåm", "dest", None),
    # what a clause on the place says of it dates no trip to it ("on to Zagreb, where the line used to start")
    ("en", "We took a local train on to Zagreb, where the line to Belgrade used to start.", "Zagreb", "dest", "real"),
    ("en", "We used to take the train to Zagreb every summer.", "Zagreb", None, "other_trip"),
    # a heritage train ("une rame historique") makes this trip; a historic journey is another
    ("fr", "Une rame historique a relié samedi Paris à Marseille.", "Marseille", "dest", "real"),
    ("en", "A historic steam train ran from York to Scarborough on Sunday.", "Scarborough", "dest", "real"),
    # a trip told as another's ("next year's trip, which will stop at ...") is another trip
    ("en", "Tickets for next year's anniversary trip, which will also stop at Coober Pedy, sold out.", "Coober Pedy",
     None, "other_trip"),
    # the verb "pass" is no mountain pass: "we passed Salt Lake City" goes by the town
    ("en", "In the small hours we passed Salt Lake City.", "Salt Lake City", "via", None),
    # a train's name the model tags as a place does not locate the town after it
    ("en", "I boarded the California Zephyr in Denver at eight.", "Denver", "depart", None),
    # a route measured is no journey told
    ("en", "The Moscow-Vladivostok route is 9,288 km long.", "Moscow", None, "extension"),
    ("fr", "Le trajet Vladivostok Moscou fait 9288 km.", "Moscou", None, "extension"),
    ("en", "Our Moscow-Vladivostok journey covered 9,288 km in a week.", "Vladivostok", None, "real"),
    # a station a town owns ("Belgrade's Prokop station") is a part of that town: the town is the stop
    ("en", "The night train leaves Belgrade's new Prokop station at 9pm.", "Prokop", "part", None),
    ("en", "We arrived at Moscow's Yaroslavsky station before dawn.", "Yaroslavsky", "part", None),
    ("en", "The train pulled out of Glasgow's Queen Street station.", "Queen Street", "part", None),
])
def test_what_the_sentence_makes_of_a_stop(code, sentence, name, role, flag):
    places = [p for p in ("Innsbruck", "Kandy", "Verona", "Irkutsk", "Tver", "Irkoutsk", "Vérone", "Lyon", "Cuzco",
                          "Nice", "Howrah", "Chennai", "Balasore", "Puri", "Mumbai", "Nagpur", "Saverne", "Beijing",
                          "Xi'an", "Hangzhou", "Belgrade", "Prokop", "Moscow", "Yaroslavsky", "Glasgow",
                          "Queen Street", "Butterworth", "Penang", "Amsterdam", "Berlin", "Tirano",
                          "Flåm", "Coober Pedy", "Salt Lake City", "Denver", "Moscow", "Vladivostok",
                          "Moscou", "Paris", "Marseille", "York", "Scarborough", "Zagreb", "Belgrade") if p in sentence]
    rd = read(code, sentence, name, places=places)
    assert role is None or rd.role == role, rd.cues
    if flag == "real":
        assert not (rd.hypothetical or rd.unreal or rd.uncertain), rd.cues
    elif flag is not None:
        assert getattr(rd, flag), rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    # a person noun the place is set on, subject of its clause: where someone is, not a stop
    ("en", "Friends in Munich had tried to persuade me to stay longer.", "Munich"),
    ("en", "A colleague in Geneva told me the line was closed.", "Geneva"),
    ("en", "My brother in Leeds sent photos of the flooded tracks.", "Leeds"),
])
def test_a_place_set_on_someone_is_where_they_are(code, sentence, name):
    rd = read(code, sentence, name, places=[name])
    assert rd.role == "origin", rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    # some of the travellers only are others: where they went is not the story's stop
    ("en", "Some of our group carried on to Banff by coach the next morning.", "Banff"),
    ("en", "Some passengers continued to Windsor.", "Windsor"),
    ("en", "Several of us went on to Banff.", "Banff"),
    ("fr", "Quelques voyageurs sont allés jusqu'à Windsor.", "Windsor"),
    ("fr", "Plusieurs passagers ont continué jusqu'à Windsor.", "Windsor"),
    # someone of the narrator's is someone else ("my sister"), unless the narrator goes along ("my sister and I")
    ("en", "My sister, who had stayed in Kharkiv, joined us a week later.", "Kharkiv"),
    ("en", "My parents had driven up from Lyon to meet us.", "Lyon"),
    ("fr", "Ma sœur avait pris le train pour Kharkiv.", "Kharkiv"),
    # the train set apart from its travellers went on without them
    ("en", "We got off at Bhopal, while the train itself went on towards Delhi.", "Delhi"),
    ("en", "The train itself continued to Vladivostok.", "Vladivostok"),
    ("fr", "Nous sommes descendus à Bhopal ; le train lui-même continuait vers Delhi.", "Delhi"),
])
def test_some_of_the_travellers_are_others(code, sentence, name):
    rd = read(code, sentence, name, places=[name] + [p for p in ("Bhopal",) if p in sentence])
    assert rd.traveller == "others", rd.cues


@pytest.mark.parametrize("code, sentence, name", [
    ("en", "My sister and I took the night train to Kandy.", "Kandy"),
    ("en", "Our train left Colombo at seven.", "Colombo"),
    ("fr", "Notre train a quitté Colombo à sept heures.", "Colombo"),
])
def test_the_narrator_s_own_train_is_the_narrator_s(code, sentence, name):
    rd = read(code, sentence, name, places=[name])
    assert rd.traveller in ("self", "vehicle"), rd.cues


@pytest.mark.parametrize("code, sentence, name, returning, round_trip, doubling", [
    # going back (journey.py makes it a second visit when the journey had been there before)
    ("en", "The next day we returned to Vienna.", "Vienna", True, False, False),
    ("en", "By nightfall we were back in Vienna.", "Vienna", True, False, False),
    ("en", "After two days we caught the return train to Glasgow.", "Glasgow", True, False, False),
    ("fr", "Le lendemain, nous sommes revenus à Lyon.", "Lyon", True, False, False),
    ("fr", "Le soir, de retour à Lyon, nous avons dîné près de la gare.", "Lyon", True, False, False),
    # there and back in one phrase
    ("en", "We took the train from Lyon to Annecy and back.", "Annecy", False, True, False),
    ("en", "We made a round trip from Edinburgh to Dundee by train.", "Dundee", False, True, False),
    ("fr", "Nous avons pris le train de Toulouse à Carcassonne et retour.", "Carcassonne", False, True, False),
    # the way turned round: no return, no end of the trip
    ("en", "From Carlisle we headed back south to Ribblehead.", "Ribblehead", False, False, True),
    ("fr", "À Lille, nous avons rebroussé chemin jusqu'à Arras.", "Arras", False, False, True),
    # none of these: a fare, the back of a building, a return only decided, a service's round trips
    ("en", "I bought a return ticket to Dundee.", "Dundee", False, False, False),
    ("fr", "Nous avons acheté un billet aller-retour pour Rouen.", "Rouen", False, False, False),
    ("en", "We walked to the museum at the back of Glasgow station.", "Glasgow", False, False, False),
    ("en", "We decided to take the train back to Glasgow.", "Glasgow", False, False, False),
    ("en", "The shuttle makes 25 round trips between Toyama and Tsuruga a day.", "Tsuruga", False, False, False),
])
def test_going_back_there_and_back_and_turning_round_are_read(code, sentence, name, returning, round_trip, doubling):
    places = [w for w in ("Vienna", "Glasgow", "Lyon", "Annecy", "Edinburgh", "Dundee", "Toulouse", "Carcassonne",
                          "Carlisle", "Ribblehead", "Lille", "Arras", "Rouen", "Toyama", "Tsuruga") if w in sentence]
    rd = read(code, sentence, name, places)
    assert (rd.returning, rd.round_trip, rd.doubling) == (returning, round_trip, doubling), rd.cues
    if doubling:
        assert not rd.final  # "back south" is no return home: it ends nothing
