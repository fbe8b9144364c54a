"""Where mapgen's embedded geodata lives (geo/ at the project root) and the attribution it owes."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

ATTRIBUTION = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0), '
    '<a href="https://www.naturalearthdata.com/">Natural Earth</a>; '
    "railways and borders: Natural Earth (public domain)"
)
ATTRIBUTION_TEXT = (
    "Places: GeoNames (geonames.org, CC BY 4.0) and Natural Earth; railways and borders: Natural Earth "
    "(public domain); base map tiles: OpenStreetMap contributors (ODbL)"
)
TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def geo_dir() -> Path:
    """The geo/ folder: $MAPGEN_GEO, else the one beside src/ in this checkout."""
    env = os.environ.get("MAPGEN_GEO")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "geo"
    if not (path / "rail").is_dir():
        raise DataError(f"embedded geodata not found in {path} (set MAPGEN_GEO to the geo/ folder)")
    return path


def geo_file(*parts: str) -> Path:
    path = geo_dir().joinpath(*parts)
    if not path.exists():
        raise DataError("embedded data file is missing", where=str(path))
    return path
