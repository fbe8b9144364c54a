"""Throughput of `mapgen extract` over many articles in one process, with -j 1 and -j 2 (issue 13 item 2).

    .venv/bin/python bench/extract_many.py [PATH/TO/GWN.xml] [--articles 100] [--repeat 2]

The articles are GeoWebNews' news texts (read from the shared eval-data folder, never copied into the
repository), fed as a JSON Lines stream to `mapgen extract - --json [-j N]`, whole process timed (start-up,
gazetteer from the warm cache, spaCy models, every worker's own start-up included). Both settings run in
this venv, alternated, `--repeat` times each; the median is reported. The machine's cores are shared, so
compare the two figures of one run, not across runs.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from geowebnews import default_path, load  # noqa: E402


RUNS = {"-j 1": ["-j", "1"], "-j 2": ["-j", "2"], "--dask local": ["--dask", "local"]}


def timed(stream: str, how: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mapgen.cli", "extract", "-", "--json", *RUNS[how]],
                          input=stream, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, proc.stdout


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=None)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="also time --dask local (needs mapgen[dask])")
    args = ap.parse_args(argv)
    path = args.path or default_path()
    if not path.exists():
        print(f"GeoWebNews not found at {path}; skipping")
        return 0
    texts = [(fid, text) for fid, text, _ in load(path)][: args.articles]
    stream = "\n".join(json.dumps({"id": fid, "text": t}, ensure_ascii=False) for fid, t in texts)
    chars = sum(len(t) for _, t in texts)
    timed(stream[: stream.find("\n")], "-j 1")  # warm the gazetteer cache and the OS file cache
    hows = list(RUNS) if args.dask else ["-j 1", "-j 2"]
    runs: dict[str, list[float]] = {h: [] for h in hows}
    outputs = {}
    for _ in range(args.repeat):
        for how in hows:
            s, out = timed(stream, how)
            runs[how].append(s)
            outputs[how] = out
    assert len(set(outputs.values())) == 1, "the runs disagree"  # same lines, same order
    print(f"{len(texts)} articles ({chars / len(texts):.0f} characters each on average), "
          f"{len(outputs['-j 1'].splitlines())} mentions; whole process, median of {args.repeat}:")
    for how, secs in runs.items():
        med = statistics.median(secs)
        print(f"  {how}: {med:6.1f} s  {len(texts) / med:5.1f} articles/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
