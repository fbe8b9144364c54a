"""Fuzzing the story loader and the quote matcher (issue 4): whatever the input, the only exception that
may come out is the project's own `MapgenError` (which the CLI turns into one `Error:` line).

Two kinds of story.toml: raw text and bytes (mostly syntax errors), and structurally plausible TOML built
from the real keys with values of random types and contents (which reaches the validation code).
"""
from __future__ import annotations

import datetime
import math
import re
import shutil
import string

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from mapgen.article import APOSTROPHES, Article, Match, normalize
from mapgen.errors import MapgenError
from mapgen.story import SOURCE_KEYS, STOP_KEYS, STORY_KEYS, load_story

FUZZ = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ARTICLE = (
    "date 2023-09\n"
    "Kim a quitté Pyongyang pour la Russie dimanche à bord de son train privé. "
    "Il est arrivé à Khasan mardi, la principale porte ferroviaire de l’Extrême-Orient russe.\n\n"
    "Poutine est arrivé lundi à Vladivostok, a indiqué TASS. « Ce sera une visite », a dit Peskov. "
    "Il était possible qu’il s’entretienne avec Poutine au cosmodrome de Vostochny là-bas."
)
QUOTES = [
    "Kim a quitté Pyongyang pour la Russie dimanche", "arrivé à Khasan mardi",
    "Poutine est arrivé lundi à Vladivostok", "qu'il s'entretienne avec Poutine",
    "« Ce sera une visite »", "arrivé à Osaka", "à", "",
]
PLACES = ["Pyongyang", "Khasan", "Vladivostok", "cosmodrome de Vostochny", "", "  ", "Xyzzyville"]


@pytest.fixture(scope="module")
def story_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz") / "fuzz-story"
    d.mkdir()
    return d


def write_story(d, toml: str | bytes, article: str | bytes = ARTICLE):
    for name, body in (("story.toml", toml), ("article.txt", article)):
        p = d / name
        if p.is_dir():
            shutil.rmtree(p)
        p.write_bytes(body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body)


def load_or_error(d):
    """load_story, letting only MapgenError through; returns the story or None."""
    try:
        story = load_story(d)
    except MapgenError as exc:
        event(f"error: {exc.field.split('.')[-1] if exc.field else exc.msg[:14]}")
        msg = str(exc)
        assert "\n" not in msg.split(": ", 1)[0], f"the file/field part of {msg!r} spans lines"
        return None
    event("loaded")
    return story


# --------------------------------------------------------------------------------------------------
# a small TOML writer (the standard library only reads TOML)

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def toml_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(k: str) -> str:
    return k if _BARE.fullmatch(k) else toml_str(k)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        r = repr(v)
        return r if any(c in r for c in ".e") else r + ".0"
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_doc(doc: dict) -> str:
    """Scalars and inline values first, then [source] and [[stops]] as real headers when they are a
    table and a list of tables (as stories are written), else inline."""
    lines, tail = [], []
    for k, v in doc.items():
        if k == "source" and isinstance(v, dict):
            tail.append("[source]")
            tail += [f"{toml_key(kk)} = {toml_value(vv)}" for kk, vv in v.items()]
        elif k == "stops" and isinstance(v, list) and v and all(isinstance(s, dict) for s in v):
            for stop in v:
                tail.append("[[stops]]")
                tail += [f"{toml_key(kk)} = {toml_value(vv)}" for kk, vv in stop.items()]
        else:
            lines.append(f"{toml_key(k)} = {toml_value(v)}")
    return "\n".join(lines + tail) + "\n"


# --------------------------------------------------------------------------------------------------
# strategies

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    text,
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),  # beyond any float
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.sampled_from(["2023-09-12", "2023-09", "2023-13-45", "2023-02-30", "RU", "ru", "straight",
                     "stated", "reported", "possible", "rail", "air", "https://example.org/a", "ftp://x",
                     "../../etc/passwd", "/etc/passwd", "article.txt", "story.toml", ".", ""]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(text, inner, max_size=3)),
                      max_leaves=6)


