"""Country polygons (Natural Earth 10m admin-0, geo/countries/) for point-in-country questions."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache

from . import data


@lru_cache(maxsize=1)
def _countries():
    import shapely

    with gzip.open(data.geo_file("countries", "ne_10m_admin_0_countries.geojson.gz"), "rt") as f:
        features = json.load(f)["features"]
    codes = [f["properties"]["iso_a2"] for f in features]
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
    return codes, shapely.STRtree(geoms)


def country_at(lat: float, lon: float) -> str | None:
    """ISO alpha-2 code of the country containing the point, or None (at sea)."""
    import shapely

    codes, tree = _countries()
    hits = tree.query(shapely.Point(lon, lat), predicate="within")
    return codes[int(hits[0])] if len(hits) else None
