"""Stage 4a: the journey as GeoJSON (RFC 7946: WGS84, longitude first)."""
from __future__ import annotations

import json

from . import __version__
from .data import attribution
from .dates import StopDate
from .geocode import Located
from .rail import RailNetwork, geodesic_km
from .route import Route
from .story import Story

PRECISION = 5  # decimals: about 1 m


def _pt(lon: float, lat: float) -> list[float]:
    return [round(lon, PRECISION), round(lat, PRECISION)]


def stop_properties(story: Story, loc: Located, when: StopDate) -> dict:
    from .render import display_name

    stop = loc.stop
    m = stop.match
    text = story.article.text
    g = loc.geocode
    return {
        "kind": "stop",
        "order": stop.order,
        "name": stop.place,
        "place_name": loc.name,
        "display_name": display_name(loc, story.map_language),
        "country": loc.country,
        "quote": stop.quote,
        "quote_start": m.start,
        "quote_end": m.end,
        "sentence": text[m.sentence_start : m.sentence_end],
        "certainty": stop.certainty,
        "date": when.date,
        "date_source": when.how,
        "note": stop.note,
        "source": story.citation,
        "location_source": loc.source,
        "geocode": None if g is None else {
            "id": g.place.id,
            "confidence": g.confidence,
            "candidates": [
                {"id": c.place.id, "name": c.place.name, "country": c.place.country, "kind": c.place.kind,
                 "lat": round(c.place.lat, PRECISION), "lon": round(c.place.lon, PRECISION),
                 "score": c.score, "why": list(c.why)}
                for c in g.candidates
            ],
        },
    }


def to_geojson(story: Story, stops: list[Located], route: Route, network: RailNetwork,
               dates: dict[int, StopDate]) -> dict:
    features = []
    for loc in stops:
        if loc.stop.via:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": _pt(loc.lon, loc.lat)},
            "properties": stop_properties(story, loc, dates[loc.stop.order]),
        })
    for i, leg in enumerate(route.legs):
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [_pt(x, y) for x, y in leg.coords]},
            "properties": {
                "kind": "leg",
                "leg": i + 1,
                "from": leg.start.stop.place,
                "to": leg.end.stop.place,
                "from_order": leg.start.stop.order,
                "to_order": leg.end.stop.order,
                "mode": leg.mode,
                "km": round(leg.km, 1),
                "certainty": leg.certainty,
                "countries": list(leg.countries),
                "connector": bool(leg.connectors),
                "connectors": list(leg.connectors),
                "fallback": leg.fallback,
                "snap_km": list(leg.snap_km),
                "off_track_km": [round(geodesic_km(piece), 1) for piece in leg.off_track],
                **({"approximate_km": round(sum(geodesic_km(piece) for piece in leg.approximate), 1),
                    "source_km": {kind: round(km, 1) for kind, km in leg.source_km}} if leg.approximate else {}),
            },
        })
        for piece in leg.approximate:  # track Natural Earth lacks, from the coarse OSM routing graph
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [_pt(x, y) for x, y in piece]},
                "properties": {"kind": "approximate", "leg": i + 1, "km": round(geodesic_km(piece), 1),
                               "source": "approximate alignment from the OpenStreetMap routing graph of "
                                         "scgraph-data 2.0.0 (OpenStreetMap contributors, ODbL)"},
            })
        for piece in leg.off_track:  # where the data has no track up to the stop: drawn straight
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [_pt(x, y) for x, y in piece]},
                "properties": {"kind": "off-track", "leg": i + 1, "km": round(geodesic_km(piece), 1)},
            })
    used = sorted({c for leg in route.legs for c in leg.connectors})
    for conn in network.connectors:
        if conn["id"] in used:
            features.append({
                "type": "Feature",
                "geometry": conn["geometry"],
                "properties": {"kind": "connector", "id": conn["id"], "name": conn["name"],
                               "km": round(conn["km"], 1), "source": conn["source"],
                               **{k: conn[k] for k in ("approximate", "stations") if k in conn}},
            })
    return {
        "type": "FeatureCollection",
        "title": story.title,
        "source": {"name": story.source_name, "citation": story.citation, "url": story.url},
        "date": story.date,
        "total_km": round(route.km, 1),
        "attribution": _credit(stops, route, network),
        "generator": f"mapgen {__version__}",
        "features": features,
    }


def _credit(stops: list[Located], route: Route, network: RailNetwork) -> str:
    """The attribution, with what the route's track asks for (OSM links, a connector's stations)."""
    base = attribution((s.source for s in stops), html=False)
    return "; ".join((base, *(c for c in route.credits(network) if c not in base)))


def dumps(doc: dict) -> str:
    """Compact JSON with one feature per line: small, quick to write (C encoder), readable in a diff."""
    head = {k: v for k, v in doc.items() if k != "features"}
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    lines = [json.dumps(f, **compact) for f in doc["features"]]
    return json.dumps(head, **compact)[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
