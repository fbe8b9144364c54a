"""Publishing a build's files into the output folder: all of them or none, even if the build is killed.

A build writes each output to a hidden temporary beside its final name (`.<name>.<random>.tmp.<ext>`),
then commits the set:

1. the journal `.mapgen-journal.json` is written (to a temporary, fsynced, renamed into place). For each
   file it names the temporary, the sha256 of the new and of the old content, and a backup name;
2. each file being replaced is hard-linked to its backup `.<name>.bak` and the temporary is renamed over
   it; a file to remove is renamed to its backup;
3. the folder is fsynced and the journal deleted (the commit point); then the backups are deleted.

The next build, holding the folder's lock, first calls `recover`: a journal left by a killed build is
replayed from the temporaries it names (roll forward), or, when one of them is missing or not what the
journal says, the backups are put back (roll back). Then every temporary and backup left is deleted. So
the folder is one complete set again before anything else reads it. A reader outside mapgen sees a mix of
old and new files only during step 2 (a few renames), or, after a kill in step 2, until the next build.

`.mapgen.lock` (an flock) lets one build at a time into a folder; it holds the holder's process id, so a
second build says whom it waits for, and a lock held only by processes left over from a build that died
is taken over with a message. `fault_point` is a test hook at each write and rename (MAPGEN_FAULT).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import signal
import tempfile
from pathlib import Path

from .errors import OutputError

LOCK = ".mapgen.lock"
JOURNAL = ".mapgen-journal.json"
# what a build leaves while it runs: temporaries from tempfile.mkstemp(prefix=".<name>.", suffix=".tmp.<ext>")
# (a PNG's own writer adds one more ".<random>.tmp"), and backups of replaced files
TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(\.[a-z0-9]+)?$")
BACKUP = re.compile(r"^\..+\.bak$")
# every name a build may publish: <slug>.html/.geojson/.png/.svg/.thumb.svg, the index page and the manifest
OUTPUT = re.compile(r"^(?:[a-z0-9][a-z0-9-]{0,79}\.(?:html|geojson|png|svg|thumb\.svg)|\.mapgen-manifest\.json)$")


# --- fault injection (tests and bench/soak.py) ----------------------------------------------------------

FAULT_ENV = "MAPGEN_FAULT"  # "kill:N" SIGKILLs, "fail:N" raises EIO, at this process's N-th point (from 1);
#                             "worker-kill:N" and "worker-fail:N" act in each build worker instead
FAULT_LOG_ENV = "MAPGEN_FAULT_LOG"  # append "<role> <n> <point>" for each point passed, to count them
_points = 0
_role = "main"


def fault_point(label: str) -> None:
    """Called just before each write, rename, link and delete in the output folder."""
    global _points
    spec, log = os.environ.get(FAULT_ENV), os.environ.get(FAULT_LOG_ENV)
    if not spec and not log:
        return
    _points += 1
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{_role} {_points} {label}\n")
    if spec:
        action, _, n = spec.rpartition(":")
        role = "worker" if action.startswith("worker-") else "main"
        if role == _role and n.isdigit() and int(n) == _points:
            if action.endswith("kill"):
                os.kill(os.getpid(), signal.SIGKILL)
            raise OSError(errno.EIO, f"injected fault at {label}")


def start_worker_role() -> None:
    """In a build worker: count fault points afresh, as a worker."""
    global _points, _role
    _points, _role = 0, "worker"


# --- the lock ------------------------------------------------------------------------------------------

class OutputLock:
    """One build at a time per output folder: an exclusive flock on `<out>/.mapgen.lock`."""

    def __init__(self, out_dir: Path, notice=lambda message: None):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / LOCK
        self.notice = notice
        self.fd = -1

    def __enter__(self) -> "OutputLock":
        said_wait = False
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _lock_holder(fd, self.path)
                if holder is not None and not _alive(holder):
                    self.notice(f"{self.path}: held by processes left over from a build (process {holder}) "
                                "that died; taking the lock over")
                    os.close(fd)
                    self._take_over(holder)
                    continue
                if not said_wait:
                    who = f"process {holder}" if holder else "another process"
                    self.notice(f"waiting for the build in {who} to finish with {self.out_dir}")
                    said_wait = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            if self._current(fd):
                break
            os.close(fd)  # the lock file was replaced while we waited: lock the new one
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        try:
            os.ftruncate(self.fd, 0)  # an idle folder's lock file is empty (outputs stay byte-identical)
        except OSError:
            pass
        os.close(self.fd)  # releases the lock
        self.fd = -1

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write output: {exc.strerror or exc}", where=str(self.out_dir)) from None

    def _current(self, fd: int) -> bool:
        """Is `fd` still the file at the lock's path?"""
        try:
            return os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def _take_over(self, dead: int) -> None:
        """Put a fresh lock file in place of one only leftovers hold. Serialised by an flock on the folder
        itself (which leftovers never hold), so two builds cannot both replace it."""
        dir_fd = os.open(self.out_dir, os.O_RDONLY | os.O_CLOEXEC)
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX)
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return  # freed meanwhile (the leftovers exited): the caller's loop takes it
            except BlockingIOError:
                if _lock_holder(fd, self.path) != dead:
                    return  # someone else took it over first
            finally:
                os.close(fd)
            fd, tmp = tempfile.mkstemp(dir=self.out_dir, prefix=f"{LOCK}.", suffix=".tmp")
            try:
                os.fchmod(fd, 0o644)
                os.replace(tmp, self.path)
            finally:
                os.close(fd)
        finally:
            os.close(dir_fd)


