"""Soak: kill -9 `mapgen build` at random moments, over and over, and check what the next build finds
(issue 12). Numbers go into README.md.

    .venv/bin/python bench/soak.py                 # 200 kills, about 20 minutes on 2 cores
    .venv/bin/python bench/soak.py --kills 20      # a quick look

Three stories (copies of the seed story), each in two versions that differ in title. Each round changes a
random subset of them to the other version and runs `mapgen build --jobs 2` in its own session, then
kills the build process (never its workers) with SIGKILL:

* half the rounds at a random wall-clock moment, uniform over 1.1 times a typical build's duration;
* half at a random fault point (`MAPGEN_FAULT=kill:N`, N from 1 to 40: each write, rename, link or delete
  the build process makes in the output folder; a build with fewer points finishes).

Then, for each round: the build's workers must be gone (no live process left in its session); the next
`mapgen build` must not be blocked, must find the folder (when it reads the manifest, after its lock and
recovery) byte-identical to a complete build of the old versions or of the new ones, and must leave it
identical to a complete build of the new ones with no temporaries, backups or journal. The reference
builds are made from scratch, once per combination of versions.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "geo" / "stories" / "kim-2023-russia"
SLUGS = ("soak-a", "soak-b", "soak-c")
sys.path.insert(0, str(ROOT / "src"))
from mapgen.publish import BACKUP, JOURNAL, LOCK, TEMP  # noqa: E402

# The next build, reporting the folder as it finds it once locked and recovered (when it reads the manifest).
SEEN_BY_NEXT_BUILD = r"""
import hashlib, json, sys
import mapgen.build as b
real = b.read_manifest
def read_manifest(out_dir, *a, **k):
    seen = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out_dir.iterdir() if p.is_file()}
    with open(sys.argv[1], "w") as f:
        json.dump(seen, f)
    return real(out_dir, *a, **k)
b.read_manifest = read_manifest
from mapgen.cli import cli
cli(["build", *sys.argv[3:], "--out", sys.argv[2], "--jobs", "2"], prog_name="mapgen")
"""


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and p.name != LOCK}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP.match(p.name) or BACKUP.match(p.name) or p.name == JOURNAL)


def session_alive(sid: int) -> list[int]:
    alive = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
                alive.append(int(p.name))
    return alive


class Soak:
    def __init__(self, base: Path, rng: random.Random):
        self.base, self.rng = base, rng
        self.stories = base / "stories"
        self.out = base / "maps"
        self.refs: dict[tuple[int, ...], dict[str, str]] = {}
        self.durations: list[float] = []
        template = (SEED / "story.toml").read_text(encoding="utf-8")
        self.versions = [template.replace('title = "', f'title = "{v}: ', 1) for v in ("Old", "New")]
        for slug in SLUGS:
            shutil.copytree(SEED, self.stories / slug)

    def write(self, vector: tuple[int, ...]) -> None:
        for slug, v in zip(SLUGS, vector):
            path = self.stories / slug / "story.toml"
            if path.read_text(encoding="utf-8") != self.versions[v]:
                path.write_text(self.versions[v], encoding="utf-8")

    def cmd(self, out: Path) -> list[str]:
        return [sys.executable, "-m", "mapgen.cli", "build", *(str(self.stories / s) for s in SLUGS),
                "--out", str(out), "--jobs", "2"]

    def reference(self, vector: tuple[int, ...]) -> dict[str, str]:
        """The folder a complete build of these versions gives, from scratch."""
        if vector not in self.refs:
            self.write(vector)
            with tempfile.TemporaryDirectory(dir=self.base) as tmp:
                subprocess.run(self.cmd(Path(tmp)), check=True, capture_output=True, timeout=600)
                self.refs[vector] = snapshot(Path(tmp))
        return self.refs[vector]

    def round(self, i: int, old: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        flip = self.rng.sample(range(len(SLUGS)), self.rng.randint(1, len(SLUGS)))
        new = tuple(1 - v if k in flip else v for k, v in enumerate(old))
        refs = {"old": self.reference(old), "new": self.reference(new)}
        self.write(new)
        env = dict(os.environ)
        how = "fault" if i % 2 else "clock"
        if how == "fault":
            env["MAPGEN_FAULT"] = f"kill:{self.rng.randint(1, 40)}"
        typical = statistics.median(self.durations) if self.durations else 3.0
        proc = subprocess.Popen(self.cmd(self.out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            proc.wait(timeout=self.rng.uniform(0, 1.1 * typical) if how == "clock" else 600)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        killed = proc.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 30
        while (orphans := session_alive(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
        seen_file = self.base / "seen.json"
        seen_file.unlink(missing_ok=True)
        t = time.perf_counter()
        try:
            r = subprocess.run([sys.executable, "-c", SEEN_BY_NEXT_BUILD, str(seen_file), str(self.out),
                                *(str(self.stories / s) for s in SLUGS)], capture_output=True, text=True, timeout=300)
            blocked = False
        except subprocess.TimeoutExpired:
            blocked, r = True, None
        if r is not None and r.returncode == 0:
            self.durations.append(time.perf_counter() - t)
        seen = {k: v for k, v in json.loads(seen_file.read_text()).items() if k != LOCK} if seen_file.exists() else {}
        found = next((name for name, ref in refs.items() if seen == ref), "mixed")
        result = {
            "how": how, "killed": killed, "found": found, "orphans": len(orphans), "blocked": blocked,
            "next_ok": r is not None and r.returncode == 0, "leftovers": len(leftovers(self.out)),
            "complete_after": snapshot(self.out) == refs["new"],
        }
        return new, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mapgen-soak-") as tmp:
        soak = Soak(Path(tmp), rng)
        vector = (0, 0, 0)
        soak.write(vector)
        subprocess.run(soak.cmd(soak.out), check=True, capture_output=True, timeout=600)
        assert snapshot(soak.out) == soak.reference(vector)
        results = []
        for i in range(args.kills):
            vector, result = soak.round(i, vector)
            results.append(result)
            bad = (result["found"] == "mixed" or result["orphans"] or result["blocked"] or not result["next_ok"]
                   or result["leftovers"] or not result["complete_after"])
            if bad or (i + 1) % 20 == 0:
                print(f"round {i + 1}: {result}" if bad else f"{i + 1} rounds", flush=True)
    tally = Counter((r["how"], "killed" if r["killed"] else "finished", r["found"]) for r in results)
    print(f"\n{len(results)} rounds in {time.monotonic() - started:.0f} s; typical next build "
          f"{statistics.median(soak.durations):.1f} s")
    for (how, fate, found), n in sorted(tally.items()):
        print(f"  {how:>5} kill, build {fate:>8}: next build found the {found} set  x{n}")
    problems = {
        "next build found a mix": sum(r["found"] == "mixed" for r in results),
        "workers left alive": sum(r["orphans"] for r in results),
        "next build blocked": sum(r["blocked"] for r in results),
        "next build failed": sum(not r["next_ok"] for r in results),
        "leftovers after the next build": sum(r["leftovers"] for r in results),
        "folder not the new set after the next build": sum(not r["complete_after"] for r in results),
    }
    for what, n in problems.items():
        print(f"  {what}: {n}")
    sys.exit(1 if any(problems.values()) else 0)


if __name__ == "__main__":
    main()
