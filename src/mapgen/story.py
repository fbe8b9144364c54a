"""A story: `geo/stories/<slug>/story.toml` plus the article it cites.

Loading validates everything up front and reports the first problem as a `StoryError` naming the file
and the field (`stops[2].quote`), so a bad story never reaches geocoding or rendering.
"""
from __future__ import annotations

import datetime
import difflib
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .article import CONTROL, Article, Match, normalize
from .errors import StoryError

CERTAINTIES = ("stated", "reported", "possible")
MODES = ("rail", "road", "air", "sea")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
RESERVED_SLUGS = {"index"}  # maps/index.html
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

MAX_STORY_BYTES = 1_000_000  # story.toml, checked before it is parsed
MAX_TEXT = 10_000  # characters in any one string (a note, a quote): a page is not a place for a book
MAX_STOPS = 1_000

STORY_KEYS = {"title", "language", "date", "source", "article", "stops", "fallback", "transit", "map_language"}
TRANSIT_KEYS = {"country", "quote"}
MAP_LANGUAGES = ("en", "fr", "ru", "de", "es", "pt", "zh")  # the languages of the label data (geo/labels/)
SOURCE_KEYS = {"name", "citation", "url", "published"}
STOP_KEYS = {
    "place", "quote", "date", "certainty", "country", "near", "lat", "lon", "source", "mode",
    "note", "via",
}


@dataclass(frozen=True)
class Stop:
    order: int  # 1-based, as shown on the map
    place: str  # as the article writes it
    quote: str
    match: Match
    certainty: str = "stated"
    date: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 hint
    near: str | None = None  # a place name the stop is near
    lat: float | None = None  # explicit override, with `source`
    lon: float | None = None
    source: str | None = None
    mode: str = "rail"  # how the leg arriving at this stop was travelled
    note: str | None = None
    via: bool = False  # a waypoint the route must pass, not an annotated stop


@dataclass(frozen=True)
class Transit:
    """A country the article says the journey crossed: legs may use its railways (`transit = ["AT"]`)."""

    country: str  # ISO 3166 alpha-2
    quote: str = ""  # where the article says so (checked like a stop's quote)
    match: Match | None = None


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    language: str
    source_name: str
    citation: str
    article: Article
    stops: tuple[Stop, ...]
    path: Path  # the story.toml
    url: str | None = None
    date: str | None = None
    fallback: bool = False  # may a leg with no rail path be drawn as a labelled straight line?
    map_language: str = "en"  # the language of the map's labels and place names
    extra: dict = field(default_factory=dict)
    transit: tuple[Transit, ...] = ()  # countries crossed: every leg may use their railways

    @property
    def transit_countries(self) -> frozenset[str]:
        return frozenset(t.country for t in self.transit)


