"""The `mapgen` command. Thin: each command calls the library and turns MapgenError into `Error: ...`.

Heavy libraries (folium, shapely, scipy) are imported inside commands so `mapgen --help` is instant.
"""
from __future__ import annotations

import contextlib
import sys
import types
from pathlib import Path

import click

from . import __version__
from .errors import MapgenError


def _progress(n: int):
    """A progress bar on a terminal with several stories; silent otherwise (logs, pipes, tests)."""
    if n > 1 and sys.stderr.isatty():
        return click.progressbar(length=n, label="Building", file=sys.stderr, show_pos=True)
    return contextlib.nullcontext(types.SimpleNamespace(update=lambda k: None))


def _fail(exc: MapgenError) -> None:
    raise click.ClickException(str(exc))


@click.group()
@click.version_option(__version__, prog_name="mapgen")
def cli() -> None:
    """Turn a news story about a journey into a cited, routed map.

    \b
    Example:
        mapgen build                      # every story in geo/stories/ -> maps/
        mapgen build geo/stories/kim-2023-russia --out /tmp/maps
    """


@cli.command()
@click.argument("stories", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: maps/ beside geo/).")
@click.option("--force", is_flag=True, help="Rebuild even stories whose inputs are unchanged.")
@click.option("--png", is_flag=True, help="Also render <slug>.png (1200x800) in headless Chromium.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Stories built in parallel (default: one per core).")
def build(stories: tuple[Path, ...], out_dir: Path | None, force: bool, png: bool, jobs: int | None) -> None:
    """Build story folders into HTML maps, GeoJSON and an index page.

    With no STORIES, builds every folder under geo/stories/. Stories whose inputs (story, article,
    geodata, mapgen itself) are unchanged since the last build are skipped. A story that fails is
    reported at the end; the others are still built, and earlier maps are never damaged.

    \b
    Example:
        mapgen build
        mapgen build geo/stories/kim-2023-russia --out build/ --png
    """
    from .build import Built, build_all, find_stories
    from .data import geo_dir

    try:
        root = geo_dir().parent
        paths = list(stories) or find_stories(root / "geo" / "stories")
        out = out_dir or root / "maps"
        with _progress(len(paths)) as bar:
            results = build_all(paths, out, force=force, png=png, jobs=jobs,
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
    cli(prog_name="mapgen")


if __name__ == "__main__":
    sys.exit(main())
