"""Stage 1b: story.toml validation."""
import pytest

from mapgen.errors import StoryError
from mapgen.story import load_story

HEAD = 'title = "T"\nlanguage = "en"\n[source]\nname = "N"\ncitation = "C"\n'
TWO = HEAD + '[[stops]]\nplace = "Pyongyang"\nquote = "left Pyongyang"\n[[stops]]\nplace = "Khasan"\nquote = "reached Khasan"\n'


def test_seed_story_loads(seed_dir):
    s = load_story(seed_dir)
    assert [st.place for st in s.stops] == ["Pyongyang", "Khasan", "Vladivostok", "cosmodrome de Vostochny"]
    assert s.stops[-1].certainty == "possible"
    assert s.slug == "kim-2023-russia"


def test_valid_minimal(make_story):
    s = load_story(make_story(TWO))
    assert len(s.stops) == 2 and s.stops[1].order == 2


@pytest.mark.parametrize("toml, field, text", [
    (TWO.replace('title = "T"\n', ""), "field title", "missing required field"),
    (TWO.replace('quote = "reached Khasan"', 'quote = "reached Moscow"'), "stops[1].quote", "not in the article"),
    (TWO.replace('language = "en"', 'langauge = "en"'), "langauge", "did you mean 'language'"),
    (TWO + 'lat = 1\n', "stops[1].lon", "together"),
    (TWO + 'lat = 91\nlon = 0\nsource = "x"\n', "stops[1].lat", "outside -90..90"),
    (TWO + 'lat = 42.4\nlon = 130.6\n', "stops[1].source", "needs a source"),
    (TWO + 'certainty = "sure"\n', "stops[1].certainty", "not one of"),
    (TWO.replace('title = "T"', "title = 3"), "field title", "must be a string"),
    # from the mutation check: the source's name and a transit table's country are required
    (TWO.replace('name = "N"\n', ""), "field source.name", "missing required field"),
    (TWO.replace('language = "en"\n', 'language = "en"\ntransit = [{ quote = "via Russia" }]\n'),
     "field transit[0].country", "missing required field"),
    (TWO.replace('language = "en"\n', 'language = "en"\ntransit = [{ country = "RU", qoute = "x" }]\n'),
     "transit[0].qoute", "unknown"),
])
def test_bad_story(make_story, toml, field, text):
    with pytest.raises(StoryError) as e:
        load_story(make_story(toml))
    assert field in str(e.value) and text in str(e.value)
    assert "story.toml" in str(e.value)


def test_toml_syntax_error_has_line_and_column(make_story):
    with pytest.raises(StoryError) as e:
        load_story(make_story(HEAD + "[[stops]]\nplace = \n"))
    assert "line 7" in str(e.value) and "column" in str(e.value)


VIA = '[[stops]]\nplace = "Vladivostok"\nvia = true\n'


@pytest.mark.parametrize("toml, field, text", [
    (TWO.replace('language = "en"\n', 'language = "en"\ndate = "12/09/2023"\n'), "field date",
     "'12/09/2023' is not YYYY-MM or YYYY-MM-DD"),
    (TWO + 'date = "2023-09"\n', "stops[1].date", "'2023-09' is not YYYY-MM-DD"),
    # a copy-paste slip is found past a via point too
    (TWO + VIA + '[[stops]]\nplace = "Pyongyang"\nquote = "left Pyongyang"\n', "stops[3].quote", "repeats stop 1"),
    # two stops in a row at one point are one stop, whatever they are called
    (TWO.replace('place = "Khasan"', 'place = "Khasan"\nlat = 42.43\nlon = 130.64\nsource = "s"').replace(
        'place = "Pyongyang"', 'place = "Khasan station"\nlat = 42.43\nlon = 130.64\nsource = "s"'),
     "stops[1].place", "repeats stop 1"),
    (TWO + 'lat = 42.4\nlon = 180.5\nsource = "s"\n', "stops[1].lon", "outside -180..180"),
])
def test_more_bad_stories(make_story, toml, field, text):
    with pytest.raises(StoryError) as e:
        load_story(make_story(toml))
    assert field in str(e.value) and text in str(e.value)


def test_namesakes_apart_and_a_stop_on_the_antimeridian_are_fine(make_story):
    """Two stops in a row with one name but their own coordinates are two places; lon 180 is on the map."""
    toml = HEAD + ('[[stops]]\nplace = "Khasan"\nquote = "left Pyongyang"\nlat = 42.43\nlon = 130.64\nsource = "s"\n'
                   '[[stops]]\nplace = "Khasan"\nquote = "reached Khasan"\nlat = 65.0\nlon = 180\nsource = "s"\n')
    s = load_story(make_story(toml))
    assert [(st.place, st.lon) for st in s.stops] == [("Khasan", 130.64), ("Khasan", 180.0)]


@pytest.mark.parametrize("extra, field", [
    ('[source]\nname = "N"\ncitation = "C"\nurl = "ftp://' + "x" * 5000 + '"\n', "field source.url"),
    ('[[stops]]\nplace = "Tokyo"\nquote = "reached Khasan"\nlat = ' + "9" * 400 + '\nlon = 0\nsource = "s"\n',
     "field stops[2].lat"),
])
def test_a_huge_bad_value_is_cut_short_in_the_error(make_story, extra, field):
    """What is wrong is said in at most 200 characters, whatever the value (the message is one line)."""
    toml = TWO + extra if "stops" in extra else TWO.replace('[source]\nname = "N"\ncitation = "C"\n', extra)
    with pytest.raises(StoryError) as e:
        load_story(make_story(toml))
    what = str(e.value).split(f"{field}: ", 1)[1]
    assert len(what) == 200, what
