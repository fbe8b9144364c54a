"""Rail coverage (issue 15): the thirty well-known lines of tests/world_lines.toml, routed on the embedded
network the way `mapgen route FIRST LAST --via ...` routes them. Numbers go into README.md.

    .venv/bin/python bench/coverage.py            # a Markdown table, then the per-leg routing times
    .venv/bin/python bench/coverage.py --json

For each line: routed or not (and why), the km drawn against the railway's published length, the countries
crossed, and how much of the route is Natural Earth track, approximate pieces of the OpenStreetMap routing
graph, curated connectors, and straight off-track pieces to stops beyond the track. Routing time per leg is
measured around `route_leg` alone (snapping, the border rule, the shortest path; not geocoding, and not
the leg cache of a build, which `cache=False` leaves aside), in this process with the network already
loaded, as the median of `--repeat` runs of each leg.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINES = ROOT / "tests" / "world_lines.toml"


def measure(lines: list[dict], repeat: int) -> tuple[list[dict], list[float]]:
    from mapgen import route as route_module
    from mapgen.commands import _route_places
    from mapgen.errors import MapgenError
    from mapgen.rail import default_network
    from mapgen.rail import geodesic_km

    default_network()
    original = route_module.route_leg
    times: list[float] = []

    def timed(a, b, network):
        t = time.perf_counter()
        try:
            return original(a, b, network, cache=False)  # the routing itself, not the leg cache
        finally:
            times.append(time.perf_counter() - t)

    route_module.route_leg = timed
    rows, runs = [], []
    try:
        for r in range(repeat):
            times.clear()
            for line in lines:
                try:
                    legs = _route_places(line["stops"])
                except MapgenError as exc:
                    if r == 0:
                        rows.append({"name": line["name"], "routed": False, "why": str(exc)})
                    continue
                if r == 0:
                    by = {"natural_earth": 0.0, "osm_graph": 0.0, "connector": 0.0}
                    for leg in legs:
                        for kind, km in leg.source_km:
                            by[kind] += km
                    off = sum(geodesic_km(p) for leg in legs for p in leg.off_track)
                    km = sum(leg.km for leg in legs)
                    rows.append({
                        "name": line["name"], "routed": True, "stops": line["stops"], "km": round(km, 1),
                        "published_km": line["published_km"], "ratio": round(km / line["published_km"], 3),
                        "countries": sorted({c for leg in legs for c in leg.countries}),
                        "allowed": line["countries"],
                        "share": {k: round(v / km, 3) for k, v in by.items()} | {"off_track": round(off / km, 3)},
                        "connectors": sorted({c for leg in legs for c in leg.connectors}),
                    })
            runs.append(list(times))
    finally:
        route_module.route_leg = original
    per_leg = [statistics.median(t) for t in zip(*runs)]
    return rows, per_leg


def table(rows: list[dict]) -> str:
    out = ["| line | routed | km drawn | published | countries | Natural Earth | OSM graph | curated | off-track |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if not r["routed"]:
            out.append(f"| {r['name']} | **no**: {r['why']} | | | | | | | |")
            continue
        s = r["share"]
        pct = lambda x: f"{100 * x:.0f} %" if x >= 0.005 else ("<1 %" if x > 0 else "")  # noqa: E731
        out.append(
            f"| {r['name']} ({' – '.join(r['stops'])}) | yes | {r['km']:,.0f} | {r['published_km']:,} "
            f"({100 * (r['ratio'] - 1):+.0f} %) | {', '.join(r['countries'])} | {pct(s['natural_earth'])} | "
            f"{pct(s['osm_graph'])} | {pct(s['connector'])} | {pct(s['off_track'])} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    lines = tomllib.loads(LINES.read_text(encoding="utf-8"))["line"]
    rows, per_leg = measure(lines, args.repeat)
    ms = sorted(1000 * t for t in per_leg)
    timing = {"legs": len(ms), "median_ms": round(statistics.median(ms), 1), "max_ms": round(ms[-1], 1)}
    if args.json:
        json.dump({"lines": rows, "routing": timing}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    print(table(rows))
    routed = sum(r["routed"] for r in rows)
    within = sum(r["routed"] and abs(r["ratio"] - 1) <= 0.2 for r in rows)
    print(f"\n{routed} of {len(rows)} lines routed; {within} within 20 % of the published length")
    print(f"routing per leg (route_leg, median of {args.repeat} runs each): {timing['legs']} legs, "
          f"median {timing['median_ms']} ms, max {timing['max_ms']} ms")


if __name__ == "__main__":
    main()
