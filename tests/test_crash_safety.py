"""Crash safety: a build killed (SIGKILL) or failing at any write, rename, link or delete in the output
folder leaves the folder, as the next build finds it once it has recovered, one complete set of files:
the earlier build's or the new one's, never a mix and never a partial file. Nothing here depends on
timing: each run is killed at a fault-injection point (`MAPGEN_FAULT=kill:N`, see `mapgen.publish`), and
every point of a build is tried in turn.

The output folder starts with a build of an older version of the seed story (another title) plus a PNG
its manifest lists; building the seed over it rewrites both maps, the manifest and the index and removes
the PNG (the new build makes none), so replacing, adding and removing are all exercised.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mapgen.build import INDEX, MANIFEST, build_all, index_html
from mapgen.errors import OutputError
from mapgen.publish import BACKUP, JOURNAL, LOCK, TEMP, OutputLock, commit, recover, stage_files

SLUG = "kim-2023-russia"
FAKE_PNG = b"\x89PNG\r\n\x1a\n an older rendering"


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the output folder but the lock file."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != LOCK}


def leftovers(folder: Path) -> list[str]:
    return sorted(n for n in files(folder) if TEMP.match(n) or BACKUP.match(n) or n == JOURNAL)


def which(state: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> str:
    return "old" if state == old else "new" if state == new else "mixed"


def build_cmd(story: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "mapgen.cli", "build", str(story), "--out", str(out), "--jobs", "1"]


# Runs of `mapgen build` that are killed are separate processes, forked from one that has imported
# mapgen and loaded the rail network once (a fresh interpreter per run would triple this module's time).
FORK_SERVER = r"""
import os, sys, tempfile
from mapgen import build, gazetteer
from mapgen.cli import cli
with tempfile.TemporaryDirectory() as scratch:  # import and warm everything a build uses
    build.build_all([sys.argv[1]], scratch, jobs=1)
gazetteer._open_default.cache_clear()  # each run opens its own SQLite connection
for line in sys.stdin:
    fault, story, out, err = line.rstrip("\n").split("\t")
    pid = os.fork()
    if pid == 0:
        if fault:
            os.environ["MAPGEN_FAULT" if ":" in fault else "MAPGEN_FAULT_LOG"] = fault
        fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 2)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        code = 0
        try:
            cli(["build", story, "--out", out, "--jobs", "1"], prog_name="mapgen")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