def _lock_holder(fd: int, path: Path) -> int | None:
    """The process that took the flock on `fd`'s file: from /proc/locks (Linux; it names the locker even
    after it died, when only processes that inherited the lock still hold it), else the id it wrote."""
    ino = os.fstat(fd).st_ino
    try:
        with open("/proc/locks", encoding="ascii") as f:
            for line in f:
                parts = line.split()
                if "->" in parts or "FLOCK" not in parts:
                    continue
                i = parts.index("FLOCK")
                pid, dev_ino = parts[i + 3], parts[i + 4]
                if dev_ino.rsplit(":", 1)[-1] == str(ino) and pid.isdigit():
                    return int(pid)
    except (OSError, IndexError):
        pass
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a zombie has died
    except (OSError, IndexError):
        return True


# --- staging -------------------------------------------------------------------------------------------

def temp_path(out_dir: Path, name: str) -> Path:
    """A new empty temporary for `name` in `out_dir` (for a writer that fills it itself)."""
    fault_point(f"write {name}")
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp" + Path(name).suffix)
    os.close(fd)
    return Path(tmp)


def stage_files(out_dir: Path, contents: dict[str, bytes | str]) -> dict[str, Path]:
    """Write each file to a temporary in `out_dir`; returns name -> temporary path."""
    temps: dict[str, Path] = {}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, body in contents.items():
            fault_point(f"write {name}")
            fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp" + Path(name).suffix)
            temps[name] = Path(tmp)
            os.fchmod(fd, 0o644)  # published files: readable by all
            with os.fdopen(fd, "wb") as f:
                f.write(body.encode("utf-8") if isinstance(body, str) else body)
                f.flush()
                os.fsync(f.fileno())
    except OSError as exc:
        discard(temps)
        raise OutputError(f"cannot write output: {exc.strerror or exc}", where=str(out_dir)) from None
    return temps


def discard(temps: dict[str, Path]) -> None:
    for tmp in temps.values():
        try:
            os.unlink(tmp)
        except OSError:
            pass


# --- commit --------------------------------------------------------------------------------------------

