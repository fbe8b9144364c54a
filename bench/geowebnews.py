"""Geocoding quality on GeoWebNews (Gritta et al. 2019), measured the way geoparsers report it.

    .venv/bin/python bench/geowebnews.py [PATH/TO/GWN.xml] [--split dev|test|all] [--limit N] [--errors 20]
    .venv/bin/python bench/geowebnews.py --details   # dev only: each wrong toponym, its cause and candidates

Reads the GeoWebNews XML (default: shared/eval-data/GWN.xml in a folder above the repository; it is never
copied into the repository) and scores the gold toponyms that have coordinates. Everything goes through
the command line, one process for the whole split: the articles and their gold spans are written to
`mapgen extract - --json` as a JSON Lines stream ({"id", "text", "spans"}), so each gold span is resolved
by the same collective resolver as `extract`, in the context of everything else the article names; a
second run without spans gives `extract`'s own mentions, for the end-to-end numbers.

  * accuracy@161km: the chosen place within 161 km (100 miles) of the gold coordinates (Mordecai 3's
    measure). A span the gazetteer cannot place at all counts as wrong. Reported under two conventions for
    countries: the point mapgen draws, and GeoNames' own point for the country (the gold's convention;
    geo/gazetteer/geonames_country_points.csv);
  * the same, counting a choice as exact when it is the very GeoNames feature of the gold annotation;
  * the median error in km (unplaced spans count as infinitely far);
  * extract recall: the share of gold toponyms that `mapgen extract` finds at all (a mention overlapping the
    gold span), and the share it finds and places within 161 km (the end-to-end number); extract precision:
    the share of its placed mentions that overlap a gold toponym (any, with coordinates or not);
  * on the dev half only, the wrong ones by cause (see WHY_WRONG) and, with --errors, the worst choices:
    the test half stays a test, scored and never read.

Splits: even file numbers = dev (read and tuned on), odd = test (held out). `--split` defaults to dev.
Prints a table; `--json` prints the numbers. Exits 0 with a message when the file is absent.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mapgen.gazetteer import distance_km  # noqa: E402

KM = 161.0
COUNTRY_POINTS = ROOT / "geo" / "gazetteer" / "geonames_country_points.csv"

# Why a toponym counts as wrong (more than 161 km off), as shares of all toponyms
WHY_WRONG = {
    "same feature, other point": "the gold's own GeoNames feature, drawn at another point",
    "wide place, other point": "a region, area, sea or continent of that name, drawn more than 161 km from the gold's point",
    "beside far": "a name the gazetteer lacks, placed in the place named beside it (or later in its sentence), which is far",
    "demonym far": "a demonym, placed at its place, which is far",
    "no candidate near": "no candidate within 161 km (a name the gazetteer lacks in that sense)",
    "unknown, focus far": "a name the gazetteer lacks, placed at the article's focus, which is far",
    "inner name far": "a name the gazetteer lacks, placed by a known name inside it, which is far",
    "right place a runner-up": "a candidate within 161 km, but another chosen",
    "unplaced": "not placed at all (no known name in it, no focus)",
}


def default_path() -> Path:
    for parent in ROOT.parents:
        p = parent / "shared" / "eval-data" / "GWN.xml"
        if p.exists():
            return p
    return ROOT.parent / "shared" / "eval-data" / "GWN.xml"


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


def all_toponym_spans(path: Path) -> dict[int, list[tuple[int, int]]]:
    """Every gold toponym's span by article, with or without coordinates (for extract's precision)."""
    out = {}
    for art in ET.parse(path).getroot().iter("article"):
        out[int(art.get("file"))] = [(int(t.findtext("start")), int(t.findtext("end"))) for t in art.iter("toponym")]
    return out


def run_extract(articles, with_spans: bool, in_process: bool = False) -> dict:
    """`mapgen extract - --json` over the articles in one process: {article id: [output record, ...]}.
    `in_process` calls the same per-article function (`mapgen.corpus.records`) in this process instead."""
    if in_process:
        from mapgen.corpus import Item, records

        return {fid: records(Item("id", fid, text, tuple((g["start"], g["end"]) for g in gold) if with_spans
                                  else None, where=f"article {fid}"))
                for fid, text, gold in articles if gold}
    lines = []
    for fid, text, gold in articles:
        row = {"id": fid, "text": text}
        if with_spans:
            row["spans"] = [[g["start"], g["end"]] for g in gold]
        lines.append(json.dumps(row, ensure_ascii=False))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "mapgen.cli", "extract", "-", "--json"], input="\n".join(lines),
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"mapgen extract failed: {proc.stderr.strip()[-2000:]}")
    out: dict = {}
    for line in proc.stdout.splitlines():
        rec = json.loads(line)
        out.setdefault(rec["id"], []).append(rec)
    return out


def country_points() -> dict[str, tuple[float, float]]:
    """GeoNames' own point of each country (by ISO code), where the data file has one."""
    if not COUNTRY_POINTS.exists():
        return {}
    with open(COUNTRY_POINTS, newline="", encoding="utf-8") as f:
        return {r["iso"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}


def evaluate(articles, show_errors: int = 0, causes: bool = True, in_process: bool = False,
             details: bool = False, toponyms: dict | None = None, same_place=None) -> dict:
    """The numbers of one split. `same_place(gold, place)`, when given, also counts a choice as the gold's
    own feature (for corpora whose gold has no GeoNames id)."""
    spans_out = run_extract(articles, with_spans=True, in_process=in_process)
    plain_out = run_extract(articles, with_spans=False, in_process=in_process)
    gn_points = country_points()
    errors, gn_errors, id_errors, found, found_ok = [], [], [], 0, 0
    focus = inner = 0
    worst = []
    detail_rows = []
    why_wrong = {k: 0 for k in WHY_WRONG}
    for fid, text, gold in articles:
        if not gold:
            continue
        placed = spans_out.get(fid, [])
        assert len(placed) == len(gold), (fid, len(placed), len(gold))
        mentions = plain_out.get(fid, [])
        for g, rec in zip(gold, placed):
            assert (rec["start"], rec["end"]) == (g["start"], g["end"])
            hit = [m for m in mentions if m["start"] < g["end"] and g["start"] < m["end"] and m["place"]]
            if hit:
                found += 1
                if any(distance_km(g["lat"], g["lon"], m["place"]["lat"], m["place"]["lon"]) <= KM
                       or (g["gid"] and m["place"].get("geonameid") == g["gid"]) for m in hit):
                    found_ok += 1
            p = rec["place"]
            if p is None:
                errors.append(math.inf)
                gn_errors.append(math.inf)
                id_errors.append(math.inf)
                why_wrong["unplaced"] += 1
                worst.append((math.inf, g["name"], "(not placed)", fid))
                continue
            why0 = " ".join(rec["candidates"][0]["why"]) if rec["candidates"] else ""
            at_focus = "article's focus" in why0
            by_inner = "a known name inside" in why0
            beside = any(w in why0 for w in ("named right after it", "named right before it", "named later in its sentence"))
            by_demonym = "a demonym of" in why0
            focus += at_focus
            inner += by_inner
            e = distance_km(g["lat"], g["lon"], p["lat"], p["lon"])
            lat, lon = gn_points.get(p["country"], (p["lat"], p["lon"])) if p["kind"] == "country" else (p["lat"], p["lon"])
            e_gn = distance_km(g["lat"], g["lon"], lat, lon)
            same = (bool(g["gid"]) and p.get("geonameid") == g["gid"]) or bool(same_place and same_place(g, p))
            if e > KM:
                if same:
                    cause = "same feature, other point"
                elif at_focus:
                    cause = "unknown, focus far"
                elif beside:
                    cause = "beside far"
                elif by_demonym:
                    cause = "demonym far"
                elif p["kind"] in ("region", "area", "continent", "ocean") and why0.startswith("whole name") and \
                        not any(distance_km(g["lat"], g["lon"], c["lat"], c["lon"]) <= KM for c in rec["candidates"]):
                    cause = "wide place, other point"
                elif by_inner:
                    cause = "inner name far"
                elif any(distance_km(g["lat"], g["lon"], c["lat"], c["lon"]) <= KM for c in rec["candidates"]):
                    cause = "right place a runner-up"
                else:
                    cause = "no candidate near"
                why_wrong[cause] += 1
                if details:
                    a, b = max(0, g["start"] - 60), min(len(text), g["end"] + 60)
                    detail_rows.append("\n".join(
                        [f"[{cause}] article {fid}: {g['name']!r} ({g['type']}; gold {g['lat']:.2f},{g['lon']:.2f}) "
                         f"-> {p['name']} ({p['kind']}, {p['country']}) {e:.0f} km",
                         "    ..." + " ".join(text[a:b].split()) + "..."]
                        + [f"    {c['score']:7.2f} {c['name']} ({c['kind']}, {c['country']}) "
                           f"{distance_km(g['lat'], g['lon'], c['lat'], c['lon']):.0f} km: {'; '.join(c['why'])}"
                           for c in rec["candidates"][:4]]))
            errors.append(e)
            gn_errors.append(e_gn)
            id_errors.append(0.0 if same else e)
            if id_errors[-1] > KM:
                worst.append((e, g["name"], f"{p['name']} ({p['kind']}, {p['country']})", fid))
    n = len(errors)
    # extract's precision: its placed mentions that overlap a gold toponym (with coordinates or not)
    mentions_n = mentions_ok = 0
    for fid, text, gold in articles:
        spans = (toponyms or {}).get(fid, [(g["start"], g["end"]) for g in gold])
        for m in plain_out.get(fid, []):
            if m["place"] is None:
                continue
            mentions_n += 1
            mentions_ok += any(a < m["end"] and m["start"] < b for a, b in spans)

    def share(v):
        return round(v / n, 4) if n else None

    res = {
        "toponyms": n,
        "articles": sum(1 for _, _, g in articles if g),
        "accuracy_161km": share(sum(e <= KM for e in errors)),
        "accuracy_161km_geonames_country_points": share(sum(e <= KM for e in gn_errors)),
        "accuracy_161km_same_geonames_feature": share(sum(e <= KM for e in id_errors)),
        "median_error_km": round(statistics.median(errors), 1) if n else None,
        "median_error_km_geonames_country_points": round(statistics.median(gn_errors), 1) if n else None,
        "placed_at_article_focus": share(focus),
        "placed_by_a_name_inside": share(inner),
        "extract_recall": share(found),
        "extract_recall_and_within_161km": share(found_ok),
        "extract_precision": round(mentions_ok / mentions_n, 4) if mentions_n else None,
    }
    if causes:
        res["wrong_by_cause"] = {k: share(v) for k, v in why_wrong.items()}
    if details:
        res["details"] = detail_rows
    if show_errors:
        worst.sort(key=lambda w: (not math.isfinite(w[0]), w[1]))
        res["worst"] = [f"{w[1]!r} -> {w[2]} [{w[0]:.0f} km] (article {w[3]})" for w in worst[:show_errors]]
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=None, help="GWN.xml (default: shared/eval-data/GWN.xml above)")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev",
                    help="even-numbered articles (dev, tuned on; the default), odd (test, held out) or all")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles of the split")
    ap.add_argument("--errors", type=int, default=0, help="list the N worst choices (dev only)")
    ap.add_argument("--details", action="store_true",
                    help="every wrong toponym with its cause, context and candidates (dev only)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--in-process", action="store_true",
                    help="call the per-article function in this process instead of `mapgen extract -`")
    args = ap.parse_args(argv)
    path = args.path or default_path()
    if not path.exists():
        print(f"GeoWebNews not found at {path}; skipping (pass the path to GWN.xml)")
        return 0
    if (args.errors or args.details) and args.split != "dev":
        ap.error("--errors reads the wrong answers: dev only (the test half stays a test)")
    articles = load(path)
    if args.split != "all":
        articles = [a for a in articles if a[0] % 2 == (1 if args.split == "test" else 0)]
    if args.limit:
        articles = articles[: args.limit]
    t0 = time.perf_counter()
    res = evaluate(articles, args.errors, causes=args.split == "dev", in_process=args.in_process,
                   details=args.details, toponyms=all_toponym_spans(path))
    res["split"] = args.split
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False))
        return 0
    print(f"GeoWebNews ({args.split} split): {res['toponyms']} gold toponyms with coordinates "
          f"in {res['articles']} articles, {res['seconds']} s"
          + (" (in process)" if args.in_process else " (two `mapgen extract -` processes)"))
    rows = [
        ("accuracy@161km (countries at mapgen's points)", res["accuracy_161km"]),
        ("accuracy@161km (countries at GeoNames' points)", res["accuracy_161km_geonames_country_points"]),
        ("accuracy@161km, same GeoNames feature counts as exact", res["accuracy_161km_same_geonames_feature"]),
        ("spans placed at the article's focus (name unknown)", res["placed_at_article_focus"]),
        ("spans placed by a known name inside them", res["placed_by_a_name_inside"]),
        ("extract recall (gold span found)", res["extract_recall"]),
        ("extract recall and placed within 161 km", res["extract_recall_and_within_161km"]),
        ("extract precision (its mentions that are gold toponyms)", res["extract_precision"]),
    ]
    for label, v in rows:
        print(f"  {label:<58} {v * 100:6.1f} %")
    print(f"  {'median error (km)':<58} {res['median_error_km']:8.1f}")
    if "wrong_by_cause" in res:
        print("  wrong (more than 161 km off), by cause:")
        for k, v in res["wrong_by_cause"].items():
            print(f"    {WHY_WRONG[k]:<80} {v * 100:5.1f} %")
    for w in res.get("worst", []):
        print("   ", w)
    for d in res.get("details", []):
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
