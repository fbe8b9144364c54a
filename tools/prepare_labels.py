"""Derive the map-label data (geo/labels/) and the label font metrics (src/mapgen/assets/label_font.json).

Run once by a maintainer (never at build time); see geo/SOURCES.md ("labels/"):

    .venv/bin/pip install fonttools                       # only for this script
    .venv/bin/python tools/prepare_labels.py path/to/shared/data path/to/ne_10m_geography_marine_polys.json
    .venv/bin/python tools/prepare_labels.py              # only geo/labels/towns.npz (from geo/ alone)

* `geo/labels/countries.csv`: one row per country of the base map (same ISO alpha-2 codes): Natural Earth's
  label rank and label zoom range (50m admin-0, staged) and the country's name in the map languages from CLDR
  (babel), falling back to the base map's English name.
* `geo/labels/ne_10m_marine_labels.json`: Natural Earth 10m marine areas (seas, gulfs, bays, straits...),
  names in English and French, scale rank, label zoom, and the area simplified (0.05 degree) to place the
  label inside the water.
* `geo/labels/towns.npz`: the populated places of `geo/gazetteer/ne_10m_populated_places_names.csv` in the
  form a build reads in milliseconds: coordinates (1e-5 degree), scale rank, population, GeoNames id, and the
  names (`name` and name_en/fr/ru/de/es/pt/zh, empty where equal to `name`) as one UTF-8 block with offsets,
  so a build decodes only the names it shows. `gid_sorted`/`gid_row` find a place by GeoNames id (the
  file's last row for an id, as a dict built in file order would).
* `src/mapgen/assets/label_font.json`: the advance width of each character (in em) for the label fonts,
  regular and bold: the larger of DejaVu Sans and Liberation Sans (Arial's metrics), so a label's box as
  computed at build time is never narrower than the text Chromium draws in either font.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "geo" / "labels"
FONT_OUT = ROOT / "src" / "mapgen" / "assets" / "label_font.json"
LANGUAGES = ("en", "fr", "ru", "de", "es", "pt", "zh")  # as in geo/gazetteer/ne_10m_populated_places_names.csv
MARINE_CLASSES = {"ocean", "sea", "gulf", "bay", "strait", "channel", "sound"}
MARINE_MAX_RANK = 6
FONTS = {  # style -> font files whose widths are combined (max)
    "regular": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"],
    "bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
             "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"],
    "italic": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
               "/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf"],
}
# Latin, Latin-1, Latin Extended-A/B, IPA-free Greek and Cyrillic, Latin Extended Additional, punctuation
RANGES = [(0x20, 0x250), (0x370, 0x400), (0x400, 0x530), (0x1E00, 0x1F00), (0x2000, 0x2070)]


def tidy(name: str | None) -> str | None:
    """'NORTH  PACIFIC OCEAN' -> 'North Pacific Ocean' (Natural Earth spells its oceans in capitals)."""
    if not name:
        return None
    name = " ".join(name.split())
    if name.isupper():
        small = {"of", "de", "du", "des", "la", "le", "the"}
        name = " ".join(w.lower() if i and w.lower() in small else w.capitalize() for i, w in enumerate(name.split()))
    return name


def countries(shared: Path) -> None:
    from babel import Locale

    with np.load(ROOT / "geo" / "countries" / "ne_10m_admin_0_countries_basemap.npz") as z:
        codes, names = [str(c) for c in z["codes"]], [str(n) for n in z["names"]]
    ne = json.loads((shared / "ne_50m_admin_0_countries.geojson").read_text(encoding="utf-8"))
    rank = {}
    for f in ne["features"]:
        p = f["properties"]
        for code in (p.get("ISO_A2"), p.get("WB_A2")):
            if code and code not in ("-99", "-1") and code not in rank:
                rank[code] = (int(p["LABELRANK"]), float(p["MIN_LABEL"]), float(p["MAX_LABEL"]))
    rank.setdefault("FR", (2, 1.7, 6.7))  # ISO_A2 -99 in NE 50m (overseas departments)
    rank.setdefault("NO", (3, 3.0, 7.0))
    locales = {lang: Locale(lang).territories for lang in LANGUAGES}
    LABELS.mkdir(parents=True, exist_ok=True)
    with open(LABELS / "countries.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso_a2", "labelrank", "min_label", "max_label", *(f"name_{lang}" for lang in LANGUAGES)])
        for code, name in sorted(zip(codes, names)):
            lr, lo, hi = rank.get(code, (6, 5.0, 10.0))
            w.writerow([code, lr, lo, hi, *(locales[lang].get(code) or name for lang in LANGUAGES)])


def marine(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        p = f["properties"]
        if p["featurecla"] not in MARINE_CLASSES or p["scalerank"] > MARINE_MAX_RANK or not p["name"]:
            continue
        geom = shapely.make_valid(shape(f["geometry"])).simplify(0.05)
        geom = shapely.set_precision(geom, 0.01)
        if geom.is_empty or geom.area < 0.05:
            continue
        polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area >= 0.05]
        out.append({
            "featurecla": p["featurecla"], "scalerank": int(p["scalerank"]), "min_label": float(p["min_label"]),
            "name_en": tidy(p["name"]), "name_fr": tidy(p.get("name_fr")),
            "polygons": [[np.round(np.asarray(g.exterior.coords), 2).tolist()] for g in polys],
        })
    out.sort(key=lambda s: (s["scalerank"], s["name_en"]))
    (LABELS / "ne_10m_marine_labels.json").write_text(
        json.dumps({"source": "Natural Earth 10m geography_marine_polys (NE v4.0, martynafford/natural-earth-geojson)",
                    "seas": out}, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def towns() -> None:
    src = ROOT / "geo" / "gazetteer" / "ne_10m_populated_places_names.csv"
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    names = []
    for r in rows:
        fields = [r["name"]] + [("" if r[f"name_{lang}"] == r["name"] else r[f"name_{lang}"]) for lang in LANGUAGES]
        if any("\t" in x or "\n" in x for x in fields):
            raise SystemExit(f"{src}: tab or newline in a name: {fields!r}")
        names.append("\t".join(fields).encode("utf-8"))
    offsets = np.cumsum([0] + [len(n) for n in names]).astype(np.int32)
    last = {}
    for i, r in enumerate(rows):
        if r["geonameid"] not in ("", "0"):
            last[int(r["geonameid"])] = i
    gids = np.array(sorted(last), dtype=np.int64)
    np.savez(  # not compressed: a build loads it in 2 ms instead of 20 (git compresses it anyway)
        LABELS / "towns.npz",
        lon=np.array([round(float(r["longitude"]) * 1e5) for r in rows], dtype=np.int32),
        lat=np.array([round(float(r["latitude"]) * 1e5) for r in rows], dtype=np.int32),
        scalerank=np.array([int(r["scalerank"]) for r in rows], dtype=np.int8),
        pop_max=np.array([int(float(r["pop_max"] or 0)) for r in rows], dtype=np.int64),
        gid_sorted=gids, gid_row=np.array([last[g] for g in gids.tolist()], dtype=np.int32),
        names=np.frombuffer(b"".join(names), dtype=np.uint8), name_offsets=offsets,
        languages=np.array(("name",) + LANGUAGES))


def font_metrics() -> None:
    from fontTools.ttLib import TTFont

    styles = {}
    for style, files in FONTS.items():
        widths = {}
        for fname in files:
            font = TTFont(fname)
            cmap, hmtx, upem = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
            for lo, hi in RANGES:
                for cp in range(lo, hi):
                    if cp in cmap:
                        widths[cp] = max(widths.get(cp, 0.0), round(hmtx[cmap[cp]][0] / upem, 4))
        styles[style] = {str(cp): w for cp, w in sorted(widths.items())}
    FONT_OUT.write_text(json.dumps({
        "source": "advance widths (em) of DejaVu Sans 2.37 and Liberation Sans 2.1, the larger of the two",
        "fallback": 1.0, **styles}, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    towns()
    if argv:
        shared, marine_json = Path(argv[0]), Path(argv[1])
        countries(shared)
        marine(marine_json)
        font_metrics()


if __name__ == "__main__":
    main(sys.argv[1:])
