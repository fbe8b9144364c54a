"""Stage 3: join consecutive stops with legs along the railway."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import RouteError
from .geocode import Located
from .rail import RailNetwork, geodesic_km, great_circle
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

    @property
    def certainty(self) -> str:
        return self.end.stop.certainty


@dataclass(frozen=True)
class Route:
    legs: tuple[Leg, ...]
    warnings: tuple[str, ...]

    @property
    def km(self) -> float:
        return sum(leg.km for leg in self.legs)


def route_story(story: Story, stops: list[Located], network: RailNetwork) -> Route:
    legs, warnings = [], []
    for i, (a, b) in enumerate(zip(stops, stops[1:])):
        field = f"stops[{i + 1}].place"
        if b.stop.mode != "rail":
            coords = great_circle((a.lon, a.lat), (b.lon, b.lat))
            legs.append(Leg(a, b, b.stop.mode, tuple(coords), geodesic_km(coords),
                            tuple(sorted({c for c in (a.country, b.country) if c})), ()))
            continue
        leg, why = route_leg(a, b, network)
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
    return Route(tuple(legs), tuple(warnings))


def route_leg(a: Located, b: Located, network: RailNetwork) -> tuple[Leg | None, str]:
    """The shortest rail leg from a to b that stays in their countries; (None, reason) if none."""
    allowed_countries = {c for c in (a.country, b.country) if c}
    allowed = network.allowed_edges(allowed_countries)
    sa = network.snap(a.lat, a.lon, allowed, country=a.country)
    sb = network.snap(b.lat, b.lon, allowed, country=b.country)
    within = ", ".join(sorted(allowed_countries)) or "no country"
    for s, p in ((sa, a), (sb, b)):
        if s is None:
            return None, f"{p.name} is more than 30 km from railway track in {within}"
    path = network.shortest_path(sa, sb, allowed)
    if path is None:
        return None, f"the track near them is not connected within {within}"
    return Leg(a, b, "rail", tuple(path.coords), path.km, path.countries, path.connectors,
               snap_km=(round(sa.km, 3), round(sb.km, 3))), ""


__all__ = ["Leg", "Route", "route_story", "route_leg", "RouteError"]
