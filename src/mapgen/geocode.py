"""Stage 2: place each stop of a story on the map."""
from __future__ import annotations

from dataclasses import dataclass

from .countries import country_at
from .errors import GeocodeError
from .gazetteer import Context, Gazetteer, Geocode
from .story import Story, Stop


@dataclass(frozen=True)
class Located:
    stop: Stop
    lat: float
    lon: float
    country: str | None  # ISO alpha-2, None at sea
    name: str  # the gazetteer's name, or the article's for an override
    source: str  # where the coordinates come from
    geocode: Geocode | None = None  # None when the story gives lat/lon


def geocode_story(story: Story, gazetteer: Gazetteer) -> list[Located]:
    """Geocode every stop. Two passes: first each stop alone, then again with the confident ones as
    context (their countries and positions), which breaks ties such as Khasan (RU) vs Hassan (IN)."""
    where = str(story.path)
    first: list[Located] = []
    for i, stop in enumerate(story.stops):
        first.append(_locate(stop, gazetteer, where, i, context=None, strict=False))
    out = []
    for i, stop in enumerate(story.stops):
        if stop.lat is not None:
            out.append(first[i])
            continue
        ctx = Context()
        for j, other in enumerate(first):
            if j != i and (other.geocode is None or other.geocode.confidence >= 0.6):
                if other.country:
                    ctx.countries.add(other.country)
                ctx.points.append((other.lat, other.lon))
        out.append(_locate(stop, gazetteer, where, i, context=ctx, strict=True))
    return out


def _locate(stop: Stop, gazetteer: Gazetteer, where: str, i: int, *, context, strict: bool) -> Located:
    if stop.lat is not None:
        return Located(stop, stop.lat, stop.lon, stop.country or country_at(stop.lat, stop.lon),
                       stop.place, stop.source)
    g = gazetteer.geocode(stop.place, country=stop.country, near=stop.near, context=context, loose=True,
                          where=where, field=f"stops[{i}].place", strict=strict)
    p = g.place
    return Located(stop, p.lat, p.lon, p.country, p.name, p.source, g)


__all__ = ["Located", "geocode_story", "GeocodeError"]
