"""Crash safety (issue 4): a build killed with SIGKILL at any moment leaves every file in the output
folder either as it was before or as the finished build writes it, never partial.

The output folder starts with a good build of an older version of the seed story (another title), and
`python -m mapgen.cli build <seed> --out <folder>` is killed:

* at a random moment of the whole build (most land before anything is written), and
* at a random moment of the write phase itself, found by a wrapper that announces the first temporary
  file in the output folder and slows each fsync and rename a little, so the kill lands among them.

Hidden temporaries (`.<name>.<random>.tmp[.ext]`, `.<name>.<pid>.bak`) may be left behind by a kill;
they are counted and must not carry an output's name. A second test kills the build deterministically
after each of its renames and checks that the next build leaves exactly the new version.
"""
from __future__ import annotations

import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TRIALS_ANYTIME = 10
TRIALS_WRITING = 10
# what a kill may leave behind: temporaries, tempfile.mkstemp(prefix=".<name>.", suffix=".tmp[.<ext>]"),
# and the hard-link backups of the files being replaced, ".<name>.<pid>.bak"
TEMP = re.compile(r"^\..+\.[^.]+\.(tmp(\.\w+)?|bak)$")

WRAPPER = r"""
import os, sys, tempfile, time
out = os.path.abspath(sys.argv[2])
real_mkstemp, real_replace, real_fsync = tempfile.mkstemp, os.replace, os.fsync
said = []
def mkstemp(*a, dir=None, **k):
    if dir is not None and os.path.abspath(dir) == out and not said:
        said.append(1)
        sys.stderr.write("WRITING\n"); sys.stderr.flush()
    return real_mkstemp(*a, dir=dir, **k)
def replace(src, dst, *a, **k):
    time.sleep(0.02)
    return real_replace(src, dst, *a, **k)
def fsync(fd):
    time.sleep(0.02)
    return real_fsync(fd)
tempfile.mkstemp, os.replace, os.fsync = mkstemp, replace, fsync
from mapgen.cli import cli
cli(["build", sys.argv[1], "--out", sys.argv[2]], prog_name="mapgen")
"""

# SIGKILL itself after exactly N renames into the output folder (N = 0: before the first one)
KILL_AFTER_RENAMES = r"""
import os, signal, sys
out, n = os.path.abspath(sys.argv[2]), int(sys.argv[3])
real_replace, done = os.replace, []
def replace(src, dst, *a, **k):
    inside = os.path.dirname(os.path.abspath(dst)) == out
    if inside and len(done) == n:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst, *a, **k)
    if inside:
        done.append(dst)
os.replace = replace
from mapgen.cli import cli
cli(["build", sys.argv[1], "--out", sys.argv[2]], prog_name="mapgen")
"""


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the output folder but the (empty) lock file a build holds while it runs."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != ".mapgen.lock"}


def build_cmd(story: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "mapgen.cli", "build", str(story), "--out", str(out)]


