"""Speed and memory benchmarks for mapgen (issues 4 and 10). Numbers go into README.md.

    .venv/bin/python bench/bench.py              # all benchmarks, about 12 minutes on 2 cores
    .venv/bin/python bench/bench.py --quick      # skip the 200-story runs
    .venv/bin/python bench/bench.py --no-install # skip the fresh install (it needs PyPI for the dependencies)
    .venv/bin/python bench/bench.py --venv DIR   # use this runtime-only venv (mapgen installed, no extras)

Every timing is a fresh process (cold: interpreter start, imports, data loads), the median of N runs,
and the comparisons are ratios measured in the same run, because this machine is small and noisy. Every
command runs in one venv, the runtime-only venv of the fresh install (or --venv; with --no-install, this
one), so that both sides of each comparison import the same packages: the cold build and the by-hand
script alternate, and their ratio is the median of the per-pair ratios. `bench/extract_many.py` runs in the
same venv for the extract rows (throughput and peak memory).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "geo" / "stories" / "kim-2023-russia"
PY = sys.executable
MAPGEN = [PY, "-m", "mapgen.cli"]

FOLIUM_BY_HAND = """
import folium
stops = [(39.03385, 125.75432, "Pyongyang"), (42.430056, 130.644917, "Khasan"),
         (43.10562, 131.87353, "Vladivostok"), (51.8844, 128.3334, "Vostochny Cosmodrome")]
m = folium.Map(location=[45, 128], zoom_start=5)
for lat, lon, name in stops:
    folium.Marker([lat, lon], popup=name, tooltip=name).add_to(m)