def _sha(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _backup(name: str) -> str:
    return f".{name}.bak"


def _sync_dir(out_dir: Path) -> None:
    fault_point("sync folder")
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(out_dir: Path, temps: dict[str, Path], remove=()) -> None:
    """Rename the temporaries into place and remove the files named in `remove`, all or none: a failure
    rolls the set back here; a kill is completed or undone by the next `recover`."""
    out_dir = Path(out_dir)
    remove = [n for n in remove if n not in temps and os.path.lexists(out_dir / n)]
    for name in [*temps, *remove]:
        if not OUTPUT.fullmatch(name) and name != "index.html":
            discard(temps)
            raise OutputError(f"refusing to write {name!r}: not an output name", where=str(out_dir))
    if not temps and not remove:
        return
    files = [{"name": n, "temp": t.name, "new": _sha(t), "old": _sha(out_dir / n), "backup": _backup(n)}
             for n, t in temps.items()]
    files += [{"name": n, "temp": None, "new": None, "old": _sha(out_dir / n), "backup": _backup(n)}
              for n in remove]
    done: list[dict] = []
    try:
        journal = stage_files(out_dir, {JOURNAL: json.dumps({"files": files}, indent=1) + "\n"})[JOURNAL]
    except OutputError:
        discard(temps)
        raise
    try:
        fault_point(f"rename {JOURNAL}")
        os.replace(journal, out_dir / JOURNAL)
        _sync_dir(out_dir)
        for f in files:
            final, backup = out_dir / f["name"], out_dir / f["backup"]
            if f["old"] is not None or os.path.lexists(final):
                if os.path.lexists(backup):
                    backup.unlink()
                if f["new"] is None:
                    fault_point(f"remove {f['name']}")
                    os.replace(final, backup)
                    done.append(f)
                    continue
                fault_point(f"link {f['name']}")
                os.link(final, backup, follow_symlinks=False)
            fault_point(f"rename {f['name']}")
            os.replace(out_dir / f["temp"], final)
            done.append(f)
        _sync_dir(out_dir)
    except OSError as exc:
        _undo(out_dir, files, done)
        discard({**temps, JOURNAL: journal})
        try:
            (out_dir / JOURNAL).unlink(missing_ok=True)
        except OSError:
            pass
        raise OutputError(f"cannot write output: {exc.strerror or exc}", where=str(out_dir)) from None
    _finish(out_dir, files)


def _undo(out_dir: Path, files: list[dict], done: list[dict]) -> None:
    """Put back what a failed commit replaced (in this process; a kill is undone by `recover`)."""
    for f in reversed(done):
        final, backup = out_dir / f["name"], out_dir / f["backup"]
        try:
            if os.path.lexists(backup):
                os.replace(backup, final)
            else:
                final.unlink()
        except OSError:
            pass
    for f in files:
        try:
            (out_dir / f["backup"]).unlink(missing_ok=True)
        except OSError:
            pass


def _finish(out_dir: Path, files: list[dict]) -> None:
    """The commit point: delete the journal; then the backups. The set is complete from here on, so a
    failure is harmless: a journal left is replayed (all done already) and backups deleted next time."""
    try:
        fault_point(f"remove {JOURNAL}")
        (out_dir / JOURNAL).unlink(missing_ok=True)
        for f in files:
            backup = out_dir / f["backup"]
            if os.path.lexists(backup):
                fault_point(f"remove {f['backup']}")
                backup.unlink(missing_ok=True)
    except OSError:
        pass


# --- recovery ------------------------------------------------------------------------------------------

def recover(out_dir: Path, notice=lambda message: None) -> None:
    """Make the folder one complete set again after a killed build, then delete its leftovers.

    Call with the lock held, before reading anything in the folder."""
    out_dir = Path(out_dir)
    path = out_dir / JOURNAL
    if os.path.lexists(path):
        files = _read_journal(path)
        if files is None:
            notice(f"{path}: unreadable journal of a killed build; ignoring it and rebuilding every story")
            _forget_manifest(out_dir)
        else:
            _replay(out_dir, files, notice)
    for p in out_dir.iterdir():
        if TEMP.match(p.name) or BACKUP.match(p.name):
            try:
                fault_point(f"clean {p.name}")
                p.unlink()
            except OSError:
                pass


def _read_journal(path: Path) -> list[dict] | None:
    """The journal's entries, or None if it is not one this module wrote (names are checked: a
    journal is never a way to touch a file outside the folder's outputs)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        files = doc["files"]
        ok = isinstance(files, list) and all(
            isinstance(f, dict) and isinstance(f.get("name"), str)
            and (OUTPUT.fullmatch(f["name"]) or f["name"] == "index.html")
            and f.get("backup") == _backup(f["name"])
            and (f.get("temp") is None or isinstance(f["temp"], str) and TEMP.match(f["temp"])
                 and f["temp"].startswith(f".{f['name']}."))
            and all(f.get(k) is None or isinstance(f[k], str) and re.fullmatch(r"[0-9a-f]{64}", f[k])
                    for k in ("new", "old"))
            and (f.get("temp") is None) == (f.get("new") is None)
            for f in files)
        return files if ok else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _replay(out_dir: Path, files: list[dict], notice) -> None:
    def state(f):
        return (_sha(out_dir / f["name"]), f["temp"] and _sha(out_dir / f["temp"]), _sha(out_dir / f["backup"]))

    states = [state(f) for f in files]
    forward = all(f["new"] is None or f["new"] in (final, temp) for f, (final, temp, _) in zip(files, states))
    back = all(f["old"] is None or f["old"] in (final, backup) for f, (final, _, backup) in zip(files, states))
    names = ", ".join(f["name"] for f in files)
    if forward:
        for f, (final, _, _) in zip(files, states):
            if f["new"] is None:
                if os.path.lexists(out_dir / f["name"]):
                    fault_point(f"recover remove {f['name']}")
                    os.replace(out_dir / f["name"], out_dir / f["backup"])
            elif final != f["new"]:
                fault_point(f"recover rename {f['name']}")
                os.replace(out_dir / f["temp"], out_dir / f["name"])
        notice(f"{out_dir}: a build was killed while publishing; finished it from its journal ({names})")
    elif back:
        for f, (final, _, _) in zip(files, states):
            if f["old"] is None:
                if final is not None:
                    fault_point(f"recover remove {f['name']}")
                    (out_dir / f["name"]).unlink()
            elif final != f["old"]:
                fault_point(f"recover restore {f['name']}")
                os.replace(out_dir / f["backup"], out_dir / f["name"])
        notice(f"{out_dir}: a build was killed while publishing; put the earlier files back ({names})")
    else:
        notice(f"{out_dir}: a killed build's files could not be completed or put back ({names}); "
               "rebuilding every story")
        _forget_manifest(out_dir)
    _sync_dir(out_dir)
    _finish(out_dir, files)


def _forget_manifest(out_dir: Path) -> None:
    fault_point("remove manifest")
    (out_dir / ".mapgen-manifest.json").unlink(missing_ok=True)
    (out_dir / JOURNAL).unlink(missing_ok=True)
