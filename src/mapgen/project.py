"""The user's project: a folder holding `geo/stories/` (one folder per story) and `maps/` (what `mapgen build`
makes). Separate from mapgen's own data (`mapgen.data`), which is installed with the package.

Found the way git finds its repository: the current folder or the nearest parent holding `geo/stories/`;
`mapgen --project DIR` says it; `mapgen init [DIR]` makes one. This repository is one such project."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectError

README = """# Maps made with mapgen

Stories go in `geo/stories/<slug>/` (a `story.toml` and the article it cites; `mapgen new <slug> --article
<file>` starts one from an article); `mapgen build` writes their maps to `maps/`.
"""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def stories(self) -> Path:
        return self.root / "geo" / "stories"

    @property
    def maps(self) -> Path:
        return self.root / "maps"


def is_project(folder: Path) -> bool:
    return (folder / "geo" / "stories").is_dir()


def find_project(start: Path | None = None) -> Project:
    """The project holding `start` (default: the current folder): it or its nearest parent with geo/stories/."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return Project(folder)
    raise ProjectError("no mapgen project here or in any folder above (none holds geo/stories/); "
                       "`mapgen init` makes one, or give --project DIR", where=str(start))


def open_project(folder: Path) -> Project:
    if not is_project(folder):
        raise ProjectError("not a mapgen project (it has no geo/stories/ folder); `mapgen init DIR` makes one",
                           where=str(folder))
    return Project(Path(folder).resolve())


def init_project(folder: Path) -> tuple[Project, bool]:
    """Make `folder` a project: geo/stories/ and, if it has none, a README.md saying what goes where.
    Returns the project and whether it is new."""
    folder = Path(folder)
    new = not is_project(folder)
    try:
        (folder / "geo" / "stories").mkdir(parents=True, exist_ok=True)
        readme = folder / "README.md"
        if not readme.exists():
            readme.write_text(README, encoding="utf-8")
    except OSError as exc:
        raise ProjectError(f"cannot make a project here: {exc.strerror or exc}", where=str(folder)) from None
    return Project(folder.resolve()), new


def current(near: Path | None = None) -> Project:
    """The project the running `mapgen` command works on: `--project`, else the one holding `near` (a story
    given on the command line) or the current folder."""
    import click

    ctx = click.get_current_context(silent=True)
    option = ctx.find_root().params.get("project") if ctx is not None else None
    return open_project(option) if option else find_project(near)


def current_or_new() -> tuple[Project, bool]:
    """As `current`, but with no project here or above (and no --project) the current folder, not yet made a
    project (`init_project` does that, once there is something to put in it): `mapgen new` in an empty
    folder starts a project there. Returns the project and whether it is new."""
    try:
        return current(), False
    except ProjectError:
        import click

        ctx = click.get_current_context(silent=True)
        if ctx is not None and ctx.find_root().params.get("project"):
            raise
    return Project(Path.cwd().resolve()), True
