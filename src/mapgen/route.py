"""Stage 3: join consecutive stops with legs along the railway."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .errors import RouteError
from .geocode import Located
from .rail import OSM_ATTRIBUTION, RailNetwork, geodesic_km, great_circle
from .story import Story


@dataclass(frozen=True)
class Leg:
    start: Located
    end: Located
    mode: str  # rail, road, air, sea
    coords: tuple[tuple[float, float], ...]  # (lon, lat)
    km: float  # geodesic length of coords (pyproj, WGS84)
    countries: tuple[str, ...]  # countries the track passes through
    connectors: tuple[str, ...]  # curated connector ids used
    fallback: bool = False  # drawn straight because no rail path exists
    snap_km: tuple[float, float] = (0.0, 0.0)  # stop-to-track distance at each end
    towards: str | None = None  # for a leg ending at a via point: the certainty of the stop it leads to
    # straight pieces joining a stop to track more than OFF_TRACK_KM away (the data lacks the last stretch:
    # Vientiane is 16 km past the end of Natural Earth's line at Nong Khai); their km are in `km`
    off_track: tuple[tuple[tuple[float, float], tuple[float, float]], ...] = ()
    # runs of the leg on approximate pieces of the OpenStreetMap routing graph (see rail.py); their km are in `km`
    approximate: tuple[tuple[tuple[float, float], ...], ...] = ()
    # km of the leg's track by where it comes from: ("natural_earth", km), ("osm_graph", km), ("connector", km)
    source_km: tuple[tuple[str, float], ...] = ()

    @property
    def certainty(self) -> str:
        """How sure the article is that the journey took this leg: that of the stop it leads to."""
        return self.towards or self.end.stop.certainty


@dataclass(frozen=True)
class Route:
    legs: tuple[Leg, ...]
    warnings: tuple[str, ...]

    @property
    def km(self) -> float:
        return sum(leg.km for leg in self.legs)

    def credits(self, network: RailNetwork) -> tuple[str, ...]:
        """Attribution owed by a map of this route beyond the usual: OpenStreetMap (ODbL) where a leg runs
        on a piece of the OSM routing graph, and whatever a curated connector it uses asks for."""
        used = {c for leg in self.legs for c in leg.connectors}
        out = [OSM_ATTRIBUTION] if any(leg.approximate for leg in self.legs) else []
        out += [c["attribution"] for c in network.connectors if c["id"] in used and c.get("attribution")]
        return tuple(dict.fromkeys(out))


def route_story(story: Story, stops: list[Located], network: RailNetwork) -> Route:
    legs, warnings = [], []
    for i, (a, b) in enumerate(zip(stops, stops[1:])):
        field = f"stops[{i + 1}].place"
        if b.stop.mode != "rail":
            coords = great_circle((a.lon, a.lat), (b.lon, b.lat))
            legs.append(Leg(a, b, b.stop.mode, tuple(coords), geodesic_km(coords),
                            tuple(sorted({c for c in (a.country, b.country) if c})), ()))
            continue
        leg, why = route_leg(a, b, network, transit=story.transit_countries)
        if leg is None:
            msg = f"no rail path from {a.name} to {b.name}: {why}"
            if not story.fallback:
                raise RouteError(msg + '; add fallback = "straight" to the story to draw a labelled straight line',
                                 where=str(story.path), field=field)
            coords = great_circle((a.lon, a.lat), (b.lon, b.lat))
            warnings.append(msg + "; drawn as a straight line (fallback)")
            leg = Leg(a, b, "rail", tuple(coords), geodesic_km(coords),
                      tuple(sorted({c for c in (a.country, b.country) if c})), (), fallback=True)
        legs.append(leg)
    # a leg into a via point is as certain as the stop the journey goes on to
    for i in range(len(legs) - 2, -1, -1):
        if legs[i].end.stop.via:
            legs[i] = replace(legs[i], towards=legs[i + 1].certainty)
    return Route(tuple(legs), tuple(warnings))


OFF_TRACK_KM = 3.0  # a stop further than this from the track it joins gets a straight piece drawn to it


def route_leg(a: Located, b: Located, network: RailNetwork, *,
              transit: frozenset[str] = frozenset(), cache: bool = True) -> tuple[Leg | None, str]:
    """The shortest rail leg from a to b that stays in their countries and the countries the story says the
    journey crossed (`transit`); (None, reason) if none. Legs found are kept in the user's cache folder
    (see `_leg_key`); `cache=False` routes without it (bench/coverage.py times the routing itself)."""
    key = _leg_key(a, b, network, transit) if cache else None
    stored = _load_leg(key) if key else None
    if stored is not None:
        return Leg(a, b, "rail", **stored), ""
    leg, why = _route_leg(a, b, network, transit=transit)
    if key and leg is not None:
        _store_leg(key, leg)
    return leg, why


def _route_leg(a: Located, b: Located, network: RailNetwork, *,
               transit: frozenset[str] = frozenset()) -> tuple[Leg | None, str]:
    allowed_countries = {c for c in (a.country, b.country) if c} | set(transit)
    allowed = network.allowed_edges(allowed_countries)
    sa, sb, path = rail_path(a, b, network, allowed)
    within = ", ".join(sorted(allowed_countries)) or "no country"
    for s, p in ((sa, a), (sb, b)):
        if s is None:
            return None, f"{p.name} is more than 30 km from railway track in {within}"
    if path is None:
        return None, no_path_reason(a, b, network, within)
    off = tuple(((p.lon, p.lat), (s.lon, s.lat)) for s, p in ((sa, a), (sb, b)) if s.km > OFF_TRACK_KM)
    return Leg(a, b, "rail", tuple(path.coords), path.km + sum(geodesic_km(piece) for piece in off),
               path.countries, path.connectors, snap_km=(round(sa.km, 3), round(sb.km, 3)), off_track=off,
               approximate=path.approximate, source_km=tuple(sorted(path.km_by_source.items()))), ""


# --- the leg cache ------------------------------------------------------------------------------------
# A rail leg is a pure function of its ends (lon, lat, country), the transit countries, the network (its files
# and rail.py: `RailNetwork.cache_key`), this module's code and pyproj's geodesic code. Legs found are kept in
# the user's cache folder under the digest of all of these, one JSON file each, as the network itself is: a
# leg routed before (the same story rebuilt, or a leg another story shares) is read back instead of searched
# for, and then pyproj need not even be imported. The same legs either way, to the bit (tests/test_caches.py);
# an entry that is missing, damaged or not what mapgen writes is routed again. Failures are not kept.
LEG_CACHE_KEEP = 256  # entries kept (the most recent): 60 kB each on average, 15 MB at most in practice


def _leg_key(a, b, network: RailNetwork, transit) -> str | None:
    import hashlib

    if network.cache_key is None:  # a network not loaded through its cache (tests, tools): not kept
        return None
    parts = (network.cache_key, _code_digest(), a.lon, a.lat, a.country, b.lon, b.lat, b.country,
             sorted(transit))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of this module and of pyproj's geodesic code (found without importing pyproj)."""
    import hashlib
    import importlib.util

    from .data import file_digests

    files = [Path(__file__)]
    spec = importlib.util.find_spec("pyproj")
    if spec is not None and spec.origin:
        files += sorted(Path(spec.origin).parent.glob("_geod*")) + [Path(spec.origin).parent / "geod.py"]
    digests = file_digests([f for f in files if f.is_file()])
    return hashlib.sha256(repr(sorted(digests.items())).encode()).hexdigest()