class Builds:
    """`run(story, out, fault)`: a `mapgen build` in its own process, with MAPGEN_FAULT=fault (or, for a
    fault that is a path, MAPGEN_FAULT_LOG); returns (exit code, -9 when killed; stderr)."""

    def __init__(self, story: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", FORK_SERVER, str(story)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, story: Path, out: Path, fault: str = "") -> tuple[int, str]:
        err = out.parent / f"{out.name}.stderr"
        self.proc.stdin.write(f"{fault}\t{story}\t{out}\t{err}\n")
        self.proc.stdin.flush()
        code = int(self.proc.stdout.readline())
        return code, err.read_text()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def builds(seed_dir):
    b = Builds(seed_dir)
    yield b
    b.close()


def next_build(story: Path, out: Path) -> list[str]:
    """The next build, in this process; returns its notices."""
    notices: list[str] = []
    results = build_all([story], out, jobs=1, notice=notices.append)
    assert all(not hasattr(r, "message") for r in results), results
    return notices


@pytest.fixture(scope="module")
def versions(tmp_path_factory, seed_dir):
    """(old output folder, its files, the files a finished build of the seed over it gives)."""
    base = tmp_path_factory.mktemp("crash")
    old_story = base / "old" / SLUG
    shutil.copytree(seed_dir, old_story)
    toml = (old_story / "story.toml").read_text(encoding="utf-8")
    (old_story / "story.toml").write_text(toml.replace('title = "', 'title = "Old: ', 1), encoding="utf-8")
    old_out = base / "old-out"
    next_build(old_story, old_out)
    (old_out / f"{SLUG}.png").write_bytes(FAKE_PNG)
    manifest = json.loads((old_out / MANIFEST).read_text(encoding="utf-8"))
    manifest["stories"][SLUG]["outputs"][f"{SLUG}.png"] = hashlib.sha256(FAKE_PNG).hexdigest()
    (old_out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (old_out / INDEX).write_text(index_html(manifest["stories"], old_out), encoding="utf-8")  # lists the PNG
    new_out = base / "new-out"
    shutil.copytree(old_out, new_out)
    next_build(seed_dir, new_out)
    old, new = files(old_out), files(new_out)
    assert set(old) - set(new) == {f"{SLUG}.png"} and set(new) < set(old)
    assert all(old[n] != new[n] for n in new), "every file the new build writes must differ from the old"
    return old_out, old, new


@pytest.fixture(scope="module")
def points(versions, seed_dir, tmp_path_factory, builds) -> list[str]:
    """The fault points of an uninterrupted build over the old folder, in order."""
    old_out, _, new = versions
    out = tmp_path_factory.mktemp("points") / "out"
    shutil.copytree(old_out, out)
    log = out.parent / "points.log"
    code, err = builds.run(seed_dir, out, str(log))
    assert code == 0, err
    assert files(out) == new
    labels = [line.split(" ", 2)[2] for line in log.read_text().splitlines() if line.startswith("main ")]
    kinds = {label.split()[0] for label in labels}
    assert {"write", "rename", "link", "remove", "sync"} <= kinds, labels
    return labels


def test_killed_at_every_point_the_next_build_finds_one_complete_set(versions, points, seed_dir, tmp_path, builds):
    old_out, old, new = versions
    journal_in_place = points.index(f"rename {JOURNAL}") + 1  # killed after this point: rolled forward
    commit_point = points.index(f"remove {JOURNAL}") + 1
    outcomes = []
    for n, label in enumerate(points, 1):
        out = tmp_path / f"kill-{n}"
        shutil.copytree(old_out, out)
        code, err = builds.run(seed_dir, out, f"kill:{n}")
        assert code == -signal.SIGKILL, f"not killed before {label}: {err}"
        for name, body in files(out).items():  # every file whole, before any recovery
            if name not in leftovers(out):
                assert body in (old.get(name), new.get(name)), f"killed before {label}: {name} is partial"
        notices: list[str] = []
        with OutputLock(out):  # what the next build does first
            recover(out, notices.append)
        state = which(files(out), old, new)
        assert state == ("old" if n <= journal_in_place else "new"), f"killed before {label}: {state}"
        replayed = any("finished it from its journal" in m for m in notices)
        assert replayed == (journal_in_place < n <= commit_point), (label, notices)
        outcomes.append(state)
        next_build(seed_dir, out)
        assert files(out) == new and not leftovers(out)
        shutil.rmtree(out)
    assert "old" in outcomes and "new" in outcomes


def test_failing_at_every_point_rolls_back_or_completes(versions, points, seed_dir, tmp_path, builds):
    """An error (a full disk, a permission) at any point: before the commit point everything is put back
    and the build says so in one Error line; after it, the build has succeeded."""
    old_out, old, new = versions
    commit_point = points.index(f"remove {JOURNAL}") + 1
    for n, label in enumerate(points, 1):
        out = tmp_path / f"fail-{n}"
        shutil.copytree(old_out, out)
        code, err = builds.run(seed_dir, out, f"fail:{n}")
        assert "Traceback" not in err, err
        if n < commit_point:
            errors = [line for line in err.splitlines() if line.startswith("Error:")]
            assert code == 1 and len(errors) == 1 and "cannot write output" in errors[0], (label, err)
            assert files(out) == old, f"failed at {label}: not rolled back"
        else:
            assert code == 0, (label, err)
            assert {k: v for k, v in files(out).items() if k not in leftovers(out)} == new
            with OutputLock(out):  # the next build's first step
                recover(out)
            assert files(out) == new
        shutil.rmtree(out)


def test_recovery_killed_at_every_point_still_recovers(versions, points, seed_dir, tmp_path, builds):
    """The next build can itself be killed while recovering; the one after still finds a complete set."""
    old_out, old, new = versions
    mid = points.index(f"rename {SLUG}.geojson") + 1  # killed with the HTML renamed and the rest not
    base = tmp_path / "killed"
    shutil.copytree(old_out, base)
    assert builds.run(seed_dir, base, f"kill:{mid}")[0] == -signal.SIGKILL
    assert which(files(base), old, new) == "mixed"
    recover_cmd = [sys.executable, "-c", "import sys; from mapgen.publish import OutputLock, recover\n"
                   "with OutputLock(sys.argv[1]): recover(sys.argv[1])"]
    m = 0
    while True:
        m += 1
        out = tmp_path / f"recover-{m}"
        shutil.copytree(base, out)
        r = subprocess.run([*recover_cmd, str(out)], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "MAPGEN_FAULT": f"kill:{m}"})
        with OutputLock(out):
            recover(out)
        assert files(out) == new and not leftovers(out), f"recovery killed at its point {m}"
        shutil.rmtree(out)
        if r.returncode == 0:  # the recovery ran to its end before point m
            break
        assert r.returncode == -signal.SIGKILL, r.stderr
    assert m > 3


# Kill after the N-th rename into the output folder, by wrapping os.replace (this works on any version
# of mapgen, with or without fault points), and look at the folder the way the next `mapgen build` finds
# it: when it reads the manifest, after its lock and recovery.
KILL_AFTER_RENAMES = r"""
import os, signal, sys
out, n = os.path.abspath(sys.argv[2]), int(sys.argv[3])
real_replace, done = os.replace, []
def replace(src, dst, *a, **k):
    name = os.path.basename(dst)
    inside = os.path.dirname(os.path.abspath(dst)) == out and (name[0] != "." or name == ".mapgen-manifest.json")
    real_replace(src, dst, *a, **k)
    if inside:
        done.append(dst)
        if len(done) == n:
            os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from mapgen.cli import cli
cli(["build", sys.argv[1], "--out", sys.argv[2]], prog_name="mapgen")
"""
SEEN_BY_NEXT_BUILD = r"""
import hashlib, json, os, sys
import mapgen.build as b
real = b.read_manifest
def read_manifest(out_dir, *a, **k):
    seen = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out_dir.iterdir() if p.is_file()}
    with open(sys.argv[3], "w") as f:
        json.dump(seen, f)
    return real(out_dir, *a, **k)
b.read_manifest = read_manifest
from mapgen.cli import cli
cli(["build", sys.argv[1], "--out", sys.argv[2]], prog_name="mapgen")
"""


@pytest.mark.parametrize("n", [1, 2, 3], ids=lambda n: f"killed-after-{n}-renames")
def test_next_build_never_reads_a_mixed_folder(n, versions, seed_dir, tmp_path):
    old_out, old, new = versions
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    r = subprocess.run([sys.executable, "-c", KILL_AFTER_RENAMES, str(seed_dir), str(out), str(n)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == -signal.SIGKILL, r.stderr
    seen_file = tmp_path / "seen.json"
    r = subprocess.run([sys.executable, "-c", SEEN_BY_NEXT_BUILD, str(seed_dir), str(out), str(seen_file)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    seen = {k: v for k, v in json.loads(seen_file.read_text()).items() if k != LOCK}
    sha = {name: {k: hashlib.sha256(v).hexdigest() for k, v in version.items()}
           for name, version in (("old", old), ("new", new))}
    assert seen in (sha["old"], sha["new"]), f"the next build found a mix: {sorted(seen)}"
    assert files(out) == new and not leftovers(out)


# --- workers and the lock ------------------------------------------------------------------------------

def _session_alive(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`."""
    alive = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            alive.append(int(p.name))
    return alive


def _wait_gone(sid: int, deadline_s: float = 30.0) -> list[int]:
    """Wait (a bound, not a measurement) for session `sid` to have no live process; returns those left."""
    import time

    end = time.monotonic() + deadline_s
    while (left := _session_alive(sid)) and time.monotonic() < end:
        time.sleep(0.1)
    return left


# The parent build is killed the moment its pool has started (the workers are forked at the first
# submit, and as_completed is what the parent calls next).
KILL_PARENT_WITH_POOL = r"""
import os, signal, sys
import concurrent.futures as cf  # build_all imports as_completed from there when it starts a pool
def as_completed(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
cf.as_completed = as_completed
from mapgen.cli import cli
cli(["build", *sys.argv[2:], "--out", sys.argv[1], "--jobs", "2"], prog_name="mapgen")
"""


@pytest.fixture
def three_stories(seed_dir, tmp_path) -> list[Path]:
    stories = tmp_path / "stories"
    for slug in ("a-story", "b-story", "c-story"):
        shutil.copytree(seed_dir, stories / slug)
    return sorted(stories.iterdir())


def test_workers_die_with_a_killed_build_and_the_next_build_is_not_blocked(three_stories, tmp_path):
    out = tmp_path / "maps"
    # no pipes: workers that outlive the build would hold them open
    proc = subprocess.Popen([sys.executable, "-c", KILL_PARENT_WITH_POOL, str(out), *map(str, three_stories)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    proc.wait(timeout=300)
    left = _wait_gone(proc.pid)
    for pid in left:  # do not leave them running whatever happens
        os.kill(pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert not left, f"workers outlived the build that started them: {left}"
    try:
        r = subprocess.run([sys.executable, "-m", "mapgen.cli", "build", *map(str, three_stories), "--out", str(out)],
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("the next build is blocked")
    assert r.returncode == 0, r.stderr
    assert not leftovers(out)
    assert sorted(p.name for p in out.glob("*.html")) == ["a-story.html", "b-story.html", "c-story.html", "index.html"]


# A worker killed from outside (the OOM killer) while building b-story.
KILL_ONE_WORKER = r"""
import os, signal, sys
from pathlib import Path
import mapgen.build as b
main, real = os.getpid(), b.build_story
def build_story(path, *a, **k):
    if Path(path).name == "b-story" and os.getpid() != main:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(path, *a, **k)
b.build_story = build_story
from mapgen.cli import cli
cli(["build", *sys.argv[2:], "--out", sys.argv[1], "--jobs", "2"], prog_name="mapgen")
"""


def test_a_worker_killed_is_a_failed_story_not_a_traceback(three_stories, tmp_path):
    out = tmp_path / "maps"
    r = subprocess.run([sys.executable, "-c", KILL_ONE_WORKER, str(out), *map(str, three_stories)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert any("b-story" in e and "died" in e for e in errors), r.stderr
    assert not (out / "b-story.html").exists() and not leftovers(out)
    r = subprocess.run([sys.executable, "-m", "mapgen.cli", "build", *map(str, three_stories), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (out / "b-story.html").exists()


# A lock held by a process that inherited it from a build that died (what workers of a killed build did
# before they died with it): the parent takes the lock, forks a child that keeps it, and exits.
ORPHAN_HOLDS_LOCK = r"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
if sys.argv[2] == "writes-pid":  # else only /proc/locks names the locker
    os.write(fd, f"{os.getpid()}\n".encode())
if os.fork() == 0:
    sys.stdin.read()  # hold the lock until the test closes our stdin
    os._exit(0)
os._exit(0)
"""


@pytest.mark.parametrize("pid", ["writes-pid", "writes-nothing"])
def test_a_lock_left_to_orphans_of_a_dead_build_is_taken_over(seed_dir, tmp_path, pid):
    out = tmp_path / "maps"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", ORPHAN_HOLDS_LOCK, str(out / LOCK), pid], stdin=subprocess.PIPE)
    try:
        assert holder.wait(timeout=60) == 0  # the "build" died; its child still holds the lock
        r = subprocess.run(build_cmd(seed_dir, out), capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert f"process {holder.pid}) that died; taking the lock over" in r.stderr
        assert (out / f"{SLUG}.html").exists() and not leftovers(out)
        assert (out / LOCK).stat().st_mode & 0o777 == 0o644 and (out / LOCK).read_bytes() == b""
    except subprocess.TimeoutExpired:
        pytest.fail("the build is blocked by a lock whose build died")
    finally:
        holder.stdin.close()


def test_a_build_waiting_for_a_live_one_says_so(seed_dir, tmp_path):
    import select
    import time

    out = tmp_path / "maps"
    out.mkdir()
    with OutputLock(out):
        proc = subprocess.Popen(build_cmd(seed_dir, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        said, end = b"", time.monotonic() + 120  # a bound on the wait, not a measurement
        while b"\n" not in said and time.monotonic() < end:
            if select.select([proc.stderr], [], [], 1.0)[0]:
                said += os.read(proc.stderr.fileno(), 4096)
        assert proc.poll() is None, "the second build did not wait for the lock"
    assert proc.wait(timeout=300) == 0
    proc.stderr.close()
    assert f"waiting for the build in process {os.getpid()} to finish" in said.decode(), said


def _killed_mid_commit(old_out: Path, seed_dir: Path, tmp_path: Path, builds) -> tuple[Path, dict, dict]:
    """A copy of the old folder without its index page, and a build of the seed over it killed with the
    HTML renamed into place and the GeoJSON not: (the folder, its files before, the journal)."""
    base = tmp_path / "base"
    shutil.copytree(old_out, base)
    (base / INDEX).unlink()  # so that the killed build also adds a file the folder did not have
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    log = tmp_path / "points.log"
    assert builds.run(seed_dir, probe, str(log))[0] == 0
    labels = [line.split(" ", 2)[2] for line in log.read_text().splitlines() if line.startswith("main ")]
    out = tmp_path / "out"
    shutil.copytree(base, out)
    assert builds.run(seed_dir, out, f"kill:{labels.index(f'rename {SLUG}.geojson') + 1}")[0] == -signal.SIGKILL
    return out, files(base), json.loads((out / JOURNAL).read_text(encoding="utf-8"))


def test_a_journal_whose_new_files_are_damaged_is_rolled_back(versions, seed_dir, tmp_path, builds):
    """Finishing needs every new file, renamed or still a temporary. With a temporary damaged (a disk that
    lost it), recovery puts the earlier set back from the backups instead and removes what was added."""
    out, before, journal = _killed_mid_commit(versions[0], seed_dir, tmp_path, builds)
    entry = {f["name"]: f for f in journal["files"]}
    assert entry[INDEX]["old"] is None  # the index page is new to this folder
    (out / entry[f"{SLUG}.geojson"]["temp"]).write_bytes(b"damaged")
    notices: list[str] = []
    with OutputLock(out):
        recover(out, notices.append)
    assert files(out) == before and not leftovers(out)
    assert any("put the earlier files back" in m for m in notices), notices


def test_a_journal_that_can_be_neither_finished_nor_undone_makes_every_story_rebuild(versions, seed_dir, tmp_path,
                                                                                     builds):
    out, _, journal = _killed_mid_commit(versions[0], seed_dir, tmp_path, builds)
    entry = {f["name"]: f for f in journal["files"]}
    (out / entry[f"{SLUG}.geojson"]["temp"]).write_bytes(b"damaged")  # no way forward
    (out / entry[f"{SLUG}.html"]["backup"]).unlink()  # and none back: the earlier HTML is gone
    notices: list[str] = []
    with OutputLock(out):
        recover(out, notices.append)
    assert any("could not be completed or put back" in m for m in notices), notices
    assert not (out / MANIFEST).exists() and not leftovers(out)
    next_build(seed_dir, out)
    # every map is rebuilt (the earlier PNG stays: with the manifest gone, nothing says it is mapgen's)
    assert {n: b for n, b in files(out).items() if n != f"{SLUG}.png"} == versions[2]


def test_the_lock_file_names_the_build_while_it_runs_and_is_empty_after(tmp_path, monkeypatch):
    out = tmp_path / "maps"
    out.mkdir()
    with OutputLock(out):
        assert (out / LOCK).read_text() == f"{os.getpid()}\n"
    assert (out / LOCK).read_bytes() == b""
    # emptying it is a courtesy: a failure there still releases the lock
    with OutputLock(out):
        def no_truncate(fd, length):
            raise OSError(5, "Input/output error")
        monkeypatch.setattr(os, "ftruncate", no_truncate)
    monkeypatch.undo()
    with OutputLock(out):
        pass


def test_commit_writes_only_output_names_and_removes_every_file_it_is_given(tmp_path):
    out = tmp_path / "maps"
    out.mkdir()
    for name in ("a.png", "b.png", "keep.html"):
        (out / name).write_text(name)
    temps = {"../evil.html": stage_files(out, {"evil.html": "x"})["evil.html"]}
    with pytest.raises(OutputError, match="not an output name"):
        commit(out, temps)
    assert not (tmp_path / "evil.html").exists() and sorted(files(out)) == ["a.png", "b.png", "keep.html"]
    commit(out, stage_files(out, {"new.html": "n"}), remove=["a.png", "b.png"])
    assert files(out) == {"keep.html": b"keep.html", "new.html": b"n"}


def test_each_worker_counts_its_fault_points_from_one(three_stories, tmp_path):
    """`worker-kill:N` means a worker's own N-th point, from 1, whatever its parent passed before the fork."""
    log = tmp_path / "points.log"
    r = subprocess.run([sys.executable, "-m", "mapgen.cli", "build", *map(str, three_stories), "--out",
                        str(tmp_path / "maps"), "--jobs", "2"], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "MAPGEN_FAULT_LOG": str(log)})
    assert r.returncode == 0, r.stderr
    worker = [int(line.split()[1]) for line in log.read_text().splitlines() if line.startswith("worker ")]
    assert worker and min(worker) == 1, log.read_text()
