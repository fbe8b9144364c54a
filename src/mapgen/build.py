"""Stage 5: build stories into maps/<slug>.html, .geojson, .thumb.svg (and the print .svg, .png), plus
maps/index.html.

* Atomic: everything is computed in memory, written to temporary files in the output folder, then
  published together through a journal (`publish.py`); a failed or killed build leaves the folder one
  complete set, the earlier one or the new one, once the next build has recovered it.
* Incremental: `<out>/.mapgen-manifest.json` records, per story, a fingerprint of its inputs (story folder,
  embedded geodata, mapgen's own code, options) and of its outputs. An unchanged story is skipped without
  importing folium, numpy or the gazetteer. The manifest is checked when read: one that is not what mapgen
  writes (hand-edited, from a pull request) is ignored with a warning and every story is rebuilt.
* Parallel: several stories are built in a process pool; one failing story does not stop the others, and
  the workers die with the build that started them.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__, publish
from .data import file_digests as _digests  # the stat-keyed digest cache (data.py)
from .errors import MapgenError, OutputError
from .publish import discard, stage_files

MANIFEST = ".mapgen-manifest.json"
INDEX = "index.html"


@dataclass(frozen=True)
class Built:
    slug: str
    files: tuple[Path, ...]
    km: float
    warnings: tuple[str, ...] = ()
    skipped: bool = False
    entry: dict = field(default_factory=dict)  # what the manifest and the index record
    staged: dict = field(default_factory=dict)  # name -> temporary path, when not yet committed


@dataclass(frozen=True)
class Failed:
    path: Path
    message: str


def find_stories(root: Path) -> list[Path]:
    """Story folders under `root` (a geo/stories folder), in name order."""
    if not root.is_dir():
        raise MapgenError("no stories folder", where=str(root))
    return sorted(p for p in root.iterdir() if (p / "story.toml").is_file())


# --- fingerprints --------------------------------------------------------------------------------------

def _hash_files(h, base: Path, files, digests: dict | None = None) -> None:
    for p in sorted(files):
        h.update(str(p.relative_to(base)).encode() + b"\0")
        h.update(digests[str(p)].encode() if digests is not None else p.read_bytes())
        h.update(b"\0")


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """Everything a build depends on besides the story: geodata and mapgen's code."""
    from .data import geo_dir

    h = hashlib.sha256(f"mapgen {__version__}\0".encode())
    geo = geo_dir()
    data = [p for p in geo.rglob("*") if p.is_file() and p.suffix != ".md"  # docs change no map
            and "stories" not in p.relative_to(geo).parts]
    pkg = Path(__file__).resolve().parent
    code = [p for p in pkg.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and not p.is_relative_to(geo)]  # installed, geo/ is inside the package: hashed above
    digests = _digests(data + code)
    _hash_files(h, geo, data, digests)
    _hash_files(h, pkg, code, digests)
    return h.hexdigest()


def story_fingerprint(path: Path) -> str:
    h = hashlib.sha256(environment_fingerprint().encode())
    _hash_files(h, path, [p for p in path.rglob("*") if p.is_file()])
    return h.hexdigest()


