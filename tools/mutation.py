"""Mutation check (issue 16): how many small breakages of mapgen's core modules the tests catch.

    .venv/bin/pip install -e '.[mutation]'                  # cosmic-ray, which makes the mutants
    .venv/bin/python tools/mutation.py                      # the sample the README reports (seed 16)
    .venv/bin/python tools/mutation.py --list               # what it would run, and nothing else
    .venv/bin/python tools/mutation.py --modules build --per-module 10
    .venv/bin/python tools/mutation.py --rerun .mutation/results.json   # only the survivors of a run

Not part of CI or of `make test`: it takes about an hour on 2 cores. For each module it lists every mutant
cosmic-ray's operators make (an operator or comparison swapped, a number changed, a condition negated, a
loop run zero times, a decorator or an exception type replaced), groups them by the line they
change, draws `--per-module` lines with a fixed seed and one mutant on each, so that a sample spreads over
the code rather than piling up on the ten ways to replace one `+`. Each mutant is written into a private copy
of src/ (never the checkout), and the module's tests run against it (`pytest -x`, in a fresh process,
PYTHONPATH pointing at the copy). A failing run kills the mutant; a run over its time limit counts as killed
(a hang); a passing run is a survivor, printed with its diff. Results go to `.mutation/results.json`.

The modules and the tests run for each are in MODULES below. extract.py, journey.py and lang/ are left out
(being rewritten), and so are rail.py, route.py and gazetteer.py (their tests are slow per mutant, and the
gazetteer index is cached by its inputs, not by the code that builds it, so its mutants would be judged on
an index the unmutated code built).
"""
from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "mapgen"

_STORY = ["tests/test_story.py", "tests/test_article.py", "tests/test_fuzz.py", "tests/test_bad_input.py"]
_BUILD = ["tests/test_incremental.py", "tests/test_manifest.py", "tests/test_cli.py", "tests/test_project.py",
          "tests/test_png_kept.py", "tests/test_command_guards.py"]
MODULES: dict[str, list[str]] = {
    "story": _STORY + ["tests/test_readme.py"],
    "article": _STORY,
    "dates": ["tests/test_dates.py", "tests/test_render.py", "tests/test_story.py"],
    "geocode": ["tests/test_geocode.py", "tests/test_seed_map.py", "tests/test_commands.py"],
    "export": ["tests/test_seed_map.py", "tests/test_render.py", "tests/test_cli.py"],
    "build": _BUILD + ["tests/test_bad_input.py", "tests/test_crash_safety.py"],
    "publish": ["tests/test_crash_safety.py", "tests/test_manifest.py", "tests/test_bad_input.py",
                "tests/test_incremental.py"],
}
PYTEST = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0",
          "-o", "addopts=", "--no-header"]


