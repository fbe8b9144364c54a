"""Throughput and memory of `mapgen extract` over many articles in one process (issue 13 item 2).

    .venv/bin/python bench/extract_many.py [PATH/TO/GWN.xml] [--articles 100] [--repeat 2] [--dask]
        [--memory 200,2000]

The articles are GeoWebNews' news texts (read from the shared eval-data folder, never copied into the
repository), fed as a JSON Lines stream to `mapgen extract - --json ...`, whole process timed (start-up,
gazetteer from the warm cache, spaCy models, every worker's own start-up included). Every setting runs in
this venv (`sys.executable`), the settings alternated within each of `--repeat` rounds, and the median is
reported: the machine's cores are shared, so compare the figures of one run, not across runs. The outputs of
the settings with the model must be identical (same lines, same order), and so must those without it.

Memory: peak RSS (`getrusage` max RSS of the `mapgen extract` process, and the largest of its worker
processes) for a stream of N and of 10 N articles (the texts repeated with new ids), with `--no-model`
(so that the runs are short and the input, not the model, is what could grow).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from geowebnews import default_path, load  # noqa: E402

RUNS = {"-j 1": ["-j", "1"], "-j 2": ["-j", "2"], "--dask local": ["--dask", "local"],
        "-j 1 --no-model": ["-j", "1", "--no-model"], "-j 2 --no-model": ["-j", "2", "--no-model"]}

# the extract command in this process, then its peak memory and its workers' (ru_maxrss is KiB on Linux)
RSS = """
import resource, sys
from mapgen.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
      file=sys.stderr)
"""


def timed(stream_path: Path, how: str) -> tuple[float, str]:
    with open(stream_path, "rb") as stdin:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "mapgen.cli", "extract", "-", "--json", *RUNS[how]],
                              stdin=stdin, capture_output=True, check=True)
    return time.perf_counter() - t0, proc.stdout.decode()


def peak_rss(stream_path: Path, how: str) -> tuple[float, float]:
    """(MB of the extract process, MB of its largest worker) for one run, output discarded."""
    with open(stream_path, "rb") as stdin:
        proc = subprocess.run([sys.executable, "-c", RSS, "extract", "-", "--json", *RUNS[how]], stdin=stdin,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    own, workers = map(int, proc.stderr.decode().split()[-2:])
    return own / 1024, workers / 1024


def write_stream(path: Path, texts: list[tuple[str, str]], n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            fid, text = texts[k % len(texts)]
            ident = fid if k < len(texts) else f"{fid}#{k // len(texts)}"
            f.write(json.dumps({"id": ident, "text": text}, ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=None)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="also time --dask local (needs mapgen[dask])")
    ap.add_argument("--memory", default="200,2000", help="stream sizes for the peak-memory runs ('' skips them)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    path = args.path or default_path()
    if not path.exists():
        print(f"GeoWebNews not found at {path}; skipping")
        return 0
    every = [(fid, text) for fid, text, _ in load(path)]
    texts = every[: args.articles]
    chars = sum(len(t) for _, t in texts)
    tmp = Path(tempfile.mkdtemp(prefix="mapgen-extract-bench-"))
    stream = tmp / "stream.jsonl"
    write_stream(stream, texts, len(texts))
    one = tmp / "one.jsonl"
    write_stream(one, texts, 1)
    timed(one, "-j 1")  # warm the gazetteer cache and the OS file cache
    hows = ["-j 1", "-j 2", "-j 1 --no-model", "-j 2 --no-model"] + (["--dask local"] if args.dask else [])
    runs: dict[str, list[float]] = {h: [] for h in hows}
    outputs = {}
    for _ in range(args.repeat):
        for how in hows:
            s, out = timed(stream, how)
            runs[how].append(s)
            outputs[how] = out
    model = {outputs[h] for h in hows if "no-model" not in h}
    bare = {outputs[h] for h in hows if "no-model" in h}
    assert len(model) == 1 and len(bare) == 1, "the runs disagree"  # same lines, same order
    result = {"articles": len(texts), "chars_avg": round(chars / len(texts)), "repeat": args.repeat,
              "mentions": len(outputs["-j 1"].splitlines()), "mentions_no_model": len(outputs["-j 1 --no-model"].splitlines()),
              "throughput": {h: {"s": round(statistics.median(s), 2), "per_s": round(len(texts) / statistics.median(s), 1)}
                             for h, s in runs.items()}, "memory": {}}
    for n in [int(x) for x in args.memory.split(",") if x]:
        big = tmp / f"stream-{n}.jsonl"
        write_stream(big, every, n)
        for how in ("-j 1 --no-model", "-j 2 --no-model"):
            own, workers = peak_rss(big, how)
            result["memory"].setdefault(how, {})[n] = {"process_mb": round(own), "worker_mb": round(workers),
                                                       "input_mb": round(big.stat().st_size / 1e6, 1)}
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"{len(texts)} articles ({result['chars_avg']} characters each on average), {result['mentions']} mentions "
          f"({result['mentions_no_model']} without the model); whole process, median of {args.repeat}:")
    for how, r in result["throughput"].items():
        print(f"  {how:18s} {r['s']:6.1f} s  {r['per_s']:6.1f} articles/s")
    for how, by_n in result["memory"].items():
        print(f"  peak RSS, {how}: " + "; ".join(f"{n} articles ({m['input_mb']} MB of input): process {m['process_mb']} MB, "
                                                  f"largest worker {m['worker_mb']} MB" for n, m in by_n.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