def read_manifest(out_dir: Path, notice=lambda message: None) -> dict:
    """The manifest, checked: with anything in it that mapgen would not have written (an entry of the
    wrong shape, an output name that is not `<slug>.html/.geojson/.png`), it is ignored as a whole, with
    a `notice`, so every story is rebuilt and no name in it is ever used as a path."""
    path = out_dir / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"stories": {}}
    except (OSError, ValueError) as exc:
        problem = f"unreadable ({exc.strerror if isinstance(exc, OSError) else 'not JSON'})"
    else:
        problem = manifest_problem(doc)
        if problem is None:
            return doc
    notice(f"{path}: {problem}; ignoring it and rebuilding every story")
    return {"stories": {}}


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def manifest_problem(doc) -> str | None:
    """What is wrong with a manifest's contents, or None."""
    from .story import CONTROL, RESERVED_SLUGS, SLUG

    def text(value, limit: int = 10_000) -> bool:
        return isinstance(value, str) and len(value) <= limit and not CONTROL.search(value)

    if not isinstance(doc, dict) or not isinstance(doc.get("stories"), dict):
        return "not a manifest (no \"stories\" table)"
    for slug, e in doc["stories"].items():
        if not SLUG.fullmatch(slug) or slug in RESERVED_SLUGS:
            return f"story name {slug[:80]!r} is not a slug"
        if not isinstance(e, dict):
            return f"stories.{slug} is not a table"
        outputs = e.get("outputs")
        if not isinstance(e.get("inputs"), str) or not isinstance(outputs, dict):
            return f"stories.{slug} lacks inputs or outputs"
        for name, sha in outputs.items():
            if name not in (f"{slug}.html", f"{slug}.geojson", f"{slug}.png", f"{slug}.svg", f"{slug}.thumb.svg"):
                return f"stories.{slug}.outputs names {name[:80]!r}, not one of {slug}'s files"
            if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
                return f"stories.{slug}.outputs.{name} is not a sha256"
        if not text(e.get("title")) or not (e.get("date") is None or text(e["date"], 10)):
            return f"stories.{slug}: title or date is not a short string"
        stops = e.get("stops")
        if not isinstance(stops, list) or not all(text(s) for s in stops):
            return f"stories.{slug}.stops is not a list of names"
        km = e.get("km")
        if isinstance(km, bool) or not isinstance(km, (int, float)) or not math.isfinite(km) or km < 0:
            return f"stories.{slug}.km is not a distance"
    return None


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def up_to_date(entry: dict | None, fingerprint: str, out_dir: Path, *, png: bool = False,
               svg: bool = False) -> bool:
    """True if the manifest entry matches the inputs, every output is still as written, and a PNG (SVG)
    exists if one is asked for. (A PNG made earlier from the same inputs stays valid without --png.)"""
    if not entry or entry.get("inputs") != fingerprint:
        return False
    kinds = {".png": png, ".svg": svg}  # the print SVG, not the index thumbnail (.thumb.svg)
    for ext, wanted in kinds.items():
        if wanted and not any(n.endswith(ext) and not n.endswith(".thumb.svg") for n in entry.get("outputs", {})):
            return False
    return all(_sha(out_dir / name) == sha for name, sha in entry.get("outputs", {}).items())


# --- building ------------------------------------------------------------------------------------------

def build_story(path: Path, out_dir: Path, *, png: bool = False, svg: bool = False,
                fingerprint: str | None = None, commit: bool = True) -> Built:
    """Build one story (heavy: imports the whole pipeline). With `commit=False` the outputs are left
    as temporaries in `out_dir` (in `Built.staged`) for the caller to commit together with others."""
    from . import export, printmap, render
    from .dates import stop_dates
    from .gazetteer import Gazetteer
    from .geocode import geocode_story
    from .rail import default_network
    from .route import route_story
    from .story import load_story

    path = Path(path)
    story = load_story(path)
    stops = geocode_story(story, Gazetteer.open())
    network = default_network()
    route = route_story(story, stops, network)
    dates = stop_dates(story)
    geojson = export.dumps(export.to_geojson(story, stops, route, network, dates))
    scene = render.build_scene(story, stops, route, network, dates)
    page = render.render_html(story, stops, route, network, dates, scene=scene)
    contents: dict[str, bytes] = {f"{story.slug}.html": page.encode(), f"{story.slug}.geojson": geojson.encode(),
                                  f"{story.slug}.thumb.svg": printmap.thumbnail_svg(scene).encode()}
    print_svg = printmap.render_svg(scene).encode() if png or svg else b""
    if svg:
        contents[f"{story.slug}.svg"] = print_svg
    temps = stage_files(out_dir, contents)
    try:
        if png:  # the print SVG rasterised in Chromium
            from .png import render_png

            name = f"{story.slug}.png"
            src = temps.get(f"{story.slug}.svg") or stage_files(out_dir, {f"{story.slug}.svg": print_svg})[
                f"{story.slug}.svg"]
            temps[name] = publish.temp_path(out_dir, name)
            try:
                render_png(src, temps[name])
            finally:
                if not svg:
                    os.unlink(src)
            contents[name] = temps[name].read_bytes()
    except BaseException:
        discard(temps)
        raise
    entry = {
        "inputs": fingerprint or story_fingerprint(path),
        "outputs": {n: hashlib.sha256(b).hexdigest() for n, b in sorted(contents.items())},
        "title": story.title,
        "date": story.date,
        "stops": [s.place for s in story.stops if not s.via],
        "km": round(route.km, 1),
        "thumbnail": f"{story.slug}.thumb.svg",
    }
    files = tuple(out_dir / n for n in contents)
    if commit:
        publish.commit(out_dir, temps)
        temps = {}
    return Built(story.slug, files, route.km, route.warnings, entry=entry, staged=temps)


