"""Geocoding quality on GeoVirus (Gritta et al. 2018), gold spans resolved in context, scored like GeoWebNews.

    .venv/bin/python bench/geovirus.py [PATH/TO/GeoVirus.xml] [--split tune|held|all] [--details] [--json]

GeoVirus: 229 WikiNews paragraphs about epidemics, 2,167 toponyms, each with a Wikipedia page and its
coordinates (the gold; 1-based offsets in the XML, the three nested <location>s are not scored). The file is
read from where it lies (`--path`, $MAPGEN_GEOVIRUS, or GeoVirus.xml in a shared/eval-data/ folder above the
repository) and never copied into the repository; the script exits 0 with a message when it is absent.

Scored as bench/geowebnews.py scores GeoWebNews (its `evaluate`: the articles and their gold spans go to
`mapgen extract - --json` as one JSON Lines stream, accuracy@161km against the gold point), plus, on the tuned
half only, each wrong span by a finer cause (CAUSES). There is no GeoNames id in the gold: "the same place
at another point" is judged by the Wikipedia page's title (or, for a country, the gold point lying in it).

Split fixed before the corpus was read: articles by their index in the file, even = `tune` (read, tuned on),
odd = `held` (scored only, its errors never listed). `--split` defaults to tune.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import unicodedata
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from geowebnews import KM, evaluate, run_extract  # noqa: E402
from mapgen.gazetteer import distance_km  # noqa: E402

WIDE = ("country", "region", "area", "continent", "ocean", "sea")

# A wrong span (more than 161 km off), by what went wrong
CAUSES = {
    "unplaced": "not placed at all",
    "wide, other point": "the same country/region/area (by its Wikipedia page or, for a country, the gold point in it), drawn > 161 km from the page's point",
    "no candidate": "no candidate of that name at all (placed by a fallback: focus, a name inside or beside it)",
    "no candidate near": "candidates of that name, none within 161 km (the gazetteer lacks that place or sense)",
    "fallback far": "the gazetteer has a candidate near, but a fallback (focus, name inside/beside, demonym) placed it",
    "namesake town": "right candidate offered, a namesake town elsewhere chosen",
    "country over town": "right candidate offered (a town/region), the country of that name chosen",
    "region over town": "right candidate offered (a town), a first-level region of that name chosen",
    "town over region": "right candidate offered (a region/area/country), a town of that name chosen",
    "area conventions": "right candidate offered, another continent/area/region/sea sense chosen",
    "other runner-up": "right candidate offered, another chosen (other kinds)",
}


def default_path() -> Path:
    env = os.environ.get("MAPGEN_GEOVIRUS")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        p = parent / "shared" / "eval-data" / "GeoVirus.xml"
        if p.exists():
            return p
    return ROOT.parent / "shared" / "eval-data" / "GeoVirus.xml"


def page_title(url: str) -> str:
    t = urllib.parse.unquote(url.rsplit("/", 1)[-1]).replace("_", " ")
    return t.split(" (")[0].split(",")[0].strip()


def load(path: Path):
    """[(index, text, [gold])]: the top-level <location>s whose 1-based offsets match their name."""
    out = []
    for i, art in enumerate(ET.parse(path).getroot().iter("article")):
        text = art.findtext("text") or ""
        gold = []
        for loc in art.find("locations").findall("location"):
            a, b = int(loc.findtext("start")) - 1, int(loc.findtext("end")) - 1
            name = loc.findtext("name")
            if text[a:b] != name:
                continue
            gold.append({"name": name, "start": a, "end": b, "lat": float(loc.findtext("lat")),
                         "lon": float(loc.findtext("lon")), "gid": 0, "type": "",
                         "page": loc.findtext("page") or ""})
        out.append((i, text, gold))
    return out


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()


def same_wide(g: dict, p: dict | None) -> bool:
    """The chosen place is the gold's own country, region, area or continent (drawn at another point): a
    country or region that holds the gold point, or an area or continent named like the gold's page."""
    from mapgen.countries import country_at

    if p is None or p["kind"] not in WIDE:
        return False
    titled = _fold(p["name"]) == _fold(page_title(g["page"]))
    if p["kind"] == "country":  # the gold point in it, or at sea off it under its own page ("Philippines")
        at = country_at(g["lat"], g["lon"])
        return at == p["country"] or (at is None and titled)
    if p.get("country"):
        return country_at(g["lat"], g["lon"]) == p["country"] and titled
    return titled


