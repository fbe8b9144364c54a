"""Geocoding quality on GeoWebNews (Gritta et al. 2019), measured the way geoparsers report it.

    .venv/bin/python bench/geowebnews.py [PATH/TO/GWN.xml] [--split test|dev|all] [--limit N] [--errors 20]

Reads the GeoWebNews XML (default: ../shared/eval-data/GWN.xml beside the repository; it is never copied
into the repository) and, for the gold toponyms that have coordinates, reports:

  * resolution accuracy@161km: each gold toponym (its gold span and text) is placed by mapgen's collective
    resolver together with everything else `mapgen extract` finds in the article, and counts as correct
    when the chosen place is within 161 km (100 miles) of the gold coordinates. A gold name the gazetteer
    does not know at all counts as wrong;
  * the same, counting a choice as exact when it is the very GeoNames feature of the gold annotation
    (countries, continents and US states carry their GeoNames id; their map points come from Natural
    Earth, not GeoNames, and for a large country the two can be more than 161 km apart);
  * the median error in km (unknown names count as infinitely far);
  * extract recall: the share of gold toponyms that `mapgen extract` finds at all (a mention overlapping
    the gold span), and the share it finds and places within 161 km;
  * the wrong ones by cause (see WHY_WRONG), to show where the next gain is.

Splits: articles are split by file number, even = dev (the half the weights were tuned on), odd = test
(held out). Prints a table; `--json` prints the numbers as JSON. Exits 0 with a message when the file is absent.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mapgen.article import Article  # noqa: E402
from mapgen.extract import Mention, find_mentions, resolve  # noqa: E402
from mapgen.gazetteer import Gazetteer, distance_km  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval-data" / "GWN.xml"
KM = 161.0


# Why a toponym counts as wrong (more than 161 km off), as shares of all toponyms
WHY_WRONG = {
    "same feature, other point": "the gold's own GeoNames feature, drawn at another point (countries, regions)",
    "no candidate near": "no candidate within 161 km (a name the gazetteer lacks in that sense)",
    "unknown, focus far": "a name the gazetteer lacks, placed at the article's focus, which is far",
    "right place a runner-up": "a candidate within 161 km, but another chosen",
    "unknown, no focus": "a name the gazetteer lacks, and no focus to place it at",
}


def load(path: Path):
    """[(file id, text, [gold toponym dict])] with only the toponyms that have coordinates."""
    root = ET.parse(path).getroot()
    out = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for t in art.iter("toponym"):
            d = {c.tag: c.text for c in t}
            if d.get("latitude") is None:
                continue
            start, end = int(d["start"]), int(d["end"])
            if text[start:end] != d["extractedName"]:
                continue  # two annotations in the corpus have offsets that do not match their text
            gold.append({"name": d["extractedName"], "start": start, "end": end, "lat": float(d["latitude"]),
                         "lon": float(d["longitude"]), "gid": int(d["geonamesID"]) if d.get("geonamesID") else 0,
                         "type": d.get("type")})
        out.append((int(art.get("file")), text, gold))
    return out


def sentence_of(article: Article, start: int) -> tuple[int, int]:
    for a, b in article.sentences:
        if a <= start < b:
            return a, b
    return 0, len(article.text)


def evaluate(articles, gazetteer: Gazetteer, show_errors: int = 0, fallback: bool = True) -> dict:
    errors, id_errors, found, found_ok, known, focus = [], [], 0, 0, 0, 0
    worst = []
    why_wrong = {k: 0 for k in WHY_WRONG}
    for fid, text, gold in articles:
        if not gold:
            continue
        article = Article(text=text, path=f"GWN article {fid}")
        mentions = find_mentions(article, gazetteer)
        extracted = resolve(article, mentions, gazetteer)
        # recall of extract, on its own resolution
        for g in gold:
            hit = [r for r in extracted if r.mention.start < g["end"] and g["start"] < r.mention.end]
            if hit:
                found += 1
                if any(distance_km(g["lat"], g["lon"], r.place.lat, r.place.lon) <= KM or
                       (g["gid"] and r.place.geonameid == g["gid"]) for r in hit):
                    found_ok += 1
        # resolution of the gold spans, in the context of everything else extract finds
        within = {(m.start, m.end): m.within for m in mentions}
        gold_mentions = [Mention(g["start"], g["end"], g["name"], sentence_of(article, g["start"]),
                                 within=within.get((g["start"], g["end"]))) for g in gold]
        others = [m for m in mentions if not any(m.start < g["end"] and g["start"] < m.end for g in gold)]
        placed = {(r.mention.start, r.mention.end): r for r in resolve(article, gold_mentions + others, gazetteer, fallback=fallback)}
        for g in gold:
            r = placed.get((g["start"], g["end"]))
            if r is None:
                errors.append(math.inf)
                id_errors.append(math.inf)
                worst.append((math.inf, g["name"], "(unknown)", fid))
                why_wrong["unknown, no focus"] += 1
                continue
            at_focus = r.confidence <= 0.05 and "focus" in " ".join(r.geocode.candidates[0].why)
            if at_focus:
                focus += 1
            else:
                known += 1
            e = distance_km(g["lat"], g["lon"], r.place.lat, r.place.lon)
            if e > KM:
                if at_focus:
                    why_wrong["unknown, focus far"] += 1
                elif g["gid"] and r.place.geonameid == g["gid"]:
                    why_wrong["same feature, other point"] += 1
                elif any(distance_km(g["lat"], g["lon"], c.place.lat, c.place.lon) <= KM for c in r.geocode.candidates):
                    why_wrong["right place a runner-up"] += 1
                else:
                    why_wrong["no candidate near"] += 1
            errors.append(e)
            id_errors.append(0.0 if g["gid"] and r.place.geonameid == g["gid"] else e)
            if id_errors[-1] > KM:
                worst.append((e, g["name"], f"{r.place.name} ({r.place.kind}, {r.place.country})", fid))
    n = len(errors)
    res = {
        "toponyms": n,
        "articles": sum(1 for _, _, g in articles if g),
        "accuracy_161km": round(sum(e <= KM for e in errors) / n, 4) if n else None,
        "accuracy_161km_same_geonames_feature": round(sum(e <= KM for e in id_errors) / n, 4) if n else None,
        "median_error_km": round(statistics.median(errors), 1) if n else None,
        "median_error_km_same_feature": round(statistics.median(id_errors), 1) if n else None,
        "known_to_gazetteer": round(known / n, 4) if n else None,
        "placed_at_article_focus": round(focus / n, 4) if n else None,
        "extract_recall": round(found / n, 4) if n else None,
        "extract_recall_and_within_161km": round(found_ok / n, 4) if n else None,
        "wrong_by_cause": {k: round(v / n, 4) for k, v in why_wrong.items()} if n else None,
    }
    if show_errors:
        worst.sort(key=lambda w: (not math.isfinite(w[0]), w[1]))
        res["worst"] = [f"{w[1]!r} -> {w[2]} [{w[0]:.0f} km] (article {w[3]})" for w in worst[:show_errors]]
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT, help=f"GWN.xml (default {DEFAULT})")
    ap.add_argument("--split", choices=("test", "dev", "all"), default="test",
                    help="odd-numbered articles (test, held out), even (dev, tuned on) or all")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles of the split")
    ap.add_argument("--errors", type=int, default=0, help="list the N worst choices")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args(argv)
    if not args.path.exists():
        print(f"GeoWebNews not found at {args.path}; skipping (pass the path to GWN.xml)")
        return 0
    articles = load(args.path)
    if args.split != "all":
        articles = [a for a in articles if a[0] % 2 == (1 if args.split == "test" else 0)]
    if args.limit:
        articles = articles[: args.limit]
    t0 = time.perf_counter()
    res = evaluate(articles, Gazetteer.open(), args.errors)
    res["split"] = args.split
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False))
        return 0
    print(f"GeoWebNews ({args.split} split): {res['toponyms']} gold toponyms with coordinates "
          f"in {res['articles']} articles, {res['seconds']} s")
    rows = [
        ("accuracy@161km", res["accuracy_161km"]),
        ("accuracy@161km, same GeoNames feature counts as exact", res["accuracy_161km_same_geonames_feature"]),
        ("names the gazetteer knows (whole, or a name inside them)", res["known_to_gazetteer"]),
        ("names placed at the article's focus (unknown to it)", res["placed_at_article_focus"]),
        ("extract recall (gold span found)", res["extract_recall"]),
        ("extract recall and placed within 161 km", res["extract_recall_and_within_161km"]),
    ]
    for label, v in rows:
        print(f"  {label:<58} {v * 100:6.1f} %")
    print(f"  {'median error (km)':<58} {res['median_error_km']:8.1f}")
    print(f"  {'median error (km), same feature = 0':<58} {res['median_error_km_same_feature']:8.1f}")
    print("  wrong (more than 161 km off), by cause:")
    for k, v in res["wrong_by_cause"].items():
        print(f"    {WHY_WRONG[k]:<80} {v * 100:5.1f} %")
    for w in res.get("worst", []):
        print("   ", w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
