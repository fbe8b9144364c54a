"""Where mapgen's own geodata lives (geo/ in the package, or in the checkout) and the attribution it owes."""
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
# A map with a stop placed by the station table (ODbL) says so.
STATIONS_MARK = "trainline-eu/stations"  # in the `source` of every place taken from it
STATION_ATTRIBUTION = 'stations: <a href="https://github.com/trainline-eu/stations">trainline-eu/stations</a> (ODbL)'
STATION_ATTRIBUTION_TEXT = "stations: trainline-eu/stations (ODbL)"
# A map with a stop placed at a VIA Rail station of the small-places layer (ODbL) says so.
VIA_MARK = "brodyFlannigan/canada-railway-stations"  # in the `source` of every such place
VIA_ATTRIBUTION = ('stations: <a href="https://github.com/brodyFlannigan/canada-railway-stations">'
                   "canada-railway-stations</a> (ODbL)")
VIA_ATTRIBUTION_TEXT = "stations: brodyFlannigan/canada-railway-stations (ODbL)"
# A map with a stop placed at an African station of the small-places layer (OpenStreetMap data, ODbL) says so.
OSM_AFRICA_MARK = "trg-rail/africa_rail_network"  # in the `source` of every such place
OSM_AFRICA_ATTRIBUTION = ('stations: &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                          'contributors (ODbL), via <a href="https://github.com/trg-rail/africa_rail_network">'
                          "africa_rail_network</a>")
OSM_AFRICA_ATTRIBUTION_TEXT = "stations: OpenStreetMap contributors (ODbL), via trg-rail/africa_rail_network"
# A map with a stop placed at a station of Russia, Central Asia, the Caucasus, Iran, Pakistan or Turkey of the
# small-places layer (OpenStreetMap data, ODbL) says so.
OSM_ASIA_MARK = "njfinney/Asia_Railway_Calculator"  # in the `source` of every such place
OSM_ASIA_ATTRIBUTION = ('stations: &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                        'contributors (ODbL), via <a href="https://github.com/njfinney/Asia_Railway_Calculator">'
                        "Asia_Railway_Calculator</a>")
OSM_ASIA_ATTRIBUTION_TEXT = "stations: OpenStreetMap contributors (ODbL), via njfinney/Asia_Railway_Calculator"
# A map with a stop placed at a French commune of the small-places layer credits its source (Licence Ouverte).
COMMUNES_MARK = "IGN Admin Express commune"  # in the `source` of every such place (tools/prepare_small_places.py)
COMMUNES_ATTRIBUTION = ('villages: <a href="https://geoservices.ign.fr/adminexpress">IGN Admin Express</a>, '
                        "Etalab (Licence Ouverte)")
COMMUNES_ATTRIBUTION_TEXT = "villages: IGN Admin Express, Etalab (Licence Ouverte)"


def attribution(sources, *, html: bool = True) -> str:
    """ATTRIBUTION (or ATTRIBUTION_TEXT), plus the station tables' and the communes' credit when one of
    `sources` (the stops' `source` strings) comes from them."""
    sources = [s or "" for s in sources]
    out = [ATTRIBUTION if html else ATTRIBUTION_TEXT]
    for mark, credit, text in ((STATIONS_MARK, STATION_ATTRIBUTION, STATION_ATTRIBUTION_TEXT),
                               (VIA_MARK, VIA_ATTRIBUTION, VIA_ATTRIBUTION_TEXT),
                               (OSM_AFRICA_MARK, OSM_AFRICA_ATTRIBUTION, OSM_AFRICA_ATTRIBUTION_TEXT),
                               (OSM_ASIA_MARK, OSM_ASIA_ATTRIBUTION, OSM_ASIA_ATTRIBUTION_TEXT),
                               (COMMUNES_MARK, COMMUNES_ATTRIBUTION, COMMUNES_ATTRIBUTION_TEXT)):
        if any(mark in s for s in sources):
            out.append(credit if html else text)
    return "; ".join(out)


def geo_dir() -> Path:
    """mapgen's geodata: $MAPGEN_GEO, else the copy inside the installed package (mapgen/geo/, put there
    when the wheel is built), else geo/ beside src/ in a checkout (an editable install)."""
    env = os.environ.get("MAPGEN_GEO")
    if env:
        path = Path(env)
    else:
        here = Path(__file__).resolve().parent
        path = here / "geo"
        if not (path / "rail").is_dir():
            path = here.parents[1] / "geo"
    if not (path / "rail").is_dir():
        raise DataError(f"embedded geodata not found in {path} (set MAPGEN_GEO to the geo/ folder)")
    return path


def geo_file(*parts: str) -> Path:
    path = geo_dir().joinpath(*parts)
    if not path.exists():
        raise DataError("embedded data file is missing", where=str(path))
    return path


def asset(name: str) -> Path:
    """A file of mapgen's assets (mapgen/assets/, package data: Leaflet, fonts, the label font metrics). A
    path beside this module, as for geo/: importlib.resources would cost a cold build its import."""
    return Path(__file__).resolve().parent / "assets" / name