def _worker(path: str, out_dir: str, png: bool, fingerprint: str, svg: bool = False) -> Built | Failed:
    try:
        return build_story(Path(path), Path(out_dir), png=png, svg=svg, fingerprint=fingerprint, commit=False)
    except MapgenError as exc:
        return Failed(Path(path), str(exc))
    except Exception as exc:  # a bug: report it as one line and keep building the others
        return Failed(Path(path), f"{path}: internal error ({type(exc).__name__}: {exc}); please report it")


def _worker_start(parent: int, lock_fd: int) -> None:
    """In each pool worker, first: die with the build that forked it (a parent killed by the OOM killer
    or a CI timeout must not leave workers writing into the output folder), and let go of its lock."""
    try:
        os.close(lock_fd)  # inherited by fork; the lock is the parent's alone
    except OSError:
        pass
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:  # no death signal: watch the parent instead
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)
    publish.start_worker_role()


def _stderr_notice(message: str) -> None:
    print(f"Warning: {message}", file=sys.stderr, flush=True)


def build_all(paths: list[Path], out_dir: Path, *, force: bool = False, png: bool = False, svg: bool = False,
              jobs: int | None = None, progress=lambda result: None, notice=_stderr_notice) -> list[Built | Failed]:
    """Build many stories, each in a worker process; skip those that are up to date.

    All the new maps, the manifest and the index are published together at the end (`publish.commit`):
    the folder holds one build's files or the next's, even after a kill, once the next build has run
    `publish.recover`. A story that fails is returned as a Failed; the others are still built.
    `notice` gets what the user should know that is not a story's result (a manifest ignored, a wait
    for another build's lock, a killed build recovered)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder: {exc.strerror or exc}", where=str(out_dir)) from None
    with publish.OutputLock(out_dir, notice) as lock:
        try:
            publish.recover(out_dir, notice)
        except OSError as exc:
            raise OutputError(f"cannot recover from a killed build: {exc.strerror or exc}",
                              where=str(out_dir)) from None
        manifest = read_manifest(out_dir, notice)
        entries = dict(manifest["stories"])
        results: list[Built | Failed] = []
        todo = []
        for path in map(Path, paths):
            fp = story_fingerprint(path) if (path / "story.toml").is_file() else ""
            entry = entries.get(path.resolve().name)
            if not force and fp and up_to_date(entry, fp, out_dir, png=png, svg=svg):
                results.append(Built(path.resolve().name, (), entry.get("km", 0.0), skipped=True, entry=entry))
                progress(results[-1])
            else:
                todo.append((path, fp))
        built: list[Built | Failed] = []
        workers = min(jobs or os.cpu_count() or 1, len(todo))
        try:
            if workers <= 1:
                for path, fp in todo:
                    built.append(_worker(str(path), str(out_dir), png, fp, svg))
                    progress(built[-1])
            else:
                _preload()
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor, as_completed  # only here: a one-story
                from concurrent.futures.process import BrokenProcessPool  # build does without (10 ms)

                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                         initializer=_worker_start, initargs=(os.getpid(), lock.fd)) as pool:
                    futures = {pool.submit(_worker, str(p), str(out_dir), png, fp, svg): i
                               for i, (p, fp) in enumerate(todo)}
                    done = {}
                    for fut in as_completed(futures):
                        i = futures[fut]
                        try:
                            done[i] = fut.result()
                        except BrokenProcessPool:  # a worker was killed (the OOM killer, say)
                            done[i] = Failed(todo[i][0], f"{todo[i][0]}: the process building it died; "
                                                         "nothing of it was written")
                        progress(done[i])
                built = [done[i] for i in sorted(done)]  # report in the order given
            temps: dict[str, Path] = {}
            stale: list[str] = []  # a print PNG or SVG of an earlier version of a story rebuilt without them
            notes: dict[str, tuple[str, ...]] = {}
            for r in built:
                if isinstance(r, Built):
                    old = entries.get(r.slug, {})
                    r.entry["outputs"].update(_still_valid_print(old, r.entry, out_dir))
                    gone = [n for n in old.get("outputs", {}) if n not in r.entry["outputs"]]
                    stale += gone
                    notes[r.slug] = tuple(f"removed {n}: it shows an earlier version of the map (rebuild with "
                                          f"--{_print_kind(n)} for a new one)" for n in gone if _print_kind(n))
                    entries[r.slug] = r.entry
                    temps.update(r.staged)
            entries = {k: entries[k] for k in sorted(entries)}
            extra = {
                MANIFEST: (json.dumps({"mapgen": __version__, "stories": entries}, indent=1, sort_keys=True)
                           + "\n").encode(),
                INDEX: index_html(entries, out_dir, pending=set(temps)).encode(),
            }
            changed = {n: b for n, b in extra.items() if _sha(out_dir / n) != hashlib.sha256(b).hexdigest()}
            temps.update(stage_files(out_dir, changed))
            publish.commit(out_dir, temps, remove=stale)
        except BaseException:
            for r in built:
                if isinstance(r, Built):
                    discard(r.staged)
            raise
    return results + [
        Built(r.slug, r.files, r.km, r.warnings + notes.get(r.slug, ()), entry=r.entry) if isinstance(r, Built)
        else r for r in built
    ]


def _print_kind(name: str) -> str | None:
    """"png" or "svg" for a story's print graphic (the option that makes it), None for its other files."""
    if name.endswith(".thumb.svg"):
        return None
    return next((k for k in ("png", "svg") if name.endswith(f".{k}")), None)