def mutants(module: str) -> list[dict]:
    """Every mutant cosmic-ray's operators make of src/mapgen/<module>.py."""
    from cosmic_ray.commands.init import _all_work_items

    out = []
    for item in _all_work_items([PKG / f"{module}.py"], {}):
        m = item.mutations[0]
        out.append({"module": module, "operator": m.operator_name, "occurrence": m.occurrence,
                    "line": m.start_pos[0], "col": m.start_pos[1]})
    return out


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations are, in a module that never evaluates them (`from __future__ import
    annotations`): a mutant there (`str | None` made `str ^ None`) changes nothing and is not run."""
    tree = ast.parse(source)
    if not any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and
               any(a.name == "annotations" for a in n.names) for n in tree.body):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            found += [a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
                      if a is not None and a.annotation is not None]
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in found if n is not None]


def sample(modules: list[str], per_module: int, seed: int) -> list[dict]:
    """Up to `per_module` lines per module, one mutant on each, drawn with `seed`; modules interleaved."""
    rng = random.Random(seed)
    per: dict[str, list[dict]] = {}
    for module in modules:
        places = defaultdict(list)
        for m in mutants(module):
            places[m["line"]].append(m)
        keys = sorted(places)
        chosen = sorted(rng.sample(keys, min(per_module, len(keys))))
        per[module] = [rng.choice(places[k]) for k in chosen]
    order = []
    for i in range(max(map(len, per.values()), default=0)):
        order += [per[m][i] for m in modules if i < len(per[m])]
    return order


def mutate(source: str, m: dict) -> str | None:
    import cosmic_ray.plugins
    from cosmic_ray.mutating import mutate_code

    return mutate_code(source, cosmic_ray.plugins.get_operator(m["operator"])(), m["occurrence"])


def run_tests(work: Path, tests: list[str], timeout: float) -> tuple[str, str]:
    """('passed' | 'failed' | 'timeout', the end of pytest's output) with the copy in `work` imported."""
    env = {**os.environ, "PYTHONPATH": str(work / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen([*PYTEST, *tests], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", ""
    text = out.decode("utf-8", "replace")
    return ("passed" if proc.returncode == 0 else "failed"), text[-1500:]


def make_copy(base: Path, i: int) -> Path:
    """A private copy of src/ with geo/ beside it, as in the checkout (mapgen finds geo/ from its own path)."""
    work = base / f"work-{i}"
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (work / "geo").symlink_to(ROOT / "geo")
    return work


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modules", default=",".join(MODULES), help="comma-separated, from: " + ", ".join(MODULES))
    ap.add_argument("--per-module", type=int, default=40, help="places drawn per module (default 40)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / ".mutation")
    ap.add_argument("--only", help="run only the sampled mutants of these modules (comma-separated)")
    ap.add_argument("--list", action="store_true", help="print the sample and exit")
    ap.add_argument("--rerun", type=Path, help="a results.json: run its survivors again")
    args = ap.parse_args()

    modules = [m for m in args.modules.split(",") if m]
    unknown = set(modules) - set(MODULES)
    if unknown:
        ap.error(f"unknown modules: {', '.join(sorted(unknown))}")
    if args.rerun:
        todo = [r for r in json.loads(args.rerun.read_text())["results"] if r["outcome"] == "passed"]
        todo = [{k: r[k] for k in ("module", "operator", "occurrence", "line", "col")} for r in todo]
        modules = sorted({m["module"] for m in todo})
    else:
        todo = sample(modules, args.per_module, args.seed)
    if args.only:
        modules = [m for m in modules if m in args.only.split(",")]
        todo = [m for m in todo if m["module"] in modules]
    if args.list:
        for m in todo:
            print(f"{m['module']}.py:{m['line']} {m['operator']} #{m['occurrence']}")
        print(f"{len(todo)} mutants")
        return

    args.out.mkdir(exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="mapgen-mutation-"))
    started = time.time()
    results: list[dict] = []
    lock = threading.Lock()
    try:
        works = [make_copy(base, i) for i in range(args.jobs)]
        # the unmutated copy must pass each module's tests; their time sets the time limit
        limits = {}
        for module in modules:
            t = time.perf_counter()
            outcome, tail = run_tests(works[0], MODULES[module], timeout=1800)
            if outcome != "passed":
                sys.exit(f"{module}: the tests fail without any mutant:\n{tail}")
            limits[module] = max(120.0, 4 * (time.perf_counter() - t))
            print(f"baseline {module}: {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
        queue = list(todo)

        def worker(work: Path) -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    m = queue.pop(0)
                path = work / "src" / "mapgen" / f"{m['module']}.py"
                original = path.read_text(encoding="utf-8")
                mutated = mutate(original, m)
                t = time.perf_counter()
                if mutated is None:
                    outcome, tail, diff = "no mutation", "", ""
                elif any(a <= (m["line"], m["col"]) < b for a, b in annotation_spans(original)):
                    outcome, tail, diff = "annotation", "", ""
                else:
                    diff = "".join(difflib.unified_diff(original.splitlines(True), mutated.splitlines(True),
                                                        f"a/src/mapgen/{m['module']}.py",
                                                        f"b/src/mapgen/{m['module']}.py", n=1))
                    try:
                        path.write_text(mutated, encoding="utf-8")
                        outcome, tail = run_tests(work, MODULES[m["module"]], limits[m["module"]])
                    finally:
                        path.write_text(original, encoding="utf-8")
                r = {**m, "outcome": outcome, "seconds": round(time.perf_counter() - t, 1), "diff": diff,
                     "output": tail if outcome == "passed" else ""}
                with lock:
                    results.append(r)
                    word = {"passed": "SURVIVED", "failed": "killed"}.get(outcome, outcome)
                    print(f"[{len(results)}/{len(todo)}] {m['module']}.py:{m['line']} {m['operator']} "
                          f"-> {word} ({r['seconds']} s)", file=sys.stderr, flush=True)
                    _save(args.out / "results.json", args, results, started)

        threads = [threading.Thread(target=worker, args=(w,)) for w in works]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    _save(args.out / "results.json", args, results, started)
    print(summary(results, time.time() - started))


def _save(path: Path, args, results: list[dict], started: float) -> None:
    doc = {"seed": args.seed, "per_module": args.per_module, "rerun": str(args.rerun) if args.rerun else None,
           "wall_seconds": round(time.time() - started), "load_average": os.getloadavg(),
           "results": sorted(results, key=lambda r: (r["module"], r["line"], r["col"]))}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def summary(results: list[dict], wall: float) -> str:
    skipped = sum(r["outcome"] == "annotation" for r in results)
    lines = [f"wall time {wall / 60:.1f} min, load average now {os.getloadavg()[0]:.1f}; {skipped} mutants of "
             "type annotations not run (never evaluated: equivalent)", "",
             "| module | mutants run | killed | of which by time limit | survived |", "|---|---|---|---|---|"]
    by = defaultdict(list)
    for r in results:
        by[r["module"]].append(r)
    for module, rs in sorted(by.items()):
        run = [r for r in rs if r["outcome"] not in ("no mutation", "annotation")]
        killed = [r for r in run if r["outcome"] in ("failed", "timeout")]
        lines.append(f"| {module} | {len(run)} | {len(killed)} | {sum(r['outcome'] == 'timeout' for r in run)} "
                     f"| {len(run) - len(killed)} |")
    survivors = [r for r in results if r["outcome"] == "passed"]
    lines += ["", f"{len(survivors)} survivors:"]
    for r in sorted(survivors, key=lambda r: (r["module"], r["line"])):
        lines += ["", f"{r['module']}.py:{r['line']} {r['operator']}", r["diff"].rstrip()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
