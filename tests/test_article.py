"""Stage 1a: article text, sentences and quote matching."""
import pytest

from mapgen.article import Article, normalize
from mapgen.errors import MapgenError, QuoteNotFound


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


def test_an_abbreviation_does_not_end_a_sentence_but_other_stops_do():
    a = Article.parse("Kim met Dr. Lee and M. Shoigu at Khasan. Did he leave? He did! Then St. Petersburg.")
    assert [a.text[s:e] for s, e in a.sentences] == [
        "Kim met Dr. Lee and M. Shoigu at Khasan.", "Did he leave?", "He did!", "Then St. Petersburg."]


def test_sentences_carry_no_surrounding_space():
    a = Article.parse("Kim left Pyongyang.   \t He reached Khasan!  \n\n  Putin waited.  ")
    assert [a.text[s:e] for s, e in a.sentences] == ["Kim left Pyongyang.", "He reached Khasan!", "Putin waited."]


def test_a_long_missing_quote_is_shown_cut_short():
    a = Article.parse("Kim left Pyongyang on Sunday.")
    quote = "Kim arrived " + "x" * 300
    with pytest.raises(MapgenError) as exc:
        a.locate(quote, where="story.toml", field="stops[0].quote")
    assert repr(quote[:199] + "…") in str(exc.value) and quote[:200] not in str(exc.value)


def test_an_article_of_the_largest_size_is_read_whole_and_one_byte_more_is_refused(tmp_path):
    from mapgen.article import MAX_ARTICLE_BYTES

    path = tmp_path / "article.txt"
    sentence = b"Kim left Pyongyang on Sunday. "
    body = sentence * (MAX_ARTICLE_BYTES // len(sentence))
    path.write_bytes(body + b"x" * (MAX_ARTICLE_BYTES - len(body)))
    assert len(Article.read(path).text) == MAX_ARTICLE_BYTES
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(MapgenError, match="the limit is"):
        Article.read(path)


def test_the_closest_passage_is_found_among_sentences_sharing_only_small_words():
    """The hint for a misquote: of seven sentences, six share its small words ("a", "à", "de", "le"),
    one its names and verbs; that one is shown, cut to `width` with an ellipsis when longer."""
    filler = [
        "Selon le porte-parole, il y a eu de longues discussions à huis clos sur la coopération spatiale.",
        "Le ministère a dit que les munitions de la Corée du Nord iraient à la guerre en Ukraine.",
        "Washington a renouvelé le rappel de ses avertissements contre toute livraison d'armes à Moscou.",
        "Le Kremlin a déclaré que les deux dirigeants parleraient de questions sensibles à l'abri des caméras.",
        "Un analyste a noté que le voyage venait après des mois de préparatifs à Séoul comme à Tokyo.",
        "La télévision a montré le quai de la gare décoré de drapeaux, à côté de portraits des dirigeants.",
    ]
    right = "Kim a quitté Pyongyang pour la Russie dimanche à bord de son train privé."
    a = Article.parse(" ".join(filler[:3] + [right] + filler[3:]))
    misquote = "Kim a quitté Pyongyang le dimanche à bord de son train"
    assert "quitté Pyongyang pour la Russie dimanche à bord de son" in a.closest_passage(misquote)
    assert a.closest_passage(misquote, width=30) == "a quitté Pyongyang pour la Ru…"


@pytest.mark.parametrize("text, sentences", [
    # a heading, a caption or a dateline on a line of its own ends there, full stop or not
    ("Golden Triangle by rail\nWe began in Delhi. Then Agra.", ["Golden Triangle by rail", "We began in Delhi.",
                                                               "Then Agra."]),
    ("Day 3: Hue to Hoi An\nWe caught the early train.", ["Day 3: Hue to Hoi An", "We caught the early train."]),
    ("The new line opened. Credit: PTI Photo\nHe inaugurated it on Monday.",
     ["The new line opened.", "Credit: PTI Photo", "He inaugurated it on Monday."]),
    # a sentence wrapped at a short word, a comma or a hyphen goes on
    ("We took the train to\nVienna and on to Graz.", ["We took the train to\nVienna and on to Graz."]),
    ("La machine nous dépose à La\nLopé, au bord du fleuve.", ["La machine nous dépose à La\nLopé, au bord du fleuve."]),
    ("From Lyon,\nAnnecy is an hour away.", ["From Lyon,\nAnnecy is an hour away."]),
    # a text hard-wrapped in mid-sentence (lines going on in lower case) has no headings told by lines
    ("The line links\nLibreville and Franceville, across\nthe whole country, and since\nthe eighties it has\ncarried ore",
     ["The line links\nLibreville and Franceville, across\nthe whole country, and since\nthe eighties it has\ncarried ore"]),
])
def test_a_line_of_its_own_ends_a_sentence(text, sentences):
    a = Article.parse(text)
    assert [a.text[s:e] for s, e in a.sentences] == sentences
