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
    (HEAD + '[[stops]]\nplace = "Pyongyang"\nquote = "left Pyongyang"\n', "field stops", "at least two stops"),
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
