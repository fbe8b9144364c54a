"""Stage 5: build a story into maps/<slug>.html and maps/<slug>.geojson.

Everything is computed in memory first and written last, each file through a temporary file and a
rename, so a failed build leaves earlier maps exactly as they were.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import MapgenError, OutputError


@dataclass(frozen=True)
class Built:
    slug: str
    files: tuple[Path, ...]
    km: float
    warnings: tuple[str, ...]


def find_stories(root: Path) -> list[Path]:
    """Story folders under `root` (a geo/stories folder), in name order."""
    if not root.is_dir():
        raise MapgenError("no stories folder", where=str(root))
    return sorted(p for p in root.iterdir() if (p / "story.toml").is_file())


def build_story(path: Path, out_dir: Path) -> Built:
    from . import export, render
    from .gazetteer import Gazetteer
    from .geocode import geocode_story
    from .rail import default_network
    from .route import route_story
    from .story import load_story

    story = load_story(path)
    stops = geocode_story(story, Gazetteer.open())
    network = default_network()
    route = route_story(story, stops, network)
    geojson = export.dumps(export.to_geojson(story, stops, route, network))
    page = render.render_html(story, stops, route, network)
    files = write_files(out_dir, {f"{story.slug}.html": page, f"{story.slug}.geojson": geojson})
    return Built(story.slug, files, route.km, route.warnings)


def write_files(out_dir: Path, contents: dict[str, str | bytes]) -> tuple[Path, ...]:
    """Write each file atomically: all temporaries first, then all renames."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder: {exc.strerror}", where=str(out_dir)) from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, body in contents.items():
            fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            staged.append((tmp, out_dir / name))
            os.fchmod(fd, 0o644)  # published files: readable by all, like any other file written here
            with os.fdopen(fd, "wb") as f:
                f.write(body.encode("utf-8") if isinstance(body, str) else body)
                f.flush()
                os.fsync(f.fileno())
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise OutputError(f"cannot write output: {exc.strerror}", where=str(out_dir)) from None
    return tuple(final for _, final in staged)
