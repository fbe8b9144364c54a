"""Stage 1a: article text, sentences and quote matching."""
import pytest

from mapgen.article import Article, normalize
from mapgen.errors import QuoteNotFound


def test_metadata_line_is_not_text():
    a = Article.parse(" date 2023-09 Kim est arrivé. Puis il est reparti.")
    assert a.date == "2023-09"
    assert a.text.startswith("Kim est arrivé.")


def test_apostrophes_and_whitespace_are_folded():
    a = Article.parse("Il s’entretient  avec\nPoutine au cosmodrome.")
    m = a.find("Il s'entretient avec Poutine")
    assert m is not None
    assert a.text[m.start : m.end] == "Il s’entretient  avec\nPoutine"
    assert normalize("a  \t b’c") == "a b'c"


def test_quote_is_case_and_word_exact():
    a = Article.parse("Kim a quitté Pyongyang dimanche.")
    assert a.find("kim a quitté") is None
    assert a.find("Kim a quitté Pyongyang") is not None


def test_sentence_around_quote():
    a = Article.parse("Première phrase. Kim a quitté Pyongyang dimanche. « Ce sera une visite », a dit Peskov.")
    m = a.find("quitté Pyongyang")
    assert a.text[m.sentence_start : m.sentence_end] == "Kim a quitté Pyongyang dimanche."


def test_missing_quote_shows_closest_passage():
    a = Article.parse("Poutine est arrivé lundi à Vladivostok, a indiqué TASS. Autre chose.")
    with pytest.raises(QuoteNotFound) as e:
        a.locate("Poutine arrive à Vladivostok", where="story.toml", field="stops[2].quote")
    msg = str(e.value)
    assert "story.toml" in msg and "stops[2].quote" in msg
    assert "closest passage: 'Poutine est arrivé lundi à Vladivostok" in msg


def test_seed_sentences(seed_dir):
    a = Article.read(seed_dir / "article.txt")
    m = a.find("Poutine est arrivé lundi à Vladivostok")
    assert a.text[m.sentence_start : m.sentence_end] == (
        "Poutine est arrivé lundi à Vladivostok, a indiqué l’agence de presse russe TASS."
    )