def _still_valid_print(old: dict, new: dict, out_dir: Path) -> dict[str, str]:
    """The print PNG and SVG of an earlier build that a rebuild without --png/--svg keeps: those of the same
    page (they draw the same Scene as the HTML, which a --force rebuild or a change elsewhere in mapgen may
    leave byte-identical), unchanged since. Those of an earlier version of the page are stale."""
    page = next((n for n in new["outputs"] if n.endswith(".html")), None)
    old_outputs = old.get("outputs") if isinstance(old, dict) else None
    if page is None or not isinstance(old_outputs, dict) or old_outputs.get(page) != new["outputs"][page]:
        return {}
    return {n: sha for n, sha in old_outputs.items()
            if isinstance(n, str) and _print_kind(n) and n not in new["outputs"] and _sha(out_dir / n) == sha}


def _preload() -> None:
    """Load what every worker needs once, before forking, so workers share it (copy-on-write)."""
    from . import export, render  # noqa: F401
    from .gazetteer import ensure_index
    from .rail import default_network

    default_network()
    ensure_index()


def index_html(entries: dict, out_dir: Path, pending: set[str] = frozenset()) -> str:
    """maps/index.html: every built story as a card: thumbnail, title, date, distance, stops and links."""
    esc = html.escape
    cards = []
    for slug, e in entries.items():
        outs = e.get("outputs", {})
        if not all(n in pending or (out_dir / n).exists() for n in outs):
            continue
        kinds = {"html": "Map", "geojson": "GeoJSON", "svg": "SVG (print)", "png": "PNG (print)"}
        links = " · ".join(
            f'<a href="{esc(n)}">{esc(kinds.get(n.rsplit(".", 1)[1], n.rsplit(".", 1)[1].upper()))}</a>'
            for n in sorted(outs) if not n.endswith(".thumb.svg"))
        stops = " → ".join(esc(s) for s in e.get("stops", []))
        thumb = e.get("thumbnail")
        picture = (f'<a href="{esc(slug)}.html" tabindex="-1" aria-hidden="true"><img src="{esc(thumb)}" alt="" '
                   'width="320" height="200"></a>' if thumb and thumb in outs else "")
        cards.append(
            f'<li>{picture}<div><h2><a href="{esc(slug)}.html">{esc(e.get("title", slug))}</a></h2>'
            f'<p>{esc(str(e.get("date") or "undated"))} · {e.get("km", 0):,.0f} km · '
            f'{_count(len(e.get("stops", [])), "stop")}</p><p>{stops}</p><p>{links}</p></div></li>'
        )
    n = len(cards)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="mapgen {esc(__version__)}">'
        "<title>mapgen: maps</title><style>body{font:16px/1.45 system-ui,sans-serif;max-width:900px;"
        "margin:2em auto;padding:0 1em;color:#1a1a1a}ol{padding:0}li{list-style:none;border-top:1px solid #ddd;"
        "padding:.8em 0;display:flex;gap:1em;align-items:flex-start;flex-wrap:wrap}li img{display:block;"
        "border:1px solid #ccc;border-radius:4px;max-width:100%;height:auto}h2{font-size:1.15em;margin:0}"
        "p{margin:.2em 0}a{color:#00557a}footer{font-size:.85em;color:#404040;border-top:1px solid #ddd;"
        "padding-top:.6em}</style></head><body>"
        f"<header><h1>Maps</h1><p>{_count(n, 'story', 'stories')}. Built by mapgen from the articles they cite."
        "</p></header>"
        f'<main><ol>{"".join(cards)}</ol></main>'
        "<footer>Places: GeoNames (CC BY 4.0) and Natural Earth; railways and borders: Natural Earth; "
        "tiles: © OpenStreetMap contributors.</footer></body></html>\n"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    """ "1 story", "3 stories", "1 stop", "0 stops". """
    return f"{n} {one if n == 1 else many or one + 's'}"
