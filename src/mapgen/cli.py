"""The `mapgen` command. Thin: each command calls the library and turns MapgenError into `Error: ...`.

Heavy libraries (folium, shapely, scipy) are imported inside commands so `mapgen --help` is instant.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import MapgenError


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
@click.argument("stories", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: maps/ beside geo/).")
def build(stories: tuple[Path, ...], out_dir: Path | None) -> None:
    """Build story folders into HTML maps and GeoJSON.

    With no STORIES, builds every folder under geo/stories/.

    \b
    Example:
        mapgen build
        mapgen build geo/stories/kim-2023-russia --out build/
    """
    from .build import build_story, find_stories
    from .data import geo_dir

    try:
        root = geo_dir().parent
        paths = list(stories) or find_stories(root / "geo" / "stories")
        out = out_dir or root / "maps"
        for path in paths:
            built = build_story(path, out)
            for w in built.warnings:
                click.echo(f"Warning: {built.slug}: {w}", err=True)
            names = ", ".join(str(f) for f in built.files)
            click.echo(f"{built.slug}: {built.km:,.0f} km -> {names}")
    except MapgenError as exc:
        _fail(exc)


def main() -> None:  # console-script entry point
    cli(prog_name="mapgen")


if __name__ == "__main__":
    sys.exit(main())