def cause_of(g: dict, rec: dict) -> str:
    """Why one span more than 161 km off is wrong (one of CAUSES)."""
    p = rec["place"]
    if p is None:
        return "unplaced"
    cands = rec["candidates"]
    why0 = " ".join(cands[0]["why"]) if cands else ""
    fallback = any(w in why0 for w in ("article's focus", "a known name inside", "named right after it",
                                       "named right before it", "named later in its sentence", "a demonym of"))
    if not fallback and same_wide(g, p):
        return "wide, other point"
    near = [c for c in cands if distance_km(g["lat"], g["lon"], c["lat"], c["lon"]) <= KM]
    if fallback:
        return "fallback far" if near else "no candidate"
    if not near:
        return "no candidate near" if cands else "no candidate"
    right = near[0]
    town = ("city", "town", "village", "capital", "place", "county", "station")
    if p["kind"] == "country":
        return "country over town"
    if p["kind"] == "region" and right["kind"] not in WIDE:
        return "region over town"
    if p["kind"] not in WIDE and right["kind"] in WIDE:
        return "town over region"
    if p["kind"] in WIDE:
        return "area conventions"
    if p["kind"] in town or right["kind"] in town:
        return "namesake town"
    return "other runner-up"


def causes(articles, details: bool = False) -> tuple[dict, list[str]]:
    out = run_extract(articles, with_spans=True)
    counts = {k: 0 for k in CAUSES}
    rows = []
    n = 0
    for fid, text, gold in articles:
        for g, rec in zip(gold, out.get(fid, [])):
            n += 1
            p = rec["place"]
            e = math.inf if p is None else distance_km(g["lat"], g["lon"], p["lat"], p["lon"])
            if e <= KM:
                continue
            c = cause_of(g, rec)
            counts[c] += 1
            if details:
                a, b = max(0, g["start"] - 70), min(len(text), g["end"] + 70)
                rows.append("\n".join(
                    [f"[{c}] article {fid}: {g['name']!r} (gold {g['lat']:.2f},{g['lon']:.2f} {page_title(g['page'])}) -> "
                     + ("(not placed)" if p is None else f"{p['name']} ({p['kind']}, {p['country']}) {e:.0f} km"),
                     "    ..." + " ".join(text[a:b].split()) + "..."]
                    + [f"    {c_['score']:7.2f} {c_['name']} ({c_['kind']}, {c_['country']}) "
                       f"{distance_km(g['lat'], g['lon'], c_['lat'], c_['lon']):.0f} km: {'; '.join(c_['why'])}"
                       for c_ in rec["candidates"][:4]]))
    return {"toponyms": n, "wrong": sum(counts.values()), "by_cause": counts}, rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=None, help="GeoVirus.xml")
    ap.add_argument("--split", choices=("tune", "held", "all"), default="tune",
                    help="even-indexed articles (tune, the default), odd (held, scored only) or all")
    ap.add_argument("--details", action="store_true", help="each wrong span with cause and candidates (tune only)")
    ap.add_argument("--causes", action="store_true", help="wrong spans counted by cause (tune only)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args(argv)
    path = args.path or default_path()
    if not path.exists():
        print(f"GeoVirus not found at {path}; skipping (pass the path to GeoVirus.xml)")
        return 0
    if (args.details or args.causes) and args.split != "tune":
        ap.error("--details/--causes read the wrong answers: tune half only")
    articles = load(path)
    if args.split != "all":
        articles = [a for a in articles if a[0] % 2 == (1 if args.split == "held" else 0)]
    t0 = time.perf_counter()
    if args.details or args.causes:
        res, rows = causes(articles, details=args.details)
        res["split"] = args.split
        if args.json:
            print(json.dumps(res, indent=1))
        else:
            print(f"GeoVirus ({args.split}): {res['toponyms']} toponyms, {res['wrong']} wrong "
                  f"({100 * (1 - res['wrong'] / res['toponyms']):.2f} % within {KM:.0f} km)")
            for k, v in res["by_cause"].items():
                print(f"  {v:4d} {100 * v / res['toponyms']:5.2f} %  {CAUSES[k]}")
            for r in rows:
                print(r)
        return 0
    res = evaluate(articles, causes=False, same_place=same_wide)
    res["split"] = args.split
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False))
        return 0
    print(f"GeoVirus ({args.split} split): {res['toponyms']} gold toponyms in {res['articles']} articles, "
          f"{res['seconds']} s")
    for label, key in (("accuracy@161km", "accuracy_161km"),
                       ("accuracy@161km (countries at GeoNames' points)", "accuracy_161km_geonames_country_points"),
                       ("accuracy@161km, the gold's own country/region/area counts as exact",
                        "accuracy_161km_same_geonames_feature"),
                       ("extract recall (gold span found)", "extract_recall"),
                       ("extract recall and placed within 161 km", "extract_recall_and_within_161km"),
                       ("extract precision (its mentions that are gold toponyms)", "extract_precision")):
        print(f"  {label:<58} {res[key] * 100:6.2f} %")
    print(f"  {'median error (km)':<58} {res['median_error_km']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