def _legs_dir() -> Path:
    from .data import cache_dir

    return cache_dir() / "legs"


def _load_leg(key: str) -> dict | None:
    from .data import kept_json

    doc = kept_json(_legs_dir(), key)
    if doc is None:
        return None
    try:
        leg = doc["leg"]
        out = {
            "coords": tuple(_point(c) for c in leg["coords"]),
            "km": _number(leg["km"]),
            "countries": tuple(_text(c) for c in leg["countries"]),
            "connectors": tuple(_text(c) for c in leg["connectors"]),
            "snap_km": _point(leg["snap_km"]),
            "off_track": tuple((_point(p), _point(q)) for p, q in leg["off_track"]),
            "approximate": tuple(tuple(_point(c) for c in run) for run in leg["approximate"]),
            "source_km": tuple((_text(k), _number(v)) for k, v in leg["source_km"]),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return out if len(out["coords"]) >= 2 else None


def _number(v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError("not a number")
    return v


def _text(v) -> str:
    if not isinstance(v, str):
        raise TypeError("not a string")
    return v


def _point(c) -> tuple:
    if len(c) != 2:
        raise ValueError("not a point")
    return _number(c[0]), _number(c[1])


def _store_leg(key: str, leg: Leg) -> None:
    from .data import keep_json

    keep_json(_legs_dir(), key, {"leg": {
        "coords": leg.coords, "km": leg.km, "countries": leg.countries, "connectors": leg.connectors,
        "snap_km": leg.snap_km, "off_track": leg.off_track, "approximate": leg.approximate,
        "source_km": leg.source_km}}, LEG_CACHE_KEEP)


def rail_path(a, b, network: RailNetwork, allowed):
    """Where a and b (anything with lat, lon and country) join the `allowed` track, and the shortest path
    between them (None if none). The nearest track to one end may be a piece the other end's track does not
    join (Vientiane's nearest is the line from Thailand, not the one from Kunming): then the nearest track
    that does join it is taken, if it is about as near (not across the Bosphorus from Istanbul)."""
    sa = network.snap(a.lat, a.lon, allowed, country=a.country or None)
    sb = network.snap(b.lat, b.lon, allowed, country=b.country or None)
    if sa is None or sb is None:
        return sa, sb, None
    path = network.shortest_path(sa, sb, allowed)
    if path is None:
        for fixed, p, nearest in ((sa, b, sb), (sb, a, sa)):
            other = network.snap(p.lat, p.lon, network.joined_edges(fixed, allowed), country=p.country or None)
            if other is not None and other.km <= 2 * nearest.km + 2.0:
                sa, sb = (sa, other) if p is b else (other, sb)
                return sa, sb, network.shortest_path(sa, sb, allowed)
    return sa, sb, path


# A railway that leaves the ends' countries is worth a via stop only when it is a plausible way between them:
# at most this many times the distance as the crow flies. Istanbul -> Ankara joined only round the Black Sea
# is a gap in the data, not a route to take.
TRANSIT_DETOUR = 2.0


def no_path_reason(a: Located, b: Located, network: RailNetwork, within: str) -> str:
    """Why no leg joins a and b: first that the track in their countries is not connected, then where the
    railway runs instead, when that is a sensible way to go."""
    why = f"the track near them is not connected within {within}"
    vias, path = _transit(a, b, network)
    if vias:
        names = ", ".join(f"{p.name} ({p.country})" for p in vias)
        countries = ", ".join(dict.fromkeys(p.country for p in vias))
        codes = ", ".join(f'"{c}"' for c in dict.fromkeys(p.country for p in vias))
        why += (f"; the railway between them runs through {countries}: add a via stop there, for example "
                f"{names}, or, if the article says the journey crossed it, transit = [{codes}]")
    elif path is not None and set(path.countries) - {a.country, b.country}:
        others = sorted(set(path.countries) - {a.country, b.country})
        why += (f" (the data joins them only by a {path.km:,.0f} km detour through {len(others)} other "
                f"{'country' if len(others) == 1 else 'countries'}, {', '.join(others)}: probably a gap in the "
                "railway data there, not a route to take)")
    return why


def transit_vias(a: Located, b: Located, network: RailNetwork) -> list:
    """Where the railway from a to b leaves their countries, when the border rule finds no path within them:
    for each country the shortest unrestricted path crosses, its biggest town on that line (Munich ->
    Venice runs through Austria: Innsbruck). Empty when no railway joins them at all, or only by a detour
    of more than TRANSIT_DETOUR times the distance between them."""
    return _transit(a, b, network)[0]


def joined_through_others(a: Located, b: Located, network: RailNetwork) -> bool:
    """The railway joins a to b, if through countries neither is in, without a detour of more than
    TRANSIT_DETOUR times the distance between them (Bar -> Belgrade crosses a few km of Bosnia)."""
    return _unrestricted(a, b, network) is not None


def countries_between(a: Located, b: Located, network: RailNetwork) -> tuple[str, ...]:
    """The countries other than a's and b's that the railway from a to b crosses, when the border rule finds
    no path within theirs (Bar -> Belgrade: BA); empty when no railway joins them within TRANSIT_DETOUR."""
    path = _unrestricted(a, b, network)
    return tuple(c for c in path.countries if c not in (a.country, b.country)) if path else ()


def _unrestricted(a: Located, b: Located, network: RailNetwork):
    """The shortest path from a to b through any country, if no longer than TRANSIT_DETOUR times their distance."""
    path = _transit(a, b, network, vias=False)[1]
    return path if path is not None and path.km <= TRANSIT_DETOUR * geodesic_km(((a.lon, a.lat), (b.lon, b.lat))) \
        else None


def _transit(a: Located, b: Located, network: RailNetwork, vias: bool = True):
    """(via towns, the unrestricted path) for transit_vias and no_path_reason."""
    import numpy as np

    from .gazetteer import Gazetteer

    anywhere = np.ones(len(network.edge_cset), dtype=bool)
    sa = network.snap(a.lat, a.lon, anywhere, country=a.country)
    sb = network.snap(b.lat, b.lon, anywhere, country=b.country)
    path = network.shortest_path(sa, sb, anywhere) if sa and sb else None
    if not vias or path is None or path.km > TRANSIT_DETOUR * geodesic_km(((a.lon, a.lat), (b.lon, b.lat))):
        return [], path
    gazetteer = Gazetteer.open()
    vias = []
    for country in path.countries:
        if country in (a.country, b.country):
            continue
        town = gazetteer.biggest_town_near(path.coords, country)
        if town is not None:
            vias.append(town)
    # in travel order along the path
    order = {p.id: min(range(len(path.coords)), key=lambda k: (path.coords[k][0] - p.lon) ** 2 +
                       (path.coords[k][1] - p.lat) ** 2) for p in vias}
    return sorted(vias, key=lambda p: order[p.id]), path


__all__ = ["Leg", "Route", "route_story", "route_leg", "rail_path", "transit_vias", "joined_through_others",
           "countries_between",
           "no_path_reason",
           "RouteError"]