STRAY_KEYS = st.one_of(st.sampled_from(["titel", "qoute", "latitude", "a\nb", "", "Place"]), text)
# for each key, values of the right kind; the loader must accept the first ones ("valid") and refuse
# the rest ("bad") with a MapgenError
coord = st.one_of(st.floats(-90, 90), st.integers(-90, 90))
clean = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)  # no control characters
VALID = {
    "title": clean.filter(str.strip), "language": st.sampled_from(["fr", "en"]),
    "date": st.sampled_from(["2023-09-12", "2023-09", "2024-02-29"]),
    "fallback": st.just("straight"), "article": st.just("article.txt"),
    "name": clean, "citation": clean, "url": st.just("https://example.org/a?b=c"), "published": clean,
    "place": st.sampled_from(PLACES[:4]), "quote": st.sampled_from(QUOTES[:5]),
    "certainty": st.sampled_from(["stated", "reported", "possible"]),
    "mode": st.sampled_from(["rail", "road", "air", "sea"]), "country": st.sampled_from(["RU", "KP"]),
    "near": st.sampled_from(PLACES[:4]), "note": clean, "lat": coord, "lon": coord,
    "source": st.just("OpenStreetMap"), "via": st.just(False),
}
BAD = {
    "date": ["2023-13", "2023-02-30", "12/09/2023", "2023-09-12\n"],
    "fallback": ["curve", ""], "article": ["../../etc/passwd", "/etc/passwd", "story.toml", "", ".", "nope.txt"],
    "url": ["javascript:alert(1)", "http://", "example.org"],
    "place": PLACES[4:], "quote": QUOTES[5:], "certainty": ["sure", "Stated"], "mode": ["train"],
    "country": ["ru", "RU\n", "RUS"], "near": ["Xyzzyville"], "lat": [91, -90.5, float("nan"), 10**300],
    "lon": [180.5, float("inf"), -(10**30)], "source": ["", " "], "via": [True],
}


@st.composite
def valid_story(draw) -> dict:
    """A story the loader accepts (places as written, quotes that are in ARTICLE)."""
    n = draw(st.integers(2, 4))
    places = draw(st.permutations(PLACES[:4]))  # distinct: a repeated stop is one of the defects
    quotes = draw(st.permutations(QUOTES[:5]))
    stops = []
    for i in range(n):
        stop = {"place": places[i], "quote": quotes[i]}
        for k in sorted(STOP_KEYS - {"place", "quote", "lat", "lon", "source", "via"}):
            if draw(st.booleans()):
                stop[k] = draw(VALID[k] if k != "date" else st.sampled_from(["2023-09-12", "2024-02-29"]))
        if draw(st.booleans()):
            lat, lon = draw(coord), draw(coord)
            if stops and (lat, lon) == (stops[-1].get("lat"), stops[-1].get("lon")):
                lon = lon - 1 if lon > 0 else lon + 1  # two stops in a row at one point are one stop
            stop.update(lat=lat, lon=lon, source="OpenStreetMap")
        stops.append(stop)
    source = {"name": draw(VALID["name"]), "citation": draw(VALID["citation"])}
    if draw(st.booleans()):
        source["url"] = draw(VALID["url"])
    doc = {"title": draw(VALID["title"]), "language": draw(VALID["language"])}
    for k in ("date", "fallback", "article"):
        if draw(st.booleans()):
            doc[k] = draw(VALID[k])
    return {**doc, "source": source, "stops": stops}


@st.composite
def stories(draw) -> dict:
    """A valid story with up to three defects: a key removed, a value replaced by a bad or a random
    one, a stray key, a stop removed or repeated."""
    doc = draw(valid_story())
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3]))):
        tables = [(doc, STORY_KEYS)]
        if isinstance(doc.get("source"), dict):
            tables.append((doc["source"], SOURCE_KEYS))
        if isinstance(doc.get("stops"), list):
            tables += [(s, STOP_KEYS) for s in doc["stops"] if isinstance(s, dict)]
        table, keys = draw(st.sampled_from(tables))
        op = draw(st.sampled_from(["bad", "delete", "random", "stray", "stops"]))
        key = draw(st.sampled_from(sorted(keys)))
        if op == "bad" and key in BAD:
            table[key] = draw(st.sampled_from(BAD[key]))
            if key in ("lat", "lon"):  # with its partner and a source, so the range check is reached
                table.setdefault("lat", 42.4)
                table.setdefault("lon", 130.6)
                table.setdefault("source", "OpenStreetMap")
        elif op == "delete":
            table.pop(key, None)
        elif op == "random":
            table[key] = draw(values)
        elif op == "stray":
            table[draw(STRAY_KEYS)] = draw(values)
        elif op == "stops" and isinstance(doc.get("stops"), list) and doc["stops"]:
            i = draw(st.integers(0, len(doc["stops"]) - 1))
            if draw(st.booleans()):
                del doc["stops"][i]
            else:
                doc["stops"].insert(draw(st.integers(0, len(doc["stops"]))), dict(doc["stops"][i]))
    return doc


GOOD = {
    "title": "T", "language": "fr", "source": {"name": "N", "citation": "C"},
    "stops": [{"place": "Pyongyang", "quote": QUOTES[0]}, {"place": "Khasan", "quote": QUOTES[1]}],
}


# --------------------------------------------------------------------------------------------------
# the story loader


@FUZZ
@given(raw=st.one_of(st.text(max_size=300), st.binary(max_size=300),
                     st.lists(st.sampled_from(["[source]", "[[stops]]", "title = ", '"x"', "= 1", "[",
                                               '"""', "\n", "place = \"Khasan\"", "quote =", "{", "}",
                                               "[[", "]]", ",", "nan", "1979-05-27T07:32:00Z"]),
                              max_size=40).map(" ".join)))
def test_load_story_on_arbitrary_text(story_dir, raw):
    write_story(story_dir, raw)
    load_or_error(story_dir)