folium.PolyLine([(lat, lon) for lat, lon, _ in stops], color="red").add_to(m)
m.save(OUT)
"""

# Places on the Russian network, for generated stories (name, a verb phrase the article uses).
CITIES = ["Moscow", "Kazan", "Yekaterinburg", "Novosibirsk", "Irkutsk", "Khabarovsk", "Vladivostok", "Omsk",
          "Krasnoyarsk", "Chita", "Perm", "Samara", "Ufa", "Tyumen", "Tomsk", "Nizhniy Novgorod", "Yaroslavl",
          "Kirov", "Ulan-Ude", "Birobidzhan", "Belogorsk", "Ussuriysk", "Barnaul", "Kemerovo", "Chelyabinsk"]


def timed(cmd, *, env=None, runs=3) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def cpu_and_wall(cmd: list[str]) -> tuple[float, float]:
    """(user + system CPU seconds of the child, wall seconds) of one run of `cmd`."""
    before = os.times()
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system), wall


def peak_rss_mb(args: list[str], python=PY) -> float:
    code = (
        "import resource, sys\nfrom mapgen.cli import cli\n"
        f"try: cli({args!r})\nexcept SystemExit: pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def measured(cmd, *, cwd=None, env=None) -> tuple[float, float]:
    """Wall time (s) and peak memory (max RSS, MB) of one process; its output goes to a log in /tmp."""
    with tempfile.TemporaryFile() as log:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            raise SystemExit(f"{cmd} failed:\n{log.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def site_packages_breakdown(venv: Path) -> list[tuple[str, int]]:
    """KiB per installed distribution (its package folder, its .libs and its .dist-info together)."""
    site = next(venv.glob("lib/python*/site-packages"))
    sizes: dict[str, int] = {}
    for entry in site.iterdir():
        kib = int(subprocess.run(["du", "-sk", str(entry)], capture_output=True, text=True).stdout.split()[0])
        name = entry.name.split("-")[0].removesuffix(".libs").removesuffix(".py").lower()
        sizes[name] = sizes.get(name, 0) + kib
    return sorted(sizes.items(), key=lambda kv: -kv[1])


def install_and_first_run(tmp: Path, rows: list, article: Path) -> tuple[list[tuple[str, int]], Path]:
    """As a user would: the wheel built from this checkout, installed with no extras into a fresh venv, then
    the first `mapgen new` in an empty folder with an empty gazetteer cache."""
    src = tmp / "src"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.split(b"\0")
    for f in filter(None, files):
        (src / f.decode()).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f.decode(), src / f.decode())
    venv = tmp / "venv"
    subprocess.run([PY, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp / "dist"), str(src)], check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("mapgen-*.whl"))
    subprocess.run([*pip, "install", str(wheel)], check=True, capture_output=True)
    venv_kib = int(subprocess.run(["du", "-sk", str(venv)], capture_output=True, text=True).stdout.split()[0])
    rows.append(("wheel size", f"{wheel.stat().st_size / 1e6:.1f} MB", ""))
    rows.append(("fresh venv after `pip install` of the wheel, no extras (`du -s`)",
                 f"{venv_kib / 1024:.0f} MiB ({venv_kib:,} KiB)", "≤ 350 MB"))
    mapgen = str(venv / "bin" / "mapgen")
    env = dict(os.environ, MAPGEN_CACHE=str(tmp / "cache-first"))
    first = tmp / "first"
    first.mkdir()
    shutil.copy(article, first / "some.txt")
    wall, rss = measured([mapgen, "new", "demo", "--article", "some.txt"], cwd=first, env=env)
    rows.append((f"first `mapgen new` on a fresh install, empty cache ({article.stat().st_size} B article)",
                 f"{wall:.1f} s, {rss:.0f} MB max RSS", "≤ 10 s, ≤ 400 MB"))
    again = tmp / "again"
    again.mkdir()
    shutil.copy(article, again / "some.txt")
    wall, rss = measured([mapgen, "new", "demo", "--article", "some.txt"], cwd=again, env=env)
    rows.append(("the same `mapgen new` again, index cached", f"{wall:.1f} s, {rss:.0f} MB max RSS", ""))
    env = dict(os.environ, MAPGEN_CACHE=str(tmp / "cache-index"))
    wall, rss = measured([str(venv / "bin" / "python"), "-c",
                          "from mapgen.gazetteer import ensure_index; ensure_index()"], env=env)
    rows.append(("gazetteer index build alone, empty cache (imports included)", f"{wall:.1f} s, {rss:.0f} MB max RSS",
                 "≤ 5 s, ≤ 400 MB"))
    return site_packages_breakdown(venv), venv / "bin" / "python"


def generate_stories(folder: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for i in range(n):
        k = rng.choice([2, 3, 3, 4])
        places = rng.sample(CITIES, k)
        sentences = [f"The delegation left {places[0]} by train on Monday."]
        sentences += [f"It then reached {p} after a long night." for p in places[1:]]
        d = folder / f"gen-{i:03d}"
        d.mkdir(parents=True)
        (d / "article.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
        stops = "".join(
            f'[[stops]]\nplace = "{p}"\ncountry = "RU"\nquote = "{q.split(" by train")[0].split(" after")[0]}"\n'
            for p, q in zip(places, sentences)
        )
        (d / "story.toml").write_text(
            f'title = "Generated journey {i}"\nlanguage = "en"\n[source]\nname = "bench"\n'
            f'citation = "generated by bench/bench.py"\n{stops}', encoding="utf-8")


BASEMAP_TIMES = """
import sys, time
from mapgen import basemap
bounds = tuple(map(float, sys.argv[1:5]))
t = time.perf_counter(); basemap.basemap_geojson(bounds); cold = time.perf_counter() - t
t = time.perf_counter(); basemap.basemap_geojson(bounds); warm = time.perf_counter() - t
print(cold, warm)
"""


def basemap_rows(runs: int, python=PY) -> list[tuple[str, str, str]]:
    """The base map of the seed's view and of a Lisbon-Vladivostok view, each in a fresh process: the first
    call loads its level from geo/, the second is served from memory. The goals are what tests once asserted."""
    rows = []
    for name, bounds, goal in (("seed view", (125.0, 38.9, 133.0, 52.0), "≤ 1 s / ≤ 0.3 s"),
                               ("Lisbon-Vladivostok view", (-9.14, 38.72, 131.89, 55.76), "≤ 1 s")):
        times = [tuple(map(float, subprocess.run([str(python), "-c", BASEMAP_TIMES, *map(str, bounds)], check=True,
                                                 capture_output=True, text=True).stdout.split()))
                 for _ in range(runs)]
        cold, warm = (statistics.median(t[k] for t in times) for k in (0, 1))
        rows.append((f"offline base map, {name}: first / second call in a process", f"{cold:.3f} / {warm:.3f} s", goal))
    return rows


def extract_rows(python, quick: bool) -> list[tuple[str, str, str]]:
    """bench/extract_many.py in the venv of `python`: articles/s with and without the language model, 1 and 2
    workers (one round with --quick, else the median of 3), and peak memory for 200 and 2,000 articles."""
    cmd = [str(python), str(ROOT / "bench" / "extract_many.py"), "--json", "--repeat", "1" if quick else "3"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.startswith("{"):
        return [("`mapgen extract`, many articles", "not measured: " + (proc.stdout + proc.stderr)[-200:].strip(), "")]
    r = json.loads(proc.stdout)
    goals = {"-j 2": "≥ 10 articles/s", "-j 2 --no-model": "≥ 50 articles/s"}
    rows = [(f"`mapgen extract - --json {how}`, {r['articles']} GeoWebNews texts ({r['chars_avg']:,} characters on "
             f"average), whole process, median of {r['repeat']}", f"{t['per_s']} articles/s ({t['s']} s)",
             goals.get(how, "")) for how, t in r["throughput"].items()]
    for how, by_n in r["memory"].items():
        rows.append((f"peak RSS of `mapgen extract - --json {how}` (process / largest worker), "
                     + " vs ".join(f"{int(n):,}" for n in by_n) + " articles",
                     " vs ".join(f"{m['process_mb']} / {m['worker_mb']} MB" for m in by_n.values()), "flat"))
    return rows


def png_rows(build_cmd: list[str], runs: int) -> list[tuple[str, str, str]]:
    """What `--png` adds to a seed build (headless Chromium), as the median of paired runs with and without."""
    from mapgen.png import chromium_path

    if not os.access(chromium_path(), os.X_OK):
        return [("PNG of the seed map (`--png`)", "not measured: no Chromium", "")]
    with_png, without = [], []
    for _ in range(runs):
        with_png.append(timed(build_cmd + ["--png"], runs=1)[0])
        without.append(timed(build_cmd, runs=1)[0])
    extra = statistics.median(a - b for a, b in zip(with_png, without))
    return [("`mapgen build --png` of the seed, beyond the build without it (median of paired runs, test venv)",
             f"{extra:.2f} s", "≤ 30 s")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-install", action="store_true", help="skip the fresh install and first run")
    ap.add_argument("--venv", type=Path, default=None, help="a runtime-only venv to run in (skips the install)")
    ap.add_argument("--no-extract", action="store_true", help="skip bench/extract_many.py")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mapgen-bench-"))
    rows = []
    breakdown = []
    try:
        # 0. a fresh install and its first run (empty cache)
        runtime = PY  # the venv every command runs in, both sides of each pair alike
        if args.venv:
            runtime = args.venv / "bin" / "python"
        elif not args.no_install:
            breakdown, runtime = install_and_first_run(tmp, rows, ROOT / "tests" / "articles" /
                                                       "tbilisi-batumi-sleeper-en.txt")
        # 1. cold build of the seed story vs. a by-hand folium script, both in the runtime-only venv of the
        # fresh install (the test venv has pandas, which folium imports when it can, slowing the hand side)
        out = tmp / "seed"
        build_cmd = [str(runtime), "-m", "mapgen.cli", "build", str(SEED), "--out", str(out), "--force"]
        subprocess.run(build_cmd, check=True, capture_output=True)  # warm the gazetteer index and disk cache
        hand = tmp / "hand.py"
        hand.write_text(f"OUT = {str(tmp / 'hand.html')!r}\n" + FOLIUM_BY_HAND)
        # interleaved, so that a slow spell of this shared machine hits both sides alike; CPU time (user +
        # system, of the child) beside wall time, as it suffers less from the other users of the machine
        # Two kinds of cold build: the same map rebuilt (every cache warm, its label layouts and routed legs
        # included: `--force`, a changed quote or title, a deleted output) and a new map (the per-story
        # caches, label layouts and legs, emptied before each build; the gazetteer index, templates, rail
        # network and data-file caches warm, as for a user's second map). Both alternate with the hand script.
        from mapgen.data import cache_dir

        story_caches = [cache_dir() / "labels", cache_dir() / "legs"]
        builds, hands, fresh = [], [], []
        for _ in range(args.runs):
            builds.append(cpu_and_wall(build_cmd))
            hands.append(cpu_and_wall([str(runtime), str(hand)]))
            for folder in story_caches:
                shutil.rmtree(folder, ignore_errors=True)
            fresh.append(cpu_and_wall(build_cmd))
        venv_name = ("this venv (--no-install)" if runtime == PY else f"the runtime-only venv {args.venv}" if args.venv
                     else "the fresh runtime-only venv")
        mapgen = [str(runtime), "-m", "mapgen.cli"]
        for k, what in ((1, "wall"), (0, "CPU")):
            t_build = statistics.median(b[k] for b in builds)
            t_fresh = statistics.median(b[k] for b in fresh)
            t_hand = statistics.median(h[k] for h in hands)
            pair = statistics.median(b[k] / h[k] for b, h in zip(builds, hands))
            pair_fresh = statistics.median(b[k] / h[k] for b, h in zip(fresh, hands))
            rows.append((f"cold `mapgen build` of the seed story, {what}, {venv_name}, every cache warm",
                         f"{t_build:.2f} s", ""))
            rows.append((f"the same, label-layout and leg caches empty (a new map), {what}", f"{t_fresh:.2f} s", ""))
            rows.append((f"by-hand folium script (4 markers, straight line), {what}", f"{t_hand:.2f} s", ""))
            rows.append((f"ratio build / by-hand, {what} (median of paired runs), every cache warm", f"{pair:.2f}x",
                         "≤ 1.3x"))
            rows.append((f"ratio build / by-hand, {what}, label-layout and leg caches empty", f"{pair_fresh:.2f}x",
                         "≤ 1.3x"))
        # 2. no-op build
        noop_cmd = mapgen + ["build", str(SEED), "--out", str(out)]
        t_noop, _ = timed(noop_cmd, runs=args.runs)
        t_help, _ = timed(mapgen + ["--help"], runs=args.runs)
        rows.append(("no-op `mapgen build` (nothing changed)", f"{t_noop:.3f} s", "≤ 0.3 s"))
        rows.append(("`mapgen --help`", f"{t_help:.3f} s", ""))
        # 3. world rail graph load and per-leg routing
        code = (
            "import time; t=time.perf_counter()\n"
            "from mapgen.rail import RailNetwork; net = RailNetwork.load(); load = time.perf_counter()-t\n"
            "from mapgen.rail import SCALE\n"
            "pairs = [((39.034,125.754),(42.430,130.645),{'KP','RU'}), ((43.106,131.874),(51.884,128.333),{'RU'}),\n"
            "         ((55.752,37.616),(43.106,131.874),{'RU'}), ((48.857,2.352),(52.520,13.405),{'FR','DE'}),\n"
            "         ((39.907,116.397),(47.908,106.883),{'CN','MN'})]\n"
            "ts=[]\n"
            "for a,b,c in pairs:\n"
            "    t=time.perf_counter(); al=net.allowed_edges(c); sa=net.snap(*a,al); sb=net.snap(*b,al)\n"
            "    p=net.shortest_path(sa,sb,al); ts.append(time.perf_counter()-t)\n"
            "import statistics; print(load, statistics.median(ts), max(ts))\n"
        )
        load, leg_med, leg_max = map(float, subprocess.run([str(runtime), "-c", code], check=True, capture_output=True,
                                                           text=True).stdout.split())
        rows.append(("world rail graph load (imports + 945k vertices, 31.9k edges, 9 connectors)", f"{load:.2f} s", ""))
        rows.append(("routing one leg (median / max of 5 legs, 300–9,000 km)", f"{leg_med:.3f} / {leg_max:.3f} s", ""))
        # the legs of the thirty lines of the rail coverage issue (bench/coverage.py, median of 3 runs of each)
        cov = json.loads(subprocess.run([str(runtime), str(ROOT / "bench" / "coverage.py"), "--json", "--repeat", "3"],
                                        check=True, capture_output=True, text=True).stdout)["routing"]
        rows.append((f"routing a leg of the 30 well-known lines ({cov['legs']} legs, `route_leg`, network loaded)",
                     f"median {cov['median_ms']} ms, max {cov['max_ms']} ms", "≤ 20 ms, ≤ 100 ms"))
        rows.append(("peak memory of a seed build (max RSS)",
                     f"{peak_rss_mb(['build', str(SEED), '--out', str(out), '--force'], runtime):.0f} MB", ""))
        # 3b. the offline base map (were timed assertions in tests/test_basemap.py) and the PNG
        rows += basemap_rows(args.runs, runtime)
        # (in this venv, both sides: the runtime-only venv has no playwright, an extra of the PNG output)
        rows += png_rows([PY, *build_cmd[1:]], args.runs)
        # 3c. many articles through `mapgen extract` (throughput, peak memory), in the same venv
        if not args.no_extract:
            rows += extract_rows(runtime, quick=args.quick)
        # 4. 200 generated stories
        if not args.quick:
            stories = tmp / "stories"
            generate_stories(stories, 200)
            out200 = tmp / "many"
            cmd = mapgen + ["build", *map(str, sorted(stories.iterdir())), "--out", str(out200)]
            t = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True)
            t_many = time.perf_counter() - t
            built = r.stdout.count(" km -> ")
            failed = r.stderr.count("Error:")
            rows.append((f"200 generated stories from scratch ({built} built, {failed} failed, 2 processes)",
                         f"{t_many:.1f} s", ""))
            t_again, _ = timed(cmd, runs=1)
            rows.append(("the same 200 again, nothing changed", f"{t_again:.2f} s", ""))
            if failed:
                print(r.stderr[-2000:], file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.runs} runs\n")
    print("| benchmark | measured | goal |\n|---|---|---|")
    for name, value, goal in rows:
        print(f"| {name} | {value} | {goal} |")
    if breakdown:
        print("\nfresh venv by distribution (KiB, `du -sk` of its folders in site-packages):")
        print(", ".join(f"{name} {kib:,}" for name, kib in breakdown if kib >= 500))


if __name__ == "__main__":
    main()
