"""The one exception family. The CLI turns each into a single `Error: ...` line."""
from __future__ import annotations


class MapgenError(Exception):
    """A problem the user can fix; `where` names the file and `field` the key inside it."""

    def __init__(self, msg: str, *, where: str | None = None, field: str | None = None):
        super().__init__(msg)
        self.msg = msg
        self.where = where
        self.field = field

    def __str__(self) -> str:
        loc = ", ".join(
            p for p in (self.where and str(self.where), self.field and f"field {self.field}") if p
        )
        return f"{loc}: {self.msg}" if loc else self.msg


class StoryError(MapgenError):
    """story.toml or article.txt is malformed or inconsistent."""


class QuoteNotFound(StoryError):
    """A stop's quote is not in the article."""


class GeocodeError(MapgenError):
    """A place could not be found, or not told apart from others."""


class RouteError(MapgenError):
    """A leg has no path on the rail network under the border rule."""


class DataError(MapgenError):
    """Embedded geodata is missing or unreadable."""


class OutputError(MapgenError):
    """Output could not be written."""


class ProjectError(MapgenError):
    """No project (a folder holding geo/stories/) where one is needed."""