def run_build(story: Path, out: Path) -> float:
    t = time.monotonic()
    r = subprocess.run(build_cmd(story, out), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return time.monotonic() - t


@pytest.fixture(scope="module")
def versions(tmp_path_factory, seed_dir):
    """(old output folder, new files, typical build time): the old folder holds a build of the seed
    story retitled; the new files are what building the seed story over it gives."""
    base = tmp_path_factory.mktemp("crash")
    old_story = base / "old" / "kim-2023-russia"
    shutil.copytree(seed_dir, old_story)
    toml = (old_story / "story.toml").read_text(encoding="utf-8")
    (old_story / "story.toml").write_text(toml.replace('title = "', 'title = "Old: ', 1), encoding="utf-8")
    old_out = base / "old-out"
    run_build(old_story, old_out)
    new_out = base / "new-out"
    shutil.copytree(old_out, new_out)
    seconds = run_build(seed_dir, new_out)
    old, new = files(old_out), files(new_out)
    assert set(old) == set(new) and "kim-2023-russia.html" in old
    assert old["kim-2023-russia.html"] != new["kim-2023-russia.html"]
    assert not any(TEMP.match(n) for n in old)
    return old_out, new, seconds


def check(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> tuple[str, list[str]]:
    """Every file is the old or the new version; returns ("old"|"new"|"mixed(...)", leftover temporaries)."""
    now = files(out)
    temps = sorted(n for n in now if TEMP.match(n))
    for name in temps:
        assert name.startswith(".") and name not in new, f"temporary {name!r} could pass for an output"
    outputs = {n: b for n, b in now.items() if n not in temps}
    assert set(outputs) == set(old), f"files appeared or vanished: {sorted(set(outputs) ^ set(old))}"
    fresh = []
    for name, body in outputs.items():
        if body == new[name]:
            fresh.append(name)
        elif body != old[name]:
            pytest.fail(f"{name} is neither the old nor the new version ({len(body)} bytes): partial write")
    if not fresh:
        return "old", temps
    return ("new" if len(fresh) == len(outputs) else f"mixed(new: {', '.join(sorted(fresh))})"), temps


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL `proc` after `delay` seconds; False if it had already finished."""
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return True


def wait_for_line(proc: subprocess.Popen, marker: bytes, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.05)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                return False
            buf += chunk
            if marker in buf:
                return True
    return False


def test_sigkill_never_leaves_a_partial_file(versions, seed_dir, tmp_path):
    old_out, new, seconds = versions
    old = files(old_out)
    rng = random.Random(20230912)
    tally: dict[str, int] = {}
    leftovers = 0
    started = time.monotonic()

    for i in range(TRIALS_ANYTIME + TRIALS_WRITING):
        out = tmp_path / f"trial-{i}"
        shutil.copytree(old_out, out)
        if i < TRIALS_ANYTIME:  # anywhere in the build, including after it finished
            proc = subprocess.Popen(build_cmd(seed_dir, out), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            killed = kill_after(proc, rng.uniform(0, seconds * 1.1))
            kind = "anytime"
        else:  # in the write phase
            proc = subprocess.Popen([sys.executable, "-c", WRAPPER, str(seed_dir), str(out)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            assert wait_for_line(proc, b"WRITING", timeout=120), "the build never reached its write phase"
            killed = kill_after(proc, rng.uniform(0, 0.2))
            proc.stderr.close()
            kind = "writing"
        state, temps = check(out, old, new)
        key = f"{kind}:{state if killed else 'finished'}"
        tally[key] = tally.get(key, 0) + 1
        leftovers += len(temps)
        shutil.rmtree(out)

    print(f"\n{TRIALS_ANYTIME + TRIALS_WRITING} SIGKILL trials in {time.monotonic() - started:.1f}s "
          f"(build {seconds:.2f}s): {dict(sorted(tally.items()))}; leftover temporaries: {leftovers}")
    assert sum(v for k, v in tally.items() if k.startswith("writing:") and "finished" not in k) >= 6, (
        f"too few kills landed in the write phase: {tally}"
    )


# A build of one story makes four renames: its two maps, then the manifest and the index.
@pytest.mark.parametrize("n", [
    0, 1, 2,
    3,
], ids=lambda n: f"killed-after-{n}-renames")
def test_next_build_repairs_a_killed_build(n, versions, seed_dir, tmp_path):
    """Killed between two renames, the folder mixes old and new files (each whole); the next build
    must leave exactly the new version."""
    old_out, new, _ = versions
    old = files(old_out)
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    r = subprocess.run([sys.executable, "-c", KILL_AFTER_RENAMES, str(seed_dir), str(out), str(n)],
                       capture_output=True, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr
    check(out, old, new)  # every file whole
    fresh = sorted(name for name, body in files(out).items() if name in new and body == new[name])
    assert len(fresh) == n, fresh  # n files renamed into place, the others still old
    run_build(seed_dir, out)
    state, _ = check(out, old, new)
    assert state == "new"