def cache_dir() -> Path:
    """The user's cache folder for mapgen: $MAPGEN_CACHE, else $XDG_CACHE_HOME/mapgen (~/.cache/mapgen)."""
    base = os.environ.get("MAPGEN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mapgen"
    )
    return Path(base)


# A file whose size and modification time (ns) match what the cache recorded is not read again: hashing the
# embedded geodata (about 50 MB) was a tenth of a cold build. Entries for files changed in the last few
# seconds are not kept, so a write within the clock's resolution after hashing cannot go unseen.
RACY_SECONDS = 3.0


def file_digests(files: list[Path]) -> dict[str, str]:
    """sha256 of each file, through a stat-keyed cache in the user's cache folder (best effort)."""
    import hashlib
    import json
    import time

    store = cache_dir() / "file-digests.json"
    try:
        known = json.loads(store.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    out, keep, now = {}, dict(known), time.time()  # other checkouts' entries are kept
    for p in files:
        st = p.stat()
        stamp = [st.st_size, st.st_mtime_ns]
        hit = known.get(str(p))
        if isinstance(hit, list) and len(hit) == 3 and hit[:2] == stamp and isinstance(hit[2], str):
            out[str(p)] = hit[2]
        else:
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        if now - st.st_mtime > RACY_SECONDS:
            keep[str(p)] = [*stamp, out[str(p)]]
        else:
            keep.pop(str(p), None)
    if keep != known:
        try:
            store.parent.mkdir(parents=True, exist_ok=True)
            tmp = store.with_name(f"{store.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(keep, sort_keys=True), encoding="utf-8")
            os.replace(tmp, store)
        except OSError:
            pass  # only a cache
    return out


# Embedded data files in a faster form, kept in the user's cache folder as the rail network is (rail.py):
# an .npz (some are LZMA-compressed to keep the package small) as one uncompressed .npy per array,
# memory-mapped when read; a JSON file as marshal data. Keyed by the file's digest; the same arrays and
# values either way (tests/test_caches.py); a missing or damaged entry is made again; best effort.

def cached_arrays(path: Path) -> dict:
    """Every array of the .npz file `path`, read-only."""
    import hashlib
    import json
    import shutil

    import numpy as np

    digest = file_digests([path])[str(path)]
    key = hashlib.sha256(repr((digest, np.__version__)).encode()).hexdigest()[:24]
    folder = cache_dir() / f"npz-{path.stem}-{key}"
    try:
        names = json.loads((folder / "arrays.json").read_text(encoding="utf-8"))
        return {n: np.asarray(np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False)) for n in names}
    except (OSError, ValueError, TypeError):
        pass
    with np.load(path, allow_pickle=False) as z:
        arrays = {n: z[n] for n in z.files}
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for n, a in arrays.items():
            np.save(tmp / f"{n}.npy", a, allow_pickle=False)
        (tmp / "arrays.json").write_text(json.dumps(list(arrays)), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
        # other versions of the file (another checkout, an update): the two most recent are kept
        others = sorted((p for p in folder.parent.glob(f"npz-{path.stem}-*") if p != folder
                         and not p.name.endswith(".tmp")), key=lambda p: p.stat().st_mtime)
        for old in others[:-2]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for a in arrays.values():
        a.flags.writeable = False  # as the mapped ones are
    return arrays


def cached_json(path: Path):
    """The parsed JSON of the file `path` (UTF-8)."""
    import json

    return cached_marshal(path, "json", lambda p: json.loads(p.read_text(encoding="utf-8")))


def cached_marshal(path: Path, kind: str, make, *, salt: str = ""):
    """`make(path)`, a value marshal can store (parsed JSON, compiled code), kept in the user's cache folder
    keyed by the file's digest, `salt` (what else the value depends on) and the Python version; the two most
    recent entries per file and kind are kept. Best effort: no cache, no harm."""
    import hashlib
    import marshal
    import sys

    digest = file_digests([path])[str(path)]
    parts = (digest, sys.implementation.cache_tag) + ((salt,) if salt else ())
    key = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    store = cache_dir() / f"{kind}-{path.stem}-{key}.marshal"
    try:
        return marshal.loads(store.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = make(path)
    tmp = store.with_name(f"{store.name}.{os.getpid()}.tmp")
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, store)
        others = sorted((p for p in store.parent.glob(f"{kind}-{path.stem}-*.marshal") if p != store),
                        key=lambda p: p.stat().st_mtime)
        for old in others[:-2]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return value


# Small derived results (label layouts, routed legs) kept in the user's cache folder, one JSON file per key.

def kept_json(folder: Path, key: str) -> dict | None:
    """The entry `keep_json` wrote under `key` in `folder`, or None (missing, damaged, another key's)."""
    import json

    try:
        doc = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("key") == key else None


def keep_json(folder: Path, key: str, doc: dict, keep: int) -> None:
    """Write `doc` with its `key` as folder/<key>.json, whole to a temporary file renamed into place, and keep
    the `keep` most recent entries of the folder. Best effort: no cache, no harm."""
    import json

    tmp = folder / f"{key}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"key": key, **doc}, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, folder / f"{key}.json")
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-keep]:
            old.unlink(missing_ok=True)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
