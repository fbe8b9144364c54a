"""The `mapgen` command. Thin: each command calls the library and turns MapgenError into `Error: ...`.

Heavy libraries (folium, shapely, numpy) are imported inside commands so `mapgen --help` is instant.
"""
from __future__ import annotations

import contextlib
import gc
import sys
import types
from pathlib import Path

# A command is one short process that makes many objects (most of them by importing libraries) and few
# reference cycles: Python's cyclic collector, run after every 700 allocations by default, took about a tenth
# of a cold build scanning the same live objects again and again. Run about 140 times less often (a build of
# one new map, about 85k objects, not at all: its two passes were another 3 % of it), it still frees what
# cycles there are, so memory stays flat over a long run (`mapgen extract` of an archive); reference counting
# frees everything else as before.
gc.set_threshold(100_000, 10, 10)

import click  # noqa: E402

from . import __version__
from .imports import cache_dataclass_code

cache_dataclass_code()  # before mapgen's modules with dataclasses are imported (imports.py)

from .errors import MapgenError  # noqa: E402


def _progress(n: int):
    """A progress bar on a terminal with several stories; silent otherwise (logs, pipes, tests)."""
    if n > 1 and sys.stderr.isatty():
        return click.progressbar(length=n, label="Building", file=sys.stderr, show_pos=True)
    return contextlib.nullcontext(types.SimpleNamespace(update=lambda k: None))


def _fail(exc: MapgenError) -> None:
    raise click.ClickException(str(exc))


@click.group()
@click.version_option(__version__, prog_name="mapgen")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The project folder (stories in geo/stories/, maps in maps/). Default: the current folder or "
                   "the nearest one above it holding geo/stories/.")
def cli(project: Path | None) -> None:
    """Turn a news story about a journey into a cited, routed map.

    A project is a folder with the stories in geo/stories/<slug>/ and the maps in maps/ (`mapgen init`
    makes one); mapgen works on the one you are in.

    \b
    Example:
        mapgen init my-maps && cd my-maps
        mapgen new kim-2023 --article article.txt    # geo/stories/kim-2023/story.toml
        mapgen build                                 # every story in geo/stories/ -> maps/
        mapgen build geo/stories/kim-2023 --out /tmp/maps
    """


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path | None) -> None:
    """Make a folder a project: stories in geo/stories/, maps in maps/.

    FOLDER defaults to --project, else the current folder. Creates geo/stories/ (where `mapgen new` puts
    stories) and, if there is none, a README.md saying what goes where; maps/ is made by the first
    `mapgen build`. Nothing already there is changed.

    \b
    Example:
        mapgen init my-maps
    """
    from .project import init_project

    folder = folder or click.get_current_context().find_root().params.get("project") or Path(".")
    try:
        project, new = init_project(folder)
    except MapgenError as exc:
        _fail(exc)
    if new:
        click.echo(f"{project.root}: a new mapgen project; stories go in geo/stories/, maps come out in maps/")
    else:
        click.echo(f"{project.root}: already a mapgen project")


@cli.command()
@click.argument("stories", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: the project's maps/).")
@click.option("--force", is_flag=True, help="Rebuild even stories whose inputs are unchanged.")
@click.option("--png", is_flag=True, help="Also render the print graphic as <slug>.png (1200x800, headless Chromium).")
@click.option("--svg", is_flag=True, help="Also write the print graphic as <slug>.svg, vector, editable.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Stories built in parallel (default: one per core).")
def build(stories: tuple[Path, ...], out_dir: Path | None, force: bool, png: bool, svg: bool,
          jobs: int | None) -> None:
    """Build story folders into HTML maps, GeoJSON and an index page.

    With no STORIES, builds every folder under the project's geo/stories/. Stories whose inputs (story, article,
    geodata, mapgen itself) are unchanged since the last build are skipped. A story that fails is
    reported at the end; the others are still built, and earlier maps are never damaged.

    \b
    Example:
        mapgen build
        mapgen build geo/stories/kim-2023-russia --out build/ --png
    """
    from .build import Built, build_all, find_stories
    from .project import current

    try:
        project = current(stories[0] if stories else None) if not stories or out_dir is None else None
        paths = list(stories) or find_stories(project.stories)
        out = out_dir or project.maps
        with _progress(len(paths)) as bar:
            results = build_all(paths, out, force=force, png=png, svg=svg, jobs=jobs,
                                progress=lambda result: bar.update(1))
        failures = [r for r in results if not isinstance(r, Built)]
        for result in results:
            if not isinstance(result, Built):
                continue
            for w in result.warnings:
                click.echo(f"Warning: {result.slug}: {w}", err=True)
            if result.skipped:
                click.echo(f"{result.slug}: up to date")
            else:
                names = ", ".join(str(f) for f in result.files)
                click.echo(f"{result.slug}: {result.km:,.0f} km -> {names}")
    except MapgenError as exc:
        _fail(exc)
    for f in failures:
        click.echo(f"Error: {f.message}", err=True)
    if failures:
        sys.exit(1)


from .commands import extract, geocode, new, route  # noqa: E402

cli.add_command(extract)
cli.add_command(new)
cli.add_command(geocode)
cli.add_command(route)


def main() -> None:  # console-script entry point
    try:
        cli(prog_name="mapgen")
    finally:
        # The command is done and the process ends: Python's shutdown runs the cyclic collector over every
        # object left (about an eighth of a cold build's wall time). Frozen, they are skipped and freed with
        # the process; atexit handlers still run, and every output was written and closed before this.
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
