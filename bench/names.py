"""Probe the gazetteer with the stops of rail journeys (bench/names_probes.txt, our own lists).

For every spelling of every stop, two checks:
  * gazetteer: `Gazetteer.geocode(name, strict=False)` alone: is a candidate within KM of the stop (known),
    and is the first one (placed)?
  * extract: the stops of a journey in short sentences of our own ("We took the train from A to B."), one
    text per spelling index, run through `mapgen.extract.extract`: the mention of that spelling resolved
    within KM (right), resolved elsewhere or with the right place only among its candidates (elsewhere), or
    no mention at all (not found).
Printed per region, and in total. `--part tune` (journeys 1, 2, 4, 5, ...) or `--part held` (every third
journey) or `--part all`; `--details` lists every miss.

    PYTHONPATH=$PWD/src .venv/bin/python bench/names.py --part tune [--details] [--no-extract]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

KM = 30.0
PROBES = Path(__file__).with_name("names_probes.txt")


def load(path: Path = PROBES) -> list[dict]:
    journeys = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("## "):
            region, _, name = line[3:].partition(":")
            journeys.append({"region": region.strip(), "name": name.strip(), "stops": [],
                             "held": len(journeys) % 3 == 2})
            continue
        if not line or line.startswith("#"):
            continue
        names, _, where = line.partition("|")
        lat, lon = (float(x) for x in where.split())
        journeys[-1]["stops"].append({"spellings": [s.strip() for s in names.split(" / ")], "lat": lat, "lon": lon})
    return journeys


def text_of(names: list[str]) -> str:
    out = []
    for i in range(0, len(names), 2):
        pair = names[i:i + 2]
        out.append(f"We took the train from {pair[0]} to {pair[1]}." if len(pair) == 2 else
                   f"Then we took the train on to {pair[0]}.")
    return " ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=("tune", "held", "all"), default="tune")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--no-extract", action="store_true")
    ap.add_argument("--region", default=None)
    args = ap.parse_args()

    from mapgen.extract import extract
    from mapgen.gazetteer import Gazetteer, distance_km, name_key

    gz = Gazetteer.open()
    journeys = [j for j in load() if args.part == "all" or j["held"] == (args.part == "held")]
    if args.region:
        journeys = [j for j in journeys if args.region.lower() in j["region"].lower()]
    near = lambda s, p: distance_km(s["lat"], s["lon"], p.lat, p.lon) <= KM  # noqa: E731
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses = []
    t0 = time.time()
    for j in journeys:
        region = j["region"]
        for s in j["stops"]:
            for name in s["spellings"]:
                try:
                    cands = [c.place for c in gz.geocode(name, strict=False).candidates]
                except Exception:  # GeocodeError: no place of that name
                    cands = []
                known = any(near(s, p) for p in cands)
                placed = bool(cands) and near(s, cands[0])
                tally[region]["spellings"] += 1
                tally[region]["gz known"] += known
                tally[region]["gz placed"] += placed
                if not placed:
                    misses.append((region, j["name"], name, "gazetteer " + ("not first" if known else
                                   "elsewhere" if cands else "none"),
                                   f"{cands[0].name} ({cands[0].country})" if cands else ""))
        if args.no_extract:
            continue
        depth = max(len(s["spellings"]) for s in j["stops"])
        for k in range(depth):
            names = [s["spellings"][min(k, len(s["spellings"]) - 1)] for s in j["stops"]]
            ex = extract(text_of(names), gz)
            for s, name in zip(j["stops"], names):
                if k and len(s["spellings"]) <= k:
                    continue
                key = name_key(name)  # the mention of this spelling, or of a part of it ("Johor" of "Johor Baru")
                ms = [r for r in ex.resolved if key in name_key(r.mention.text) or
                      f" {name_key(r.mention.text)} " in f" {key} "]
                if any(near(s, r.place) for r in ms):
                    verdict = "right"
                elif ms or any(near(s, c.place) for r in ex.resolved for c in r.geocode.candidates
                               if name_key(name) in name_key(r.mention.text)):
                    verdict = "elsewhere"
                else:
                    verdict = "not found"
                tally[region]["ex " + verdict] += 1
                if verdict != "right":
                    misses.append((region, j["name"], name, "extract " + verdict,
                                   ", ".join(f"{r.mention.text}->{r.place.name} ({r.place.country})" for r in ms)))
    cols = ["spellings", "gz known", "gz placed"] + ([] if args.no_extract else
                                                      ["ex right", "ex elsewhere", "ex not found"])
    print(f"{'region':28}" + "".join(f"{c:>13}" for c in cols))
    total: dict[str, int] = defaultdict(int)
    for region, t in tally.items():
        print(f"{region[:28]:28}" + "".join(f"{t[c]:>13}" for c in cols))
        for c in cols:
            total[c] += t[c]
    print(f"{'TOTAL':28}" + "".join(f"{total[c]:>13}" for c in cols))
    if args.details:
        for m in misses:
            print(" | ".join(m))
    print(f"({len(journeys)} journeys, part {args.part}, {time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