@FUZZ
@given(doc=stories(), article=st.sampled_from([ARTICLE] * 8 + ["", "date 2023-09\n", "Kim"]))
@example(doc=GOOD, article=ARTICLE)
@example(doc={**GOOD, "stops": [{"place": "A", "quote": QUOTES[0], "lat": 10**400, "lon": 0, "source": "s"},
                                GOOD["stops"][1]]}, article=ARTICLE)
def test_load_story_on_plausible_toml(story_dir, doc, article):
    toml = toml_doc(doc)
    import tomllib
    tomllib.loads(toml)  # the writer is right: the fuzzing reaches validation, not just the parser
    write_story(story_dir, toml, article)
    story = load_or_error(story_dir)
    if story is not None:  # whatever loads is valid
        real = [s for s in story.stops if not s.via]
        assert len(real) >= 2 and not story.stops[0].via and not story.stops[-1].via
        assert story.title.strip() and story.language
        assert story.url is None or re.fullmatch(r"https?://\S+", story.url)
        if story.date:
            datetime.date.fromisoformat(story.date if len(story.date) == 10 else story.date + "-01")
        for s in real:
            assert story.article.find(s.quote) == s.match and s.place.strip()
        for s in story.stops:
            assert s.certainty in ("stated", "reported", "possible") and s.mode in ("rail", "road", "air", "sea")
            assert s.country is None or re.fullmatch(r"[A-Z]{2}", s.country)
            assert s.date is None or datetime.date.fromisoformat(s.date)
            if s.lat is not None:
                assert -90 <= s.lat <= 90 and -180 <= s.lon <= 180 and s.source.strip()


@FUZZ
@given(doc=valid_story())
@example(doc=GOOD)
def test_every_valid_generated_story_loads(story_dir, doc):
    """The stories the structured strategy starts from are ones the loader must accept, so the fuzzing
    above reaches validation with real stories and a few defects, not noise: each loads, as written."""
    write_story(story_dir, toml_doc(doc))
    story = load_story(story_dir)
    assert [(s.place, s.quote) for s in story.stops] == [(s["place"], s["quote"]) for s in doc["stops"]]
    assert story.title == doc["title"] and story.language == doc["language"]


# --------------------------------------------------------------------------------------------------
# the article and the quote matcher

ws = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\u2009", "\r\n", "\x1c"])
apos = st.sampled_from(["'", *APOSTROPHES])
articles = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(["Kim", "Khasan", "à", ".", "!", "?", "…", "«", "»", "\"", "é",
                                        "e\u0301", "\u0301", "Ａ", "ﬁ", "가", "\u1100\u1161", "date 2023-09"]),
                       ws, apos, st.text(string.ascii_letters, max_size=5)), max_size=60).map("".join),
)


def parsed(text: str) -> Article | None:
    try:
        return Article.parse(text)
    except MapgenError:
        return None


def mutate(quote: str, draw) -> str:
    """Same quote as a reader would copy it: other apostrophes, other whitespace."""
    out = []
    for ch in quote:
        if ch.isspace():
            out.append(draw(ws))
        elif ch in "'" + APOSTROPHES:
            out.append(draw(apos))
        else:
            out.append(ch)
    return "".join(out)


def check_match(a: Article, q: str, m: Match | None) -> None:
    if m is None:
        return
    assert 0 <= m.sentence_start <= m.start < m.end <= m.sentence_end <= len(a.text)
    assert normalize(a.text[m.start:m.end]) == normalize(q)


@FUZZ
@given(text=articles, quote=st.one_of(st.text(max_size=60), st.sampled_from(QUOTES)))
def test_article_on_arbitrary_unicode(text, quote):
    a = parsed(text)
    if a is None:
        return
    assert a.text == a.text.strip() and "\r\n" not in a.text
    for s0, s1 in a.sentences:
        assert 0 <= s0 < s1 <= len(a.text)
    m = a.find(quote)
    check_match(a, quote, m)
    try:
        assert a.locate(quote, where="story.toml", field="stops[0].quote") == m
    except MapgenError as exc:
        assert m is None and "stops[0].quote" in str(exc)
    assert isinstance(a.closest_passage(quote), str)


@FUZZ
@given(text=articles, data=st.data())
def test_every_passage_of_the_article_is_found(text, data):
    """A quote copied from the article (apostrophes and whitespace as a web page might give them)
    is always found, and the match covers the same words."""
    a = parsed(text)
    assume(a is not None)
    i = data.draw(st.integers(0, len(a.text) - 1))
    j = data.draw(st.integers(i + 1, len(a.text)))
    quote = mutate(a.text[i:j], data.draw)
    m = a.find(quote)
    if normalize(quote):
        assert m is not None, (a.text, quote)
    check_match(a, quote, m)


@FUZZ
@given(st.text(max_size=200))
def test_normalize_is_idempotent(s):
    n = normalize(s)
    assert normalize(n) == n
    assert n == n.strip() and "  " not in n
