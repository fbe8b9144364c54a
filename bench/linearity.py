"""How `mapgen new` and `mapgen geocode` scale (issue 12). Numbers go into README.md.

    .venv/bin/python bench/linearity.py                 # both parts; `new` up to 4.9 MB takes minutes
    .venv/bin/python bench/linearity.py --part geocode  # only geocode: 10,000 names of each kind
    .venv/bin/python bench/linearity.py --src /work/main/src   # the same, run on another checkout's code

`new`: articles of 100 KB to 4.9 MB (the article limit is 5,000,000 bytes), written from sentences made up
here about rail journeys between real towns; each size is one fresh `mapgen new` process. The cost of a
1 KB article (interpreter start, imports, index open) is subtracted, then ms per KB is compared across
sizes: linear means the worst is within 2x of the best.

`geocode`: 10,000 names of each kind through one `mapgen geocode` process reading standard input: real
names (towns of 1,000+ people sampled from the index with a fixed seed), junk (random letters), and typos
(a real name with one letter changed). The time of a one-name run is subtracted; ms per name.
"""
from __future__ import annotations

import argparse
import os
import random
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench import CITIES  # noqa: E402  (places on the Russian network, as in bench.py)

SIZES_KB = (100, 200, 500, 1000, 2000, 4900)

# Sentences written for this benchmark; {a} and {b} are towns, {d} a weekday.
TRAVEL = [
    "The train left {a} early on {d} and reached {b} late in the evening.",
    "At {a} the train stopped for twenty minutes while the locomotive was changed.",
    "From {a} the journey went on east towards {b}, along the river for most of the day.",
    "Passengers who boarded at {a} said the carriages were full all the way to {b}.",
    "The delegation arrived in {a} on {d}, where local officials met the train on the platform.",
    "Before reaching {b}, the train slowed down to cross the long bridge outside {a}.",
]
FILLER = [
    "The weather was cold, and snow covered the fields on both sides of the line.",
    "A spokesman for the railway declined to comment on the delays.",
    "Newspapers printed photographs of the green carriages passing through small stations.",
    "Nobody said how long the visit would last or what would be discussed.",
    "Officials in {a} said the timetable of other trains had been changed for the day.",
    "Several analysts said the trip was meant as a signal to other governments.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def article(kb: int, seed: int = 12) -> str:
    """About `kb` kilobytes of text, in paragraphs of five or six sentences."""
    rng = random.Random(seed)
    parts, size = ["date 2023-09\n"], 0
    while size < kb * 1000 - 600:
        para = []
        for _ in range(rng.randint(5, 6)):
            a, b = rng.sample(CITIES, 2)
            para.append(rng.choice(TRAVEL if rng.random() < 0.5 else FILLER).format(a=a, b=b, d=rng.choice(DAYS)))
        text = " ".join(para) + "\n\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
    return "".join(parts)


def run(cmd: list[str], env: dict, stdin: str | None = None, timeout: float = 3600, ok=(0, 1)) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
    elapsed = time.perf_counter() - t
    if r.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({r.returncode}): {r.stderr[-500:]}")
    return elapsed


def bench_new(env: dict, sizes, timeout: float) -> None:
    print("## mapgen new: seconds and ms per KB by article size (a 1 KB article's time subtracted)")
    with tempfile.TemporaryDirectory() as tmp:
        runs = iter(range(1_000_000))

        def new(kb: int) -> float:
            path = Path(tmp) / f"article-{kb}.txt"
            path.write_text(article(kb), encoding="utf-8")
            return run([sys.executable, "-m", "mapgen.cli", "new", f"bench-{next(runs)}", "--article", str(path),
                        "--stories", str(Path(tmp) / "stories")], env, timeout=timeout, ok=(0,))

        base = min(new(1) for _ in range(3))
        print(f"1 KB article: {base:.2f} s (subtracted)")
        print(f"{'size':>8} {'seconds':>9} {'ms/KB':>8}")
        per_kb = {}
        for kb in sizes:
            try:
                seconds = new(kb)
            except subprocess.TimeoutExpired:
                print(f"{kb:>6}KB  over {timeout:.0f} s: stopped")
                break
            per_kb[kb] = (seconds - base) * 1000 / kb
            print(f"{kb:>6}KB {seconds:>9.1f} {per_kb[kb]:>8.2f}", flush=True)
        if len(per_kb) > 1:
            worst, best = max(per_kb.values()), min(per_kb.values())
            print(f"worst / best ms per KB: {worst / best:.2f} (goal: within 2)")


def names(kind: str, n: int, env: dict) -> list[str]:
    rng = random.Random({"real": 1, "junk": 2, "typo": 3}[kind])
    if kind == "junk":
        return ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 12))).capitalize()
                for _ in range(n)]
    code = ("import random, sys\nfrom mapgen.gazetteer import Gazetteer\n"
            "rows = Gazetteer.open()._db.execute(\"SELECT name FROM places WHERE kind = 'city' AND population >= 1000 "
            "ORDER BY id\").fetchall()\n"
            "for (name,) in random.Random(1).sample(rows, int(sys.argv[1])): print(name)")
    real = subprocess.run([sys.executable, "-c", code, str(n)], capture_output=True, text=True, env=env,
                          check=True).stdout.splitlines()
    if kind == "real":
        return real
    out = []
    for name in real:
        i = rng.randrange(1, len(name)) if len(name) > 1 else 0
        out.append(name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1:])
    return out


def bench_geocode(env: dict, n: int) -> None:
    print(f"## mapgen geocode: ms per name, {n:,} names of each kind on standard input (a one-name run subtracted)")
    cmd = [sys.executable, "-m", "mapgen.cli", "geocode"]
    one = min(run(cmd, env, stdin="Omsk\n") for _ in range(3))
    results = {}
    for kind in ("real", "junk", "typo"):
        todo = names(kind, n, env)
        seconds = run(cmd, env, stdin="\n".join(todo) + "\n")
        results[kind] = (seconds - one) * 1000 / len(todo)
        print(f"{kind:>5}: {seconds:6.1f} s, {results[kind]:.2f} ms per name", flush=True)
    print(f"junk / real: {results['junk'] / results['real']:.1f}x; typo / real: {results['typo'] / results['real']:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("all", "new", "geocode"), default="all")
    ap.add_argument("--src", type=Path, help="run the mapgen package found in this src/ folder instead")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=SIZES_KB,
                    help="article sizes in KB, comma-separated")
    ap.add_argument("--names", type=int, default=10_000)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed to one `mapgen new`")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    code = subprocess.run([sys.executable, "-c", "import mapgen; print(mapgen.__file__)"], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()
    print(f"mapgen from {code}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    if args.part in ("all", "geocode"):
        bench_geocode(env, args.names)
    if args.part in ("all", "new"):
        bench_new(env, args.sizes, args.timeout)


if __name__ == "__main__":
    main()