def load_story(path: Path) -> Story:
    """Read and validate a story folder (or its story.toml)."""
    path = Path(path)
    if not path.exists():
        raise StoryError("no such story folder or story.toml", where=str(path))
    toml_path = path / "story.toml" if path.is_dir() else path
    folder = toml_path.parent
    where = str(toml_path)
    # The slug is the folder's own name, with `.` and `..` in the path resolved first (so `mapgen build .`
    # works inside a story folder); a name that is not a slug (`..x`, `Bad_Name`) is refused, since it
    # becomes the output file name.
    slug = Path(os.path.abspath(folder)).name
    if not SLUG.fullmatch(slug):
        raise StoryError(
            f"story folder name {slug!r} is not a valid slug (lower-case letters, digits and -)",
            where=str(folder),
        )
    if slug in RESERVED_SLUGS:
        raise StoryError(f"story folder name {slug!r} is taken: {slug}.html is the page listing the maps",
                         where=str(folder))
    if toml_path.exists() and not toml_path.is_file():  # a folder, or a FIFO that would block the read
        raise StoryError("cannot read: not a regular file", where=where)
    try:
        with open(toml_path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_STORY_BYTES:  # before reading: a huge file is never parsed
                raise StoryError(f"story.toml is {size:,} bytes; the limit is {MAX_STORY_BYTES:,}", where=where)
            raw = f.read(MAX_STORY_BYTES + 1)
    except FileNotFoundError:
        raise StoryError("no story.toml here", where=where) from None
    except OSError as exc:
        raise StoryError(f"cannot read: {exc.strerror}", where=where) from None
    if len(raw) > MAX_STORY_BYTES:  # it grew while we read it
        raise StoryError(f"story.toml is over the limit of {MAX_STORY_BYTES:,} bytes", where=where)
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StoryError(f"not UTF-8 (byte {exc.start})", where=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"invalid TOML: {exc}", where=where) from None
    except ValueError as exc:  # e.g. an integer literal longer than Python's digit limit
        raise StoryError(f"invalid TOML: {exc}", where=where) from None
    except RecursionError:
        raise StoryError("invalid TOML: arrays or tables nested too deeply", where=where) from None

    _check_keys(doc, STORY_KEYS, where, "")
    title = _get(doc, "title", str, where, required=True)
    language = _get(doc, "language", str, where, required=True)
    date = _get(doc, "date", str, where)
    if date is not None and not _valid_date(date, month_ok=True):
        raise StoryError(f"date {date!r} is not YYYY-MM or YYYY-MM-DD", where=where, field="date")
    fallback = _get(doc, "fallback", str, where)
    if fallback not in (None, "straight"):
        raise StoryError(f"fallback must be \"straight\", not {fallback!r}", where=where, field="fallback")
    map_language = _get(doc, "map_language", str, where) or "en"
    if map_language not in MAP_LANGUAGES:
        raise StoryError(f"map_language {map_language!r} is not one of {', '.join(MAP_LANGUAGES)}", where=where,
                         field="map_language")
    source = _get(doc, "source", dict, where, required=True)
    _check_keys(source, SOURCE_KEYS, where, "source.")
    source_name = _get(source, "name", str, where, required=True, prefix="source.")
    citation = _get(source, "citation", str, where, required=True, prefix="source.")
    url = _get(source, "url", str, where, prefix="source.")
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        raise StoryError(f"url {url!r} is not an http:// or https:// address"[:200], where=where,
                         field="source.url")

    article_name = _get(doc, "article", str, where)
    if article_name is not None and not article_name.strip():
        raise StoryError("article is empty; leave it out to use article.txt", where=where, field="article")
    article_name = article_name or "article.txt"
    article_path = (folder / article_name).resolve()
    if folder.resolve() not in article_path.parents:
        raise StoryError("article must be a file inside the story folder", where=where, field="article")
    if article_path == toml_path.resolve():  # its quotes would all be "found" in itself
        raise StoryError("the article cannot be story.toml itself", where=where, field="article")
    article = Article.read(article_path)
    transit = _transit(doc, article, where)

    stops_raw = _get(doc, "stops", list, where, required=True)
    if len(stops_raw) > MAX_STOPS:
        raise StoryError(f"{len(stops_raw):,} stops; the limit is {MAX_STOPS:,}", where=where, field="stops")
    stops = []
    for i, raw_stop in enumerate(stops_raw):
        stops.append(_stop(raw_stop, i, article, where))
    real = [s for s in stops if not s.via]
    if not real:
        raise StoryError("a story needs at least one stop; found 0", where=where, field="stops")
    if stops[0].via or stops[-1].via:
        raise StoryError("the first and last stops cannot be via points", where=where, field="stops")
    for a, b in zip(stops, stops[1:]):
        if _same_place(a, b):
            raise StoryError(
                f"stop {b.order} repeats stop {a.order} ({b.place!r}); remove one",
                where=where, field=f"stops[{b.order - 1}].place",
            )
    # A journey may return to an earlier place (a round trip), but a stop that repeats an earlier one's
    # place *and* quote is a copy-paste slip.
    seen: dict[tuple[str, str], Stop] = {}
    for s in stops:
        if s.via:
            continue
        key = (s.place.casefold(), normalize(s.quote))
        if key in seen:
            first = seen[key]
            raise StoryError(
                f"stop {s.order} repeats stop {first.order} ({s.place!r}, same quote); remove one or cite"
                " the sentence about the second visit",
                where=where, field=f"stops[{s.order - 1}].quote",
            )
        seen[key] = s
    return Story(
        slug=slug, title=title, language=language, source_name=source_name, citation=citation,
        article=article, stops=tuple(stops), path=toml_path, url=url,
        date=date or article.date, fallback=fallback == "straight", transit=transit, map_language=map_language,
    )


def _transit(doc: dict, article: Article, where: str) -> tuple[Transit, ...]:
    """`transit = ["AT", { country = "CH", quote = "..." }]`: countries the journey crossed, each a code or
    a table with its code and the article's words for it."""
    items = _get(doc, "transit", list, where)
    if items is not None and len(items) > len(ISO_COUNTRIES):
        raise StoryError(f"{len(items):,} countries; there are {len(ISO_COUNTRIES)}", where=where, field="transit")
    out = []
    for i, item in enumerate(items or []):
        field = f"transit[{i}]"
        if isinstance(item, str):
            code, quote = item, None
        elif isinstance(item, dict):
            _check_keys(item, TRANSIT_KEYS, where, field + ".")
            code = _get(item, "country", str, where, required=True, prefix=field + ".")
            quote = _get(item, "quote", str, where, prefix=field + ".")
            field += ".country"
        else:
            raise StoryError(f"must be a country code such as \"AT\" or a table {{ country = \"AT\", quote = \"...\" }}, "
                             f"not {type(item).__name__}"[:200], where=where, field=field)
        if not _ISO2.fullmatch(code) or code not in _country_codes():
            hint = _country_code_for(code)
            raise StoryError(f"{code!r} is not an ISO 3166 alpha-2 country code"[:120]
                             + (f"; did you mean {hint!r}?" if hint else " such as \"AT\""), where=where, field=field)
        match = None
        if quote is not None:
            if len(quote.strip()) < 3:
                raise StoryError("quote is too short to cite", where=where, field=f"transit[{i}].quote")
            match = article.locate(quote, where=where, field=f"transit[{i}].quote")
        if any(t.country == code for t in out):
            raise StoryError(f"{code} is listed twice", where=where, field=field)
        out.append(Transit(code, quote or "", match))
    return tuple(out)


def _country_codes() -> frozenset[str]:
    return ISO_COUNTRIES


def _country_code_for(text: str) -> str | None:
    """The code of a country written by name ("Austria", "Autriche"), for the error message (the gazetteer's
    country names, in many languages)."""
    from .gazetteer import Gazetteer, name_key

    if text.upper() in ISO_COUNTRIES:
        return text.upper()
    try:
        places = Gazetteer.open().lookup(name_key(text))
    except Exception:  # no index at hand: no suggestion
        return None
    return next((p.country for p in places if p.kind == "country" and p.country in ISO_COUNTRIES), None)


ISO_COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
""".split())  # ISO 3166-1 alpha-2, and XK (Kosovo)


def _valid_date(text: str, *, month_ok: bool) -> bool:
    """YYYY-MM-DD that is a real calendar date (or, with `month_ok`, YYYY-MM with a real month)."""
    if not _DATE.fullmatch(text) or (len(text) == 7 and not month_ok):
        return False
    try:
        datetime.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return False
    return True


def _field_name(prefix: str, key: str) -> str:
    """`prefix + key`, with a key that is not a bare TOML key quoted so the message stays on one line."""
    return prefix + (key if _BARE_KEY.fullmatch(key) else repr(key))


def _same_place(a: Stop, b: Stop) -> bool:
    if a.lat is not None and b.lat is not None:
        return (a.lat, a.lon) == (b.lat, b.lon)
    return a.place.casefold() == b.place.casefold() and a.country == b.country and a.near == b.near


def _stop(raw: object, i: int, article: Article, where: str) -> Stop:
    prefix = f"stops[{i}]."
    if not isinstance(raw, dict):
        raise StoryError("each stop must be a table ([[stops]])", where=where, field=f"stops[{i}]")
    _check_keys(raw, STOP_KEYS, where, prefix)
    place = _get(raw, "place", str, where, required=True, prefix=prefix)
    if not place.strip():
        raise StoryError("place is empty", where=where, field=prefix + "place")
    via = _get(raw, "via", bool, where, prefix=prefix) or False
    quote = _get(raw, "quote", str, where, required=not via, prefix=prefix)
    if quote is not None and len(quote.strip()) < 3:
        raise StoryError("quote is too short to cite", where=where, field=prefix + "quote")
    match = article.locate(quote, where=where, field=prefix + "quote") if quote else Match(0, 0, 0, 0)
    certainty = _get(raw, "certainty", str, where, prefix=prefix) or "stated"
    if certainty not in CERTAINTIES:
        raise StoryError(
            f"certainty {certainty!r} is not one of {', '.join(CERTAINTIES)}", where=where,
            field=prefix + "certainty",
        )
    mode = _get(raw, "mode", str, where, prefix=prefix) or "rail"
    if mode not in MODES:
        raise StoryError(f"mode {mode!r} is not one of {', '.join(MODES)}", where=where, field=prefix + "mode")
    date = _get(raw, "date", str, where, prefix=prefix)
    if date is not None and not _valid_date(date, month_ok=False):
        raise StoryError(f"date {date!r} is not YYYY-MM-DD", where=where, field=prefix + "date")
    country = _get(raw, "country", str, where, prefix=prefix)
    if country is not None and not _ISO2.fullmatch(country):
        raise StoryError(
            f"country {country!r} is not an ISO 3166 alpha-2 code such as \"RU\"", where=where,
            field=prefix + "country",
        )
    lat = _get(raw, "lat", (int, float), where, prefix=prefix)
    lon = _get(raw, "lon", (int, float), where, prefix=prefix)
    source = _get(raw, "source", str, where, prefix=prefix)
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise StoryError("lat and lon must be given together", where=where, field=prefix + missing)
    if lat is not None:
        # compare without converting to float first: TOML integers can be too large for a float
        if not (-90 <= lat <= 90 and (isinstance(lat, int) or math.isfinite(lat))):
            raise StoryError(f"latitude {lat} is outside -90..90"[:200], where=where, field=prefix + "lat")
        if not (-180 <= lon <= 180 and (isinstance(lon, int) or math.isfinite(lon))):
            raise StoryError(f"longitude {lon} is outside -180..180"[:200], where=where, field=prefix + "lon")
        if not source or not source.strip():
            raise StoryError(
                "an explicit lat/lon needs a source saying where the coordinates come from",
                where=where, field=prefix + "source",
            )
    return Stop(
        order=i + 1, place=place.strip(), quote=quote or "", match=match, certainty=certainty,
        date=date, country=country, near=_get(raw, "near", str, where, prefix=prefix),
        lat=None if lat is None else float(lat), lon=None if lon is None else float(lon),
        source=source, mode=mode, note=_get(raw, "note", str, where, prefix=prefix), via=via,
    )


def _check_keys(table: dict, allowed: set[str], where: str, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            near = [_ALIASES[key]] if _ALIASES.get(key) in allowed else []
            near = near or difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; allowed: {', '.join(sorted(allowed))}"
            raise StoryError(f"unknown key {key!r}{hint}"[:300], where=where, field=_field_name(prefix, key))


# Common names for keys that difflib would not connect to ours.
_ALIASES = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon", "name": "place",
            "text": "quote", "confidence": "certainty", "notes": "note", "hint": "near"}

_TYPE_NAMES = {str: "a string", dict: "a table", list: "an array", bool: "true or false"}


def _get(table: dict, key: str, kind, where: str, *, required: bool = False, prefix: str = ""):
    if key not in table:
        if required:
            raise StoryError("missing required field", where=where, field=prefix + key)
        return None
    value = table[key]
    bad = not isinstance(value, kind) or (isinstance(value, bool) and kind != bool)
    if bad:
        want = _TYPE_NAMES.get(kind, "a number")
        raise StoryError(
            f"must be {want}, not {type(value).__name__} {value!r}"[:200], where=where, field=prefix + key
        )
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise StoryError(f"is {len(value):,} characters long; the limit is {MAX_TEXT:,}", where=where,
                             field=prefix + key)
        bad_char = CONTROL.search(value)
        if bad_char:
            raise StoryError(
                f"contains the control character U+{ord(bad_char.group()):04X} at character {bad_char.start() + 1};"
                " only tab and newline are allowed", where=where, field=prefix + key)
    return value
